package dev.simloop.bench;

import dev.simloop.Exploration;
import dev.simloop.Strategy;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Benchmark 8: {@code Exploration.parallelism(2)} against {@code parallelism(1)} in the same run, on
 * the lost-update kernel ({@value ExplorationBench#CHECKPOINTS} checkpoints per task, every schedule
 * counted): ns per schedule, so the speed-up is the baseline's figure over this one's.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class ParallelExplorationBench {
    /** Schedules per invocation. */
    public static final int SCHEDULES = 4000;

    long seed;

    private int explore(int threads) {
        Exploration.Report<Integer> r = Exploration.of(() -> Kernels.lostUpdate(ExplorationBench.CHECKPOINTS))
                .strategy(Strategy.random()).seed(seed).schedules(SCHEDULES).stopAtFirstFailure(false)
                .parallelism(threads).run();
        seed += SCHEDULES;
        return r.schedulesRun();
    }

    /** The baseline: one driver thread. */
    @Benchmark
    @OperationsPerInvocation(SCHEDULES)
    public int oneThread() {
        return explore(1);
    }

    /** Two driver threads (the machine's 2 cores). */
    @Benchmark
    @OperationsPerInvocation(SCHEDULES)
    public int twoThreads() {
        return explore(2);
    }
}
