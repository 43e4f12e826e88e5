package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A simulated task contending for a lock that a thread outside the simulation holds (System.out's
 * lock, a synchronized collection shared by parallel tests): its step waits for the outside thread
 * to let go and goes on, so the run is the one without contention, however long (within the
 * grace of half a second) the thread held the lock. Before, the task resumed at the loop's next idle
 * moment: the same run for every hold time, but another run than the one without contention.
 */
class SharedLockTest {

    /** A program whose task "logger" takes {@code shared} while "worker" has steps left to run. */
    private static SimResult<List<String>> run(Object shared, ReentrantLock juc) {
        return run(shared, juc, new AtomicReference<>());
    }

    /** As {@link #run(Object, ReentrantLock)}, publishing the logger's thread in {@code logger}. */
    private static SimResult<List<String>> run(Object shared, ReentrantLock juc, AtomicReference<Thread> logger) {
        return Simulation.run(3, () -> {
            List<String> log = new ArrayList<>();
            TaskGroup.with(tg -> {
                tg.spawn("logger", () -> {
                    logger.set(Thread.currentThread());
                    Loop.checkpoint();
                    synchronized (shared) {
                        log.add("logger took the monitor");
                    }
                    juc.lock();
                    try {
                        log.add("logger took the ReentrantLock");
                    } finally {
                        juc.unlock();
                    }
                });
                tg.spawn("worker", () -> {
                    for (int i = 0; i < 5; i++) {
                        Loop.checkpoint();
                        log.add("worker " + i);
                    }
                });
                return null;
            });
            return log;
        });
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Holds the monitor, then the ReentrantLock, on a platform thread from before the run, each until
     * the logger waits for it and {@code holdMillis} longer. Waiting for the logger, not a fixed time,
     * makes the contention certain: a fixed 5 ms could pass before a loaded machine reached the
     * logger's synchronized block, which then ran uncontended.
     */
    private static SimResult<List<String>> runWhileHeldOutside(long holdMillis) throws Exception {
        Object shared = new Object();
        ReentrantLock juc = new ReentrantLock();
        AtomicReference<Thread> logger = new AtomicReference<>();
        CountDownLatch held = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            juc.lock();
            try {
                synchronized (shared) {
                    held.countDown();
                    awaitLogger(() -> logger.get() != null && logger.get().getState() == Thread.State.BLOCKED);
                    sleep(holdMillis);
                }
                awaitLogger(() -> logger.get() != null && juc.hasQueuedThread(logger.get()));
                sleep(holdMillis);
            } finally {
                juc.unlock();
            }
        }, "outside-holder");
        holder.start();
        held.await();
        SimResult<List<String>> r = run(shared, juc, logger);
        holder.join();
        return r;
    }

    /** Polls until {@code waiting}; gives up after 10 s so a broken run fails its assertions, not the build's timeout. */
    private static void awaitLogger(BooleanSupplier waiting) {
        long giveUp = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!waiting.getAsBoolean() && System.nanoTime() < giveUp) {
            sleep(1);
        }
    }

    @Test
    void aTaskWaitingForALockHeldOutsideGoesOnAsIfItWereFreeWhateverTheHoldTime() throws Exception {
        SimResult<List<String>> free = run(new Object(), new ReentrantLock());
        SimResult<List<String>> shortHold = runWhileHeldOutside(5);
        SimResult<List<String>> longHold = runWhileHeldOutside(120);
        assertThat(shortHold.failed()).as("%s", shortHold.failure()).isFalse();
        assertThat(longHold.failed()).as("%s", longHold.failure()).isFalse();
        // the logger takes both locks in the step it asked for them in, as when no one held them
        assertThat(shortHold.value()).isEqualTo(free.value()).containsSubsequence(
                "logger took the monitor", "logger took the ReentrantLock", "worker 4");
        assertThat(shortHold.traceDigest()).isEqualTo(free.traceDigest());
        assertThat(longHold.value()).isEqualTo(shortHold.value());
        assertThat(longHold.traceDigest()).isEqualTo(shortHold.traceDigest());
        assertThat(Simulation.builder().replay(longHold.replayLine()).run(() -> List.of()).failure())
                .isInstanceOf(NondeterminismDetected.class); // a different program does not fit the line
    }

    @Test
    void withoutContentionTheSameProgramRunsStraightThrough() {
        SimResult<List<String>> r = run(new Object(), new ReentrantLock());
        List<String> log = r.value();
        assertThat(log).contains("logger took the monitor", "logger took the ReentrantLock");
        assertThat(log.indexOf("logger took the ReentrantLock")).isLessThan(log.indexOf("worker 4"));
    }
}
