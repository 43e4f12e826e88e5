package dev.simloop.sync;

import dev.simloop.internal.Current;
import dev.simloop.internal.RunHashes;
import dev.simloop.internal.RunMark;
import dev.simloop.internal.Scheduler;
import dev.simloop.internal.TaskImpl;
import dev.simloop.internal.WaitQueue;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A one-shot event: tasks {@link #await()} until some task calls {@link #set()}; after that,
 * awaiting returns at once (still a checkpoint). Use it from the tasks of one loop.
 */
public final class Event {
    /** This object's hash code once taken, 0 before: set only through HASH ({@code RunHashes}). */
    private int hash;
    private static final VarHandle HASH = RunHashes.slot(MethodHandles.lookup());

    // Invariant: waiters is empty whenever isSet is true.
    private boolean isSet;
    private final WaitQueue waiters = new WaitQueue();
    /** What waiters are blocked on, for deadlock reports. */
    private final OwnerlessWait waiting;
    private final String label;
    /** The run whose tasks used it last ({@link RunMark}: a simulation does not go on from another run's set). */
    private RunMark run;

    /** Creates an event that is not set. */
    public Event() {
        this(null);
    }

    /**
     * Creates an event that is not set, with a name for traces and deadlock reports.
     *
     * @param name the name, or null
     */
    public Event(String name) {
        this.label = Names.label("Event", name);
        this.waiting = new OwnerlessWait(this, label + ".await", () -> isSet ? "set" : "not set", "a call to set()");
    }

    /** Sets the event and wakes every waiter, in the order they started waiting. Idempotent; not a checkpoint. */
    public void set() {
        TaskImpl<?> me = Current.task("Event.set");
        run = RunMark.enter(run, me, !isSet, this);
        me.loop().touched(this);
        if (isSet) {
            return;
        }
        waiters.requireSameRun();
        isSet = true;
        waiters.unparkAll();
    }

    /**
     * Whether the event is set. Not a checkpoint. Read by a task, it is a use of the event like
     * {@link #await()}: a simulation does not read what another run left in it either.
     *
     * @return whether the event is set
     */
    public boolean isSet() {
        TaskImpl<?> me = Current.orNull();
        if (me != null) {
            // a task that branches on a set left by another run would do what that run decided
            run = RunMark.enter(run, me, !isSet, this);
        }
        return isSet;
    }

    /**
     * Waits until the event is set. A checkpoint: raises {@link dev.simloop.Cancelled} when the
     * calling task's scope is cancelled, even if the event is already set; a cancelled waiter leaves
     * no trace.
     */
    public void await() {
        TaskImpl<?> me = Current.task("Event.await");
        run = RunMark.enter(run, me, !isSet, this);
        Scheduler loop = me.loop();
        loop.checkCancelled(me);
        if (isSet) {
            loop.schedulePoint(this);
            return;
        }
        while (!isSet) {
            waiters.park(me, waiting);
        }
    }

    @Override
    public String toString() {
        return label + " (" + (isSet ? "set" : "not set") + (waiters.isEmpty() ? "" : ", " + waiters.size() + " waiting")
                + ")";
    }

    /** The same in every replay of a simulation (simulation.md, "Nondeterminism"); equality stays identity. */
    @Override
    public int hashCode() {
        return RunHashes.of(this, HASH);
    }
}
