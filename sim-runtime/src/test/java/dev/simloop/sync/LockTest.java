package dev.simloop.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simloop.CancelScope;
import dev.simloop.Cancelled;
import dev.simloop.DeadlockDetected;
import dev.simloop.LeakDetected;
import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.Task;
import dev.simloop.TaskGroup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class LockTest {

    @Test
    void aLockKeepsWorkingAcrossLoopsAndStillNamesTheWrongReleaser() {
        // the lock remembers the loop it was last used in, to find the caller fast; a later loop,
        // and a task of it that does not hold the lock, must not be fooled by that
        Lock shared = new Lock("shared");
        assertThat(Simulation.run(1, () -> {
            shared.acquire();
            shared.release();
            return "first loop";
        }).value()).isEqualTo("first loop");
        SimResult<Object> second = Simulation.builder().strategy(Strategy.fifo()).run(() -> TaskGroup.with(tg -> {
            tg.spawn("holder", () -> {
                shared.acquire();
                Loop.checkpoint();
                shared.release();
            });
            tg.spawn("intruder", () -> {
                assertThatThrownBy(shared::release).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("task 'intruder' does not hold Lock 'shared'")
                        .hasMessageContaining("held by task 'holder'");
            });
            return null;
        }));
        assertThat(second.failed()).as("%s", second.failure()).isFalse();
        assertThat(Loop.run(() -> {
            shared.acquire();
            shared.release();
            return "real loop";
        })).isEqualTo("real loop");
    }

    /** Rule 2 (Trio's lock FIFO fairness): once all wait, every round serves them in arrival order. */
    @Test
    void waitersGetTheLockInArrivalOrderEveryRound() {
        for (long seed = 0; seed < 50; seed++) {
            List<String> log = Sims.random(seed, () -> {
                List<String> acquired = new ArrayList<>();
                List<String> arrived = new ArrayList<>();
                Lock lock = new Lock("fair");
                lock.acquire();
                TaskGroup.with(tg -> {
                    for (int i = 0; i < 4; i++) {
                        String name = "w" + i;
                        tg.spawn(name, () -> {
                            arrived.add(name);
                            for (int round = 0; round < 5; round++) {
                                lock.acquire();
                                acquired.add(name);
                                Loop.checkpoint();
                                lock.release();
                            }
                        });
                    }
                    Sims.until(() -> lock.waiting() == 4);
                    lock.release();
                    return null;
                });
                List<String> expected = new ArrayList<>();
                for (int round = 0; round < 5; round++) {
                    expected.addAll(arrived);
                }
                assertThat(acquired).containsExactlyElementsOf(expected);
                return arrived;
            });
            assertThat(log).hasSize(4);
        }
    }

    @Test
    void acquireIsACheckpointEvenWhenFree() {
        List<String> log = Sims.fifo(() -> {
            List<String> l = new ArrayList<>();
            Lock lock = new Lock();
            TaskGroup.with(tg -> {
                tg.spawn("a", () -> {
                    l.add("a: acquire");
                    lock.acquire();
                    l.add("a: holds");
                    lock.release();
                });
                tg.spawn("b", () -> {
                    l.add("b: runs");
                });
                return null;
            });
            return l;
        });
        // a yields inside acquire (after taking the lock), so b runs before a continues
        assertThat(log).containsExactly("a: acquire", "b: runs", "a: holds");
    }

    @Test
    void acquireInACancelledScopeRaisesCancelledAndDoesNotTakeTheLock() {
        boolean locked = Sims.fifo(() -> {
            Lock lock = new Lock();
            CancelScope.run(scope -> {
                scope.cancel();
                assertThatThrownBy(lock::acquire).isInstanceOf(Cancelled.class);
                return null;
            });
            return lock.isLocked();
        });
        assertThat(locked).isFalse();
    }

    @Test
    void releaseIsNotACheckpointAndHandsTheLockToTheWaiter() {
        List<String> log = Sims.fifo(() -> {
            List<String> l = new ArrayList<>();
            Lock lock = new Lock();
            TaskGroup.with(tg -> {
                lock.acquire();
                tg.spawn("b", () -> {
                    lock.acquire();
                    l.add("b: holds");
                    lock.release();
                });
                Sims.until(() -> lock.waiting() == 1);
                lock.release();
                l.add("main: released, owner " + lock.owner().name());
                l.add("main: tryAcquire " + lock.tryAcquire());
                return null;
            });
            return l;
        });
        assertThat(log).containsExactly("main: released, owner b", "main: tryAcquire false", "b: holds");
    }

    @Test
    void reacquireByTheOwnerThrowsNamingTheTask() {
        String msg = Sims.fifo(() -> {
            Lock lock = new Lock("db");
            lock.acquire();
            try {
                lock.acquire();
                return "no exception";
            } catch (IllegalStateException e) {
                assertThat(lock.owner().name()).isEqualTo("main");
                return e.getMessage();
            } finally {
                lock.release(); // not leaked: the run's leak check would fail it
            }
        });
        assertThat(msg).isEqualTo("Lock.acquire: task 'main' already holds Lock 'db', and a Lock is not re-entrant "
                + "(use RLock to acquire a lock again while holding it)");
    }

    @Test
    void releaseByAnotherTaskThrowsNamingBothTasks() {
        String msg = Sims.fifo(() -> {
            Lock lock = new Lock("db");
            lock.acquire();
            return TaskGroup.with(tg -> {
                Task<String> t = tg.spawn("intruder", () -> {
                    try {
                        lock.release();
                        return "released";
                    } catch (IllegalStateException e) {
                        return e.getMessage();
                    }
                });
                String m = t.join();
                lock.release();
                return m;
            });
        });
        assertThat(msg).isEqualTo("Lock.release: task 'intruder' does not hold Lock 'db', which is held by task 'main'"
                + "; release only a hold this task took, once (closing one hold() handle twice, or a release after the try-with-resources block already released it, releases once too often)");
        String free = Sims.fifo(() -> {
            Lock lock = new Lock();
            try {
                lock.release();
                return "released";
            } catch (IllegalStateException e) {
                return e.getMessage();
            }
        });
        assertThat(free).isEqualTo("Lock.release: task 'main' does not hold Lock, which is not held by any task"
                + "; release only a hold this task took, once (closing one hold() handle twice, or a release after the try-with-resources block already released it, releases once too often)");
    }

    @Test
    void ownerFinishingWithoutReleasingBreaksTheLockForWaitersAndLaterAcquires() {
        List<String> l = Collections.synchronizedList(new ArrayList<>());
        SimResult<List<String>> r = Simulation.builder().strategy(Strategy.fifo()).run(() -> {
            Lock lock = new Lock("db");
            TaskGroup.with(tg -> {
                tg.spawn("careless", () -> {
                    lock.acquire();
                    Loop.checkpoint();
                    l.add("careless: returns holding the lock");
                });
                tg.spawn("waiter", () -> {
                    try {
                        lock.acquire();
                        l.add("waiter: acquired");
                    } catch (BrokenResourceException e) {
                        l.add("waiter: " + e.getMessage());
                    }
                });
                return null;
            });
            try {
                lock.acquire();
            } catch (BrokenResourceException e) {
                l.add("main: " + e.getMessage());
            }
            l.add("broken " + lock.isBroken() + ", locked " + lock.isLocked());
            return l;
        });
        // the run itself fails: the leak check reports the lock 'careless' left held
        assertThat(r.failure()).isInstanceOf(LeakDetected.class).hasMessage(
                "leak: Lock 'db' was still held by task 'careless' when it finished (step 5, virtual time 0s)");
        assertThat(l).containsExactly(
                "careless: returns holding the lock",
                "waiter: Lock.acquire: Lock 'db' is broken: its owner task 'careless' finished without releasing it",
                "main: Lock.acquire: Lock 'db' is broken: its owner task 'careless' finished without releasing it",
                "broken true, locked false");
    }

    /**
     * A task waiting on a condition of a lock that breaks is woken too: it would wait for a signal
     * that needs the lock, which nobody can hold any more. It meets the break as it re-acquires.
     */
    @Test
    void aLockThatBreaksWakesItsConditionsWaitersWithBrokenResourceException() {
        List<String> l = Collections.synchronizedList(new ArrayList<>());
        SimResult<List<String>> r = Simulation.builder().strategy(Strategy.fifo()).run(() -> {
            Lock lock = new Lock("L");
            Condition c = new Condition(lock, "C");
            TaskGroup.with(tg -> {
                tg.spawn("w", () -> {
                    lock.acquire();
                    try {
                        c.await();
                        l.add("w: woken holding the lock");
                    } catch (BrokenResourceException e) {
                        l.add("w: " + e.getMessage());
                    }
                });
                tg.spawn("careless", () -> {
                    lock.acquire();
                    l.add("careless: returns holding the lock");
                });
                return null;
            });
            return l;
        });
        assertThat(r.failure()).isInstanceOf(LeakDetected.class);
        assertThat(l).containsExactly("careless: returns holding the lock",
                "w: Condition.await: Lock 'L' is broken: its owner task 'careless' finished without releasing it");
    }

    @Test
    void aCancelledWaiterLeavesNoTraceAndTheNextWaiterGetsTheLock() {
        List<String> log = Sims.fifo(() -> {
            List<String> l = new ArrayList<>();
            Lock lock = new Lock();
            lock.acquire();
            TaskGroup.with(tg -> {
                Task<Void> a = tg.spawn("a", () -> {
                    try {
                        lock.acquire();
                        l.add("a: acquired");
                    } catch (Cancelled e) {
                        l.add("a: cancelled, owner " + (lock.owner() == null ? "none" : lock.owner().name()));
                        throw e;
                    }
                });
                tg.spawn("b", () -> {
                    lock.acquire();
                    l.add("b: acquired");
                    lock.release();
                });
                Sims.until(() -> lock.waiting() == 2);
                a.cancel();
                l.add("main: waiting " + lock.waiting());
                Loop.checkpoint();
                lock.release();
                return null;
            });
            l.add("end: locked " + lock.isLocked() + ", waiting " + lock.waiting());
            return l;
        });
        assertThat(log).containsExactly("main: waiting 1", "a: cancelled, owner main", "b: acquired",
                "end: locked false, waiting 0");
    }

    @Test
    void holdReleasesOnExceptionAndDoesNotAllocateAHandle() {
        List<Object> out = Sims.fifo(() -> {
            Lock lock = new Lock();
            Held first;
            try (var held = lock.hold()) {
                first = held;
                assertThat(lock.isLocked()).isTrue();
            }
            Held second = null;
            try (var held = lock.hold()) {
                second = held;
                throw new IllegalArgumentException("boom");
            } catch (IllegalArgumentException expected) {
                // released by close()
            }
            return List.of(first == second, lock.isLocked());
        });
        assertThat(out).containsExactly(true, false);
    }

    @Test
    void lockOrderDeadlockReadsAsACycle() {
        SimResult<Object> r = Simulation.builder().strategy(dev.simloop.Strategy.fifo()).run(() -> {
            Lock a = new Lock("A");
            Lock b = new Lock("B");
            TaskGroup.with(tg -> {
                tg.spawn("t1", () -> {
                    a.acquire();
                    Loop.checkpoint();
                    b.acquire();
                });
                tg.spawn("t2", () -> {
                    b.acquire();
                    Loop.checkpoint();
                    a.acquire();
                });
                return null;
            });
            return null;
        });
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class);
        assertThat(r.failure().getMessage())
                .contains("task 't1' waits for Lock 'B' held by task 't2' (1 waiting)")
                .contains("task 't2' waits for Lock 'A' held by task 't1' (1 waiting)");
    }
}
