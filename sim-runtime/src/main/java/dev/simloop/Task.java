package dev.simloop;

/**
 * A concurrent task of a loop, spawned into a {@link TaskGroup}. Each task is a virtual thread that
 * runs only when the loop lets it: one task of a loop runs at a time, until it reaches a
 * checkpoint.
 *
 * @param <T> the type of the task's value
 */
public interface Task<T> {
    /** @return the task's name, unique within its loop (defaults to {@code task-N}) */
    String name();

    /**
     * Waits for the task to finish. A checkpoint: raises {@link Cancelled} if the caller's scope is
     * cancelled, even when the task is already done.
     *
     * @return the task's value
     * @throws RuntimeException the task's failure, unchanged when unchecked, or wrapped in
     *     {@link TaskFailedException} when checked; {@link TaskCancelledException} when the task was
     *     cancelled (not a {@link java.util.concurrent.CancellationException}, so no {@code catch} of
     *     that type can take it for the caller's own {@link Cancelled})
     */
    T join();

    /** Cancels the task's own scope: the task gets {@link Cancelled} at its next checkpoint. */
    void cancel();

    /** @return whether the task has finished, in any way */
    boolean isDone();

    /** @return whether the task finished because it was cancelled */
    boolean isCancelled();

    /** @return the task's own priority; lower is more urgent, default 0 (as in asynkit) */
    int priority();

    /**
     * Sets the task's own priority; lower is more urgent.
     *
     * @param priority the new priority
     */
    void setPriority(int priority);

    /**
     * The priority the task runs with: the most urgent (lowest) of its own {@link #priority()} and
     * the effective priorities of all tasks waiting on the {@link dev.simloop.sync.PriorityLock}s it
     * holds, transitively (priority inheritance). The loop's {@link PriorityPolicy} and priority
     * locks order tasks by it.
     *
     * @return the effective priority; lower is more urgent
     */
    int effectivePriority();
}
