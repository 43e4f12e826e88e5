package dev.simloop.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Loop;
import dev.simloop.Task;
import dev.simloop.TaskGroup;
import dev.simloop.ThrowingRunnable;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Calls that need no waiting: the checkpoints among them (acquire, await, send, receive, join) still
 * let the other ready tasks run first, and the others (try-calls, release, set, close) do not. With
 * FIFO, task {@code a} runs first and {@code b} is ready, so {@code b} runs in the middle of {@code a}'s
 * call exactly when that call is a checkpoint. Also: what the try-calls take and leave.
 */
class UncontendedCallsTest {
    private static final List<String> LETS_B_RUN = List.of("a before", "b", "a after");
    private static final List<String> DOES_NOT = List.of("a before", "a after", "b");

    /** In a new FIFO simulation, {@link #aroundHere}. */
    private static List<String> around(ThrowingRunnable call) {
        return Sims.fifo(() -> aroundHere(call));
    }

    /** In the running simulation: {@code call} in task a between two log lines, with b ready. */
    private static List<String> aroundHere(ThrowingRunnable call) {
        return aroundHere(call, () -> { });
    }

    /** As {@link #aroundHere(ThrowingRunnable)}, and task a then runs {@code after} (say, a release). */
    private static List<String> aroundHere(ThrowingRunnable call, ThrowingRunnable after) {
        List<String> log = new ArrayList<>();
        TaskGroup.with(tg -> {
            tg.spawn("a", () -> {
                log.add("a before");
                call.run();
                log.add("a after");
                after.run();
            });
            tg.spawn("b", () -> {
                log.add("b");
            });
            return null;
        });
        return log;
    }

    @Test
    void semaphoreAcquireWithAPermitIsACheckpointAndTryAcquireAndReleaseAreNot() {
        assertThat(around(() -> new Semaphore(1).acquire())).isEqualTo(LETS_B_RUN);
        assertThat(around(() -> new Semaphore(1).tryAcquire())).isEqualTo(DOES_NOT);
        assertThat(around(() -> new Semaphore(0).release())).isEqualTo(DOES_NOT);
    }

    @Test
    void tryAcquireTakesOnePermitWhileThereIsOneAndNoneAfter() {
        List<String> log = Sims.fifo(() -> {
            List<String> l = new ArrayList<>();
            Semaphore sem = new Semaphore(2);
            for (int i = 0; i < 3; i++) {
                boolean got = sem.tryAcquire();
                l.add(got + " -> " + sem.availablePermits());
            }
            sem.release();
            l.add("released -> " + sem.availablePermits());
            sem.acquire();
            l.add("acquired -> " + sem.availablePermits());
            return l;
        });
        assertThat(log).containsExactly("true -> 1", "true -> 0", "false -> 0", "released -> 1", "acquired -> 0");
    }

    @Test
    void aBoundedSemaphoreRejectsAReleaseAboveItsPermitsButTakesOneBelow() {
        String r = Sims.fifo(() -> {
            Semaphore sem = Semaphore.bounded(1);
            assertThat(sem.tryAcquire()).isTrue();
            sem.release(); // back at 1: allowed
            try {
                sem.release();
                return "second release accepted, permits " + sem.availablePermits();
            } catch (IllegalStateException e) {
                return e.getMessage() + " | permits " + sem.availablePermits() + ", bounded " + sem.isBounded();
            }
        });
        assertThat(r).isEqualTo("Semaphore.release: task 'main' released a bounded semaphore that already has all its "
                + "1 permits (released more often than acquired) | permits 1, bounded true");
        // the bound is the user's, whatever its value: one of Integer.MAX_VALUE is a bound too
        Semaphore huge = Semaphore.bounded(Integer.MAX_VALUE, "huge");
        assertThat(huge.isBounded()).isTrue();
        assertThat(huge.toString()).startsWith("bounded Semaphore 'huge'");
        assertThat(new Semaphore(3).isBounded()).isFalse();
    }

    /** Locks of each kind, as their acquire, tryAcquire and release. */
    private record AnyLock(ThrowingRunnable acquire, java.util.function.BooleanSupplier tryAcquire, Runnable release) {
        static List<java.util.function.Supplier<AnyLock>> kinds() {
            return List.of(() -> {
                Lock l = new Lock();
                return new AnyLock(l::acquire, l::tryAcquire, l::release);
            }, () -> {
                PriorityLock l = new PriorityLock();
                return new AnyLock(l::acquire, l::tryAcquire, l::release);
            }, () -> {
                RLock l = new RLock();
                return new AnyLock(l::acquire, l::tryAcquire, l::release);
            });
        }
    }

    @Test
    void lockAcquireOfAFreeLockIsACheckpointAndTryAcquireIsNot() {
        for (var kind : AnyLock.kinds()) {
            List<String> acquired = Sims.fifo(() -> {
                AnyLock lock = kind.get();
                return aroundHere(lock.acquire(), () -> lock.release().run());
            });
            assertThat(acquired).isEqualTo(LETS_B_RUN);
            List<String> tried = Sims.fifo(() -> {
                AnyLock lock = kind.get();
                boolean[] got = {false};
                List<String> log = aroundHere(() -> got[0] = lock.tryAcquire().getAsBoolean(),
                        () -> lock.release().run());
                assertThat(got[0]).isTrue();
                return log;
            });
            assertThat(tried).isEqualTo(DOES_NOT);
        }
    }

    @Test
    void releaseIsNotACheckpoint() {
        // the lock is taken before b is ready, so only the release is between a's lines
        List<String> log = Sims.fifo(() -> {
            List<String> l = new ArrayList<>();
            Lock lock = new Lock();
            TaskGroup.with(tg -> {
                tg.spawn("a", () -> {
                    assertThat(lock.tryAcquire()).isTrue();
                    l.add("a before");
                    lock.release();
                    l.add("a after");
                });
                tg.spawn("b", () -> {
                    l.add("b");
                });
                return null;
            });
            return l;
        });
        assertThat(log).isEqualTo(DOES_NOT);
    }

    @Test
    void reacquiringAnRLockIsACheckpointAndTryAcquireCountsTheHold() {
        List<String> log = Sims.fifo(() -> {
            List<String> l = new ArrayList<>();
            RLock lock = new RLock();
            TaskGroup.with(tg -> {
                tg.spawn("a", () -> {
                    assertThat(lock.tryAcquire()).isTrue();
                    l.add("a before");
                    lock.acquire();
                    l.add("a after, holds " + lock.holdCount());
                    assertThat(lock.tryAcquire()).isTrue();
                    l.add("tried, holds " + lock.holdCount());
                    lock.release();
                    lock.release();
                    l.add("released twice, holds " + lock.holdCount() + ", locked " + lock.isLocked());
                    lock.release();
                    l.add("released, locked " + lock.isLocked());
                });
                tg.spawn("b", () -> {
                    l.add("b");
                });
                return null;
            });
            return l;
        });
        assertThat(log).containsExactly("a before", "b", "a after, holds 2", "tried, holds 3",
                "released twice, holds 1, locked true", "released, locked false");
    }

    @Test
    void awaitingASetEventIsACheckpointAndSettingIsNot() {
        assertThat(around(() -> {
            Event e = new Event();
            e.set();
        })).isEqualTo(DOES_NOT);
        Event set = new Event();
        List<String> log = Sims.fifo(() -> {
            set.set();
            return aroundHere(set::await);
        });
        assertThat(log).isEqualTo(LETS_B_RUN);
    }

    @Test
    void sendingAndReceivingWithoutWaitingAreCheckpointsAndTheTryCallsAndCloseAreNot() {
        assertThat(around(() -> new Channel<String>(1).send("x"))).isEqualTo(LETS_B_RUN);
        assertThat(around(() -> new Channel<String>(1).trySend("x"))).isEqualTo(DOES_NOT);
        assertThat(around(() -> {
            Channel<String> c = new Channel<>(1);
            c.trySend("x");
            assertThat(c.tryReceive()).isEqualTo("x");
        })).isEqualTo(DOES_NOT);
        assertThat(around(() -> new Channel<String>(1).close())).isEqualTo(DOES_NOT);
        List<String> received = Sims.fifo(() -> {
            Channel<String> c = new Channel<>(1);
            c.trySend("x");
            return aroundHere(() -> assertThat(c.receive()).isEqualTo("x"));
        });
        assertThat(received).isEqualTo(LETS_B_RUN);
    }

    @Test
    void joiningAFinishedTaskIsACheckpoint() {
        List<String> log = Sims.fifo(() -> TaskGroup.with(outer -> {
            Task<String> done = outer.spawn("done", () -> "value");
            while (!done.isDone()) {
                Loop.checkpoint();
            }
            return aroundHere(() -> assertThat(done.join()).isEqualTo("value"));
        }));
        assertThat(log).isEqualTo(LETS_B_RUN);
    }

    @Test
    void withNoOtherTaskReadyAnUncontendedCallStillCountsAStep() {
        // the shortcut that skips the switch takes the same step bookkeeping as a real yield
        long plain = dev.simloop.Simulation.builder().strategy(dev.simloop.Strategy.fifo()).run(() -> null).steps();
        long withCalls = dev.simloop.Simulation.builder().strategy(dev.simloop.Strategy.fifo()).run(() -> {
            Lock lock = new Lock();
            for (int i = 0; i < 10; i++) {
                lock.acquire();
                lock.release();
            }
            return null;
        }).steps();
        assertThat(withCalls - plain).isEqualTo(10);
    }
}
