package dev.simloop.sync;

/**
 * The {@link Held} handle of a {@link Lock}, {@link RLock} or {@link PriorityLock}: closing it is one
 * release of the lock. Each lock makes one when it is created and returns it from every
 * {@code hold()}. It exposes nothing but {@code close()}, unlike the {@link LockCore} it wraps.
 */
final class LockHandle implements Held {
    private final LockCore core;

    LockHandle(LockCore core) {
        this.core = core;
    }

    @Override
    public void close() {
        core.releaseByHandle();
    }

    /** @return the lock's state, as the lock's own {@code toString()} */
    @Override
    public String toString() {
        return core.toString();
    }
}
