package dev.simloop.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.TaskGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A condition waiter refuses to take back a lock that a task of another run holds, as Lock.acquire
 * refuses it (SharedBetweenRunsTest): before, it waited for that task (one of a run that ended
 * holding the lock), which its run does not run, and its run reported a deadlock.
 */
class ConditionSharedBetweenRunsTest {
    private static final String SHARED = " of another run (a simulation or loop running at the same time, or one"
            + " that ended holding it): a primitive belongs to the one run that uses it, and this one is shared"
            + " between two (kept in a static field, or handed from one run to the other). Create it inside the"
            + " program the run runs, so that each run makes its own.";

    @Test
    void aConditionWaiterRefusesToTakeBackALockAnotherRunHolds() {
        Lock lock = new Lock("L");
        Condition cond = new Condition(lock, "C");
        List<String> seen = new ArrayList<>();
        SimResult<?> a = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> Simulation.run(1, () -> {
            TaskGroup.with(g -> {
                g.spawn("waiter", () -> {
                    try (var _ = cond.hold()) {
                        cond.await();
                    } catch (IllegalStateException e) {
                        seen.add(e.getMessage());
                    }
                });
                Loop.waitAllTasksBlocked();
                try (var _ = cond.hold()) {
                    cond.signal(); // the waiter is ready to take the lock back, and nobody waits on the condition
                }
                // run B ends (stopped by its step limit) with its task holding the free lock
                Loop.toThread(() -> Simulation.builder().seed(2).maxSteps(10).run(() -> {
                    lock.acquire();
                    while (true) {
                        Loop.checkpoint();
                    }
                }));
                return null;
            });
            return null;
        }));
        assertThat(a.failure()).as("no deadlock report: the waiter was refused").isNull();
        assertThat(seen).containsExactly("Lock 'L' is held by task 'main'" + SHARED);
    }
}
