package dev.simloop;

import dev.simloop.internal.AllBlockedWaiters;
import dev.simloop.internal.Drivers;
import dev.simloop.internal.Interrupts;
import dev.simloop.internal.Current;
import dev.simloop.internal.RunOutcome;
import dev.simloop.internal.Scheduler;
import dev.simloop.internal.Steering;
import dev.simloop.internal.SyncRun;
import dev.simloop.internal.TaskImpl;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Runs a loop, and the calls a task makes to it. Every method except {@link #run}, {@link #inLoop}
 * and {@link #runSync} (which makes a real loop of its own when called outside one) must be called
 * from a loop task and throws {@link IllegalStateException} naming the call otherwise.
 *
 * <p>A loop runs one task at a time: a task runs until it reaches a <em>checkpoint</em> (every
 * blocking call of simloop is one, and {@link #checkpoint()} is the explicit one), so code between
 * checkpoints needs no locks. The same code runs on the wall clock with {@link #run} and on a
 * virtual clock with {@link Simulation#run}.
 */
public final class Loop {
    private Loop() {
    }

    /**
     * Runs {@code main} on a real loop (wall clock, production order) until it and every task it
     * spawned have finished. {@code main} is the body of the loop's root {@link TaskGroup}.
     * SIGINT and SIGTERM cancel the root group while the loop runs, so shielded clean-up still runs;
     * once the last running loop has ended, a SIGTERM is raised again for the handler it was kept
     * from, so that the JVM's own ends the process as it would have without simloop (after the
     * shutdown hooks, whatever other threads are alive), while after a SIGINT the program goes on
     * (unless the application has a SIGINT handler of its own, which gets it as it would have);
     * a second signal ends the JVM at once (for a task that ignores cancellation).
     * An interrupt of the calling thread (a {@code Future.cancel(true)}, an executor's
     * {@code shutdownNow()}) cancels the root group the same way, with reason
     * {@link CancelReason#INTERRUPTED}, and the thread's interrupt status is set again when this
     * returns; a caller interrupted before the call gets a root group cancelled from the start. A
     * second interrupt stops the loop at its next step ({@link LimitExceeded}), for a task that
     * ignores the cancel.
     *
     * @param main the root task's body
     * @param <T> the value type
     * @return main's value; null when a signal or an interrupt of the caller cancelled the root
     *     group before main returned one
     * @throws RuntimeException main's failure (checked ones wrapped in {@link TaskFailedException}),
     *     {@link TaskCancelledException} when the main task itself was cancelled (its
     *     {@link Task#cancel()}, or an interrupt of its thread), as {@link Task#join()} reports a
     *     cancelled task, with the {@link Cancelled} as its cause; or {@link DeadlockDetected} when
     *     every task blocks with nothing to wake them
     * @throws IllegalStateException when called from a task: a loop does not run inside another
     *     loop's task (spawn the work in a {@link TaskGroup} of the current loop instead)
     */
    public static <T> T run(ThrowingSupplier<T> main) {
        Objects.requireNonNull(main, "Loop.run: main");
        return run(null, main);
    }

    /**
     * Like {@link #run(ThrowingSupplier)}, with a priority policy: the ready task with the most
     * urgent {@linkplain Task#effectivePriority() effective priority} runs next (FIFO among equals),
     * and a task passed over for {@link PriorityPolicy#boostAfterSteps()} steps is boosted so it
     * cannot starve.
     *
     * @param policy the policy; null runs in plain FIFO order like {@link #run(ThrowingSupplier)}
     * @param main the root task's body
     * @param <T> the value type
     * @return main's value
     * @throws RuntimeException as {@link #run(ThrowingSupplier)}
     */
    public static <T> T run(PriorityPolicy policy, ThrowingSupplier<T> main) {
        Objects.requireNonNull(main, "Loop.run: main");
        return run("main", policy, main);
    }

    /** As {@link #run(PriorityPolicy, ThrowingSupplier)}, the root task named {@code rootName} ({@link Workers}' {@code worker-i}). */
    static <T> T run(String rootName, PriorityPolicy policy, ThrowingSupplier<T> main) {
        Scheduler loop = Scheduler.real();
        loop.nameRoot(rootName);
        if (policy != null) {
            loop.setPriorityPolicy(policy.newScheduling());
        }
        // Interrupted before the run: the root group starts cancelled, the same in every run (not
        // after however much of it ran before the interrupt was seen), and the status is set again.
        boolean interruptedBefore = Thread.interrupted();
        if (interruptedBefore) {
            loop.cancelRootGroupAtStart(CancelReason.INTERRUPTED);
        }
        RunOutcome o;
        try {
            o = Drivers.call(() -> loop.run(() -> TaskGroup.with(root -> main.get())), caller -> loop.callerInterrupted());
        } finally {
            if (interruptedBefore) {
                Thread.currentThread().interrupt();
            }
        }
        Throwable f = o.failure();
        if (f instanceof RuntimeException e) {
            throw e;
        }
        if (f instanceof Error e) {
            throw e;
        }
        @SuppressWarnings("unchecked") // the outcome's value is what main returned: a T
        T value = (T) o.value();
        return value;
    }

    /**
     * Sleeps for {@code d} on the loop clock. A checkpoint, even for zero.
     *
     * @param d how long; must not be negative
     */
    public static void sleep(Duration d) {
        Objects.requireNonNull(d, "Loop.sleep: duration");
        if (d.isNegative()) {
            throw new IllegalArgumentException("Loop.sleep: the duration must not be negative, but was " + d);
        }
        TaskImpl<?> me = Current.task("Loop.sleep");
        long now = me.loop().now();
        long nanos = CancelScope.saturatedNanos(d);
        me.loop().sleepUntil(me, nanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos);
    }

    /**
     * Sleeps until the loop clock reaches {@code deadlineNanos}. A checkpoint.
     *
     * @param deadlineNanos on the loop clock ({@link #nanoTime()}); a past deadline just checkpoints
     */
    public static void sleepUntil(long deadlineNanos) {
        TaskImpl<?> me = Current.task("Loop.sleepUntil");
        me.loop().sleepUntil(me, deadlineNanos);
    }

    /**
     * @return the loop clock in nanos; virtual time starts at 0, real time when {@link #run} was
     *     called (which, in a fresh JVM's first run, includes the runtime's start-up, tens to a few hundred
     *     milliseconds before the body starts)
     */
    public static long nanoTime() {
        return Current.task("Loop.nanoTime").loop().now();
    }

    /** @return a {@link Clock} that follows the loop clock (virtual time 0 is 2025-01-01T00:00:00Z) */
    public static Clock clock() {
        return Current.task("Loop.clock").loop().javaClock();
    }

    /**
     * Returns once every other task of the loop is blocked (waiting on a primitive, a join, a sleep,
     * the outside world), without moving the clock: in a simulation, the virtual time is the same
     * when it returns. For tests that check an intermediate state precisely: start tasks, call this,
     * and assert what they did up to their next wait (trio's {@code wait_all_tasks_blocked},
     * kotlinx-coroutines-test's {@code runCurrent}). A checkpoint; works in both modes.
     *
     * @throws Cancelled when the calling task's scope is cancelled
     */
    public static void waitAllTasksBlocked() {
        AllBlockedWaiters.awaitAllBlocked("Loop.waitAllTasksBlocked");
    }

    /**
     * A checkpoint: raises {@link Cancelled} if the calling task is inside a cancelled scope, then
     * yields: in a real loop every other ready task runs before this one continues; in a simulation
     * the strategy picks which ready task runs next, this one included (an interleaving to explore).
     * A cancel that comes while the task waits for its turn is raised as it resumes, here (trio's
     * order: its checkpoint checks after its schedule point).
     */
    public static void checkpoint() {
        TaskImpl<?> me = Current.task("Loop.checkpoint");
        me.loop().checkpoint(me);
    }

    /**
     * A checkpoint that says "I am waiting for another task to change something" (like
     * {@link Thread#onSpinWait()}): call it in every retry loop that polls state other tasks set,
     * instead of {@link #checkpoint()}. It raises {@link Cancelled} in a cancelled scope and lets
     * every other ready task run, as {@code checkpoint()} does; in addition it tells the
     * simulation's strategy that running the caller again at once would only repeat the check.
     * {@link Strategy#pct(int) PCT} then lowers the caller's priority below every other task's until
     * another task's step ends (a task with the highest priority that polls with a plain checkpoint
     * is chosen again and again, until the step limit ends the run with {@link LimitExceeded}); the
     * schedule without preemptions ({@link Strategy#nonPreemptive()}, and the preemption- and
     * delay-bounded searches, which continue with it) lets the first other ready task go on instead
     * of the caller. The other strategies treat it as a plain checkpoint, and their runs are the same
     * with either call.
     *
     * <pre>{@code
     * while (!ready[0]) {
     *     Loop.spinWait();
     * }
     * }</pre>
     */
    public static void spinWait() {
        TaskImpl<?> me = Current.task("Loop.spinWait");
        me.loop().spinWait(me);
    }

    /**
     * A checkpoint that says what the caller is about to access: as {@link #checkpoint()}, and the
     * strategies hear that the step resuming here operates on {@code touched}. Partial order
     * sampling ({@link Strategy#pos()}) then treats the steps of two tasks as racing when they touch
     * the same object, and as independent when they touch different ones (a plain checkpoint
     * touches nothing, so it races with nothing). Code that models preemptive access to memory
     * calls it before each access of a shared field, naming the field's owner; {@link Shared} does
     * so on every access.
     *
     * @param touched what the code after the checkpoint reads or writes (compared by identity)
     * @throws NullPointerException when {@code touched} is null
     */
    public static void checkpoint(Object touched) {
        Objects.requireNonNull(touched, "Loop.checkpoint: touched");
        TaskImpl<?> me = Current.task("Loop.checkpoint");
        me.loop().checkpoint(me, touched);
    }

    /**
     * Raises {@link Cancelled} if the calling task is inside a cancelled scope, without letting any
     * other task run (unlike {@link #checkpoint()}, which lets every other ready task run first,
     * and is also where a cancelled task yields before it raises). For code that must notice a
     * cancellation in a tight loop without giving up its turn, like trio's
     * {@code checkpoint_if_cancelled}; do not catch the {@code Cancelled} and loop on it, or the
     * other tasks never run. Otherwise it raises the {@link TaskTimeoutException} of a
     * {@link #taskTimeout} the calling task runs in whose time has passed on the loop clock, so a
     * tight loop that only checks stops at its task timeout as at a scope's deadline.
     *
     * @throws Cancelled when the calling task is inside a cancelled scope
     * @throws TaskTimeoutException when the time of a {@link #taskTimeout} around the caller has passed
     */
    public static void checkpointIfCancelled() {
        TaskImpl<?> me = Current.task("Loop.checkpointIfCancelled");
        me.loop().raiseIfCancelled(me);
        Interrupts.raiseDueTimeout(me);
    }

    /** @return the calling task */
    public static Task<?> currentTask() {
        return Current.task("Loop.currentTask");
    }

    /** @return whether the calling thread is a task of some loop */
    public static boolean inLoop() {
        return Current.orNull() != null;
    }

    /** @return whether the calling task runs in a simulation (virtual clock) */
    public static boolean isSimulated() {
        return Current.task("Loop.isSimulated").loop().isSimulated();
    }

    /**
     * The loop's root task group: tasks spawned into it may outlive the task that spawned them, and
     * the loop waits for them before {@link #run} returns.
     *
     * @return the root group
     */
    public static TaskGroup rootGroup() {
        return TaskGroup.root("Loop.rootGroup");
    }

    /**
     * A {@link java.util.concurrent.ThreadFactory} whose threads are tasks of the calling task's
     * loop: each thread it makes becomes a task when it is started, in the innermost open task group
     * of the task that starts it ({@link TaskGroup#current()}). Hand it to JDK code that takes a
     * factory, and that code's threads run as tasks, one at a time, seeded and replayable:
     *
     * <pre>{@code
     * try (ExecutorService ex = Executors.newThreadPerTaskExecutor(Loop.threadFactory())) {
     *     Future<Integer> f = ex.submit(() -> fetch(1));
     *     return f.get();
     * }
     * }</pre>
     *
     * <p>A thread keeps the name it has when it is started (one an executor or a
     * {@code Thread.Builder} gave it), else it is named {@code task-N}. Cancelling the task raises
     * {@link Cancelled} at its next checkpoint and interrupts the thread where it waits in JDK code.
     * An exception the thread's {@code Runnable} throws is a failure of the group, which the group
     * rethrows as it does a failing spawned task's (the thread's uncaught-exception handler is not
     * called: nothing is lost, and nothing is reported twice). JDK pools take the factory too:
     * {@code Executors.newFixedThreadPool(n, Loop.threadFactory())} has workers that are tasks. Make and start the threads from tasks of the same
     * loop, while the group is open; otherwise {@code newThread} or {@code Thread.start} throws
     * {@link IllegalStateException} saying so. Works in real and simulated mode.
     *
     * @return the factory; its threads join the starting task's innermost group
     * @throws IllegalStateException when not called from a loop task
     */
    public static java.util.concurrent.ThreadFactory threadFactory() {
        return dev.simloop.internal.ThreadTasks.ofCallingLoop("Loop.threadFactory");
    }

    /**
     * An {@link java.util.concurrent.ExecutorService} whose work runs as tasks of the calling task's
     * innermost open task group ({@link TaskGroup#current()}, at the time of this call): pass it to
     * JDK code that takes an executor, such as {@code CompletableFuture.supplyAsync(f, Loop.executor())}.
     * See {@link TaskGroup#executor()} for what its methods do.
     *
     * @return a new executor for the current group
     * @throws IllegalStateException when not called from a loop task
     */
    public static java.util.concurrent.ExecutorService executor() {
        return new LoopExecutor(TaskGroup.current("Loop.executor"), "Loop.executor()");
    }

    /**
     * A random generator for code on the loop. In a simulation it is seeded from the run's seed
     * (separately from the scheduling strategy), so runs that draw from it replay too.
     *
     * @return the loop's generator; use it only from the loop's tasks
     */
    public static RandomGenerator random() {
        return Current.task("Loop.random").loop().random();
    }

    /**
     * Runs blocking or CPU-heavy work on a platform thread and returns its result to the calling
     * task, which waits without blocking the loop. A checkpoint. If the calling task is cancelled
     * while the work runs, the wait is abandoned and {@link Cancelled} raised at once; the work itself
     * runs to completion on its thread and its result is dropped. In a simulation, nothing else runs
     * and no virtual time passes until the work is done, so the run stays deterministic; the work
     * starts once the caller waits (a caller that carries an interrupt in is cancelled before it starts).
     *
     * @param work the work; runs on another thread, so it must not call loop APIs
     * @param <T> the result type
     * @return the work's value
     * @throws RuntimeException the work's failure, checked ones (and a {@code Throwable} that is neither
     *     an exception nor an error) wrapped in {@link TaskFailedException}
     */
    public static <T> T toThread(ThrowingSupplier<T> work) {
        Objects.requireNonNull(work, "Loop.toThread: work");
        TaskImpl<?> me = Current.task("Loop.toThread");
        try {
            return dev.simloop.internal.Offloads.call(me.loop(), me, work); // Loop.toThread's engine
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new TaskFailedException(me.name(), e);
        }
    }

    /**
     * Runs {@code fn} synchronously: nothing else runs until it returns, and it must never block
     * (asynkit's {@code await_sync}). Any blocking call inside it — a checkpoint, a wait, a sleep, a
     * spawn — throws {@link SynchronousBlockingException} naming the call, from where it was made.
     * Non-blocking calls work ({@code Lock.tryAcquire}, {@code Event.isSet}, {@code Channel.trySend},
     * and driving a {@link Monitor} or {@link Generator} whose body does not block). Called from a
     * task, {@code fn} runs in that task; called outside any loop, it runs in the root task of a
     * real loop made for it, so simloop code that needs a task works (a caller whose interrupt
     * status is set before or while fn runs gets fn's outcome all the same, the status set again
     * when it returns; only fn parked in JDK code is stopped by the interrupt, with
     * {@link LimitExceeded}).
     *
     * @param fn the code to run
     * @param <T> the value type
     * @return fn's value
     * @throws RuntimeException fn's failure (checked ones wrapped in {@link TaskFailedException})
     */
    public static <T> T runSync(ThrowingSupplier<T> fn) {
        Objects.requireNonNull(fn, "Loop.runSync: fn");
        try {
            return SyncRun.run(fn);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            TaskImpl<?> me = Current.orNull();
            throw new TaskFailedException(me == null ? "main" : me.name(), e);
        }
    }

    /**
     * Runs the ready task {@code task} now (asynkit's {@code task_switch}): the caller yields, goes
     * to the end of the ready queue, and {@code task} takes the next step. Not a choice of the
     * strategy: an exploring strategy does not undo it. Not a checkpoint for cancellation.
     *
     * @param task a {@linkplain Task#isRunnable() runnable} task of the caller's loop
     * @throws IllegalStateException when {@code task} is not runnable
     * @throws IllegalArgumentException when {@code task} is not one that simloop spawned, or is the caller
     */
    public static void switchTo(Task<?> task) {
        TaskImpl<?> target = spawned("Loop.switchTo", task);
        TaskImpl<?> me = Current.task("Loop.switchTo");
        Steering.switchTo("Loop.switchTo", me, target, -1);
    }

    /**
     * Like {@link #switchTo(Task)}, putting the caller at {@code insertPos} in the ready queue,
     * counted from {@code task} at its head: 1 makes the caller the next in the queue after
     * {@code task}'s step. 0 puts the caller before {@code task}: then nothing is forced, the caller
     * yields at position 0 and {@code task} waits right behind it. Positions order the queue, which
     * FIFO order (real mode, {@link Strategy#fifo()}) and the priority policy among equal priorities
     * follow; an exploring strategy chooses among all ready tasks whatever their positions.
     *
     * @param task a {@linkplain Task#isRunnable() runnable} task of the caller's loop
     * @param insertPos the caller's place in the ready queue; 0 or more (past the end: at the end)
     * @throws IllegalStateException when {@code task} is not runnable
     * @throws IllegalArgumentException when {@code task} is not one that simloop spawned or is the
     *     caller, or {@code insertPos} is negative
     */
    public static void switchTo(Task<?> task, int insertPos) {
        TaskImpl<?> target = spawned("Loop.switchTo", task);
        requirePosition("Loop.switchTo", insertPos);
        TaskImpl<?> me = Current.task("Loop.switchTo");
        Steering.switchTo("Loop.switchTo", me, target, insertPos);
    }

    /**
     * A checkpoint after which the caller waits at {@code pos} in the ready queue instead of at its
     * end (asynkit's {@code sleep_insert}): 0 lets no other task run first in FIFO order. Positions
     * mean what {@link #switchTo(Task, int)} says.
     *
     * @param pos the caller's place in the ready queue; 0 or more (past the end: at the end)
     */
    public static void sleepInsert(int pos) {
        requirePosition("Loop.sleepInsert", pos);
        Steering.sleepInsert(Current.task("Loop.sleepInsert"), pos);
    }

    /**
     * Moves the runnable {@code task} to {@code pos} in the ready queue (asynkit's
     * {@code task_reinsert}). Not a checkpoint. Positions mean what {@link #switchTo(Task, int)} says.
     *
     * @param task a {@linkplain Task#isRunnable() runnable} task of the caller's loop
     * @param pos its new place; 0 is the head (past the end: at the end)
     * @throws IllegalStateException when {@code task} is not runnable
     * @throws IllegalArgumentException when {@code task} is not one that simloop spawned or is the
     *     caller, or {@code pos} is negative
     */
    public static void reinsert(Task<?> task, int pos) {
        TaskImpl<?> target = spawned("Loop.reinsert", task);
        requirePosition("Loop.reinsert", pos);
        Steering.reinsert("Loop.reinsert", Current.task("Loop.reinsert"), target, pos);
    }

    /** @return {@code task}, one that simloop spawned; else a clear error (a {@code Task} of the user's own making) */
    private static TaskImpl<?> spawned(String call, Task<?> task) {
        Objects.requireNonNull(task, call + ": task");
        if (task instanceof TaskImpl<?> t) {
            return t;
        }
        throw new IllegalArgumentException(call + ": " + dev.simloop.internal.SafeText.object(task, 200) + " (a "
                + task.getClass().getName() + ") is not a task"
                + " that simloop spawned; pass the Task that TaskGroup.spawn or start, or Loop.currentTask(), returned");
    }

    private static void requirePosition(String call, int pos) {
        if (pos < 0) {
            throw new IllegalArgumentException(call + ": the position must be 0 (the head of the ready queue) or more, but was "
                    + pos);
        }
    }

    /**
     * @return the {@linkplain Task#isRunnable() runnable} tasks of the caller's loop, in ready-queue
     *     order (asynkit's {@code runnable_tasks}); with {@link #blockedTasks()} and the caller, every
     *     unfinished task of the loop, each once; an unmodifiable snapshot
     */
    public static List<Task<?>> runnableTasks() {
        return Steering.runnable(Current.task("Loop.runnableTasks").loop());
    }

    /** @return the {@linkplain Task#isBlocked() blocked} tasks of the caller's loop, in spawn order; an unmodifiable snapshot */
    public static List<Task<?>> blockedTasks() {
        return Steering.blocked(Current.task("Loop.blockedTasks").loop());
    }

    /**
     * Runs {@code fn} in the calling task and raises {@link TaskTimeoutException} in it when
     * {@code timeout} has passed on the loop clock (asynkit's {@code task_timeout}): thrown in at
     * its blocking point like {@link Task#throwIn}, not a {@link Cancelled}, so cancel scopes and
     * shields do not see it. A timeout that passes while {@code fn} waits at the end of a
     * {@link TaskGroup#with} fails that group (its tasks are cancelled, and the group throws it once
     * they have ended), and one that passes in {@link TaskGroup#start} cancels the task it starts and
     * is thrown by {@code start} once that task has started or ended. One that passes while
     * {@code fn} waits where it cannot be raised (parked in {@code java.util.concurrent}, taking a
     * condition's lock back) is raised at {@code fn}'s next checkpoint, or as {@code fn} returns if it
     * reaches none. One that passes after {@code fn}'s last wait has ended, while it runs on to its
     * end, is dropped.
     *
     * @param timeout how long {@code fn} may run; must not be negative
     * @param fn the code to run
     * @param <T> the value type
     * @return fn's value
     * @throws TaskTimeoutException when the timeout passed
     */
    public static <T> T taskTimeout(Duration timeout, ThrowingSupplier<T> fn) {
        Objects.requireNonNull(timeout, "Loop.taskTimeout: timeout");
        Objects.requireNonNull(fn, "Loop.taskTimeout: fn");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("Loop.taskTimeout: the timeout must not be negative, but was " + timeout);
        }
        return Interrupts.taskTimeout(Current.task("Loop.taskTimeout"), timeout, fn);
    }
}
