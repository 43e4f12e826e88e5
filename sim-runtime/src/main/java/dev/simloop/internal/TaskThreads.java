package dev.simloop.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Executor;

/**
 * Makes the virtual thread of a task of ours (not one adopted from {@link ThreadTasks}), as
 * cheaply as the JDK allows without changing what the task's code can see. Spawning is on every
 * user's path (issue 15), and two things the JDK does for a new thread cost a large share of it:
 *
 * <ul>
 *   <li>The builder: a {@code Thread.Builder} per thread. The JDK's builder only calls the
 *       package-private {@code VirtualThread(Executor, String, int, Runnable)} constructor, so we
 *       call that (through {@code java.lang}, which simloop's one JVM flag opens), and fall back to
 *       the builder on a JDK without it.</li>
 *   <li>The inheritable-thread-local map. Every simulated task carries {@link ThreadGuard} in it,
 *       so every new task thread inherited a copy: a fresh map and hash table (136 bytes) and a
 *       {@code childValue} call per task. When the creating thread's map holds the guard and
 *       nothing else (the user has set no {@code InheritableThreadLocal} there), the new thread is
 *       made without inheriting, gets the creator's context class loader (as inheriting would
 *       have given it), and gets a guard-only map given back by a task that finished on the same
 *       driver. A map belongs to one thread at a time: a task gives its map back as the last thing
 *       its body does, and only when the guard is all it holds. When the creator has
 *       {@code InheritableThreadLocal}s of the user's, the JDK copies them as it always does.</li>
 * </ul>
 *
 * <p>Spare maps are kept per driver thread ({@link Spares}), so they need no synchronization:
 * tasks are created and finish only on their loop's driver.
 *
 * <p>A task's thread starts in {@code TaskContainer}, whose start and end cost nothing, instead of
 * the JDK's root container, which adds every virtual thread to a concurrent set as it starts and
 * removes it as it ends ({@code jdk.trackAllThreads}). On a JDK where that is not possible the
 * thread starts as any thread does.
 */
final class TaskThreads {
    /** {@code new VirtualThread(scheduler, name, characteristics, body)}, or null (use the builder). */
    private static final MethodHandle NEW_VIRTUAL;
    /** {@code Thread.NO_INHERIT_THREAD_LOCALS}. */
    private static final int NO_INHERIT;
    /** {@code Thread.inheritableThreadLocals}, or null when maps are not reused on this JDK. */
    private static final VarHandle INHERITED;
    /** {@code ThreadLocalMap.size()}, as {@code (Object) int}. */
    private static final MethodHandle MAP_SIZE;
    /** {@code ThreadLocalMap.getEntry(ThreadLocal)}, as {@code (Object, ThreadLocal) Object}. */
    private static final MethodHandle MAP_ENTRY;
    /** The container task threads start in (a {@code TaskContainer}), or null: the JDK's root. */
    private static final Object CONTAINER;
    /** {@code Thread.start(ThreadContainer)}, as {@code (Thread, Object) void}. */
    private static final MethodHandle START_IN;
    /** {@code Thread.threadContainer()}, as {@code (Thread) Object}. */
    private static final MethodHandle CONTAINER_OF;

    static {
        MethodHandle make = null;
        int noInherit = 0;
        VarHandle inherited = null;
        MethodHandle size = null;
        MethodHandle entry = null;
        try {
            Class<?> vt = Class.forName("java.lang.VirtualThread");
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(vt, MethodHandles.lookup());
            make = l.findConstructor(vt, MethodType.methodType(void.class, Executor.class, String.class, int.class,
                    Runnable.class)).asType(MethodType.methodType(Thread.class, Executor.class, String.class,
                    int.class, Runnable.class));
            MethodHandles.Lookup tl = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup());
            noInherit = (int) tl.findStaticVarHandle(Thread.class, "NO_INHERIT_THREAD_LOCALS", int.class).get();
            Class<?> map = Class.forName("java.lang.ThreadLocal$ThreadLocalMap");
            MethodHandles.Lookup ml = MethodHandles.privateLookupIn(map, MethodHandles.lookup());
            inherited = tl.findVarHandle(Thread.class, "inheritableThreadLocals", map);
            size = ml.findVirtual(map, "size", MethodType.methodType(int.class))
                    .asType(MethodType.methodType(int.class, Object.class));
            Class<?> entryClass = Class.forName("java.lang.ThreadLocal$ThreadLocalMap$Entry");
            entry = ml.findVirtual(map, "getEntry", MethodType.methodType(entryClass, ThreadLocal.class))
                    .asType(MethodType.methodType(Object.class, Object.class, ThreadLocal.class));
        } catch (RuntimeException | ReflectiveOperationException e) {
            inherited = null; // another JDK's internals (or java.lang closed, which VirtualThreads reports)
        }
        NEW_VIRTUAL = make;
        NO_INHERIT = noInherit;
        INHERITED = inherited;
        MAP_SIZE = size;
        MAP_ENTRY = entry;
        Object container = null;
        MethodHandle startIn = null;
        MethodHandle containerOf = null;
        try {
            java.lang.reflect.Method export = Module.class.getDeclaredMethod("implAddExports", String.class, Module.class);
            export.setAccessible(true);
            export.invoke(Object.class.getModule(), "jdk.internal.vm", TaskThreads.class.getModule());
            Class<?> tc = Class.forName("jdk.internal.vm.ThreadContainer");
            MethodHandles.Lookup tl = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup());
            startIn = tl.findVirtual(Thread.class, "start", MethodType.methodType(void.class, tc))
                    .asType(MethodType.methodType(void.class, Thread.class, Object.class));
            containerOf = tl.findVirtual(Thread.class, "threadContainer", MethodType.methodType(tc))
                    .asType(MethodType.methodType(Object.class, Thread.class));
            // Loaded only now that jdk.internal.vm is exported to us: its superclass is in that package.
            Class<?> mine = Class.forName("dev.simloop.internal.TaskContainer");
            container = MethodHandles.lookup().findConstructor(mine, MethodType.methodType(void.class)).invoke();
            MethodHandles.lookup().findStatic(Class.forName("jdk.internal.vm.ThreadContainers"), "registerContainer",
                    MethodType.methodType(Object.class, tc)).invoke(container);
        } catch (Throwable e) {
            container = null; // another JDK's internals, or java.lang closed: threads start in the root container
        }
        CONTAINER = container;
        START_IN = container == null ? null : startIn;
        CONTAINER_OF = container == null ? null : containerOf;
    }

    /** Starts the thread of a task created by {@link #newThread}. */
    static void start(Thread t) {
        if (START_IN == null) {
            t.start();
            return;
        }
        try {
            START_IN.invokeExact(t, CONTAINER);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The live task threads in {@code TaskContainer}, for thread dumps, which call this on a thread
     * of their own: it reads each driver's current loop and its live-task list without
     * synchronization, so a dump taken while tasks start and end may miss some; the walk is bounded.
     */
    static java.util.stream.Stream<Thread> containerThreads() {
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        for (Drivers.DriverThread d : Drivers.ALL) {
            Scheduler loop = d.loop;
            TaskImpl<?> t = loop == null ? null : loop.liveHead();
            for (int n = 0; t != null && n < 10_000_000; t = t.liveNext, n++) {
                Thread th = t.thread;
                if (th != null && th.isAlive() && containerOf(th) == CONTAINER) {
                    threads.add(th);
                }
            }
        }
        return threads.stream();
    }

    private static Object containerOf(Thread t) {
        try {
            return (Object) CONTAINER_OF.invokeExact(t);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private TaskThreads() {
    }

    /**
     * @return the unstarted thread of a new task of {@code loop}, created on the calling thread (a
     *     task of the loop, or its driver), whose JDK scheduler is {@code scheduler}
     */
    static Thread newThread(Scheduler loop, Executor scheduler, String name, Runnable body) {
        if (NEW_VIRTUAL == null) {
            return VirtualThreads.newThread(scheduler, name, body);
        }
        Thread creator = Thread.currentThread();
        // (loop is null only for the bare tasks of the runtime's unit tests)
        boolean reuse = loop != null && loop.simulated && INHERITED != null && guardOnly(INHERITED.get(creator), true);
        Thread t;
        try {
            t = (Thread) NEW_VIRTUAL.invokeExact(scheduler, name, reuse ? NO_INHERIT : 0, body);
        } catch (Throwable e) {
            throw new IllegalStateException("could not create a virtual thread for task '" + name + "'", e);
        }
        if (reuse) {
            t.setContextClassLoader(creator.getContextClassLoader()); // what inheriting would have given it
            Object map = spares(loop).take();
            if (map != null) {
                INHERITED.set(t, map);
            }
        }
        return t;
    }

    /**
     * A task's body has ended, on its own thread: its inheritable-thread-local map goes to the
     * driver's spares when it holds the guard and nothing else.
     */
    static void bodyEnded(TaskImpl<?> task) {
        if (task.loop == null || !task.loop.simulated || INHERITED == null || Thread.currentThread() != task.thread) {
            return;
        }
        Spares spares = spares(task.loop);
        if (spares.full()) {
            return; // do not even look at the map: with many tasks ending at random, it is a cache miss
        }
        Object map = INHERITED.get(task.thread);
        if (map != null && guardOnly(map, false)) {
            spares.give(map);
            INHERITED.set(task.thread, null);
        }
    }

    /**
     * @param map an inheritable-thread-local map, or null
     * @param orNone what a thread without a map counts as
     * @return whether {@code map} holds {@link ThreadGuard}'s entry and no other
     */
    private static boolean guardOnly(Object map, boolean orNone) {
        if (map == null) {
            return orNone;
        }
        try {
            return (int) MAP_SIZE.invokeExact(map) == 1 && MAP_ENTRY.invokeExact(map, ThreadGuard.guard()) != null;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private static Spares spares(Scheduler loop) {
        return loop.driver instanceof Drivers.DriverThread d ? d.spareMaps : Spares.NONE;
    }

    /** Guard-only maps of finished tasks, for the next tasks a driver creates; driver thread only. */
    static final class Spares {
        /** Keeps nothing (a loop not on a driver thread). */
        static final Spares NONE = new Spares(0);
        private final Object[] maps;
        private int count;

        Spares(int capacity) {
            maps = new Object[capacity];
        }

        /** @return a spare map, or null */
        Object take() {
            if (count == 0) {
                return null;
            }
            Object m = maps[--count];
            maps[count] = null;
            return m;
        }

        boolean full() {
            return count == maps.length;
        }

        /** Keeps {@code map}; there must be room ({@link #full} false). */
        void give(Object map) {
            maps[count++] = map;
        }
    }
}
