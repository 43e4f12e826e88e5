package dev.simloop;

import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Runs one program under many schedules to find an interleaving that fails.
 *
 * <pre>{@code
 * Exploration.Report<Integer> report = Exploration.of(() -> transfer())
 *         .strategy(Strategy.pct(3))
 *         .schedules(10_000)
 *         .run();
 * report.firstFailure().ifPresent(r -> System.out.println("replay with " + r.replayLine()));
 * }</pre>
 *
 * <p>Schedule {@code i} (counting from 0) runs with seed {@code seed + i}, so any of them is also
 * {@code Simulation.builder().seed(seed + i).strategy(strategy).run(main)}, and its replay line
 * reproduces it exactly. The schedules run on a driver thread, one after the other, so a schedule
 * costs only its own steps; {@link #parallelism} runs several at once and reports the same, and
 * {@link #shard} runs one part of them, to split an exploration across JVMs or machines. With
 * {@code Strategy.pct(d)} (no expected choice count given), the number of choice points PCT spreads
 * its change points over is learned from the first {@value Explorer#LEARNING_SCHEDULES} schedules:
 * each of them uses the largest count seen in the ones before it, and every later schedule the
 * largest count of all of them. Only runs that ended normally or with a failure searched for
 * ({@link #failWhen}) count: a schedule stopped by a limit ({@link LimitExceeded}) teaches nothing,
 * since its length is the limit's, not the program's.
 *
 * <p>{@link #exhaustive(int)} searches systematically instead: every schedule with at most a given
 * number of departures from FIFO order, fewest first, so a search that ends without a failure has
 * shown that none of those schedules fails ({@link #preemptionBounded(int)} and
 * {@link #delayBounded(int)} bound preemptions and delays the same way).
 *
 * <p>An exploration stops at the first failure (see {@link #stopAtFirstFailure} and
 * {@link #failWhen}), after {@link #schedules} runs, when a search is exhausted, when its
 * {@link #timeLimit} has passed, or when the thread that called {@link #run()} is interrupted;
 * {@link Report#stopReason()} says which.
 *
 * @param <T> the program's value type
 */
public final class Exploration<T> {
    // Package-private: the Explorer that runs the exploration reads them.
    final ThrowingSupplier<T> main;
    /** The strategy asked for, or null for the default: {@link Strategy#portfolio()}, or random for one schedule. */
    Strategy strategy;
    long seed;
    int schedules = 1000;
    long maxSteps = Simulation.DEFAULT_MAX_STEPS;
    Duration maxVirtualTime = Simulation.DEFAULT_MAX_VIRTUAL_TIME;
    Duration maxStepWallTime = Simulation.DEFAULT_MAX_STEP_WALL_TIME;
    PriorityPolicy priorityPolicy;
    boolean stopAtFirstFailure = true;
    boolean checkLeaks = true;
    /** Makes the systematic search to run for a shard ({@link #exhaustive}, {@link #preemptionBounded}...), or null to sample. */
    java.util.function.Function<Shard, BoundedSearch> searchKind;
    /** The shrinking budget: runs (0: no shrinking) and wall time. */
    int shrinkReplays = Shrinker.DEFAULT_REPLAYS;
    Duration shrinkTime = Shrinker.DEFAULT_TIME;
    /** The wall-clock budget of the whole exploration, or null for none. */
    Duration timeLimit;
    /** Which failures count as failures; the others are tallied by type and the search goes on. */
    Predicate<? super Throwable> failWhen = failure -> true;
    /** How many driver threads run schedules at once. */
    int parallelism = 1;
    /** The part of the exploration to run, or null for {@link Shard#fromEnvironment()}'s. */
    Shard shard;

    private Exploration(ThrowingSupplier<T> main) {
        this.main = main;
    }

    /**
     * @param main the program: the root task's body of every schedule; it must not keep state
     *     between runs (build fresh objects inside it)
     * @param <T> its value type
     * @return an exploration with the defaults: {@link Strategy#portfolio()} ({@link Strategy#random()}
     *     when only one schedule is asked for), seed 0, 1,000 schedules
     */
    public static <T> Exploration<T> of(ThrowingSupplier<T> main) {
        return new Exploration<>(Objects.requireNonNull(main, "Exploration.of: main"));
    }

    /**
     * Samples schedules with a strategy (the default way).
     *
     * @param s the strategy of every schedule; default {@link Strategy#portfolio()}, or
     *     {@link Strategy#random()} when {@link #schedules(int) schedules(1)} asks for one
     * @return this exploration, sampling with {@code s} (instead of an {@link #exhaustive} search)
     */
    public Exploration<T> strategy(Strategy s) {
        this.strategy = Objects.requireNonNull(s, "Exploration.strategy: strategy");
        this.searchKind = null;
        return this;
    }

    /** @return the strategy to sample with: the one set, or the default for the number of schedules */
    Strategy strategy() {
        return strategy != null ? strategy : schedules > 1 ? Strategy.portfolio() : Strategy.random();
    }

    /**
     * Runs every schedule with at most {@code maxPreemptions} preemptions as CHESS counts them
     * ({@link SimResult#preemptions()}: switches away from a task that could have gone on), fewest
     * first, instead of sampling: iterative preemption bounding (Musuvathi and Qadeer, PLDI 2007).
     * Bound 0 runs every schedule without preemptions (choices after a task blocked or ended are
     * free); each level adds one. The first failure found has as few preemptions as any failing
     * schedule (in a {@link #shard}, as any of its part's; a shard's failure is shrunk), and
     * {@link Report#exhausted()} says the search got through every schedule within the bound (so,
     * without a failure, none of them fails). Every run uses the same {@link #seed};
     * the failing run's replay line names strategy {@code nonpreemptive} and holds its choices.
     * Tasks that wait by looping on {@link Loop#checkpoint()} livelock the schedules without
     * preemptions (see {@link Strategy#nonPreemptive()}). {@link BoundedSearch#preemptions} is the
     * search itself, for driving runs yourself.
     *
     * @param maxPreemptions the bound; at least 0
     * @return this exploration, searching (instead of sampling with a {@link #strategy})
     * @throws IllegalArgumentException when {@code maxPreemptions} is negative
     */
    public Exploration<T> preemptionBounded(int maxPreemptions) {
        checkBound(maxPreemptions, "Exploration.preemptionBounded: maxPreemptions");
        this.searchKind = shard -> BoundedSearch.preemptions(maxPreemptions, shard);
        return this;
    }

    /**
     * Runs every schedule at most {@code maxDelays} delays away from the non-preemptive schedule,
     * fewest first, instead of sampling: iterative delay bounding (Emmi, Qadeer and Rakamarić, POPL
     * 2011). A choice that skips {@code j} tasks of the ready queue, counting cyclically from the
     * one the non-preemptive schedule runs, costs {@code j} delays, whether or not the task that ran
     * last could have gone on. Fewer schedules per bound than {@link #preemptionBounded}, so deeper
     * bounds stay affordable. {@link Report#exhausted()} says the bound was covered.
     * {@link BoundedSearch#delays} is the search itself.
     *
     * @param maxDelays the bound; at least 0
     * @return this exploration, searching (instead of sampling with a {@link #strategy})
     * @throws IllegalArgumentException when {@code maxDelays} is negative
     */
    public Exploration<T> delayBounded(int maxDelays) {
        checkBound(maxDelays, "Exploration.delayBounded: maxDelays");
        this.searchKind = shard -> BoundedSearch.delays(maxDelays, shard);
        return this;
    }

    private static void checkBound(int bound, String what) {
        if (bound < 0) {
            throw new IllegalArgumentException(what + " must not be negative, but was " + bound);
        }
    }

    /**
     * Runs every schedule with at most {@code maxDepartures} departures from FIFO order instead
     * of sampling: first the FIFO schedule, then every schedule with one choice away from FIFO
     * order, then every one with two, and so on. A departure is a recorded choice other than the
     * FIFO head ({@link Schedule#departures()}), including the order of tied timers; it is not a
     * preemption as CHESS counts them ({@link #preemptionBounded} bounds those). Round-robin FIFO is
     * the production order, so this search covers the few reorderings of it first; a bug that
     * needs one task to get many steps ahead of FIFO order needs as many departures, so search such
     * programs with {@link #preemptionBounded} or sample them with a strategy.
     * {@link Report#exhausted()} says whether the search got through every such schedule (it stops
     * at the first failure by default, and at {@link #schedules(int)} runs). Every run uses the same
     * {@link #seed}, which then only seeds {@link Loop#random()}; the failing run's replay line names
     * strategy {@code fifo} and holds its choices. {@link BoundedSearch} is the search itself, for
     * driving runs yourself.
     *
     * @param maxDepartures the bound on departures; 0 runs the FIFO schedule only
     * @return this exploration, searching (instead of sampling with a {@link #strategy})
     * @throws IllegalArgumentException when {@code maxDepartures} is negative
     */
    public Exploration<T> exhaustive(int maxDepartures) {
        if (maxDepartures < 0) {
            throw new IllegalArgumentException("Exploration.exhaustive: maxDepartures must not be negative, but was "
                    + maxDepartures);
        }
        this.searchKind = shard -> BoundedSearch.upTo(maxDepartures, shard);
        return this;
    }

    /**
     * @param d the no-silent-hang guard of each schedule (see {@link Simulation.Builder#maxStepWallTime});
     *     a schedule whose task runs away ends the exploration with it as the failure found
     * @return this exploration
     */
    public Exploration<T> maxStepWallTime(Duration d) {
        this.maxStepWallTime = Simulation.positive(d, "Exploration.maxStepWallTime");
        return this;
    }

    /**
     * @param seed the seed of schedule 0; schedule i uses {@code seed + i}; default 0
     * @return this exploration
     */
    public Exploration<T> seed(long seed) {
        this.seed = seed;
        return this;
    }

    /**
     * @param n how many schedules to run at most; at least 1; default 1,000
     * @return this exploration
     */
    public Exploration<T> schedules(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("Exploration.schedules: must be at least 1, but was " + n);
        }
        this.schedules = n;
        return this;
    }

    /**
     * @param steps the step limit of each schedule (see {@link Simulation.Builder#maxSteps})
     * @return this exploration
     */
    public Exploration<T> maxSteps(long steps) {
        if (steps <= 0) {
            throw new IllegalArgumentException("Exploration.maxSteps: must be positive, but was " + steps);
        }
        this.maxSteps = steps;
        return this;
    }

    /**
     * @param d the virtual-time limit of each schedule (see {@link Simulation.Builder#maxVirtualTime})
     * @return this exploration
     */
    public Exploration<T> maxVirtualTime(Duration d) {
        this.maxVirtualTime = Simulation.virtualTimeLimit(d, "Exploration.maxVirtualTime");
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
     * Gives the whole exploration a wall-clock budget. It is checked between schedules: a schedule
     * that is running when the budget runs out finishes first (its own {@link #maxSteps} and
     * {@link #maxVirtualTime} bound it), so at least one schedule runs, and the exploration may
     * overrun the budget by one schedule. After it come the shrinking of the first failure (within
     * its own {@link #shrinkBudget}, 2 seconds by default) and the traced replay of the failure
     * reported, when a failure was found. An exploration the limit stops reports
     * {@link StopReason#TIME_LIMIT}.
     * Default: no limit. It needs {@link #schedules} above 1, as the cap, or a bounded search: on one
     * schedule, which runs whole anyway, {@link #run()} fails, as the limit would stop nothing.
     *
     * @param limit the budget; positive
     * @return this exploration
     * @throws NullPointerException when {@code limit} is null (leave the limit unset for none)
     * @throws IllegalArgumentException when {@code limit} is zero or negative
     */
    public Exploration<T> timeLimit(Duration limit) {
        Objects.requireNonNull(limit, "Exploration.timeLimit: limit");
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("Exploration.timeLimit: must be positive, but was " + limit
                    + "; to explore without a time limit, do not set one");
        }
        this.timeLimit = limit;
        return this;
    }

    /**
     * Says which failures are the ones searched for. A failing schedule whose failure
     * ({@link SimResult#failure()}: the program's own exception, unchecked ones unwrapped, or a
     * {@link DeadlockDetected}, {@link LimitExceeded}, {@link LeakDetected}...) matches is a failure
     * as without this setting: it is counted in {@link Report#failingSchedules()}, the first one is
     * {@link Report#firstFailure()}, and it stops the exploration unless
     * {@link #stopAtFirstFailure(boolean) stopAtFirstFailure(false)}. A failure that does not match
     * is counted by its exception type in {@link Report#otherFailures()} and the search goes on.
     * Shrinking ({@link #shrinkBudget}) keeps to failures it matches, so the shrunk failure is one.
     * Default: every failure matches.
     *
     * <pre>{@code
     * Exploration.of(() -> transfer()).failWhen(e -> e instanceof AssertionError).run();
     * }</pre>
     *
     * @param matches true for the failures to stop at; it runs on the exploration's driver thread,
     *     once per failing schedule (under PCT, also on failing schedules among the first that other
     *     shards own, which this shard learns its choice count from), and what it throws ends the
     *     exploration, with the failure it judged attached as suppressed (its cause) and that
     *     schedule's replay line in the attachment's message; shrinking asks it again, on the calling
     *     thread, about each run it tries that fails the same way, and takes a throw there for a match
     * @return this exploration
     * @throws NullPointerException when {@code matches} is null (leave it unset for every failure)
     */
    public Exploration<T> failWhen(Predicate<? super Throwable> matches) {
        this.failWhen = Objects.requireNonNull(matches, "Exploration.failWhen: matches");
        return this;
    }

    /**
     * Sets the budget of shrinking. When the exploration finds a failure, it looks for a schedule
     * that fails the same way (the same exception class, the same message but for its numbers) with
     * fewer preemptions ({@link SimResult#preemptions()}): it cuts the failing run short before one
     * of its preemptions, drops preemptions anywhere in it, then searches every schedule with fewer
     * preemptions, fewest first ({@link #preemptionBounded}); the fewest found is
     * {@link Report#shrunkFailure()}, validated by a traced replay of its line (exploring.md,
     * "Shrinking a failure"). Shrinking stops
     * when either budget is spent; the count of runs is checked first, so a budget of runs that
     * ends the shrinking before the time does gives the same result on every machine. Default:
     * 2,000 runs or 2 seconds.
     *
     * @param maxRuns the most runs shrinking may take; 0 turns shrinking off
     * @param maxTime the most wall time shrinking may take; positive, or any duration not negative
     *     when {@code maxRuns} is 0
     * @return this exploration
     * @throws IllegalArgumentException when {@code maxRuns} is negative or {@code maxTime} not positive
     *     (negative, when {@code maxRuns} is 0)
     */
    public Exploration<T> shrinkBudget(int maxRuns, Duration maxTime) {
        if (maxRuns < 0) {
            throw new IllegalArgumentException("Exploration.shrinkBudget: maxRuns must not be negative, but was " + maxRuns
                    + "; 0 turns shrinking off");
        }
        java.util.Objects.requireNonNull(maxTime, "Exploration.shrinkBudget: maxTime");
        // shrinking off: shrinkBudget(0, Duration.ZERO) reads as meant
        this.shrinkTime = maxRuns == 0 && !maxTime.isNegative() ? maxTime
                : Simulation.positive(maxTime, "Exploration.shrinkBudget: maxTime");
        this.shrinkReplays = maxRuns;
        return this;
    }

    /**
     * Runs schedules on {@code n} driver threads at once. The report is the one a single thread
     * would make: results are taken in schedule order, so the first failure reported is the one
     * with the lowest schedule index, and the counts are those of the schedules up to it, whatever
     * {@code n} is and whichever thread finished first (only {@link Report#wallTime()} differs). A
     * bounded search hands out a schedule once the run it branches from has finished, so it runs
     * in parallel as its frontier allows. The program must then be safe to run in several
     * simulations at once: state it keeps outside the simulation (statics, files) is shared.
     *
     * @param n how many schedules to run at once; from 1 to 1,024; default 1. No more workers start
     *     than the exploration has schedules
     * @return this exploration
     * @throws IllegalArgumentException when {@code n} is below 1 or above 1,024
     */
    public Exploration<T> parallelism(int n) {
        if (n < 1 || n > dev.simloop.internal.OrderedRuns.MAX_WORKERS) {
            throw new IllegalArgumentException("Exploration.parallelism: must be from 1 to "
                    + dev.simloop.internal.OrderedRuns.MAX_WORKERS + ", but was " + n
                    + "; Runtime.getRuntime().availableProcessors() is a good choice");
        }
        this.parallelism = n;
        return this;
    }

    /**
     * Runs one part of the exploration, to split it across JVMs, CI jobs or machines: the schedules
     * {@code i} with {@code i % count == index} (a bounded search: subtrees, see
     * {@link BoundedSearch#upTo(int, Shard)}). Each keeps its index, seed and replay line, so a failure
     * found in one shard replays anywhere from its line, and the shards together run exactly the
     * schedules of the whole exploration, none twice. {@link #schedules} still counts the whole
     * exploration's schedules (a bounded search: each shard's). Default: the shard
     * {@link Shard#fromEnvironment()} reads ({@code -Dsimloop.shard=INDEX/COUNT}, 1-based, or a CI
     * system's variables), else all of it.
     *
     * @param index this shard, from 0
     * @param count how many shards
     * @return this exploration
     * @throws IllegalArgumentException unless {@code 0 <= index < count}
     */
    public Exploration<T> shard(int index, int count) {
        this.shard = Shard.of(index, count, "Exploration.shard");
        return this;
    }

    /**
     * Runs the schedules on driver threads ({@link #parallelism}, one by default) while the calling
     * thread waits. Interrupting the calling thread stops the exploration once the running schedules
     * have finished ({@link StopReason#INTERRUPTED}); {@code run()} then returns the report of the
     * schedules that ran, with the thread's interrupt status set again.
     *
     * @return what was found, with statistics and why the exploration stopped
     * @throws IllegalArgumentException when no shard was set and {@code -Dsimloop.shard} or a CI
     *     system's shard variables are malformed; and when a {@link #timeLimit} is set on a sampling
     *     exploration of {@code schedules(1)}, where it would stop nothing
     * @throws IllegalStateException when called from a task of a loop (a simulation's or a real one),
     *     and when a bounded search's schedule did not repeat the earlier run whose choices it follows
     *     (the program keeps state between runs), naming its index and replay line
     */
    public Report<T> run() {
        // here, on the caller's thread, as Simulation.run does: an exploration inside a task would hand
        // its schedules to drivers and wait outside the task's own loop
        dev.simloop.internal.Scheduler.requireCanSimulate("Exploration.run");
        if (timeLimit != null && schedules == 1 && searchKind == null) {
            // as @SimulatedLoop(timeLimit) on one schedule: an exploration asked to run for a time ran
            // one schedule and passed, however long the limit
            throw new IllegalArgumentException("Exploration.timeLimit(" + timeLimit + "): has no effect with"
                    + " schedules(1): it stops an exploration of many schedules once its time is up, and one schedule"
                    + " runs whole anyway; set schedules(n) too, as the cap (schedules(100_000_000) explores until the"
                    + " time is up), or leave the limit out");
        }
        return new Explorer<>(this).run();
    }

    Simulation.Builder limits(Simulation.Builder b) {
        return b.maxSteps(maxSteps).maxVirtualTime(maxVirtualTime).maxStepWallTime(maxStepWallTime)
                .priorityPolicy(priorityPolicy).checkLeaks(checkLeaks);
    }

    /** Why an exploration stopped ({@link Report#stopReason()}). */
    public enum StopReason {
        /**
         * It stopped at a failing schedule whose failure matched {@link Exploration#failWhen} (every
         * failure does by default), as {@link Exploration#stopAtFirstFailure} asks; it is
         * {@link Report#firstFailure()}.
         */
        FAILURE_FOUND,
        /** It ran the configured number of schedules ({@link Exploration#schedules}). */
        ALL_SCHEDULES_RUN,
        /**
         * A bounded search ({@link Exploration#exhaustive}, {@link Exploration#preemptionBounded},
         * {@link Exploration#delayBounded}) ran every schedule within its bound
         * ({@link Report#exhausted()}).
         */
        EXHAUSTED,
        /** Its {@link Exploration#timeLimit} ran out before the schedules did. */
        TIME_LIMIT,
        /** The thread that called {@link Exploration#run()} was interrupted. */
        INTERRUPTED,
        /**
         * A schedule's task ran past {@link Exploration#maxStepWallTime} without a checkpoint, and
         * {@link Exploration#failWhen} did not match its {@code LimitExceeded}, which is counted in
         * {@link Report#otherFailures()}: the exploration cannot go on, since the task's thread
         * cannot be taken back (when {@code failWhen} matches, it is {@link #FAILURE_FOUND}). Also
         * when the schedule is another {@link Exploration#shard shard}'s, which this one ran only to
         * learn from (PCT's choice count; a bounded search's first schedule): that shard counts and
         * reports it, and this one counts nothing of it.
         */
        RAN_AWAY
    }

    /**
     * The outcome of an exploration.
     *
     * @param <T> the program's value type
     */
    public static final class Report<T> {
        private final SimResult<T> firstFailure;
        private final SimResult<T> shrunkFailure;
        /** What the report says of the shrunk count of preemptions (not shown to be the fewest, or the fewest by a bounded search), or null. */
        private final String shrunkNote;
        private final int firstFailureIndex;
        private final int schedulesRun;
        private final int failingSchedules;
        private final Map<String, Integer> failingByType;
        private final Map<String, Integer> otherFailures;
        private final int distinctDigests;
        /** Whether {@link #distinctDigests} is exact (see {@link dev.simloop.internal.DistinctCount}). */
        private final boolean distinctExact;
        private final Duration wallTime;
        private final String searched;
        private final StopReason stopReason;
        private final Duration timeLimit;
        private final Shard shard;
        private final int parallelism;
        /** The index of another shard's schedule that ran away in this one ({@link StopReason#RAN_AWAY}), or -1. */
        private final int ranAwayElsewhere;

        Report(SimResult<T> firstFailure, SimResult<T> shrunkFailure, String shrunkNote, int firstFailureIndex, int schedulesRun, int failingSchedules,
                Map<String, Integer> failingByType, Map<String, Integer> otherFailures, int distinctDigests, boolean distinctExact, Duration wallTime, String searched,
                StopReason stopReason, Duration timeLimit, Shard shard, int parallelism, int ranAwayElsewhere) {
            this.firstFailure = firstFailure;
            this.shrunkFailure = shrunkFailure;
            this.shrunkNote = shrunkNote;
            this.firstFailureIndex = firstFailureIndex;
            this.schedulesRun = schedulesRun;
            this.failingSchedules = failingSchedules;
            this.failingByType = Collections.unmodifiableMap(new TreeMap<>(failingByType));
            this.otherFailures = Collections.unmodifiableMap(new TreeMap<>(otherFailures));
            this.distinctDigests = distinctDigests;
            this.distinctExact = distinctExact;
            this.wallTime = wallTime;
            this.searched = searched;
            this.stopReason = stopReason;
            this.timeLimit = timeLimit;
            this.shard = shard;
            this.parallelism = parallelism;
            this.ranAwayElsewhere = ranAwayElsewhere;
        }

        /** @return the part of the exploration that ran ({@link Shard#all()} when it was not split) */
        public Shard shard() {
            return shard;
        }

        /** @return how many schedules ran at once ({@link Exploration#parallelism}) */
        public int parallelism() {
            return parallelism;
        }

        /**
         * @return whether a bounded search ({@link Exploration#exhaustive},
         *     {@link Exploration#preemptionBounded}, {@link Exploration#delayBounded}) ran every
         *     schedule within its bound (so, with no failure, none of them fails): {@link #stopReason()} is
         *     {@link StopReason#EXHAUSTED}; always false when sampling with a strategy, and when the
         *     search stopped at a failure, even its last schedule's
         */
        public boolean exhausted() {
            return stopReason == StopReason.EXHAUSTED;
        }

        /** @return why the exploration stopped */
        public StopReason stopReason() {
            return stopReason;
        }

        /**
         * @return the first failing schedule's result, traced ({@link SimResult#traceTable}); its
         *     {@code schedule()} replays it. The failing schedule is replayed twice under
         *     {@link Simulation.Builder#checkDeterminism}: when a replay runs differently, this is the
         *     schedule's own result, untraced, failed with a {@link NondeterminismDetected} that says
         *     that its line does not reproduce the failure (the schedule's own failure and where the
         *     replay parted suppressed)
         */
        public Optional<SimResult<T>> firstFailure() {
            return Optional.ofNullable(firstFailure);
        }

        /**
         * @return the first failure shrunk: the run with the fewest preemptions
         *     ({@link SimResult#preemptions()}) that shrinking found failing the same way (the same
         *     exception class and message but for its numbers), traced and validated by a replay
         *     of its line; the first failure itself when none has fewer. Empty without a failure,
         *     with shrinking off ({@link Exploration#shrinkBudget}), when the failure did not
         *     reproduce ({@link NondeterminismDetected}), and when the calling thread was interrupted
         */
        public Optional<SimResult<T>> shrunkFailure() {
            return Optional.ofNullable(shrunkFailure);
        }

        /** @return the index (from 0) of the first failing schedule, or -1 */
        public int firstFailureIndex() {
            return firstFailureIndex;
        }

        /** @return how many schedules ran */
        public int schedulesRun() {
            return schedulesRun;
        }

        /**
         * @return how many of them failed with a failure that {@link Exploration#failWhen} matches
         *     (every failure by default); 1 at most when stopping at the first failure. The
         *     failures it did not match are in {@link #otherFailures()}, not here
         */
        public int failingSchedules() {
            return failingSchedules;
        }

        /**
         * @return the schedules that {@link #failingSchedules()} counts, by their failure's exception
         *     class ({@link Class#getName()}), sorted by that name: with
         *     {@link Exploration#stopAtFirstFailure stopAtFirstFailure(false)}, whether the search met
         *     more than one kind of bug, which {@link #firstFailure()} alone does not tell. Its values
         *     add up to {@link #failingSchedules()}. Unmodifiable
         */
        public Map<String, Integer> failingByType() {
            return failingByType;
        }

        /**
         * @return how many schedules failed with a failure that {@link Exploration#failWhen} did not
         *     match, by the failure's exception class ({@link Class#getName()}, such as
         *     {@code java.lang.IllegalStateException}), sorted by that name; empty without
         *     {@code failWhen}. Unmodifiable
         */
        public Map<String, Integer> otherFailures() {
            return otherFailures;
        }

        /**
         * @return how many different trace digests were seen: distinct interleavings explored. Exact
         *     below 262,144; from there on, an estimate typically within 1 % and rarely beyond 2 % (a
         *     soak run counts a hundred million in 16 KB), which {@link #toString()} prints as
         *     {@code about N distinct}
         */
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

        /**
         * @return what was searched, how many schedules ran and failed (by type when of more than
         *     one; and failed otherwise, by type), the rate, why the exploration stopped, and the first failure: its index (from 0),
         *     the shrunk failure's replay line and preemptions, its own, the builder calls a replay
         *     must add when a limit other than the default stopped the run, and last the failure
         *     itself, e.g. {@code random: 37 schedules (37 distinct), 1 failing, 90000 schedules/s;
         *     stopped at the first failure; first failure at schedule index 36; shrunk to 1 preemption:
         *     replay ...; as found, 3 preemptions; replay ...; failure: java.lang.AssertionError: ...}.
         *     All of it is on one line but the failure, whose message may span several (a deadlock's).
         *     Cut as {@link SimResult#value()}'s message is: the failure to its first 2,000 characters, and
         *     a replay line of more than 1,000,000 characters (a run of some 750,000 choices) to its first
         *     100 and its length, which {@link #shrunkFailure()} and {@link #firstFailure()} give whole
         */
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s%s: %d %s (%s%d distinct)%s, %d failing%s, %.0f schedules/s; %s%s",
                    searched, shard.isAll() ? "" : " (shard " + shard + ")", schedulesRun,
                    schedulesRun == 1 ? "schedule" : "schedules", distinctExact ? "" : "about ", distinctDigests,
                    exhausted() ? ", all within the bound" : "",
                    failingSchedules, (failingByType.size() > 1 ? " (" + byType(failingByType) + ")" : "")
                            + (otherFailures.isEmpty() ? "" : " (other failures: " + byType(otherFailures) + ")"),
                    schedulesPerSecond(), stopText(), firstFailure == null ? "" : firstFailureText());
        }

        /** The first failure: the lines that replay it on the first line, the failure's text (maybe several lines) last. */
        private String firstFailureText() {
            String limits = Simulation.replayLimitCalls(firstFailure);
            return "; first failure at schedule index " + firstFailureIndex + shrunkText() + "; replay "
                    + dev.simloop.internal.SafeText.line(firstFailure.replayLine(),
                            ", too long to show: firstFailure().replayLine() returns it whole") + (limits.isEmpty() ? ""
                            : " (with Simulation.builder()" + limits + ", the limit that stopped it)")
                    + "; failure: " + dev.simloop.internal.SafeText.brief(firstFailure.failure());
        }

        /** The shrunk failure's line and preemptions, before the first failure's own line. */
        private String shrunkText() {
            if (shrunkFailure == null) {
                return "";
            }
            if (shrunkFailure.replayLine().equals(firstFailure.replayLine())) {
                return "; " + preemptions(firstFailure) + (shrunkNote == null ? ", and shrinking found none fewer"
                        : ", " + shrunkNote); // one line, said once
            }
            return "; shrunk to " + preemptions(shrunkFailure) + (shrunkNote == null ? "" : " (" + shrunkNote + ")")
                    + ": replay " + dev.simloop.internal.SafeText.line(
                    shrunkFailure.replayLine(), ", too long to show: shrunkFailure().replayLine() returns it whole") + "; as found, "
                    + preemptions(firstFailure);
        }

        private static String preemptions(SimResult<?> r) {
            return r.preemptions() + (r.preemptions() == 1 ? " preemption" : " preemptions");
        }

        private static String byType(Map<String, Integer> counts) {
            StringBuilder sb = new StringBuilder();
            counts.forEach((type, n) -> sb.append(sb.isEmpty() ? "" : ", ").append(n).append(' ').append(type));
            return sb.toString();
        }

        private String stopText() {
            return switch (stopReason) {
                case FAILURE_FOUND -> "stopped at the first failure";
                case ALL_SCHEDULES_RUN -> "ran all the schedules asked for";
                case EXHAUSTED -> "the search is exhausted";
                case TIME_LIMIT -> "stopped by the time limit of " + timeLimit;
                case INTERRUPTED -> "stopped because the calling thread was interrupted";
                case RAN_AWAY -> "stopped because a task ran away (no checkpoint within maxStepWallTime)" + (ranAwayElsewhere < 0
                        ? ", which failWhen does not count as a failure"
                        : " in schedule index " + ranAwayElsewhere + ", another shard's, which this shard ran only to"
                                + " learn from it: that shard reports it");
            };
        }
    }
}
