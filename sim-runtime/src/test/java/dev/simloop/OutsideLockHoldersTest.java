package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A task that parks on a lock a thread outside the simulation holds at that moment (a monitor or a
 * {@code ReentrantLock}: {@code System.out}'s while another simulation prints, a platform thread's)
 * goes on within its step once that thread lets go, as it does when the lock was free: whether a
 * thread outside held the lock just then is not the seed's choice. Before, the park was a block:
 * the other tasks ran first, so the run took other steps, and two simulations at once that printed
 * differed from the same seeds run alone in a few runs in a thousand.
 */
class OutsideLockHoldersTest {
    /** Task 'a' takes the lock at its first step while task 'b' is ready; each logs what it did. */
    private static SimResult<List<String>> run(Runnable takeAndLetGo) {
        return Simulation.builder().seed(1).strategy(Strategy.fifo()).run(() -> {
            List<String> log = new ArrayList<>();
            TaskGroup.with(g -> {
                g.spawn("a", () -> {
                    takeAndLetGo.run();
                    log.add("a took the lock");
                    Loop.checkpoint();
                    log.add("a done");
                });
                g.spawn("b", () -> log.add("b ran"));
                return null;
            });
            return log;
        });
    }

    /**
     * Starts a platform thread that takes a lock with {@code take}, lets the caller go on, and lets go
     * with {@code letGo} once {@code someoneWaits}.
     */
    private static Thread holdUntilSomeoneWaits(Runnable take, BooleanSupplier someoneWaits, Runnable letGo)
            throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().name("outside-holder").start(() -> {
            take.run();
            held.countDown();
            awaitUpTo10s(someoneWaits);
            letGo.run();
        });
        held.await();
        return holder;
    }

    /** Polls until {@code condition}, for at most ten seconds, so that a failing test ends. */
    private static void awaitUpTo10s(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(50_000);
        }
    }

    @Test
    void aReentrantLockHeldOutsideIsTakenWithinTheStepWhenItsHolderLetsGo() throws Exception {
        ReentrantLock free = new ReentrantLock();
        SimResult<List<String>> alone = run(() -> {
            free.lock();
            free.unlock();
        });

        ReentrantLock lock = new ReentrantLock();
        Thread holder = holdUntilSomeoneWaits(lock::lock, lock::hasQueuedThreads, lock::unlock);
        SimResult<List<String>> contended = run(() -> {
            lock.lock();
            lock.unlock();
        });
        holder.join();

        assertThat(alone.value()).containsExactly("a took the lock", "b ran", "a done");
        assertThat(contended.value()).isEqualTo(alone.value());
        assertThat(contended.traceDigest()).isEqualTo(alone.traceDigest());
        assertThat(contended.steps()).isEqualTo(alone.steps());
    }

    /**
     * A thread outside that lets go of the lock as the task parks on it, and ends at once: the driver,
     * looking at who holds the lock, could read that thread as its owner and then find it ended, and
     * take it for a thread that ended holding the lock (a block): the task's step ended, and 'b' ran
     * first. That took the driver being paused between the two reads (a busy machine), about once in a
     * thousand runs; this test makes many, so that it failed in most of its runs on a busy machine
     * before the fix. Its verdict does not depend on timing: every run must take the free lock's steps.
     */
    @Test
    void aHolderThatLetsGoAndEndsAsTheTaskParksLetsTheStepGoOn() throws Exception {
        ReentrantLock free = new ReentrantLock();
        SimResult<List<String>> alone = run(() -> {
            free.lock();
            free.unlock();
        });
        for (int i = 0; i < 4000; i++) {
            ReentrantLock lock = new ReentrantLock();
            CountDownLatch held = new CountDownLatch(1);
            Thread holder = Thread.ofPlatform().name("outside-holder").start(() -> {
                lock.lock();
                held.countDown();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!lock.hasQueuedThreads() && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(5_000); // woken at moments of its own, near the driver's look or not
                }
                lock.unlock(); // and the thread ends
            });
            held.await();
            SimResult<List<String>> contended = run(() -> {
                lock.lock();
                lock.unlock();
            });
            holder.join();
            assertThat(contended.value()).as("run %d", i).isEqualTo(alone.value());
            assertThat(contended.traceDigest()).as("run %d", i).isEqualTo(alone.traceDigest());
        }
    }

    @Test
    void aMonitorHeldOutsideIsEnteredWithinTheStepWhenItsHolderLetsGo() throws Exception {
        Object free = new Object();
        SimResult<List<String>> alone = run(() -> {
            synchronized (free) {
                free.hashCode();
            }
        });

        Object monitor = new Object();
        AtomicReference<Thread> task = new AtomicReference<>();
        CountDownLatch held = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().name("outside-holder").start(() -> {
            synchronized (monitor) {
                held.countDown();
                awaitUpTo10s(() -> task.get() != null && task.get().getState() == Thread.State.BLOCKED);
            }
        });
        held.await();
        SimResult<List<String>> contended = run(() -> {
            task.set(Thread.currentThread());
            synchronized (monitor) {
                monitor.hashCode();
            }
        });
        holder.join();

        assertThat(contended.value()).isEqualTo(alone.value()).containsExactly("a took the lock", "b ran", "a done");
        assertThat(contended.traceDigest()).isEqualTo(alone.traceDigest());
    }

    /** Three tasks that print at each of their checkpoints to one stream that two simulations share. */
    private static String printing(PrintStream out, long seed) {
        return Simulation.builder().seed(seed).strategy(Strategy.random()).run(() -> TaskGroup.with(g -> {
            for (int t = 0; t < 3; t++) {
                int n = t;
                g.spawn(() -> {
                    for (int i = 0; i < 20; i++) {
                        out.println("task " + n + " step " + i);
                        Loop.checkpoint();
                    }
                });
            }
            return null;
        })).traceDigest();
    }

    @Test
    void twoSimulationsThatPrintToOneStreamAtOnceRunAsEachDoesAlone() throws Exception {
        PrintStream out = new PrintStream(OutputStream.nullOutputStream(), false);
        int seeds = 1500;
        List<String> alone = new ArrayList<>();
        for (long s = 0; s < seeds; s++) {
            alone.add(printing(out, s));
        }
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            List<Future<List<String>>> both = new ArrayList<>();
            for (int k = 0; k < 2; k++) {
                both.add(two.submit(() -> {
                    List<String> digests = new ArrayList<>();
                    for (long s = 0; s < seeds; s++) {
                        digests.add(printing(out, s));
                    }
                    return digests;
                }));
            }
            for (Future<List<String>> f : both) {
                assertThat(f.get()).isEqualTo(alone);
            }
        } finally {
            two.shutdownNow();
        }
    }
}
