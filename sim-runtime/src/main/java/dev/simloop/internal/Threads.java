package dev.simloop.internal;

import java.util.concurrent.ForkJoinWorkerThread;

/**
 * Describes a thread that is not a simloop task by what it is, for messages: a worker of the
 * common pool, a fork of a {@code StructuredTaskScope}, a JDK thread, a pool thread named X, the
 * test's own thread. Never by an empty name (virtual threads have none unless given one).
 */
final class Threads {
    private Threads() {
    }

    /** @return e.g. {@code thread 'pool-1-thread-1'} or {@code a fork of a StructuredTaskScope (VirtualThread[#31])} */
    static String describe(Thread t) {
        String name = t.getName();
        String quoted = "thread '" + name + "'";
        if (t instanceof ForkJoinWorkerThread) {
            return (commonPoolWorker(t)
                    ? "a worker of ForkJoinPool.commonPool() (where CompletableFuture's async methods run by default), "
                    : "a worker of a ForkJoinPool, ") + quoted;
        }
        if (jdkOwn(name)) {
            return "the JDK's own " + quoted;
        }
        if (t.isVirtual()) {
            String what = forkOfScope(t) ? "a fork of a java.util.concurrent.StructuredTaskScope" : "a virtual thread "
                    + "that is not a simloop task";
            return what + " (" + (name.isEmpty() ? t.toString() : quoted) + ")";
        }
        return quoted;
    }

    /**
     * @return whether {@code t} is a thread that serves the whole JVM rather than any one run: a
     *     worker of the common pool, or one of the JDK's own (a virtual-thread unparker, an I/O
     *     poller). Such a thread may start during a run without any task or library of the run having
     *     started it, so its id says nothing of who made it.
     */
    static boolean servesTheJvm(Thread t) {
        return t instanceof ForkJoinWorkerThread ? commonPoolWorker(t) : jdkOwn(t.getName());
    }

    private static boolean commonPoolWorker(Thread t) {
        return t instanceof ForkJoinWorkerThread w && w.getPool() == java.util.concurrent.ForkJoinPool.commonPool();
    }

    private static boolean jdkOwn(String name) {
        return name.startsWith("VirtualThread-") || name.endsWith("Poller") || name.startsWith("SubPoller");
    }

    /** JUnit's lifecycle annotations, by name: the runtime does not depend on JUnit. */
    private static final String[] LIFECYCLE = {"org.junit.jupiter.api.BeforeEach", "org.junit.jupiter.api.AfterEach",
        "org.junit.jupiter.api.BeforeAll", "org.junit.jupiter.api.AfterAll"};
    /** JUnit's test annotations: a call from such a method wants {@code @SimulatedLoop} on it. */
    private static final String[] TESTS = {"org.junit.jupiter.api.Test", "org.junit.jupiter.api.RepeatedTest",
        "org.junit.jupiter.params.ParameterizedTest"};

    /** For a thread outside a running loop that wants to reach it, what does (a second Loop.run would be another run). */
    private static final String OUTSIDE_HINT = " To reach a real loop from a thread of its own (a callback, a client"
            + " library's thread), wake one of its tasks: complete a CompletableFuture, or count down a"
            + " CountDownLatch, that the task waits on.";

    /**
     * The error for a runtime call made where no task runs: says what the calling thread is, and
     * when the call comes from a JUnit lifecycle method, that such methods run outside the
     * simulated run.
     *
     * @param call the API call, e.g. {@code Loop.sleep}
     * @return the exception to throw
     */
    static IllegalStateException notInATask(String call) {
        Thread t = Thread.currentThread();
        String who = describe(t);
        String lifecycle = junitMethod(LIFECYCLE);
        if (lifecycle != null) {
            return new IllegalStateException(call + " must be called from a simloop task, but it was called from "
                    + lifecycle + ", which JUnit runs outside the simulated run (on " + who + ", before the run starts "
                    + "or after it ends). Only the test method runs as the simulation's root task under "
                    + "@SimulatedLoop: move the call into the test method, or into a task it spawns.");
        }
        String onDriver = Scheduler.userCodeOnThisDriver();
        if (onDriver != null) {
            return new IllegalStateException(call + " must be called from a simloop task, but it was called from "
                    + onDriver + ", which the loop's driver thread runs, outside any task, when the time-out fires (as"
                    + " the JDK runs them on its timer thread): such code may not call the loop, and a dependent"
                    + " attached with an Async method on Loop.executor() is handed over from there too. Wait for the"
                    + " future in a task (join() or get()) and act on its value in that task (docs/virtual-time.md).");
        }
        if (Offloads.runningWork()) {
            return new IllegalStateException(call + " must be called from a simloop task, but it was called from work"
                    + " offloaded with Loop.toThread, which runs on " + who + ", outside the loop, while its task"
                    + " waits for it: such work may not call the loop (no sleeps, locks or spawns). Return what it"
                    + " computed, and act on it in the task that called Loop.toThread.");
        }
        if (t instanceof ForkJoinWorkerThread && inAStream()) {
            return new IllegalStateException(call + " must be called from a simloop task, but it was called from part"
                    + " of a parallel stream, which runs on " + who + ", outside the loop (the thread that runs the"
                    + " stream takes only some of its parts). Keep simloop calls out of parallel streams: use a"
                    + " sequential stream, or spawn a task for each part of the work (TaskGroup.spawn).");
        }
        String hint = t.isVirtual() ? " Threads a task starts itself (Thread.ofVirtual, executors, "
                + "StructuredTaskScope forks) are not tasks: create them with Loop.threadFactory(), pass Loop.executor() to "
                + "code that takes an executor, or spawn tasks with TaskGroup.spawn." : "";
        String test = t.isVirtual() ? null : junitMethod(TESTS);
        String junit = test == null ? "" : " From the " + test + ", which runs on no loop: annotate it with"
                + " @SimulatedLoop (dev.simloop:simloop-junit), which runs it as a simulation's root task.";
        return new IllegalStateException(call + " must be called from a simloop task, but the calling thread, " + who
                + ", is not a task of any loop. Run the code inside Loop.run(...) or Simulation.run(...), or in a "
                + "task they spawn." + junit + hint + OUTSIDE_HINT);
    }

    /** @return whether the calling thread runs a stream's code (on a fork-join worker: a parallel stream's part) */
    private static boolean inAStream() {
        return StackWalker.getInstance().walk(frames -> frames.anyMatch(f -> f.getClassName().startsWith("java.util.stream.")));
    }

    /**
     * @param annotations the JUnit annotations to look for
     * @return {@code @BeforeEach method FooTest.setUp} when a method carrying one of them is on the stack, else null
     */
    private static String junitMethod(String[] annotations) {
        return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(frames -> frames
                .map(f -> junitAnnotation(f, annotations)).filter(java.util.Objects::nonNull).findFirst().orElse(null));
    }

    private static String junitAnnotation(StackWalker.StackFrame f, String[] annotations) {
        Class<?> c = f.getDeclaringClass();
        if (c.getName().startsWith("java.") || c.getName().startsWith("jdk.") || c.getName().startsWith("org.junit.")
                || !Frames.isUserFrame(f.toStackTraceElement())) {
            return null;
        }
        try {
            java.lang.reflect.Method m = c.getDeclaredMethod(f.getMethodName(), f.getMethodType().parameterArray());
            for (java.lang.annotation.Annotation a : m.getAnnotations()) {
                String name = a.annotationType().getName();
                for (String l : annotations) {
                    if (l.equals(name)) {
                        return "@" + a.annotationType().getSimpleName() + " method " + c.getSimpleName() + "."
                                + m.getName();
                    }
                }
            }
        } catch (NoSuchMethodException | RuntimeException e) {
            return null; // a constructor, a lambda or a bridge: not a lifecycle method
        }
        return null;
    }

    /** @return whether {@code t} runs a subtask of a StructuredTaskScope (seen in its stack) */
    private static boolean forkOfScope(Thread t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().startsWith("java.util.concurrent.StructuredTaskScope")) {
                return true;
            }
        }
        return false;
    }
}
