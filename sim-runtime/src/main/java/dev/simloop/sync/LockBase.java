package dev.simloop.sync;

import dev.simloop.Task;
import dev.simloop.internal.RunHashes;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What {@link Lock}, {@link RLock} and {@link PriorityLock} share: the queries, all answered by
 * their {@link LockCore}. Each lock documents its own acquire and release rules.
 */
abstract sealed class LockBase permits Lock, RLock, PriorityLock {
    /** This object's hash code once taken, 0 before: set only through HASH ({@code RunHashes}). */
    private int hash;
    private static final VarHandle HASH = RunHashes.slot(MethodHandles.lookup());

    final LockCore core;
    /** What {@code hold()} returns: one per lock, created with it, so {@code hold()} allocates nothing. */
    final Held handle;

    LockBase(LockCore core) {
        this.core = core;
        this.handle = new LockHandle(core);
    }

    /** @return whether some task holds the lock */
    public boolean isLocked() {
        return core.holder() != null;
    }

    /** @return the task holding the lock, or null */
    public Task<?> owner() {
        return core.holder();
    }

    /** @return how many tasks wait to acquire it */
    public int waiting() {
        return core.waiting();
    }

    /** @return whether a holder finished without releasing it, so that it can never be acquired again */
    public boolean isBroken() {
        return core.isBroken();
    }

    LockCore core() {
        return core;
    }

    /** @return e.g. {@code Lock 'db' held by task 'writer' (2 waiting)} */
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
