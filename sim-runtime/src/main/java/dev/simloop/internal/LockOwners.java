package dev.simloop.internal;

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
 *
 * <p>The field is read with the JDK's {@code jdk.internal.misc.Unsafe}, which {@link JdkExports}
 * exports to the runtime (as it does for {@link UninitializedClasses}): opening
 * {@code java.util.concurrent.locks} for a reflective read would open it to all class-path code too.
 */
final class LockOwners {
    private LockOwners() {
    }

    /**
     * @param parked a thread parked outside simloop
     * @return the thread that holds the synchronizer {@code parked} is parked on, or null when it
     *     has no owner, is not a synchronizer, or this JDK does not let the owner be read
     */
    static Thread holderOfWhatBlocks(Thread parked) {
        if (Owner.AVAILABLE && LockSupport.getBlocker(parked) instanceof AbstractOwnableSynchronizer s) {
            return Owner.of(s);
        }
        return null;
    }

    /** The field's offset, in a holder that is loaded only for a report that needs it. */
    private static final class Owner {
        static final boolean AVAILABLE = exported() && OwnerOffset.OFFSET >= 0;

        /** @return whether {@code jdk.internal.misc} is exported to the runtime, or now is */
        private static boolean exported() {
            try {
                JdkExports.toRuntime("jdk.internal.misc");
                return true;
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return false;
            }
        }

        static Thread of(AbstractOwnableSynchronizer s) {
            return (Thread) OwnerOffset.UNSAFE.getReferenceOpaque(s, OwnerOffset.OFFSET);
        }
    }

    /** Names {@code jdk.internal.misc}: loaded only once {@link Owner} has exported it. */
    private static final class OwnerOffset {
        static final jdk.internal.misc.Unsafe UNSAFE = jdk.internal.misc.Unsafe.getUnsafe();
        static final long OFFSET = offset();

        private static long offset() {
            try {
                return UNSAFE.objectFieldOffset(AbstractOwnableSynchronizer.class, "exclusiveOwnerThread");
            } catch (RuntimeException | LinkageError e) {
                return -1; // another JDK: reports name the lock, not its holder
            }
        }
    }
}
