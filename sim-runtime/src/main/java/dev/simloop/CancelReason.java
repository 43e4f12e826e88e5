package dev.simloop;

/** Why a cancel scope was cancelled. The first reason recorded on a scope wins. */
public enum CancelReason {
    /** {@link CancelScope#cancel()}, {@link TaskGroup#cancel()} or {@link Task#cancel()} was called. */
    EXPLICIT("cancelled explicitly"),
    /** The scope's deadline passed. */
    DEADLINE("deadline passed"),
    /** A task of the group failed, so the group cancelled its body and its other tasks. */
    GROUP_FAILURE("a task in the group failed"),
    /** The process received SIGINT or SIGTERM (real mode only), which cancels the root group. */
    SIGNAL("the process received a termination signal"),
    /**
     * The task's thread was interrupted ({@link Thread#interrupt()}): an interrupt of a task is a
     * request to cancel it, like {@link Task#cancel()}.
     */
    INTERRUPTED("the task's thread was interrupted");

    private final String description;

    CancelReason(String description) {
        this.description = description;
    }

    /** @return a short human description, as used in {@link Cancelled} messages */
    public String description() {
        return description;
    }
}
