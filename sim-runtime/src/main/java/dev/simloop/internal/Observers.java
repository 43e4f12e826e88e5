package dev.simloop.internal;

/**
 * Who watches a run besides its digest: the {@link Trace}, when the run is traced, and the task
 * lifecycle logger ({@link TaskLog}), when {@code dev.simloop.tasks} takes DEBUG. The scheduler tells
 * it what happens; callers ask {@link #on()} before they build detail text, so a run nobody watches
 * builds none. Driver-thread state, as the scheduler's.
 */
final class Observers {
    /** The run's trace, or null when it is not traced. */
    private Trace trace;
    /** Whether the lifecycle logger listens, once {@link #logTasksAsked}. */
    private boolean logTasks;
    /**
     * Whether the logger has been asked: once per run, at the run's first event (on the driver,
     * before anything of the run is logged). Not when the loop is built: in a fresh JVM the first
     * question loads what answers it, which the {@link WarmUp} has begun beside the caller, and the
     * caller can build and hand over its run meanwhile (issue 15).
     */
    private boolean logTasksAsked;

    void enableTrace() {
        trace = new Trace();
    }

    /** @return the run's trace, or null when tracing is off */
    Trace trace() {
        return trace;
    }

    /** @return whether anyone watches (callers then build the detail text; otherwise they must not) */
    boolean on() {
        return trace != null || logTasks();
    }

    private boolean logTasks() {
        if (!logTasksAsked) {
            logTasks = TaskLog.enabled();
            logTasksAsked = true;
        }
        return logTasks;
    }

    /** {@code kind} happened to {@code t} at {@code now}, in step {@code step}, caused by {@code by} (or null). */
    void event(long now, long step, TaskImpl<?> t, Trace.Kind kind, String detail, TaskImpl<?> by) {
        if (trace != null) {
            trace.add(now, step, t, kind, detail, by);
        }
        if (logTasks()) {
            TaskLog.event(t, kind, detail, by);
        }
    }

    /** {@code t}'s wait ended ({@code kind}: a wake-up or a cancel delivered), by {@code by} or, when null, by the clock. */
    void woken(long now, long step, TaskImpl<?> t, Trace.Kind kind, TaskImpl<?> by) {
        if (trace != null) {
            trace.woken(now, step, t, kind, by);
        }
        if (logTasks()) {
            TaskLog.event(t, kind, "by the clock", by);
        }
    }

    /** {@code t}'s step ended without finishing it. */
    void stepEnded(long now, long step, TaskImpl<?> t) {
        if (trace != null) {
            trace.stepEnded(now, step, t);
        }
    }

    /** The run ends (an aborted run is unwound next). */
    void runEnded() {
        if (trace != null) {
            trace.runEnded();
        }
    }
}
