package dev.simloop.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The one way in for threads other than the loop's own (after trio's EntryQueue): a wake-up from a
 * JDK thread, an offloaded call's result, a signal handler's cancel. Other threads {@link #post}
 * actions; the driver runs them at a moment of its choosing ({@link #drain}), so the loop's state
 * is still touched by the driver's thread only.
 *
 * <p>Thread-safety: {@link #post}, {@link #wakeDriver} and {@link #isClosed} may be called from any
 * thread; every other method from the driver only.
 *
 * <p>When the run has ended, the driver {@link #close closes} the inbox: each action is then either
 * taken by that close (and handed back to the driver) or refused to its poster ({@code post}
 * returns false), never left in the queue, where no driver would run it.
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

    /**
     * Set by {@link #close} before it takes what is queued: a poster that reads it set after adding
     * takes its action back, unless the close took it first (a queue's remove and poll give an
     * element to one of them only).
     */
    private volatile boolean closed;

    /**
     * Queues {@code action} to run on the driver, and wakes the driver. Any thread.
     *
     * @return false when the run had ended: the action is not queued, and nobody will run it
     */
    boolean post(Runnable action) {
        actions.add(action);
        if (closed && actions.remove(action)) {
            return false;
        }
        pending = true;
        wakeDriver();
        return true;
    }

    /** @return whether the run has ended ({@link #close}): no driver runs what is posted now. Any thread. */
    boolean isClosed() {
        return closed;
    }

    /**
     * The run has ended: from now on {@link #post} refuses what it is given. Driver only.
     *
     * @return the actions posted and not run, which no driver will run now
     */
    List<Runnable> close() {
        closed = true;
        List<Runnable> left = new ArrayList<>();
        Runnable r;
        while ((r = actions.poll()) != null) {
            left.add(r);
        }
        return left;
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
