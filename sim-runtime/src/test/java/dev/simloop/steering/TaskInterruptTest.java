package dev.simloop.steering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simloop.CancelScope;
import dev.simloop.Loop;
import dev.simloop.Simulation;
import dev.simloop.Task;
import dev.simloop.TaskGroup;
import dev.simloop.TaskTimeoutException;
import dev.simloop.sync.Channel;
import dev.simloop.sync.Condition;
import dev.simloop.sync.Event;
import dev.simloop.sync.Lock;
import dev.simloop.sync.Semaphore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Task.interrupt, Task.throwIn and Loop.taskTimeout, in both modes. */
class TaskInterruptTest {
    static final class Boom extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Boom(String m) {
            super(m);
        }
    }

    /** Lets other tasks run until {@code t} waits (under an exploring strategy a checkpoint may not be enough). */
    static void untilBlocked(Task<?> t) {
        while (!t.isBlocked()) {
            Loop.checkpoint();
        }
    }

    /** Runs {@code waiter} as a task, interrupts it once it blocks, and returns what it caught, then the log. */
    private static List<String> interruptWhileWaiting(boolean simulated, Runnable setUp, Runnable waiter,
            Runnable afterwards) {
        return BothModes.run(simulated, () -> {
            List<String> log = new ArrayList<>();
            setUp.run();
            TaskGroup.with(tg -> {
                Task<Void> t = tg.spawn("target", () -> {
                    try {
                        waiter.run();
                        log.add("not interrupted");
                    } catch (Boom e) {
                        log.add("caught " + e.getMessage());
                    }
                });
                untilBlocked(t);
                t.interrupt(new Boom("x"));
                log.add("after interrupt, target done=" + t.isDone());
                afterwards.run();
                return null;
            });
            return log;
        });
    }

    @ParameterizedTest(name = "simulated={0}")
    @ValueSource(booleans = {false, true})
    void anInterruptedSleeperRunsAtOnceAndTheCallerContinuesAfterIt(boolean simulated) {
        List<String> log = interruptWhileWaiting(simulated, () -> { }, () -> Loop.sleep(Duration.ofHours(1)), () -> { });
        assertThat(log).containsExactly("caught x", "after interrupt, target done=true");
    }

    @ParameterizedTest(name = "simulated={0}")
    @ValueSource(booleans = {false, true})
    void aLockWaiterLeavesTheLockConsistent(boolean simulated) {
        Lock lock = new Lock();
        List<String> log = new ArrayList<>();
        List<String> r = BothModes.run(simulated, () -> TaskGroup.with(tg -> {
            lock.acquire();
            Task<Void> t = tg.spawn("target", () -> {
                try {
                    lock.acquire();
                    log.add("acquired");
                } catch (Boom e) {
                    log.add("caught");
                }
            });
            untilBlocked(t);
            t.interrupt(new Boom("x"));
            lock.release();
            log.add("tryAcquire after release: " + lock.tryAcquire());
            lock.release();
            return log;
        }));
        assertThat(r).containsExactly("caught", "tryAcquire after release: true");
    }

    @ParameterizedTest(name = "simulated={0}")
    @ValueSource(booleans = {false, true})
    void aSemaphoreWaiterTakesNoPermit(boolean simulated) {
        Semaphore s = new Semaphore(0);
        List<String> log = interruptWhileWaiting(simulated, () -> { }, s::acquire, () -> {
            s.release();
            assertThat(s.availablePermits()).isEqualTo(1);
            assertThat(s.waiting()).isZero();
        });
        assertThat(log).containsExactly("caught x", "after interrupt, target done=true");
    }

    @ParameterizedTest(name = "simulated={0}")
    @ValueSource(booleans = {false, true})
    void aConditionWaiterTakesTheLockBackBeforeTheExceptionLeavesTheWait(boolean simulated) {
        Condition c = new Condition();
        List<String> held = new ArrayList<>();
        List<String> log = BothModes.run(simulated, () -> {
            List<String> l = new ArrayList<>();
            TaskGroup.with(tg -> {
                Task<Void> t = tg.spawn("target", () -> {
                    c.lock().acquire();
                    try {
                        c.await();
                    } catch (Boom e) {
                        l.add("caught; holds the lock: " + !c.lock().toString().contains("(free)"));
                    } finally {
                        c.lock().release();
                    }
                });
                untilBlocked(t);
                t.interrupt(new Boom("x"));
                held.add("lock free after: " + c.lock().tryAcquire());
                c.lock().release();
                return null;
            });
            return l;
        });
        assertThat(log).containsExactly("caught; holds the lock: true");
        assertThat(held).containsExactly("lock free after: true");
    }

    @ParameterizedTest(name = "simulated={0}")
    @ValueSource(booleans = {false, true})
    void aChannelReceiverTakesNoValueAndASenderLeavesNoneBehind(boolean simulated) {
        Channel<String> ch = new Channel<>(0);
        List<String> log = interruptWhileWaiting(simulated, () -> { }, ch::receive, () -> {
            assertThat(ch.trySend("v")).isFalse(); // no receiver waits any more
        });
        assertThat(log).containsExactly("caught x", "after interrupt, target done=true");
        List<String> log2 = interruptWhileWaiting(simulated, () -> { }, () -> ch.send("lost?"), () -> {
            assertThat(ch.tryReceive()).isNull(); // the interrupted sender's value is not in the channel
        });
        assertThat(log2).containsExactly("caught x", "after interrupt, target done=true");
    }

    @ParameterizedTest(name = "simulated={0}")
    @ValueSource(booleans = {false, true})
    void aTargetJoiningAnotherTaskLeavesThatTaskUntouched(boolean simulated) {
        List<String> log = BothModes.run(simulated, () -> {
            List<String> l = new ArrayList<>();
            Event go = new Event();
            TaskGroup.with(tg -> {
                Task<String> joined = tg.spawn("joined", () -> {
                    go.await();
                    return "joined finished";
                });
                Task<Void> t = tg.spawn("target", () -> {
                    try {
                        joined.join();
                    } catch (Boom e) {
                        l.add("target caught " + e.getMessage());
                    }
                });
                untilBlocked(t);
                untilBlocked(joined);
                t.interrupt(new Boom("x"));
                l.add("joined blocked=" + joined.isBlocked() + " done=" + joined.isDone());
                go.set();
                l.add(joined.join());
                return null;
            });
            return l;
        });
        assertThat(log).containsExactly("target caught x", "joined blocked=true done=false", "joined finished");
    }

    @ParameterizedTest(name = "simulated={0}")
    @ValueSource(booleans = {false, true})
    void throwInIsPendingUntilTheTargetRunsAndALaterOneReplacesIt(boolean simulated) {
        List<String> log = BothModes.run(simulated, () -> {
            List<String> l = new ArrayList<>();
            TaskGroup.with(tg -> {
                Task<Void> t = tg.spawn("target", () -> {
                    try {
                        Loop.sleep(Duration.ofHours(1));
                    } catch (Boom e) {
                        l.add("target caught " + e.getMessage());
                    }
                });
                untilBlocked(t);
                t.throwIn(new Boom("first"));
                t.throwIn(new Boom("second"));
                l.add("caller goes on first; target runnable=" + t.isRunnable());
                return null;
            });
            return l;
        });
        assertThat(log).containsExactly("caller goes on first; target runnable=true", "target caught second");
    }

    @Test
    void throwInFailsWhileACancellationIsBeingDelivered() {
        String r = Simulation.run(1, () -> TaskGroup.with(tg -> {
            Task<Void> t = tg.spawn("target", () -> Loop.sleep(Duration.ofHours(1)));
            untilBlocked(t);
            t.cancel();
            try {
                t.throwIn(new Boom("x"));
                return "no failure";
            } catch (IllegalStateException e) {
                return e.getMessage();
            }
        })).value();
        assertThat(r).isEqualTo("Task.throwIn: task 'target' is waking up with a cancellation already; an exception "
                + "cannot be thrown into it while that is delivered (cancel() it, or wait until it ran)");
    }

    @Test
    void interruptingItselfOrAFinishedTaskIsRejected() {
        String r = Simulation.run(1, () -> TaskGroup.with(tg -> {
            Task<Integer> done = tg.spawn("done", () -> 1);
            done.join();
            List<String> m = new ArrayList<>();
            try {
                done.interrupt(new Boom("x"));
            } catch (IllegalStateException e) {
                m.add(e.getMessage());
            }
            try {
                Loop.currentTask().throwIn(new Boom("x"));
            } catch (IllegalArgumentException e) {
                m.add(e.getMessage());
            }
            return String.join(" | ", m);
        })).value();
        assertThat(r).isEqualTo("Task.interrupt: task 'done' (done) has already finished | Task.throwIn: task 'main' is "
                + "the calling task; throw the exception instead");
    }

    @Test
    void taskTimeoutRaisesItsOwnExceptionAtTheDeadlineThroughAShield() {
        String r = Simulation.run(1, () -> {
            try {
                CancelScope.shielded(() -> Loop.taskTimeout(Duration.ofSeconds(3), () -> {
                    Loop.sleep(Duration.ofSeconds(10));
                    return "slept";
                }));
                return "no timeout";
            } catch (TaskTimeoutException e) {
                return e.getMessage() + " at " + Loop.nanoTime();
            }
        }).value();
        assertThat(r).isEqualTo("Loop.taskTimeout: task 'main' ran past its timeout of 3s at 3000000000");
    }

    @ParameterizedTest(name = "simulated={0}")
    @ValueSource(booleans = {false, true})
    void aTaskTimeoutThatDoesNotPassChangesNothing(boolean simulated) {
        String r = BothModes.run(simulated, () -> {
            String v = Loop.taskTimeout(Duration.ofSeconds(5), () -> {
                Loop.sleep(Duration.ofMillis(10));
                return "done";
            });
            Loop.sleep(Duration.ofMillis(10)); // no stale exception arrives later
            return v;
        });
        assertThat(r).isEqualTo("done");
    }

    /**
     * A tight loop that only calls {@code checkpointIfCancelled} hands a real loop no step at which
     * to fire the timer: it used to spin past its timeout (only the slow-step warning said so),
     * where a scope's deadline stops it. It now stops at its task timeout too. The loop gives up by
     * itself after 20 s, so the old code fails the assertion rather than hanging.
     */
    @Test
    void aTightLoopThatOnlyChecksForCancellationStopsAtItsTaskTimeoutOnARealLoop() {
        String r = Loop.run(() -> {
            try {
                return Loop.taskTimeout(Duration.ofMillis(50), () -> {
                    long giveUp = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                    while (System.nanoTime() < giveUp) {
                        Loop.checkpointIfCancelled();
                    }
                    return "spun past the timeout";
                });
            } catch (TaskTimeoutException e) {
                return e.getMessage();
            }
        });
        assertThat(r).isEqualTo("Loop.taskTimeout: task 'main' ran past its timeout of 0.05s");
    }

    /** In both modes: a task timeout that has passed is raised by checkpointIfCancelled, before any other task runs. */
    @ParameterizedTest(name = "simulated={0}")
    @ValueSource(booleans = {false, true})
    void checkpointIfCancelledRaisesATaskTimeoutThatHasPassed(boolean simulated) {
        List<String> r = BothModes.run(simulated, () -> {
            List<String> log = new ArrayList<>();
            TaskGroup.with(tg -> {
                tg.spawn("other", () -> log.add("other ran"));
                try {
                    Loop.taskTimeout(Duration.ZERO, () -> {
                        Loop.checkpointIfCancelled();
                        log.add("went on");
                        return null;
                    });
                } catch (TaskTimeoutException e) {
                    log.add("timed out");
                }
                Loop.checkpointIfCancelled(); // outside the timeout: nothing left to raise
                log.add("after");
                return null;
            });
            return log;
        });
        assertThat(r).containsExactly("timed out", "after", "other ran");
    }

    @Test
    void aTaskTimeoutIsNotACancellation() {
        assertThatThrownBy(() -> Loop.run(() -> Loop.taskTimeout(Duration.ofMillis(1), () -> {
            Loop.sleep(Duration.ofSeconds(2));
            return null;
        }))).isInstanceOf(TaskTimeoutException.class).isNotInstanceOf(dev.simloop.Cancelled.class);
    }

    /**
     * A timeout already due when armed fires before the next step in both modes. A simulation's clock
     * stands still while tasks run, and it used to fire such a timer only once every task blocked: a
     * task that checkpoints while another is ready never timed out there, and did on a real loop.
     */
    @ParameterizedTest(name = "simulated={0}")
    @ValueSource(booleans = {false, true})
    void aZeroTaskTimeoutFiresWhileOtherTasksAreReady(boolean simulated) {
        String r = BothModes.run(simulated, () -> TaskGroup.with(tg -> {
            tg.spawn("other", () -> {
                for (int i = 0; i < 100; i++) {
                    Loop.checkpoint();
                }
            });
            int[] checkpoints = new int[1];
            try {
                Loop.taskTimeout(Duration.ZERO, () -> {
                    for (;;) {
                        Loop.checkpoint();
                        checkpoints[0]++;
                    }
                });
                return "no timeout";
            } catch (TaskTimeoutException e) {
                return e.getMessage() + " after " + checkpoints[0] + " checkpoints";
            }
        }));
        assertThat(r).isEqualTo("Loop.taskTimeout: task 'main' ran past its timeout of 0s after 0 checkpoints");
    }

    @Test
    void aZeroTaskTimeoutFiresAtTheSameStepUnderEverySeed() {
        for (long seed = 0; seed < 30; seed++) {
            var r = Simulation.run(seed, () -> TaskGroup.with(tg -> {
                tg.spawn("other", () -> {
                    for (int i = 0; i < 100; i++) {
                        Loop.checkpoint();
                    }
                });
                try {
                    return Loop.taskTimeout(Duration.ZERO, () -> {
                        for (int i = 0; i < 1_000; i++) {
                            Loop.checkpoint();
                        }
                        return "no timeout";
                    });
                } catch (TaskTimeoutException e) {
                    return "timed out at " + Loop.nanoTime();
                }
            }));
            assertThat(r.value()).as("seed %d", seed).isEqualTo("timed out at 0");
        }
    }
}
