package dev.simloop;

import dev.simloop.internal.Drivers;
import dev.simloop.internal.Current;
import dev.simloop.internal.RunOutcome;
import dev.simloop.internal.Scheduler;
import dev.simloop.internal.TaskImpl;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Runs a loop, and the calls a task makes to it. Every method except {@link #run} and
 * {@link #inLoop} must be called from a loop task and throws {@link IllegalStateException} naming
 * the call otherwise.
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
     * SIGINT and SIGTERM cancel the root group while the loop runs, so shielded clean-up still runs.
     *
     * @param main the root task's body
     * @param <T> the value type
     * @return main's value
     * @throws RuntimeException main's failure (checked ones wrapped in {@link TaskFailedException}),
     *     or {@link DeadlockDetected} when every task blocks with nothing to wake them
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
        Scheduler loop = Scheduler.real();
        if (policy != null) {
            loop.setPriorityPolicy(policy.newScheduling());
        }
        RunOutcome o = Drivers.call(() -> loop.run(() -> TaskGroup.with(root -> main.get())),
                caller -> loop.requestStop());
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

    /** @return the loop clock in nanos; virtual time starts at 0, real time at the loop's start */
    public static long nanoTime() {
        return Current.task("Loop.nanoTime").loop().now();
    }

    /** @return a {@link Clock} that follows the loop clock (virtual time 0 is 2025-01-01T00:00:00Z) */
    public static Clock clock() {
        return Current.task("Loop.clock").loop().javaClock();
    }

    /**
     * A checkpoint: raises {@link Cancelled} if the calling task is inside a cancelled scope, then
     * lets every other ready task run before this one continues.
     */
    public static void checkpoint() {
        TaskImpl<?> me = Current.task("Loop.checkpoint");
        me.loop().checkpoint(me);
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
        me.loop().checkCancelled(me);
        me.loop().schedulePoint(touched);
    }

    /**
     * Raises {@link Cancelled} if the calling task is inside a cancelled scope, without letting any
     * other task run (unlike {@link #checkpoint()}, which lets every other ready task run first,
     * and is also where a cancelled task yields before it raises). For code that must notice a
     * cancellation in a tight loop without giving up its turn, like trio's
     * {@code checkpoint_if_cancelled}; do not catch the {@code Cancelled} and loop on it, or the
     * other tasks never run.
     */
    public static void checkpointIfCancelled() {
        TaskImpl<?> me = Current.task("Loop.checkpointIfCancelled");
        me.loop().raiseIfCancelled(me);
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
     * and no virtual time passes until the work is done, so the run stays deterministic.
     *
     * @param work the work; runs on another thread, so it must not call loop APIs
     * @param <T> the result type
     * @return the work's value
     * @throws RuntimeException the work's failure, checked ones wrapped in {@link TaskFailedException}
     */
    public static <T> T toThread(ThrowingSupplier<T> work) {
        Objects.requireNonNull(work, "Loop.toThread: work");
        TaskImpl<?> me = Current.task("Loop.toThread");
        try {
            return me.loop().toThread(me, work);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new TaskFailedException(me.name(), e);
        }
    }
}
