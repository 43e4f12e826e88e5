package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * An interrupt of a task's thread is a request to cancel the task (cancellation.md), also when the
 * task waits in {@code java.util.concurrent}, where the JDK throws {@code InterruptedException} and
 * clears the status before simloop's own waits could see it. Before, the request was lost there: an
 * escaping {@code InterruptedException} failed the task as a checked exception, which failed its
 * group and the run, and a task that caught it went on uncancelled.
 */
class InterruptedOutsideWaitsTest {

    /** Spawns {@code waiter}, which notes its thread and runs {@code body}, and interrupts it after 1 s. */
    private static Task<String> spawnAndInterrupt(TaskGroup tg, ThrowingSupplier<String> body) {
        AtomicReference<Thread> thread = new AtomicReference<>();
        Task<String> waiter = tg.spawn("waiter", () -> {
            thread.set(Thread.currentThread());
            return body.get();
        });
        tg.spawn("interrupter", () -> {
            Loop.sleep(Duration.ofSeconds(1));
            thread.get().interrupt();
        });
        return waiter;
    }

    @Test
    void anInterruptedExceptionThatEscapesEndsTheTaskCancelledAndItsGroupNormally() {
        List<String> seen = EveryStrategyAndRealLoop.values(() -> {
            CountDownLatch never = new CountDownLatch(1);
            Task<String> waiter = TaskGroup.with(tg -> spawnAndInterrupt(tg, () -> {
                never.await();
                return "returned";
            }));
            try {
                return "joined: " + waiter.join();
            } catch (TaskCancelledException e) {
                return e.getMessage();
            }
        });
        assertThat(seen).hasSize(EveryStrategyAndRealLoop.RUNS)
                .containsOnly("task 'waiter' was cancelled");
    }

    @Test
    void aTaskThatCatchesTheInterruptedExceptionIsStillCancelledAtItsNextCheckpoint() {
        List<String> seen = EveryStrategyAndRealLoop.values(() -> {
            CountDownLatch never = new CountDownLatch(1);
            List<String> log = new ArrayList<>();
            Task<String> waiter = TaskGroup.with(tg -> spawnAndInterrupt(tg, () -> {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    log.add("interrupted");
                }
                return checkpointLogged(log);
            }));
            return outcome(log, waiter);
        });
        assertThat(seen).containsOnly("[interrupted, checkpoint raised INTERRUPTED] cancelled");
    }

    /** A checkpoint that logs whether it passed or raised (and why), then the task's value. */
    private static String checkpointLogged(List<String> log) {
        try {
            Loop.checkpoint();
            log.add("checkpoint passed");
        } catch (Cancelled c) {
            log.add("checkpoint raised " + c.reason());
            throw c;
        }
        return "returned";
    }

    /**
     * The waiter is woken in simloop (the event set) and interrupted in the same step, so the
     * interrupt finds it ready, not parked: its java.util.concurrent wait after the event throws
     * InterruptedException at once, without parking. The request stands all the same: the task is
     * cancelled as it resumes. Before, nothing took it there: the exception failed the task as a
     * checked one and the group with it (under every strategy and in a real loop), while an interrupt
     * a moment later, once the task had parked in the latch, ended it cancelled.
     */
    private static Task<String> wakeThenInterrupt(TaskGroup tg, List<String> log, boolean catchIt) {
        return wakeThenInterrupt(tg, log, catchIt, null);
    }

    /**
     * {@link #wakeThenInterrupt(TaskGroup, List, boolean)}; a waiter that catches the exception then
     * waits in {@code waitAgain} (when not null), which the interrupter releases once every task waits.
     */
    private static Task<String> wakeThenInterrupt(TaskGroup tg, List<String> log, boolean catchIt,
            CountDownLatch waitAgain) {
        dev.simloop.sync.Event ev = new dev.simloop.sync.Event("ev");
        CountDownLatch never = new CountDownLatch(1);
        AtomicReference<Thread> thread = new AtomicReference<>();
        Task<String> waiter = tg.spawn("waiter", () -> {
            thread.set(Thread.currentThread());
            ev.await();
            log.add("awaited");
            try {
                never.await(); // the interrupt is pending: throws at once
                log.add("latch returned");
            } catch (InterruptedException e) {
                log.add("latch interrupted");
                if (!catchIt) {
                    throw e;
                }
            }
            if (waitAgain != null) {
                awaitLogged(waitAgain, log);
            }
            return checkpointLogged(log);
        });
        tg.spawn("interrupter", () -> {
            Loop.waitAllTasksBlocked(); // the waiter waits for the event
            ev.set();
            thread.get().interrupt(); // in the same step: the waiter is ready, not parked
            if (waitAgain != null) {
                Loop.waitAllTasksBlocked(); // the waiter waits in waitAgain, or has ended
                waitAgain.countDown();
            }
        });
        return waiter;
    }

    /** A java.util.concurrent wait that logs whether it returned or was interrupted. */
    private static void awaitLogged(CountDownLatch latch, List<String> log) {
        try {
            latch.await();
            log.add("waited again");
        } catch (InterruptedException e) {
            log.add("interrupted again");
        }
    }

    @Test
    void anInterruptThatFindsTheTaskReadyStillCancelsItWhenItsNextJdkWaitThrowsAtOnce() {
        List<String> seen = EveryStrategyAndRealLoop.values(() -> {
            List<String> log = new ArrayList<>();
            try {
                Task<String> waiter = TaskGroup.with(tg -> wakeThenInterrupt(tg, log, false));
                return log + " " + waiter.join();
            } catch (TaskCancelledException e) {
                return log + " " + e.getMessage();
            } catch (RuntimeException e) {
                return log + " group threw " + e;
            }
        });
        assertThat(seen).hasSize(EveryStrategyAndRealLoop.RUNS)
                .containsOnly("[awaited, latch interrupted] task 'waiter' was cancelled");
    }

    @Test
    void aTaskThatCatchesItIsCancelledAtItsNextCheckpoint() {
        List<String> seen = EveryStrategyAndRealLoop.values(() -> {
            List<String> log = new ArrayList<>();
            Task<String> waiter = TaskGroup.with(tg -> wakeThenInterrupt(tg, log, true));
            return outcome(log, waiter);
        });
        assertThat(seen).containsOnly("[awaited, latch interrupted, checkpoint raised INTERRUPTED] cancelled");
    }

    /**
     * The interrupt that found the task ready is the cancel's one interrupt of a JDK wait (once per
     * cancelled scope, as Java code expects one): a task that caught the InterruptedException and
     * waits in the JDK again, as {@code ExecutorService.close()} does, is left to wait there, and is
     * cancelled at its next checkpoint. (Not noting the interrupt as the scope's, the loop
     * interrupted that second wait too, as it interrupts a wait begun in a scope cancelled before.)
     */
    @Test
    void aTaskThatCatchesItAndWaitsInTheJdkAgainIsLeftToWait() {
        List<String> seen = EveryStrategyAndRealLoop.values(() -> {
            List<String> log = new ArrayList<>();
            Task<String> waiter = TaskGroup.with(tg -> wakeThenInterrupt(tg, log, true, new CountDownLatch(1)));
            return outcome(log, waiter);
        });
        assertThat(seen).hasSize(EveryStrategyAndRealLoop.RUNS)
                .containsOnly("[awaited, latch interrupted, waited again, checkpoint raised INTERRUPTED] cancelled");
    }

    /** A shield hides the request as it hides {@code Task.cancel()}: the task is cancelled once it leaves the shield. */
    @Test
    void insideAShieldTheInterruptedExceptionIsTheTasksOwnAndTheCancelWaitsForTheShield() {
        List<String> seen = EveryStrategyAndRealLoop.values(() -> {
            CountDownLatch never = new CountDownLatch(1);
            List<String> log = new ArrayList<>();
            Task<String> waiter = TaskGroup.with(tg -> spawnAndInterrupt(tg, () -> {
                CancelScope.shielded(() -> {
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        log.add("interrupted");
                    }
                    Loop.checkpoint();
                    log.add("shielded checkpoint passed");
                    return null;
                });
                Loop.checkpoint();
                return "returned";
            }));
            return outcome(log, waiter);
        });
        assertThat(seen).containsOnly("[interrupted, shielded checkpoint passed] cancelled");
    }

    /**
     * A JDK pool's worker made by {@code Loop.threadFactory()} keeps the JDK's meaning of an interrupt:
     * {@code Future.cancel(true)} ends one job, and the worker's next jobs run. (Cancelling the worker's
     * task for good, as an interrupt of a task does, failed every later job at its first checkpoint.)
     */
    @Test
    void aPoolWorkerOfTheThreadFactoryIsNotCancelledByTheInterruptThatEndsOneJob() {
        List<String> seen = EveryStrategyAndRealLoop.values(() -> {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(1,
                    Loop.threadFactory());
            try {
                CountDownLatch never = new CountDownLatch(1);
                java.util.concurrent.Future<String> first = pool.submit(() -> {
                    never.await();
                    return "first";
                });
                Loop.sleep(Duration.ofMillis(1)); // the first job waits in the latch
                first.cancel(true);
                java.util.concurrent.Future<String> second = pool.submit(() -> {
                    Loop.sleep(Duration.ofMillis(1));
                    Loop.checkpoint();
                    return "second ran";
                });
                return "first cancelled " + first.isCancelled() + ", " + second.get();
            } finally {
                pool.shutdown();
            }
        });
        assertThat(seen).containsOnly("first cancelled true, second ran");
    }

    /** @return {@code log}, then how {@code waiter} ended: "joined: " and its value, or "cancelled" */
    private static String outcome(List<String> log, Task<String> waiter) {
        try {
            return log + " joined: " + waiter.join();
        } catch (TaskCancelledException e) {
            return log + " cancelled";
        }
    }
}
