package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Independent simulations at once: a run gives what its seed gives alone, whatever other runs, or
 * other threads, do meanwhile. What the runtime logs itself (a failure no one joined, through the
 * default handler; the lifecycle lines) goes through a logging backend that every thread of the JVM
 * shares and that locks: a task that met that lock held by another run's log call waited for it
 * outside simloop, which cost its run a step, and so changed its digest and replay line.
 */
class ConcurrentRunsTest {
    /** Kept strongly: java.util.logging holds loggers weakly, and a collected logger forgets its handlers. */
    private static final Logger LOGGER = Logger.getLogger("dev.simloop.tasks");

    /** A supervisor whose children fail unjoined: its end logs them through the default handler, in a task. */
    static int unjoinedFailures() {
        return Supervisor.with(sup -> {
            for (int i = 0; i < 3; i++) {
                int k = i;
                sup.spawn("w" + i, () -> {
                    Loop.sleep(Duration.ofMillis(Loop.random().nextInt(3)));
                    throw new IllegalArgumentException("w" + k + " failed at " + Loop.nanoTime());
                });
            }
            Loop.sleep(Duration.ofMillis(10));
            return sup.failures().size();
        });
    }

    /**
     * A handler that takes {@code backendLock} for each record a task logs, as a logging backend
     * locks its output: the test's thread holds it while the run logs, as another run's log call
     * would. (The driver's own records pass: the lock is there for a task to meet.)
     */
    private static Handler lockingHandler(Object backendLock, List<String> out, AtomicReference<Thread> publisher) {
        return new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (!Thread.currentThread().isVirtual()) {
                    out.add(r.getLevel() + " " + r.getMessage());
                    return;
                }
                publisher.set(Thread.currentThread());
                synchronized (backendLock) {
                    out.add(r.getLevel() + " " + r.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
    }

    /**
     * Runs {@code seed} with the task logger at {@code level}; with {@code contended}, the backend's
     * lock is held by another thread when a task of the run first logs.
     */
    private static String[] run(long seed, Level level, boolean contended) throws Exception {
        Object backendLock = new Object();
        List<String> out = new CopyOnWriteArrayList<>();
        AtomicReference<Thread> publisher = new AtomicReference<>();
        Handler h = lockingHandler(backendLock, out, publisher);
        boolean oldParent = LOGGER.getUseParentHandlers();
        Level oldLevel = LOGGER.getLevel();
        LOGGER.setUseParentHandlers(false);
        LOGGER.setLevel(level);
        LOGGER.addHandler(h);
        try (ExecutorService caller = Executors.newSingleThreadExecutor()) {
            CompletableFuture<SimResult<Integer>> result;
            synchronized (backendLock) {
                result = CompletableFuture.supplyAsync(() -> Simulation.builder().seed(seed).trace(true)
                        .run(ConcurrentRunsTest::unjoinedFailures), caller);
                if (contended) {
                    awaitTheLogCallBlocked(publisher);
                }
            }
            SimResult<Integer> r = result.get();
            return new String[] {r.replayLine(), r.traceDigest(), String.valueOf(r.steps()),
                r.traceTable(100).orElseThrow(), String.valueOf(out)};
        } finally {
            LOGGER.removeHandler(h);
            LOGGER.setUseParentHandlers(oldParent);
            LOGGER.setLevel(oldLevel);
        }
    }

    /**
     * Waits until the run's log call is blocked on the lock for good: its thread has left its carrier
     * to wait (a virtual thread spins on its carrier first, and may get the lock without leaving it;
     * its text names the carrier, after '@', while it is mounted), or it has stayed blocked on its
     * carrier (pinned) for a while. The run is then the same whether or not this thread lets go at once.
     */
    private static void awaitTheLogCallBlocked(AtomicReference<Thread> publisher) {
        long blockedOnCarrierSince = 0;
        while (true) {
            Thread t = publisher.get();
            if (t != null && t.getState() == Thread.State.BLOCKED) {
                if (!t.isVirtual() || !t.toString().contains("@")) {
                    return;
                }
                if (blockedOnCarrierSince == 0) {
                    blockedOnCarrierSince = System.nanoTime();
                } else if (System.nanoTime() - blockedOnCarrierSince > 100_000_000L) {
                    return;
                }
            } else {
                blockedOnCarrierSince = 0;
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void aRunWhoseLogCallWaitsForAnotherThreadIsTheRunOfItsSeed() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            String[] alone = run(15841, Level.WARNING, false);
            String[] contended = run(15841, Level.WARNING, true);
            assertThat(contended).containsExactly(alone);
            assertThat(alone[4]).contains("WARNING task 'main/w0' failed and no one joined it");
        });
    }

    @Test
    void aRunWhoseLifecycleLineWaitsForAnotherThreadIsTheRunOfItsSeed() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            String[] alone = run(15841, Level.FINE, false);
            String[] contended = run(15841, Level.FINE, true);
            assertThat(contended).containsExactly(alone);
            assertThat(alone[4]).contains("FINE main/w0 spawned");
        });
    }
}
