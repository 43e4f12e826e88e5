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
        return !LoggingAtDefaults.debugCertainlyOff() && Holder.LOG.isLoggable(Level.DEBUG);
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
            Holder.LOG.log(Level.DEBUG, path(t) + " " + what + (detail.isEmpty() ? "" : ": " + detail));
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
