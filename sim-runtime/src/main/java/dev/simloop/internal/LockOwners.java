package dev.simloop.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.AbstractOwnableSynchronizer;
import java.util.concurrent.locks.LockSupport;

/**
 * Who holds the {@code java.util.concurrent} lock a task is parked on: the wait-for edge of a
 * deadlock report for a task parked outside simloop. A {@code ReentrantLock}, or a
 * {@code ReentrantReadWriteLock} held for writing, keeps its owner thread in
 * {@link AbstractOwnableSynchronizer}'s private {@code exclusiveOwnerThread}, the synchronizer being
 * what its waiters park on ({@link LockSupport#getBlocker}). Synchronizers without an owner
 * (semaphores, latches, read holds, conditions) give no edge, as simloop's own ownerless
 * primitives do not; neither do monitors, whose owner the JDK does not tell for virtual threads.
 */
final class LockOwners {
    /** {@code AbstractOwnableSynchronizer.exclusiveOwnerThread}; null when this JDK does not let it be read. */
    private static final VarHandle OWNER = ownerField();

    private LockOwners() {
    }

    private static VarHandle ownerField() {
        try {
            JdkExports.openToRuntime("java.util.concurrent.locks");
            return MethodHandles.privateLookupIn(AbstractOwnableSynchronizer.class, MethodHandles.lookup())
                    .findVarHandle(AbstractOwnableSynchronizer.class, "exclusiveOwnerThread", Thread.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // another JDK: reports name the lock, not its holder
        }
    }

    /**
     * @param parked a thread parked outside simloop
     * @return the thread that holds the synchronizer {@code parked} is parked on, or null when it
     *     has no owner (or is not a synchronizer)
     */
    static Thread holderOfWhatBlocks(Thread parked) {
        if (OWNER != null && LockSupport.getBlocker(parked) instanceof AbstractOwnableSynchronizer s) {
            return (Thread) OWNER.getOpaque(s);
        }
        return null;
    }
}
