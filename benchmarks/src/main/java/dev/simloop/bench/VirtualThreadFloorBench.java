package dev.simloop.bench;

import java.lang.reflect.Constructor;
import java.util.ArrayDeque;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Row 10's floor: the lost-update kernel's shape on bare JDK virtual threads, with no simloop code
 * at all. A root thread starts two workers and parks until both have ended; each worker does
 * {@value ExplorationBench#CHECKPOINTS} read–checkpoint–write rounds. The threads' scheduler is a
 * queue that the benchmark thread drains, one continuation at a time, as a simloop driver does.
 *
 * <p>It is what any design that gives each task a virtual thread of its own pays for one schedule
 * (architecture.md, decision 1): three thread lives (create, start, first mount, end) and one mount
 * per switch, with nothing recorded, checked or decided beyond a coin. Two switch rules:
 * <ul>
 *   <li>{@link #randomSwitches}: at a checkpoint with the other worker ready, switch with the
 *       chance that simloop's {@code random} strategy gives (one in the number of ready tasks),
 *       from a {@link SplittableRandom} made per schedule as a strategy's is;</li>
 *   <li>{@link #noSwitches}: a checkpoint never switches, so each worker runs to its end (the shape
 *       of {@code nonpreemptive}, and nearly that of {@code pct(3)}).</li>
 * </ul>
 * Threads start with the JDK's thread tracking off ({@code -Djdk.trackAllThreads=false}, prepended
 * to the fork's flags), as simloop's own thread container avoids it: the floor is the cheapest way
 * the JDK offers, not the default one. {@link #mountsPerSchedule} counts the mounts of each rule.
 *
 * <p>Two more floors on the same kind of scheduler: row 8's ({@link #twoCarriersRound},
 * the kernel on two spaced carrier threads at once) and U5's ({@link #spawnJoin}, spawn + join of an empty
 * child).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(jvmArgsPrepend = "-Djdk.trackAllThreads=false")
public class VirtualThreadFloorBench {
    private final Kernel random = new Kernel(true);
    private final Kernel straight = new Kernel(false);
    private final SpawnJoin spawnJoin = new SpawnJoin();
    private long seed;

    /** The kernel with random's switches; returns the sum of the final counters. */
    @Benchmark
    @OperationsPerInvocation(ExplorationBench.RUNS)
    public long randomSwitches() {
        return runs(random, ExplorationBench.RUNS);
    }

    /**
     * Row 8's floor, measured interleaved as row 8 itself is ({@link ParallelExplorationBench}):
     * each round runs {@link #randomSwitches}' kernel on one spaced carrier thread, then on two at
     * once, each carrier with its own kernel and scheduler, as two independent explorations would
     * run it; the carriers are started between spacer threads, as simloop's drivers are
     * ({@link SpacedCarriers} says why). {@link CarrierTimes} reports ns per schedule of each: of
     * the two together for two carriers, so the one-carrier figure over it is what two cores give
     * bare virtual threads for this kernel, the most row 8's {@code parallelism(2)} could expect from
     * the JDK's threads alone.
     *
     * @return the sum of the final counters of both rounds' schedules
     */
    @Benchmark
    @OperationsPerInvocation(3 * CARRIER_RUNS)
    public long twoCarriersRound(TwoCarriers two, CarrierTimes times) {
        long t0 = System.nanoTime();
        long sum = two.carriers.runOnFirst(1, CARRIER_RUNS);
        long t1 = System.nanoTime();
        sum += two.carriers.runEach(CARRIER_RUNS);
        times.add(t1 - t0, System.nanoTime() - t1);
        return sum;
    }

    /**
     * Schedules per carrier in each half of {@link #twoCarriersRound}: enough (3 to 4 ms) that waking
     * the carriers for a half and hearing they are done, tens of microseconds, adds a few ns per
     * schedule (with 200, it added about 250 ns to the one-carrier figure and half that to the other).
     */
    static final int CARRIER_RUNS = 10 * ExplorationBench.RUNS;

    /**
     * The wall times of {@link #twoCarriersRound}'s two halves over one iteration, reported by JMH as
     * ns per schedule of each (see {@link RoundTimes}).
     */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class CarrierTimes extends RoundTimes {
        /** Two kinds: one carrier, two carriers. */
        public CarrierTimes() {
            super(2);
        }

        void add(long one, long two) {
            add(CARRIER_RUNS, one, two);
        }

        /** @return ns per schedule of the kernel on one spaced carrier */
        public double randomSwitchesOnOneCarrier() {
            return perSchedule(0, 1);
        }

        /** @return ns per schedule of the kernel on two spaced carriers at once, of the two together */
        public double randomSwitchesOnTwoThreads() {
            return perSchedule(1, 2);
        }
    }

    /** The two carriers of {@link #twoCarriersRound}, started once per trial. */
    @State(Scope.Benchmark)
    public static class TwoCarriers {
        SpacedCarriers carriers;

        /** Starts the carriers and their spacers. */
        @Setup
        public void start() {
            carriers = SpacedCarriers.start(2);
        }

        /** Ends them. */
        @TearDown
        public void stop() {
            carriers.stop();
        }
    }

    /** The kernel without switches: three thread lives and the root's one park. */
    @Benchmark
    @OperationsPerInvocation(ExplorationBench.RUNS)
    public long noSwitches() {
        return runs(straight, ExplorationBench.RUNS);
    }

    /**
     * U5's floor: spawn + join of one empty child on bare virtual threads, as
     * {@code SpawnJoinBench.simulatedOneGroup} spawns and joins in simloop: a parent thread starts a
     * child and parks until the child, as it ends, has unparked it; {@value SpawnJoinBench#CHILDREN}
     * children per parent, ns per child. Per child: one thread life (create, start, first mount,
     * end), the parent's park and its resume, on one carrier as on a simloop driver.
     */
    @Benchmark
    @OperationsPerInvocation(SpawnJoinBench.CHILDREN)
    public int spawnJoin() {
        return spawnJoin.run(SpawnJoinBench.CHILDREN);
    }

    private long runs(Kernel k, int runs) {
        long sum = 0;
        for (int i = 0; i < runs; i++) {
            sum += k.run(seed++);
        }
        return sum;
    }

    /**
     * @param switching the random rule, or none
     * @param runs how many schedules to average over
     * @return the mounts (continuation runs) per schedule of that rule
     */
    static double mountsPerSchedule(boolean switching, int runs) {
        Kernel k = new Kernel(switching);
        for (int i = 0; i < runs; i++) {
            k.run(i);
        }
        return k.mounts / (double) runs;
    }

    /**
     * One kernel at a time on virtual threads whose scheduler is {@link #ready}; the thread that
     * calls {@link #run} is their carrier. Fields are plain where only the carrier's one running
     * thread touches them; {@link #workersLeft} is volatile because the root re-reads it after each
     * park.
     */
    static final class Kernel {
        private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
        private final Thread.Builder.OfVirtual threads;
        private final boolean switching;
        private final Runnable rootBody = this::root;
        private final Runnable workerBody = this::worker;
        private SplittableRandom coin;
        private int counter;
        private volatile int workersLeft;
        private Thread root;
        long mounts;

        Kernel(boolean switching) {
            this.switching = switching;
            this.threads = builderOn(ready::add);
        }

        /** @return the final counter of one schedule (2 x CHECKPOINTS when no update was lost) */
        int run(long seed) {
            coin = switching ? new SplittableRandom(seed) : null;
            counter = 0;
            root = threads.unstarted(rootBody);
            root.start();
            mounts += drain(ready);
            return counter;
        }

        private void root() {
            workersLeft = 2;
            threads.unstarted(workerBody).start();
            threads.unstarted(workerBody).start();
            while (workersLeft > 0) {
                LockSupport.park();
            }
        }

        private void worker() {
            for (int i = 0; i < ExplorationBench.CHECKPOINTS; i++) {
                int v = counter;
                checkpoint();
                counter = v + 1;
            }
            if (--workersLeft == 0) { // one carrier: no other worker runs between the read and the write
                LockSupport.unpark(root);
            }
        }

        /** Switches to the other ready worker with the chance random gives it (it or the caller). */
        private void checkpoint() {
            if (switching && !ready.isEmpty() && coin.nextInt(ready.size() + 1) != 0) {
                Thread.yield();
            }
        }
    }

    /**
     * Spawn + join on bare virtual threads whose scheduler is {@link #ready}, drained by the thread
     * that calls {@link #run}. {@link #childDone} is volatile because the parent re-reads it after
     * each park.
     */
    static final class SpawnJoin {
        private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
        private final Thread.Builder.OfVirtual threads = builderOn(ready::add);
        private final Runnable childBody = this::child;
        private Thread parent;
        private volatile boolean childDone;
        private int joined;
        long mounts;

        /** @return how many children the parent joined ({@code children}, when each ran) */
        int run(int children) {
            joined = 0;
            parent = threads.unstarted(() -> parent(children));
            parent.start();
            mounts += drain(ready);
            return joined;
        }

        private void parent(int children) {
            for (int i = 0; i < children; i++) {
                childDone = false;
                threads.unstarted(childBody).start();
                while (!childDone) {
                    LockSupport.park();
                }
                joined++;
            }
        }

        private void child() {
            childDone = true;
            LockSupport.unpark(parent);
        }
    }

    /**
     * Runs what {@code ready} holds, and what running it adds, until it is empty: the carrier's side
     * of a one-thread scheduler, as a simloop driver runs its tasks' continuations.
     *
     * @return how many continuations ran (mounts)
     */
    static long drain(ArrayDeque<Runnable> ready) {
        long mounts = 0;
        for (Runnable r; (r = ready.poll()) != null; ) {
            mounts++;
            r.run();
        }
        return mounts;
    }

    /** @return a virtual-thread builder whose threads' scheduler is {@code scheduler} (the JDK's own builder, by reflection) */
    static Thread.Builder.OfVirtual builderOn(Executor scheduler) {
        try {
            Class<?> c = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            Constructor<?> k = c.getDeclaredConstructor(Executor.class);
            k.setAccessible(true); // needs --add-opens java.base/java.lang, as simloop itself does
            return (Thread.Builder.OfVirtual) k.newInstance(scheduler);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("VirtualThreadFloorBench needs the JDK's virtual-thread builder with a"
                    + " scheduler (java.lang.ThreadBuilders$VirtualThreadBuilder(Executor)) and"
                    + " --add-opens java.base/java.lang=ALL-UNNAMED: " + e, e);
        }
    }
}
