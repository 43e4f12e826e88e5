package dev.simloop.internal;

import java.util.List;

/**
 * {@code Loop.waitAllTasksBlocked()} (trio's {@code wait_all_tasks_blocked}): tasks parked here are
 * woken when the loop finds nothing ready, before it moves the clock, waits for the outside world
 * or reports a deadlock. So a test sees the state every other task has reached before the next
 * timer fires, and the virtual clock has not moved.
 */
public final class AllBlockedWaiters implements WaitTarget {
    private final WaitQueue waiters = new WaitQueue();

    AllBlockedWaiters() {
    }

    /**
     * Parks the calling task until every other task of its loop is blocked. A checkpoint.
     *
     * @param call the API call, for the message when the caller is not a task
     */
    public static void awaitAllBlocked(String call) {
        TaskImpl<?> me = Current.task(call);
        me.loop.allBlocked.await(me);
    }

    private void await(TaskImpl<?> me) {
        me.loop.checkCancelled(me);
        while (waiters.park(me, this) == WaitQueue.NOT_UNPARKED) {
            // a cancel woke it and a shield hid the cancel by the time it ran: the others were not all
            // blocked then (it was ready), so wait for the next time they are
        }
    }

    /** @return whether a task waits in {@code Loop.waitAllTasksBlocked()} */
    boolean anyWaiting() {
        return !waiters.isEmpty();
    }

    /** The loop is idle: wakes every waiter (they run next). @return whether there were any */
    boolean wakeAll() {
        if (waiters.isEmpty()) {
            return false;
        }
        waiters.unparkAll();
        return true;
    }

    @Override
    public void addWaitedFor(TaskImpl<?> waiter, LiveTaskIndex live, List<TaskImpl<?>> out) {
        // woken whenever nothing else can run: never part of a deadlock
    }

    @Override
    public String toString() {
        return "Loop.waitAllTasksBlocked()";
    }
}
