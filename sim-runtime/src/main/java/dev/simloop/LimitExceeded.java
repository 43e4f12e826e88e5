package dev.simloop;

/**
 * A simulation stopped before its program ended: it reached {@code maxSteps} or
 * {@code maxVirtualTime} (or its only timer left is at the end of time); a task ran
 * {@code maxStepWallTime} of real time without a checkpoint, or code blocked the driver that long,
 * or {@code Loop.toThread} work did not return in that time; a task waited pinned to the loop's
 * driver, where nothing could end its wait (inside a static initializer); or the thread waiting
 * for the run was interrupted. The message says which, the limit's value and how to raise it, and
 * for a task that held the driver, its name and stack.
 */
public class LimitExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message which limit, its value, and how to raise it */
    public LimitExceeded(String message) {
        super(message);
    }
}
