package dev.simloop.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.CancelScope;
import dev.simloop.Cancelled;
import dev.simloop.Loop;
import dev.simloop.Simulation;
import dev.simloop.Task;
import dev.simloop.TaskGroup;
import dev.simloop.TaskTimeoutException;
import dev.simloop.ThrowingSupplier;
import dev.simloop.sync.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.Test;

/**
 * An exception thrown into a task waiting in {@code close()} of a {@code Loop.executor()}
 * ({@code Task.interrupt}, {@code throwIn}, a {@code Loop.taskTimeout} that passes) left close at
 * once: the executor's tasks ran on after close had thrown, where an interrupt of the JDK's
 * {@code ExecutorService.close()} stops them (shutdownNow) and waits for them, and a cancel of this
 * close did too. Now close cancels them, waits for them, and throws the exception. Each case runs
 * simulated (every seed gives the same log) and on a real loop.
 */
class LoopExecutorCloseThrownIntoTest {

    static final class Boom extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Boom(String m) {
            super(m);
        }
    }

    /** Asserts that {@code program} logs {@code expected} simulated under seeds 0 to 49, and on a real loop. */
    private static void assertLogsOnEverySeedAndARealLoop(ThrowingSupplier<List<String>> program, String... expected) {
        for (long seed = 0; seed < 50; seed++) {
            assertThat(Simulation.run(seed, program).value()).as("seed %d", seed).containsExactly(expected);
        }
        assertThat(Loop.run(program)).containsExactly(expected);
    }

    /** Sleeps an hour (the group's end cancels it, on old code, once the test is done); logs its cancel. */
    private static void work(List<String> log) {
        try {
            Loop.sleep(Duration.ofHours(1));
            log.add("work finished");
        } catch (Cancelled c) {
            log.add("work cancelled");
            throw c;
        }
    }

    /** A task closes an executor whose work sleeps an hour; the task is interrupted at 10 ms. */
    private static List<String> interruptTheCloser() {
        List<String> log = new ArrayList<>();
        TaskGroup.with(outer -> {
            Task<Void> closer = outer.spawn("closer", () -> {
                ExecutorService ex = Loop.executor();
                ex.execute(() -> work(log));
                try {
                    ex.close();
                } catch (Boom e) {
                    log.add("close threw " + e.getMessage() + ", executor terminated: " + ex.isTerminated());
                }
            });
            Loop.sleep(Duration.ofMillis(10));
            closer.interrupt(new Boom("stop"));
            closer.join();
            outer.cancel(); // ends work that the close left running (old code), so the test does not wait an hour
            return null;
        });
        return log;
    }

    @Test
    void anExceptionThrownIntoCloseCancelsTheExecutorsTasksAndWaitsForThem() {
        assertLogsOnEverySeedAndARealLoop(LoopExecutorCloseThrownIntoTest::interruptTheCloser, "work cancelled", "close threw stop, executor terminated: true");
    }

    /** A task timeout of 10 ms around a close whose executor's work sleeps an hour. */
    private static List<String> taskTimeoutAroundClose() {
        List<String> log = new ArrayList<>();
        TaskGroup.with(outer -> {
            ExecutorService ex = outer.executor();
            ex.execute(() -> work(log));
            try {
                Loop.taskTimeout(Duration.ofMillis(10), () -> {
                    ex.close();
                    return null;
                });
            } catch (TaskTimeoutException e) {
                log.add("timed out, executor terminated: " + ex.isTerminated());
            }
            outer.cancel();
            return null;
        });
        return log;
    }

    @Test
    void aTaskTimeoutAroundCloseCancelsTheExecutorsTasksAndWaitsForThem() {
        assertLogsOnEverySeedAndARealLoop(LoopExecutorCloseThrownIntoTest::taskTimeoutAroundClose, "work cancelled", "timed out, executor terminated: true");
    }

    /**
     * The closer is interrupted; the executor's task cleans up (shielded) until the main task lets it
     * finish, and the closer is interrupted again meanwhile: close keeps waiting, and throws the first
     * exception, the second suppressed, once the task has ended.
     */
    private static List<String> interruptTheCloserTwice() {
        List<String> log = new ArrayList<>();
        Event cleaningUp = new Event();
        Event done = new Event();
        TaskGroup.with(outer -> {
            Task<Void> closer = outer.spawn("closer", () -> {
                ExecutorService ex = Loop.executor();
                ex.execute(() -> {
                    try {
                        Loop.sleep(Duration.ofHours(1));
                    } catch (Cancelled c) {
                        cleaningUp.set();
                        CancelScope.shielded(() -> {
                            done.await();
                            return null;
                        });
                        log.add("work cleaned up");
                        throw c;
                    }
                });
                try {
                    ex.close();
                } catch (Boom e) {
                    log.add("close threw " + e.getMessage() + ", suppressed "
                            + java.util.Arrays.stream(e.getSuppressed()).map(Throwable::getMessage).toList());
                }
            });
            Loop.sleep(Duration.ofMillis(10));
            closer.interrupt(new Boom("stop"));
            cleaningUp.await();
            closer.interrupt(new Boom("again"));
            done.set();
            return null;
        });
        return log;
    }

    @Test
    void anExceptionThrownIntoCloseWhileItWaitsForTheCancelledTasksDoesNotEndTheWait() {
        assertLogsOnEverySeedAndARealLoop(LoopExecutorCloseThrownIntoTest::interruptTheCloserTwice, "work cleaned up", "close threw stop, suppressed [again]");
    }
}
