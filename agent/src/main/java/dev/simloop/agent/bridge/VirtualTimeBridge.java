package dev.simloop.agent.bridge;

import java.lang.invoke.MethodHandle;
import java.lang.ref.WeakReference;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Where the call sites that the simloop agent rewrites land: {@code System.nanoTime()},
 * {@code System.currentTimeMillis()}, {@code Instant.now()}, {@code Clock.systemUTC()},
 * {@code systemDefaultZone()} and {@code system(zone)}, {@code Thread.sleep}, {@code LockSupport.parkNanos} and
 * {@code parkUntil}, in user classes and in the JDK's timed synchronizers, and the time-outs of
 * {@code CompletableFuture.orTimeout} and {@code StructuredTaskScope}. Not for use by
 * programs: the agent calls it, and the simloop runtime connects to it.
 *
 * <p>This class is on the boot class path (the agent appends it there), so that classes of
 * {@code java.base} can call it, and it knows nothing of simloop: the runtime, which may or may not
 * be present and lives in another class loader, {@link #connect connects} method handles of its own.
 * Every method asks the runtime first whether the calling thread is a task of a simulation; when
 * it is not (code outside simulated tasks, real-mode loops, other threads, or no runtime
 * connected), the method does exactly what the call it replaces does, on the real clock.
 */
public final class VirtualTimeBridge {
    /** What the runtime's clock hook returns on a thread that is not a task of a simulation. */
    public static final long NOT_SIMULATED = Long.MIN_VALUE;
    /**
     * What {@code System.nanoTime()} reads in a simulated task when the loop clock is at 0 (it
     * reads this plus the loop clock's nanos). Not 0, because JDK code takes a {@code nanoTime()}
     * of 0 for "not read yet" ({@code FutureTask}, {@code CompletableFuture}) and would wait a
     * nanosecond longer; any origin will do, since only differences of {@code nanoTime()} mean
     * anything.
     */
    public static final long NANO_TIME_ORIGIN = 1_000_000_000_000L;

    /**
     * The connected runtimes' hooks, oldest first; replaced whole by {@link #connect} (volatile: JDK
     * code on any thread reads it). A JVM may hold several copies of the runtime, each in a class
     * loader of its own (a test framework's isolated loaders), and each hook answers only for its
     * own copy's tasks, so every call asks them in turn: a second copy must not take the first's
     * tasks off the virtual clock. Held weakly: each runtime keeps its own strongly, so a copy whose
     * class loader is gone is skipped, and dropped at the next connect, not kept alive.
     */
    private static volatile List<WeakReference<Hooks>> runtimes = List.of();
    /** The wall-clock instant that loop-clock nanos 0 stands for: the same in every runtime copy. */
    private static volatile Instant epoch = Instant.EPOCH;

    /** One runtime's hooks (see {@link #connect}). */
    private record Hooks(MethodHandle clock, MethodHandle park, MethodHandle timeout) {
    }

    private VirtualTimeBridge() {
    }

    /**
     * Connects the simloop runtime (called by it, reflectively, once the agent is present).
     *
     * @param clockHook {@code ()long}: the loop clock's nanos when the calling thread is a task of
     *     a simulation, else {@link #NOT_SIMULATED}
     * @param parkHook {@code (Object blocker, long nanos)boolean}: parks the calling simulated task
     *     for at most {@code nanos} of virtual time (returns when unparked, interrupted, spuriously
     *     or at the deadline); false, without parking, when the caller is not a simulated task
     * @param timeoutHook {@code (Object future, long nanos, Runnable action)boolean}: runs
     *     {@code action} when the loop clock has advanced by {@code nanos}; false when the caller is
     *     not a simulated task
     * @param virtualEpoch the wall-clock instant that loop-clock nanos 0 stands for
     * @return the hooks as connected, which the runtime must keep (the bridge holds them weakly)
     */
    public static synchronized Object connect(MethodHandle clockHook, MethodHandle parkHook, MethodHandle timeoutHook,
            Instant virtualEpoch) {
        Hooks hooks = new Hooks(clockHook, parkHook, timeoutHook);
        List<WeakReference<Hooks>> now = new ArrayList<>();
        for (WeakReference<Hooks> r : runtimes) {
            if (r.get() != null) {
                now.add(r);
            }
        }
        now.add(new WeakReference<>(hooks));
        epoch = virtualEpoch;
        runtimes = List.copyOf(now);
        return hooks;
    }

    /** @return whether a runtime has connected (and its class loader is still there) */
    public static boolean connected() {
        for (WeakReference<Hooks> r : runtimes) {
            if (r.get() != null) {
                return true;
            }
        }
        return false;
    }

    /** @return the loop clock's nanos in a simulated task, else {@link #NOT_SIMULATED} */
    private static long virtualNanos() {
        List<WeakReference<Hooks>> rs = runtimes;
        for (int i = 0; i < rs.size(); i++) {
            Hooks h = rs.get(i).get();
            if (h != null) {
                long nanos;
                try {
                    nanos = (long) h.clock().invokeExact();
                } catch (Throwable e) {
                    throw rethrow(e);
                }
                if (nanos != NOT_SIMULATED) {
                    return nanos;
                }
            }
        }
        return NOT_SIMULATED;
    }

    // ---- clocks

    /**
     * Replaces {@link System#nanoTime()}.
     *
     * @return in a simulated task {@link #NANO_TIME_ORIGIN} plus the loop clock's nanos (so
     *     differences are virtual durations), else {@code System.nanoTime()}
     */
    public static long nanoTime() {
        long v = virtualNanos();
        return v != NOT_SIMULATED ? NANO_TIME_ORIGIN + v : System.nanoTime();
    }

    /**
     * Replaces {@link System#currentTimeMillis()}.
     *
     * @return the virtual instant's epoch millis in a simulated task, else the real ones
     */
    public static long currentTimeMillis() {
        long v = virtualNanos();
        return v != NOT_SIMULATED ? virtualInstant(v).toEpochMilli() : System.currentTimeMillis();
    }

    /**
     * Replaces {@link Instant#now()}.
     *
     * @return the virtual instant in a simulated task, else {@code Instant.now()}
     */
    public static Instant instantNow() {
        long v = virtualNanos();
        return v != NOT_SIMULATED ? virtualInstant(v) : Instant.now();
    }

    /**
     * Replaces {@link Clock#systemUTC()}.
     *
     * @return a UTC clock that reads the virtual clock when read in a simulated task and the
     *     system clock elsewhere
     */
    public static Clock systemUTC() {
        return TaskAwareClock.UTC;
    }

    /**
     * Replaces {@link java.time.InstantSource#system()}.
     *
     * @return the clock of {@link #systemUTC()}: an instant source too
     */
    public static java.time.InstantSource instantSourceSystem() {
        return TaskAwareClock.UTC;
    }

    /**
     * Replaces {@link Clock#systemDefaultZone()}.
     *
     * @return a clock in the default zone that reads the virtual clock when read in a simulated
     *     task and the system clock elsewhere
     */
    public static Clock systemDefaultZone() {
        return new TaskAwareClock(ZoneId.systemDefault());
    }

    /**
     * Replaces {@link Clock#system(ZoneId)}.
     *
     * @param zone the clock's zone
     * @return a clock in {@code zone} that reads the virtual clock when read in a simulated task
     *     and the system clock elsewhere
     */
    public static Clock system(ZoneId zone) {
        return new TaskAwareClock(java.util.Objects.requireNonNull(zone, "zone"));
    }

    private static Instant virtualInstant(long nanos) {
        return epoch.plusNanos(nanos);
    }

    // ---- parking

    /**
     * Replaces {@link LockSupport#parkNanos(long)}.
     *
     * @param nanos the maximum time to wait
     */
    public static void parkNanos(long nanos) {
        Object blocker = LockSupport.getBlocker(Thread.currentThread());
        if (!parkVirtuallyKeepingBlocker(blocker, nanos)) {
            LockSupport.parkNanos(nanos);
        }
    }

    /**
     * Parks as {@link #parkVirtually}, for the JDK's {@code parkNanos(long)} and {@code parkUntil(long)}, which
     * leave the thread's blocker as it is: JDK code sets it first ({@code LockSupport.setCurrentBlocker} in
     * {@code LinkedTransferQueue}, {@code SynchronousQueue}, {@code ForkJoinTask}) and keeps it across
     * several parks. The park is made with that blocker (so the runtime sees what the task waits on) and the
     * blocker is set again afterwards, where the park, which takes a blocker, cleared it.
     *
     * @return whether the caller is a simulated task (then it has parked on the virtual clock)
     */
    private static boolean parkVirtuallyKeepingBlocker(Object blocker, long nanos) {
        try {
            return parkVirtually(blocker, nanos);
        } finally {
            if (blocker != null) {
                LockSupport.setCurrentBlocker(blocker);
            }
        }
    }

    /**
     * Replaces {@link Thread#onSpinWait()} in {@code LinkedTransferQueue}, whose waits (and
     * {@code SynchronousQueue}'s) spin at two places. Before a wait parks, with its blocker not yet
     * set, it spins a few times, and only when the JVM sees more than one CPU: a hint that must not
     * move the loop clock, or a run (its virtual times, its replay line) would depend on the
     * machine's CPU count. A timed wait, its blocker set, spins through the last microsecond of its
     * time-out re-reading the clock: in a simulated task that clock is the loop's, which stands still
     * while the task runs, so that spin parks for one virtual nanosecond instead and the time-out ends
     * at its virtual time (the agent also sets that microsecond to 0 in a simulated task,
     * {@link #spinForTimeoutThreshold}, so such a wait parks for what is left instead). Elsewhere, the
     * JDK's spin hint.
     */
    public static void onSpinWait() {
        Object blocker = LockSupport.getBlocker(Thread.currentThread());
        if (blocker == null || !parkVirtually(blocker, 1)) {
            Thread.onSpinWait();
            return;
        }
        LockSupport.setCurrentBlocker(blocker); // the park cleared it, and the wait it spins in goes on
    }

    /**
     * Replaces the constant {@code SPIN_FOR_TIMEOUT_THRESHOLD} (1024 nanoseconds) in
     * {@code LinkedTransferQueue}'s waits (and {@code SynchronousQueue}'s, which are its): a timed wait
     * with less than that left spins on {@code Thread.onSpinWait()} re-reading the clock, and parks
     * otherwise. In a simulated task 0, so that it parks for exactly what is left, one timer of the loop,
     * where a spin ({@link #onSpinWait}) moves the loop clock one nanosecond, one step, at a time;
     * elsewhere the JDK's threshold.
     *
     * @return the threshold under which a timed wait of {@code LinkedTransferQueue} spins, nanoseconds
     */
    public static long spinForTimeoutThreshold() {
        return virtualNanos() != NOT_SIMULATED ? 0 : 1L << 10;
    }

    /**
     * Replaces {@link LockSupport#parkNanos(Object, long)}.
     *
     * @param blocker what the thread waits on
     * @param nanos the maximum time to wait
     */
    public static void parkNanos(Object blocker, long nanos) {
        if (!parkVirtually(blocker, nanos)) {
            LockSupport.parkNanos(blocker, nanos);
        }
    }

    /**
     * Replaces {@link LockSupport#parkUntil(long)}.
     *
     * @param deadline epoch millis
     */
    public static void parkUntil(long deadline) {
        Object blocker = LockSupport.getBlocker(Thread.currentThread());
        try {
            parkUntil(blocker, deadline);
        } finally {
            if (blocker != null) {
                LockSupport.setCurrentBlocker(blocker); // as the JDK's parkUntil(long), which leaves it as it is
            }
        }
    }

    /**
     * Replaces {@link LockSupport#parkUntil(Object, long)}.
     *
     * @param blocker what the thread waits on
     * @param deadline epoch millis
     */
    public static void parkUntil(Object blocker, long deadline) {
        long now = virtualNanos();
        if (now == NOT_SIMULATED) {
            LockSupport.parkUntil(blocker, deadline);
            return;
        }
        long epochMillis = epoch.toEpochMilli();
        // both non-negative: no overflow either way; a deadline before the virtual clock's 0 is long past
        long nanos = deadline > epochMillis ? saturatedNanos(deadline - epochMillis, TimeUnit.MILLISECONDS) - now : 0;
        if (nanos > 0) {
            parkVirtually(blocker, nanos);
        } else {
            // passed: as the JDK's parkUntil, return at once but take a permit that is there (a deadline
            // of 0 is past on the real clock too, so this does not wait)
            LockSupport.parkUntil(blocker, 0);
        }
    }

    /** @return whether the caller is a simulated task (then it has parked on the virtual clock) */
    private static boolean parkVirtually(Object blocker, long nanos) {
        List<WeakReference<Hooks>> rs = runtimes;
        for (int i = 0; i < rs.size(); i++) {
            Hooks h = rs.get(i).get();
            try {
                if (h != null && (boolean) h.park().invokeExact(blocker, nanos)) {
                    return true;
                }
            } catch (Throwable e) {
                throw rethrow(e);
            }
        }
        return false;
    }

    // ---- sleeping

    /**
     * Replaces {@link Thread#sleep(long)}.
     *
     * @param millis how long to sleep
     * @throws InterruptedException when the thread is interrupted (a simulated task: cancelled)
     */
    public static void sleep(long millis) throws InterruptedException {
        if (millis < 0 || virtualNanos() == NOT_SIMULATED) {
            Thread.sleep(millis);
        } else {
            sleepVirtually(saturatedNanos(millis, TimeUnit.MILLISECONDS));
        }
    }

    /**
     * Replaces {@link Thread#sleep(long, int)}.
     *
     * @param millis how long to sleep, milliseconds
     * @param nanos how long to sleep, additional nanoseconds
     * @throws InterruptedException when the thread is interrupted (a simulated task: cancelled)
     */
    public static void sleep(long millis, int nanos) throws InterruptedException {
        if (millis < 0 || nanos < 0 || nanos > 999_999 || virtualNanos() == NOT_SIMULATED) {
            Thread.sleep(millis, nanos);
        } else {
            long total = saturatedNanos(millis, TimeUnit.MILLISECONDS);
            sleepVirtually(total > Long.MAX_VALUE - nanos ? Long.MAX_VALUE : total + nanos);
        }
    }

    /**
     * Replaces {@link Thread#sleep(Duration)}.
     *
     * @param duration how long to sleep
     * @throws InterruptedException when the thread is interrupted (a simulated task: cancelled)
     */
    public static void sleep(Duration duration) throws InterruptedException {
        if (duration == null || virtualNanos() == NOT_SIMULATED) {
            Thread.sleep(duration);
        } else if (!duration.isNegative()) {
            sleepVirtually(TimeUnit.NANOSECONDS.convert(duration));
        }
    }

    /**
     * As {@code Thread.sleep} does in a virtual thread (a task's thread is one): a sleep of zero
     * yields; otherwise parks until the clock has moved by {@code nanos}, whatever wakes the thread
     * early; an interrupt ends it. Then the park permit is set, as the JDK sets it: the sleep parks,
     * and an {@code LockSupport.unpark} that came while it slept (which that park took) must still
     * end the thread's next park.
     */
    private static void sleepVirtually(long nanos) throws InterruptedException {
        if (nanos == 0) {
            Thread.sleep(0); // a yield, as for any virtual thread: no time-out is involved
            return;
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        long start = virtualNanos();
        long remaining = nanos;
        try {
            while (remaining > 0) {
                parkVirtually(null, remaining);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                remaining = nanos - (virtualNanos() - start);
            }
        } finally {
            // its park cannot tell an unpark of the program's from its timer's: set, as the JDK sets it after any sleep
            LockSupport.unpark(Thread.currentThread());
        }
    }

    // ---- CompletableFuture.orTimeout and completeOnTimeout

    /**
     * Called first in {@code CompletableFuture.arrangeTimeout}: in a simulated task, arranges the
     * time-out on the loop clock.
     *
     * @param future the future the time-out is for
     * @param nanos the time-out
     * @param action what to run when it expires (completes the future unless done)
     * @return true when arranged here (the JDK's own arrangement is skipped)
     */
    public static boolean arrangeTimeout(Object future, long nanos, Runnable action) {
        List<WeakReference<Hooks>> rs = runtimes;
        for (int i = 0; i < rs.size(); i++) {
            Hooks h = rs.get(i).get();
            try {
                if (h != null && (boolean) h.timeout().invokeExact(future, nanos, action)) {
                    return true;
                }
            } catch (Throwable e) {
                throw rethrow(e);
            }
        }
        return false;
    }

    // ---- StructuredTaskScope's time-out

    /**
     * Replaces {@code ForkJoinPool.schedule(Runnable, long, TimeUnit)} where
     * {@code StructuredTaskScope} arms its time-out ({@code StructuredTaskScopeImpl.scheduleTimeout}):
     * in a simulated task, the action runs on the loop clock (a loop timer, fired by the loop's
     * driver at the virtual deadline) instead of on the pool's delay-scheduler thread.
     *
     * @param pool the pool the JDK schedules on (the common pool)
     * @param action what to run at the deadline (cancels the scope)
     * @param delay the time-out
     * @param unit its unit
     * @return the scheduled action: cancelling it before the deadline means it never runs
     */
    public static ScheduledFuture<?> schedule(ForkJoinPool pool, Runnable action, long delay, TimeUnit unit) {
        if (virtualNanos() != NOT_SIMULATED && action != null && unit != null) {
            long nanos = Math.max(0, saturatedNanos(delay, unit));
            LoopScheduledAction scheduled = new LoopScheduledAction(action, nanoTime(), nanos);
            if (arrangeTimeout(scheduled, nanos, scheduled::fire)) {
                return scheduled;
            }
        }
        return pool.schedule(action, delay, unit);
    }

    /**
     * An action scheduled on the loop clock, as {@code ForkJoinPool.schedule} returns it. It is a
     * {@code CompletableFuture} so that the runtime's future time-out (which disarms its timer when
     * the future completes on the loop: here, when the scope's owner cancels it) serves as its timer.
     */
    static final class LoopScheduledAction extends CompletableFuture<Void> implements ScheduledFuture<Void> {
        private final Runnable action;
        private final long deadline; // in the bridge's nanoTime() of the task that scheduled it

        LoopScheduledAction(Runnable action, long now, long nanos) {
            this.action = action;
            this.deadline = nanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos;
        }

        /** Run by the loop timer at the deadline, unless cancelled (then this future is done). */
        void fire() {
            try {
                action.run();
                complete(null);
            } catch (Throwable e) {
                completeExceptionally(e);
            }
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(deadline - nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return other == this ? 0 : Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }
    }

    // ----

    private static long saturatedNanos(long amount, TimeUnit unit) {
        return unit.toNanos(amount); // TimeUnit saturates at Long.MIN_VALUE / MAX_VALUE
    }

    private static RuntimeException rethrow(Throwable e) {
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        throw new IllegalStateException("simloop's virtual-time hook failed", e);
    }

    /**
     * What {@code Clock.systemUTC()} and {@code systemDefaultZone()} return under the agent: the
     * virtual clock when read in a simulated task, the system clock elsewhere, at every read (a
     * clock kept in a field reads whichever the reader is).
     */
    static final class TaskAwareClock extends Clock implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        static final TaskAwareClock UTC = new TaskAwareClock(ZoneOffset.UTC);
        private final ZoneId zone;

        /**
         * Serialized as the JDK's system clock of its zone, which the JDK's clock and instant source
         * are (this bridge is not rewritten): read back, in a JVM with the agent or without, it is
         * the clock a program without the agent would have had.
         *
         * @return the JDK's system clock in this clock's zone
         */
        @java.io.Serial
        private Object writeReplace() {
            return Clock.system(zone);
        }

        TaskAwareClock(ZoneId zone) {
            this.zone = zone;
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId z) {
            return z.equals(zone) ? this : new TaskAwareClock(z);
        }

        @Override
        public long millis() {
            return currentTimeMillis();
        }

        @Override
        public Instant instant() {
            return instantNow();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof TaskAwareClock c && c.zone.equals(zone);
        }

        @Override
        public int hashCode() {
            return zone.hashCode() + 17;
        }

        @Override
        public String toString() {
            return "TaskAwareClock[" + zone + "]";
        }
    }
}
