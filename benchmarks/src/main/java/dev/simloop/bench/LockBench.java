package dev.simloop.bench;

import dev.simloop.Loop;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.sync.Lock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Benchmark 5: uncontended lock acquire + release in one task, {@value #PAIRS} pairs per run (so the
 * run's own fixed cost and allocation are spread over them). Run with the GC profiler.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class LockBench {
    /** Acquire/release pairs per invocation of the simloop benchmarks. */
    public static final int PAIRS = 100_000;

    final ReentrantLock reentrant = new ReentrantLock();
    long counter;

    @Benchmark
    @OperationsPerInvocation(PAIRS)
    public long simulatedLock() {
        return Simulation.builder().seed(1).strategy(Strategy.fifo()).run(() -> lockLoop(PAIRS)).value();
    }

    @Benchmark
    @OperationsPerInvocation(PAIRS)
    public long realLock() {
        return Loop.run(() -> lockLoop(PAIRS));
    }

    static long lockLoop(int pairs) {
        Lock lock = new Lock();
        long n = 0;
        for (int i = 0; i < pairs; i++) {
            lock.acquire();
            n++;
            lock.release();
        }
        return n;
    }

    /** Baseline: {@link ReentrantLock} lock + unlock on the benchmark thread. */
    @Benchmark
    public long reentrantLock() {
        reentrant.lock();
        try {
            return ++counter;
        } finally {
            reentrant.unlock();
        }
    }
}
