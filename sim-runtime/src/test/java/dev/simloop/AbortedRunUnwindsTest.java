package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.sync.Lock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;

/**
 * A run that ends early (a limit, a deadlock) unwinds every task it leaves behind: each task's
 * {@code finally} runs once, every runtime call there raises {@code TaskAbandoned}, and a task that
 * parks in java.util.concurrent while unwinding is interrupted out of it.
 */
class AbortedRunUnwindsTest {
    @Test
    void aLimitUnwindsASleepingHolderAndItsWaiterEachOnce() {
        List<String> log = new ArrayList<>();
        SimResult<Object> r = Simulation.builder().strategy(Strategy.fifo()).maxVirtualTime(Duration.ofSeconds(1))
                .run(() -> {
                    Lock l = new Lock("l");
                    TaskGroup.with(tg -> {
                        tg.spawn("holder", () -> {
                            l.acquire();
                            try {
                                Loop.sleep(Duration.ofHours(1));
                            } finally {
                                log.add("holder unwinds");
                                try {
                                    l.release();
                                    log.add("holder released");
                                } catch (Throwable t) {
                                    log.add("holder release: " + t.getClass().getSimpleName());
                                }
                            }
                        });
                        tg.spawn("waiter", () -> {
                            try {
                                l.acquire();
                                log.add("waiter acquired");
                            } catch (Throwable t) {
                                log.add("waiter: " + t.getClass().getSimpleName());
                                throw t;
                            } finally {
                                log.add("waiter unwinds");
                            }
                        });
                        return null;
                    });
                    return null;
                });
        assertThat(r.failure()).isInstanceOf(LimitExceeded.class);
        assertThat(r.failure().getSuppressed()).isEmpty();
        // in FIFO order of the live tasks; every runtime call while unwinding raises TaskAbandoned, a release too
        assertThat(log).containsExactly("holder unwinds", "holder release: TaskAbandoned", "waiter: TaskAbandoned",
                "waiter unwinds");
    }

    @Test
    void aTaskThatParksInAJdkQueueWhileUnwindingIsInterruptedOutOfIt() {
        List<String> log = new ArrayList<>();
        LinkedBlockingQueue<String> never = new LinkedBlockingQueue<>();
        SimResult<Object> r = Simulation.builder().strategy(Strategy.fifo()).run(() -> {
            Lock l = new Lock("l");
            l.acquire();
            TaskGroup.with(tg -> {
                tg.spawn("stuck", () -> {
                    try {
                        l.acquire(); // deadlock: main holds l and waits for this task
                    } finally {
                        try {
                            never.take(); // parks in java.util.concurrent while unwinding
                            log.add("took");
                        } catch (InterruptedException e) {
                            log.add("interrupted while unwinding");
                        }
                    }
                });
                return null;
            });
            return null;
        });
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class);
        assertThat(log).containsExactly("interrupted while unwinding");
    }

    /**
     * The interrupt that ends a task's JDK wait while an aborted run unwinds stands for
     * {@code TaskAbandoned}: the InterruptedException it raises, thrown on or wrapped, is no failure
     * of the task. Before, the run's failure carried a suppressed "checked exception thrown in task
     * 'w': java.lang.InterruptedException" for each such task.
     */
    @Test
    void theInterruptThatUnwindsAJdkWaitIsNoFailureOfTheTask() {
        List<String> log = new ArrayList<>();
        SimResult<Object> r = Simulation.builder().strategy(Strategy.fifo()).run(() -> {
            CountDownLatch never = new CountDownLatch(1);
            TaskGroup.with(tg -> {
                tg.spawn("thrown on", () -> never.await());
                tg.spawn("wrapped", () -> {
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        log.add("wrapped: interrupted");
                        throw new IllegalStateException("latch wait interrupted", e);
                    }
                });
                tg.spawn("clean-up fails", () -> {
                    try {
                        never.await();
                    } finally {
                        failCleanUp("clean-up failed after the interrupt");
                    }
                });
                return null;
            });
            return null;
        });
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class);
        assertThat(log).containsExactly("wrapped: interrupted");
        // a failure of its own while unwinding is still kept
        assertThat(List.of(r.failure().getSuppressed())).singleElement().satisfies(s -> assertThat(s)
                .isInstanceOf(IllegalStateException.class).hasMessage("clean-up failed after the interrupt"));
    }

    /**
     * A wait on the real clock fails the run at its step, and the unwinding interrupts it unless its
     * time-out came first (then the body goes on and returns). Both must end the same way: before,
     * the same seed in one JVM gave a failure with a suppressed TaskFailedException (the interrupt)
     * in 40 runs of 50 and none (the time-out first) in 10, for a one-millisecond sleep. A minute's
     * sleep is always interrupted: its run must end as one whose sleep ended by itself.
     */
    @Test
    void aRealTimedWaitThatFailsTheRunEndsTheSameWayWhetherItsTimeOutOrTheUnwindingComesFirst() {
        SimResult<Object> r = Simulation.run(1, () -> {
            Thread.sleep(Duration.ofMinutes(1));
            return "slept";
        });
        assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageStartingWith("task 'main' made a timed wait outside simloop at step 1 (");
        assertThat(r.failure().getSuppressed()).isEmpty();
        assertThat(r.steps()).isEqualTo(1);
    }

    /** A clean-up that fails (a flush that could not be done): a method, so that its finally can end normally to javac. */
    private static void failCleanUp(String why) {
        throw new IllegalStateException(why);
    }

    /** Runs {@code main} in both modes and returns the failure it ended with. */
    private static Throwable failureInBothModes(ThrowingSupplier<Object> main, List<Throwable> real) {
        try {
            Loop.run(main);
        } catch (Throwable t) {
            real.add(t);
        }
        return Simulation.builder().strategy(Strategy.fifo()).run(main).failure();
    }

    @Test
    void aFinallyThatThrowsWhileADeadlockedRunUnwindsIsKeptAsSuppressed() {
        List<Throwable> real = new ArrayList<>();
        Throwable sim = failureInBothModes(() -> {
            try {
                new dev.simloop.sync.Event().await();
            } finally {
                failCleanUp("clean-up failed: could not flush the journal");
            }
            return "unreached";
        }, real);
        assertThat(real).hasSize(1);
        for (Throwable t : List.of(sim, real.get(0))) {
            assertThat(t).isInstanceOf(DeadlockDetected.class);
            assertThat(List.of(t.getSuppressed())).singleElement().satisfies(s -> assertThat(s)
                    .isInstanceOf(IllegalStateException.class).hasMessage("clean-up failed: could not flush the journal"));
        }
    }

    /** Many tasks failing as they unwind: the first 100 attached, the rest counted (each a set lookup, not a scan). */
    @Test
    void ofManyFailuresWhileUnwindingTheFirstHundredAreAttachedAndTheRestCounted() {
        Throwable t = Simulation.builder().strategy(Strategy.fifo()).run(() -> TaskGroup.with(tg -> {
            for (int i = 0; i < 150; i++) {
                int n = i;
                tg.spawn(() -> {
                    try {
                        new dev.simloop.sync.Event().await();
                    } finally {
                        failCleanUp("clean-up " + n + " failed");
                    }
                });
            }
            return null;
        })).failure();
        assertThat(t).isInstanceOf(DeadlockDetected.class);
        assertThat(t.getSuppressed()).hasSize(101);
        assertThat(t.getSuppressed()[0]).hasMessage("clean-up 0 failed");
        assertThat(t.getSuppressed()[100]).hasMessage("50 more tasks failed while the aborted run unwound; the first 100"
                + " of those failures are attached");
    }

    @Test
    void aChildsFailureWhileUnwindingIsKeptOnceThoughItsGroupRethrowsIt() {
        List<Throwable> real = new ArrayList<>();
        Throwable sim = failureInBothModes(() -> TaskGroup.with(tg -> {
            tg.spawn("child", () -> {
                try {
                    new dev.simloop.sync.Event().await();
                } finally {
                    failCleanUp("child's clean-up failed");
                }
            });
            return null;
        }), real);
        assertThat(real).hasSize(1);
        for (Throwable t : List.of(sim, real.get(0))) {
            assertThat(t).isInstanceOf(DeadlockDetected.class);
            assertThat(List.of(t.getSuppressed())).singleElement().satisfies(s -> assertThat(s)
                    .isInstanceOf(IllegalStateException.class).hasMessage("child's clean-up failed"));
        }
    }

    /**
     * A run that ends while its main task is in a task group inside a cancel scope (waiting for the
     * group's children, or blocked in the group's body) reports what ended it, alone: the group's
     * scope used to stay open, and the enclosing scope's exit added a suppressed "cancel scopes of
     * task 'main' exited out of order".
     */
    @Test
    void aRunThatEndsWhileATaskIsInAGroupInsideACancelScopeReportsOnlyWhyItEnded() {
        ThrowingSupplier<Object> waitingForChildren = () -> CancelScope.run(outer -> TaskGroup.with(tg -> {
            tg.spawn("w", () -> new dev.simloop.sync.Event("never").await());
            return null;
        }));
        ThrowingSupplier<Object> blockedInBody = () -> CancelScope.run(outer -> TaskGroup.with(tg -> {
            new dev.simloop.sync.Event("never").await();
            return null;
        }));
        for (ThrowingSupplier<Object> main : List.of(waitingForChildren, blockedInBody)) {
            List<Throwable> real = new ArrayList<>();
            Throwable sim = failureInBothModes(main, real);
            assertThat(real).hasSize(1);
            for (Throwable t : List.of(sim, real.get(0))) {
                assertThat(t).isInstanceOf(DeadlockDetected.class).hasMessageContaining("Event 'never'");
                assertThat(t.getSuppressed()).isEmpty();
            }
        }
    }

    /**
     * A task that catches what unwinds it (a catch-all around a wait, in a retry loop) never ends
     * while an aborted run unwinds: the run still reports what aborted it (a deadlock here), with
     * the stubborn task named in a suppressed LimitExceeded that says what it does. Before, a false
     * "ran without reaching a checkpoint" replaced the deadlock. (This task gives up after two
     * seconds, so that its thread does not spin for the rest of the test run; the test waits for that.)
     */
    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aTaskThatWillNotUnwindLeavesTheRunsFailureAsItWas() throws InterruptedException {
        java.util.concurrent.atomic.AtomicReference<Thread> stubborn = new java.util.concurrent.atomic.AtomicReference<>();
        Throwable t = Simulation.builder().strategy(Strategy.fifo()).maxStepWallTime(Duration.ofMillis(300)).run(() -> {
            TaskGroup.with(tg -> {
                tg.spawn("stubborn", () -> {
                    stubborn.set(Thread.currentThread());
                    long giveUp = System.nanoTime() + 2_000_000_000L;
                    while (System.nanoTime() < giveUp) {
                        try {
                            new dev.simloop.sync.Event().await();
                        } catch (Throwable swallowed) {
                            // retry: what unwinds it, too
                        }
                    }
                });
                return null;
            });
            return null;
        }).failure();
        awaitEnd(stubborn.get()); // the run returned without it: it must not spin beside the next test's runs
        assertThat(t).isInstanceOf(DeadlockDetected.class);
        assertThat(List.of(t.getSuppressed())).singleElement().satisfies(s -> assertThat(s)
                .isInstanceOf(dev.simloop.LimitExceeded.class)
                .hasMessageStartingWith("task 'stubborn' did not end while the aborted run unwound it")
                .hasMessageContaining("Let dev.simloop.internal.TaskAbandoned, an Error, pass such a catch"));
    }

    /**
     * A task that catches the interrupt that unwinds its java.util.concurrent wait and waits again
     * (a retry loop around {@code take()}) never ends with the run: the run reports that, naming the
     * task, beside what aborted it. Before, the run returned its deadlock alone, as if every task had
     * unwound, while the task's thread stayed parked for ever and its finally never ran.
     */
    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aTaskThatWaitsInTheJdkAgainAfterTheUnwindingInterruptIsReported() throws InterruptedException {
        LinkedBlockingQueue<String> q = new LinkedBlockingQueue<>();
        java.util.concurrent.atomic.AtomicReference<Thread> stubborn = new java.util.concurrent.atomic.AtomicReference<>();
        Throwable t = Simulation.builder().strategy(Strategy.fifo()).maxStepWallTime(Duration.ofMillis(300)).run(() -> {
            TaskGroup.with(tg -> {
                tg.spawn("retries", () -> {
                    stubborn.set(Thread.currentThread());
                    while (true) {
                        try {
                            if (q.take().equals("quit")) {
                                return;
                            }
                        } catch (InterruptedException swallowed) {
                            // retry: the interrupt that unwinds it, too
                        }
                    }
                });
                return null;
            });
            return null;
        }).failure();
        q.put("quit"); // ends the task's wait: it must not stay parked beside the next tests
        awaitEnd(stubborn.get());
        assertThat(t).isInstanceOf(DeadlockDetected.class);
        assertThat(List.of(t.getSuppressed())).singleElement().satisfies(s -> assertThat(s)
                .isInstanceOf(dev.simloop.LimitExceeded.class)
                .hasMessageStartingWith("task 'retries' did not end while the aborted run unwound it: it waits in"
                        + " java.util.concurrent (or Object.wait) again after the interrupt that unwinds it")
                .hasMessageContaining("AbortedRunUnwindsTest"));
    }

    /** Waits for a task's thread that outlived its run to end, so that it spins beside no later test's runs. */
    private static void awaitEnd(Thread task) throws InterruptedException {
        task.join(Duration.ofSeconds(30));
        assertThat(task.isAlive()).as("the task ends once it gives up").isFalse();
    }
}
