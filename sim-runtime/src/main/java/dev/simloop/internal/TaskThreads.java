package dev.simloop.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Executor;

/**
 * Makes and starts the virtual thread of a task of ours (not one adopted from {@link ThreadTasks}),
 * as cheaply as the JDK allows without changing what the task's code can see. Spawning is on every
 * user's path (issue 15), and two things the JDK does for a new thread cost a large share of it:
 *
 * <ul>
 *   <li>The builder: a {@code Thread.Builder} per thread. The JDK's builder only calls the
 *       package-private {@code VirtualThread(Executor, String, int, Runnable)} constructor, so we
 *       call that (through {@code java.lang}, which simloop's one JVM flag opens), and fall back to
 *       the builder on a JDK without it. The thread inherits as from the builder: the creator's
 *       inheritable thread-locals (which hold no thread guard: {@link GuardMap} hides a lent map
 *       while a task's thread is made) and its context class loader.</li>
 *   <li>The root container: a thread starts in {@code TaskContainer}, whose start and end cost
 *       nothing, instead of the JDK's root container, which adds every virtual thread to a
 *       concurrent set as it starts and removes it as it ends ({@code jdk.trackAllThreads}). On a
 *       JDK where that is not possible the thread starts as any thread does.</li>
 * </ul>
 */
final class TaskThreads {
    /** {@code new VirtualThread(scheduler, name, characteristics, body)}, or null (use the builder). */
    private static final MethodHandle NEW_VIRTUAL;
    /** The container task threads start in (a {@code TaskContainer}), or null: the JDK's root. */
    private static final Object CONTAINER;

    static {
        MethodHandle make = null;
        try {
            // Not initialized here: the WarmUp makes this handle on one thread while the first driver
            // initializes the JDK's virtual threads on another (the handle's first call initializes it).
            Class<?> vt = Class.forName("java.lang.VirtualThread", false, null);
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(vt, MethodHandles.lookup());
            make = l.findConstructor(vt, MethodType.methodType(void.class, Executor.class, String.class, int.class,
                    Runnable.class)).asType(MethodType.methodType(Thread.class, Executor.class, String.class,
                    int.class, Runnable.class));
        } catch (RuntimeException | ReflectiveOperationException e) {
            make = null; // another JDK's internals (or java.lang closed, which VirtualThreads reports): the builder
        }
        NEW_VIRTUAL = make;
        Object container = null;
        try {
            JdkExports.toRuntime("jdk.internal.vm", "jdk.internal.access");
            // TaskContainer is loaded only now that both packages are exported to us: its superclass is
            // in one, and it starts threads through the other. Plain calls from here on: a method handle
            // per call would spin classes on a fresh JVM's first spawn (issue 15, the first simulation).
            container = TaskContainer.registered();
        } catch (Throwable e) {
            container = null; // another JDK's internals, or java.lang closed: threads start in the root container
        }
        CONTAINER = container;
    }

    /** Starts the thread of a task created by {@link #newThread}. */
    static void start(Thread t) {
        if (CONTAINER == null) {
            t.start();
        } else {
            TaskContainer.start(t, CONTAINER);
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
                if (th != null && th.isAlive() && TaskContainer.holds(th, CONTAINER)) {
                    threads.add(th);
                }
            }
        }
        return threads.stream();
    }

    private TaskThreads() {
    }

    /**
     * Makes one thread and drops it unstarted, for the {@link WarmUp}: the first call links this
     * class's call of its handle (two classes spun), which the first run's first task would
     * otherwise wait for on the driver. Waits for the JDK's virtual threads to be initialized.
     */
    static void warmUp() {
        newThread(NoScheduler.INSTANCE, "simloop-warm-up", NoScheduler.INSTANCE);
    }

    /** The scheduler and body of the thread {@link #warmUp} makes and never starts. */
    private static final class NoScheduler implements Executor, Runnable {
        static final NoScheduler INSTANCE = new NoScheduler();

        @Override
        public void execute(Runnable command) {
            throw new java.util.concurrent.RejectedExecutionException("the warm-up's thread is never started");
        }

        @Override
        public void run() {
        }
    }

    /**
     * @return the unstarted thread of a new task, created on the calling thread (a task of its loop,
     *     or the driver), whose JDK scheduler is {@code scheduler}
     */
    static Thread newThread(Executor scheduler, String name, Runnable body) {
        if (NEW_VIRTUAL == null) {
            return VirtualThreads.newThread(scheduler, name, body);
        }
        try {
            return (Thread) NEW_VIRTUAL.invokeExact(scheduler, name, 0, body); // 0: inherit, as the builder does
        } catch (Throwable e) {
            throw new IllegalStateException("could not create a virtual thread for task '" + name + "'", e);
        }
    }
}
