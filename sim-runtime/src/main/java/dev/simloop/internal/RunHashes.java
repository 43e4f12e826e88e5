package dev.simloop.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Hash codes for the runtime's objects (events, locks, channels, groups, scopes, ...) that a
 * simulation repeats. An identity hash code differs from JVM to JVM and from run to run, so a
 * program that keeps such objects in a {@code HashSet} or as {@code HashMap} keys, and acts on
 * them in the set's order, would run differently in every JVM under one seed. Instead, an object
 * first hashed by a task of a simulation takes the next number of that run: its place among the
 * run's objects in the order they were first hashed, which the seed decides. Elsewhere (a real
 * loop, a thread outside any loop) it takes its identity hash. Equality stays identity; the hash
 * never changes once taken.
 *
 * <p>Each class keeps its hash in an {@code int} field named {@code hash} (0 until taken) and
 * answers {@code hashCode()} with {@code RunHashes.of(this, HASH)}, where {@code HASH} is
 * {@link #slot} of its lookup.
 */
public final class RunHashes {
    private RunHashes() {
    }

    /**
     * @param lookup the lookup of a class with an {@code int hash} field
     * @return a handle on that field
     */
    public static VarHandle slot(MethodHandles.Lookup lookup) {
        try {
            return lookup.findVarHandle(lookup.lookupClass(), "hash", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * @param object the object being hashed
     * @param slot its class's {@link #slot}
     * @return its hash code: taken now if it had none
     */
    public static int of(Object object, VarHandle slot) {
        int h = (int) slot.getAcquire(object);
        if (h != 0) {
            return h;
        }
        int fresh = fresh(object);
        // A compare-and-set, not a plain write: a thread outside the run hashing the object at the
        // same moment as a task must not get a different number, or a HashMap would lose it.
        int witness = (int) slot.compareAndExchange(object, 0, fresh);
        return witness == 0 ? fresh : witness;
    }

    private static int fresh(Object object) {
        TaskImpl<?> t = Current.orNull();
        if (t != null && t.loop.simulated) {
            return t.loop.nextObjectHash();
        }
        int h = System.identityHashCode(object);
        return h == 0 ? 1 : h; // 0 marks "not taken"
    }
}
