package dev.simloop.sync;

import dev.simloop.internal.RunHashes;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A condition variable: tasks holding the {@link Lock} wait in {@link #await()} until another
 * task signals. Waiters are woken in the order they started waiting.
 *
 * <p>Rules: {@link #await()} requires holding the lock; it releases the lock, waits for a signal,
 * and always acquires the lock again before it returns <em>or</em> raises
 * {@link dev.simloop.Cancelled} (re-acquiring cannot be interrupted). It is a checkpoint: a
 * cancelled caller gets {@code Cancelled} before the lock is released. {@link #signal()} and
 * {@link #signalAll()} require holding the lock and are not checkpoints; a signalled task runs
 * only after the signaller releases the lock. As with {@link java.util.concurrent.locks.Condition},
 * re-check the predicate in a loop:
 *
 * <pre>{@code
 * try (var _ = cond.hold()) {
 *     while (!ready) cond.await();
 * }
 * }</pre>
 */
public final class Condition {
    /** This object's hash code once taken, 0 before: set only through HASH ({@code RunHashes}). */
    private int hash;
    private static final VarHandle HASH = RunHashes.slot(MethodHandles.lookup());

    private final ConditionCore core;
    private final Lock lock;

    /** Creates a condition with its own new {@link Lock}. */
    public Condition() {
        this(new Lock());
    }

    /**
     * Creates a condition on {@code lock}.
     *
     * @param lock the lock that guards the state the condition is about
     */
    public Condition(Lock lock) {
        this(lock, null);
    }

    /**
     * Creates a condition on {@code lock} with a name for traces and deadlock reports.
     *
     * @param lock the lock that guards the state the condition is about
     * @param name the name, or null
     */
    public Condition(Lock lock, String name) {
        this.lock = java.util.Objects.requireNonNull(lock, "Condition: lock");
        this.core = new ConditionCore(Names.label("Condition", name), lock.core(), false);
    }

    /** @return the lock */
    public Lock lock() {
        return lock;
    }

    /**
     * Acquires the lock: {@code try (var _ = cond.hold()) { ... }}. Same as {@code lock().hold()}.
     *
     * @return the handle whose {@code close()} releases the lock
     */
    public Held hold() {
        return lock.hold("Condition.hold"); // misuse is named as the call made, not as the lock's hold
    }

    /**
     * Releases the lock, waits until signalled, and re-acquires the lock. A checkpoint.
     *
     * @throws IllegalStateException when the calling task does not hold the lock
     * @throws dev.simloop.Cancelled when the caller is cancelled, before the wait or while waiting
     *     for a signal; the lock is held again when it is raised. A waiter already signalled when its
     *     cancel or deadline comes returns normally, with the signal (the hand-off wins, as in trio),
     *     and the cancel is raised at its next checkpoint
     * @throws BrokenResourceException when the lock broke while the task waited (for a signal, or to re-acquire it)
     */
    public void await() {
        core.await("Condition.await");
    }

    /**
     * Wakes the task that has waited longest, if any. Not a checkpoint.
     *
     * @throws IllegalStateException when the calling task does not hold the lock
     */
    public void signal() {
        core.signal("Condition.signal");
    }

    /**
     * Wakes every waiting task, longest-waiting first. Not a checkpoint.
     *
     * @throws IllegalStateException when the calling task does not hold the lock
     */
    public void signalAll() {
        core.signalAll("Condition.signalAll");
    }

    /** @return how many tasks wait for a signal */
    public int waiting() {
        return core.waiting();
    }

    @Override
    public String toString() {
        return core.toString();
    }

    /** The same in every replay of a simulation (simulation.md, "Nondeterminism"); equality stays identity. */
    @Override
    public int hashCode() {
        return RunHashes.of(this, HASH);
    }
}
