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
 * A counting semaphore. {@link #acquire()} takes a permit, waiting in FIFO order while there is none;
 * {@link #release()} hands its permit straight to the longest-waiting task, so a
 * {@link #tryAcquire()} right after a release that had a waiter fails: the permit is already
 * taken. Permits are not owned: any task may release. A {@linkplain #bounded(int) bounded}
 * semaphore rejects a release that would raise the permits above the initial count.
 *
 * <pre>{@code
 * try (var _ = sem.hold()) {
 *     // at most N tasks here at a time
 * }
 * }</pre>
 *
 * <p>{@code acquire} is always a checkpoint; a cancelled waiter leaves no trace and takes no permit.
 */
public final class Semaphore {
    /** This object's hash code once taken, 0 before: set only through HASH ({@code RunHashes}). */
    private int hash;
    private static final VarHandle HASH = RunHashes.slot(MethodHandles.lookup());

    private static final Object GRANTED = new Object();
    // Invariant: permits > 0 implies waiters is empty (release hands permits to waiters first).
    private int permits;
    /** The permits it was made with: at rest when it has them ({@link RunMark}). */
    private final int initial;
    /** The run whose tasks used it last ({@link RunMark}: a simulation does not go on from another run's permits). */
    private RunMark run;
    private final int max;
    /** Whether releases are checked against {@link #max} as a bound the user gave ({@link #bounded(int)}). */
    private final boolean bounded;
    private final WaitQueue waiters = new WaitQueue();
    /** What waiters are blocked on, for deadlock reports. */
    private final OwnerlessWait waiting;
    private final String label;
    /** Whether it was given a name, which its messages then use: several semaphores tell apart. */
    private final boolean named;

    /**
     * Creates a semaphore that any number of releases may raise.
     *
     * @param permits the initial permits; not negative
     */
    public Semaphore(int permits) {
        this(permits, Integer.MAX_VALUE, false, null);
    }

    /**
     * Creates a semaphore that any number of releases may raise, with a name for traces and
     * deadlock reports.
     *
     * @param permits the initial permits; not negative
     * @param name the name, or null
     */
    public Semaphore(int permits, String name) {
        this(permits, Integer.MAX_VALUE, false, name);
    }

    private Semaphore(int permits, int max, boolean bounded, String name) {
        if (permits < 0) {
            throw new IllegalArgumentException("Semaphore: permits must not be negative, but was " + permits);
        }
        this.permits = permits;
        this.initial = permits;
        this.max = max;
        this.bounded = bounded;
        this.label = Names.label(bounded ? "bounded Semaphore" : "Semaphore", name);
        this.named = name != null;
        this.waiting = new OwnerlessWait(this, label + ".acquire", () -> "permits=" + this.permits, "a call to release()");
    }

    /**
     * Creates a bounded semaphore: {@link #release()} throws when the permits would exceed
     * {@code permits}, which catches releasing more often than acquiring once the permits are all
     * back. Permits have no owner: a release by a task that never acquired, while another waits,
     * hands that waiter a permit without an error, and the error comes at a later, correct release.
     *
     * @param permits the initial and maximum permits; not negative
     * @return the semaphore
     */
    public static Semaphore bounded(int permits) {
        return new Semaphore(permits, permits, true, null);
    }

    /**
     * Creates a bounded semaphore (see {@link #bounded(int)}) with a name for traces and deadlock reports.
     *
     * @param permits the initial and maximum permits; not negative
     * @param name the name, or null
     * @return the semaphore
     */
    public static Semaphore bounded(int permits, String name) {
        return new Semaphore(permits, permits, true, name);
    }

    /**
     * Takes a permit, waiting (FIFO) until one is available. A checkpoint.
     *
     * @throws dev.simloop.Cancelled when the caller's scope is cancelled; no permit is taken then
     */
    public void acquire() {
        acquire("Semaphore.acquire");
    }

    /** As {@link #acquire()}; its messages name {@code call}, the API call the user made. */
    private void acquire(String call) {
        TaskImpl<?> me = Current.task(call);
        enter(me);
        Scheduler loop = me.loop();
        loop.checkCancelled(me);
        if (takePermit()) {
            loop.schedulePoint(this);
            return;
        }
        while (waiters.park(me, waiting) != GRANTED) {
            // A cancel woke it, out of the queue, and a shield hid the cancel by the time it ran. A release
            // meanwhile saw no waiter and kept its permit (permits > 0 only while nobody waits): take it.
            if (takePermit()) {
                return;
            }
        }
    }

    /** A task of some run uses the semaphore: it must not go on from permits another run left ({@link RunMark}). */
    private void enter(TaskImpl<?> me) {
        run = RunMark.enter(run, me, permits == initial, this);
    }

    /** @return whether a permit was free, now taken */
    private boolean takePermit() {
        if (permits > 0) {
            permits--;
            return true;
        }
        return false;
    }

    /**
     * Takes a permit if one is available now. Not a checkpoint.
     *
     * @return whether a permit was taken
     */
    public boolean tryAcquire() {
        enter(Current.task("Semaphore.tryAcquire"));
        waiters.requireSameRun(); // a task of another run waits: a "no" would hide the sharing
        return takePermit();
    }

    /**
     * Returns a permit: to the longest-waiting task if there is one, else to the semaphore. Not a checkpoint.
     *
     * @throws IllegalStateException for a bounded semaphore already at its maximum
     */
    public void release() {
        TaskImpl<?> me = Current.task("Semaphore.release");
        enter(me);
        me.loop().touched(this);
        if (waiters.unparkFirst(GRANTED) != null) {
            return; // handed straight to the longest-waiting task
        }
        if (permits >= max) {
            throw new IllegalStateException("Semaphore.release: " + me + " released " + (named ? label + ", which"
                    : bounded ? "a bounded semaphore that" : "a semaphore that") + " already has " + (!bounded
                    ? max + " permits, as many as an int counts"
                    : "all its " + max + " permits (released more often than acquired)"));
        }
        permits++;
    }

    /**
     * Takes a permit (as {@link #acquire()}) and returns the handle whose {@code close()} releases
     * it, for {@code try (var _ = sem.hold()) { ... }}. Permits are not owned by tasks, so each call
     * returns a handle of its own (a small object) that releases exactly once: closing it again
     * throws instead of adding a permit.
     *
     * @return the handle
     */
    public Held hold() {
        acquire("Semaphore.hold");
        return new OneRelease();
    }

    /** The handle of one {@link #hold()}: releases its permit once. */
    private final class OneRelease implements Held {
        private boolean closed;

        @Override
        public void close() {
            if (closed) {
                throw new IllegalStateException("Semaphore.hold: this handle" + (named ? " of " + label : "")
                        + " was closed already; each handle "
                        + "releases its permit once (closing it again would add a permit nobody took)");
            }
            closed = true;
            release();
        }
    }

    /**
     * The permits available now. Read by a task, it is a use of the semaphore like
     * {@link #acquire()}: a simulation does not read the permits another run left either.
     *
     * @return the permits available now
     */
    public int availablePermits() {
        TaskImpl<?> me = Current.orNull();
        if (me != null) {
            enter(me); // a count another run left would steer this run
        }
        return permits;
    }

    /** @return how many tasks wait for a permit */
    public int waiting() {
        return waiters.size();
    }

    /** @return whether releases beyond the initial permits are rejected */
    public boolean isBounded() {
        return bounded;
    }

    @Override
    public String toString() {
        return label + " (" + permits + " permits"
                + (waiters.isEmpty() ? "" : ", " + waiters.size() + " waiting") + ")";
    }

    /** The same in every replay of a simulation (simulation.md, "Nondeterminism"); equality stays identity. */
    @Override
    public int hashCode() {
        return RunHashes.of(this, HASH);
    }
}
