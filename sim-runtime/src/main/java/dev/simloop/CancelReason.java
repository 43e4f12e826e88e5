package dev.simloop;

/** Why a cancel scope was cancelled. The first reason recorded on a scope wins. */
public enum CancelReason {
    /** {@link CancelScope#cancel()}, {@link TaskGroup#cancel()} or {@link Task#cancel()} was called. */
    EXPLICIT("cancelled explicitly"),
    /** The scope's deadline passed. */
    DEADLINE("deadline passed"),
    /**
     * The task group failed, so it cancelled its body and its tasks: a task of the group failed, its
     * body threw, or an exception ({@link Task#interrupt}, {@code throwIn}, {@link Loop#taskTimeout})
     * was thrown into its owner as it waited for its tasks. Also the reason of the task that
     * {@link TaskGroup#start} starts, cancelled until it calls {@code started()}, when such an
     * exception is thrown into the caller of {@code start}. The {@link Cancelled}'s message says which:
     * {@code cancelled: task 'worker' in the group failed (task group opened by task 'main')},
     * {@code cancelled: the group's body failed (...)}.
     */
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

    /**
     * @return a short human description, as used in {@link Cancelled} messages; for
     *     {@link #GROUP_FAILURE} the message says more precisely what failed (which task, or the body)
     */
    public String description() {
        return description;
    }
}
