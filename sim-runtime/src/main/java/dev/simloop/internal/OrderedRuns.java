package dev.simloop.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

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
 *       early waits. When a commit says stop (a failure was found), nothing more is handed out, and
 *       results of jobs handed out after it are dropped uncommitted: a single worker would never
 *       have run them, so the conclusion is that of a single worker.
 *   <li>At most {@value #WINDOW_PER_WORKER} jobs per worker are out ahead of the last commit, so one
 *       slow or stuck job does not let the others run ahead without bound.
 *   <li>{@code stopHandOut} (a time limit, an interrupt) is asked before each hand-out but the
 *       first; jobs already out still finish and are committed.
 * </ul>
 *
 * <p>The source, the sink and {@code stopHandOut} are called with this object's lock held, so
 * they need no locks of their own; jobs run without it.
 *
 * @param <J> a job
 * @param <R> its result
 */
public final class OrderedRuns<J, R> {
    /**
     * How far, in jobs per worker, hand-out may run ahead of the commits. A schedule takes a few
     * microseconds and the OS takes a worker off its core for milliseconds on a shared machine, so a
     * small window would stop the other workers whenever one is descheduled; 64 lets them go on
     * for a while and still bounds what a stuck job lets pile up.
     */
    public static final int WINDOW_PER_WORKER = 64;

    /** Hands out the jobs. */
    public interface Source<J> {
        /** @return the next job, or null when none can be handed out before more results are committed */
        J take();
    }

    /** Takes the results, in hand-out order. */
    public interface Sink<J, R> {
        /** @return whether to stop: hand nothing more out, and drop the results of jobs handed out after this one */
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
    private final Sink<J, R> sink;
    private final BooleanSupplier stopHandOut;

    // ---- guarded by this
    private long nextSeq;
    private long committedSeq;
    private int inFlight;
    /**
     * Finished jobs not committed yet, and their results, at their hand-out number modulo the
     * window (every number out is within one window of {@link #committedSeq}); null: not finished.
     */
    private final Object[] doneJobs;
    private final Object[] doneResults;
    /** The job each worker runs now, by worker number (null between jobs), and its hand-out number. */
    private final Object[] runningJobs;
    private final long[] runningSeqs;
    private Ending ending;
    /** Workers waiting in {@link #take} for a commit: a finish wakes them only when there are any. */
    private int waiting;
    /** What each failed worker's call ended with, by worker number. */
    private final List<Throwable> failures;

    /**
     * @param workers how many jobs run at once
     * @param source hands out the jobs
     * @param run runs one job (on a worker's thread)
     * @param sink takes the results in hand-out order
     * @param stopHandOut asked before each hand-out but the first: true stops handing out
     */
    public OrderedRuns(int workers, Source<J> source, Function<J, R> run, Sink<J, R> sink, BooleanSupplier stopHandOut) {
        this.workers = workers;
        this.source = source;
        this.run = run;
        this.sink = sink;
        this.stopHandOut = stopHandOut;
        this.doneJobs = new Object[WINDOW_PER_WORKER * workers];
        this.doneResults = new Object[WINDOW_PER_WORKER * workers];
        this.runningJobs = new Object[workers];
        this.runningSeqs = new long[workers];
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
        for (J job = take(worker); job != null; ) {
            R result = run.apply(job);
            job = finishAndTake(worker, result);
        }
        return null;
    }

    /**
     * Commits what it can and hands out the worker's next job under one acquisition of the lock: with
     * several workers, the lock's cache line moves between cores once per schedule instead of twice.
     */
    private synchronized J finishAndTake(int worker, R result) {
        finish(worker, result);
        return take(worker);
    }

    private synchronized J take(int worker) {
        for (;;) {
            if (ending != null) {
                return null;
            }
            if (nextSeq > 0 && stopHandOut.getAsBoolean()) {
                return end(Ending.HAND_OUT_STOPPED);
            }
            J job = nextSeq - committedSeq < (long) WINDOW_PER_WORKER * workers ? source.take() : null;
            if (job != null) {
                runningJobs[worker] = job;
                runningSeqs[worker] = nextSeq++;
                inFlight++;
                return job;
            }
            if (inFlight == 0) {
                return end(Ending.SOURCE_DONE);
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

    private J end(Ending why) {
        if (ending == null) {
            ending = why;
        }
        notifyAll();
        return null;
    }

    private synchronized void finish(int worker, R result) {
        int at = slot(runningSeqs[worker]);
        doneJobs[at] = runningJobs[worker];
        doneResults[at] = result;
        runningJobs[worker] = null;
        inFlight--;
        for (int c = slot(committedSeq); doneJobs[c] != null; c = slot(++committedSeq)) {
            @SuppressWarnings("unchecked") // put there by this method: a job and its result
            J job = (J) doneJobs[c];
            @SuppressWarnings("unchecked")
            R done = (R) doneResults[c];
            doneJobs[c] = null;
            doneResults[c] = null;
            if (ending != Ending.STOPPED_BY_SINK && sink.commit(job, done)) {
                ending = Ending.STOPPED_BY_SINK;
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
     * A worker failed, or a watchdog released its caller from a runaway job: hand nothing more out,
     * and let the others finish.
     *
     * @param failure what the worker's call ended with
     * @param worker its number
     */
    public synchronized void workerFailed(Throwable failure, int worker) {
        failures.set(worker, failure);
        if (ending == null) {
            ending = Ending.WORKER_FAILED;
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
        int first = -1;
        for (int w = 0; w < workers; w++) {
            if (runningJobs[w] != null && failures.get(w) != null
                    && (first < 0 || runningSeqs[w] < runningSeqs[first])) {
                first = w;
            }
        }
        @SuppressWarnings("unchecked") // put there by take(): a job
        J job = first < 0 ? null : (J) runningJobs[first];
        return first < 0 ? null : new Stuck<>(job, failures.get(first));
    }

    /** @return whether a commit said stop (later results were dropped) */
    public synchronized boolean stoppedBySink() {
        return ending == Ending.STOPPED_BY_SINK;
    }
}
