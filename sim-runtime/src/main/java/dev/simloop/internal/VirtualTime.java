package dev.simloop.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * Virtual time for the JDK's clocks and timed waits, when the simloop agent is present
 * (docs/virtual-time.md). The agent rewrites {@code System.nanoTime()}, {@code Thread.sleep},
 * {@code LockSupport.parkNanos} and their kin (in user classes and in the JDK's timed
 * synchronizers) into calls to its bridge, a class on the boot class path; this class connects
 * the bridge to the loops, through method handles of three static methods, so neither the runtime
 * nor the agent depends on the other. Without the agent the bridge is not found and nothing here
 * runs: timed JDK waits then fail the run (OutsideWaits), naming the agent.
 *
 * <p>In a task of a simulation, and only there:
 * <ul>
 *   <li>the clocks read the loop clock ({@link #clock}), so {@code nanoTime()} differences are
 *       virtual durations exactly;
 *   <li>a timed park ({@link #park}) parks the task without a time-out and arms a loop timer
 *       ({@link TimedPark}) that unparks it at the virtual deadline, unless something woke it
 *       first (then the timer is disarmed as the park returns). The task waits OUTSIDE, as in any
 *       untimed JDK wait, so what ends the wait is either a task of the simulation (inside a step)
 *       or the timer (fired by the driver, at a recorded point of the run): the run replays. The
 *       JDK code around the park (AQS, FutureTask, ...) then reads the virtual clock and sees its
 *       deadline passed at exactly the virtual instant;
 *   <li>{@code CompletableFuture.orTimeout} and {@code completeOnTimeout} arm a loop timer
 *       ({@link FutureTimeout}) that completes the future on the driver thread, as the JDK would
 *       on its own timer thread.
 * </ul>
 * Everywhere else (real-mode loops, the driver, other threads) the hooks answer "not simulated"
 * and the bridge does what the rewritten call did.
 */
final class VirtualTime {
    static final String BRIDGE = "dev.simloop.agent.bridge.VirtualTimeBridge";
    /** What {@link #clock} answers on a thread that is not a simulated task (the bridge's constant). */
    private static final long NOT_SIMULATED = Long.MIN_VALUE;
    /** Whether the agent's bridge is on the boot class path and connected to this runtime. */
    private static final boolean AGENT;
    /**
     * Why the bridge is there but could not be connected, or null. Kept, not thrown by the
     * initializer, so that the {@link WarmUp} may initialize this class on its own thread and every
     * loop still fails with it.
     */
    private static final IllegalStateException NOT_CONNECTED;
    /** The hooks as the bridge connected them: kept here, since the bridge holds each runtime's weakly. */
    private static Object connectedHooks;

    static {
        boolean agent = false;
        IllegalStateException problem = null;
        try {
            agent = connect();
        } catch (IllegalStateException e) {
            problem = e;
        }
        AGENT = agent;
        NOT_CONNECTED = problem;
    }

    private VirtualTime() {
    }

    /**
     * Connects the runtime to the agent's bridge, once (the class's initialization does it).
     *
     * @throws IllegalStateException when the bridge is there but could not be connected
     */
    static void connectOnce() {
        if (NOT_CONNECTED != null) {
            throw new IllegalStateException(NOT_CONNECTED.getMessage(), NOT_CONNECTED.getCause());
        }
    }

    /** @return whether the simloop agent is present (and connected to this runtime) */
    static boolean agentPresent() {
        return AGENT;
    }

    private static boolean connect() {
        Class<?> bridge;
        try {
            bridge = Class.forName(BRIDGE, true, null); // the boot loader: where the agent puts it
        } catch (ClassNotFoundException | LinkageError noAgent) {
            return false;
        }
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            MethodHandle clock = l.findStatic(VirtualTime.class, "clock", MethodType.methodType(long.class));
            MethodHandle park = l.findStatic(VirtualTime.class, "park",
                    MethodType.methodType(boolean.class, Object.class, long.class));
            MethodHandle timeout = l.findStatic(VirtualTime.class, "timeout",
                    MethodType.methodType(boolean.class, Object.class, long.class, Runnable.class));
            connectedHooks = bridge.getMethod("connect", MethodHandle.class, MethodHandle.class, MethodHandle.class,
                    Instant.class).invoke(null, clock, park, timeout, LoopClock.VIRTUAL_EPOCH);
            return true;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("simloop could not connect to the simloop agent's " + BRIDGE
                    + " (is the agent's version the runtime's?)", e);
        }
    }

    /** @return the calling task when it is a task of a simulation, else null */
    private static TaskImpl<?> simulatedTask() {
        TaskImpl<?> t = Current.mounted();
        return t != null && t.loop.simulated && !t.done ? t : null;
    }

    /** The bridge's clock hook. @return loop-clock nanos in a simulated task, else NOT_SIMULATED */
    static long clock() {
        TaskImpl<?> t = simulatedTask();
        return t == null ? NOT_SIMULATED : t.loop.now();
    }

    /**
     * The bridge's park hook: parks a simulated task for at most {@code nanos} of virtual time.
     *
     * @return false, without parking, when the caller is not a simulated task
     */
    static boolean park(Object blocker, long nanos) {
        TaskImpl<?> t = simulatedTask();
        if (t == null) {
            return false;
        }
        Scheduler loop = t.loop;
        if (loop.isKilling()) {
            throw new TaskAbandoned("the run of this task has already ended");
        }
        if (nanos <= 0) {
            return true; // as LockSupport.parkNanos: no wait at all
        }
        TimedPark timer = new TimedPark(t, blocker, OutsideWaits.untimedWhenStuck(blocker, nanos));
        loop.arm(timer, deadline(loop, nanos));
        timer.counted(loop, 1);
        try {
            LockSupport.park(blocker);
        } finally {
            if (timer.isArmed()) {
                loop.disarm(timer); // woken before the deadline: the timer must never fire
                timer.counted(loop, -1);
            }
        }
        return true;
    }

    /**
     * The bridge's hook for {@code CompletableFuture.orTimeout} / {@code completeOnTimeout}.
     *
     * @return false when the caller is not a simulated task (the JDK arranges the time-out)
     */
    static boolean timeout(Object future, long nanos, Runnable action) {
        TaskImpl<?> t = simulatedTask();
        if (t == null) {
            return false;
        }
        CompletableFuture<?> f = (CompletableFuture<?>) future;
        if (f.isDone()) {
            return true; // as the JDK: nothing to arrange
        }
        Scheduler loop = t.loop;
        FutureTimeout timer = new FutureTimeout(f, action);
        loop.arm(timer, deadline(loop, Math.max(0, nanos)));
        f.whenComplete((v, e) -> timer.completed(loop));
        return true;
    }

    private static long deadline(Scheduler loop, long nanos) {
        long now = loop.now();
        return nanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos;
    }

    /** The loop timer of a task's timed park: unparks the task at the virtual deadline. */
    static final class TimedPark extends Timer {
        private final TaskImpl<?> task;
        private final Object blocker;
        /** Whether it is the time-out of a wait that counts as untimed when nothing else can happen. */
        private final boolean untimedWhenStuck;

        TimedPark(TaskImpl<?> task, Object blocker, boolean untimedWhenStuck) {
            super(KIND_WAKEUP);
            this.task = task;
            this.blocker = blocker;
            this.untimedWhenStuck = untimedWhenStuck;
        }

        /** Keeps the loop's count of long-wait time-outs ({@link OutsideWaits#onlyLongWaitTimeoutsLeft}). */
        void counted(Scheduler loop, int change) {
            if (untimedWhenStuck) {
                loop.outside.longWaitTimeout(change);
            }
        }

        @Override
        void fire(Scheduler loop) {
            counted(loop, -1);
            // Still parked outside, and not already woken (a held wake-up from outside is let
            // through by OutsideWaits): wake it on the driver, which makes it ready at once.
            if (task.outside() != OutsideWaits.NONE && task.foreignContinuation() == null && !task.inReady
                    && !task.done) {
                LockSupport.unpark(task.thread);
            }
        }

        @Override
        String describe() {
            return "the time-out of task '" + task.name() + "''s timed wait on "
                    + OutsideWaits.describeBlocker(blocker) + " at " + Nanos.format(deadline);
        }
    }

    /** The loop timer of {@code CompletableFuture.orTimeout} / {@code completeOnTimeout}. */
    static final class FutureTimeout extends Timer {
        private final CompletableFuture<?> future;
        private final Runnable action;

        FutureTimeout(CompletableFuture<?> future, Runnable action) {
            super(KIND_DEADLINE);
            this.future = future;
            this.action = action;
        }

        @Override
        void fire(Scheduler loop) {
            if (!future.isDone()) {
                // completes the future: dependents that are not async run here, as on the JDK's timer thread
                loop.runUserCodeOnDriver("the dependent actions that a CompletableFuture's time-out completes", action);
            }
        }

        /**
         * The run ended before the time-out was due (already disarmed): the virtual clock stopped, so
         * it would never fire, and the future, which escaped the run, would never complete; it fails
         * with an IllegalStateException naming the ended run, as a join() of it after the run shows.
         */
        void runEnded(Scheduler loop) {
            if (!future.isDone()) {
                IllegalStateException ended = new IllegalStateException("the time-out of this CompletableFuture"
                        + " (orTimeout or completeOnTimeout, due at virtual time " + Nanos.format(deadline) + ") was"
                        + " set up in a simulated run that ended before it (at " + loop.when() + "), and the virtual"
                        + " clock stopped with the run, so it would never fire: the future was completed with this"
                        + " exception when the run ended. Join the future, or complete it, inside the run that set up"
                        + " its time-out");
                loop.runUserCodeOnDriver("the dependent actions of a CompletableFuture whose time-out outlived its"
                        + " run", () -> future.completeExceptionally(ended));
            }
        }

        /**
         * The future completed: disarm the time-out when that happened on the loop (a task of it, or
         * its driver); a completion from any other thread leaves it armed (it then finds the future
         * done and does nothing), since only the loop's thread may touch its timers.
         */
        void completed(Scheduler loop) {
            TaskImpl<?> by = Current.orNull();
            if (isArmed() && ((by != null && by.loop == loop) || Thread.currentThread() == loop.driver)) {
                loop.disarm(this);
            }
        }

        @Override
        String describe() {
            return "the time-out of a CompletableFuture at " + Nanos.format(deadline);
        }
    }
}
