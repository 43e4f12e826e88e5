package dev.simloop.internal;

import dev.simloop.TaskFailedException;
import dev.simloop.TaskTimeoutException;
import dev.simloop.ThrowingSupplier;
import java.time.Duration;

/**
 * Exceptions raised in a task by another (asynkit's {@code task_throw}, {@code task_interrupt},
 * {@code task_timeout}). The exception is <em>pending</em> on the target ({@link TaskImpl#pendingThrow})
 * until the target takes it, at the first of these places:
 * <ul>
 *   <li>a wait in simloop that a cancel could end: the wait is left the way a cancel leaves it
 *       (through its {@link Abortable}, so the primitive stays consistent) and the blocking call throws;
 *   <li>a task group's wait for its tasks: the group takes it as its body's failure
 *       ({@link GroupImpl#abort}), cancels the tasks and throws it once they have ended;
 *   <li>the schedule point it yielded at, or its start if it never ran;
 *   <li>otherwise its next checkpoint: a wait that was already satisfied (a lock handed over, a value
 *       received) keeps its outcome, and a task parked outside simloop takes it when it is back.
 * </ul>
 * Nothing else is touched: a target waiting in {@code join()} leaves the joined task alone.
 */
public final class Interrupts {
    private Interrupts() {
    }

    /**
     * {@code Task.throwIn}: makes {@code e} pending on {@code target}, replacing an earlier one.
     *
     * @return whether the target is now ready to take it at once
     */
    public static boolean throwIn(String call, TaskImpl<?> target, RuntimeException e) {
        TaskImpl<?> me = Current.task(call);
        check(call, me, target);
        if (target.blockedOn == null && target.wake == TaskImpl.WAKE_CANCELLED && target != me.loop.runningTask()) {
            throw new IllegalStateException(call + ": " + target + " is waking up with a cancellation already; "
                    + "an exception cannot be thrown into it while that is delivered (cancel() it, or wait until it ran)");
        }
        return deliver(target, e);
    }

    /** {@code Task.interrupt}: {@link #throwIn}, then the target runs at once and the caller right after it. */
    public static void interrupt(String call, TaskImpl<?> target, RuntimeException e) {
        SyncRun.checkMayBlock(Current.task(call)); // before the throw-in: the target would run inside Loop.runSync
        if (throwIn(call, target, e)) {
            Steering.runNow(Current.task(call), target, true);
        }
    }

    private static void check(String call, TaskImpl<?> me, TaskImpl<?> target) {
        if (target.loop != me.loop) {
            throw target.loop.notThisLoop(call, target.toString(), me);
        }
        if (target == me) {
            throw new IllegalArgumentException(call + ": " + target + " is the calling task; throw the exception instead");
        }
        if (target.done) {
            throw new IllegalStateException(call + ": " + target + " has already finished");
        }
    }

    /**
     * Makes {@code e} pending and ends the target's wait if a cancel could end it.
     *
     * @return whether the target is ready, or will be once the caller yields (the JDK may hand a
     *     woken thread to the loop only then)
     */
    static boolean deliver(TaskImpl<?> target, RuntimeException e) {
        target.pendingThrow(e);
        Scheduler loop = target.loop;
        boolean woken = target.blockedOn != null && target.wake == TaskImpl.WAKE_NONE && target.abortable.abort(target)
                && loop.wake(target, TaskImpl.WAKE_THROWN);
        if (loop.tracing()) {
            loop.traceEvent(target, Trace.Kind.WAKE, "exception thrown in: " + SafeText.of(e)); // user text: its toString() may throw
        }
        return woken || target.inReady;
    }

    /** The start of a checkpoint of {@code me}: no blocking in a synchronous run; an exception thrown in is raised. */
    static void atCheckpoint(TaskImpl<?> me) {
        SyncRun.checkMayBlock(me);
        raisePending(me);
    }

    /** {@code me} was woken from a wait in simloop for {@code reason}: an exception thrown in ended the wait. */
    static void afterWake(TaskImpl<?> me, int reason) {
        if (reason == TaskImpl.WAKE_THROWN) {
            raisePending(me);
        }
    }

    /** Raises the exception pending on {@code me}, if any (it is taken: raised once). */
    static void raisePending(TaskImpl<?> me) {
        RuntimeException e = me.pendingThrow();
        if (e != null) {
            me.pendingThrow(null);
            throw e;
        }
    }

    /**
     * {@code Loop.taskTimeout}: runs {@code fn}, raising {@link TaskTimeoutException} in {@code me}
     * when the loop clock reaches the deadline, whatever its cancel scopes say.
     */
    public static <T> T taskTimeout(TaskImpl<?> me, Duration d, ThrowingSupplier<T> fn) {
        Scheduler loop = me.loop;
        long nanos = Nanos.saturated(d);
        long now = loop.now();
        TimeoutTimer timer = new TimeoutTimer(me, d);
        loop.arm(timer, nanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos);
        TaskExtras extras = me.extras();
        timer.outer = extras.taskTimeouts;
        extras.taskTimeouts = timer;
        T value;
        boolean untaken;
        try {
            value = fn.get();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new TaskFailedException(me.name(), e);
        } finally {
            extras.taskTimeouts = timer.outer;
            loop.disarm(timer);
            untaken = timer.exception != null && me.pendingThrow() == timer.exception;
            if (untaken) {
                me.pendingThrow(null); // not for the code after fn, whatever happens now
            }
        }
        if (untaken && timer.firedWhileWaiting) {
            // fn was still waiting at the deadline, where the exception could not be raised (parked in
            // java.util.concurrent, taking a condition's lock back): it did not finish in time
            throw timer.exception;
        }
        return value; // fired after fn's last checkpoint, while it ran on: fn has finished in time for it
    }

    /**
     * {@code Loop.checkpointIfCancelled}: raises the exception of a {@code Loop.taskTimeout} of
     * {@code me} whose deadline the loop clock has reached, as the loop would at {@code me}'s next
     * schedule point. A task that only ever checks with {@code checkpointIfCancelled} hands the loop
     * no step at which to fire the timer: on a real loop its timeout would otherwise never come, while
     * a cancel scope's deadline, which the check reads off the clock, does. The due timers fire in
     * the loop's order (deadline, then arming order), so the exception raised is the one the loop's
     * firing would have left pending.
     */
    public static void raiseDueTimeout(TaskImpl<?> me) {
        TimeoutTimer innermost = me.taskTimeouts();
        if (innermost == null) {
            return;
        }
        Scheduler loop = me.loop;
        long now = loop.now();
        while (true) {
            TimeoutTimer next = null;
            for (TimeoutTimer t = innermost; t != null; t = t.outer) {
                if (t.isArmed() && t.deadline <= now
                        && (next == null || t.deadline < next.deadline || t.deadline == next.deadline && t.seq < next.seq)) {
                    next = t;
                }
            }
            if (next == null) {
                break;
            }
            loop.disarm(next);
            next.fire(loop);
        }
        RuntimeException pending = me.pendingThrow();
        if (pending instanceof TaskTimeoutException) {
            for (TimeoutTimer t = innermost; t != null; t = t.outer) {
                if (t.exception == pending) {
                    raisePending(me);
                }
            }
        }
    }

    /**
     * @return what identifies the {@code Loop.taskTimeout} calls {@code t} is inside now (null for a
     *     thread that is no task): a {@code Monitor} body compares it, as it hands out a value, with
     *     the mark taken when it was resumed ({@link #openedSince})
     */
    public static Object taskTimeoutsMark(TaskImpl<?> t) {
        return t == null ? null : t.taskTimeouts();
    }

    /**
     * @return null when {@code t} is inside the same {@code Loop.taskTimeout} calls as at {@code mark};
     *     else the timeout of the innermost one it entered since, in words (for a message)
     */
    public static String openedSince(TaskImpl<?> t, Object mark) {
        TimeoutTimer now = t == null ? null : t.taskTimeouts();
        return now == mark || now == null ? null : "Loop.taskTimeout(" + now.timeout + ")";
    }

    /** The timer of one {@code Loop.taskTimeout}: at the deadline, its exception is thrown in. */
    static final class TimeoutTimer extends Timer {
        /** The {@code Loop.taskTimeout} around this one in the same task, or null. */
        TimeoutTimer outer;
        private final TaskImpl<?> task;
        private final Duration timeout;
        private TaskTimeoutException exception;
        /** Whether the task was waiting when the timer fired, rather than ready to run on. */
        private boolean firedWhileWaiting;

        TimeoutTimer(TaskImpl<?> task, Duration timeout) {
            super(KIND_DEADLINE);
            this.task = task;
            this.timeout = timeout;
        }

        @Override
        void fire(Scheduler loop) {
            if (!task.done) {
                exception = new TaskTimeoutException(task.name(), timeout);
                firedWhileWaiting = !task.inReady;
                deliver(task, exception);
            }
        }

        @Override
        String describe() {
            return "the task timeout of " + task + " (" + timeout + ")";
        }
    }
}
