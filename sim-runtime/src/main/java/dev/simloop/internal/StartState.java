package dev.simloop.internal;

import java.util.List;
import dev.simloop.CancelReason;
import dev.simloop.TaskCancelledException;

/**
 * The handshake between {@code TaskGroup.start} and the task it starts: the caller waits until the
 * task calls {@code started(v)} or ends. A failure before {@code started} goes to the caller, not
 * to the group.
 *
 * <p>Until {@code started}, the task runs under the caller's cancellation as well as the group's
 * (trio runs it in the caller's scopes, then moves it into the group): a scope of its own, the
 * {@link #handshake}, between the task and the group's scope, is cancelled when the caller's wait is,
 * with the caller's reason, and that cancel is taken back when the task calls {@code started}, so
 * the task goes on in the group as {@code start} promises.
 */
public final class StartState implements Abortable, WaitTarget {
    private final String call;
    boolean started;
    private Object value;
    private TaskImpl<?> child;
    private TaskImpl<?> waiter;
    private Throwable earlyFailure;
    /** The task failed before {@code started} (not cancelled, not ended normally): its failure is {@link #earlyFailure}. */
    private boolean failedEarly;
    private boolean endedEarly;
    /** The task's scope for the caller's cancellation until {@code started} (see the class comment); null until spawned. */
    private CancelScopeTree.Node handshake;
    /** An exception thrown into the caller while it waited ({@code Task.interrupt}, a task timeout); null if none. */
    private RuntimeException thrownIn;

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
        CancelScopeTree.lift(me.loop, handshake); // the task leaves the caller's scopes for the group's
        if (waiter != null) {
            me.loop.wake(waiter, this);
        }
    }

    void childEndedBeforeStarted(Scheduler loop, TaskImpl<?> t) {
        endedEarly = true;
        if (t.cancelled && !t.strayCancel()) {
            earlyFailure = new TaskCancelledException(t.name(), t.quoted() + " was cancelled before it called started()");
        } else if (t.failure() != null) {
            earlyFailure = t.failure();
            failedEarly = true;
        } else {
            earlyFailure = new IllegalStateException(t.quoted() + " finished without calling "
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
        if (thrownIn != null) {
            if (earlyFailure != null && !(earlyFailure instanceof TaskCancelledException) && earlyFailure != thrownIn) {
                thrownIn.addSuppressed(earlyFailure); // the task's own failure, which the group does not report
            }
            throw thrownIn;
        }
        if (started) {
            return value;
        }
        if (!failedEarly) {
            // The task ended by a cancel (the caller's, passed on to it, or the group's) or without a
            // value: the caller's own cancel, if any, is what start raises.
            me.loop.raiseIfCancelled(me);
        }
        // A failure of the task goes on, also one it threw while a cancel unwound it (a catch that
        // throws, a close() that fails), as trio's start re-raises it: no group reports it, and the
        // caller's cancel, raised here instead, was caught by its scope and the failure lost.
        if (earlyFailure instanceof RuntimeException e) {
            throw e;
        }
        throw (Error) earlyFailure;
    }

    /**
     * Opens the handshake's scope of {@code child}, in {@code groupScope}, as the task is made.
     *
     * @return the scope the task stands in
     */
    CancelScopeTree.Node openHandshake(TaskImpl<?> child, CancelScopeTree.Node groupScope) {
        handshake = CancelScopeTree.open(child, groupScope, "the handshake of " + call);
        return handshake;
    }

    /** The task has ended: its handshake's scope leaves the group's scope with it. */
    void closeHandshake(Scheduler loop) {
        CancelScopeTree.close(loop, handshake);
    }

    @Override
    public boolean abort(TaskImpl<?> w) {
        RuntimeException thrown = w.pendingThrow();
        if (thrown != null && !started && !endedEarly) {
            // An exception thrown into the caller fails the caller's part of the handshake, as it fails
            // trio's nursery around start(): the task is cancelled until it calls started(), and start
            // throws the exception once the task has started or ended. Pending, it was raised only
            // after start returned, which threw the task's TaskCancelledException (reason EXPLICIT,
            // though nobody had cancelled anything) instead.
            w.pendingThrow(null);
            thrownIn = thrown;
            CancelScopeTree.cancel(w.loop, handshake, CancelReason.GROUP_FAILURE, "an exception was thrown into "
                    + w.quoted() + ", which waits for " + this);
            return false;
        }
        // The caller was cancelled while waiting: so is the task it starts, until it calls started(),
        // with the caller's reason (a deadline's, say); the caller keeps waiting for it.
        CancelScopeTree.Node by = CancelScopeTree.cancelledScopeOf(w);
        CancelReason reason = by == null || by.reason == null ? CancelReason.EXPLICIT : by.reason;
        CancelScopeTree.cancel(w.loop, handshake, reason, by == null ? null : by.whyGiven());
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
        return "task '" + SafeText.name(child == null ? "?" : child.name()) + "' to call TaskStatus.started()";
    }
}
