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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
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

    /**
     * The strategy of the kernel runs, in {@link Strategy#parse} form. {@link Report} sets it to those
     * of {@code random}, {@code pct(3)} and {@code portfolio} (Exploration's default) that the runtime knows.
     */
    @Param({"random"})
    public String strategy;

    Strategy parsed;
    long seed;

    @Setup
    public void setup() {
        parsed = Strategy.parse(strategy);
    }

    /** The 2-task lost-update kernel, 10 checkpoints per task; returns failures seen. */
    @Benchmark
    @OperationsPerInvocation(RUNS)
    public int lostUpdate() {
        int failed = lostUpdate(parsed, seed, RUNS);
        seed += RUNS;
        return failed;
    }

    static int lostUpdate(Strategy s, long firstSeed, int runs) {
        return Drivers.call(() -> {
            int failed = 0;
            for (int i = 0; i < runs; i++) {
                int v = Simulation.builder().seed(firstSeed + i).strategy(s)
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
        int r = bareSimulation(parsed, seed, RUNS);
        seed += RUNS;
        return r;
    }

    static int bareSimulation(Strategy s, long firstSeed, int runs) {
        return Drivers.call(() -> {
            int sum = 0;
            for (int i = 0; i < runs; i++) {
                sum += Simulation.builder().seed(firstSeed + i).strategy(s).run(() -> 1).value();
            }
            return sum;
        }, t -> { });
    }
}
