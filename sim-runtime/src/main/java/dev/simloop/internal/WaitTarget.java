package dev.simloop.internal;

import java.util.List;

/**
 * Something a task can block on ({@code Scheduler.block(me, on, ...)}) that knows which tasks it
 * waits for: the edges of the wait-for graph a deadlock report is built from. A lock waits for its
 * holder, a join for the joined task, a group for its unfinished children, a {@code start} for the
 * child it starts. A primitive that no task owns (an event, a semaphore, a channel, a condition)
 * has no edge; it says instead what would end the wait.
 *
 * <p>Asked only while a report is built (rare, on the driver thread), so implementations may
 * allocate and walk.
 */
public interface WaitTarget {
    /**
     * Adds the tasks that {@code waiter} waits for: the ones that must act (release, finish, call
     * {@code started()}) before it can go on. Adds nothing when no particular task can.
     *
     * @param waiter the blocked task
     * @param live the run's unfinished tasks, indexed once for the whole report (a group's children)
     * @param out where to add them, in a deterministic order (spawn order where there are several)
     */
    void addWaitedFor(TaskImpl<?> waiter, LiveTaskIndex live, List<TaskImpl<?>> out);

    /**
     * How a deadlock report describes the wait, after {@code "task 'x' waits for "}. The default is
     * {@code toString()}, which should already name the tasks of {@link #addWaitedFor}; a target
     * without any should say what would end the wait.
     *
     * @param waiter the blocked task
     * @param waitedFor what {@link #addWaitedFor} added for this waiter
     * @return the description
     */
    default String describeWait(TaskImpl<?> waiter, List<TaskImpl<?>> waitedFor) {
        return toString();
    }

    /**
     * How a trace shows the blocking call: the call and its object, e.g.
     * {@code Semaphore 'pool'.acquire(permits=0)} or {@code Lock 'cache'.acquire ← held by refresh#3}.
     * The default is {@code toString()}.
     *
     * @return the text
     */
    default String traceDetail() {
        return toString();
    }

    /**
     * The runtime object the wait is an operation on: the primitive a user created. Strategies that
     * track racing steps (POS) and the determinism check see this object, not the wait record.
     *
     * @return the primitive; by default this object itself
     */
    default Object primitive() {
        return this;
    }

    /** At most this many tasks are named by {@link #names}; the rest are counted. */
    int MAX_NAMED = 20;

    /**
     * Names tasks for a report: {@code task 'a'}, {@code tasks 'a', 'b' and 'c'}; past
     * {@link #MAX_NAMED}, {@code tasks 'a', 'b', ... 't' and 980 more}.
     *
     * @param tasks at least one task
     * @return the text
     */
    static String names(List<TaskImpl<?>> tasks) {
        if (tasks.size() == 1) {
            return tasks.get(0).quoted();
        }
        StringBuilder sb = new StringBuilder("tasks ");
        int named = Math.min(tasks.size(), MAX_NAMED);
        for (int i = 0; i < named; i++) {
            if (i > 0) {
                sb.append(i == tasks.size() - 1 ? " and " : ", ");
            }
            sb.append('\'').append(SafeText.name(tasks.get(i).name())).append('\'');
        }
        if (named < tasks.size()) {
            sb.append(" and ").append(tasks.size() - named).append(" more");
        }
        return sb.toString();
    }
}
