package dev.simloop;

import dev.simloop.internal.GroupImpl;
import dev.simloop.internal.Current;
import dev.simloop.internal.StartState;
import dev.simloop.internal.Steering;
import dev.simloop.internal.TaskImpl;
import java.util.Objects;

/**
 * A task group (a nursery): the only way to run tasks concurrently, and the guarantee that none
 * outlives the block that started it.
 *
 * <pre>{@code
 * int total = TaskGroup.with(tg -> {
 *     Task<Integer> a = tg.spawn("a", () -> fetch(1));
 *     Task<Integer> b = tg.spawn("b", () -> fetch(2));
 *     return a.join() + b.join();
 * });
 * }</pre>
 *
 * <p>Rules: {@link #with} returns only when its body and every task spawned into the group have
 * finished. The first failure of a task or of the body cancels the body and all other tasks; the
 * group then rethrows that first failure (unchanged if unchecked, wrapped in
 * {@link TaskFailedException} if checked) with every other failure attached as suppressed. The
 * {@link Cancelled} that this cancellation causes in the other tasks is never reported. Tasks may be
 * spawned while the body runs and while the group waits for its tasks; after the group has finished,
 * {@code spawn} throws {@link IllegalStateException}.
 */
public final class TaskGroup {
    private final GroupImpl impl;

    private TaskGroup(GroupImpl impl) {
        this.impl = impl;
    }

    /**
     * Opens a group, runs {@code body} with it in the calling task, then waits for every task of the
     * group.
     *
     * @param body the group's body; may spawn tasks and block
     * @param <T> the body's result type
     * @return the body's value, or null when the group was cancelled with {@link #cancel()}
     * @throws IllegalStateException when not called from a loop task
     */
    public static <T> T with(ThrowingFunction<TaskGroup, T> body) {
        Objects.requireNonNull(body, "TaskGroup.with: body");
        GroupImpl g = GroupImpl.open("TaskGroup.with");
        TaskGroup tg = new TaskGroup(g);
        g.setFacade(tg);
        return g.run(() -> body.apply(tg));
    }

    /** The root group of the loop running the calling task (see {@link Loop#rootGroup()}). */
    static TaskGroup root(String call) {
        GroupImpl g = Current.task(call).loop().rootGroup();
        if (g == null) {
            throw new IllegalStateException(call + ": the loop's root group is not open yet");
        }
        return (TaskGroup) g.facade();
    }

    /**
     * Spawns a task named {@code task-N}.
     *
     * @param fn the task's body
     * @param <T> the task's value type
     * @return the task
     */
    public <T> Task<T> spawn(ThrowingSupplier<T> fn) {
        return spawn(null, fn);
    }

    /**
     * Spawns a named task. The task starts running at the loop's next scheduling decision and runs
     * at least up to its first checkpoint, even if the group is already cancelled.
     *
     * @param name the task's name, used in traces, deadlock reports and thread dumps; null for
     *     {@code task-N}
     * @param fn the task's body
     * @param <T> the task's value type
     * @return the task
     */
    public <T> Task<T> spawn(String name, ThrowingSupplier<T> fn) {
        Objects.requireNonNull(fn, "TaskGroup.spawn: fn");
        return impl.spawn(name, fn, null, "TaskGroup.spawn");
    }

    /**
     * Spawns a task with no value.
     *
     * @param fn the task's body
     * @return the task; its value is null
     */
    public Task<Void> spawn(ThrowingRunnable fn) {
        return spawn(null, fn);
    }

    /**
     * Spawns a named task with no value.
     *
     * @param name the task's name; null for {@code task-N}
     * @param fn the task's body
     * @return the task; its value is null
     */
    public Task<Void> spawn(String name, ThrowingRunnable fn) {
        Objects.requireNonNull(fn, "TaskGroup.spawn: fn");
        return impl.spawn(name, () -> {
            fn.run();
            return null;
        }, null, "TaskGroup.spawn");
    }

    /**
     * Spawns a task and runs it at once, depth-first (asynkit's {@code eager}): the child runs on
     * the caller's turn until it first blocks or finishes, then the caller continues before any
     * other task. In a simulation this is not a choice of the strategy: the order is the program's.
     * Not a checkpoint for cancellation.
     *
     * @param name the task's name; null for {@code task-N}
     * @param fn the task's body
     * @param <T> the task's value type
     * @return the task; already done when the child never blocked
     */
    public <T> Task<T> spawnEager(String name, ThrowingSupplier<T> fn) {
        Objects.requireNonNull(fn, "TaskGroup.spawnEager: fn");
        TaskImpl<T> child = impl.spawn(name, fn, null, "TaskGroup.spawnEager");
        Steering.runNow(Current.task("TaskGroup.spawnEager"), child, true);
        return child;
    }

    /**
     * Like {@link #spawnEager(String, ThrowingSupplier)}, for a task with no value.
     *
     * @param name the task's name; null for {@code task-N}
     * @param fn the task's body
     * @return the task; its value is null
     */
    public Task<Void> spawnEager(String name, ThrowingRunnable fn) {
        Objects.requireNonNull(fn, "TaskGroup.spawnEager: fn");
        return spawnEager(name, () -> {
            fn.run();
            return null;
        });
    }

    /** The body of a task started with {@link #start}: it calls {@code status.started(v)} when ready. */
    @FunctionalInterface
    public interface Startable<T> {
        /**
         * Runs the task.
         *
         * @param status call {@link TaskStatus#started(Object)} exactly once when ready
         * @throws Exception any failure
         */
        void run(TaskStatus<T> status) throws Exception;
    }

    /**
     * Starts a task and waits until it reports that it is ready (trio's {@code nursery.start}).
     * Returns the value the task passes to {@link TaskStatus#started(Object)}; the task keeps
     * running in this group afterwards. A failure of the task before {@code started} is thrown from
     * here (and not reported by the group); finishing without calling {@code started} throws
     * {@link IllegalStateException}. A checkpoint.
     *
     * @param body the task's body
     * @param <T> the type of the start value
     * @return the value given to {@code started}
     */
    public <T> T start(Startable<T> body) {
        return start(null, body);
    }

    /**
     * Like {@link #start(Startable)}, for a named task.
     *
     * @param name the task's name; null for {@code task-N}
     * @param body the task's body
     * @param <T> the type of the start value
     * @return the value given to {@code started}
     */
    public <T> T start(String name, Startable<T> body) {
        Objects.requireNonNull(body, "TaskGroup.start: body");
        TaskImpl<?> me = Current.task("TaskGroup.start");
        me.loop().checkCancelled(me);
        StartState state = new StartState("TaskGroup.start");
        TaskStatus<T> status = new TaskStatus<>(state);
        TaskImpl<Void> child = impl.spawn(name, () -> {
            body.run(status);
            return null;
        }, state, "TaskGroup.start");
        @SuppressWarnings("unchecked") // the value the child gave to status.started(T)
        T value = (T) state.await(me, child);
        return value;
    }

    /**
     * Cancels the group's body and all of its current and future tasks. The group then ends
     * normally: {@link #with} returns null instead of throwing {@link Cancelled}.
     */
    public void cancel() {
        impl.cancel("TaskGroup.cancel");
    }

    /** @return whether the group has been cancelled (explicitly, by a failure, or by its deadline) */
    public boolean isCancelled() {
        return impl.isCancelled();
    }
}
