package dev.simloop.internal;

import java.util.List;
import dev.simloop.TaskCancelledException;

/**
 * The handshake between {@code TaskGroup.start} and the task it starts: the caller waits until the
 * task calls {@code started(v)} or ends. A failure before {@code started} goes to the caller, not
 * to the group.
 */
public final class StartState implements Abortable, WaitTarget {
    private final String call;
    boolean started;
    private Object value;
    private TaskImpl<?> child;
    private TaskImpl<?> waiter;
    private Throwable earlyFailure;
    private boolean endedEarly;

    /** @param call the API name for messages */
    public StartState(String call) {
        this.call = call;
    }

    /** Called by the started task. */
    public void started(Object v) {
        TaskImpl<?> me = Current.task("TaskStatus.started");
        if (started) {
            throw new IllegalStateException("TaskStatus.started was called twice by task '" + me.name()
                    + "'; call it exactly once, when the task is ready");
        }
        if (endedEarly) {
            throw new IllegalStateException("TaskStatus.started: the task has already finished");
        }
        started = true;
        value = v;
        if (waiter != null) {
            me.loop.wake(waiter, this);
        }
    }

    void childEndedBeforeStarted(Scheduler loop, TaskImpl<?> t) {
        endedEarly = true;
        if (t.cancelled && !t.strayCancel()) {
            earlyFailure = new TaskCancelledException(t.name(), "task '" + t.name() + "' was cancelled before it called started()");
        } else if (t.failure() != null) {
            earlyFailure = t.failure();
        } else {
            earlyFailure = new IllegalStateException("task '" + t.name() + "' finished without calling "
                    + "TaskStatus.started(); " + call + " waits for that call");
        }
        // The group still has to count the task as finished, but must not report its failure.
        t.group.childFinishedQuietly(t);
        if (waiter != null) {
            loop.wake(waiter, this);
        }
    }

    /** Called by the caller of {@code start}: waits for the handshake and returns the value. */
    public Object await(TaskImpl<?> me, TaskImpl<?> child) {
        this.child = child;
        while (!started && !endedEarly) {
            waiter = me;
            me.loop.block(me, this, this);
        }
        waiter = null;
        if (started) {
            return value;
        }
        me.loop.raiseIfCancelled(me);
        if (earlyFailure instanceof RuntimeException e) {
            throw e;
        }
        throw (Error) earlyFailure;
    }

    @Override
    public boolean abort(TaskImpl<?> w) {
        // The caller was cancelled while waiting: cancel the task it starts and keep waiting for it.
        child.cancel0();
        return false;
    }

    /** The caller of {@code start} waits for the child to call {@code started()} (or end). */
    @Override
    public void addWaitedFor(TaskImpl<?> waiter, LiveTaskIndex live, List<TaskImpl<?>> out) {
        if (child != null && !child.done) {
            out.add(child);
        }
    }

    @Override
    public String toString() {
        return "task '" + (child == null ? "?" : child.name()) + "' to call TaskStatus.started()";
    }
}
