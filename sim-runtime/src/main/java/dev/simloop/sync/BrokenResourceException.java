package dev.simloop.sync;

/**
 * The resource can never be acquired again: the task that owned a lock finished (returned, failed
 * or was cancelled) without releasing it. Every task waiting for the lock at that moment gets this
 * exception, and so does every later acquire. The message names the lock and the task.
 * Release locks with {@code try (var _ = lock.hold()) { ... }} so that it cannot happen. A
 * simulated run in which a lock breaks fails with {@link dev.simloop.LeakDetected} (unless its leak
 * check is turned off), even when every task handles this exception.
 */
public class BrokenResourceException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** @param message names the resource and why it broke */
    public BrokenResourceException(String message) {
        super(message);
    }
}
