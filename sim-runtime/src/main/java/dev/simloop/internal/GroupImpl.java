package dev.simloop.internal;

import dev.simloop.CancelReason;
import dev.simloop.Cancelled;
import dev.simloop.ThrowingRunnable;
import dev.simloop.ThrowingSupplier;
import java.util.ArrayList;
import java.util.List;

/**
 * A task group (nursery): a cancel scope in the task that runs the body, plus the children spawned
 * into it. The body's task waits for every child before the group ends; the first failure cancels
 * the rest and is rethrown with the others attached as suppressed.
 */
public final class GroupImpl implements WaitTarget, Abortable {
    final Scheduler loop;
    /** The task running the group's body; it waits for the children at the end. */
    final TaskImpl<?> owner;
    /** The group's scope: children's root scopes hang below it, so cancelling it reaches them. */
    final CancelScopeTree.Node scope;
    /** The public face, created by the API layer and set once, right after the group opens. */
    private Object facade;
    // Invariant: running == number of children spawned and not yet finished.
    private int running;
    private boolean ownerWaiting;
    /** Set when the body and all children are done: spawning then fails. */
    private boolean closed;
    /** Failures in the order they happened, without duplicates (by identity); null when none. */
    private List<Throwable> failures;
    /**
     * {@link #failures} as an identity set, once there are more than {@link #SCANNED_FAILURES}: a
     * group of 80,000 children that all fail took 9.5 s, comparing each failure with every earlier one.
     */
    private java.util.Set<Throwable> failureSet;
    /** Up to this many failures, a new one is compared with each (no set to allocate, the usual case). */
    private static final int SCANNED_FAILURES = 8;
    /** A child ended with a Cancelled that belongs to a scope outside the group (trio: it propagates). */
    private boolean childCancelledFromOutside;
    /** Spawn options, supervision, a failure handler (see GroupRules); null for a plain group. */
    private GroupRules rules;
    /** The options of the child being spawned right now, adopted when it is counted; null otherwise. */
    private GroupRules.ChildOptions spawning;
    /**
     * What to tell when the group finishes (its executors, which terminate then); null when nothing
     * asked. Told in the order asked, by the owner, once the group is closed and before it returns.
     */
    private List<Runnable> whenFinished;

    private GroupImpl(TaskImpl<?> owner) {
        this.loop = owner.loop;
        this.owner = owner;
        this.scope = CancelScopeTree.enter(owner, "task group");
        this.scope.group = this;
        if (loop.rootGroup == null && owner == loop.rootTask) {
            loop.rootGroup = this;
            if (loop.rootCancelAtStart != null) {
                CancelScopeTree.cancel(loop, scope, loop.rootCancelAtStart);
            }
        }
    }

    /** Opens a group in the calling task. */
    public static GroupImpl open(String call) {
        return new GroupImpl(Current.task(call));
    }

    /**
     * Sets the group's public face (the API layer's {@code TaskGroup}), once.
     *
     * @param f the face
     * @throws IllegalStateException when the face was set already
     */
    public void setFacade(Object f) {
        if (facade != null) {
            throw new IllegalStateException("the task group's facade is set already");
        }
        facade = java.util.Objects.requireNonNull(f, "facade");
    }

    /** @return the group's public face, as given to {@link #setFacade}, or null before that */
    public Object facade() {
        return facade;
    }

    /** @return the group's rules, created on first use (a plain group has none) */
    public GroupRules rules() {
        if (rules == null) {
            rules = new GroupRules();
        }
        return rules;
    }

    /** @return the innermost group of {@code me}: the one its innermost scope is in */
    public static GroupImpl innermost(TaskImpl<?> me) {
        for (CancelScopeTree.Node n = me.innermost; n != null; n = n.parent) {
            if (n.group != null) {
                return n.group;
            }
        }
        return null;
    }

    /** @return the group {@code g} is nested in (through its owner's scopes), or null for the root group */
    public GroupImpl enclosing() {
        for (CancelScopeTree.Node n = scope.parent; n != null; n = n.parent) {
            if (n.group != null) {
                return n.group;
            }
        }
        return null;
    }

    /** @param nanos a deadline on the loop clock for the whole group (traio's {@code Scope(timeout=...)}) */
    public void setDeadline(long nanos) {
        CancelScopeTree.setDeadline(loop, scope, nanos);
    }

    /** @return whether the group's own deadline cancelled it before it finished */
    public boolean timedOut() {
        return scope.cancelCalled && scope.reason == CancelReason.DEADLINE;
    }

    /** @return the task running the group's body */
    public TaskImpl<?> owner() {
        return owner;
    }

    /** @return the loop the group belongs to */
    public Scheduler loop() {
        return loop;
    }

    /**
     * Runs the group's body, then waits for every child, then reports. Must run on the owner task.
     */
    public <T> T run(ThrowingSupplier<T> body) {
        T result = null;
        Throwable bodyFailure = null;
        try {
            result = body.get();
        } catch (Throwable e) {
            bodyFailure = CancelScopeTree.leaving(loop, owner, e);
        }
        if (bodyFailure instanceof TaskAbandoned abandoned) {
            throw abandon(abandoned);
        }
        boolean bodyCancelled = bodyFailure instanceof Cancelled
                && CancelScopeTree.visibleCancel(loop, scope) != null;
        if (bodyFailure != null && !bodyCancelled) {
            fail(TaskImpl.wrapChecked(owner.name(), bodyFailure), "the group's body failed");
        }
        try {
            while (running > 0) {
                if (rules != null && running == rules.background()) {
                    rules.cancelBackground(this); // traio: background tasks end when the awaited work is done
                }
                ownerWaiting = true;
                loop.block(owner, this, this);
            }
        } catch (TaskAbandoned abandoned) {
            throw abandon(abandoned);
        }
        ownerWaiting = false;
        closed = true;
        CancelScopeTree.exit(loop, owner, scope);
        tellFinished();
        if (rules != null) {
            List<Throwable> handlerFailures = rules.groupEnded();
            if (handlerFailures != null) {
                // without duplicates too: a handler may throw one exception for two failures (a constant,
                // a failure two tasks share, the body's own), and an exception cannot suppress itself
                for (Throwable f : handlerFailures) {
                    record(f);
                }
            }
        }
        if (failures != null) {
            Throwable first = failures.get(0);
            for (int i = 1; i < failures.size(); i++) {
                first.addSuppressed(failures.get(i));
            }
            throwUnchecked(first);
        }
        if (bodyCancelled) {
            if (CancelScopeTree.catches(scope)) {
                scope.cancelledCaught = true;
                return null;
            }
            throw (Cancelled) bodyFailure;
        }
        if (childCancelledFromOutside) {
            // As in trio, children's Cancelled from an enclosing scope leaves the group, so that scope
            // catches it (cancelledCaught) and the code after the group does not run cancelled.
            loop.raiseIfCancelled(owner);
        }
        return result;
    }

    /**
     * A cancel does not end the owner's wait for the children: it reaches them, and their end ends
     * the wait. An exception thrown into the owner while it waits ({@code Task.interrupt},
     * {@code throwIn}, {@code Loop.taskTimeout}) fails the group instead, as a failure of its body
     * would: the children are cancelled and the group rethrows it once they have ended (trio adds an
     * exception thrown into a nursery's waiting parent to the nursery's errors). Left pending, it
     * reached neither the children, which ran on, nor the handlers around the group, and a task
     * timeout was dropped as the group returned.
     */
    @Override
    public boolean abort(TaskImpl<?> waiter) {
        RuntimeException thrown = waiter.pendingThrow();
        if (thrown != null) {
            waiter.pendingThrow(null); // taken before fail(): its cancel asks this wait again
            fail(thrown, "an exception was thrown into " + waiter.quoted() + ", which waits for the group's tasks");
        }
        return false;
    }

    /**
     * The run ended (a deadlock, a limit, a failure elsewhere) while the owner was in the group: the
     * group closes and its scope exits as the owner unwinds, so that each scope around it exits in
     * order and the run's failure is reported alone (left open, the scope made the enclosing one's
     * exit add "cancel scopes exited out of order" to it).
     */
    private TaskAbandoned abandon(TaskAbandoned abandoned) {
        closed = true;
        CancelScopeTree.exit(loop, owner, scope);
        return abandoned;
    }

    private static void throwUnchecked(Throwable t) {
        if (t instanceof RuntimeException e) {
            throw e;
        }
        throw (Error) t;
    }

    /** Spawns a child with traio's options; see {@link GroupRules}. */
    public <T> TaskImpl<T> spawnWithOptions(String name, ThrowingSupplier<T> fn, GroupRules.ChildOptions options,
            String call) {
        rules();
        spawning = options;
        try {
            return spawn(name, fn, (StartState) null, call);
        } finally {
            spawning = null;
        }
    }

    /** Spawns a child; see {@link Scheduler#spawnTask}. */
    public <T> TaskImpl<T> spawn(String name, ThrowingSupplier<T> fn, StartState start, String call) {
        return spawnBody(name, fn, start, call);
    }

    /**
     * Spawns a child with no value, whose body is {@code fn} itself (no wrapper: a parked task
     * keeps none, and its stack has no wrapper's frame; issue 15).
     *
     * @param fn the body; not also a {@link ThrowingSupplier} (the task would call its {@code get}:
     *     wrap such a body in a supplier)
     */
    public TaskImpl<Void> spawn(String name, ThrowingRunnable fn, String call) {
        return spawnBody(name, fn, null, call);
    }

    private <T> TaskImpl<T> spawnBody(String name, Object fn, StartState start, String call) {
        callerOnThisLoop(call);
        if (closed) {
            throw new IllegalStateException(call + ": the task group has finished (its body and all its tasks "
                    + "are done); spawn only while the body runs or while the group waits for its tasks");
        }
        return loop.spawnTask(this, name, fn, start, call);
    }

    /**
     * Makes {@code thread}, which the calling task is starting, a child of this group (see
     * {@link ThreadTasks}); the same checks as {@link #spawn}.
     */
    TaskImpl<Void> adopt(Thread thread, String name, Runnable body, String call) {
        callerOnThisLoop(call);
        if (closed) {
            throw new IllegalStateException(call + ": the task group has finished (its body and all its tasks "
                    + "are done), so it cannot take the thread as a task; start threads only while the group's body "
                    + "runs or while it waits for its tasks, or use the factory of a group that is still open");
        }
        ThrowingRunnable run = body::run;
        return loop.addTask(this, name, run, null, thread);
    }

    /** Cancels the body and every current and future child. */
    public void cancel(String call) {
        callerOnThisLoop(call);
        CancelScopeTree.cancelByUser(loop, scope);
    }

    /** The checks every call on a group makes: a task of this group's loop, which may block. */
    private void callerOnThisLoop(String call) {
        TaskImpl<?> me = Current.task(call);
        SyncRun.checkMayBlock(me);
        if (me.loop != loop) {
            throw loop.notThisLoop(call, "this task group", me);
        }
    }

    void childStarted(TaskImpl<?> t) {
        running++;
        if (spawning != null) {
            rules.adopt(t, spawning);
            spawning = null;
        }
    }

    void childFinished(TaskImpl<?> t) {
        Throwable failure = t.failure();
        boolean ignorable = failure == null || (t.cancelled && !t.strayCancel());
        if (!ignorable) {
            if (rules == null || rules.bubbles(t)) {
                fail(failure, t.quoted() + " in the group failed");
            } else {
                rules.keep(t);
            }
        } else if (failure != null) {
            CancelScopeTree.Node by = CancelScopeTree.visibleCancel(loop, scope);
            if (by != null && by != scope) {
                childCancelledFromOutside = true;
            }
        }
        if (rules != null) {
            rules.ended(this, t);
        }
        childFinishedQuietly(t);
    }

    void childFinishedQuietly(TaskImpl<?> t) {
        running--;
        if (ownerWaiting && (running == 0 || (rules != null && running == rules.background()))) {
            loop.wake(owner, this);
        }
    }

    /** Records {@code f} and cancels the group, saying {@code why} (what failed) in its Cancelled's message. */
    private void fail(Throwable f, String why) {
        if (record(f)) {
            CancelScopeTree.cancel(loop, scope, CancelReason.GROUP_FAILURE, why);
        }
    }

    /** Adds {@code f} to {@link #failures} unless it is there already. @return whether it was new */
    private boolean record(Throwable f) {
        if (failures == null) {
            failures = new ArrayList<>(2);
        }
        if (alreadyFailedWith(f)) {
            return false;
        }
        failures.add(f);
        if (failureSet != null) {
            failureSet.add(f);
        } else if (failures.size() > SCANNED_FAILURES) {
            failureSet = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            failureSet.addAll(failures);
        }
        return true;
    }

    /** @return whether {@code f} is among {@link #failures} already (by identity) */
    private boolean alreadyFailedWith(Throwable f) {
        if (failureSet != null) {
            return failureSet.contains(f);
        }
        for (Throwable seen : failures) {
            if (seen == f) {
                return true;
            }
        }
        return false;
    }

    /**
     * Has {@code action} run by the owner once the group has finished (its body and every task done),
     * before the group returns or throws; not when the run ends while the group is open. The action
     * must not wait: it runs as the owner leaves the group.
     */
    public void whenFinished(Runnable action) {
        if (whenFinished == null) {
            whenFinished = new ArrayList<>(2);
        }
        whenFinished.add(action);
    }

    private void tellFinished() {
        if (whenFinished != null) {
            for (Runnable action : whenFinished) {
                action.run();
            }
            whenFinished = null;
        }
    }

    /** @return whether the group has finished (its body and all its tasks are done): it takes no more tasks */
    public boolean isClosed() {
        return closed;
    }

    /** @return whether the group's scope has been cancelled */
    public boolean isCancelled() {
        return scope.cancelCalled;
    }

    /**
     * The owner waits for every unfinished child, in spawn order. Reports are rare, so the group
     * keeps no list of its own: the report's index of the live tasks has them.
     */
    @Override
    public void addWaitedFor(TaskImpl<?> waiter, LiveTaskIndex live, List<TaskImpl<?>> out) {
        out.addAll(live.childrenOf(this));
    }

    @Override
    public String describeWait(TaskImpl<?> waiter, List<TaskImpl<?>> waitedFor) {
        return waitedFor.isEmpty() ? toString() : toString() + ": " + WaitTarget.names(waitedFor);
    }

    @Override
    public String toString() {
        return "its task group to finish (" + running + " task" + (running == 1 ? "" : "s") + " still running)"
                + (pendingFailure() == null ? "" : ", failing with " + SafeText.of(pendingFailure()) + " (rethrown once they end)");
    }

    /** @return the first failure of a child or the body that the group will rethrow when it ends, or null */
    Throwable pendingFailure() {
        return failures == null ? null : failures.get(0);
    }
}
