package dev.simloop.internal;

/**
 * Start-up work taken off the first run's path (issue 15: a fresh JVM's first simulation). Some of
 * a first run is the JDK's own start-up and needs nothing from the caller: the virtual-thread
 * machinery ({@code java.lang.VirtualThread}'s initialization, and the handles {@link VirtualThreads}
 * makes on it), the handle that creates task threads and the container they start in
 * ({@link TaskThreads}), and the question every run asks the lifecycle logger
 * ({@link TaskLog#enabled()}, which in a JVM whose logging is untouched is answered by a look at the
 * JDK's logging defaults, {@link LoggingAtDefaults}, instead of starting {@code java.util.logging}).
 * So when {@code Simulation} or the loop class is first used, the two threads every run needs
 * anyway start at once and do that work, while the caller goes on with what it must do itself
 * (loading the rest of the runtime, building the run), the way Spring Boot's background
 * pre-initializer does.
 *
 * <p>The caller starts the {@link Watchdog}'s thread. That thread starts the first driver
 * ({@link Drivers#startEarly}), initializes {@link TaskThreads} (without initializing the JDK's
 * virtual threads), looks for the simloop agent ({@link VirtualTime}), asks the logger question
 * once, and then makes one task thread once the driver has initialized virtual threads (which
 * links the call that makes task threads). The driver initializes the virtual threads and loads the classes a run's tasks need, then
 * waits for its first run. The caller waits only for what is not done when it gets there (the JVM's
 * class initialization lock). No class initialized here has an initializer that waits for another
 * thread or initializes a class of the runtime that initializes it in turn ({@link TaskThreads}
 * initializes {@link JdkExports} and {@link TaskContainer}, which initialize no other), so
 * initializing them on three threads at once cannot deadlock. The run still asks the logger
 * question itself, once, when it starts, so what is logged, and when, is as it was; a problem met
 * here is left alone, for the caller's own call to meet and report as it always has.
 */
public final class WarmUp {
    private static boolean started;

    private WarmUp() {
    }

    /** Starts the warm-up, once per JVM. */
    public static synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        Watchdog.start(); // which starts the first driver: the caller pays for one thread start, not two
    }

    /**
     * On the watchdog's thread, before its first look: the first driver, the task threads' handle
     * and container, the search for the simloop agent, the lifecycle logger's question, and last
     * (it waits for the driver to have initialized virtual threads, and fails where tasks cannot be
     * made) one task thread made and dropped.
     */
    static void watchdogFirst() {
        try {
            Drivers.startEarly(); // if it cannot, the first run starts a driver as any run does
            initialize(TaskThreads.class); // its handle and container, while the driver initializes virtual threads
            VirtualTime.agentPresent(); // looks for the simloop agent, as every loop does when it is built
            TaskLog.enabled(); // as the run will ask: the JDK's logging if it has started, else the look at its defaults
            TaskThreads.warmUp(); // links the handle's call site while the driver loads the run's classes
        } catch (Throwable e) {
            // see the class comment
        }
    }

    /**
     * On the first driver, before its first run: the virtual-thread machinery ({@link VirtualThreads}'
     * initialization, the JDK's with it, and a first virtual thread made), then the classes a run's tasks need that building the run
     * does not load (their initializers only set constants), so that they are loaded when it starts.
     */
    static void firstDriver() {
        try {
            VirtualThreads.internalsAvailable();
            // A virtual thread made and never started: the first one of a JVM links the call sites
            // in the JDK's VirtualThread constructor, which the run's first task would wait for.
            Thread.ofVirtual().unstarted(new NoWork());
            // What a plain run's tasks use, besides what building the run loads (the caller does that
            // meanwhile). A local array: class literals in a static one would load them all with WarmUp.
            Class<?>[] runClasses = {
                TaskImpl.class, GroupImpl.class, CancelScopeTree.class, ThreadGuard.class, Interrupts.class,
                dev.simloop.TaskGroup.class, SyncRun.class, Preemptions.class, dev.simloop.Loop.class,
                HeldResource.class, RunOutcome.class,
            };
            for (Class<?> c : runClasses) {
                initialize(c);
            }
        } catch (Throwable e) {
            // see the class comment
        }
    }

    private static void initialize(Class<?> c) throws ClassNotFoundException {
        Class.forName(c.getName(), true, c.getClassLoader());
    }

    /** The body of the virtual thread {@link #firstDriver} makes and never starts. */
    private static final class NoWork implements Runnable {
        @Override
        public void run() {
        }
    }
}
