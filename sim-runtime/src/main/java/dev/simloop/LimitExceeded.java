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

    /**
     * Whether a replay of the run, under the same limits, stops here again: true for a stop at
     * {@code maxSteps} or {@code maxVirtualTime}, which count steps and virtual time, as a replay
     * repeats them; false for the limits on real time (a runaway step, an offload that did not
     * return, an interrupted wait) and a wait pinned to the driver, which depend on the machine.
     * A failure that repeats is worth pinning as a test; one that does not is not.
     *
     * @return whether a replay of the run's line stops at the same step
     */
    public boolean repeatsOnReplay() {
        String m = String.valueOf(getMessage()); // how the runtime's two messages start
        return m.startsWith(dev.simloop.internal.Limits.STOPPED_AFTER_STEPS)
                || m.startsWith(dev.simloop.internal.Limits.STOPPED_AT_VIRTUAL_TIME);
    }
}
