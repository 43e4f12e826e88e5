package dev.simloop.bench;

import dev.simloop.Exploration;
import dev.simloop.Strategy;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Benchmark 8: {@code Exploration.parallelism(2)} against {@code parallelism(1)} in the same run, on
 * the lost-update kernel ({@value ExplorationBench#CHECKPOINTS} checkpoints per task, every schedule
 * counted), beside a control: two independent one-thread explorations at once, what the machine and
 * the JVM give two copies of the work that share nothing of simloop's.
 *
 * <p>The three are measured <em>interleaved</em>: each invocation ({@link #round}) runs one
 * exploration of each kind in turn, {@value #SCHEDULES} schedules each (about 5 to 10 ms), and
 * {@link Times} adds up each kind's wall time. Measured as three benchmarks one after another, the
 * baseline and the two-thread figure came from windows minutes apart, and this machine's host
 * changes what two cores give within minutes: one report's speed-up read 1.65x and the next 1.87x
 * for the same code. Interleaved, both sides of every ratio see the same minutes (a harness doing
 * this gave 1.83x to 1.95x in every 5-second window of three 50-second JVMs, and 1.89x to 1.91x
 * overall, the control the same). The figures are ns per schedule, so a speed-up is the
 * one-thread figure over the other.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class ParallelExplorationBench {
    /** Schedules per exploration. */
    public static final int SCHEDULES = 4000;
    /** Schedules per round: one exploration on one thread, one on two, and the control's two. */
    static final int SCHEDULES_PER_ROUND = 4 * SCHEDULES;

    private long seed;
    /** The control's second caller: a thread of its own, so that its exploration runs beside this thread's. */
    private ExecutorService secondCaller;

    /** Starts the control's second caller. */
    @Setup(Level.Trial)
    public void startSecondCaller() {
        secondCaller = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "row-8-second-caller");
            t.setDaemon(true);
            return t;
        });
    }

    /** Ends it. */
    @TearDown(Level.Trial)
    public void stopSecondCaller() {
        secondCaller.shutdownNow();
    }

    static int explore(long seed, int threads) {
        return Exploration.of(() -> Kernels.lostUpdate(ExplorationBench.CHECKPOINTS))
                .strategy(Strategy.random()).seed(seed).schedules(SCHEDULES).stopAtFirstFailure(false)
                .parallelism(threads).run().schedulesRun();
    }

    /**
     * One round: an exploration on one driver thread (the baseline), one on two
     * ({@code parallelism(2)}), and the control, two one-thread explorations at once from two
     * callers, each timed into {@code times}.
     *
     * @return the schedules run ({@link #SCHEDULES_PER_ROUND} when every exploration ran all of its own)
     */
    @Benchmark
    @OperationsPerInvocation(SCHEDULES_PER_ROUND)
    public int round(Times times) throws InterruptedException, ExecutionException {
        long t0 = System.nanoTime();
        int ran = explore(nextSeed(), 1);
        long t1 = System.nanoTime();
        ran += explore(nextSeed(), 2);
        long t2 = System.nanoTime();
        ran += twoIndependentExplorations();
        long t3 = System.nanoTime();
        times.add(t1 - t0, t2 - t1, t3 - t2);
        return ran;
    }

    /** @return the schedules the control's two explorations ran together */
    int twoIndependentExplorations() throws InterruptedException, ExecutionException {
        long other = nextSeed();
        Future<Integer> second = secondCaller.submit(() -> explore(other, 1));
        return explore(nextSeed(), 1) + second.get();
    }

    private long nextSeed() {
        long s = seed;
        seed += SCHEDULES;
        return s;
    }

    /**
     * The three kinds' wall times over one iteration (see {@link RoundTimes}), reported by JMH beside
     * the round's own figure as ns per schedule of each kind.
     */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Times extends RoundTimes {
        /** Three kinds: one thread, two threads, the control. */
        public Times() {
            super(3);
        }

        void add(long one, long two, long control) {
            add(SCHEDULES, one, two, control);
        }

        /** @return ns per schedule of {@code parallelism(1)}, the baseline */
        public double oneThread() {
            return perSchedule(0, 1);
        }

        /** @return ns per schedule of {@code parallelism(2)} */
        public double twoThreads() {
            return perSchedule(1, 1);
        }

        /** @return ns per schedule of the control's two explorations together (twice the schedules in their time) */
        public double twoIndependentExplorations() {
            return perSchedule(2, 2);
        }
    }
}
