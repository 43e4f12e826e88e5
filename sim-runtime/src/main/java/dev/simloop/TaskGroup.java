package dev.simloop;

import dev.simloop.internal.Current;
import dev.simloop.internal.GroupImpl;
import dev.simloop.internal.GroupRules;
import dev.simloop.internal.RunHashes;
import dev.simloop.internal.StartState;
import dev.simloop.internal.Steering;
import dev.simloop.internal.TaskImpl;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
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
    /** This object's hash code once taken, 0 before: set only through HASH ({@code RunHashes}). */
    private int hash;
    private static final VarHandle HASH = RunHashes.slot(MethodHandles.lookup());

    private final GroupImpl impl;

    private TaskGroup(GroupImpl impl) {
        this.impl = impl;
    }

    /** Opens a group in the calling task and gives it its public face. */
    static TaskGroup open(String call) {
        GroupImpl g = GroupImpl.open(call);
        TaskGroup tg = new TaskGroup(g);
        g.setFacade(tg);
        return tg;
    }

    GroupImpl impl() {
        return impl;
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
        TaskGroup tg = open("TaskGroup.with");
        return tg.impl.run(new Body<>(body, tg));
    }

    /**
     * A group's body applied to its group: a named class rather than a lambda, whose first use would
     * spin a class on a fresh JVM's first run (issue 15).
     */
    private static final class Body<T> implements ThrowingSupplier<T> {
        private final ThrowingFunction<TaskGroup, T> body;
        private final TaskGroup group;

        Body(ThrowingFunction<TaskGroup, T> body, TaskGroup group) {
            this.body = body;
            this.group = group;
        }

        @Override
        public T get() throws Exception {
            return body.apply(group);
        }
    }

    /**
     * A body with no value that is also a {@link ThrowingSupplier}, as one that returns null (any
     * other runnable is the task's body itself; named for the reason {@link Body} is).
     */
    private static final class NoValue implements ThrowingSupplier<Void> {
        private final ThrowingRunnable fn;

        NoValue(ThrowingRunnable fn) {
            this.fn = fn;
        }

        @Override
        public Void get() throws Exception {
            fn.run();
            return null;
        }
    }

    /**
     * Like {@link #with}, with a deadline {@code timeout} from now for the whole group (traio's
     * {@code Scope(timeout=...)}): at the deadline the group (its body and every task) is cancelled,
     * and once all have finished {@link DeadlineExceeded} is thrown: whenever the deadline cancelled
     * the group, even when the body or its tasks handled the cancel (unlike
     * {@link CancelScope#failAfter}, which raises only when its scope caught the cancel). A group
     * cancelled before its deadline ({@link #cancel()}, a failure) ends as it would without one, even
     * when its tasks' clean-up outlasts the deadline.
     *
     * @param timeout how long the group may take; must not be negative
     * @param body the group's body
     * @param <T> the body's result type
     * @return the body's value, or null when the group was cancelled with {@link #cancel()}
     * @throws DeadlineExceeded when the deadline cancelled the group
     */
    public static <T> T withTimeout(Duration timeout, ThrowingFunction<TaskGroup, T> body) {
        Objects.requireNonNull(timeout, "TaskGroup.withTimeout: timeout");
        Objects.requireNonNull(body, "TaskGroup.withTimeout: body");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("TaskGroup.withTimeout: the timeout must not be negative, but was "
                    + timeout);
        }
        TaskGroup tg = open("TaskGroup.withTimeout");
        long now = tg.impl.loop().now();
        long nanos = CancelScope.saturatedNanos(timeout);
        tg.impl.setDeadline(nanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos);
        T value = tg.impl.run(() -> body.apply(tg));
        if (tg.impl.timedOut()) {
            long deadline = nanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos;
            throw new DeadlineExceeded(CancelScope.deadlinePassed("TaskGroup.withTimeout", nanos, deadline,
                    tg.impl.loop().now(), "the group"));
        }
        return value;
    }

    /**
     * The innermost group of the calling task (traio's {@code Scope.get_current()}): the innermost
     * group its body has open, else the group the task was spawned into. Inside a
     * {@link Supervisor} or a {@link PersistentTaskGroup} it is a view of that group: tasks spawned
     * through it follow that group's rules.
     *
     * @return the group
     * @throws IllegalStateException when not called from a loop task
     */
    public static TaskGroup current() {
        return current("TaskGroup.current");
    }

    /** As {@link #current()}; its messages name {@code call}, the API call the user made ({@code Loop.executor}). */
    static TaskGroup current(String call) {
        TaskImpl<?> me = Current.task(call);
        GroupImpl g = GroupImpl.innermost(me);
        if (g == null) {
            // only Loop.runSync outside a loop runs user code in a task with no group (Loop.run and
            // Simulation.run run theirs in the root group)
            throw new IllegalStateException(call + ": " + me + " runs in Loop.runSync called outside any loop, where"
                    + " no task group is open; call it from code that Loop.run or Simulation.run runs (Loop.runSync"
                    + " inside their tasks has the task's groups)");
        }
        return (TaskGroup) g.facade();
    }

    /** The root group of the loop running the calling task (see {@link Loop#rootGroup()}). */
    static TaskGroup root(String call) {
        TaskImpl<?> me = Current.task(call);
        dev.simloop.internal.SyncRun.checkMayBlock(me); // in Loop.runSync there is no root group to find
        GroupImpl g = me.loop().rootGroup();
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
        return spawn((String) null, fn);
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
        return spawn(name, fn, "TaskGroup.spawn");
    }

    /** As {@link #spawn(String, ThrowingSupplier)}; its messages name {@code call}, the API call the user made. */
    <T> Task<T> spawn(String name, ThrowingSupplier<T> fn, String call) {
        Objects.requireNonNull(fn, call + ": fn");
        return impl.spawn(name, fn, (StartState) null, call);
    }

    /**
     * Spawns a task with no value.
     *
     * @param fn the task's body
     * @return the task; its value is null
     */
    public Task<Void> spawn(ThrowingRunnable fn) {
        return spawn((String) null, fn);
    }

    /**
     * Spawns a named task with no value.
     *
     * @param name the task's name; null for {@code task-N}
     * @param fn the task's body
     * @return the task; its value is null
     */
    public Task<Void> spawn(String name, ThrowingRunnable fn) {
        return spawn(name, fn, "TaskGroup.spawn");
    }

    /** As {@link #spawn(String, ThrowingRunnable)}; its messages name {@code call}, the API call the user made. */
    Task<Void> spawn(String name, ThrowingRunnable fn, String call) {
        Objects.requireNonNull(fn, call + ": fn");
        if (fn instanceof ThrowingSupplier<?>) { // its task would call get(), not run()
            return impl.spawn(name, new NoValue(fn), (StartState) null, call);
        }
        return impl.spawn(name, fn, call);
    }

    /**
     * Spawns a task with options (traio's spawn flags: see {@link TaskOptions}).
     *
     * @param options the name and the bubble, master and awaited flags
     * @param fn the task's body
     * @param <T> the task's value type
     * @return the task
     */
    public <T> Task<T> spawn(TaskOptions options, ThrowingSupplier<T> fn) {
        Objects.requireNonNull(options, "TaskGroup.spawn: options");
        Objects.requireNonNull(fn, "TaskGroup.spawn: fn");
        return impl.spawnWithOptions(options.name(), fn,
                new GroupRules.ChildOptions(options.isBubble(), options.isMaster(), options.isAwaited()), "TaskGroup.spawn");
    }

    /**
     * Spawns a task with no value, with options (see {@link TaskOptions}).
     *
     * @param options the name and the bubble, master and awaited flags
     * @param fn the task's body
     * @return the task; its value is null
     */
    public Task<Void> spawn(TaskOptions options, ThrowingRunnable fn) {
        Objects.requireNonNull(fn, "TaskGroup.spawn: fn");
        return spawn(options, () -> {
            fn.run();
            return null;
        });
    }

    /**
     * Spawns a periodic timer (aiotools' {@code create_timer}): a task that starts a tick task at
     * fixed rate, at {@code t0 + k·interval} for k = 0, 1, 2, ... (the first at once), until it is
     * cancelled. Cancelling the returned task cancels the timer and waits for its running ticks; a
     * tick's failure cancels the timer and fails this group (the tick tasks live in the timer's own
     * group). Tick tasks are named {@code name#k}.
     *
     * @param name the timer task's name
     * @param interval the period; must be positive
     * @param policy what happens to a tick still running when the next one starts
     * @param tick the work of one tick
     * @return the timer task; cancel it to stop the timer
     */
    public Task<Void> spawnTimer(String name, Duration interval, Timer.DelayPolicy policy, ThrowingRunnable tick) {
        Objects.requireNonNull(name, "TaskGroup.spawnTimer: name");
        Objects.requireNonNull(interval, "TaskGroup.spawnTimer: interval");
        Objects.requireNonNull(policy, "TaskGroup.spawnTimer: policy");
        Objects.requireNonNull(tick, "TaskGroup.spawnTimer: tick");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("TaskGroup.spawnTimer: the interval must be positive, but was " + interval);
        }
        ThrowingSupplier<Void> timer = () -> Timer.run(name, CancelScope.saturatedNanos(interval), policy, tick);
        return spawn(name, timer, "TaskGroup.spawnTimer");
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
     * A {@link java.util.concurrent.ThreadFactory} whose threads become tasks of this group when
     * they are started; otherwise as {@link Loop#threadFactory()}.
     *
     * @return the factory
     * @throws IllegalStateException when not called from a task of this group's loop
     */
    public java.util.concurrent.ThreadFactory threadFactory() {
        return dev.simloop.internal.ThreadTasks.ofGroup(impl, "TaskGroup.threadFactory");
    }

    /**
     * An {@link java.util.concurrent.ExecutorService} whose work runs as tasks of this group, for JDK
     * code that takes an executor ({@code CompletableFuture.supplyAsync(f, tg.executor())},
     * {@code invokeAll}, submit and get). Each {@code execute}/{@code submit} spawns a task at once;
     * there is no queue, so {@code shutdownNow()} returns an empty list.
     *
     * <ul>
     *   <li>A {@code Future}'s {@code get()} waits in simloop: a checkpoint, cancellable, named in
     *       deadlock reports; its timed {@code get} and {@code awaitTermination} count loop time.
     *   <li>Work given to {@code execute} has no future, so its failure is a failure of this group;
     *       work given to {@code submit} or {@code invokeAll}/{@code invokeAny} keeps its failure in
     *       its future ({@code ExecutionException}), as with any executor. A cancel of the task
     *       that waits in {@code invokeAll} or {@code invokeAny} is raised there as {@link Cancelled}
     *       and cancels the work that is not done.
     *   <li>{@code close()} shuts the executor down and waits for all its tasks (structured); if the
     *       waiting task is cancelled meanwhile, it cancels them, waits for them, then raises
     *       {@link Cancelled}. Called from one of the executor's own tasks, which it would wait
     *       for, it throws {@link IllegalStateException}. {@code shutdownNow()} cancels every running task;
     *       {@code Future.cancel(true)} cancels the future's task.
     *   <li>After a shutdown, {@code execute} and {@code submit} throw
     *       {@link java.util.concurrent.RejectedExecutionException}.
     *   <li>Once this group has finished, the executor is terminated, shut down or not: nothing of it
     *       runs or can start, and {@code close()}, {@code shutdown()}, {@code shutdownNow()} and
     *       {@code awaitTermination} have nothing to do, from any thread (the test after the run,
     *       JUnit closing an {@code @AutoClose} field); a task outside the group that waits in
     *       {@code awaitTermination} returns true as the group finishes.
     * </ul>
     * Use it only from tasks of this group's loop. The group waits for the executor's tasks at its
     * end, as for any task spawned into it.
     *
     * @return a new executor for this group
     * @throws IllegalStateException when not called from a loop task
     */
    public java.util.concurrent.ExecutorService executor() {
        dev.simloop.internal.Current.task("TaskGroup.executor");
        return new LoopExecutor(this, "TaskGroup.executor()");
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

    /** The same in every replay of a simulation (simulation.md, "Nondeterminism"); equality stays identity. */
    @Override
    public int hashCode() {
        return RunHashes.of(this, HASH);
    }
}
