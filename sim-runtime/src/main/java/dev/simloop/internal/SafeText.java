package dev.simloop.internal;

/**
 * A user's exception as text, for reports that must not fail. A failure's {@code toString()} and
 * {@code getMessage()} are user code: when one throws, the report of the run (its message, its
 * replay line, the trace that records the failure, the shrinker's comparison) would be lost to
 * that exception, or a task that failed would not finish. These say what the failure is instead.
 */
public final class SafeText {
    private SafeText() {
    }

    /** @return {@code t.toString()}, or its class and what its {@code toString()} threw */
    public static String of(Throwable t) {
        if (t == null) {
            return "null";
        }
        try {
            return t.toString();
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            return t.getClass().getName() + " (its toString() threw " + e.getClass().getName() + ")";
        }
    }

    /** @return {@code t.getMessage()} (null when it is), or what its {@code getMessage()} threw, in parentheses */
    public static String message(Throwable t) {
        try {
            return t.getMessage();
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            return "(its getMessage() threw " + e.getClass().getName() + ")";
        }
    }
}
