package dev.simloop.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.DeadlockDetected;
import dev.simloop.LeakDetected;
import dev.simloop.LimitExceeded;
import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Task;
import dev.simloop.TaskCancelledException;
import dev.simloop.TaskGroup;
import dev.simloop.sync.Event;
import dev.simloop.sync.Lock;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A task's name is the user's text: the reports that quote it (a deadlock, a stopped run's tasks,
 * a leak) show it on one line and cut. Before, a line break in a name split the report's line, so
 * that what followed read as a line of the report (here a fake stack frame), a terminal's escape
 * code was printed raw, and a name of 100,000 characters was quoted whole on every line naming it.
 */
class TaskNamesInFailureMessagesTest {
    /** A name that would forge a stack frame and colour a terminal red. */
    private static final String FORGING = "job\n  at com.acme.Fake.frame(Fake.java:1)\u001b[31m";
    /** How the reports show it. */
    private static final String SHOWN = "job at com.acme.Fake.frame(Fake.java:1)\\u001b[31m";

    private static String blockedOnAnEvent(String name) {
        SimResult<Integer> r = Simulation.builder().seed(1).run(() -> {
            TaskGroup.with(tg -> {
                tg.spawn(name, () -> new Event().await());
                return null;
            });
            return 0;
        });
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class);
        return r.failure().getMessage();
    }

    @Test
    void aDeadlockShowsANameWithALineBreakOnOneLineAndItsControlCharactersEscaped() {
        String message = blockedOnAnEvent(FORGING);
        assertThat(message).contains("\n  task '" + SHOWN + "' waits for Event (not set, 1 waiting)")
                .contains("(1 task still running): task '" + SHOWN + "'")
                .doesNotContain("\u001b");
        assertThat(message.lines()).noneMatch(l -> l.strip().startsWith("at com.acme.Fake"));
    }

    @Test
    void aDeadlockCutsAHugeNameAndSaysHowMuchMoreThereIs() {
        String huge = "h".repeat(100_000) + "END";
        String message = blockedOnAnEvent(huge);
        assertThat(message).contains("\n  task '" + "h".repeat(200) + "... (99803 more characters)' waits for Event")
                .doesNotContain("END");
        assertThat(message.length()).isLessThan(2_000);
    }

    @Test
    void aLockCycleNamesItsTasksOnOneLineWhileCyclesKeepTheirNamesWhole() {
        SimResult<Integer> r = Simulation.builder().seed(1).run(() -> {
            Lock a = new Lock();
            Lock b = new Lock();
            TaskGroup.with(tg -> {
                tg.spawn(FORGING, () -> {
                    a.acquire();
                    Loop.checkpoint();
                    b.acquire();
                });
                tg.spawn("other", () -> {
                    b.acquire();
                    Loop.checkpoint();
                    a.acquire();
                });
                return null;
            });
            return 0;
        });
        DeadlockDetected d = (DeadlockDetected) r.failure();
        assertThat(d.getMessage()).contains("\ncycle: '" + SHOWN + "' → 'other' → '" + SHOWN + "'\n")
                .contains("\n  → task 'other' waits for Lock held by task '" + SHOWN + "' (1 waiting)")
                .doesNotContain("\u001b");
        assertThat(d.cycles()).containsExactly(List.of(FORGING, "other"));
    }

    @Test
    void aRunStoppedAtMaxStepsListsASpinningTaskOnOneLine() {
        SimResult<Integer> r = Simulation.builder().seed(1).maxSteps(50).run(() -> {
            TaskGroup.with(tg -> {
                tg.spawn(FORGING, () -> {
                    while (true) {
                        Loop.checkpoint();
                    }
                });
                return null;
            });
            return 0;
        });
        assertThat(r.failure()).isInstanceOf(LimitExceeded.class);
        assertThat(r.failure().getMessage()).contains("\n  task '" + SHOWN + "' is ready to run, at ")
                .doesNotContain("\u001b");
    }

    @Test
    void aLeakedLockNamesItsHolderOnOneLine() {
        SimResult<Integer> r = Simulation.builder().seed(1).run(() -> {
            Lock lock = new Lock("accounts");
            TaskGroup.with(tg -> {
                tg.spawn(FORGING, lock::acquire);
                return null;
            });
            return 0;
        });
        assertThat(r.failure()).isInstanceOf(LeakDetected.class);
        assertThat(r.failure().getMessage()).contains("Lock 'accounts' was still held by task '" + SHOWN
                + "' when it finished").doesNotContain("\u001b");
    }

    @Test
    void aCancelledTasksJoinNamesItOnOneLineAndKeepsTheWholeNameForCode() {
        String huge = "q".repeat(1_000);
        SimResult<String> r = Simulation.builder().seed(1).run(() -> TaskGroup.with(tg -> {
            StringBuilder seen = new StringBuilder();
            for (String name : List.of(FORGING, huge)) {
                Task<Void> t = tg.spawn(name, () -> {
                    Loop.sleep(java.time.Duration.ofSeconds(1));
                    return null;
                });
                t.cancel();
                try {
                    t.join();
                } catch (TaskCancelledException e) {
                    seen.append(e.getMessage()).append(" | ").append(e.taskName().equals(name)).append('\n');
                }
            }
            return seen.toString();
        }));
        assertThat(r.value()).isEqualTo("task '" + SHOWN + "' was cancelled | true\n"
                + "task '" + "q".repeat(200) + "... (800 more characters)' was cancelled | true\n");
    }

    /** The determinism check names the task of the step where the runs part on one line too. */
    @Test
    void aDeterminismCheckNamesTheTaskOfTheStepWhereTheRunsPartOnOneLine() {
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        SimResult<?> r = Simulation.builder().seed(1).checkDeterminism(true).run(() -> TaskGroup.with(tg -> {
            boolean second = runs.incrementAndGet() == 2; // state kept between the runs: the second differs
            tg.spawn(FORGING, () -> {
                if (second) {
                    Loop.checkpoint();
                }
            });
            return null;
        }));
        assertThat(r.failure()).isInstanceOf(dev.simloop.NondeterminismDetected.class);
        assertThat(r.failure().getMessage()).contains("(task '" + SHOWN + "'): in the first run the step ended")
                .doesNotContain("\u001b");
    }
}
