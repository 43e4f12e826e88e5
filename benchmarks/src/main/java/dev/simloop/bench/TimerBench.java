package dev.simloop.bench;

import dev.simloop.Loop;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Benchmark 4: timers. {@value #TASKS} simulated tasks each sleep a random virtual duration of up to
 * 24 h; the figure is ns per timer event (spawn, arm, fire, resume and finish of one task).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class TimerBench {
    /** Tasks per simulation. */
    public static final int TASKS = 10_000;

    final long[] sleeps = sleeps(TASKS, 42);

    static long[] sleeps(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] d = new long[n];
        long day = Duration.ofHours(24).toNanos();
        for (int i = 0; i < n; i++) {
            d[i] = 1 + r.nextLong(day);
        }
        return d;
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long sleepers() {
        return sleepers(sleeps);
    }

    static long sleepers(long[] sleeps) {
        return Simulation.builder().seed(1).strategy(Strategy.fifo()).run(() -> {
            TaskGroup.with(g -> {
                for (long d : sleeps) {
                    g.spawn(() -> Loop.sleep(Duration.ofNanos(d)));
                }
                return null;
            });
            return Loop.nanoTime();
        }).value();
    }

    /** Baseline: as many tasks, each doing one checkpoint instead of a sleep. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long checkpointers() {
        return checkpointers(TASKS);
    }

    static long checkpointers(int tasks) {
        return Simulation.builder().seed(1).strategy(Strategy.fifo()).run(() -> {
            TaskGroup.with(g -> {
                for (int i = 0; i < tasks; i++) {
                    g.spawn(() -> Loop.checkpoint());
                }
                return null;
            });
            return Loop.nanoTime();
        }).value();
    }
}
