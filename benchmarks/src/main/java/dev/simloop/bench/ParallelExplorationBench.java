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
import org.openjdk.jmh.annotations.Threads;

/**
 * Benchmark 8: {@code Exploration.parallelism(2)} against {@code parallelism(1)} in the same run, on
 * the lost-update kernel ({@value ExplorationBench#CHECKPOINTS} checkpoints per task, every schedule
 * counted): ns per schedule, so the speed-up is the baseline's figure over this one's. A control,
 * {@link #twoIndependentExplorations}, measures in the same run what two independent one-thread
 * explorations reach together on the same cores.
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

    /**
     * The control for row 8: what this machine and JVM give two copies of the work that share
     * nothing of simloop's. Two JMH threads each run their own one-thread exploration at once, as two
     * separate explorations would; they share only the JVM (its heap and collector, the JDK's thread
     * identifiers) and the cores. Each invocation counts both threads' schedules
     * ({@code 2 x SCHEDULES}), so the figure is ns per schedule of the two together, comparable with
     * {@link #twoThreads}: {@code oneThread} over this figure is the speed-up two independent copies
     * reach, the ceiling {@code parallelism(2)} is measured against.
     */
    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(2 * SCHEDULES)
    public int twoIndependentExplorations() {
        return explore(1);
    }
}
