package dev.simloop.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Constructor;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;

/**
 * Creates virtual threads whose JDK scheduler is an executor of ours, through the JDK's
 * {@code ThreadBuilders.VirtualThreadBuilder(Executor)} constructor. That constructor is not
 * public, so the JVM must open {@code java.lang} to us; without the flag every entry point fails
 * with a message that says exactly what to add and where.
 */
final class VirtualThreads {
    /**
     * The flag that opens {@code java.lang} to this code: to every class-path class
     * ({@code ALL-UNNAMED}) when the runtime is on the class path, to its module
     * ({@code dev.simloop.runtime}) when it is on the module path.
     */
    static final String FLAG = "--add-opens java.base/java.lang=" + openTarget(VirtualThreads.class.getModule());

    /** {@code ThreadBuilders.VirtualThreadBuilder(Executor)}, made accessible; null when it is not there or not open. */
    private static final Constructor<?> BUILDER_CONSTRUCTOR;
    /** {@code Thread.currentCarrierThread()} (package-private in java.lang): the OS thread under a virtual thread. */
    private static final MethodHandle CURRENT_CARRIER;
    private static final RuntimeException UNAVAILABLE;

    /** How a task's thread stopped running at the end of a step (see {@link #parkKind}). */
    enum ParkKind {
        /** Waits for LockSupport.unpark, without a time-out (j.u.c locks, queues, futures, simloop waits). */
        PARKED,
        /** Waits with a time-out on the real clock: sleep, timed park, timed lock, timed Object.wait. */
        TIMED,
        /** Waits to enter a {@code synchronized} monitor. */
        MONITOR,
        /** Waits in {@code Object.wait} (untimed). */
        OBJECT_WAIT,
        /** Runnable again already (yielded, or unparked meanwhile). */
        RUNNABLE
    }

    // The JDK's own view of a virtual thread (java.lang is open to simloop): its state word and its
    // pending time-out task. Both are set on the carrier, that is the loop's driver, before the
    // continuation returns to it, so reading them after a step is deterministic, unlike
    // Thread.getState() of a thread that a JDK timer may unpark at any moment. Null when this JDK
    // has other internals: the checks then fall back to Thread.getState().
    private static final VarHandle STATE;
    private static final VarHandle TIMEOUT_TASK;
    private static final int UNPARKED;
    private static final int UNBLOCKED;
    private static final int YIELDED;
    /** The states of a virtual thread parked on its carrier: pinned there (a class initializer, a native frame). */
    private static final int PINNED;
    private static final int TIMED_PINNED;

    static {
        Constructor<?> k = null;
        RuntimeException problem = null;
        try {
            Class<?> c = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            k = c.getDeclaredConstructor(Executor.class);
            k.setAccessible(true);
        } catch (RuntimeException | ReflectiveOperationException e) {
            k = null;
            problem = new IllegalStateException(message(e), e);
        }
        BUILDER_CONSTRUCTOR = k;
        UNAVAILABLE = problem;
        MethodHandle carrier = null;
        try {
            carrier = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup())
                    .findStatic(Thread.class, "currentCarrierThread", MethodType.methodType(Thread.class));
        } catch (RuntimeException | ReflectiveOperationException e) {
            carrier = null; // java.lang not open: no task can be created either (UNAVAILABLE says why)
        }
        CURRENT_CARRIER = carrier;
        VarHandle state = null;
        VarHandle timeout = null;
        int unparked = -1;
        int unblocked = -1;
        int yielded = -1;
        int pinned = -1;
        int timedPinned = -1;
        try {
            Class<?> vt = Class.forName("java.lang.VirtualThread");
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(vt, MethodHandles.lookup());
            state = l.findVarHandle(vt, "state", int.class);
            timeout = l.findVarHandle(vt, "timeoutTask", java.util.concurrent.Future.class);
            unparked = (int) l.findStaticVarHandle(vt, "UNPARKED", int.class).get();
            unblocked = (int) l.findStaticVarHandle(vt, "UNBLOCKED", int.class).get();
            yielded = (int) l.findStaticVarHandle(vt, "YIELDED", int.class).get();
            pinned = (int) l.findStaticVarHandle(vt, "PINNED", int.class).get();
            timedPinned = (int) l.findStaticVarHandle(vt, "TIMED_PINNED", int.class).get();
        } catch (RuntimeException | ReflectiveOperationException e) {
            state = null; // not this JDK's layout, or java.lang not open: fall back to Thread.getState()
            timeout = null;
        }
        STATE = state;
        TIMEOUT_TASK = timeout;
        UNPARKED = unparked;
        UNBLOCKED = unblocked;
        YIELDED = yielded;
        PINNED = pinned;
        TIMED_PINNED = timedPinned;
    }

    /**
     * Timed JDK waits at least this long (real time) are, in a simulation, waits without a time-out:
     * no run lasts that long (a stuck run fails after {@code maxStepWallTime}), and a time-out that
     * did fire would be a wake-up from a JDK thread, which {@link OutsideWaits} holds or fails. The
     * JDK's own {@code ExecutorService.close()} waits in such steps of a day.
     */
    static final long UNTIMED_NANOS = java.util.concurrent.TimeUnit.HOURS.toNanos(1);

    /** @return whether {@code t} parked with a time-out at least {@link #UNTIMED_NANOS} away */
    static boolean timeoutBeyondAnyRun(Thread t) {
        return TIMEOUT_TASK != null && TIMEOUT_TASK.get(t) instanceof java.util.concurrent.Delayed d
                && d.getDelay(java.util.concurrent.TimeUnit.NANOSECONDS) >= UNTIMED_NANOS;
    }

    /**
     * @return the platform thread that carries the calling thread: itself when it is a platform
     *     thread, the driver when it is a task mounted on one; null when java.lang is not open
     */
    static Thread currentCarrier() {
        if (CURRENT_CARRIER == null) {
            return null;
        }
        try {
            return (Thread) CURRENT_CARRIER.invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @return whether the JDK's time-out of {@code t}'s timed park is due (on the real clock): {@code t}
     *     woke, or wakes, by its time-out. Its time, not whether its task is done: the task unparks
     *     {@code t}, and so hands over its continuation, before it counts as done
     */
    static boolean timeoutDue(Thread t) {
        return TIMEOUT_TASK != null && TIMEOUT_TASK.get(t) instanceof java.util.concurrent.Delayed d
                && d.getDelay(java.util.concurrent.TimeUnit.NANOSECONDS) <= 0;
    }

    /** @return whether {@code t} parked with a time-out that has not been cleared by its resumption yet */
    static boolean timeoutPending(Thread t) {
        return TIMEOUT_TASK != null && TIMEOUT_TASK.get(t) != null;
    }

    /**
     * How {@code t}, a task's virtual thread that has just stopped running, waits. Called on the
     * driver after the step.
     */
    static ParkKind parkKind(TaskImpl<?> task) {
        Thread t = task.thread;
        if (TIMEOUT_TASK != null && TIMEOUT_TASK.get(t) != null) {
            return ParkKind.TIMED; // a time-out is scheduled: whatever the state is now, the wait was timed
        }
        return switch (t.getState()) {
            case BLOCKED -> ParkKind.MONITOR;
            case TIMED_WAITING -> ParkKind.TIMED;
            case WAITING -> LockSupport.getBlocker(t) == null && Frames.inObjectWait(task) ? ParkKind.OBJECT_WAIT
                    : ParkKind.PARKED;
            default -> Frames.inObjectWait(task) ? ParkKind.OBJECT_WAIT : ParkKind.RUNNABLE;
        };
    }

    /**
     * Whether the running task's thread, which has just handed its continuation back on the driver
     * after parking (or blocking on a monitor), found itself unparked (or the monitor free) while it
     * did: the JDK then resubmits it at once. Only a thread outside the loop can do that while the
     * task parks (the loop runs one task at a time), so the task's step goes on as if the park had
     * returned at once. False for a yield.
     */
    static boolean unparkedWhileParking(Thread t) {
        if (STATE == null) {
            return false;
        }
        int s = ((int) STATE.getVolatile(t)) & 0xff; // without the SUSPENDED bit
        return s == UNPARKED || s == UNBLOCKED;
    }

    /**
     * Whether {@code t}'s continuation, handed to its scheduler, would run now: the JDK has made the
     * unmounted thread runnable (unparked, unblocked from a monitor, or yielded), and it has not run
     * since. False means a submission of it is stale: the JDK can hand a thread's continuation over
     * more than once for one wake-up (its stack read while it was runnable, or a monitor's release
     * seen twice), and once one of them has run, running another does nothing, leaving the thread
     * where it waits. True when this JDK's internals are not readable, and for a platform thread
     * (every submission counts).
     */
    static boolean waitingToRun(Thread t) {
        if (STATE == null || !t.isVirtual()) {
            return true;
        }
        int s = ((int) STATE.getVolatile(t)) & 0xff; // without the SUSPENDED bit
        return s == UNPARKED || s == UNBLOCKED || s == YIELDED;
    }

    /**
     * Whether {@code t}, a virtual thread, is parked on its carrier: pinned there (its park could not
     * unmount it: a class initializer or a native frame is on its stack), so the carrier waits with
     * it. A task's carrier is its loop's driver. Any thread may ask; false when the internals are not
     * readable.
     */
    static boolean parkedPinned(Thread t) {
        if (STATE == null || !t.isVirtual()) {
            return false; // STATE is null, too, when a state constant was not found
        }
        int s = ((int) STATE.getVolatile(t)) & 0xff; // without the SUSPENDED bit
        return s == PINNED || s == TIMED_PINNED;
    }

    /** @return whether the JDK internals this class reads were found (tests check it on each JDK) */
    static boolean internalsAvailable() {
        return STATE != null && TIMEOUT_TASK != null && YIELDED >= 0 && PINNED >= 0 && TIMED_PINNED >= 0;
    }

    private VirtualThreads() {
    }

    /**
     * @param m the module this class is in
     * @return what {@code --add-opens java.base/java.lang=} must name so that {@code m} may reach
     *     into {@code java.lang}
     */
    static String openTarget(Module m) {
        return m.isNamed() ? m.getName() : "ALL-UNNAMED";
    }

    private static String message(Throwable e) {
        if (e instanceof ReflectiveOperationException) {
            return "simloop cannot create its tasks on this JVM (" + System.getProperty("java.version")
                    + "): it needs JDK 25 or newer with virtual threads (" + e + ")";
        }
        return "simloop needs the JVM flag " + FLAG + " to run tasks as virtual threads on its own loop. "
                + "Add it to the java command line (java " + FLAG + " ...), or for tests under Maven to the "
                + "surefire plugin: <configuration><argLine>" + mavenArgLine(VirtualThreads.class.getModule(),
                        ModuleLayer.boot().findModule("dev.simloop.junit").isPresent())
                + "</argLine></configuration>" + mavenNote(VirtualThreads.class.getModule(),
                        ModuleLayer.boot().findModule("dev.simloop.junit").isPresent()) + SetupAdvice.ARG_LINE_PROPERTY + ". ("
                + e.getMessage() + ")";
    }

    /**
     * @param m the module this class is in
     * @param junitNamed whether simloop's JUnit extension is a named module here
     * @return the surefire {@code argLine} for tests: {@link #FLAG}, and when the runtime is a named
     *     module but the extension is not (surefire 3.5.4 and newer with a {@code module-info.java}
     *     put the runtime on the module path and the extension on the class path) the export of the
     *     runtime's internals to it, without which the extension cannot run
     */
    static String mavenArgLine(Module m, boolean junitNamed) {
        String open = "--add-opens java.base/java.lang=" + openTarget(m);
        return m.isNamed() && !junitNamed ? open + " --add-exports " + m.getName() + "/dev.simloop.internal=ALL-UNNAMED"
                : open;
    }

    /** @return why {@link #mavenArgLine} has a second flag, to append after it; empty when it has one */
    private static String mavenNote(Module m, boolean junitNamed) {
        return m.isNamed() && !junitNamed ? " (the --add-exports is for simloop's JUnit extension, which surefire"
                + " puts on the class path while the runtime is on the module path)" : "";
    }

    /** Fails fast, with the flag in the message, when tasks cannot be created. */
    static void check() {
        if (UNAVAILABLE != null) {
            throw new IllegalStateException(UNAVAILABLE.getMessage(), UNAVAILABLE.getCause());
        }
    }

    /**
     * The builder's constructor as a method handle, made when first used: most runs never use it
     * ({@link TaskThreads} makes task threads), and making it spins classes on a fresh JVM.
     */
    private static final class Builders {
        static final MethodHandle NEW_BUILDER = newBuilder();

        private static MethodHandle newBuilder() {
            try {
                return MethodHandles.lookup().unreflectConstructor(BUILDER_CONSTRUCTOR)
                        .asType(MethodType.methodType(Thread.Builder.OfVirtual.class, Executor.class));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(message(e), e);
            }
        }
    }

    static Thread newThread(Executor scheduler, String name, Runnable body) {
        check();
        try {
            Thread.Builder.OfVirtual b = (Thread.Builder.OfVirtual) Builders.NEW_BUILDER.invokeExact(scheduler);
            return b.name(name).unstarted(body);
        } catch (Throwable e) {
            throw new IllegalStateException("could not create a virtual thread for task '" + name + "'", e);
        }
    }
}
