package dev.simloop.sync;

/**
 * What {@code hold()} of a lock or semaphore returns: closing it releases what was acquired, so
 * {@code try (var _ = lock.hold()) { ... }} holds the lock for the block and releases it however
 * the block ends. A lock returns the same instance every time (no allocation); a semaphore, whose
 * permits no task owns, a new one that releases once. Closing it
 * is exactly one {@code release()}, with the same checks (closing from a task that does not hold
 * the lock throws).
 */
public interface Held extends AutoCloseable {
    /** Releases once, like the primitive's {@code release()}. Not a checkpoint. */
    @Override
    void close();
}
