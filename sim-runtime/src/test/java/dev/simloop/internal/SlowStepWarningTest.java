package dev.simloop.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.CapturedWarnings;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The real loop's slow-step warning, and what it says when the loop was started from a static
 * initializer: a task that uses that class waits for the initializer, which waits for the loop, for
 * ever (the JVM's class-initialization deadlock), and the warning is all the user hears of it; and
 * when the task waits inside a static initializer itself, with a JDK wait (the loop's own waits
 * there are ended at once, {@code NoSilentHangTest}). The
 * simulated side of the same case, end to end, is {@code NoSilentHangTest}'s.
 */
class SlowStepWarningTest {
    private static final StackTraceElement[] TASK_AT = {new StackTraceElement("app.Config", "lambda$static$0", "Config.java", 14)};

    @Test
    void aSlowStepOfALoopStartedFromAStaticInitializerNamesTheClassAndTheLine() {
        StackTraceElement start = new StackTraceElement("app.Config", "<clinit>", "Config.java", 12);
        assertThat(warningsOf(() -> Watchdog.slowStep("main", 150_000_000L, TASK_AT, start, null))).containsExactly(
                "task 'main' has held the loop for at least 150 ms without reaching a checkpoint, and no other task of"
                        + " the loop runs meanwhile. The loop was started from the static initializer of app.Config (at"
                        + " app.Config.<clinit>(Config.java:12)), and until that initializer returns, which it does only"
                        + " after this run, the JVM holds any other thread that uses app.Config (calls its methods or"
                        + " lambdas, reads its static fields): most likely the task waits there. Start the loop outside"
                        + " static initializers (from main, a test method, or a method that the initializer's users"
                        + " call). If the task spins instead, offload CPU-heavy or blocking work with Loop.toThread, or"
                        + " add Loop.checkpoint() calls. It is at:\n\tat app.Config.lambda$static$0(Config.java:14)");
    }

    @Test
    void aSlowStepOfAnyOtherLoopSaysToOffloadOrCheckpoint() {
        assertThat(warningsOf(() -> Watchdog.slowStep("worker", 250_000_000L, TASK_AT, null, null))).containsExactly(
                "task 'worker' has held the loop for at least 250 ms without reaching a checkpoint, and no other task"
                        + " of the loop runs meanwhile. Offload CPU-heavy or blocking work with Loop.toThread, or add"
                        + " Loop.checkpoint() calls. It is at:\n\tat app.Config.lambda$static$0(Config.java:14)");
    }

    @Test
    void aSlowStepWaitingInsideAStaticInitializerNamesTheClassAndSaysToMoveTheWait() {
        assertThat(warningsOf(() -> Watchdog.slowStep("worker", 120_000_000L, TASK_AT, null, "app.Config"))).containsExactly(
                "task 'worker' has held the loop for at least 120 ms without reaching a checkpoint, and no other task"
                        + " of the loop runs meanwhile. It waits inside the static initializer of app.Config, where the"
                        + " JVM pins the task to the driver: the wait cannot give the driver back, so no other task runs"
                        + " and no timer fires that could end it. Move the wait (a sleep, a lock, a wait for another task)"
                        + " out of the static initializer, into code the task calls. It is at:"
                        + "\n\tat app.Config.lambda$static$0(Config.java:14)");
    }

    @Test
    void theInitializerNamedIsTheInnermostOneOnTheCallersStack() {
        StackTraceElement inner = new StackTraceElement("app.Inner", "<clinit>", "Inner.java", 3);
        StackTraceElement[] caller = {
            new StackTraceElement("dev.simloop.Loop", "run", "Loop.java", 97),
            inner,
            new StackTraceElement("app.Outer", "<clinit>", "Outer.java", 5),
            new StackTraceElement("app.Main", "main", "Main.java", 9),
        };
        assertThat(Watchdog.innermostInitializer(caller)).isSameAs(inner);
        assertThat(Watchdog.innermostInitializer(new StackTraceElement[] {caller[0], caller[3]})).isNull();
    }

    /** @return the WARNING messages logged on "dev.simloop" while {@code action} ran */
    private static List<String> warningsOf(Runnable action) {
        try (CapturedWarnings captured = new CapturedWarnings()) {
            action.run();
            return captured.messages();
        }
    }
}
