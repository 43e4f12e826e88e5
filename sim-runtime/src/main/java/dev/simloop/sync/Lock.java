package dev.simloop.sync;

/**
 * A mutual-exclusion lock owned by the task that acquired it, served first come, first served:
 * waiters get the lock in the order they started waiting, and {@link #release()} hands it straight
 * to the longest waiter, so a task that releases and immediately acquires again queues behind the
 * others.
 *
 * <p>Rules: {@link #acquire()} is always a checkpoint (it raises {@link dev.simloop.Cancelled} in
 * a cancelled scope even when the lock is free, and lets other ready tasks run);
 * {@link #release()} never is. A task waiting in {@code acquire} that is cancelled leaves the
 * queue without a trace. Acquiring it again while holding it throws {@link IllegalStateException}
 * (use {@link RLock} for that). Release by a task that does not hold the lock throws
 * {@link IllegalStateException} naming both tasks. If the holder finishes without releasing, the
 * lock breaks: its waiters, and every later acquire, get {@link BrokenResourceException}.
 *
 * <pre>{@code
 * try (var _ = lock.hold()) {
 *     // critical section
 * }
 * }</pre>
 *
 * <p>Use a lock from the tasks of one loop only. In a {@link dev.simloop.DeadlockDetected} report, a
 * task waiting for it reads {@code waits for Lock 'name' held by task 'owner'}.
 */
public final class Lock extends LockBase {
    /** Creates a free, unnamed lock. */
    public Lock() {
        this(null);
    }

    /**
     * Creates a free lock with a name for messages and deadlock reports.
     *
     * @param name the name, or null
     */
    public Lock(String name) {
        super(new LockCore("Lock", name, false, false));
    }

    /**
     * Acquires the lock, waiting in FIFO order while another task holds it. A checkpoint.
     *
     * @throws dev.simloop.Cancelled when the calling task's scope is cancelled (it then does not hold the lock)
     * @throws IllegalStateException when the calling task already holds it (it is not re-entrant)
     * @throws BrokenResourceException when a previous holder finished without releasing it
     */
    public void acquire() {
        core.acquire("Lock.acquire");
    }

    /**
     * Acquires the lock if that needs no waiting. Not a checkpoint.
     *
     * @return whether the calling task now holds the lock
     * @throws IllegalStateException when the calling task already holds it (it is not re-entrant)
     * @throws BrokenResourceException when a previous holder finished without releasing it
     */
    public boolean tryAcquire() {
        return core.tryAcquire("Lock.tryAcquire");
    }

    /**
     * Releases the lock, handing it to the longest-waiting task if there is one. Not a checkpoint.
     *
     * @throws IllegalStateException when the calling task does not hold the lock (the message names the
     *     holder); a {@link BrokenResourceException} when the lock is broken, as after an await on one of its
     *     conditions that the break ended
     */
    public void release() {
        core.release("Lock.release");
    }

    /**
     * Acquires the lock (as {@link #acquire()}) and returns the handle whose {@code close()} releases it,
     * for {@code try (var _ = lock.hold()) { ... }}. The handle is the same object every time.
     *
     * @return the handle
     */
    public Held hold() {
        return hold("Lock.hold");
    }

    /** As {@link #hold()}; its messages name {@code call}, the API call the user made (a condition's hold). */
    Held hold(String call) {
        core.acquire(call);
        return handle;
    }
}
