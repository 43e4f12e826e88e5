package dev.simloop.sync;

import dev.simloop.internal.Scheduler;
import dev.simloop.internal.TaskImpl;
import java.lang.ref.WeakReference;

/**
 * Which task made a call on a primitive last, and at which step, for a deadlock report (a
 * {@link Condition}'s signal that found no task waiting, a {@link Channel}'s last receive). Holds
 * the task's name, not the task, and its loop weakly: a primitive kept across runs (a static, a
 * shared fixture) must not keep a finished task or an ended run reachable, and a report names only
 * a call of its own run.
 */
final class LastCall {
    /** The task's name; null until the first call. */
    private String task;
    private long step;
    /** The run of that call; made once per run, not per call. */
    private WeakReference<Scheduler> loop;

    /** {@code me} made the call, now. */
    void note(TaskImpl<?> me) {
        Scheduler l = me.loop();
        task = me.name();
        step = l.steps();
        if (loop == null || loop.get() != l) {
            loop = new WeakReference<>(l);
        }
    }

    /**
     * @param waiter a task of the run that reports
     * @return {@code task '<name>' at step <n>} of the last call in the waiter's run, or null when none was made there
     */
    String in(TaskImpl<?> waiter) {
        return task == null || loop.get() != waiter.loop() ? null : "task '" + task + "' at step " + step;
    }
}
