package dev.simloop.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.simloop.CancelScope;
import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.TaskGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A lock waiter whose cancel a shield hid again, and which finds the lock taken meanwhile by a task
 * of another run, is refused as Lock.acquire refuses a lock another run holds (SharedBetweenRunsTest):
 * before, it queued again behind that task, which its run does not run, and its run reported a
 * deadlock.
 */
class HiddenCancelSharedBetweenRunsTest {

    @Test
    void aWaiterBackFromAHiddenCancelRefusesALockAnotherRunTookMeanwhile() throws Exception {
        Lock lock = new Lock("L");
        List<String> seen = new ArrayList<>();
        List<AutoCloseable> runB = new ArrayList<>();
        SimResult<?> a = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> Simulation.run(1, () -> {
            lock.acquire();
            CancelScope.run(outer -> CancelScope.run(inner -> {
                inner.setShielded(true);
                TaskGroup.with(g -> {
                    g.spawn("waiter", () -> {
                        try {
                            lock.acquire();
                            seen.add("acquired");
                            lock.release();
                        } catch (IllegalStateException e) {
                            seen.add(e.getMessage());
                        }
                    });
                    Loop.waitAllTasksBlocked(); // the waiter is queued for the lock
                    outer.cancel();             // hidden by the shield
                    inner.setShielded(false);   // the cancel takes the waiter out of the queue ...
                    inner.setShielded(true);    // ... and is hidden again before it runs
                    lock.release();             // nobody queued: the lock is free
                    runB.add(ConditionSharedBetweenRunsTest.anotherRunHolds(lock)); // takes the free lock
                    return null;
                });
                return null;
            }));
            return null;
        }));
        runB.get(0).close();
        assertThat(a.failure()).as("no deadlock report: the waiter was refused").isNull();
        assertThat(seen).containsExactly("Lock 'L' is held by task 'main'" + ConditionSharedBetweenRunsTest.SHARED);
    }
}
