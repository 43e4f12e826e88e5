package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Interrupting the thread that runs a real loop (Future.cancel(true), shutdownNow()) stops the
 * service the way SIGTERM does: the root group is cancelled, clean-up runs, Loop.run returns null,
 * and the caller's interrupt status is set again. A second interrupt stops a task that ignores the
 * cancel. Before, the first interrupt aborted the run (LimitExceeded "a test timeout?") and unwound
 * the clean-up with an internal error, and a caller interrupted before Loop.run got its value or
 * that abort depending on timing.
 */
class CallerInterruptTest {
    @Test
    void aCallerInterruptedBeforehandGetsACancelledRootGroupEveryTime() {
        for (int i = 0; i < 300; i++) {
            List<String> log = new CopyOnWriteArrayList<>();
            Thread.currentThread().interrupt();
            Object v;
            try {
                v = Loop.run(() -> {
                    try {
                        Loop.checkpoint();
                        return "ran";
                    } catch (Cancelled e) {
                        log.add("cancelled: " + e.reason());
                        throw e;
                    } finally {
                        log.add("finally");
                    }
                });
            } finally {
                log.add("interrupted after: " + Thread.interrupted());
            }
            assertThat(v).as("run %d", i).isNull();
            assertThat(log).as("run %d", i).containsExactly("cancelled: INTERRUPTED", "finally", "interrupted after: true");
        }
    }

    /**
     * A tight loop that checks with checkpointIfCancelled alone never hands the driver a step; the
     * cancel that the caller's interrupt (or a signal) sends arrives at the driver. Before, it waited
     * there, and the loop ran to its end with the service "interrupted" but never cancelled.
     */
    @Test
    @Timeout(60)
    void aTightLoopThatOnlyChecksForCancelSeesTheCallersInterrupt() throws InterruptedException {
        List<String> log = new CopyOnWriteArrayList<>();
        AtomicReference<Object> value = new AtomicReference<>("unset");
        Thread service = new Thread(() -> value.set(Loop.run(() -> {
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            log.add("spinning");
            try {
                while (System.nanoTime() < end) {
                    Loop.checkpointIfCancelled(); // never yields: the cancel must come to it
                    Thread.onSpinWait();
                }
                return "spun 30 s without seeing the cancel";
            } catch (Cancelled e) {
                log.add("cancelled: " + e.reason());
                throw e;
            }
        })));
        service.start();
        while (log.isEmpty()) {
            Thread.sleep(5);
        }
        service.interrupt();
        service.join(20_000);
        assertThat(service.isAlive()).as("still spinning 20 s after the interrupt").isFalse();
        assertThat(value.get()).isNull();
        assertThat(log).containsExactly("spinning", "cancelled: INTERRUPTED");
    }

    @Test
    @Timeout(30)
    void anInterruptDuringTheRunCancelsTheRootGroupAndShieldedCleanUpRuns() throws InterruptedException {
        List<String> log = new CopyOnWriteArrayList<>();
        AtomicReference<Object> value = new AtomicReference<>("unset");
        AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
        Thread service = new Thread(() -> {
            value.set(Loop.run(() -> {
                try {
                    log.add("serving");
                    Loop.sleep(Duration.ofSeconds(20));
                    return "served";
                } finally {
                    CancelScope.shielded(() -> {
                        Loop.sleep(Duration.ofMillis(20)); // clean-up that must block
                        log.add("cleaned up");
                        return null;
                    });
                }
            }));
            interruptedAfter.set(Thread.currentThread().isInterrupted());
        });
        service.start();
        while (log.isEmpty()) {
            Thread.sleep(5);
        }
        service.interrupt();
        service.join(10_000);
        assertThat(service.isAlive()).isFalse();
        assertThat(value.get()).isNull();
        assertThat(log).containsExactly("serving", "cleaned up");
        assertThat(interruptedAfter.get()).isTrue();
    }

    /**
     * A task parked in a JDK wait deaf to interrupts ({@code ReentrantLock.lock} of a lock a thread
     * outside holds) when a second interrupt stops the run: the run returns without it, and when the
     * lock is let go the task goes on off the loop, its {@code finally} runs, and the lock is free.
     * Before, the wake-up went to the ended run's inbox, where no driver ran it: the task never ran
     * again and stayed queued in the lock, which no thread could take from then on.
     */
    @Test
    @Timeout(60)
    void aTaskInADeafJdkWaitWhenASecondInterruptStopsTheRunGoesOnWhenTheWaitEnds() throws Exception {
        ReentrantLock lock = new ReentrantLock(true);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = holding(lock, release);
        List<String> log = new CopyOnWriteArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread service = new Thread(() -> failure.set(catchThrowable(() -> Loop.run(() -> lockThenCheckpoint(lock, log)))));
        service.start();
        while (!lock.hasQueuedThreads()) {
            Thread.sleep(5);
        }
        service.interrupt(); // a cancel, which lock() does not hear
        Thread.sleep(100);
        service.interrupt(); // stops the run
        service.join(10_000);
        assertThat(service.isAlive()).isFalse();
        assertThat(failure.get()).isInstanceOf(LimitExceeded.class)
                .hasMessageContaining("the thread waiting for it was interrupted");
        assertTheTaskGoesOnWhenTheLockIsLetGo(lock, release, holder, log);
    }

    /** As above, in a simulation that failed while its task waited for a lock held outside it. */
    @Test
    @Timeout(60)
    void aTaskLeftInADeafJdkWaitByAFailedSimulationGoesOnWhenTheWaitEnds() throws Exception {
        ReentrantLock lock = new ReentrantLock(true);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = holding(lock, release);
        List<String> log = new CopyOnWriteArrayList<>();
        SimResult<Object> r = Simulation.builder().seed(1).maxStepWallTime(Duration.ofMillis(100))
                .run(() -> lockThenCheckpoint(lock, log));
        assertThat(r.failure()).isNotNull();
        assertTheTaskGoesOnWhenTheLockIsLetGo(lock, release, holder, log);
    }

    /** A task's body: takes {@code lock}, then meets a checkpoint, which ends it once its run has ended. */
    private static Object lockThenCheckpoint(ReentrantLock lock, List<String> log) {
        try {
            lock.lock();
            try {
                log.add("locked");
                Loop.checkpoint(); // the run has ended: this ends the task
                log.add("went on past a checkpoint");
            } finally {
                lock.unlock();
            }
        } finally {
            log.add("finally ran");
        }
        return null;
    }

    /**
     * The run has returned with its task queued in {@code lock}: once {@code holder} lets the lock go,
     * the task takes it, is ended at its checkpoint, runs its {@code finally} blocks, and the lock is free.
     */
    private static void assertTheTaskGoesOnWhenTheLockIsLetGo(ReentrantLock lock, CountDownLatch release, Thread holder,
            List<String> log) throws InterruptedException {
        assertThat(log).isEmpty();
        release.countDown();
        holder.join();
        assertThat(lock.tryLock(10, TimeUnit.SECONDS)).as("the lock is free again").isTrue();
        lock.unlock();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (log.size() < 2 && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        assertThat(log).containsExactly("locked", "finally ran");
    }

    /** @return a platform thread that holds {@code lock} until {@code release} is counted down, started and holding it */
    private static Thread holding(ReentrantLock lock, CountDownLatch release) throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            lock.lock();
            held.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
        });
        holder.setDaemon(true);
        holder.start();
        held.await();
        return holder;
    }

    @Test
    @Timeout(30)
    void aSecondInterruptStopsATaskThatIgnoresTheCancel() throws InterruptedException {
        List<String> log = new CopyOnWriteArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread service = new Thread(() -> failure.set(catchThrowable(() -> Loop.run(() -> {
            for (;;) {
                try {
                    Loop.sleep(Duration.ofMillis(5));
                    log.add("tick");
                } catch (Cancelled e) {
                    log.add("ignored " + e.reason());
                    CancelScope.shielded(() -> {
                        Loop.sleep(Duration.ofDays(1));
                        return null;
                    });
                }
            }
        }))));
        service.start();
        while (log.isEmpty()) {
            Thread.sleep(5);
        }
        service.interrupt();
        while (!log.contains("ignored INTERRUPTED")) {
            Thread.sleep(5);
        }
        assertThat(service.isAlive()).as("the first interrupt only cancels").isTrue();
        service.interrupt();
        service.join(10_000);
        assertThat(service.isAlive()).isFalse();
        assertThat(failure.get()).isInstanceOf(LimitExceeded.class)
                .hasMessageContaining("the thread waiting for it was interrupted")
                .hasMessageContaining("Tasks still alive:\n  task 'main' waits for ");
    }
}
