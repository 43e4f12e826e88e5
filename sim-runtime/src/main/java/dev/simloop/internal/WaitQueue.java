package dev.simloop.internal;

/**
 * The wait protocol of the primitives, after trio's ParkingLot: a FIFO queue of parked tasks that
 * owns the tricky parts of waiting, so a primitive only parks and unparks. A task parks with
 * {@link #park}; whoever changes the primitive's state unparks one waiter ({@link #unparkFirst},
 * {@link #unpark}) or all ({@link #unparkAll}), optionally handing it a reply (a value, a permit, a
 * "closed" marker) that {@code park} returns.
 *
 * <p>What the queue guarantees, by construction:
 * <ul>
 *   <li>a task waits in at most one queue, and only while it is blocked in it: it is linked on
 *       {@link #park} and unlinked by whoever ends the wait — the unparker, or a cancel (the queue
 *       is the wait's {@link Abortable}), so a cancelled waiter leaves no entry behind;
 *   <li>an unpark wakes only a task that is parked here, so a wake-up cannot end some other wait;
 *   <li>enqueueing, dequeueing and removing never allocate: tasks are linked through themselves.
 * </ul>
 *
 * <p>Used on the loop's driver thread only (by the task mounted on it).
 */
public final class WaitQueue implements Abortable {
    /** What {@link #unparkFirst()} and {@link #unparkAll()} hand the waiters: no particular value. */
    public static final Object UNPARKED = new Marker("unparked");
    /**
     * What {@link #park} returns when the task woke without being unparked: a cancel reached it
     * while a shield hid the cancellation. The caller re-checks its condition and parks again.
     */
    public static final Object NOT_UNPARKED = new Marker("not unparked");
    /**
     * A wait that cancellation cannot interrupt: an uncancellable park, a task group waiting for its
     * children. Kept here, package-private, rather than in {@link Abortable}, whose constants are public.
     */
    static final Abortable UNABORTABLE = new Unabortable();

    /** {@link #UNABORTABLE}'s class: named, not a lambda, which would spin a class on a fresh JVM's first run (issue 15). */
    private static final class Unabortable implements Abortable {
        @Override
        public boolean abort(TaskImpl<?> waiter) {
            return false;
        }
    }

    // Invariant: head..tail are linked by TaskImpl.waitNext/waitPrev; every linked task has
    // waitQueue == this and is blocked (blockedOn != null) or about to block in park(); size counts them.
    private TaskImpl<?> head;
    private TaskImpl<?> tail;
    private int size;
    /** The index of the waiters by priority, kept as they come and go; null for a queue served in order. */
    private final PriorityWaiters byPriority;

    /** Creates an empty queue, served in order. */
    public WaitQueue() {
        this(false);
    }

    /**
     * Creates an empty queue.
     *
     * @param byPriority whether its waiters are served by priority ({@link #toServe}), which
     *     then keeps an index of them
     */
    public WaitQueue(boolean byPriority) {
        this.byPriority = byPriority ? new PriorityWaiters() : null;
    }

    /** @return the index of the waiters by priority, or null for a queue served in order */
    PriorityWaiters byPriority() {
        return byPriority;
    }

    /** @return whether nobody waits */
    public boolean isEmpty() {
        return head == null;
    }

    /** @return how many tasks wait */
    public int size() {
        return size;
    }

    /** @return the longest-waiting task, or null */
    public TaskImpl<?> peek() {
        return head;
    }

    /**
     * The own priority of {@code t}, a waiter in this queue, changed: in a queue served by priority,
     * its place in the index moves.
     */
    void priorityChanged(TaskImpl<?> t) {
        if (byPriority != null) {
            byPriority.priorityChanged(t);
        }
    }

    /**
     * The waiter to serve next: in a queue served by priority, the one with the most urgent effective
     * priority ({@link Priorities#effective}), the longest-waiting among equals; else the longest-waiting.
     *
     * @return that waiter, or null when nobody waits
     */
    public TaskImpl<?> toServe() {
        // A lone waiter is served whatever its priority: walking what it inherits would cost a walk
        // of its whole chain at every hand-over, quadratic in a chain of waiting holders.
        return byPriority == null || size <= 1 ? head : byPriority.mostUrgent();
    }

    /**
     * Parks {@code me} at the end of the queue until it is unparked or cancelled. The caller has
     * checked cancellation and its condition already.
     *
     * @param me the calling task
     * @param target what the task waits on, for deadlock reports and traces (see {@link WaitTarget})
     * @return the unparker's reply, or {@link #NOT_UNPARKED}
     * @throws dev.simloop.Cancelled when a cancel ended the wait (the task is no longer queued)
     */
    public Object park(TaskImpl<?> me, Object target) {
        // Each variant parks itself rather than through a shared method: every frame between the
        // user's wait and the JDK's yield is kept in each parked stack (issue 15).
        link(me, null);
        try {
            return reply(me, me.loop.block(me, target, this));
        } finally {
            leave(me);
        }
    }

    /**
     * As {@link #park(TaskImpl, Object)}, carrying {@code carried} for the unparker to take
     * ({@link #carried}): the value a channel sender waits to hand over.
     *
     * @param me the calling task
     * @param target what the task waits on
     * @param carried what the task carries while parked
     * @return the unparker's reply, or {@link #NOT_UNPARKED}
     */
    public Object park(TaskImpl<?> me, Object target, Object carried) {
        link(me, carried);
        try {
            return reply(me, me.loop.block(me, target, this));
        } finally {
            leave(me);
        }
    }

    /**
     * Parks {@code me} until unparked; a cancel does not end this wait (it is seen at the next
     * checkpoint). For waits that must complete whatever happens to the task's scope: taking a lock
     * back after a condition wait.
     *
     * @param me the calling task
     * @param target what the task waits on
     * @return the unparker's reply
     */
    public Object parkUncancellably(TaskImpl<?> me, Object target) {
        link(me, null);
        try {
            return reply(me, me.loop.block(me, target, UNABORTABLE));
        } finally {
            leave(me);
        }
    }

    /** @return what {@link #park} returns after a wake-up {@code w}: the unparker's reply, or {@link #NOT_UNPARKED} */
    private static Object reply(TaskImpl<?> me, int w) {
        return w == TaskImpl.WAKE_NORMAL ? me.waitPayload : NOT_UNPARKED;
    }

    /** The end of a park, however it ended: nothing carried, and no entry left behind (a shielded cancel woke it). */
    private static void leave(TaskImpl<?> me) {
        me.waitPayload = null;
        WaitQueue q = me.waitQueue; // the parking queue or none (read from me: nothing else stays live across the park)
        if (q != null) {
            q.unlink(me);
        }
    }

    /**
     * @param t a task parked in this queue
     * @return what it carries ({@link #park(TaskImpl, Object, Object)}), or null
     */
    public Object carried(TaskImpl<?> t) {
        if (t.waitQueue != this) {
            throw new IllegalStateException(t + " is not parked in this queue");
        }
        return t.waitPayload;
    }

    /**
     * Refuses a call from a task of another run than this queue's waiters' ({@link ForeignLoop}),
     * for a primitive to call before it changes any of its state on the way to an unpark.
     *
     * @throws IllegalStateException when a task of another run waits here
     */
    public void requireSameRun() {
        TaskImpl<?> h = head;
        if (h != null && !ForeignLoop.mayWake(h)) {
            throw ForeignLoop.shared(h.blockedOn, h, "is waited on by");
        }
    }

    /**
     * Unparks the longest-waiting task with {@link #UNPARKED}.
     *
     * @return the task, or null when nobody waits
     */
    public TaskImpl<?> unparkFirst() {
        return unparkFirst(UNPARKED);
    }

    /**
     * Unparks the longest-waiting task, which {@link #park} then returns {@code reply} to.
     *
     * @param reply what park returns; not null
     * @return the task, or null when nobody waits
     */
    public TaskImpl<?> unparkFirst(Object reply) {
        TaskImpl<?> t = head;
        if (t != null) {
            unpark(t, reply);
        }
        return t;
    }

    /**
     * Unparks {@code t}, which must be parked in this queue (a primitive that serves its waiters
     * in another order, by priority, picks them itself).
     *
     * @param t the task
     * @param reply what park returns; not null
     */
    public void unpark(TaskImpl<?> t, Object reply) {
        if (t.waitQueue != this) {
            throw new IllegalStateException(t + " is not parked in this queue");
        }
        if (!ForeignLoop.mayWake(t)) { // a primitive's state may have changed already: requireSameRun comes first
            throw ForeignLoop.shared(t.blockedOn, t, "is waited on by");
        }
        unlink(t);
        t.waitPayload = reply;
        t.loop.wakeParked(t);
    }

    /**
     * Unparks every waiting task, longest-waiting first.
     *
     * @param reply what park returns to each; not null
     * @return how many were unparked
     */
    public int unparkAll(Object reply) {
        int n = 0;
        while (head != null) {
            unpark(head, reply);
            n++;
        }
        return n;
    }

    /** Unparks every waiting task with {@link #UNPARKED}. @return how many */
    public int unparkAll() {
        return unparkAll(UNPARKED);
    }

    /** A cancel reached a parked waiter: it leaves the queue, and the wait ends with the cancel. */
    @Override
    public boolean abort(TaskImpl<?> waiter) {
        unlink(waiter);
        return true;
    }

    /** Removes {@code t} if it is queued here (an aborted run's tasks unwinding). */
    void remove(TaskImpl<?> t) {
        if (t.waitQueue == this) {
            unlink(t);
        }
    }

    private void link(TaskImpl<?> t, Object carried) {
        if (t.waitQueue != null) {
            throw new IllegalStateException(t.quoted() + " is already waiting in a queue");
        }
        if (head != null && head.loop != t.loop) {
            throw ForeignLoop.shared(head.blockedOn, head, "is waited on by");
        }
        t.waitQueue = this;
        t.waitPayload = carried;
        t.waitPrev = tail;
        t.waitNext = null;
        if (tail == null) {
            head = t;
        } else {
            tail.waitNext = t;
        }
        tail = t;
        size++;
        if (byPriority != null) {
            byPriority.added(t);
        }
    }

    private void unlink(TaskImpl<?> t) {
        if (t.waitPrev == null) {
            head = t.waitNext;
        } else {
            t.waitPrev.waitNext = t.waitNext;
        }
        if (t.waitNext == null) {
            tail = t.waitPrev;
        } else {
            t.waitNext.waitPrev = t.waitPrev;
        }
        t.waitPrev = null;
        t.waitNext = null;
        t.waitQueue = null;
        size--;
        if (byPriority != null) {
            byPriority.removed(t);
        }
    }

    /** A reply marker with a readable name (traces and debuggers show it). */
    private record Marker(String name) {
        @Override
        public String toString() {
            return name;
        }
    }
}
