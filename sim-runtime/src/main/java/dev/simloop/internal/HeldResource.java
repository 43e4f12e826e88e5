package dev.simloop.internal;

/**
 * A resource a task owns until it releases it (a lock of {@code dev.simloop.sync}). Each task keeps
 * the resources it holds in an intrusive list, linked through these objects, so taking and giving
 * one never allocates. The list serves two purposes: when a task finishes while still holding a
 * resource the loop calls {@link #holderFinished} (the resource breaks instead of staying held
 * forever), and {@link Priorities#effective} walks it to find the tasks waiting on the priority
 * locks a task holds (priority inheritance).
 *
 * <p>Used only on the loop's driver thread (by the task that is mounted on it).
 */
public abstract class HeldResource {
    TaskImpl<?> holder;
    HeldResource heldPrev;
    HeldResource heldNext;

    /** For subclasses. */
    protected HeldResource() {
    }

    /** @return the task holding the resource, or null */
    public final TaskImpl<?> holder() {
        return holder;
    }

    /**
     * Makes {@code t} the holder and links the resource into its list. The resource must not be held.
     *
     * @param t the new holder
     */
    public final void giveTo(TaskImpl<?> t) {
        if (holder != null) {
            throw new IllegalStateException(this + " is already held");
        }
        holder = t;
        if (t.loop != null && t.loop.tracing()) {
            Scheduler loop = t.loop;
            TaskImpl<?> by = loop.runningTask();
            boolean handOff = by != null && by != t;
            loop.traceEvent(t, Trace.Kind.ACQUIRE, resourceName() + (handOff ? " from " + Trace.label(by) : ""),
                    handOff ? by : null);
        }
        heldPrev = null;
        heldNext = t.heldHead;
        if (t.heldHead != null) {
            t.heldHead.heldPrev = this;
        }
        t.heldHead = this;
    }

    /** Unlinks the resource from its holder's list; it is then held by nobody. */
    public final void takeBack() {
        takeBack("");
    }

    /** {@link #takeBack()}, with {@code note} after the resource's name in the trace's release event. */
    private void takeBack(String note) {
        TaskImpl<?> t = holder;
        if (t == null) {
            return;
        }
        if (t.loop != null && t.loop.tracing()) {
            t.loop.traceEvent(t, Trace.Kind.RELEASE, resourceName() + note);
        }
        if (heldPrev == null) {
            t.heldHead = heldNext;
        } else {
            heldPrev.heldNext = heldNext;
        }
        if (heldNext != null) {
            heldNext.heldPrev = heldPrev;
        }
        heldPrev = null;
        heldNext = null;
        holder = null;
    }

    /**
     * The holder finished (returned, failed or was cancelled) without releasing the resource, or its
     * run ended before it did and unwound it ({@link TaskImpl#unwound()}). Called by the loop after
     * {@link #takeBack()}, on the finishing task's thread.
     *
     * @param finished the task that held it
     */
    protected abstract void holderFinished(TaskImpl<?> finished);

    /**
     * The tasks whose priority the holder inherits: the waiters of a priority lock; null for a
     * resource that does not take part in priority inheritance.
     *
     * @return the wait queue, served by priority ({@code new WaitQueue(true)}: {@link Priorities}
     *     reads its index of the waiters), or null
     */
    protected WaitQueue inheritanceWaiters() {
        return null;
    }

    /**
     * The resource as messages name it, without its state: e.g. {@code Lock 'accounts'}. The
     * default is {@code toString()}.
     *
     * @return the name
     */
    protected String resourceName() {
        return toString();
    }

    /**
     * Called by the loop when {@code t} finishes: breaks every resource it still holds, and tells
     * the loop (its leak check) about each.
     */
    static void finished(TaskImpl<?> t) {
        HeldResource r;
        while ((r = t.heldHead) != null) {
            r.takeBack(" (broken: the task finished without releasing it)");
            HeldResource leaked = r;
            t.loop.leaked(() -> leaked.resourceName() + " was still held by " + t.quoted() + " when it finished");
            r.holderFinished(t);
        }
    }

    /**
     * Called by the loop when its end unwinds {@code t}: breaks every resource it still holds, as
     * {@link #finished} does, but reports no leak, since the task did not leave the resource held; its
     * run's end cut it short, and the run's failure says why. Unbroken, such a lock would stay held by a
     * task that is done: a later run (of a lock kept in a static field) would be refused it as one held
     * by a task of another run, and the holder would keep the priority its waiters lent it.
     */
    static void unwound(TaskImpl<?> t) {
        HeldResource r;
        while ((r = t.heldHead) != null) {
            r.takeBack(" (broken: the run ended and unwound the task holding it)");
            r.holderFinished(t);
        }
    }
}
