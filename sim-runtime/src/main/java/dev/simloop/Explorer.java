package dev.simloop;

import dev.simloop.Exploration.Report;
import dev.simloop.Exploration.StopReason;
import dev.simloop.internal.Drivers;
import dev.simloop.internal.RunOutcome;
import dev.simloop.internal.Runaway;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * Runs one {@link Exploration}: hands its schedules to one or more workers, each on its own driver
 * thread, and takes their results back in the order the schedules were handed out, so that the
 * report does not depend on how many workers there were or which finished first.
 *
 * <p>The rules that make a parallel exploration report what a sequential one would:
 * <ul>
 *   <li>A {@link Plan} hands out jobs in a fixed order (sampling: schedule index order; a bounded
 *       search: the order a single caller meets its schedules), and may hold a job back until the
 *       results it depends on are recorded.
 *   <li>Results are committed strictly in hand-out order ({@link #commitReady}); a result that
 *       arrives early waits in {@link #finished}. The first failure committed is therefore the one
 *       with the lowest index, and everything handed out after it is dropped uncounted.
 *   <li>At most {@link #WINDOW_PER_WORKER} jobs per worker are out ahead of the last commit, so a
 *       slow or stuck schedule does not let the others run ahead without bound.
 * </ul>
 * A time limit or an interrupt stops the hand-out; jobs already out still finish and count.
 */
final class Explorer<T> {
    /** How far, in jobs per worker, hand-out may run ahead of the commits. */
    private static final int WINDOW_PER_WORKER = 4;
    /**
     * How many schedules a PCT exploration learns its choice count from: schedule {@code i} below
     * this uses the largest count of the schedules before it, every later one the largest of these.
     * A fixed prefix (instead of all earlier schedules) keeps each schedule's strategy independent of
     * how the exploration is split across workers and shards.
     */
    static final int LEARNING_SCHEDULES = 32;

    private final Exploration<T> x;
    private final Shard shard;
    private final Plan plan;
    private final Tally tally;
    private final int workers;

    // ---- guarded by this
    /** The next job's hand-out number. */
    private long nextSeq;
    /** The hand-out number of the next job to commit. */
    private long committedSeq;
    private int inFlight;
    /** Results that arrived before a job handed out earlier; by hand-out number. */
    private final Map<Long, Finished<T>> finished = new HashMap<>();
    /** Why the exploration stops; null while it goes on. */
    private StopReason why;
    /** Whether a failure that stops the exploration was committed: later results are dropped. */
    private boolean failureCommitted;
    /** The job each worker is running, by worker number (null between jobs), for a report made while one runs away. */
    private final Job[] running;
    /** The watchdog's report of each worker whose schedule ran away, by worker number. */
    private final Runaway[] runaways;

    /** Set by the caller's thread when it is interrupted while waiting; read before each hand-out. */
    private volatile boolean interrupted;

    Explorer(Exploration<T> x) {
        this.x = x;
        this.shard = x.shard != null ? x.shard : Shard.fromEnvironment();
        this.plan = x.maxPreemptions >= 0 ? new SearchPlan() : new SamplePlan();
        this.tally = new Tally();
        this.workers = x.parallelism;
        this.running = new Job[workers];
        this.runaways = new Runaway[workers];
    }

    Report<T> run() {
        try {
            if (workers == 1) {
                Drivers.call(() -> work(0), caller -> interrupted = true);
            } else {
                List<Callable<Void>> works = new ArrayList<>();
                for (int w = 0; w < workers; w++) {
                    int worker = w;
                    works.add(() -> work(worker));
                }
                Drivers.callAll(works, caller -> interrupted = true, this::workerFailed);
            }
        } catch (Runaway runaway) {
            synchronized (this) {
                if (workers == 1) {
                    runaways[0] = runaway;
                }
            }
            return ranAway();
        }
        return tally.report(why);
    }

    private String searched() {
        return x.maxPreemptions >= 0 ? "exhaustive(" + x.maxPreemptions + ")" : x.strategy.toString();
    }

    /** A worker: takes jobs and runs them until the exploration stops. */
    private Void work(int worker) {
        for (;;) {
            Job job = take(worker);
            if (job == null) {
                return null;
            }
            SimResult<T> r = x.limits(job.builder(x.seed)).run(x.main);
            SimResult<T> failureToTrace = finish(worker, job, r);
            if (failureToTrace != null) {
                tally.first = tally.traced(failureToTrace);
            }
        }
    }

    private synchronized Job take(int worker) {
        for (;;) {
            if (why != null) {
                return null;
            }
            if (nextSeq > 0 && (interrupted || Thread.currentThread().isInterrupted())) {
                return stop(StopReason.INTERRUPTED);
            }
            if (nextSeq > 0 && System.nanoTime() - tally.start >= tally.limitNanos) {
                return stop(StopReason.TIME_LIMIT);
            }
            Job job = nextSeq - committedSeq < (long) WINDOW_PER_WORKER * workers ? plan.take() : null;
            if (job != null) {
                job.seq = nextSeq++;
                inFlight++;
                running[worker] = job;
                return job;
            }
            if (inFlight == 0) {
                return stop(plan.end());
            }
            waitForCommits();
        }
    }

    private Job stop(StopReason reason) {
        why = reason;
        notifyAll();
        return null;
    }

    private void waitForCommits() {
        try {
            wait();
        } catch (InterruptedException e) {
            interrupted = true;
        }
    }

    /** @return the first failure to trace, when this commit found it; else null */
    private synchronized SimResult<T> finish(int worker, Job job, SimResult<T> r) {
        running[worker] = null;
        inFlight--;
        finished.put(job.seq, new Finished<>(job, r));
        SimResult<T> found = commitReady();
        notifyAll();
        return found;
    }

    /** Commits the results that are next in hand-out order. */
    private SimResult<T> commitReady() {
        SimResult<T> found = null;
        for (Finished<T> f; (f = finished.remove(committedSeq)) != null; committedSeq++) {
            if (failureCommitted) {
                continue; // handed out after the failure: a sequential exploration never ran it
            }
            plan.record(f.job, f.result);
            if (f.job.owned && tally.count(f.job.index, f.result) && x.stopAtFirstFailure) {
                why = StopReason.FAILURE_FOUND;
                failureCommitted = true;
                found = f.result;
            }
        }
        return found;
    }

    /** A worker failed (a watchdog rescued the exploration from its runaway schedule): stop the others. */
    private synchronized void workerFailed(Throwable failure, int worker) {
        if (failure instanceof Runaway r) {
            runaways[worker] = r;
        }
        if (why == null) {
            why = StopReason.FAILURE_FOUND;
        }
        notifyAll();
    }

    /**
     * The report when a schedule ran away (its task passed {@code maxStepWallTime} without a
     * checkpoint): made from what was committed, with that schedule as a failure, untraced
     * (replaying it would run away again). Its driver cannot be stopped; it stops at its next
     * schedule if the task ever lets go.
     */
    private synchronized Report<T> ranAway() {
        interrupted = true;
        why = StopReason.FAILURE_FOUND;
        int worker = -1;
        for (int w = 0; w < workers; w++) { // a worker still running a job now is stuck in it: report the earliest
            if (running[w] != null && runaways[w] != null && (worker < 0 || running[w].seq < running[worker].seq)) {
                worker = w;
            }
        }
        if (worker >= 0 && running[worker].owned && !failureCommitted) {
            tally.ranAway(running[worker], runaways[worker].outcome());
        }
        return tally.report(StopReason.FAILURE_FOUND);
    }

    /** One schedule to run: its place in the exploration and how to build it. */
    private static final class Job {
        /** The schedule's index in the exploration (a bounded search: among this shard's schedules). */
        final int index;
        final long seed;
        final Strategy strategy;
        /** A bounded search's prefix of choices, or null for a sampled schedule. */
        final int[] prefix;
        /** Whether it counts in this shard (otherwise it runs only for what later schedules learn from it). */
        final boolean owned;
        /** Its hand-out number. */
        long seq;

        Job(int index, long seed, Strategy strategy, int[] prefix, boolean owned) {
            this.index = index;
            this.seed = seed;
            this.strategy = strategy;
            this.prefix = prefix;
            this.owned = owned;
        }

        Simulation.Builder builder(long searchSeed) {
            return prefix != null ? BoundedSearch.builderFor(prefix, searchSeed)
                    : Simulation.builder().seed(seed).strategy(strategy);
        }
    }

    private record Finished<T>(Job job, SimResult<T> result) {
    }

    /** Where the schedules come from. Called with the explorer's lock held. */
    private interface Plan {
        /** @return the next job, or null when none can be handed out before more results are recorded */
        Job take();

        /** Takes a job's result; results come in hand-out order. */
        void record(Job job, SimResult<?> r);

        /** @return why the exploration ends, once nothing is in flight and {@link #take} has nothing */
        StopReason end();
    }

    /**
     * Schedule {@code i} (of {@code schedules}) with seed {@code seed + i}, run in the shard that
     * {@link Shard#owns owns} {@code i}. A PCT exploration that learns its choice count also runs the
     * other shards' schedules among the first {@link #LEARNING_SCHEDULES}, uncounted, one at a time:
     * each learns from those before it.
     */
    private final class SamplePlan implements Plan {
        private final boolean learns = x.strategy.learnsChoices();
        /** How many schedules it learns from: all of them run here, one at a time. */
        private final int learningTotal = learns ? Math.min(LEARNING_SCHEDULES, x.schedules) : 0;
        private int next = firstFrom(0);
        /** How many of the learning schedules were handed out, and how many have results. */
        private int learningOut;
        private int learningDone;
        private int learnedChoices;

        @Override
        public Job take() {
            if (next >= x.schedules) {
                return null;
            }
            boolean learning = next < learningTotal;
            if (learningDone < (learning ? learningOut : learningTotal)) {
                return null; // it learns from results still out
            }
            Strategy s = learnedChoices > 0 ? Strategy.pct(x.strategy.pctDepth(), learnedChoices) : x.strategy;
            Job job = new Job(next, x.seed + next, s, null, shard.owns(next));
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
        public void record(Job job, SimResult<?> r) {
            if (job.index < learningTotal) {
                learningDone++;
                learnedChoices = Math.max(learnedChoices, Simulation.choiceCount(r));
            }
        }

        @Override
        public StopReason end() {
            return StopReason.ALL_SCHEDULES_RUN;
        }
    }

    /** The schedules of a {@link BoundedSearch} (this shard's part of it), up to {@code schedules} of them. */
    private final class SearchPlan implements Plan {
        private final BoundedSearch search = BoundedSearch.upTo(x.maxPreemptions, shard);
        private int ownedOut;

        @Override
        public Job take() {
            if (ownedOut == x.schedules) {
                return null;
            }
            int[] prefix = search.take();
            if (prefix == null) {
                return null;
            }
            boolean owned = search.owns(prefix);
            Job job = new Job(ownedOut, x.seed, Strategy.fifo(), prefix, owned);
            if (owned) {
                ownedOut++;
            }
            return job;
        }

        @Override
        public void record(Job job, SimResult<?> r) {
            search.record(job.prefix, r);
        }

        @Override
        public StopReason end() {
            return search.hasNext() ? StopReason.ALL_SCHEDULES_RUN : StopReason.EXHAUSTED;
        }
    }

    /** What the committed runs found. Guarded by the explorer's lock, but for {@link #first} set by {@link #traced}. */
    private final class Tally {
        final long start = System.nanoTime();
        /** The time limit in nanoseconds; Long.MAX_VALUE for none (or one too long to be reached). */
        final long limitNanos = x.timeLimit == null ? Long.MAX_VALUE : saturatedNanos(x.timeLimit);
        private final Set<Long> digests = new HashSet<>();
        /** Failures that {@code failWhen} did not match, by exception type; sorted, so reports read the same. */
        private final Map<String, Integer> others = new TreeMap<>();
        volatile SimResult<T> first;
        private int firstIndex = -1;
        private int run;
        private int failing;

        /** @return whether {@code r} failed with a failure that {@code failWhen} matches */
        boolean count(int index, SimResult<T> r) {
            run++;
            digests.add(Simulation.rawDigest(r));
            if (!r.failed()) {
                return false;
            }
            if (!x.failWhen.test(r.failure())) {
                others.merge(r.failure().getClass().getName(), 1, Integer::sum);
                return false;
            }
            failing++;
            if (first == null) {
                first = r;
                firstIndex = index;
            }
            return true;
        }

        void ranAway(Job job, RunOutcome outcome) {
            SimResult<T> r = Simulation.resultOf(outcome, job.prefix != null ? Strategy.fifo() : job.strategy,
                    x.priorityPolicy, job.seed);
            run++;
            failing++;
            if (first == null) {
                first = r;
                firstIndex = job.index;
            }
        }

        /**
         * Replays a failing schedule twice with tracing on, for the report: the replay is exact, and
         * the determinism check makes sure the printed line really reproduces it (when it does not,
         * the report's failure says at which step the runs parted).
         */
        SimResult<T> traced(SimResult<T> r) {
            SimResult<T> traced = x.limits(Simulation.builder().replay(r.replayLine())).trace(true)
                    .checkDeterminism(true).run(x.main);
            boolean same = Simulation.rawDigest(traced) == Simulation.rawDigest(r);
            return same || traced.failure() instanceof NondeterminismDetected ? traced : r;
        }

        Report<T> report(StopReason reason) {
            return new Report<>(first, firstIndex, run, failing, others, digests.size(),
                    Duration.ofNanos(System.nanoTime() - start), searched(), reason, x.timeLimit, shard, workers);
        }
    }

    private static long saturatedNanos(Duration d) {
        return d.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : d.toNanos();
    }
}
