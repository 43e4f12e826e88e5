package dev.simloop.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The determinism self-check behind {@code Simulation.Builder.checkDeterminism}: the first run of
 * a seed records, for every step, which task ran, the trace digest before it ran and what the task
 * did when its step ended (blocked on what kind of object, yielded, finished); the second run of
 * the same seed compares each step with the record and names the first one that differs.
 *
 * <p>Only the loop's driver thread touches an instance. Costs nothing when the check is off: the
 * loop keeps a null reference.
 */
public final class DeterminismCheck {
    /** Recorded steps beyond this are compared only through the final digest, to bound memory. */
    private static final int MAX_RECORDED_STEPS = 1_000_000;
    private static final Object YIELDED = "yielded";
    private static final Object FINISHED = "finished";

    /** The first run's record when this instance compares; null while recording. */
    private final DeterminismCheck expected;
    // Per step, index = step - 1: the task id, how many tasks were ready when it was picked, the
    // virtual time, the digest at the end of the step and how the step ended.
    private int[] tasks = new int[256];
    private int[] readyCounts = new int[256];
    private long[] times = new long[256];
    private long[] digests = new long[256];
    private Object[] after = new Object[256];
    private int size;
    /** Task names by id, so a report can name the first run's tasks. */
    private final List<String> names = new ArrayList<>();
    private long endSteps = -1;
    private long endDigest;
    private String endFailure;
    /** The first difference found, or null. */
    private String divergence;

    private DeterminismCheck(DeterminismCheck expected) {
        this.expected = expected;
    }

    /** @return a check that records the first run */
    public static DeterminismCheck recording() {
        return new DeterminismCheck(null);
    }

    /** @return a check that compares a second run with this (finished) recording */
    public DeterminismCheck comparing() {
        if (expected != null || endSteps < 0) {
            throw new IllegalStateException("compare against a finished recording");
        }
        return new DeterminismCheck(this);
    }

    void spawned(TaskImpl<?> t) {
        names.add(t.name());
    }

    /**
     * The run ended with {@code failure} (or null).
     *
     * @return the failure the run reports: a {@link dev.simloop.NondeterminismDetected}, the original
     *     failure suppressed in it, when the runs differ only at their end
     */
    Throwable failureAtEnd(long steps, long digest, Throwable failure) {
        String divergence = runEnded(steps, digest, failure);
        if (divergence == null) {
            return failure;
        }
        var d = new dev.simloop.NondeterminismDetected(divergence);
        if (failure != null && !(failure instanceof dev.simloop.NondeterminismDetected)) {
            d.addSuppressed(failure);
        }
        return d;
    }

    /** @return the failure of a run whose step differed from the first run's, saying what to look for */
    static dev.simloop.NondeterminismDetected failure(String divergence) {
        return new dev.simloop.NondeterminismDetected(divergence + ". Something outside the simulation decides the "
                + "run: static state kept between runs, wall-clock time, real I/O, unseeded randomness, "
                + "iteration over identity hash codes, or a lock, queue or cache shared with a thread the simulation "
                + "does not own (an async logger's queue, a cache's maintenance on the common pool: simulation.md, "
                + "\"Libraries with threads of their own\").");
    }

    /**
     * A step of {@code t} just ended.
     *
     * @param step the step number, from 1
     * @param t the task that ran the step
     * @param readyCount how many tasks were ready when {@code t} was picked
     * @param now the virtual time
     * @param digest the run's digest at the end of the step
     * @return the divergence, when this step is the first that differs from the recording
     */
    String stepEnded(long step, TaskImpl<?> t, int readyCount, long now, long digest) {
        Object state = t.done ? FINISHED : t.blockedOn != null ? t.lastObject.getClass() : YIELDED;
        if (step > MAX_RECORDED_STEPS) {
            return null;
        }
        int i = (int) step - 1;
        if (expected == null) {
            record(i, t.id, readyCount, now, digest, state);
            return null;
        }
        if (divergence != null) {
            return null;
        }
        if (i >= expected.size) {
            divergence = at(step, t) + "the first run ended "
                    + "after " + expected.endSteps + " steps, but this one goes on";
        } else if (expected.tasks[i] != t.id) {
            divergence = at(step, t) + "in the first run "
                    + "task '" + expected.nameOf(expected.tasks[i]) + "' ran at this step, in this run " + t.quoted()
                    + " did";
        } else if (expected.readyCounts[i] != readyCount) {
            divergence = at(step, t) + "the same task ran, "
                    + "but in the first run " + expected.readyCounts[i] + " tasks were ready for this step, in this run "
                    + readyCount;
        } else if (expected.times[i] != now) {
            divergence = at(step, t) + "the same task ran, "
                    + "but in the first run at virtual time " + Nanos.format(expected.times[i])
                    + ", in this run at " + Nanos.format(now);
        } else if (expected.after[i] != state) {
            divergence = at(step, t) + "in the first run "
                    + "the step ended " + describe(expected.after[i]) + ", in this run it ended " + describe(state);
        } else if (expected.digests[i] != digest) {
            divergence = at(step, t) + "the same task ran "
                    + "and ended the same way, but an earlier choice among tied timers differed from the first run";
        }
        return divergence;
    }

    /** @return how a divergence's message starts: the step, and the task that ran it, named on one line */
    private static String at(long step, TaskImpl<?> t) {
        return "nondeterminism detected at step " + step + " (" + t.quoted() + "): ";
    }

    /**
     * The run ended.
     *
     * @return the divergence, when the runs differ only at their end; null when they agree or a
     *     step already reported the divergence
     */
    String runEnded(long steps, long digest, Throwable failure) {
        String outcome = failure == null ? "passed" : "failed with " + failure.getClass().getName();
        if (expected == null) {
            endSteps = steps;
            endDigest = digest;
            endFailure = outcome;
            return null;
        }
        if (divergence != null) {
            return null; // already reported at its step
        }
        if (steps != expected.endSteps) {
            divergence = "nondeterminism detected at step " + (Math.min(steps, expected.endSteps) + 1) + ": the first "
                    + "run took " + expected.endSteps + " steps, this one " + steps;
        } else if (!outcome.equals(expected.endFailure)) {
            divergence = "nondeterminism detected at the end of the run (step " + steps + "): the first run "
                    + expected.endFailure + ", this one " + outcome;
        } else if (digest != expected.endDigest) {
            divergence = "nondeterminism detected at the end of the run (step " + steps + "): the runs took the "
                    + "same steps but their trace digests differ (a timer or the virtual time differed)";
        }
        return divergence;
    }

    private void record(int i, int taskId, int readyCount, long now, long digest, Object state) {
        if (i >= tasks.length) {
            int n = tasks.length * 2;
            tasks = Arrays.copyOf(tasks, n);
            readyCounts = Arrays.copyOf(readyCounts, n);
            times = Arrays.copyOf(times, n);
            digests = Arrays.copyOf(digests, n);
            after = Arrays.copyOf(after, n);
        }
        tasks[i] = taskId;
        readyCounts[i] = readyCount;
        times[i] = now;
        digests[i] = digest;
        after[i] = state;
        size = i + 1;
    }

    private String nameOf(int id) {
        return id < names.size() ? SafeText.name(names.get(id)) : "#" + id;
    }

    private static String describe(Object state) {
        if (state == FINISHED || state == YIELDED) {
            return (String) state;
        }
        return "blocked on " + ((Class<?>) state).getSimpleName();
    }
}
