package dev.simloop.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.DeadlockDetected;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** DeadlockDetected names, for each blocked task, the primitive it waits on (and a lock's holder). */
class DeadlockReportTest {
    @Test
    void eachPrimitiveDescribesItselfInTheReport() {
        SimResult<Object> r = Simulation.builder().strategy(Strategy.fifo()).run(() -> {
            RLock rlock = new RLock("r");
            PriorityLock plock = new PriorityLock("p");
            Semaphore sem = new Semaphore(0);
            Condition cond = new Condition(new Lock("c"));
            Channel<String> ch = new Channel<>(0);
            TaskGroup.with(tg -> {
                tg.spawn("holder", () -> {
                    rlock.acquire();
                    rlock.acquire();
                    plock.acquire();
                    new Event().await();
                });
                Sims.until(plock::isLocked);
                tg.spawn("onRLock", rlock::acquire);
                tg.spawn("onPriorityLock", plock::acquire);
                tg.spawn("onSemaphore", sem::acquire);
                tg.spawn("onCondition", () -> {
                    try (var _ = cond.hold()) {
                        cond.await();
                    }
                });
                tg.spawn("sender", () -> ch.send("x"));
                return null;
            });
            return null;
        });
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class);
        assertThat(r.failure().getMessage())
                .contains("task 'holder' waits for Event (not set, 1 waiting)")
                .contains("task 'onRLock' waits for RLock 'r' held by task 'holder' 2 times (1 waiting)")
                .contains("task 'onPriorityLock' waits for PriorityLock 'p' held by task 'holder' (1 waiting)")
                .contains("task 'onSemaphore' waits for Semaphore (0 permits, 1 waiting)")
                .contains("task 'onCondition' waits for Condition of Lock 'c' (free), 1 waiting for a signal")
                .contains("task 'sender' waits for Channel (capacity 0, 0 buffered, 1 waiting to send)");
    }

    @Test
    void aDeadlockOfAHundredThousandTasksIsListedInFiftyLinesAndTheRestCounted() {
        // Before the tear-down stopped scanning every live task at every step, unwinding this run took
        // time quadratic in its tasks (minutes here, hours at a million): the run must end, all unwound.
        int tasks = 100_000;
        int[] unwound = new int[1];
        SimResult<Object> r = Simulation.builder().seed(1).strategy(Strategy.fifo()).run(() -> {
            Event never = new Event();
            TaskGroup.with(g -> {
                for (int i = 0; i < tasks; i++) {
                    g.spawn(() -> {
                        try {
                            never.await();
                        } finally {
                            unwound[0]++;
                        }
                    });
                }
                return null;
            });
            return null;
        });
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class);
        assertThat(unwound[0]).as("every blocked task unwound").isEqualTo(tasks);
        String[] lines = r.failure().getMessage().split("\n");
        String wait = "waits for Event (not set, 100000 waiting); no task holds it: it needs a call to set()";
        assertThat(lines[0]).endsWith("Blocked tasks:");
        String here = ", at " + DeadlockReportTest.class.getName() + ".lambda$";
        assertThat(lines[1]).startsWith("  task 'main' waits for its task group to finish (100000 tasks still running): tasks 'task-1', "
                + "'task-2', 'task-3', 'task-4', 'task-5', 'task-6', 'task-7', 'task-8', 'task-9', 'task-10', 'task-11', "
                + "'task-12', 'task-13', 'task-14', 'task-15', 'task-16', 'task-17', 'task-18', 'task-19', 'task-20' and 99980 more"
                + here);
        assertThat(lines[2]).startsWith("  task 'task-1' " + wait + here);
        assertThat(lines[50]).startsWith("  task 'task-49' " + wait + here);
        assertThat(lines[51]).isEqualTo("  and 99951 more, counted by their wait:");
        assertThat(lines[52]).isEqualTo("    99951 × " + wait);
        assertThat(lines).hasSize(53);
    }

    @Test
    void aDeadlockOfFortyThousandNestedGroupsCountsTheOwnersTogether() {
        // Each owner waits for its own group's child. Finding those children walked every live task once
        // per waiting owner (10⁸ visits at ten thousand, over five minutes at forty thousand); the report
        // now finds them in one walk, and counts owners that wait alike together although each names
        // its own child.
        int groups = 40_000;
        SimResult<Object> r = Simulation.builder().seed(1).strategy(Strategy.fifo()).run(() -> {
            Event never = new Event();
            TaskGroup.with(g -> {
                for (int i = 0; i < groups; i++) {
                    g.spawn(() -> TaskGroup.with(inner -> {
                        inner.spawn(never::await);
                        return null;
                    }));
                }
                return null;
            });
            return null;
        });
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class);
        String[] lines = r.failure().getMessage().split("\n");
        assertThat(lines[2]).startsWith("  task 'task-1' waits for its task group to finish (1 task still running): task 'task-40001',"
                + " at " + DeadlockReportTest.class.getName() + ".lambda$");
        assertThat(Arrays.copyOfRange(lines, 51, lines.length)).containsExactly(
                "  and 79951 more, counted by their wait:",
                "    39951 × waits for its task group to finish (1 task still running): task …",
                "    40000 × waits for Event (not set, 40000 waiting); no task holds it: it needs a call to set()");
    }
}
