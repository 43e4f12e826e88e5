package dev.simloop.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The one way in for threads other than the loop's own (after trio's EntryQueue): a wake-up from a
 * JDK thread, an offloaded call's result, a signal handler's cancel. Other threads {@link #post}
 * actions; the driver runs them at a moment of its choosing ({@link #drain}), so the loop's state
 * is still touched by the driver's thread only.
 *
 * <p>Thread-safety: {@link #post} and {@link #wakeDriver} may be called from any thread; every
 * other method from the driver only.
 */
final class Inbox {
    private final ConcurrentLinkedQueue<Runnable> actions = new ConcurrentLinkedQueue<>();
    /** Set by {@link #post} after adding, cleared by {@link #drain} before taking: never misses an action. */
    private volatile boolean pending;
    /** The loop's driver thread, which {@link #post} unparks; null before the loop runs. */
    private volatile Thread driver;

    void setDriver(Thread driver) {
        this.driver = driver;
    }

    /** Queues {@code action} to run on the driver, and wakes the driver. Any thread. */
    void post(Runnable action) {
        actions.add(action);
        pending = true;
        wakeDriver();
    }

    /** Unparks the driver if it is waiting (a stop request). Any thread. */
    void wakeDriver() {
        Thread d = driver;
        if (d != null) {
            LockSupport.unpark(d);
        }
    }

    /** @return whether actions wait to be run (a volatile read: cheap enough for every step) */
    boolean isPending() {
        return pending;
    }

    /** Runs every queued action, in the order posted. The driver, or in real mode the task running on it (see {@code Scheduler.takeInFromOutside}). */
    void drain() {
        pending = false;
        Runnable r;
        while ((r = actions.poll()) != null) {
            r.run();
        }
    }

    /**
     * Parks the driver until an action arrives, {@code stop} turns true, or the wall clock reaches
     * {@code deadlineNanos} ({@link System#nanoTime()}; {@link Long#MAX_VALUE}: no deadline), then
     * runs what arrived.
     *
     * @return whether actions arrived (and ran)
     */
    boolean await(long deadlineNanos, java.util.function.BooleanSupplier stop) {
        while (!pending && !stop.getAsBoolean()) {
            if (deadlineNanos == Long.MAX_VALUE) {
                LockSupport.park(this);
            } else {
                long wait = deadlineNanos - System.nanoTime();
                if (wait <= 0) {
                    break;
                }
                LockSupport.parkNanos(this, wait);
            }
            Thread.interrupted(); // the driver is not interruptible; stop requests come as flags
        }
        if (pending) {
            drain();
            return true;
        }
        return false;
    }
}
