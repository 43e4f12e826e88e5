package dev.simloop;

/**
 * A concurrent task of a loop, spawned into a {@link TaskGroup}. Each task is a virtual thread that
 * runs only when the loop lets it: one task of a loop runs at a time, until it reaches a
 * checkpoint.
 *
 * <p>A task's hash code is its place in the spawn order of its run, the same in every JVM, so a
 * {@code HashSet} or {@code HashMap} of a run's tasks iterates them in the same order wherever the
 * run is replayed; two tasks are equal only when they are the same task.
 *
 * @param <T> the type of the task's value
 */
public interface Task<T> {
    /**
     * @return the name the task was spawned with, else {@code task-N} (N its place in its loop's spawn
     *     order); not unique: two tasks spawned with the same name both have it
     */
    String name();

    /**
     * Waits for the task to finish. A checkpoint: raises {@link Cancelled} if the caller's scope is
     * cancelled, even when the task is already done.
     *
     * <p>Only a task of the same loop can wait. A thread that is no task (the test after its run, a
     * thread of its own beside a real loop) may join a task that has finished ({@link #isDone()}):
     * it gets the task's outcome at once, as from a done {@code CompletableFuture}; a task not
     * finished yet, or one that its run's end unwound (the run failed elsewhere first), is refused
     * there with an {@link IllegalStateException} that says so.
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

    /**
     * Whether the task has finished. May be called from any thread, as {@code Future.isDone}: a
     * thread outside the loop that polls it sees the task end.
     *
     * @return whether the task has finished, in any way
     */
    boolean isDone();

    /**
     * Whether the task was cancelled. May be called from any thread, as {@link #isDone()}.
     *
     * @return whether the task finished because it was cancelled
     */
    boolean isCancelled();

    /** @return the task's own priority; lower is more urgent, default 0 (as in asynkit) */
    int priority();

    /**
     * Sets the task's own priority; lower is more urgent. Called from a task of the same loop.
     *
     * @param priority the new priority
     * @throws IllegalStateException when not called from a task of this task's loop
     */
    void setPriority(int priority);

    /**
     * Sets the task's own priority to a named one, as {@link #setPriority(int)}.
     *
     * @param priority the new priority
     * @throws IllegalStateException when not called from a task of this task's loop
     */
    default void setPriority(Priority priority) {
        java.util.Objects.requireNonNull(priority, "Task.setPriority: priority");
        setPriority(priority.value());
    }

    /**
     * The priority the task runs with: the most urgent (lowest) of its own {@link #priority()} and
     * the effective priorities of all tasks waiting on the {@link dev.simloop.sync.PriorityLock}s it
     * holds, transitively (priority inheritance). The loop's {@link PriorityPolicy} and priority
     * locks order tasks by it. Called from a task of the same loop, as {@link #setPriority(int)}
     * (the walk through the locks marks the tasks it visits in the scheduler's state); once the task
     * has finished it holds no lock, and any thread may read it, as its own {@link #priority()}.
     *
     * @return the effective priority; lower is more urgent
     * @throws IllegalStateException when the task has not finished and the caller is not a task of its loop
     */
    int effectivePriority();

    /**
     * Whether the task waits: it is unfinished, not running, and not in the ready queue (asynkit's
     * {@code task_is_blocked}). Every unfinished task of a loop is exactly one of blocked,
     * {@linkplain #isRunnable() runnable}, or the running one.
     *
     * @return whether the task is blocked
     */
    boolean isBlocked();

    /**
     * Whether the task is in the ready queue, waiting for its turn (asynkit's {@code task_is_runnable}).
     * The running task is not runnable.
     *
     * @return whether the task is runnable
     */
    boolean isRunnable();

    /**
     * Raises {@code exception} in this task at its current blocking point and runs it at once; the
     * caller continues after the task blocks again or ends, before any other task (asynkit's
     * {@code task_interrupt}). The wait the task was in is left as a cancel would leave it: a lock,
     * semaphore, condition or channel stays consistent, and a task it was joining is not touched.
     * A wait or operation already satisfied (a lock handed over, a permit or value taken) keeps its
     * outcome, and the exception is raised at the task's next checkpoint instead, or as its body
     * ends if it reaches none; so is one thrown into a task parked outside simloop. A task waiting at
     * the end of {@link TaskGroup#with} for the group's tasks takes it as a failure of the group's
     * body, as trio's nursery does: the group cancels its tasks and throws it once they have ended;
     * one waiting in {@link TaskGroup#start} throws it from {@code start} once the task it starts,
     * cancelled, has started or ended. A task that has not started yet raises it as it starts,
     * before its body runs (no {@code try} of the body sees it; a cancel instead lets a task run up
     * to its first checkpoint). Not a checkpoint of the caller.
     *
     * @param exception the exception to raise in the task
     * @throws IllegalStateException when the task has finished, belongs to another loop, or a
     *     cancellation is being delivered to it
     * @throws IllegalArgumentException when the task is the caller
     */
    void interrupt(RuntimeException exception);

    /**
     * Makes {@code exception} pending in this task, to be raised where it next resumes (asynkit's
     * {@code task_throw}), as {@link #interrupt} describes: a blocked task is made ready, as a cancel
     * would, but the caller goes on first. A later {@code throwIn} replaces an exception not yet raised. Prefer
     * {@link #interrupt}, which leaves no window in which the exception is pending.
     *
     * @param exception the exception to raise in the task
     * @throws IllegalStateException when the task has finished, belongs to another loop, or a
     *     cancellation is being delivered to it
     * @throws IllegalArgumentException when the task is the caller
     */
    void throwIn(RuntimeException exception);
}
