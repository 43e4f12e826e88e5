package dev.simloop;

import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures what the runtime logs to the {@code dev.simloop.tasks} System.Logger, through
 * java.util.logging (the JDK's default System.Logger backend), for the duration of a try block.
 */
final class TaskLogCapture implements AutoCloseable {
    /** Kept strongly: java.util.logging holds loggers weakly, and a collected logger forgets its level. */
    private static final Logger LOGGER = Logger.getLogger("dev.simloop.tasks");

    private final Handler handler;
    private final Level oldLevel;
    private final boolean oldParent;

    private TaskLogCapture(List<String> out, Level level) {
        this.oldLevel = LOGGER.getLevel();
        this.oldParent = LOGGER.getUseParentHandlers();
        this.handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= level.intValue()) {
                    synchronized (out) {
                        out.add((r.getLevel() == Level.FINE ? "DEBUG" : r.getLevel().getName()) + " " + r.getMessage()
                                + (r.getThrown() == null ? "" : " [" + r.getThrown() + "]"));
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        handler.setLevel(Level.ALL);
        LOGGER.setLevel(level);
        LOGGER.setUseParentHandlers(false);
        LOGGER.addHandler(handler);
    }

    /** Runs {@code r} capturing the task logger's WARNING lines (failures no one joined). */
    static void warnings(List<String> out, Runnable r) {
        try (TaskLogCapture c = new TaskLogCapture(out, Level.WARNING)) {
            c.run(r);
        }
    }

    /** Runs {@code r} capturing the lifecycle lines at DEBUG (java.util.logging's FINE) and above. */
    static void debug(List<String> out, Runnable r) {
        try (TaskLogCapture c = new TaskLogCapture(out, Level.FINE)) {
            c.run(r);
        }
    }

    private void run(Runnable r) {
        r.run();
    }

    @Override
    public void close() {
        LOGGER.removeHandler(handler);
        LOGGER.setLevel(oldLevel);
        LOGGER.setUseParentHandlers(oldParent);
    }
}
