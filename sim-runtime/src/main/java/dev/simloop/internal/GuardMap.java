package dev.simloop.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;

/**
 * Keeps {@link ThreadGuard}'s inheritable thread-local off tasks that are not running (issue 15: a
 * parked task's bytes). The guard must sit in the inheritable-thread-locals map of every simulated
 * task while it runs, since only then can the task construct a thread; a map of its own per task
 * would cost 136 bytes each (map, table, entry). Instead one map per loop that holds only the guard
 * is lent to each task without a map of its own while the driver has it mounted ({@link #lend}),
 * and taken back when it unmounts ({@link #takeBack}); steps that go on without a continuation
 * switch (a schedule point where the task is picked again) keep it. When the loop ends, the map
 * is kept for the next loop on the same driver ({@link #loopEnded}), so a run of a small program
 * does not make one.
 *
 * <p>Why this keeps the JDK's semantics: a task that gives an {@link InheritableThreadLocal} a value
 * during its step (by {@code set}, or a {@code get} with an initial value) writes into the lent map;
 * at the end of the step the map then holds more than the guard, so the task keeps it as its own
 * and the loop makes a fresh map to lend. A task whose thread has a map of its own (it inherited
 * user values, or kept a lent map) is never lent one. A new task's thread inherits from its
 * creator's map only when that is the creator's own ({@link #hideLent}): a copy of a lent map
 * would be a map of its own again.
 *
 * <p>Driver thread only: the lent map is per loop, and the loop runs one task at a time. When this
 * JDK's internals are not where expected, nothing is lent and every task arms the guard in a map
 * of its own ({@link ThreadGuard#arm}), as before.
 */
final class GuardMap {
    /** {@code Thread.inheritableThreadLocals}. */
    private static final VarHandle INHERITABLE;
    /** {@code ThreadLocal.ThreadLocalMap.size}. */
    private static final VarHandle SIZE;
    /** {@code new ThreadLocal.ThreadLocalMap(ThreadLocal, Object)}. */
    private static final MethodHandle NEW_MAP;

    static {
        VarHandle inheritable = null;
        VarHandle size = null;
        MethodHandle newMap = null;
        try {
            Class<?> map = Class.forName("java.lang.ThreadLocal$ThreadLocalMap");
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup());
            inheritable = l.findVarHandle(Thread.class, "inheritableThreadLocals", map);
            MethodHandles.Lookup m = MethodHandles.privateLookupIn(map, MethodHandles.lookup());
            size = m.findVarHandle(map, "size", int.class);
            newMap = m.findConstructor(map, MethodType.methodType(void.class, ThreadLocal.class, Object.class))
                    .asType(MethodType.methodType(Object.class, ThreadLocal.class, Object.class));
        } catch (RuntimeException | ReflectiveOperationException e) {
            inheritable = null; // another JDK's layout, or java.lang not open: tasks arm maps of their own
        }
        INHERITABLE = inheritable;
        SIZE = size;
        NEW_MAP = newMap;
    }

    /** The map lent to running tasks (holding only the guard); made when a simulated task first needs it. */
    private Object lent;

    /** The driver mounts {@code t}: its thread gets the lent map if it has none of its own. */
    void lend(TaskImpl<?> t) {
        if (INHERITABLE != null && t.loop.simulated && INHERITABLE.get(t.thread) == null) {
            INHERITABLE.set(t.thread, lent());
        }
    }

    /**
     * The driver has unmounted {@code t}: the lent map comes back, unless the task put values of its
     * own in it. A task that ended in this step no longer holds the map (the JDK clears a finished
     * thread's thread-locals), but may have put values in it first: such a map is never lent again,
     * or the next task would see a finished task's values.
     */
    void takeBack(TaskImpl<?> t) {
        Object m = lent;
        if (m == null) {
            return;
        }
        boolean onlyTheGuard = (int) SIZE.get(m) == 1;
        if (INHERITABLE.get(t.thread) == m && onlyTheGuard) {
            INHERITABLE.set(t.thread, (Object) null);
        } else if (!onlyTheGuard) {
            lent = null; // the task gave an inheritable thread-local a value: the map is its own now (or died with it)
        }
    }

    /**
     * Simloop is about to construct a task's thread on the calling thread: if the caller runs with
     * the lent map and has put nothing in it, hides it, so the new thread does not copy it (see
     * {@link #restore}).
     *
     * @param loop the loop of the new task (null only in unit tests of other classes)
     * @return the hidden map, or null when nothing was hidden
     */
    static Object hideLent(Scheduler loop) {
        Object lent = loop == null ? null : loop.guards.lent;
        if (lent == null) {
            return null;
        }
        Thread caller = Thread.currentThread();
        if (INHERITABLE.get(caller) != lent || (int) SIZE.get(lent) != 1) {
            return null; // not lent, or it holds values the caller set in this step: the new thread inherits them
        }
        INHERITABLE.set(caller, (Object) null);
        return lent;
    }

    /** @param hidden what {@link #hideLent} returned: given back to the calling thread */
    static void restore(Object hidden) {
        if (hidden != null) {
            INHERITABLE.set(Thread.currentThread(), hidden);
        }
    }

    /**
     * The loop has ended on its driver: a lent map that holds only the guard (no thread holds it:
     * each task gave it back as it unmounted) is kept for the driver's next loop.
     */
    void loopEnded() {
        Object m = lent;
        if (m != null && (int) SIZE.get(m) == 1) {
            lent = null;
            Drivers.keepSpareGuardMap(m);
        }
    }

    private Object lent() {
        Object m = lent;
        if (m == null) {
            m = Drivers.takeSpareGuardMap(); // the map of the driver's last loop, if it left one
            if (m == null) {
                try {
                    m = NEW_MAP.invokeExact(ThreadGuard.guard(), (Object) Boolean.TRUE);
                } catch (Throwable e) {
                    throw new IllegalStateException("could not make the thread guard's map", e);
                }
            }
            lent = m;
        }
        return m;
    }
}
