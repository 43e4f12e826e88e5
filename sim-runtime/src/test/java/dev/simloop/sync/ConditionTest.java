package dev.simloop.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.CancelScope;
import dev.simloop.Cancelled;
import dev.simloop.LeakDetected;
import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.Task;
import dev.simloop.TaskGroup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionTest {
    /** Rule 5: await releases the lock, and holds it again when it returns. */
    @Test
    void awaitReleasesTheLockAndReacquiresBeforeReturning() {
        List<String> log = Sims.fifo(() -> {
            List<String> l = new ArrayList<>();
            Condition cond = new Condition(new Lock("L"));
            boolean[] ready = {false};
            TaskGroup.with(tg -> {
                tg.spawn("waiter", () -> {
                    try (var _ = cond.hold()) {
                        while (!ready[0]) {
                            l.add("waiter: await");
                            cond.await();
                            l.add("waiter: woke holding=" + (cond.lock().owner() == Loop.currentTask()));
                        }
                    }
                });
                Sims.until(() -> cond.waiting() == 1);
                try (var _ = cond.hold()) {
                    l.add("main: holds the lock while waiter waits");
                    ready[0] = true;
                    cond.signal();
                    Loop.checkpoint();
                    l.add("main: waiter still blocked on the lock: " + cond.lock().waiting());
                }
                return null;
            });
            return l;
        });
        assertThat(log).containsExactly("waiter: await", "main: holds the lock while waiter waits",
                "main: waiter still blocked on the lock: 1", "waiter: woke holding=true");
    }

    /** Rule 5: a cancelled await re-acquires the lock before Cancelled propagates. */
    @Test
    void cancelledAwaitHoldsTheLockAgainWhenCancelledIsRaised() {
        List<String> log = Sims.fifo(() -> {
            List<String> l = new ArrayList<>();
            Lock lock = new Lock("L");
            Condition cond = new Condition(lock);
            TaskGroup.with(tg -> {
                Task<Void> w = tg.spawn("waiter", () -> {
                    lock.acquire();
                    try {
                        cond.await();
                    } catch (Cancelled e) {
                        l.add("waiter: cancelled, owner " + lock.owner().name());
                        throw e;
                    } finally {
                        lock.release();
                    }
                });
                Sims.until(() -> cond.waiting() == 1);
                lock.acquire();
                w.cancel();
                l.add("main: cancelled waiter while holding the lock");
                Loop.checkpoint();
                Loop.checkpoint();
                l.add("main: releasing");
                lock.release();
                return null;
            });
            l.add("end: locked " + lock.isLocked() + ", cond waiting " + cond.waiting());
            return l;
        });
        assertThat(log).containsExactly("main: cancelled waiter while holding the lock", "main: releasing",
                "waiter: cancelled, owner waiter", "end: locked false, cond waiting 0");
    }

    /**
     * Await in a scope already cancelled raises Cancelled before it releases the lock: a task waiting
     * for the lock does not get it in between, and the caller still holds it, once, when Cancelled
     * is raised.
     */
    @Test
    void awaitInACancelledScopeRaisesWithoutLettingAnotherTaskTakeTheLock() {
        List<String> log = Sims.fifo(() -> {
            List<String> l = new ArrayList<>();
            Lock lock = new Lock("L");
            Condition cond = new Condition(lock);
            lock.acquire();
            TaskGroup.with(tg -> {
                tg.spawn("other", () -> {
                    lock.acquire();
                    l.add("other: acquired");
                    lock.release();
                });
                Sims.until(() -> lock.waiting() == 1);
                CancelScope.run(s -> {
                    s.cancel();
                    try {
                        cond.await();
                        l.add("main: await returned");
                    } catch (Cancelled e) {
                        l.add("main: await raised Cancelled, owner " + lock.owner().name() + ", lock waiters "
                                + lock.waiting() + ", cond waiting " + cond.waiting());
                        throw e;
                    }
                    return null;
                });
                l.add("main: releasing");
                lock.release();
                return null;
            });
            return l;
        });
        assertThat(log).containsExactly("main: await raised Cancelled, owner main, lock waiters 1, cond waiting 0",
                "main: releasing", "other: acquired");
    }

    @Test
    void signalAndAwaitRequireTheLock() {
        List<String> msgs = Sims.fifo(() -> {
            List<String> l = new ArrayList<>();
            Condition cond = new Condition();
            for (Runnable r : List.<Runnable>of(cond::signal, cond::signalAll, cond::await)) {
                try {
                    r.run();
                } catch (IllegalStateException e) {
                    l.add(e.getMessage());
                }
            }
            return l;
        });
        assertThat(msgs).containsExactly(
                "Condition.signal: task 'main' does not hold Lock, which is not held by any task; hold the lock around it: try (var _ = condition.hold()) { ... }",
                "Condition.signalAll: task 'main' does not hold Lock, which is not held by any task; hold the lock around it: try (var _ = condition.hold()) { ... }",
                "Condition.await: task 'main' does not hold Lock, which is not held by any task; hold the lock around it: try (var _ = condition.hold()) { ... }");
    }

    @Test
    void signalWakesInWaitingOrderAndSignalAllWakesEveryone() {
        List<String> log = Sims.fifo(() -> {
            List<String> l = new ArrayList<>();
            Condition cond = new Condition();
            TaskGroup.with(tg -> {
                for (String n : List.of("a", "b", "c")) {
                    tg.spawn(n, () -> {
                        try (var _ = cond.hold()) {
                            cond.await();
                            l.add(n);
                        }
                    });
                }
                Sims.until(() -> cond.waiting() == 3);
                try (var _ = cond.hold()) {
                    cond.signal();
                }
                Sims.until(() -> l.size() == 1 && !cond.lock().isLocked());
                l.add("signalAll");
                try (var _ = cond.hold()) {
                    cond.signalAll();
                }
                return null;
            });
            return l;
        });
        assertThat(log).containsExactly("a", "signalAll", "b", "c");
    }

    @Test
    void priorityConditionWakesTheMostUrgentWaiterFirst() {
        List<String> log = Sims.fifo(() -> {
            List<String> l = new ArrayList<>();
            PriorityCondition cond = new PriorityCondition();
            TaskGroup.with(tg -> {
                int[] prios = {5, -1, 5, 0};
                for (int i = 0; i < prios.length; i++) {
                    String n = "p" + prios[i] + "#" + i;
                    int p = prios[i];
                    tg.spawn(n, () -> {
                        Loop.currentTask().setPriority(p);
                        try (var _ = cond.hold()) {
                            cond.await();
                            l.add(n);
                        }
                    });
                }
                Sims.until(() -> cond.waiting() == 4);
                for (int i = 0; i < 4; i++) {
                    try (var _ = cond.hold()) {
                        cond.signal();
                    }
                    Sims.until(() -> !cond.lock().isLocked());
                }
                return null;
            });
            return l;
        });
        assertThat(log).containsExactly("p-1#1", "p0#3", "p5#0", "p5#2");
    }

    /**
     * A waiter cancelled while it waits for a signal takes the lock back before the Cancelled leaves
     * await; if the lock broke meanwhile, that re-acquire throws BrokenResourceException, and the
     * Cancelled is not lost: it rides along as a suppressed exception.
     */
    @Test
    void aCancelMetByABrokenLockIsSuppressedInTheBrokenResourceException() {
        List<String> l = Collections.synchronizedList(new ArrayList<>());
        SimResult<List<String>> r = Simulation.builder().strategy(Strategy.fifo()).run(() -> {
            Lock lock = new Lock("L");
            Condition c = new Condition(lock, "C");
            CancelScope[] waiting = new CancelScope[1];
            TaskGroup.with(tg -> {
                tg.spawn("w", () -> CancelScope.run(scope -> {
                    waiting[0] = scope;
                    lock.acquire();
                    try {
                        c.await();
                        l.add("w: woken holding the lock");
                    } catch (BrokenResourceException e) {
                        l.add("w: " + e.getMessage() + " / suppressed "
                                + Arrays.stream(e.getSuppressed()).map(x -> x.getClass().getSimpleName()).toList());
                    }
                    return null;
                }));
                tg.spawn("careless", () -> {
                    lock.acquire();
                    waiting[0].cancel(); // w leaves the wait for a signal, cancelled
                    l.add("careless: returns holding the lock");
                });
                return null;
            });
            return l;
        });
        assertThat(r.failure()).isInstanceOf(LeakDetected.class);
        assertThat(l).containsExactly("careless: returns holding the lock",
                "w: Condition.await: Lock 'L' is broken: its owner task 'careless' finished without releasing it"
                        + " / suppressed [Cancelled]");
    }

    /**
     * A waiter whose lock broke while it waited meets the break in await, and then releases the lock in
     * its finally (or its try-with-resources closes the hold): that release names the break too. It threw
     * an IllegalStateException saying the task released once too often, which in a finally replaced the
     * BrokenResourceException, so the break was lost behind a message blaming the waiter.
     */
    @Test
    void aReleaseAfterAnAwaitThatMetABrokenLockNamesTheBreak() {
        List<String> l = new ArrayList<>();
        SimResult<List<String>> r = Simulation.builder().strategy(Strategy.fifo()).run(() -> {
            Lock lock = new Lock("L");
            Condition c = new Condition(lock, "C");
            TaskGroup.with(tg -> {
                tg.spawn("finally", () -> {
                    try {
                        lock.acquire();
                        try {
                            c.await();
                        } finally {
                            lock.release();
                        }
                    } catch (IllegalStateException e) {
                        l.add("finally: " + e.getClass().getSimpleName() + ": " + e.getMessage());
                    }
                });
                tg.spawn("twr", () -> {
                    try (var _ = c.hold()) {
                        c.await();
                    } catch (BrokenResourceException e) {
                        l.add("twr: " + e.getMessage() + " / suppressed " + Arrays.stream(e.getSuppressed())
                                .map(x -> x.getClass().getSimpleName() + ": " + x.getMessage()).toList());
                    }
                });
                Loop.waitAllTasksBlocked();
                tg.spawn("careless", () -> lock.acquire());
                return null;
            });
            return l;
        });
        assertThat(r.failure()).isInstanceOf(LeakDetected.class);
        String broken = "Lock 'L' is broken: its owner task 'careless' finished without releasing it";
        assertThat(l).containsExactly(
                "finally: BrokenResourceException: Lock.release: " + broken
                        + ", so task 'finally' does not hold it (no task can hold it again)",
                "twr: Condition.await: " + broken + " / suppressed [BrokenResourceException: Lock.release: " + broken
                        + ", so task 'twr' does not hold it (no task can hold it again)]");
    }
}
