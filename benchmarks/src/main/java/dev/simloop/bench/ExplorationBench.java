package dev.simloop.bench;

import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.internal.Drivers;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Benchmark 3: the cost of one explored schedule. {@value #RUNS} simulations with consecutive seeds
 * run inside one {@link Drivers#call}, so there is no hand-off to a driver thread per run; the
 * figure is ns per schedule.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class ExplorationBench {
    /** Simulations per invocation. */
    public static final int RUNS = 200;
    /** Checkpoints per task of the kernel. */
    public static final int CHECKPOINTS = 10;

    long seed;

    /** The 2-task lost-update kernel, 10 checkpoints per task, {@code Strategy.random()}; returns failures seen. */
    @Benchmark
    @OperationsPerInvocation(RUNS)
    public int lostUpdateRandom() {
        int failed = lostUpdateRandom(seed, RUNS);
        seed += RUNS;
        return failed;
    }

    static int lostUpdateRandom(long firstSeed, int runs) {
        Strategy random = Strategy.random();
        return Drivers.call(() -> {
            int failed = 0;
            for (int i = 0; i < runs; i++) {
                int v = Simulation.builder().seed(firstSeed + i).strategy(random)
                        .run(() -> Kernels.lostUpdate(CHECKPOINTS)).value();
                if (v != 2 * CHECKPOINTS) {
                    failed++;
                }
            }
            return failed;
        }, t -> { });
    }

    /** Baseline: a bare simulation whose one task returns at once (the fixed cost of a run). */
    @Benchmark
    @OperationsPerInvocation(RUNS)
    public int bareSimulation() {
        int r = bareSimulation(seed, RUNS);
        seed += RUNS;
        return r;
    }

    static int bareSimulation(long firstSeed, int runs) {
        Strategy random = Strategy.random();
        return Drivers.call(() -> {
            int sum = 0;
            for (int i = 0; i < runs; i++) {
                sum += Simulation.builder().seed(firstSeed + i).strategy(random).run(() -> 1).value();
            }
            return sum;
        }, t -> { });
    }
}
