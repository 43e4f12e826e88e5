package dev.simloop.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Task lifecycle logging (traio's "names and logger"): spawn, finish, fail, cancel requested and
 * cancel delivered, through the {@link System.Logger} named {@value #NAME} at DEBUG, each line
 * naming the task by its path of task names ({@code main/server/conn-3}). The runtime has no
 * logging dependency: users route the logger with their own {@link System.LoggerFinder}. Whether
 * it is on is read once per run, at its first event (see {@code Observers}), so a run with it off
 * pays one boolean check per event, the same check that tracing costs. In a JVM whose logging is
 * at the JDK's defaults and has not started, the answer is known without asking the logger
 * ({@link LoggingAtDefaults}), and the logger is made only when it is asked.
 */
final class TaskLog {
    /** The logger's name. */
    static final String NAME = "dev.simloop.tasks";

    private TaskLog() {
    }

    /** The logger, made when first asked: making it may start the JDK's logging. */
    private static final class Holder {
        static final Logger LOG = System.getLogger(NAME);
    }

    /** @return whether lifecycle events are logged (the logger takes DEBUG) */
    static boolean enabled() {
        if (LoggingAtDefaults.debugCertainlyOff()) {
            return false;
        }
        boolean[] on = new boolean[1];
        call(() -> on[0] = Holder.LOG.isLoggable(Level.DEBUG)); // asking may start the backend, which locks
        return on[0];
    }

    /**
     * Makes {@code log}, a call into the logging backend, on the calling thread; from a task of a
     * simulation, with the task pinned to its driver. A backend locks its output (a
     * java.util.logging handler's publish is synchronized), and every thread of the JVM shares it: a
     * task that met that lock held by another run's log call (simulations run at once, a test's
     * parallel execution) waited for it outside simloop, which cost its run a step, so the run's
     * digest, steps and replay line were not those of its seed alone. Pinned, the wait is real time
     * inside the step, as a quicker backend's would be.
     *
     * @param log the call into the backend
     */
    static void call(Runnable log) {
        TaskImpl<?> t = Current.orNull();
        if (t == null || !t.loop.simulated) {
            log.run(); // the driver, a thread outside, or a real loop's task (which may wait as any call does)
            return;
        }
        jdk.internal.vm.Continuation.pin();
        try {
            log.run();
        } finally {
            jdk.internal.vm.Continuation.unpin();
        }
    }

    /** Logs {@code kind} of {@code t}, if it is a lifecycle event; driver thread or the task itself. */
    static void event(TaskImpl<?> t, Trace.Kind kind, String detail, TaskImpl<?> by) {
        if (by != null) {
            detail = "by " + by.name(); // the task that caused it by name, as paths name tasks (traces add ids: main#0)
        }
        String what = switch (kind) {
            case SPAWN -> "spawned";
            case FINISH -> "finished";
            case FAIL -> "failed";
            case CANCEL_REQUESTED -> "cancel requested";
            case CANCEL_DELIVERED -> "cancel delivered";
            default -> null;
        };
        if (what != null) {
            String line = path(t) + " " + what + (detail.isEmpty() ? "" : ": " + detail);
            call(() -> Holder.LOG.log(Level.DEBUG, line));
        }
    }

    /** @return the names of the tasks from the root task down to {@code t}, joined with '/' */
    static String path(TaskImpl<?> t) {
        StringBuilder sb = new StringBuilder(t.name());
        for (GroupImpl g = t.group; g != null; g = g.owner.group) {
            sb.insert(0, '/').insert(0, g.owner.name());
        }
        return sb.toString();
    }
}
