package dev.simloop.bench;

import dev.simloop.Simulation;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Benchmark 9: the runtime paths users call one run at a time, from a plain (platform) thread, as a
 * test method does: {@code Simulation.run(seed, () -> 1)} and the lost-update kernel through
 * {@code Simulation.builder().seed(s).run(..)}, one seed per operation, each run handed to a driver
 * thread as users' runs are. The baseline, in the same run, is one raw continuation switch
 * ({@link TaskSwitchBench#continuationYield}), so the figures read as "so many switches".
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class SimulationRunBench {
    long seed;

    /** {@code Simulation.run(seed, () -> 1)}: the fixed cost of one run as a user calls it. */
    @Benchmark
    public int trivialRun() {
        return Simulation.run(seed++, () -> 1).value();
    }

    /** The 2-task × {@value ExplorationBench#CHECKPOINTS}-checkpoint lost-update kernel, one builder run per seed. */
    @Benchmark
    public int kernelPerSeed() {
        return Simulation.builder().seed(seed++).run(() -> Kernels.lostUpdate(ExplorationBench.CHECKPOINTS)).value();
    }

    /** Baseline: one raw {@code jdk.internal.vm.Continuation} resume and yield, as in {@link TaskSwitchBench}. */
    @Benchmark
    @OperationsPerInvocation(TaskSwitchBench.SWITCHES)
    public long rawSwitch(TaskSwitchBench.Cont s) {
        return TaskSwitchBench.continuationYield(s, TaskSwitchBench.SWITCHES);
    }
}
