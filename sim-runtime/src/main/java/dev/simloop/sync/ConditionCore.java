package dev.simloop.sync;

import dev.simloop.internal.Current;
import dev.simloop.internal.Scheduler;
import dev.simloop.internal.LiveTaskIndex;
import dev.simloop.internal.TaskImpl;
import dev.simloop.internal.WaitQueue;
import dev.simloop.internal.WaitTarget;
import java.util.List;

/** The implementation behind {@link Condition} and {@link PriorityCondition}. */
final class ConditionCore implements WaitTarget {
    private static final Object SIGNALLED = new Object() {
        @Override
        public String toString() {
            return "signalled";
        }
    };
    private final String kind;
    final LockCore lock;
    private final WaitQueue waiters;
    /** The last signal() or signalAll() that found no task waiting: a deadlock report names it (a missed wake-up). */
    private final LastCall lostSignal = new LastCall();

    ConditionCore(String kind, LockCore lock, boolean priority) {
        this.kind = kind;
        this.lock = lock;
        this.waiters = new WaitQueue(priority);
    }

    /** Refuses a task of another run than this condition's waiters' ({@link WaitQueue#requireSameRun}). */
    void requireSameRun() {
        waiters.requireSameRun();
    }

    /** The lock broke: every waiter wakes, to meet the break as it re-acquires the lock. */
    void lockBroke() {
        waiters.unparkAll();
    }

    void await(String call) {
        TaskImpl<?> me = Current.task(call);
        Scheduler loop = me.loop();
        lock.requireHolder(me, call);
        loop.checkCancelled(me); // raised while still holding the lock
        int holds = lock.releaseAll(me);
        RuntimeException failure = null;
        lock.conditionWaiting(this); // should the lock break meanwhile, the break wakes this wait
        try {
            waiters.park(me, this);
        } catch (RuntimeException e) { // a cancel, or an exception thrown in (Task.interrupt): the lock is taken back first
            failure = e;
        }
        if (waiters.isEmpty()) {
            lock.conditionIdle(this);
        }
        try {
            lock.reacquire(me, holds, call);
        } catch (RuntimeException e) {
            if (failure != null) {
                e.addSuppressed(failure);
            }
            throw e;
        }
        if (failure != null) {
            throw failure;
        }
    }

    void signal(String call) {
        TaskImpl<?> me = Current.task(call);
        lock.requireHolder(me, call);
        TaskImpl<?> w = waiters.toServe();
        if (w != null) {
            waiters.unpark(w, SIGNALLED);
        } else {
            signalLost(me);
        }
    }

    void signalAll(String call) {
        TaskImpl<?> me = Current.task(call);
        lock.requireHolder(me, call);
        if (waiters.isEmpty()) {
            signalLost(me);
        }
        while (!waiters.isEmpty()) {
            TaskImpl<?> w = waiters.toServe();
            waiters.unpark(w, SIGNALLED);
        }
    }

    /** A signal found no task waiting: it is not kept, and a later await waits for another. */
    private void signalLost(TaskImpl<?> me) {
        lostSignal.note(me);
    }

    int waiting() {
        return waiters.size();
    }

    @Override
    public void addWaitedFor(TaskImpl<?> waiter, LiveTaskIndex live, List<TaskImpl<?>> out) {
        // any task holding the lock may signal: no edge
    }

    @Override
    public String describeWait(TaskImpl<?> waiter, List<TaskImpl<?>> waitedFor) {
        String lost = lostSignal.in(waiter);
        TaskImpl<?> h = lock.holder();
        // No task holds a condition; while the lock is held, "no task holds it" read as contradicting the
        // "held by" just before it, so name the lock's holder as the one task that can signal now.
        String needs = h == null ? "; no task holds it: it needs a call to signal() or signalAll()"
                : "; it needs a call to signal() or signalAll() from a task holding " + lock.kindAndName() + ", as "
                + h + " does now";
        return this + needs + (lost == null ? ""
                : "; the last signal that found no task waiting came from " + lost + ", and a signal is not kept"
                + " for a later await (a missed wake-up): wait in a loop that checks the condition's state before"
                + " each await");
    }

    @Override
    public String traceDetail() {
        return kind + ".await(" + lock.kindAndName() + (waiters.size() > 1 ? ", " + waiters.size() + " waiting" : "")
                + ")";
    }

    @Override
    public String toString() {
        return kind + " of " + lock + (waiters.isEmpty() ? "" : ", " + waiters.size() + " waiting for a signal");
    }
}
