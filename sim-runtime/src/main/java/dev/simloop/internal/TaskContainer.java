package dev.simloop.internal;

import java.util.stream.Stream;

/**
 * The JDK thread container that simloop starts its task threads in, instead of the JDK's root
 * container (see {@link TaskThreads#start}). With the JDK's default {@code jdk.trackAllThreads},
 * the root container adds every virtual thread to a concurrent set as it starts and removes it as
 * it ends, a cost on every spawn; a task needs no such set, because its loop keeps its live tasks
 * already. Thread dumps ({@code jcmd <pid> Thread.dump_to_file}) still find the tasks: this
 * container is registered with the JDK once, and {@link #threads} lists the live tasks of the
 * loops running on driver threads.
 *
 * <p>{@code jdk.internal.vm} and {@code jdk.internal.access} are exported to this module at run
 * time ({@link TaskThreads}, before this class is loaded) and at compile time (the runtime's pom).
 */
final class TaskContainer extends jdk.internal.vm.ThreadContainer {
    /** Starts threads in a container, and tells a thread's container: plain calls, no method handles. */
    private static final jdk.internal.access.JavaLangAccess JLA = jdk.internal.access.SharedSecrets.getJavaLangAccess();

    private TaskContainer() {
        super(true); // shared: threads of many tasks, not owned by one thread
    }

    /** @return a new container, registered with the JDK so that thread dumps list its threads */
    static TaskContainer registered() {
        TaskContainer c = new TaskContainer();
        jdk.internal.vm.ThreadContainers.registerContainer(c);
        return c;
    }

    /** Starts the unstarted thread {@code t} in {@code container} (a {@code TaskContainer}). */
    static void start(Thread t, Object container) {
        JLA.start(t, (TaskContainer) container);
    }

    /** @return whether {@code t} was started in {@code container} */
    static boolean holds(Thread t, Object container) {
        return JLA.threadContainer(t) == container;
    }

    @Override
    public String name() {
        return "simloop tasks";
    }

    @Override
    public Stream<Thread> threads() {
        return TaskThreads.containerThreads();
    }
}
