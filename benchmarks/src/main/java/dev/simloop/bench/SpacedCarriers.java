package dev.simloop.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.locks.LockSupport;

/**
 * Row 8's floor's carriers: {@code n} platform threads that each run row 10's floor kernel
 * ({@link VirtualThreadFloorBench.Kernel}, its own scheduler queue), all at once or only the first,
 * each started between two idle spacer threads of its own, as simloop starts its drivers. Without
 * the spacers, two carriers started one after the other usually get the JVM's per-thread handle
 * slots on one cache line, and each mount of a virtual thread on one then makes the other's
 * {@code Thread.currentThread()} miss the cache: on this machine two such carriers (JMH's own
 * worker threads, as this floor used before) ran the kernel at 0.6–1.2x one thread
 * (docs/benchmark-notes.md, "Row 8's slow mode"). One spacer between two carriers is not enough: a
 * thread takes four 8-byte slots, half a line, so two carriers one spacer apart still share a line
 * unless their slots happen to start at a half-line boundary (in a harness, two carriers with one
 * spacer between them ran at 0.75–1.40x one carrier, the median of each of six JVMs' rounds, and
 * with two spacers between them at 1.70–1.94x). So each carrier has a spacer before it and one
 * after, as each driver has, and two carriers are two spacers apart. The floor is the most two
 * cores give bare virtual threads, so it spaces them. Each carrier makes its kernel on its own
 * thread, so that no two kernels, written at every switch, share a line either.
 */
final class SpacedCarriers {
    private final Thread[] carriers;
    private final List<Thread> spacers = new ArrayList<>();
    /** Every carrier and the caller meet here to start a batch, and again when it is done. */
    private final CyclicBarrier meet;
    private final long[] sums;
    private volatile int runs;
    /** How many carriers (the first ones) run the next batch; the others only meet. */
    private volatile int active;
    private volatile boolean stopping;

    private SpacedCarriers(int n) {
        carriers = new Thread[n];
        sums = new long[n];
        meet = new CyclicBarrier(n + 1);
    }

    /** @return {@code n} started carriers, each between two spacers of its own, waiting for {@link #runEach} */
    static SpacedCarriers start(int n) {
        SpacedCarriers c = new SpacedCarriers(n);
        for (int i = 0; i < n; i++) {
            int index = i;
            c.startSpacer();
            c.carriers[i] = new Thread(() -> c.carry(index), "floor-carrier-" + i);
            c.carriers[i].setDaemon(true);
            c.carriers[i].start();
            c.startSpacer();
        }
        return c;
    }

    private void startSpacer() {
        Thread s = new Thread(() -> {
            while (!stopping) {
                LockSupport.park(this);
            }
        }, "floor-spacer-" + spacers.size());
        s.setDaemon(true);
        s.start();
        spacers.add(s);
    }

    /** A carrier's life: batch after batch of its kernel's schedules, each seed its own. */
    private void carry(int index) {
        long seed = (long) index << 40;
        VirtualThreadFloorBench.Kernel kernel = new VirtualThreadFloorBench.Kernel(true);
        try {
            for (;;) {
                meet.await();
                if (stopping) {
                    return;
                }
                long sum = 0;
                if (index < active) {
                    for (int i = 0, n = runs; i < n; i++) {
                        sum += kernel.run(seed++);
                    }
                }
                sums[index] = sum;
                meet.await();
            }
        } catch (InterruptedException | BrokenBarrierException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs {@code runs} schedules on every carrier at once and waits for all of them.
     *
     * @return the sum of every schedule's final counter (each is {@code 2 x CHECKPOINTS} when no update was lost)
     */
    long runEach(int runs) {
        return runOnFirst(carriers.length, runs);
    }

    /**
     * Runs {@code runs} schedules on each of the first {@code k} carriers at once (the others idle)
     * and waits for them.
     *
     * @return the sum of every schedule's final counter
     */
    long runOnFirst(int k, int runs) {
        this.runs = runs;
        this.active = k;
        await(); // go
        await(); // all done
        long total = 0;
        for (long s : sums) {
            total += s;
        }
        return total;
    }

    /** Ends the carriers and the spacers. */
    void stop() {
        stopping = true;
        await();
        for (Thread t : spacers) {
            LockSupport.unpark(t);
        }
    }

    private void await() {
        try {
            meet.await();
        } catch (InterruptedException | BrokenBarrierException e) {
            throw new IllegalStateException("floor carriers: " + e, e);
        }
    }
}
