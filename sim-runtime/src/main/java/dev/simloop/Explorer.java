package dev.simloop;

import dev.simloop.Exploration.Report;
import dev.simloop.Exploration.StopReason;
import dev.simloop.internal.OrderedRuns;
import dev.simloop.internal.RunOutcome;
import dev.simloop.internal.Runaway;
import dev.simloop.internal.SafeText;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs one {@link Exploration}: a {@link Plan} says which schedules there are, {@link OrderedRuns}
 * runs them on one or more driver threads and hands the results back in schedule order, and a
 * {@link Tally} counts them, so the report is the one a single thread would make.
 */
final class Explorer<T> {
    /**
     * How many schedules a PCT exploration learns its choice count from: schedule {@code i} below
     * this uses the largest count of the schedules before it, every later one the largest of these.
     * A fixed prefix (instead of all earlier schedules) keeps each schedule's strategy independent of
     * how the exploration is split across threads and shards.
     */
    static final int LEARNING_SCHEDULES = 32;
    /** How much of a schedule's failure the message of a failure that did not reproduce quotes. */
    private static final int IN_MESSAGE = 300;

    private final Exploration<T> x;
    private final Shard shard;
    private final Plan plan;
    private final Tally tally;
    /** Set by the caller's thread when it is interrupted while waiting; read before each hand-out. */
    private volatile boolean interrupted;

    Explorer(Exploration<T> x) {
        this.x = x;
        this.shard = x.shard != null ? x.shard : Shard.fromEnvironment();
        this.plan = x.searchKind != null ? new SearchPlan() : new SamplePlan();
        this.tally = new Tally();
    }

    Report<T> run() {
        OrderedRuns<Job, SimResult<T>> runs = new OrderedRuns<>(OrderedRuns.workersFor(x.parallelism, x.schedules), plan,
                this::runJob, r -> r != null && r.failed(), this::commit, this::stopHandOut);
        if (Thread.currentThread().isInterrupted()) {
            interrupted = true; // interrupted before the call: it stops after the first schedule, every time
        }
        try {
            runs.runOnDrivers(caller -> interrupted = true);
        } catch (Runaway runaway) {
            return ranAway(runs);
        }
        // The report's replays run on this thread: an interrupt would stop each before its first step.
        // The failure is traced all the same (one replay), the interrupt kept for the caller; an
        // interrupted exploration is not shrunk (shrinking may take its whole budget).
        boolean callerInterrupted = Thread.interrupted();
        try {
            tally.traceFirst();
            if (!interrupted && !callerInterrupted) { // an interrupt the runs did not see is one all the same
                tally.shrink();
            }
        } finally {
            if (callerInterrupted) {
                Thread.currentThread().interrupt();
            }
        }
        StopReason why = switch (runs.ending()) {
            case STOPPED_BY_SINK -> StopReason.FAILURE_FOUND;
            case SOURCE_DONE -> plan.end();
            default -> interrupted ? StopReason.INTERRUPTED : StopReason.TIME_LIMIT;
        };
        return tally.report(why);
    }

    /** Asked by the workers before each schedule but the first (without the runs' lock: it reads only volatile and final fields). */
    private boolean stopHandOut() {
        if (interrupted || Thread.currentThread().isInterrupted()) {
            interrupted = true;
            return true;
        }
        return System.nanoTime() - tally.start >= tally.limitNanos;
    }

    /**
     * Runs a job on a worker, and notes in the job what its commit needs. The job was made on this
     * worker ({@link OrderedRuns} hands out jobs on the thread that takes them), so the commit, on
     * whichever worker makes it, reads one line of this worker's rather than the result's objects.
     */
    private SimResult<T> runJob(Job job) {
        SimResult<T> r = x.limits(job.builder).run(x.main);
        job.digest = Simulation.rawDigest(r);
        job.failed = r.failed();
        // results wait for their commit in OrderedRuns' window (hundreds per worker when one schedule is
        // slow), so a passing one keeps its result only when the plan learns from it: its digest is
        // all the tally reads
        return job.failed || plan.learnsFrom(job) ? r : null;
    }

    /** Takes a result (null: a passing one the plan does not learn from) in schedule order: @return whether it is the failure to stop at. */
    private boolean commit(Job job, SimResult<T> r) {
        // failWhen runs once per failing schedule: the plan's learning and the tally share its answer
        boolean searchedFor = job.failed && (job.owned || plan.learnsFrom(job)) && failWhen(job, r);
        plan.record(job, r, searchedFor);
        return job.owned && tally.count(job, r, searchedFor) && x.stopAtFirstFailure;
    }

    /**
     * Asks {@code failWhen} about {@code r}'s failure. What it throws ends the exploration (a
     * predicate such as {@code e -> e.getCause().getMessage()...} meets a failure with no cause), with
     * that failure and its replay line attached, so the schedule it judged is not lost.
     */
    private boolean failWhen(Job job, SimResult<T> r) {
        try {
            return x.failWhen.test(r.failure());
        } catch (RuntimeException | Error e) {
            e.addSuppressed(new IllegalStateException("Exploration.failWhen threw this while it judged the failure"
                    + " of schedule index " + job.index + " (replay " + dev.simloop.internal.SafeText.line(r.replayLine(),
                            ", too long to show") + "), attached as this exception's"
                    + " cause", r.failure()));
            throw e;
        }
    }

    private String searched() {
        return plan.searched();
    }

    /**
     * The report when a schedule ran away (its task passed {@code maxStepWallTime} without a
     * checkpoint): made from what was committed, with that schedule as a failure, untraced
     * (replaying it would run away again). Its driver cannot be stopped; it stops at its next
     * schedule if the task ever lets go.
     */
    private Report<T> ranAway(OrderedRuns<Job, SimResult<T>> runs) {
        interrupted = true;
        OrderedRuns.Stuck<Job> stuck = runs.earliestStuck();
        boolean matched = true;
        synchronized (runs) {
            if (stuck != null && !runs.stoppedBySink() && stuck.failure() instanceof Runaway r) {
                if (stuck.job().owned) {
                    matched = tally.ranAway(stuck.job(), r.outcome());
                } else {
                    // another shard's schedule, run here only to learn from: that shard counts and reports it,
                    // and this one cannot go on, with no failure of its own to stop at
                    tally.ranAwayElsewhere = stuck.job().index;
                    matched = false;
                }
            }
        }
        tally.traceFirst();
        return tally.report(matched ? StopReason.FAILURE_FOUND : StopReason.RAN_AWAY);
    }

    /** One schedule to run: its place in the exploration and how to build it. */
    private static final class Job {
        /** The schedule's index in the exploration (a bounded search: among this shard's schedules). */
        final int index;
        final long seed;
        /** The strategy it runs with (a bounded search's: the one after its prefix). */
        final Strategy strategy;
        /** Its builder (without the exploration's limits). */
        final Simulation.Builder builder;
        /** Whether it counts in this shard (otherwise it runs only for what later schedules learn from it). */
        final boolean owned;
        /** A bounded search's prefix of choices, or null for a sampled schedule. */
        final int[] prefix;
        /** Set by the worker that ran it ({@link #runJob}): its result's digest, and whether it failed. */
        long digest;
        boolean failed;

        Job(int index, long seed, Strategy strategy, Simulation.Builder builder, boolean owned, int[] prefix) {
            this.index = index;
            this.seed = seed;
            this.strategy = strategy;
            this.builder = builder;
            this.owned = owned;
            this.prefix = prefix;
        }
    }

    /** Where the schedules come from. Called with the explorer's lock held. */
    private interface Plan extends OrderedRuns.Source<Job> {
        /** @return the next job, or null when none can be handed out before more results are recorded */
        @Override
        Job take();

        /**
         * Takes a job's result; results come in hand-out order.
         *
         * @param searchedFor whether the run failed with a failure that {@code failWhen} matches
         */
        void record(Job job, SimResult<?> r, boolean searchedFor);

        /** @return whether {@link #record} reads a passing run of {@code job} (otherwise it is given null) */
        boolean learnsFrom(Job job);

        /** @return why the exploration ends, once nothing is in flight and {@link #take} has nothing */
        StopReason end();

        /** @return what is searched, as the report names it: a strategy, or a bounded search */
        String searched();
    }

    /**
     * Schedule {@code i} (of {@code schedules}) with seed {@code seed + i}, run in the shard that
     * {@link Shard#owns owns} {@code i}. A PCT exploration that learns its choice count also runs the
     * other shards' schedules among the first {@link #LEARNING_SCHEDULES}, uncounted, one at a time:
     * each learns from those before it.
     */
    private final class SamplePlan implements Plan {
        private final Strategy strategy = x.strategy();
        /** Whether PCT learns its choice count (for itself, or for a portfolio's PCT members). */
        private final boolean learns = strategy.mayLearnChoices();
        /** How many schedules it learns from: all of them run here, one at a time. */
        private final int learningTotal = learns ? Math.min(LEARNING_SCHEDULES, x.schedules) : 0;
        private int next = firstFrom(0);
        /** How many of the learning schedules were handed out, and how many have results. */
        private int learningOut;
        private int learningDone;
        private int learnedChoices;

        @Override
        public boolean exhausted() {
            return next >= x.schedules;
        }

        @Override
        public Job take() {
            if (exhausted()) {
                return null;
            }
            boolean learning = next < learningTotal;
            if (learningDone < (learning ? learningOut : learningTotal)) {
                return null; // it learns from results still out
            }
            long seed = x.seed + next;
            Strategy member = strategy.forSeed(seed);
            Strategy s = member.learnsChoices() && learnedChoices > 0
                    ? Strategy.pct(member.pctDepth(), learnedChoices) : member;
            Job job = new Job(next, seed, s, Simulation.builder().seed(seed).strategy(s), shard.owns(next), null);
            if (learning) {
                learningOut++;
            }
            next = firstFrom(next + 1);
            return job;
        }

        private int firstFrom(int i) {
            while (i < x.schedules && i >= learningTotal && !shard.owns(i)) {
                i++;
            }
            return i;
        }

        @Override
        public String searched() {
            return strategy.toString();
        }

        @Override
        public boolean learnsFrom(Job job) {
            return job.index < learningTotal;
        }

        @Override
        public void record(Job job, SimResult<?> r, boolean searchedFor) {
            if (learnsFrom(job)) {
                learningDone++;
                if (job.strategy.pctDepth() > 0 && showsLength(r, searchedFor)) {
                    learnedChoices = Math.max(learnedChoices, Simulation.choiceCount(r));
                }
            }
        }

        /**
         * @return whether a run shows how long the program is: it ended normally or with a failure
         *     searched for, other than a limit (a run a step limit stopped in a spin loop is as long
         *     as the limit, and PCT learning that length would spread its change points so thin
         *     that it practically never preempts again)
         */
        private boolean showsLength(SimResult<?> r, boolean searchedFor) {
            return !r.failed() || !(r.failure() instanceof LimitExceeded) && searchedFor;
        }

        @Override
        public StopReason end() {
            return StopReason.ALL_SCHEDULES_RUN;
        }
    }

    /** The schedules of a {@link BoundedSearch} (this shard's part of it), up to {@code schedules} of them. */
    private final class SearchPlan implements Plan {
        private final BoundedSearch search = x.searchKind.apply(shard);
        private int ownedOut;

        @Override
        public boolean exhausted() {
            return ownedOut == x.schedules; // a search with a frontier still open may hand out more after commits
        }

        @Override
        public boolean doneWhenIdle() {
            // every result recorded: a frontier with nothing left in it hands out no more
            return exhausted() || !search.hasNext();
        }

        @Override
        public Job take() {
            if (exhausted()) {
                return null;
            }
            int[] prefix = search.take();
            if (prefix == null) {
                return null;
            }
            boolean owned = search.owns(prefix);
            Job job = new Job(ownedOut, x.seed, search.strategyAfterPrefix(), search.builderFor(prefix, x.seed), owned,
                    prefix);
            if (owned) {
                ownedOut++;
            }
            return job;
        }

        @Override
        public boolean learnsFrom(Job job) {
            return true; // every run's choices extend the search's frontier
        }

        @Override
        public void record(Job job, SimResult<?> r, boolean searchedFor) {
            if (!search.recordIfFollowed(job.prefix, r)) {
                // in the exploration's terms: BoundedSearch's own error is about misuse of its next() and ran()
                throw new IllegalStateException("Exploration." + search + ": schedule index " + job.index
                        + " did not repeat the earlier run whose choices it followed (replay "
                        + SafeText.line(r.replayLine(), ", too long to show") + "): the program keeps state between"
                        + " runs (statics, files) or depends on something else outside the simulation, so the search"
                        + " cannot go on; build the program's state inside main (exploring.md, \"Is the run"
                        + " deterministic?\")");
            }
        }

        @Override
        public StopReason end() {
            return search.hasNext() ? StopReason.ALL_SCHEDULES_RUN : StopReason.EXHAUSTED;
        }

        @Override
        public String searched() {
            return search.toString();
        }
    }

    /** What the committed runs found. Counted with the runs' lock held. */
    private final class Tally {
        final long start = System.nanoTime();
        /** The time limit in nanoseconds; Long.MAX_VALUE for none (or one too long to be reached). */
        final long limitNanos = x.timeLimit == null ? Long.MAX_VALUE : dev.simloop.internal.Nanos.saturated(x.timeLimit);
        private final dev.simloop.internal.DistinctCount digests = new dev.simloop.internal.DistinctCount();
        /** Failures that {@code failWhen} did not match, by exception type; sorted, so reports read the same. */
        private final Map<String, Integer> others = new TreeMap<>();
        /** The failures {@code failWhen} matched, by exception class: a search may find more than one bug. */
        private final Map<String, Integer> failingTypes = new TreeMap<>();
        private SimResult<T> first;
        /** The first failure shrunk to the fewest preemptions found, or null. */
        private SimResult<T> shrunk;
        /** What the report says of the shrunk count of preemptions (not shown to be the fewest, or the fewest by a bounded search), or null. */
        private String shrunkNote;
        /** Whether {@link #first} was traced (a runaway's is not: replaying it would run away again). */
        private boolean traceFirst;
        private int firstIndex = -1;
        private int run;
        private int failing;
        /** The index of another shard's schedule that ran away here (run only to learn from), or -1. */
        int ranAwayElsewhere = -1;

        /**
         * @param searchedFor whether {@code r} failed with a failure that {@code failWhen} matches
         * @return {@code searchedFor}
         */
        boolean count(Job job, SimResult<T> r, boolean searchedFor) {
            int index = job.index;
            run++;
            digests.add(job.digest);
            if (!job.failed) {
                return false;
            }
            if (!searchedFor) {
                others.merge(r.failure().getClass().getName(), 1, Integer::sum);
                return false;
            }
            failing++;
            failingTypes.merge(r.failure().getClass().getName(), 1, Integer::sum);
            if (first == null) {
                first = r;
                firstIndex = index;
                traceFirst = true;
            }
            return true;
        }

        /** @return whether the run-away schedule is a failure that {@code failWhen} matches */
        boolean ranAway(Job job, RunOutcome outcome) {
            SimResult<T> r = Simulation.resultOf(outcome, job.strategy, x.priorityPolicy, job.seed);
            run++;
            digests.add(Simulation.rawDigest(r)); // an interleaving explored too, up to where it ran away
            if (!failWhen(job, r)) { // what it throws carries this schedule, as for any other failure
                others.merge(r.failure().getClass().getName(), 1, Integer::sum);
                return false;
            }
            failing++;
            failingTypes.merge(r.failure().getClass().getName(), 1, Integer::sum);
            if (first == null) {
                first = r;
                firstIndex = job.index;
            }
            return true;
        }

        /**
         * Shrinks the first failure ({@link Shrinker}) unless shrinking is off or it could not be
         * reproduced; a preemption-bounded search's failure has the fewest preemptions already, unless
         * the search was split: a shard runs only its own subtrees, and a schedule with fewer
         * preemptions that fails the same way may be another shard's.
         */
        void shrink() {
            if (first == null || x.shrinkReplays == 0 || first.failure() instanceof NondeterminismDetected) {
                return;
            }
            if (searched().startsWith("preemptionBounded(") && shard.isAll()) {
                shrunk = first;
                shrunkNote = "the fewest, as the search tries fewer preemptions first";
                return;
            }
            // a run that fails the same way but not as failWhen asks (a count in its message that the way
            // reads as "some number") is not the failure hunted: the shrunk line would replay another
            Shrinker<T> shrinker = new Shrinker<T>(b -> x.limits(b).run(x.main), x.shrinkReplays, x.shrinkTime,
                    x.failWhen);
            SimResult<T> s = shrinker.shrink(first);
            SimResult<T> replayed = s == first ? first : traced(s);
            boolean sameWay = replayed.failed() && Shrinker.way(replayed.failure()).equals(Shrinker.way(first.failure()))
                    && shrinker.hunts(replayed.failure());
            shrunk = sameWay ? replayed : first;
            // Shrinking's note, the one wording of every harness, with this API's own way to try the rest
            Shrinking.Outcome outcome = Shrinking.outcome(shrunk, shrinker, sameWay, x.shrinkReplays, x.shrinkTime);
            shrunkNote = outcome.notShownFewest(k -> "a larger shrinkBudget or preemptionBounded(" + k + ") tries them")
                    .orElse(null);
        }

        void traceFirst() {
            if (traceFirst) {
                first = traced(first);
                traceFirst = false;
            }
        }

        /**
         * Replays a failing schedule twice with tracing on, for the report: the replay is exact, and
         * the determinism check makes sure the printed line really reproduces it. When it does not
         * (the replays part from each other, or agree with each other but not with the schedule),
         * the schedule's own result is given, failed with a {@link NondeterminismDetected} that says
         * so ({@link #notReproduced}): the replay's line is that of a run cut where it parted.
         */
        private SimResult<T> traced(SimResult<T> r) {
            SimResult<T> traced = x.limits(Simulation.builder().replay(r.replayLine())).trace(true)
                    .checkDeterminism(true).run(x.main);
            if (Simulation.rawDigest(traced) == Simulation.rawDigest(r)) {
                return traced;
            }
            if (traced.failure() instanceof NondeterminismDetected parted) {
                return r.failure() instanceof NondeterminismDetected ? traced : notReproduced(r, parted);
            }
            if (r.failure() instanceof NondeterminismDetected) {
                return r;
            }
            // the two replays agree with each other, so the check found nothing, but not with the schedule
            // (state kept between runs changed how the program ends): the line does not reproduce it either
            return notReproduced(r, new NondeterminismDetected("a replay of the line " + (traced.failed()
                    ? "failed with " + SafeText.object(traced.failure(), IN_MESSAGE) : "passed")
                    + (traced.steps() == r.steps() ? "" : " after " + traced.steps() + " steps, not " + r.steps())
                    + ", where the schedule failed with " + SafeText.object(r.failure(), IN_MESSAGE)));
        }

        /**
         * @param r a failing schedule's result
         * @param parted why its replay ran differently (where it parted from the line)
         * @return {@code r}, failed with a {@link NondeterminismDetected} saying that its line does not
         *     reproduce its failure, and what causes that; the failure and {@code parted} suppressed
         */
        private SimResult<T> notReproduced(SimResult<T> r, NondeterminismDetected parted) {
            NondeterminismDetected why = new NondeterminismDetected("the program is not deterministic: a schedule"
                    + " failed with " + SafeText.object(r.failure(), IN_MESSAGE) + ", but a replay of its line ran"
                    + " differently, so no line reproduces that failure. Something outside the simulation decides"
                    + " the run: state kept between runs, the real clock, randomness not from Loop.random(), the"
                    + " order of identity hash codes, real I/O, or a thread the simulation does not own (an async"
                    + " logger's queue, a cache's maintenance on the common pool) (exploring.md, \"Is the run"
                    + " deterministic?\"). Suppressed here: the schedule's failure,"
                    + " and where the replay parted from the line.");
            why.addSuppressed(r.failure());
            why.addSuppressed(parted);
            return Simulation.notReproduced(r, why);
        }

        Report<T> report(StopReason reason) {
            return new Report<>(first, shrunk, shrunkNote, firstIndex, run, failing, failingTypes, others, digests.count(), digests.isExact(),
                    Duration.ofNanos(System.nanoTime() - start), searched(), reason, x.timeLimit, shard, x.parallelism,
                    ranAwayElsewhere);
        }
    }
}
