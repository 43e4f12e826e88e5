package dev.simloop.internal;

import dev.simloop.CancelReason;
import dev.simloop.Cancelled;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The cancel-scope tree and the rules of level-triggered cancellation (after trio).
 *
 * <p>Every open scope is a {@link Node}. A task's scopes nest inside each other; a task's own
 * root scope is a child of the scope of the group it was spawned into, so the tree spans tasks.
 * A task is <em>effectively cancelled</em> when some scope on the path from its innermost scope
 * upwards has been cancelled, where the path stops after the first shielded scope (a shield hides
 * cancellation from outside, never the scope's own). Cancellation is raised only at checkpoints,
 * and again at every checkpoint until the cancelled scope exits; the outermost visible cancelled
 * scope catches it.
 */
public final class CancelScopeTree {
    /**
     * {@link Cancelled}'s private field naming the scope that raised it: no API of {@code Cancelled}
     * says which scope that was, and the runtime's own module may reach its private fields.
     */
    private static final VarHandle RAISED_BY;

    static {
        try {
            RAISED_BY = MethodHandles.privateLookupIn(Cancelled.class, MethodHandles.lookup())
                    .findVarHandle(Cancelled.class, "raisedBy", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private CancelScopeTree() {
    }

    /**
     * A place in a scope's list of children: a scope ({@link Node}), or a task whose own scope is
     * not made yet ({@link #rootOf}), which then stands in its place, in the same order.
     */
    abstract static class Entry {
        Entry prevSibling;
        Entry nextSibling;
    }

    /** One open (or closed) cancel scope. Touched only on the loop's driver thread. */
    public static final class Node extends Entry {
        final TaskImpl<?> owner;
        final Node parent;
        /** What the scope is, for messages: "cancel scope", "task group"; null for a task's own scope (see {@link #label()}). */
        private final String label;
        // Children in opening order: the order in which a cancel reaches blocked tasks.
        Entry firstChild;
        Entry lastChild;
        boolean linked;

        /** Once true, stays true (trio: cancel_called never resets). */
        boolean cancelCalled;
        /** The first reason given; later cancels keep it. */
        CancelReason reason;
        /** The task that cancelled the scope explicitly, when not its owner: its {@link Cancelled}'s message names it. */
        private TaskImpl<?> cancelledBy;
        /**
         * What happened, when the reason's {@link CancelReason#description() description} says too
         * little (which task of a group failed, or that its body did): shown in its place.
         */
        private String why;
        boolean shielded;
        /** Loop-clock nanos, {@link Long#MAX_VALUE} when none. */
        long deadline = Long.MAX_VALUE;
        /** True when the scope exited because of its own cancellation. */
        boolean cancelledCaught;
        boolean closed;
        /** The task group whose scope this is; null for other scopes. */
        GroupImpl group;
        private DeadlineTimer timer;

        // The last walk from this scope ({@link #visibleCancel}), kept while it still holds: its loop's
        // scopeChanges then, the earliest deadline still to come on the walked path, and what it found.
        // Without it, every checkpoint of a task ten thousand scopes deep walks them all, once any
        // scope of the loop was cancelled or given a deadline.
        private long walkedAtChange = -1;
        private long walkHoldsUntil;
        private Node walkFound;

        Node(TaskImpl<?> owner, Node parent, String label) {
            this.owner = owner;
            this.parent = parent;
            this.label = label;
        }

        /**
         * @return why the scope was cancelled, for messages: what happened, when the cancel said it,
         *     else the reason's description
         */
        String why() {
            if (why != null) {
                return why;
            }
            return (reason == null ? CancelReason.EXPLICIT : reason).description();
        }

        /** @return the text {@link #why()} gives, as given to the cancel; null when it gave none */
        String whyGiven() {
            return why;
        }

        /** @return what the scope is, for messages: "cancel scope", "task group", "task 'x'" */
        String label() {
            return label != null ? label : owner.quoted();
        }

        /** @return the task that opened the scope */
        public TaskImpl<?> owner() {
            return owner;
        }

        public boolean cancelCalled() {
            return cancelCalled;
        }

        public boolean cancelledCaught() {
            return cancelledCaught;
        }

        public long deadline() {
            return deadline;
        }

        public boolean isShielded() {
            return shielded;
        }

        public boolean isClosed() {
            return closed;
        }

        @Override
        public String toString() {
            return label == null ? label() : label + " opened by task '" + owner.name() + "'";
        }
    }

    /** The timer that cancels a scope when its deadline passes. */
    private static final class DeadlineTimer extends Timer {
        final Node node;

        DeadlineTimer(Node node) {
            super(KIND_DEADLINE);
            this.node = node;
        }

        @Override
        void fire(Scheduler loop) {
            cancel(loop, node, CancelReason.DEADLINE);
        }

        @Override
        String describe() {
            return "the deadline of " + node;
        }
    }

    // ---------------------------------------------------------------------------------------
    // Opening and closing
    // ---------------------------------------------------------------------------------------

    static Node open(TaskImpl<?> owner, Node parent, String label) {
        Node n = new Node(owner, parent, label);
        if (parent != null) {
            append(parent, n);
            n.linked = true;
        }
        return n;
    }

    private static void append(Node parent, Entry e) {
        e.prevSibling = parent.lastChild;
        if (parent.lastChild == null) {
            parent.firstChild = e;
        } else {
            parent.lastChild.nextSibling = e;
        }
        parent.lastChild = e;
    }

    /**
     * Places a new task in its group's scope: a task without a parent scope (a run's main task)
     * gets its own scope at once; any other stands in its parent's children itself, with the parent
     * as its innermost scope, until it needs a scope of its own ({@link #rootOf}). Most tasks never
     * do, and a parked task is then one scope node (72 bytes) lighter (issue 15).
     */
    static void place(TaskImpl<?> t, Node parentScope) {
        if (parentScope == null) {
            Node r = open(t, null, null); // labelled from the name when a message needs it
            t.root(r);
            t.innermost = r;
        } else {
            append(parentScope, t);
            t.innermost = parentScope;
        }
    }

    /**
     * @return {@code t}'s own scope (Task.cancel() cancels it; its parent is the group's scope),
     *     made now if it was not yet: it takes the task's place among its parent's children, so a
     *     cancel reaches the tasks in the same order as if it had always been there
     */
    static Node rootOf(TaskImpl<?> t) {
        Node r = t.root();
        if (r != null) {
            return r;
        }
        Node parent = t.innermost; // a task without its own scope has no inner scopes either
        r = new Node(t, parent, null);
        r.prevSibling = t.prevSibling;
        r.nextSibling = t.nextSibling;
        if (r.prevSibling == null) {
            parent.firstChild = r;
        } else {
            r.prevSibling.nextSibling = r;
        }
        if (r.nextSibling == null) {
            parent.lastChild = r;
        } else {
            r.nextSibling.prevSibling = r;
        }
        r.linked = true;
        t.prevSibling = null;
        t.nextSibling = null;
        t.root(r);
        t.innermost = r;
        return r;
    }

    /** Closes the scope of a task that has ended: its own, or its place among its parent's children. */
    static void closeTask(Scheduler loop, TaskImpl<?> t) {
        Node r = t.root();
        if (r != null) {
            close(loop, r);
        } else if (t.prevSibling != null || t.innermost.firstChild == t) {
            unlink(t.innermost, t);
        }
    }

    /** Opens a scope inside the calling task's innermost scope and makes it the innermost. */
    public static Node enter(TaskImpl<?> me, String label) {
        rootOf(me); // a scope inside the task hangs below the task's own
        Node n = open(me, me.innermost, label);
        me.innermost = n;
        return n;
    }

    /**
     * @param t a task, or null (a thread outside any loop, which has no scopes)
     * @return a mark of the scopes open in {@code t}: the same object at two moments when every scope
     *     opened in between has been closed again (the task's own scope, made when first needed,
     *     counts as none); otherwise the innermost open scope, whose {@code toString} names it
     */
    public static Object openScopesMark(TaskImpl<?> t) {
        if (t == null) {
            return null;
        }
        Node own = t.root();
        return own == null || t.innermost == own ? t : t.innermost;
    }

    /** Closes {@code n}, which must be the task's innermost scope, and restores its parent. */
    public static void exit(Scheduler loop, TaskImpl<?> me, Node n) {
        if (me.innermost != n) {
            throw new IllegalStateException("cancel scopes of task '" + me.name() + "' exited out of order");
        }
        me.innermost = n.parent;
        close(loop, n);
        if (me.interruptedForScope() == n) {
            // This scope's cancel interrupted the task's JDK wait, and the scope is done: that interrupt
            // was the cancel, so it goes with it (code that restored it, as Java code does after an
            // InterruptedException, would otherwise meet it at its next JDK wait, outside any cancel).
            me.interruptedForScope(null);
            me.interruptedByCancel(false);
            if (Thread.currentThread() == me.thread) {
                Thread.interrupted();
            }
        }
    }

    static void close(Scheduler loop, Node n) {
        if (n.closed) {
            return;
        }
        n.closed = true;
        if (n.timer != null) {
            loop.disarm(n.timer);
        }
        if (n.linked) {
            unlink(n.parent, n);
            n.linked = false;
        }
    }

    private static void unlink(Node p, Entry e) {
        if (e.prevSibling == null) {
            p.firstChild = e.nextSibling;
        } else {
            e.prevSibling.nextSibling = e.nextSibling;
        }
        if (e.nextSibling == null) {
            p.lastChild = e.prevSibling;
        } else {
            e.nextSibling.prevSibling = e.prevSibling;
        }
        e.prevSibling = null;
        e.nextSibling = null;
    }

    // ---------------------------------------------------------------------------------------
    // Cancelling
    // ---------------------------------------------------------------------------------------

    /**
     * A scope of {@code loop} is cancelled or given a deadline: from now on {@link #visibleCancel} must
     * walk the scopes (until then none can be cancelled, so it returns at once: a checkpoint's cost).
     */
    private static void scopesStirred(Scheduler loop, Node n) {
        loop.scopesStirred = true;
        if (n.owner != null && n.owner.loop != null) {
            n.owner.loop.scopesStirred = true;
        }
        scopeChanged(loop, n);
    }

    /** A change that can change what a walk finds: the walks kept in {@code n}'s loop (and the caller's) no longer hold. */
    private static void scopeChanged(Scheduler loop, Node n) {
        if (loop != null) {
            loop.scopeChanges++;
        }
        if (n.owner != null && n.owner.loop != null && n.owner.loop != loop) {
            n.owner.loop.scopeChanges++;
        }
    }

    /**
     * Takes back the cancel of {@code n}, a {@code TaskGroup.start} handshake's scope
     * ({@link StartState}): the only scope whose cancel is taken back, since it stands for the
     * caller's scopes, which the started task leaves when it calls {@code started} (trio moves the
     * task into the group then). No API reaches that scope, so nothing else cancelled it.
     */
    static void lift(Scheduler loop, Node n) {
        if (n.cancelCalled) {
            n.cancelCalled = false;
            n.reason = null;
            scopeChanged(loop, n); // walks that found it no longer hold
        }
    }

    /**
     * A user's explicit cancel of {@code n} ({@code Task.cancel}, {@code CancelScope.cancel},
     * {@code TaskGroup.cancel}, called by a user's code or a service's, such as a timer that cancels
     * its late tick): {@link #cancel}, noting the calling task, when it is not the scope's owner, for
     * the {@link Cancelled}'s message. Not for the cancels the loop makes itself (a master task's end,
     * background tasks at a group's end), whose running task did not ask for them.
     */
    public static void cancelByUser(Scheduler loop, Node n) {
        TaskImpl<?> by = loop.runningTask();
        if (!n.cancelCalled && by != n.owner) {
            n.cancelledBy = by;
        }
        cancel(loop, n, CancelReason.EXPLICIT);
    }

    /**
     * @return the deadline of a deadline's cancel, for its trace row: a deadline set in the past
     *     cancels the scope at once, and only its value, earlier than the row's time, shows why
     */
    private static String deadlineShown(Node n, CancelReason reason) {
        return reason != CancelReason.DEADLINE ? "" : " (deadline " + Nanos.format(n.deadline) + ")";
    }

    /** Cancels {@code n} (a no-op if already cancelled) and delivers it to the tasks inside. */
    public static void cancel(Scheduler loop, Node n, CancelReason reason) {
        cancel(loop, n, reason, null);
    }

    /**
     * {@link #cancel(Scheduler, Node, CancelReason)}, saying what happened in place of the reason's
     * description in the {@link Cancelled}'s message and the trace, when {@code why} is not null.
     */
    public static void cancel(Scheduler loop, Node n, CancelReason reason, String why) {
        if (n.cancelCalled) {
            return;
        }
        scopesStirred(loop, n);
        n.cancelCalled = true;
        n.reason = reason;
        n.why = why;
        if (loop.tracing()) {
            loop.traceEvent(n.owner, Trace.Kind.CANCEL_REQUESTED, n.why() + deadlineShown(n, reason) + ": " + n.label());
        }
        if (n.timer != null) {
            loop.disarm(n.timer);
        }
        if (!n.closed) {
            deliver(loop, n);
        }
    }

    /**
     * Wakes every task blocked inside {@code top}'s subtree, skipping shielded sub-scopes, in tree
     * order. Iterative, so 5,000 nested scopes need no deep recursion on the driver.
     */
    static void deliver(Scheduler loop, Node top) {
        Entry e = top;
        while (e != null) {
            Entry child = null;
            if (e instanceof Node n) {
                if (n.owner.innermost == n) {
                    deliverTo(loop, n.owner);
                }
                child = firstUnshielded(n.firstChild);
            } else {
                deliverTo(loop, (TaskImpl<?>) e); // a task without a scope of its own: its innermost is its parent
            }
            if (child != null) {
                e = child;
                continue;
            }
            // climb until an entry has an unshielded next sibling, stopping at top
            while (e != top) {
                Entry sib = firstUnshielded(e.nextSibling);
                if (sib != null) {
                    e = sib;
                    break;
                }
                e = e instanceof Node n ? n.parent : ((TaskImpl<?>) e).innermost;
            }
            if (e == top) {
                return;
            }
        }
    }

    private static Entry firstUnshielded(Entry e) {
        while (e instanceof Node n && n.shielded) {
            e = n.nextSibling;
        }
        return e;
    }

    /**
     * Delivers a cancel to {@code t}: aborts its wait if it is blocked in simloop, interrupts its
     * thread if it is parked in java.util.concurrent (or blocking I/O), and otherwise leaves it to its
     * next checkpoint.
     */
    static void deliverTo(Scheduler loop, TaskImpl<?> t) {
        if (t.done || t == loop.runningTask()) {
            return;
        }
        if (t.blockedOn != null) {
            if (t.wake == TaskImpl.WAKE_NONE && t.abortable.abort(t)) {
                loop.wake(t, TaskImpl.WAKE_CANCELLED);
            }
        } else if (!t.inReady && t.foreignContinuation() == null) {
            interrupt(t, cancelledScopeOf(t));
        }
    }

    /**
     * Interrupts {@code t}, parked outside simloop, for the cancel of {@code scope}: once per scope,
     * as Java code expects an interrupt once (a wait that catches it and waits again, as
     * {@code ExecutorService.close()} does, is left to wait).
     */
    private static void interrupt(TaskImpl<?> t, Node scope) {
        t.interruptedForScope(scope);
        t.interruptedByCancel(true); // its InterruptedException is this cancel, not a failure
        t.thread.interrupt();
    }

    /**
     * {@code t} parked outside simloop at the end of its step: when it is inside a cancelled scope
     * whose cancel has not interrupted it yet (the cancel came while it was ready or running), the
     * wait it began is interrupted now, as one it was in when the cancel came would have been.
     */
    static void parkedOutside(Scheduler loop, TaskImpl<?> t) {
        Node scope = cancelledScopeOf(t);
        if (scope != null && scope != t.interruptedForScope() && t.foreignContinuation() == null) {
            interrupt(t, scope);
        }
    }

    /**
     * {@code me}'s thread was interrupted while it waited in simloop (or before, and the interrupt
     * was pending): an interrupt of a task is a request to cancel it, as {@code Task.cancel()}
     * does. The wait ends with {@link Cancelled} unless a shield hides the cancellation. An
     * interrupt simloop sent itself (to end a java.util.concurrent wait on a cancel) that is still
     * pending is dropped: that cancel has been delivered through the scopes already.
     */
    static void interruptedWhileBlocked(Scheduler loop, TaskImpl<?> me) {
        if (me.interruptedByCancel()) {
            me.interruptedByCancel(false);
            return;
        }
        cancel(loop, rootOf(me), CancelReason.INTERRUPTED); // me is running: deliverTo skips it
        if (cancelledFor(loop, me) != null && me.abortable.abort(me)) {
            loop.traceEvent(me, Trace.Kind.CANCEL_DELIVERED, "by an interrupt");
            me.wake = TaskImpl.WAKE_CANCELLED;
            me.blockedOn = null;
            me.abortable = null;
        }
    }

    /**
     * {@code t}, parked outside simloop (a java.util.concurrent wait, a monitor, a {@code Thread.sleep}),
     * has just been made ready with its thread interrupted by a task or thread, not by a cancel of
     * simloop's. An interrupt of a task is a request to cancel it, as {@code Task.cancel()} is, but the
     * JDK wait throws InterruptedException and clears the status where simloop's own waits would
     * have seen it: the request is taken here instead. The task's own scope is cancelled (reason
     * INTERRUPTED), and the InterruptedException counts as that cancel ({@link #interruptAsCancelled}),
     * as one caused by a cancel's own interrupt does; the cancel's interrupt of a JDK wait, once per
     * scope, is this one. {@code t} must be ready already, so the cancel does not interrupt it again.
     * Also called as a step starts with the task's thread interrupted since its last step ended (by
     * a task or a thread outside, while the task was ready: waiting for its turn, just woken, or not
     * yet started; {@link TaskImpl#interruptedWhenLeft}): a
     * java.util.concurrent wait it makes next throws InterruptedException at once, without parking,
     * and would otherwise fail the task as a checked exception, where the same interrupt a moment
     * later, once it had parked there, cancels it. A task woken in simloop before the interrupt
     * raises the cancel at its next checkpoint.
     * Not for a thread of {@code Loop.threadFactory()}: a JDK pool interrupts its workers to end one
     * job or to wake an idle one, and a cancel would end every later job of the worker.
     */
    static void interruptedOutside(Scheduler loop, TaskImpl<?> t) {
        if (t.done || t.blockedOn != null || t.interruptedByCancel() || t.adoptedThread() || !t.thread.isInterrupted()) {
            return; // a wait in simloop sees the interrupt itself (interruptedWhileBlocked)
        }
        cancel(loop, rootOf(t), CancelReason.INTERRUPTED);
        Node by = cancelledScopeOf(t);
        if (by != null) { // not hidden by a shield
            t.interruptedForScope(by);
            t.interruptedByCancel(true);
        }
    }

    /** Moves the deadline of {@code n}; a deadline at or before now cancels at once. */
    public static void setDeadline(Scheduler loop, Node n, long deadline) {
        if (deadline != Long.MAX_VALUE) {
            scopesStirred(loop, n);
        } else {
            scopeChanged(loop, n);
        }
        n.deadline = deadline;
        if (n.cancelCalled || n.closed) {
            return;
        }
        if (deadline <= loop.now()) {
            cancel(loop, n, CancelReason.DEADLINE);
        } else if (deadline == Long.MAX_VALUE) {
            if (n.timer != null) {
                loop.disarm(n.timer);
            }
        } else {
            if (n.timer == null) {
                n.timer = new DeadlineTimer(n);
            }
            loop.arm(n.timer, deadline);
        }
    }

    /** Switches the shield of {@code n}; lifting it exposes blocked tasks to outer cancellation at once. */
    public static void setShielded(Scheduler loop, Node n, boolean shield) {
        boolean was = n.shielded;
        n.shielded = shield;
        scopeChanged(loop, n);
        if (was && !shield && !n.closed && n.parent != null && visibleCancel(loop, n.parent) != null) {
            deliver(loop, n);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Asking
    // ---------------------------------------------------------------------------------------

    /**
     * The outermost cancelled scope visible from {@code t}'s innermost scope, or null. Scopes whose
     * deadline has passed are cancelled on the way (a checkpoint checks the clock even when nothing
     * sleeps).
     */
    public static Node cancelledFor(Scheduler loop, TaskImpl<?> t) {
        return visibleCancel(loop, t.innermost);
    }

    /**
     * The outermost cancelled scope visible from {@code from} upwards, or null. The walk's result is
     * kept on {@code from} while nothing it read can have changed: no scope of the loop changed
     * ({@link Scheduler#scopeChanges}) and no deadline on the walked path has come. A walk then would
     * cancel nothing on its way and find the same, so the kept result is returned instead.
     */
    static Node visibleCancel(Scheduler loop, Node from) {
        if (loop != null && !loop.scopesStirred) {
            return null; // no scope of this loop was ever cancelled or given a deadline: none can be found
        }
        boolean keep = loop != null && from != null && from.owner != null && from.owner.loop == loop;
        if (keep && from.walkedAtChange == loop.scopeChanges && loop.now() < from.walkHoldsUntil) {
            return from.walkFound;
        }
        Node found = null;
        long nextDeadline = Long.MAX_VALUE;
        for (Node n = from; n != null; n = n.parent) {
            if (!n.cancelCalled && n.deadline != Long.MAX_VALUE && n.deadline <= loop.now()) {
                cancel(loop, n, CancelReason.DEADLINE);
            }
            if (n.cancelCalled) {
                found = n;
            } else if (n.deadline != Long.MAX_VALUE) {
                nextDeadline = Math.min(nextDeadline, n.deadline);
            }
            if (n.shielded) {
                break;
            }
        }
        if (keep) {
            from.walkedAtChange = loop.scopeChanges; // after the walk: the cancels it made are counted
            from.walkHoldsUntil = nextDeadline;
            from.walkFound = found;
        }
        return found;
    }

    /**
     * The outermost cancelled scope visible from {@code t}'s innermost scope, or null: the walk of
     * {@link #visibleCancel} with no side effect (a deadline passed but not yet fired is left to its
     * timer, whose cancel is delivered then).
     */
    static Node cancelledScopeOf(TaskImpl<?> t) {
        Node found = null;
        for (Node n = t.innermost; n != null; n = n.parent) {
            if (n.cancelCalled) {
                found = n;
            }
            if (n.shielded) {
                break;
            }
        }
        return found;
    }

    /**
     * Whether {@code n} catches a {@link Cancelled} leaving it: it was cancelled, and no cancelled
     * scope outside it is visible (then the outermost one catches instead).
     */
    public static boolean catches(Node n) {
        if (!n.cancelCalled) {
            return false;
        }
        if (n.shielded) {
            return true;
        }
        for (Node p = n.parent; p != null; p = p.parent) {
            if (p.cancelCalled) {
                return false;
            }
            if (p.shielded) {
                break;
            }
        }
        return true;
    }

    /** Records that {@code n} exited because of its own cancellation. */
    public static void markCaught(Node n) {
        n.cancelledCaught = true;
    }

    /**
     * What leaves a block of task {@code t} (a scope's body, a group's body, the task itself) when
     * {@code e} was thrown out of it: {@code e} as {@link #interruptAsCancelled} reads it, and then,
     * when that is a {@link Cancelled} that carries a failure, that failure ({@link #failureRidingOn}).
     */
    public static Throwable leaving(Scheduler loop, TaskImpl<?> t, Throwable e) {
        return failureRidingOn(interruptAsCancelled(loop, t, e));
    }

    /** How deep {@link #failureRidingOn} looks into a cancel's causes: the interrupt, and the wrapper around it. */
    private static final int CAUSES_LOOKED_AT = 2;

    /**
     * A failure that left a cancelled block riding on its cancel: try-with-resources adds what a
     * {@code close()} throws while a {@link Cancelled} (or the interrupt that a cancel turned into one)
     * unwinds the block to that exception's suppressed list, and the scope that catches its cancel,
     * or the group that ignores a child's, would drop the failure with it. As in trio, where an
     * exception raised while a cancel unwinds replaces it, the failure goes on instead, with the other
     * failures and a copy of the cancel suppressed by it (the order {@code Failures.keepFirst} gives a
     * cancel and a failure; a copy, since the cancel itself holds the failure, and each suppressing
     * the other would print as a circular reference).
     *
     * @return the first failure {@code e} carries when it is a {@code Cancelled}; else {@code e}
     */
    static Throwable failureRidingOn(Throwable e) {
        if (!(e instanceof Cancelled cancel)) {
            return e;
        }
        List<Throwable> carried = null; // made only for a cancel that carries one: most carry nothing
        Throwable from = cancel;
        for (int depth = 0; from != null && depth <= CAUSES_LOOKED_AT; depth++, from = from.getCause()) {
            if (depth > 0 && from instanceof Cancelled) {
                break; // another scope's cancel, which its own block reads
            }
            for (Throwable s : from.getSuppressed()) { // no copy made when there are none
                if (!isCancel(s) && (carried == null || !carried.contains(s))) {
                    carried = carried == null ? new ArrayList<>(2) : carried;
                    carried.add(s);
                }
            }
        }
        if (carried == null) {
            return e;
        }
        Throwable failure = carried.get(0);
        for (int i = 1; i < carried.size(); i++) {
            failure.addSuppressed(carried.get(i));
        }
        Cancelled copy = new Cancelled(cancel.reason(), cancel.getMessage());
        copy.setStackTrace(cancel.getStackTrace());
        failure.addSuppressed(copy);
        return failure;
    }

    /**
     * @return whether {@code s}, thrown by a clean-up while a cancel unwinds its block, is that cancel
     *     over again, not a failure: a cancel (a scope's, a JDK future's), a cancelled task's join, or
     *     the interrupt that the still-cancelled scope gives a JDK wait in the clean-up (decision 3)
     */
    private static boolean isCancel(Throwable s) {
        return s instanceof java.util.concurrent.CancellationException || s instanceof dev.simloop.TaskCancelledException
                || interruptCause(s) != null;
    }

    /**
     * A cancel interrupts a task parked in java.util.concurrent (decision 3); the
     * InterruptedException that then ends its wait is that cancellation, not a failure of the task.
     * Turns it (bare, or wrapped in TaskFailedException) into the {@link Cancelled} a checkpoint
     * would have raised, when a cancelled scope is visible from the task; so too a JDK future's
     * failure by the cancel of a scope around the task that ended such a wait instead
     * ({@link #futureFailureAsCancelled}); anything else is returned unchanged.
     */
    public static Throwable interruptAsCancelled(Scheduler loop, TaskImpl<?> t, Throwable e) {
        Throwable ie = t.interruptedByCancel() && e != null ? interruptCause(e) : null;
        if (ie == null) {
            return futureFailureAsCancelled(loop, t, e);
        }
        Node by = visibleCancel(loop, t.innermost);
        if (by == null) {
            return e;
        }
        t.interruptedByCancel(false);
        Cancelled c = newCancelled(by);
        c.initCause(ie);
        return c;
    }

    /**
     * A JDK future whose work ran in a task inside a cancelled scope fails with that scope's
     * {@link Cancelled}, wrapped as the JDK wraps a failure ({@code ExecutionException} from
     * {@code get()}, {@code CompletionException} from {@code join()}). When the JDK wait that the
     * cancel interrupted ends so (a {@code join()} is deaf to the interrupt, and a {@code get()} may
     * see the work's end first), and the exception leaves that scope or a scope inside it, it is that
     * cancel, which reached the task through the work instead of through the interrupt: turns it into
     * the {@link Cancelled} a checkpoint would have raised, with {@code e} as its cause. A
     * {@code Cancelled} of a scope not around the task (one it has left, another task's), or one the
     * task wrapped itself (a failure while handling its cancel), leaves {@code e} a failure.
     */
    static Throwable futureFailureAsCancelled(Scheduler loop, TaskImpl<?> t, Throwable e) {
        if (e == null || e instanceof Cancelled || !t.interruptedByCancel()) {
            return e;
        }
        Node raisedBy = null;
        Throwable w = e;
        for (int depth = 0; w != null && depth < 4 && raisedBy == null; depth++, w = w.getCause()) {
            if ((w instanceof ExecutionException || w instanceof CompletionException)
                    && w.getCause() instanceof Cancelled wrapped
                    && RAISED_BY.get(wrapped) instanceof WeakReference<?> ref && ref.get() instanceof Node n) {
                raisedBy = n;
            }
        }
        if (raisedBy == null || !raisedBy.cancelCalled || !isAround(t, raisedBy)) {
            return e;
        }
        Node by = visibleCancel(loop, t.innermost);
        if (by == null) {
            return e;
        }
        Cancelled cancel = newCancelled(by);
        cancel.initCause(e);
        return cancel;
    }

    /** @return whether {@code n} is one of {@code t}'s scopes whose cancel it sees (up to the first shield) */
    private static boolean isAround(TaskImpl<?> t, Node n) {
        for (Node s = t.innermost; s != null; s = s.parent) {
            if (s == n) {
                return true;
            }
            if (s.shielded) {
                return false;
            }
        }
        return false;
    }

    /**
     * How a JDK wait ends when its thread is interrupted, possibly wrapped (TaskFailedException,
     * UncheckedIOException, CompletionException...): InterruptedException; for blocking I/O,
     * ClosedByInterruptException, InterruptedIOException (not a socket time-out), or a
     * SocketException "Closed by interrupt" (a virtual thread's socket).
     *
     * @return the interrupt-caused exception in {@code e}'s cause chain (at most 4 deep), or null
     */
    static Throwable interruptCause(Throwable e) {
        for (int depth = 0; e != null && depth < 4; depth++, e = e.getCause()) {
            if (e instanceof InterruptedException || e instanceof java.nio.channels.ClosedByInterruptException
                    || (e instanceof java.io.InterruptedIOException && !(e instanceof java.net.SocketTimeoutException))
                    || (e instanceof java.net.SocketException && "Closed by interrupt".equals(e.getMessage()))) {
                return e;
            }
        }
        return null;
    }

    /**
     * How many times in a row one scope's {@code Cancelled} is raised in one task before a real loop
     * warns that the task swallows it ({@link #raise}). No program raises one cancel this often and
     * means it: trio's cancellation is level-triggered, so a task that catches it and goes on meets
     * it again at its next checkpoint.
     */
    static final long SWALLOWED_CANCELS_WARNING = 10_000;

    /**
     * The {@link Cancelled} to raise in {@code me} at a checkpoint or wait inside the cancelled
     * {@code by}, counted: a real loop warns once when a task has met it
     * {@value #SWALLOWED_CANCELS_WARNING} times in a row, since such a task catches it and goes on
     * (a catch of Throwable or Exception around a checkpoint), and neither it nor the group that
     * waits for it, nor that group's failure, will ever come out. A simulation says so when it stops
     * at maxSteps ({@link #swallowedCancels}).
     */
    static Cancelled raise(Scheduler loop, TaskImpl<?> me, Node by) {
        if (me.raisedAgain(by) == SWALLOWED_CANCELS_WARNING && !loop.simulated) {
            Watchdog.warn(() -> swallowedCancels(me));
        }
        return newCancelled(by);
    }

    /**
     * @return what a task that keeps catching the {@code Cancelled} of one scope does, with the
     *     failure of the group waiting for it, if any; or null when no task among {@code liveHead}
     *     and its followers has met one cancel {@value #SWALLOWED_CANCELS_WARNING} times in a row
     */
    static String swallowedCancelsAmong(TaskImpl<?> liveHead) {
        for (TaskImpl<?> t = liveHead; t != null; t = t.liveNext) {
            if (t.raisedInARow() >= SWALLOWED_CANCELS_WARNING && t.lastRaisedBy() != null && !t.lastRaisedBy().closed) {
                return swallowedCancels(t);
            }
        }
        return null;
    }

    private static String swallowedCancels(TaskImpl<?> t) {
        Node by = t.lastRaisedBy();
        Throwable pending = by.group == null ? null : by.group.pendingFailure();
        String group = by.group == null ? "" : pending == null ? ", and its task group waits for it"
                : ", and its task group, which waits for it, never rethrows its failure: " + SafeText.brief(pending);
        return t.quoted() + " keeps catching the Cancelled of a cancelled scope and going on (raised "
                + t.raisedInARow() + " times in a row: " + newCancelled(by).getMessage() + "), so it never ends"
                + group + ". A cancelled task must let Cancelled propagate: where it catches Throwable, Exception or"
                + " RuntimeException around a checkpoint, rethrow Cancelled (or catch only what it handles).";
    }

    /** The exception raised at a checkpoint inside {@code by}. */
    public static Cancelled newCancelled(Node by) {
        CancelReason r = by.reason == null ? CancelReason.EXPLICIT : by.reason;
        String canceller = by.cancelledBy == null ? "" : ", by task '" + by.cancelledBy.name() + "'";
        Cancelled c = new Cancelled(r, "cancelled: " + by.why() + " (" + by + canceller + ")");
        RAISED_BY.set(c, new WeakReference<>(by)); // for futureFailureAsCancelled
        return c;
    }
}
