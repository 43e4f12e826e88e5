package dev.simloop.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Runs the schedules of one exploration on several workers and takes their results back in the
 * order the schedules were handed out, so that what is concluded from them does not depend on how
 * many workers there were or which finished first. The {@code Exploration} and the JUnit extension
 * both explore through it.
 *
 * <p>The rules:
 * <ul>
 *   <li>A {@link Source} hands out jobs in a fixed order, and may hold one back (return null) until
 *       the results it depends on are committed.
 *   <li>Results are {@linkplain Sink#commit committed} strictly in hand-out order; one that arrives
 *       early waits. When a commit says stop (a failure was found), nothing more is run, and
 *       results of jobs handed out after it are dropped uncommitted: a single worker would never
 *       have run them, so the conclusion is that of a single worker.
 *   <li>A worker takes up to {@value #CHUNK} jobs at a time and hands their results in together,
 *       so the lock (and the cache lines it guards) moves between cores once per chunk rather than
 *       once per job. It starts with one and doubles while the source has more, and takes one again
 *       after the source ran dry, so a narrow supply is shared among the workers. A result the
 *       sink may stop at ({@code mayStop}) is handed in at once, before the worker runs anything
 *       more.
 *   <li>A worker that finds nothing to take waits for a commit, unless the source is
 *       {@linkplain Source#exhausted exhausted}: then it ends at once, and the last worker to hand
 *       in ends the runs.
 *   <li>At most {@value #WINDOW_PER_WORKER} jobs per worker are out ahead of the last commit, so one
 *       slow or stuck job does not let the others run ahead without bound.
 *   <li>{@code stopHandOut} (a time limit, an interrupt) is asked before every job but the first.
 *       When it says stop, the jobs taken but not started are never run, and results from after
 *       the first of them are dropped: what is committed is always a prefix of the hand-out order,
 *       the exploration a single worker would have made in less time.
 * </ul>
 *
 * <p>The source and the sink are called with this object's lock held, so they need no locks of
 * their own; jobs run without it. {@code stopHandOut} is called by the workers without the lock,
 * so it must be safe to call from any of them.
 *
 * @param <J> a job
 * @param <R> its result
 */
public final class OrderedRuns<J, R> {
    /**
     * How far, in jobs per worker, hand-out may run ahead of the commits. A schedule takes a few
     * microseconds and the OS takes a worker off its core for milliseconds on a shared machine, so a
     * small window would stop the other workers whenever one is descheduled: with 64, a
     * {@code @SimulatedLoop(parallelism = 2)} test of 100,000 schedules ran 1.64-1.76x the
     * schedules per second of one thread, with 512 1.76-1.84x (alternating JVMs, one harness). 512
     * still bounds what a stuck job lets pile up: about a thousand results on two workers.
     */
    public static final int WINDOW_PER_WORKER = 512;

    /**
     * How many jobs a worker takes at once. A schedule of a small program takes a few microseconds,
     * and taking the lock from the other core costs a few hundred nanoseconds in cache misses (the
     * lock, the counters, the sink's tally); eight jobs a time make that a few percent of one.
     */
    public static final int CHUNK = 8;

    /**
     * The most workers an exploration may ask for: each is a driver thread, and no machine runs more
     * at once to any use (the results do not depend on the number). Asking for more is an error;
     * an exploration also never starts more workers than it has schedules.
     */
    public static final int MAX_WORKERS = 1024;

    /**
     * @param asked the parallelism asked for
     * @param jobs how many jobs the exploration may run at most
     * @return how many workers to start: the parallelism, but never more than there are jobs
     */
    public static int workersFor(int asked, int jobs) {
        return Math.min(asked, Math.max(1, jobs));
    }

    /** Hands out the jobs. */
    public interface Source<J> {
        /** @return the next job, or null when none can be handed out before more results are committed */
        J take();

        /**
         * @return true once {@link #take} will never hand out another job, whatever is committed (all
         *     the schedules asked for are out): a worker with nothing to run then ends at once instead
         *     of waiting for the others' commits. False (the default) when it cannot tell.
         */
        default boolean exhausted() {
            return false;
        }

        /**
         * Asked with no job in flight (every result handed in and recorded), when the runs are to
         * stop: whether {@link #take} would hand out nothing more anyway, so that the runs are done
         * rather than stopped. By default {@link #exhausted()}.
         */
        default boolean doneWhenIdle() {
            return exhausted();
        }
    }

    /** Takes the results, in hand-out order. */
    public interface Sink<J, R> {
        /** @return whether to stop: run nothing more, and drop the results of jobs handed out after this one */
        boolean commit(J job, R result);
    }

    /** How the exploration ended. */
    public enum Ending {
        /** The source had nothing more and nothing was out. */
        SOURCE_DONE,
        /** A commit said stop. */
        STOPPED_BY_SINK,
        /** {@code stopHandOut} said stop. */
        HAND_OUT_STOPPED,
        /** A worker failed ({@link #workerFailed}): a watchdog released it from a runaway job. */
        WORKER_FAILED
    }

    private final int workers;
    private final Source<J> source;
    private final Function<J, R> run;
    private final Predicate<R> mayStop;
    private final Sink<J, R> sink;
    private final BooleanSupplier stopHandOut;
    /** Each worker's jobs, by worker number (null until the worker starts). Guarded by this. */
    private final Lane[] lanes;

    // ---- guarded by this
    private long nextSeq;
    private long committedSeq;
    /** Jobs handed out whose results are not handed in (nor given back unrun). */
    private int inFlight;
    /**
     * Finished jobs not committed yet, and their results, at their hand-out number modulo the
     * window (every number out is within one window of {@link #committedSeq}); null: not finished.
     */
    private final Object[] doneJobs;
    private final Object[] doneResults;
    private Ending ending;
    /** Workers waiting in {@link #takeChunk} for a commit: a hand-in wakes them only when there are any. */
    private int waiting;
    /** What each failed worker's call ended with, by worker number. */
    private final List<Throwable> failures;

    /** Set with {@link #ending}; read by the workers between jobs, without the lock. */
    private volatile boolean over;
    /**
     * The hand-out number of the earliest job a failed worker is stuck in (a runaway), or
     * {@link Long#MAX_VALUE}. The other workers still run the jobs before it and nothing from it on,
     * and nothing from it on is committed: what is committed is the prefix a single worker would
     * have run before it met that job, so a failure before it is found whatever the number of workers.
     */
    private volatile long stuckSeq = Long.MAX_VALUE;

    /**
     * One worker's chunk: jobs {@code [0, size)} with hand-out numbers from {@code firstSeq}; those
     * below {@code ran} have run, those below {@code handedIn} are with the commits. The fields are
     * guarded by the runs' lock, but for the worker's own progress ({@code ran}, the results and
     * {@code running}), which only it writes while it runs the chunk.
     */
    private static final class Lane {
        final Object[] jobs = new Object[CHUNK];
        final Object[] results = new Object[CHUNK];
        long firstSeq;
        /**
         * How many jobs to take next: doubles up to {@link #CHUNK} while the source has them, and
         * drops to one when it runs dry (a bounded search's narrow frontier), so that one worker
         * does not take every job there is while the others wait.
         */
        int want = 1;
        int size;
        int ran;
        int handedIn;
        /** The job running now, as its place in the chunk, or -1: read by {@link #earliestStuck}. */
        volatile int running = -1;
    }

    /**
     * @param workers how many jobs run at once
     * @param source hands out the jobs
     * @param run runs one job (on a worker's thread); its result may be null, and is held until its
     *     commit, so it should keep no more than the sink reads
     * @param mayStop whether the sink may say stop at a result (null included): such a result is committed before
     *     its worker runs another job
     * @param sink takes the results in hand-out order
     * @param stopHandOut asked before every job but the first, from the workers' threads: true stops
     */
    public OrderedRuns(int workers, Source<J> source, Function<J, R> run, Predicate<R> mayStop, Sink<J, R> sink,
            BooleanSupplier stopHandOut) {
        this.workers = workers;
        this.source = source;
        this.run = run;
        this.mayStop = mayStop;
        this.sink = sink;
        this.stopHandOut = stopHandOut;
        this.doneJobs = new Object[WINDOW_PER_WORKER * workers];
        this.doneResults = new Object[WINDOW_PER_WORKER * workers];
        this.lanes = new Lane[workers];
        this.failures = new ArrayList<>(java.util.Collections.nCopies(workers, null));
    }

    /** @return the workers' bodies: each takes and runs jobs until the exploration ends */
    public List<Callable<Void>> workers() {
        List<Callable<Void>> bodies = new ArrayList<>(workers);
        for (int w = 0; w < workers; w++) {
            int worker = w;
            bodies.add(() -> work(worker));
        }
        return bodies;
    }

    /**
     * Runs the workers on driver threads (one inline when there is one worker and the caller is a
     * driver) and waits for them.
     *
     * @param onInterrupt told when the calling thread is interrupted while it waits
     * @return how the exploration ended
     */
    public Ending runOnDrivers(Consumer<Thread> onInterrupt) {
        List<Callable<Void>> bodies = workers();
        if (workers == 1) {
            try {
                Drivers.call(bodies.get(0), onInterrupt);
            } catch (RuntimeException e) {
                workerFailed(e, 0);
                throw e;
            }
        } else {
            Drivers.callAll(bodies, onInterrupt, this::workerFailed);
        }
        return ending();
    }

    /** @return how the exploration ended (null while it goes on) */
    public synchronized Ending ending() {
        return ending;
    }

    private Void work(int worker) {
        // Made on the worker's own thread, so in its own allocation buffer: the lanes of two workers
        // side by side would share cache lines that each writes at every job.
        Lane lane = new Lane();
        synchronized (this) {
            lanes[worker] = lane;
        }
        for (takeChunk(lane); lane.size > 0; handInAndTake(lane)) {
            runChunk(lane);
        }
        return null;
    }

    /**
     * Runs the lane's jobs in order until the exploration ends; a result the sink may stop at is
     * handed in before the next job runs, so that a stop it causes is seen.
     */
    private void runChunk(Lane lane) {
        for (int i = 0; i < lane.size && (i == 0 || goesOn()) && lane.firstSeq + i < stuckSeq; i++) {
            lane.running = i;
            @SuppressWarnings("unchecked") // put there by takeChunk: a job
            J job = (J) lane.jobs[i];
            R result = run.apply(job);
            lane.results[i] = result;
            lane.ran = i + 1;
            if (i + 1 < lane.size && mayStop.test(result)) {
                handIn(lane);
            }
        }
        lane.running = -1;
    }

    /** Asked between a worker's jobs, without the lock: @return whether to run the next one */
    private boolean goesOn() {
        if (over) {
            return false;
        }
        if (stopHandOut.getAsBoolean()) {
            synchronized (this) {
                end(Ending.HAND_OUT_STOPPED);
            }
            return false;
        }
        return true;
    }

    /** Hands in the lane's results, gives back its jobs that did not run, and takes its next chunk. */
    private synchronized void handInAndTake(Lane lane) {
        handIn(lane);
        inFlight -= lane.size - lane.handedIn; // never run: their numbers stay uncommitted, and so does all after them
        java.util.Arrays.fill(lane.jobs, 0, lane.size, null);
        java.util.Arrays.fill(lane.results, 0, lane.size, null);
        takeChunk(lane);
    }

    private synchronized void takeChunk(Lane lane) {
        lane.size = 0;
        lane.ran = 0;
        lane.handedIn = 0;
        for (;;) {
            if (ending != null) {
                return;
            }
            if (nextSeq > 0 && stopHandOut.getAsBoolean()) {
                if (inFlight > 0) {
                    // others' jobs are out: the worker that hands in the last of them decides, below, whether
                    // the runs were stopped or had ended anyway (a stop asked before the only job ran)
                    return;
                }
                // every job ran before the stop came (a time limit passed in the last one): the source is
                // done, not stopped, so a search that ran all its schedules is exhausted
                end(source.doneWhenIdle() ? Ending.SOURCE_DONE : Ending.HAND_OUT_STOPPED);
                return;
            }
            long room = Math.min(lane.want, (long) WINDOW_PER_WORKER * workers - (nextSeq - committedSeq));
            boolean dry = false;
            while (lane.size < room && !dry) {
                J job = source.take();
                dry = job == null;
                if (!dry) {
                    lane.jobs[lane.size++] = job;
                }
            }
            lane.want = dry ? 1 : Math.min(CHUNK, lane.want * 2);
            if (lane.size > 0) {
                lane.firstSeq = nextSeq;
                nextSeq += lane.size;
                inFlight += lane.size;
                return;
            }
            if (inFlight == 0) {
                end(Ending.SOURCE_DONE);
                return;
            }
            if (source.exhausted()) {
                // Nothing more will be handed out, so this worker has nothing to wait for: it ends now,
                // and the worker that hands in the last result ends the runs. Waiting here would put
                // this thread's wake-up (tens of microseconds to milliseconds on a busy machine) between
                // that last result and the caller's return, at the end of every exploration.
                return;
            }
            waiting++;
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // stopHandOut sees it at the next hand-out
            } finally {
                waiting--;
            }
        }
    }

    private void end(Ending why) {
        if (ending == null) {
            ending = why;
            over = true;
        }
        notifyAll();
    }

    /** Moves the lane's results that ran to the commit window, and commits what is now in order. */
    private synchronized void handIn(Lane lane) {
        for (; lane.handedIn < lane.ran; lane.handedIn++) {
            int at = slot(lane.firstSeq + lane.handedIn);
            doneJobs[at] = lane.jobs[lane.handedIn];
            doneResults[at] = lane.results[lane.handedIn];
            inFlight--;
        }
        for (int c = slot(committedSeq); doneJobs[c] != null && committedSeq < stuckSeq; c = slot(++committedSeq)) {
            @SuppressWarnings("unchecked") // put there above: a job and its result
            J job = (J) doneJobs[c];
            @SuppressWarnings("unchecked")
            R done = (R) doneResults[c];
            doneJobs[c] = null;
            doneResults[c] = null;
            if (ending != Ending.STOPPED_BY_SINK && sink.commit(job, done)) {
                ending = Ending.STOPPED_BY_SINK;
                over = true;
            }
        }
        if (waiting > 0) {
            notifyAll();
        }
    }

    /** @return where the job handed out as number {@code seq} keeps its result until committed */
    private int slot(long seq) {
        return (int) (seq % doneJobs.length);
    }

    /**
     * A worker failed, or a watchdog released its caller from a runaway job: hand nothing more out.
     * When the worker is in a job (stuck in it), the others still run the jobs handed out before
     * that one ({@link #stuckSeq}) and the failed worker's jobs that ran are handed in, so that a
     * failure a single worker would have met first is found; else the others finish the job they run.
     *
     * @param failure what the worker's call ended with
     * @param worker its number
     */
    public synchronized void workerFailed(Throwable failure, int worker) {
        failures.set(worker, failure);
        if (ending == null) {
            ending = Ending.WORKER_FAILED;
        }
        Lane lane = lanes[worker];
        int running = lane == null ? -1 : lane.running;
        if (running >= 0) {
            stuckSeq = Math.min(stuckSeq, lane.firstSeq + running);
            handIn(lane); // the jobs before the stuck one ran; the worker's thread is in that one
        } else {
            over = true;
        }
        notifyAll();
    }

    /** A job a failed worker is still running (a runaway is stuck in it), and what its call ended with. */
    public record Stuck<J>(J job, Throwable failure) {
    }

    /**
     * @return after the workers were released, the earliest-handed-out job that a failed worker is
     *     still running, or null
     */
    public synchronized Stuck<J> earliestStuck() {
        Object job = null;
        Throwable failure = null;
        long firstSeq = Long.MAX_VALUE;
        for (int w = 0; w < workers; w++) {
            Lane lane = lanes[w];
            int running = lane == null ? -1 : lane.running;
            if (running >= 0 && failures.get(w) != null && lane.firstSeq + running < firstSeq) {
                job = lane.jobs[running];
                failure = failures.get(w);
                firstSeq = lane.firstSeq + running;
            }
        }
        @SuppressWarnings("unchecked") // put there by takeChunk: a job
        J stuck = (J) job;
        return stuck == null ? null : new Stuck<>(stuck, failure);
    }

    /** @return whether a commit said stop (later results were dropped) */
    public synchronized boolean stoppedBySink() {
        return ending == Ending.STOPPED_BY_SINK;
    }
}
