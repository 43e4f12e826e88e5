package dev.simloop.sync;

/**
 * A re-entrant lock: like {@link Lock} (owned, FIFO, handed over on release), but the task holding
 * it may acquire it again; it keeps a hold count, and the lock is released when {@link #release()}
 * has been called as many times as it was acquired.
 *
 * <p>Rules: {@link #acquire()} is always a checkpoint (it raises {@link dev.simloop.Cancelled} in
 * a cancelled scope even when the lock is free, and lets other ready tasks run);
 * {@link #release()} never is. A task waiting in {@code acquire} that is cancelled leaves the
 * queue without a trace. Acquiring it again while holding it just increments the hold count (still
 * a checkpoint). Release by a task that does not hold the lock throws
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
 * task waiting for it reads {@code waits for RLock 'name' held by task 'owner'}.
 */
public final class RLock extends LockBase {
    /** Creates a free, unnamed lock. */
    public RLock() {
        this(null);
    }

    /**
     * Creates a free lock with a name for messages and deadlock reports.
     *
     * @param name the name, or null
     */
    public RLock(String name) {
        super(new LockCore("RLock", name, true, false));
    }

    /**
     * Acquires the lock, waiting in FIFO order while another task holds it. A checkpoint.
     *
     * @throws dev.simloop.Cancelled when the calling task's scope is cancelled (it then does not hold the lock)
     * @throws BrokenResourceException when a previous holder finished without releasing it
     */
    public void acquire() {
        core.acquire("RLock.acquire");
    }

    /**
     * Acquires the lock if that needs no waiting. Not a checkpoint.
     *
     * @return whether the calling task now holds the lock
     * @throws BrokenResourceException when a previous holder finished without releasing it
     */
    public boolean tryAcquire() {
        return core.tryAcquire("RLock.tryAcquire");
    }

    /**
     * Releases one hold; the last one releases the lock, handing it to the longest-waiting task if
     * there is one. Not a checkpoint.
     *
     * @throws IllegalStateException when the calling task does not hold the lock (the message names the
     *     holder); a {@link BrokenResourceException} when the lock is broken
     */
    public void release() {
        core.release("RLock.release");
    }

    /**
     * Acquires the lock (as {@link #acquire()}) and returns the handle whose {@code close()} releases it,
     * for {@code try (var _ = lock.hold()) { ... }}. The handle is the same object every time.
     *
     * @return the handle
     */
    public Held hold() {
        core.acquire("RLock.hold");
        return handle;
    }

    /** @return how many times the holder has acquired it without releasing; 0 when free */
    public int holdCount() {
        return core.holds();
    }
}
