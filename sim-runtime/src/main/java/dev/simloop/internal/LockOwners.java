package dev.simloop.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 * <p>And which monitors a platform thread holds ({@link #monitorsHeldBy}): the JDK tells that through
 * {@code java.management}'s thread MXBean, which the runtime reads when the boot layer has it
 * ({@code requires static}: a jlinked image without it gets reports without the line).
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

    /**
     * @param parked a thread parked outside simloop
     * @return whether {@code parked} waits for the write lock of a {@code ReentrantReadWriteLock} whose
     *     every read hold is its own: the lock does not upgrade a read hold to the write lock, so the
     *     thread waits for itself, and no other thread can end the wait. False when this JDK does not
     *     let the lock's fields be read.
     */
    static boolean upgradesItsOwnReadLock(Thread parked) {
        Object blocker = LockSupport.getBlocker(parked);
        if (!Owner.AVAILABLE || ReadHolds.SYNC == null || !ReadHolds.SYNC.isInstance(blocker)) {
            return false;
        }
        jdk.internal.misc.Unsafe u = OwnerOffset.UNSAFE;
        long readHolds = ReadHolds.LONG_STATE ? u.getLongVolatile(blocker, ReadHolds.STATE) >>> 32 // SHARED_SHIFT
                : u.getIntVolatile(blocker, ReadHolds.STATE) >>> 16; // before JDK 24, an int state
        if (readHolds == 0) {
            return false;
        }
        Object first = u.getReferenceOpaque(blocker, ReadHolds.FIRST_READER);
        if (first != null) { // the thread that took the read lock first, while no one held it
            return first == parked && u.getIntOpaque(blocker, ReadHolds.FIRST_READER_HOLDS) == readHolds;
        }
        // else the last thread to take it is cached with its holds (the rest are in a thread local)
        Object cached = u.getReferenceOpaque(blocker, ReadHolds.CACHED);
        return cached != null && u.getLongOpaque(cached, ReadHolds.TID) == parked.threadId()
                && u.getIntOpaque(cached, ReadHolds.COUNT) == readHolds;
    }

    /** The fields of a {@code ReentrantReadWriteLock}'s synchronizer that count its read holds; loaded once {@link Owner} has exported {@code jdk.internal.misc}. */
    private static final class ReadHolds {
        static final Class<?> SYNC;
        static final long STATE;
        /** Whether the synchronizer is an {@code AbstractQueuedLongSynchronizer} (a long state, read holds in its high 32 bits). */
        static final boolean LONG_STATE;
        static final long FIRST_READER;
        static final long FIRST_READER_HOLDS;
        /** {@code cachedHoldCounter}, and its {@code HoldCounter}'s {@code tid} and {@code count}. */
        static final long CACHED;
        static final long TID;
        static final long COUNT;

        static {
            Class<?> sync = null;
            long state = -1;
            long first = -1;
            long holds = -1;
            boolean longState = false;
            long cached = -1;
            long tid = -1;
            long count = -1;
            try {
                Class<?> c = Class.forName("java.util.concurrent.locks.ReentrantReadWriteLock$Sync");
                jdk.internal.misc.Unsafe u = OwnerOffset.UNSAFE;
                longState = java.util.concurrent.locks.AbstractQueuedLongSynchronizer.class.isAssignableFrom(c);
                state = u.objectFieldOffset(longState ? java.util.concurrent.locks.AbstractQueuedLongSynchronizer.class
                        : java.util.concurrent.locks.AbstractQueuedSynchronizer.class, "state");
                first = u.objectFieldOffset(c, "firstReader");
                holds = u.objectFieldOffset(c, "firstReaderHoldCount");
                cached = u.objectFieldOffset(c, "cachedHoldCounter");
                Class<?> counter = Class.forName("java.util.concurrent.locks.ReentrantReadWriteLock$Sync$HoldCounter");
                tid = u.objectFieldOffset(counter, "tid");
                count = u.objectFieldOffset(counter, "count");
                sync = c;
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                sync = null; // another JDK: reports name the lock only
            }
            SYNC = sync;
            STATE = state;
            LONG_STATE = longState;
            CACHED = cached;
            TID = tid;
            COUNT = count;
            FIRST_READER = first;
            FIRST_READER_HOLDS = holds;
        }
    }

    /**
     * @param blocked a thread the JVM keeps from entering a monitor
     * @return the monitor; null when {@code blocked} no longer waits for one (it was let in just now),
     *     or this JDK does not tell ({@link #monitorsReadable})
     */
    static Object monitorToEnter(Thread blocked) {
        if (!Snapshots.AVAILABLE) {
            return null;
        }
        try {
            Object snapshot = Snapshots.OF.invoke(blocked);
            return snapshot == null ? null : Snapshots.BLOCKED_ON.invoke(snapshot);
        } catch (IllegalStateException e) {
            return null; // not blocked any more
        } catch (Throwable e) {
            return null;
        }
    }

    /**
     * @param thread a thread, or null
     * @param monitor an object
     * @return whether {@code thread} holds {@code monitor}'s lock; false when it does not, is null,
     *     or this JDK does not tell
     */
    static boolean holdsMonitor(Thread thread, Object monitor) {
        if (thread == null || !Snapshots.AVAILABLE) {
            return false;
        }
        try {
            Object snapshot = Snapshots.OF.invoke(thread);
            Object[] locks = snapshot == null ? null : (Object[]) Snapshots.LOCKS.get(snapshot);
            if (locks != null) {
                for (Object lock : locks) {
                    if (Snapshots.LOCK_OBJECT.invoke(lock) == monitor) {
                        return true;
                    }
                }
            }
            return false;
        } catch (Throwable e) {
            return false;
        }
    }

    /** @return whether {@link #monitorToEnter} and {@link #holdsMonitor} can tell on this JDK */
    static boolean monitorsReadable() {
        return Snapshots.AVAILABLE;
    }

    /**
     * The JDK's thread snapshots ({@code jdk.internal.vm.ThreadSnapshot}, what thread dumps read):
     * which monitor a virtual thread waits to enter and which monitors a thread holds, which
     * {@code java.management} does not tell for virtual threads. Opened to the runtime (as
     * {@link JdkExports} opens other packages) when first asked; absent on a JDK without them.
     */
    private static final class Snapshots {
        static final MethodHandle OF;
        static final MethodHandle BLOCKED_ON;
        static final VarHandle LOCKS;
        static final MethodHandle LOCK_OBJECT;
        static final boolean AVAILABLE;

        static {
            MethodHandle of = null;
            MethodHandle blockedOn = null;
            VarHandle locks = null;
            MethodHandle lockObject = null;
            try {
                JdkExports.openToRuntime("jdk.internal.vm");
                Class<?> snapshot = Class.forName("jdk.internal.vm.ThreadSnapshot");
                Class<?> lock = Class.forName("jdk.internal.vm.ThreadSnapshot$ThreadLock");
                MethodHandles.Lookup l = MethodHandles.privateLookupIn(snapshot, MethodHandles.lookup());
                of = l.findStatic(snapshot, "of", MethodType.methodType(snapshot, Thread.class))
                        .asType(MethodType.methodType(Object.class, Thread.class));
                blockedOn = l.findVirtual(snapshot, "blockedOn", MethodType.methodType(Object.class))
                        .asType(MethodType.methodType(Object.class, Object.class));
                locks = l.findVarHandle(snapshot, "locks", lock.arrayType());
                lockObject = MethodHandles.privateLookupIn(lock, MethodHandles.lookup())
                        .findVirtual(lock, "lockObject", MethodType.methodType(Object.class))
                        .asType(MethodType.methodType(Object.class, Object.class));
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                of = null; // another JDK: monitors held outside stay as they were (docs/simulation.md)
            }
            OF = of;
            BLOCKED_ON = blockedOn;
            LOCKS = locks;
            LOCK_OBJECT = lockObject;
            AVAILABLE = of != null && blockedOn != null && locks != null && lockObject != null;
        }
    }

    /** @return whether {@link #holderOfWhatBlocks} can read a lock's owner on this JDK */
    static boolean ownersReadable() {
        return Owner.AVAILABLE;
    }

    /**
     * @param thread a platform thread outside the run (the one waiting for it), or null
     * @return the monitors {@code thread} holds, innermost first, each as its class, identity hash
     *     and the frame that took it ({@code java.lang.Object@1b6d3586 (locked at App.main(App.java:8))});
     *     empty when it holds none, is virtual or null, or this JVM cannot tell
     */
    static List<String> monitorsHeldBy(Thread thread) {
        if (thread == null || thread.isVirtual() || !HeldMonitors.AVAILABLE) {
            return List.of();
        }
        try {
            return HeldMonitors.Mx.of(thread);
        } catch (RuntimeException | LinkageError e) {
            return List.of(); // a JVM whose MXBean cannot tell: the report goes without the line
        }
    }

    /** Whether {@code java.management} is there to ask; its types are named only in {@link Mx}, linked once it is. */
    private static final class HeldMonitors {
        static final boolean AVAILABLE = readable();

        private static boolean readable() {
            Optional<Module> m = ModuleLayer.boot().findModule("java.management");
            if (m.isEmpty()) {
                return false;
            }
            Module self = LockOwners.class.getModule();
            if (!self.canRead(m.get())) {
                self.addReads(m.get()); // a named runtime whose boot layer resolved it for another module
            }
            return true;
        }

        private static final class Mx {
            static List<String> of(Thread thread) {
                java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
                if (!mx.isObjectMonitorUsageSupported()) {
                    return List.of();
                }
                java.lang.management.ThreadInfo[] infos = mx.getThreadInfo(new long[] {thread.threadId()}, true, false);
                List<String> held = new ArrayList<>();
                if (infos.length == 1 && infos[0] != null) {
                    for (java.lang.management.MonitorInfo m : infos[0].getLockedMonitors()) {
                        StackTraceElement f = m.getLockedStackFrame();
                        held.add(m.getClassName() + "@" + Integer.toHexString(m.getIdentityHashCode()) + (f == null ? ""
                                : " (locked at " + new StackTraceElement(f.getClassName(), f.getMethodName(),
                                        f.getFileName(), f.getLineNumber()) + ")")); // as task frames read: no "app//"
                    }
                }
                return held;
            }
        }
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
