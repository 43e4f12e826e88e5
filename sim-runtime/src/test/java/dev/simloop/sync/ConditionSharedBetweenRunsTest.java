package dev.simloop.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Task;
import dev.simloop.TaskGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * A lock whose condition a task of one run waits on is refused to a task of another run where that
 * task takes it, and a condition waiter refuses to take back a lock that a task of another run holds,
 * as Lock.acquire refuses a lock another run holds (SharedBetweenRunsTest). Before, the other run's
 * task that ended holding the lock broke it and woke this run's waiter from its own thread: the
 * IllegalStateException that refused the wake-up escaped the ending task's thread uncaught, the
 * task's end was cut short, and that run reported a deadlock on a group whose task had finished. And
 * a waiter woken meanwhile waited for a task its run does not run, and its run reported a deadlock.
 */
class ConditionSharedBetweenRunsTest {
    /** The refusal's wording after the primitive's state and the other run's task (SharedBetweenRunsTest uses it too). */
    static final String SHARED = " of another run (a simulation or loop running at the same time): a primitive"
            + " belongs to the one run that uses it, and this one is shared between two (kept in a static field,"
            + " or handed from one run to the other). Create it inside the program the run runs, so that each run"
            + " makes its own.";

    /**
     * Another run, a loop on a thread of its own, takes {@code lock} and holds it until the returned
     * handle is closed. Called from a task of this run, which waits (on a thread) until it holds it.
     * (A run that ends holding a lock breaks it: BrokenLocksOfStoppedRunsTest.)
     */
    static AutoCloseable anotherRunHolds(Lock lock) {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        Thread other = Loop.toThread(() -> {
            Thread b = Thread.ofPlatform().name("run B").start(() -> Loop.run(() -> {
                lock.acquire();
                Loop.toThread(() -> {
                    held.countDown();
                    letGo.await();
                    return null;
                });
                lock.release();
                return null;
            }));
            held.await();
            return b;
        });
        return () -> {
            letGo.countDown();
            other.join();
        };
    }

    @Test
    void aLockWhoseConditionAnotherRunWaitsOnIsRefusedWhereItIsAcquired() {
        Lock lock = new Lock("L");
        Condition cond = new Condition(lock, "C");
        List<Object> seen = new ArrayList<>();
        SimResult<?> a = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> Simulation.run(1, () -> {
            TaskGroup.with(g -> {
                Task<Void> waiter = g.spawn("waiter", () -> {
                    try (var _ = cond.hold()) {
                        cond.await();
                    }
                });
                Loop.waitAllTasksBlocked(); // the waiter waits on the condition; the lock is free
                SimResult<?> b = Loop.toThread(() -> Simulation.run(2, () -> {
                    TaskGroup.with(bg -> bg.spawn("taker", () -> lock.acquire())); // would end holding it
                    return null;
                }));
                seen.add(b.failure());
                seen.add(lock.isBroken());
                waiter.cancel(); // it takes the free lock back and raises its cancel
                return null;
            });
            return null;
        }));
        assertThat((Throwable) seen.get(0)).isInstanceOf(IllegalStateException.class)
                .hasMessage("Condition 'C' of Lock 'L' (free), 1 waiting for a signal is waited on by task 'waiter'" + SHARED);
        assertThat(seen.get(1)).as("the lock was never taken by the other run").isEqualTo(false);
        assertThat(a.failure()).as("run A goes on").isNull();
    }

    @Test
    void aConditionWaiterRefusesToTakeBackALockAnotherRunHolds() throws Exception {
        Lock lock = new Lock("L");
        Condition cond = new Condition(lock, "C");
        List<String> seen = new ArrayList<>();
        List<AutoCloseable> runB = new ArrayList<>();
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
                runB.add(anotherRunHolds(lock)); // takes the free lock
                return null;
            });
            return null;
        }));
        runB.get(0).close();
        assertThat(a.failure()).as("no deadlock report: the waiter was refused").isNull();
        assertThat(seen).containsExactly("Lock 'L' is held by task 'main'" + SHARED);
    }
}
