package dev.simloop.internal;

import dev.simloop.NondeterminismDetected;

/**
 * Fails a simulation at the step where one of its tasks creates a thread the simulation does not
 * own: a thread pool's worker, a thread-per-task executor's thread, a {@code StructuredTaskScope}
 * fork, {@code new Thread}, {@code Thread.ofVirtual()}. (Threads of {@code Loop.threadFactory()} are
 * tasks, not such threads: {@link ThreadTasks} makes them while {@link Scheduler#creatingTask} is set.)
 * Code on such a thread runs at moments no
 * seed decides, so a run that uses one cannot be replayed; the failure names the task, the line
 * and what was created, instead of a false deadlock or an outcome that changes from run to run.
 *
 * <p>How: every task of a simulation carries an {@link InheritableThreadLocal}, and the JDK copies
 * those into every thread constructed on the task's thread, calling {@link #childValue} on the
 * creating thread, inside the step. simloop's own threads (tasks, offload threads) are created
 * without inheriting or while {@link Scheduler#creatingTask} is set. A virtual thread built not to
 * inherit still inherits the task's scheduler, and is caught when it starts
 * ({@link #foreignThreadStarted}).
 */
final class ThreadGuard extends InheritableThreadLocal<Boolean> {
    private static final ThreadGuard GUARD = new ThreadGuard();

    private ThreadGuard() {
    }

    /** @return the guard itself (the key {@link GuardMap} lends maps with) */
    static ThreadLocal<Boolean> guard() {
        return GUARD;
    }

    /** Arms the guard on the calling task's thread (a task of a simulation, as its first action). */
    static void arm() {
        GUARD.set(Boolean.TRUE);
    }

    /** A thread is being constructed on a thread that carries the guard. */
    @Override
    protected Boolean childValue(Boolean parentValue) {
        TaskImpl<?> me = Current.mounted();
        if (me == null || me.done || !me.loop.simulated || me.loop.creatingTask || me.loop.isKilling()) {
            return null; // not inside a simulated step (or simloop's own task): nothing to guard
        }
        StackTraceElement[] stack = Thread.currentThread().getStackTrace();
        if (armsAScopeTimeOut(stack)) {
            return null; // the common pool's timer thread, once per JVM: ScopeTimeouts fails the run at the fork
        }
        NondeterminismDetected failure = created(me, stack, "created");
        me.loop.abort(failure);
        throw failure; // the thread is never constructed, so nothing outside the simulation runs
    }

    private static boolean armsAScopeTimeOut(StackTraceElement[] stack) {
        for (StackTraceElement e : stack) {
            if (Frames.isUserFrame(e)) {
                return false;
            }
            if ((e.getClassName() + "." + e.getMethodName()).equals(ScopeTimeouts.SCHEDULE_TIMEOUT)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A virtual thread that inherited {@code task}'s scheduler but is not a task was started on the
     * task's thread (it was built not to inherit thread locals, so construction went unseen).
     */
    static void foreignThreadStarted(TaskImpl<?> task) {
        Scheduler loop = task.loop;
        if (loop.simulated && !loop.isKilling() && Current.mounted() == task) {
            loop.abort(created(task, Thread.currentThread().getStackTrace(), "started"));
        }
    }

    /** @return what a thread created from {@code stack} is, as the failure names it (for tests) */
    static String whatWasCreated(StackTraceElement[] stack) {
        return Kind.of(stack).what;
    }

    /** @return where the failure says the user's code created a thread from {@code stack} (for tests) */
    static String whereCreated(StackTraceElement[] stack) {
        return Kind.of(stack).where(stack);
    }

    private static NondeterminismDetected created(TaskImpl<?> me, StackTraceElement[] stack, String verb) {
        Kind kind = Kind.of(stack);
        return new NondeterminismDetected(me.quoted() + " " + verb + " a thread the simulation does not own: "
                + kind.what + ", at " + kind.where(stack) + " (step " + me.loop.steps() + "). Code on a thread "
                + "outside the simulation runs at moments no seed decides, so the run could not be replayed. "
                + kind.fix);
    }

    /**
     * What a time-out of the common pool's delay scheduler (CompletableFuture's orTimeout,
     * completeOnTimeout, delayedExecutor) needs in a simulation: the agent, or a time-out of
     * simloop's. Said when the scheduler starts in a step, and when, started before, it wakes a task
     * ({@link OutsideWaits}).
     */
    static final String DELAY_FIX = "Run with the simloop agent (-javaagent:simloop-agent.jar, see virtual-time.md),"
            + " which puts these time-outs on the loop's clock; or wait with a time-out of simloop's:"
            + " CancelScope.failAfter(d, () -> future.get()), or moveOnAfter.";

    /**
     * What Awaitility's {@code await()} needs in a simulation: by default it evaluates the condition
     * on a thread of its own, and waits between polls with sleeps on the real clock. Said when that
     * thread is made, and when one of its sleeps is the timed wait that fails a run without the agent
     * ({@link #libraryNote}).
     */
    static final String AWAITILITY_FIX = "Let the task poll the condition itself: await().pollInSameThread() for one"
            + " await, or Awaitility.pollInSameThread() once (in a @BeforeAll, say) for all of them. Its poll delay,"
            + " poll interval and atMost then sleep and read the clock on the task, which the simloop agent puts on"
            + " the virtual clock (see virtual-time.md). Or wait for the state with simloop's own primitives (an"
            + " Event the code sets) instead of polling for it.";

    /**
     * @return a note on the library whose frames {@code stack} has, for a failure in it that its own
     *     settings avoid (Awaitility's sleeps between polls), or an empty string
     */
    static String libraryNote(StackTraceElement[] stack) {
        for (StackTraceElement e : stack) {
            if (Kind.AWAITILITY.toldBy(e.getClassName() + "." + e.getMethodName())) {
                return " This wait is Awaitility's, between its polls of an await()'s condition. " + AWAITILITY_FIX;
            }
        }
        return "";
    }

    /**
     * What {@code CompletableFuture.delayedExecutor} needs instead in a simulation, with the agent
     * or without: the agent covers {@code orTimeout} and {@code completeOnTimeout}, not its delay.
     */
    static final String DELAYED_EXECUTOR_FIX = "Note that the simloop agent does not put"
            + " CompletableFuture.delayedExecutor's delay on the virtual clock (it covers orTimeout and"
            + " completeOnTimeout only; the delay runs on the common pool's delay scheduler): delay the work in a"
            + " task instead, Loop.executor().execute(() -> { Loop.sleep(delay); work.run(); }), or"
            + " CompletableFuture.supplyAsync(() -> { Loop.sleep(delay); return work.get(); }, Loop.executor()).";

    /** What was created, told by the frames that created it (the JDK's, or a library's), and what to do instead. */
    private enum Kind {
        // The first two: a library's own thread, told by the library's frame (not the JDK's) that made it.
        JUNIT_PREEMPTIVE_TIMEOUT(new String[] {
            "org.junit.jupiter.api.AssertTimeoutPreemptively", // JUnit 5
            "org.junit.jupiter.api.timeout.PreemptiveTimeoutUtils", // JUnit 6
        }, "org.junit.", "the thread on which JUnit's assertTimeoutPreemptively runs the code it is given", "In a"
                + " simulated test, time the code in virtual time instead: CancelScope.failAfter(timeout, () -> code)"
                + " runs it on the task and throws DeadlineExceeded when the deadline passes on the loop's clock"
                + " (assertTimeout, not preemptive, also runs it on the task, but times it on the real clock)."),
        AWAITILITY(new String[] {"org.awaitility."}, "org.awaitility.", "the thread on which Awaitility evaluates the"
                + " condition of an await() (its default)", AWAITILITY_FIX),
        IO_POLLER("sun.nio.ch.Poller", "the JDK's network I/O poller, which the first blocking I/O on a socket "
                + "starts", "Do blocking I/O with Loop.toThread, or give the code a simulated network."),
        SCOPE_FORK("java.util.concurrent.StructuredTaskScope", "a fork of a java.util.concurrent.StructuredTaskScope",
                "Open the scope with a factory whose threads are tasks: StructuredTaskScope.open(joiner, "
                        + "cf -> cf.withThreadFactory(Loop.threadFactory())), or use simloop's own structured "
                        + "concurrency: TaskGroup.with(tg -> ...) and tg.spawn(...)."),
        THREAD_PER_TASK("java.util.concurrent.ThreadPerTaskExecutor",
                "a thread of a thread-per-task executor (Executors.newVirtualThreadPerTaskExecutor or "
                        + "newThreadPerTaskExecutor)",
                "Create it with Loop.threadFactory(): Executors.newThreadPerTaskExecutor(Loop.threadFactory()) runs "
                        + "its threads as tasks; or pass Loop.executor(), whose work runs as tasks."),
        POOL_WORKER("java.util.concurrent.ThreadPoolExecutor",
                "a worker thread of a java.util.concurrent.ThreadPoolExecutor (Executors.newFixedThreadPool, "
                        + "newCachedThreadPool, newScheduledThreadPool, ...)",
                "Pass Loop.executor() instead (its work runs as tasks), or create the pool with "
                        + "Loop.threadFactory(); blocking work goes in Loop.toThread."),
        TIMEOUT("java.util.concurrent.CompletableFuture.arrangeTimeout", "the common pool's delay scheduler, which"
                + " CompletableFuture.orTimeout and completeOnTimeout start", DELAY_FIX),
        DELAYED_EXECUTOR("java.util.concurrent.CompletableFuture$DelayedExecutor", "the common pool's delay"
                + " scheduler, which CompletableFuture.delayedExecutor starts", DELAYED_EXECUTOR_FIX),
        FORK_JOIN_WORKER("java.util.concurrent.ForkJoinPool", "a worker thread of a java.util.concurrent.ForkJoinPool",
                "Pass Loop.executor() instead (CompletableFuture.supplyAsync(f, Loop.executor()) runs f as a task), "
                        + "or do CPU-heavy work with Loop.toThread."),
        TIMER("java.util.Timer", "the thread of a java.util.Timer",
                "Use Loop.sleep in a task spawned with TaskGroup.spawn for timed work."),
        VIRTUAL("java.lang.VirtualThread", "a virtual thread (Thread.ofVirtual, "
                + "Thread.startVirtualThread)", "Create it with Loop.threadFactory() (Loop.threadFactory().newThread(r)"
                + ".start() runs r as a task), or spawn a task instead: TaskGroup.spawn, or Loop.rootGroup().spawn "
                + "for one that outlives the caller."),
        PLATFORM("java.lang.Thread", "a platform thread (new Thread, Thread.ofPlatform)",
                "Create it with Loop.threadFactory() (its threads are tasks), or spawn a task (TaskGroup.spawn), or "
                        + "create the thread outside the simulated code (or inside Loop.toThread) if it never "
                        + "interacts with the simulation's tasks.");

        /** The starts of a frame's {@code class.method} that tell the kind (a JDK frame's; a library's names its versions'). */
        private final String[] framePrefixes;
        /** For a library's thread, the start of the library's class names (its frames are not where the user made it); else null. */
        private final String library;
        final String what;
        final String fix;

        Kind(String framePrefix, String what, String fix) {
            this(new String[] {framePrefix}, null, what, fix);
        }

        Kind(String[] framePrefixes, String library, String what, String fix) {
            this.framePrefixes = framePrefixes;
            this.library = library;
            this.what = what;
            this.fix = fix;
        }

        private boolean toldBy(String frame) {
            for (String prefix : framePrefixes) {
                if (frame.startsWith(prefix)) {
                    return true;
                }
            }
            return false;
        }

        /**
         * The most specific kind (the first declared) whose class appears among the JDK frames above
         * the user's frame: the JDK's poller starts its threads through a thread-per-task executor.
         */
        static Kind of(StackTraceElement[] stack) {
            Kind best = PLATFORM;
            for (StackTraceElement e : stack) {
                String frame = e.getClassName() + "." + e.getMethodName();
                Kind library = libraryKind(frame);
                if (library != null) {
                    return library; // a library's frames are not the JDK's: the first one tells
                }
                if (Frames.isUserFrame(e)) {
                    break;
                }
                for (Kind k : values()) {
                    if (k.ordinal() < best.ordinal() && k.toldBy(frame)) {
                        best = k;
                    }
                }
            }
            return best;
        }

        /**
         * @return where the user's code made the thread: its first frame, or, for a library's thread,
         *     the first frame past the library's (the call of assertTimeoutPreemptively, not JUnit's
         *     thread factory)
         */
        String where(StackTraceElement[] stack) {
            if (library == null) {
                return Frames.userFrame(stack);
            }
            for (StackTraceElement e : stack) {
                if (Frames.isUserFrame(e) && !e.getClassName().startsWith(library)) {
                    return e.toString();
                }
            }
            return Frames.userFrame(stack);
        }

        /** @return the library kind whose frame {@code frame} ({@code class.method}) is, or null */
        private static Kind libraryKind(String frame) {
            for (Kind k : values()) {
                if (k.library != null && k.toldBy(frame)) {
                    return k;
                }
            }
            return null;
        }
    }
}
