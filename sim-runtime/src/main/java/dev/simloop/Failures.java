package dev.simloop;

/**
 * The one rule the services follow when a cancel and a failure end the same call: the failure is
 * thrown and the {@link Cancelled} suppressed by it, since a scope would catch the {@code Cancelled},
 * and the failure with it. Otherwise the earlier of the two goes first.
 */
final class Failures {
    private Failures() {
    }

    /**
     * @param first what ended the call first, or null
     * @param next what came after it, or null
     * @return the one to throw, the other suppressed by it; null when both are; {@code first} when
     *     both are the same exception (a handler or a clean-up that throws one constant exception
     *     each time), which cannot suppress itself
     */
    static Throwable keepFirst(Throwable first, Throwable next) {
        if (first == next) {
            return first;
        }
        if (first == null || first instanceof Cancelled && next != null && !(next instanceof Cancelled)) {
            if (first != null) {
                next.addSuppressed(first);
            }
            return next;
        }
        if (next != null) {
            first.addSuppressed(next);
        }
        return first;
    }

    /**
     * Throws {@code t}, a RuntimeException or an Error (what a task's body or a close may throw
     * here, checked exceptions having been wrapped).
     *
     * @return never; declared so that a caller can write {@code throw Failures.rethrow(t)}
     */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof Error e) {
            throw e;
        }
        throw (RuntimeException) t;
    }
}
