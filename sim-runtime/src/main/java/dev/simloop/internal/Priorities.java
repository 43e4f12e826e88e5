package dev.simloop.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Effective priorities (priority inheritance, after asynkit's priority module): lower values are
 * more urgent, and a task's effective priority is the most urgent of its own priority and the
 * effective priorities of every task waiting on a priority lock it holds, transitively. Because
 * that is just the most urgent own priority among the tasks reachable through "holds a priority
 * lock that is waited on by", it is computed by one graph walk that visits each task once, which
 * also keeps lock cycles (deadlocks) from looping. Effective priorities are not cached, so priority
 * changes and waiters that leave are seen at once; what is kept is each priority queue's index of its
 * waiters ({@link PriorityWaiters}), which the queue and {@code setPriority} keep current, so that the
 * walk and the choice of a waiter look at the waiters holding nothing lending as one, by the most urgent
 * of their own priorities, and walk only the few that hold a priority lock themselves.
 */
public final class Priorities {
    /**
     * Marks the tasks visited by one walk; unique across loops, so a task can only carry a stale mark.
     * A long: an int wrapped after 2^32 walks (under a minute of walking), and a task whose mark came
     * round again was skipped as visited, dropping its inheritance.
     */
    private static final AtomicLong EPOCH = new AtomicLong();

    private Priorities() {
    }

    /**
     * @param t a task
     * @return its effective priority
     */
    public static int effective(TaskImpl<?> t) {
        if (t.heldHead == null) {
            return t.priority(); // the common case: holds nothing, inherits nothing
        }
        long epoch = EPOCH.incrementAndGet();
        return walk(t, epoch, t.priority());
    }

    private static int walk(TaskImpl<?> t, long epoch, int best) {
        t.priorityMark(epoch);
        best = Math.min(best, t.priority());
        for (HeldResource r = t.heldHead; r != null; r = r.heldNext) {
            WaitQueue q = r.inheritanceWaiters();
            if (q == null) {
                continue;
            }
            PriorityWaiters index = q.byPriority(); // a queue that lends priority is served by it, so indexed
            // Waiters that hold nothing lending inherit nothing: the most urgent of their own priorities
            // stands for them all, so a lock with thousands of waiters costs its holder no walk of them.
            best = Math.min(best, index.mostUrgentPlainPriority());
            for (int i = 0; i < index.lendingCount(); i++) {
                TaskImpl<?> w = index.lending(i);
                if (w.priorityMark() != epoch) {
                    best = walk(w, epoch, best);
                }
            }
        }
        return best;
    }
}
