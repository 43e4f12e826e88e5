package dev.simloop;

import dev.simloop.internal.Drivers;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Runs one program under many schedules to find an interleaving that fails.
 *
 * <pre>{@code
 * Exploration.Report<Integer> report = Exploration.of(() -> transfer())
 *         .strategy(Strategy.pct(3))
 *         .schedules(10_000)
 *         .run();
 * report.firstFailure().ifPresent(r -> System.out.println("replay with " + r.schedule()));
 * }</pre>
 *
 * <p>Schedule {@code i} (counting from 0) runs with seed {@code seed + i}, so any of them is also
 * {@code Simulation.builder().seed(seed + i).strategy(strategy).run(main)}, and its replay line
 * reproduces it exactly. All schedules of one exploration run on one driver thread, one after the
 * other, so a schedule costs only its own steps. With {@code Strategy.pct(d)} (no expected choice
 * count given), the number of choice points PCT spreads its change points over is learned: each
 * schedule uses the largest count seen in the schedules before it.
 *
 * <p>{@link #exhaustive(int)} searches systematically instead: every schedule with at most a given
 * number of preemptions, fewest first, so a search that ends without a failure has shown that none
 * of those schedules fails.
 *
 * @param <T> the program's value type
 */
public final class Exploration<T> {
    private final ThrowingSupplier<T> main;
    private Strategy strategy = Strategy.random();
    private long seed;
    private int schedules = 1000;
    private long maxSteps = Simulation.DEFAULT_MAX_STEPS;
    private Duration maxVirtualTime = Simulation.DEFAULT_MAX_VIRTUAL_TIME;
    private PriorityPolicy priorityPolicy;
    private boolean stopAtFirstFailure = true;
    private boolean checkLeaks = true;
    /** The preemption bound of a systematic search ({@link #exhaustive}), or -1 to sample with the strategy. */
    private int maxPreemptions = -1;

    private Exploration(ThrowingSupplier<T> main) {
        this.main = main;
    }

    /**
     * @param main the program: the root task's body of every schedule; it must not keep state
     *     between runs (build fresh objects inside it)
     * @param <T> its value type
     * @return an exploration with the defaults: {@link Strategy#random()}, seed 0, 1,000 schedules
     */
    public static <T> Exploration<T> of(ThrowingSupplier<T> main) {
        return new Exploration<>(Objects.requireNonNull(main, "Exploration.of: main"));
    }

    /**
     * Samples schedules with a strategy (the default way).
     *
     * @param s the strategy of every schedule; default {@link Strategy#random()}
     * @return this exploration, sampling with {@code s} (instead of an {@link #exhaustive} search)
     */
    public Exploration<T> strategy(Strategy s) {
        this.strategy = Objects.requireNonNull(s, "Exploration.strategy: strategy");
        this.maxPreemptions = -1;
        return this;
    }

    /**
     * Runs every schedule with at most {@code maxPreemptions} preemptions instead of sampling:
     * first the FIFO schedule, then every schedule with one choice away from FIFO order, then every
     * one with two, and so on (iterative preemption bounding, after CHESS). A preemption is a
     * recorded choice other than the FIFO head ({@link Schedule#preemptions()}), including the order
     * of tied timers. The first failure found has as few as any failing schedule within the bound;
     * a bug that needs one task to get many steps ahead of FIFO order needs as many preemptions, so
     * sample such programs with a strategy. {@link Report#exhausted()} says whether the
     * search got through every such schedule (it stops at the first failure by default, and at
     * {@link #schedules(int)} runs). Every run uses the same {@link #seed}, which then only seeds
     * {@link Loop#random()}; the failing run's replay line names strategy {@code fifo} and holds its
     * choices. {@link BoundedSearch} is the search itself, for driving runs yourself.
     *
     * @param maxPreemptions the bound; 0 runs the FIFO schedule only
     * @return this exploration, searching (instead of sampling with a {@link #strategy})
     * @throws IllegalArgumentException when {@code maxPreemptions} is negative
     */
    public Exploration<T> exhaustive(int maxPreemptions) {
        if (maxPreemptions < 0) {
            throw new IllegalArgumentException("Exploration.exhaustive: maxPreemptions must not be negative, but was "
                    + maxPreemptions);
        }
        this.maxPreemptions = maxPreemptions;
        return this;
    }

    /** @param seed the seed of schedule 0; schedule i uses {@code seed + i}; default 0 */
    public Exploration<T> seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** @param n how many schedules to run at most; at least 1; default 1,000 */
    public Exploration<T> schedules(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("Exploration.schedules: must be at least 1, but was " + n);
        }
        this.schedules = n;
        return this;
    }

    /** @param steps the step limit of each schedule (see {@link Simulation.Builder#maxSteps}) */
    public Exploration<T> maxSteps(long steps) {
        if (steps <= 0) {
            throw new IllegalArgumentException("Exploration.maxSteps: must be positive, but was " + steps);
        }
        this.maxSteps = steps;
        return this;
    }

    /** @param d the virtual-time limit of each schedule (see {@link Simulation.Builder#maxVirtualTime}) */
    public Exploration<T> maxVirtualTime(Duration d) {
        Objects.requireNonNull(d, "Exploration.maxVirtualTime: d");
        if (d.isNegative()) {
            throw new IllegalArgumentException("Exploration.maxVirtualTime: must not be negative, but was " + d);
        }
        this.maxVirtualTime = d;
        return this;
    }

    /** @param policy run every schedule under this priority policy; null (default) for none */
    public Exploration<T> priorityPolicy(PriorityPolicy policy) {
        this.priorityPolicy = policy;
        return this;
    }

    /**
     * Runs every schedule with or without the leak check (see {@link Simulation.Builder#checkLeaks}):
     * with it (the default), a schedule in which a task finished still holding a lock fails with
     * {@link LeakDetected}.
     *
     * @param on whether to check
     * @return this exploration
     */
    public Exploration<T> checkLeaks(boolean on) {
        this.checkLeaks = on;
        return this;
    }

    /** @param stop whether to stop at the first failing schedule (default) or run them all and count */
    public Exploration<T> stopAtFirstFailure(boolean stop) {
        this.stopAtFirstFailure = stop;
        return this;
    }

    /**
     * Runs the schedules.
     *
     * @return what was found, with statistics
     */
    public Report<T> run() {
        return Drivers.call(this::runAll, caller -> { });
    }

    private Report<T> runAll() {
        Tally tally = new Tally();
        boolean exhausted = maxPreemptions >= 0 ? search(tally) : sample(tally);
        return tally.report(exhausted, maxPreemptions >= 0 ? "exhaustive(" + maxPreemptions + ")" : strategy.toString());
    }

    /** Schedule i with seed {@code seed + i} and the strategy; never "exhausted". */
    private boolean sample(Tally tally) {
        int learnedChoices = 0;
        for (int i = 0; i < schedules; i++) {
            Strategy s = strategy.learnsChoices() && learnedChoices > 0
                    ? Strategy.pct(strategy.pctDepth(), learnedChoices) : strategy;
            SimResult<T> r = limits(Simulation.builder().seed(seed + i).strategy(s)).run(main);
            if (strategy.learnsChoices()) {
                learnedChoices = Math.max(learnedChoices, Simulation.choiceCount(r));
            }
            if (tally.stopAfter(r) || Thread.currentThread().isInterrupted()) {
                break;
            }
        }
        return false;
    }

    /** @return whether every schedule within the bound ran ({@link BoundedSearch}) */
    private boolean search(Tally tally) {
        BoundedSearch search = BoundedSearch.upTo(maxPreemptions);
        while (search.hasNext()) {
            if (tally.run == schedules || Thread.currentThread().isInterrupted()) {
                return false;
            }
            SimResult<T> r = limits(search.next(seed)).run(main);
            search.ran(r);
            if (tally.stopAfter(r)) {
                return false;
            }
        }
        return true;
    }

    private Simulation.Builder limits(Simulation.Builder b) {
        return b.maxSteps(maxSteps).maxVirtualTime(maxVirtualTime).priorityPolicy(priorityPolicy).checkLeaks(checkLeaks);
    }

    /** What the runs of one exploration found. */
    private final class Tally {
        private final long start = System.nanoTime();
        private final Set<Long> digests = new HashSet<>();
        private SimResult<T> first;
        private int firstIndex = -1;
        private int run;
        private int failing;

        /** Counts a finished run; true when the exploration should stop (a failure, and stopping at the first). */
        boolean stopAfter(SimResult<T> r) {
            int index = run++;
            digests.add(Simulation.rawDigest(r));
            if (!r.failed()) {
                return false;
            }
            failing++;
            if (first == null) {
                first = traced(r);
                firstIndex = index;
            }
            return stopAtFirstFailure;
        }

        /**
         * Replays a failing schedule twice with tracing on, for the report: the replay is exact, and
         * the determinism check makes sure the printed line really reproduces it (when it does not,
         * the report's failure says at which step the runs parted).
         */
        private SimResult<T> traced(SimResult<T> r) {
            SimResult<T> traced = limits(Simulation.builder().replay(r.schedule())).trace(true).checkDeterminism(true)
                    .run(main);
            boolean same = Simulation.rawDigest(traced) == Simulation.rawDigest(r);
            return same || traced.failure() instanceof NondeterminismDetected ? traced : r;
        }

        Report<T> report(boolean exhausted, String searched) {
            return new Report<>(first, firstIndex, run, failing, digests.size(),
                    Duration.ofNanos(System.nanoTime() - start), searched, exhausted);
        }
    }

    /**
     * The outcome of an exploration.
     *
     * @param <T> the program's value type
     */
    public static final class Report<T> {
        private final SimResult<T> firstFailure;
        private final int firstFailureIndex;
        private final int schedulesRun;
        private final int failingSchedules;
        private final int distinctDigests;
        private final Duration wallTime;
        private final String searched;
        private final boolean exhausted;

        Report(SimResult<T> firstFailure, int firstFailureIndex, int schedulesRun, int failingSchedules,
                int distinctDigests, Duration wallTime, String searched, boolean exhausted) {
            this.firstFailure = firstFailure;
            this.firstFailureIndex = firstFailureIndex;
            this.schedulesRun = schedulesRun;
            this.failingSchedules = failingSchedules;
            this.distinctDigests = distinctDigests;
            this.wallTime = wallTime;
            this.searched = searched;
            this.exhausted = exhausted;
        }

        /**
         * @return whether an {@link Exploration#exhaustive} search ran every schedule within its
         *     preemption bound (so, with no failure, none of them fails); always false when sampling
         *     with a strategy
         */
        public boolean exhausted() {
            return exhausted;
        }

        /**
         * @return the first failing schedule's result, traced ({@link SimResult#traceTable}); its
         *     {@code schedule()} replays it. The failing schedule is replayed twice under
         *     {@link Simulation.Builder#checkDeterminism}: when the two replays differ, this result's
         *     failure is that {@link NondeterminismDetected} (the schedule's own failure suppressed)
         */
        public Optional<SimResult<T>> firstFailure() {
            return Optional.ofNullable(firstFailure);
        }

        /** @return the index (from 0) of the first failing schedule, or -1 */
        public int firstFailureIndex() {
            return firstFailureIndex;
        }

        /** @return how many schedules ran */
        public int schedulesRun() {
            return schedulesRun;
        }

        /** @return how many of them failed (1 at most when stopping at the first failure) */
        public int failingSchedules() {
            return failingSchedules;
        }

        /** @return how many different trace digests were seen: distinct interleavings explored */
        public int distinctDigests() {
            return distinctDigests;
        }

        /** @return the wall time the exploration took */
        public Duration wallTime() {
            return wallTime;
        }

        /** @return schedules run per second of wall time */
        public double schedulesPerSecond() {
            double s = wallTime.toNanos() / 1e9;
            return s == 0 ? 0 : schedulesRun / s;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s: %d schedules (%d distinct)%s, %d failing, %.0f schedules/s%s",
                    searched, schedulesRun, distinctDigests, exhausted ? ", all within the bound" : "",
                    failingSchedules, schedulesPerSecond(),
                    firstFailure == null ? "" : "; first failure at schedule " + firstFailureIndex + ": "
                            + firstFailure.failure() + "; replay " + firstFailure.schedule());
        }
    }
}
