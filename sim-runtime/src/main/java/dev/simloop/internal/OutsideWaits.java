package dev.simloop.internal;

import dev.simloop.NondeterminismDetected;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import java.util.concurrent.locks.LockSupport;

/**
 * Tasks parked outside simloop: in a {@code synchronized} monitor, a java.util.concurrent
 * synchronizer, or anything else that parks a thread. Such a task is woken by whoever unparks its
 * thread: another task of the loop (fine: that happens in a step, so it replays), or a thread the
 * loop does not own (a wake-up whose timing no seed decides). This class classifies such waits at
 * the end of the step that made them, holds back wake-ups from outside, and reports the waits a
 * simulation cannot replay.
 *
 * <p>Driver thread only, except {@link #foreignWake}, which runs on the driver through the inbox.
 */
final class OutsideWaits {
    /** How long an idle simulation waits for tasks parked on locks that threads outside it may hold. */
    static final long SHARED_LOCK_GRACE_NANOS = 500_000_000L;

    private final Scheduler loop;
    /** Live tasks with {@link TaskImpl#waitsOnSharedLock} set: asked every time the loop goes idle. */
    private int sharedLockWaiters;

    OutsideWaits(Scheduler loop) {
        this.loop = loop;
    }

    /**
     * The task's step ended with it parked outside simloop (not done, not ready, not blocked in
     * simloop). In a simulation, decides what the wait is: a lock a thread outside may hold (its
     * wake-up is then held back to an idle moment), or a wait no run can replay (the run fails).
     */
    void parkedAtEndOfStep(TaskImpl<?> t) {
        Thread.State state = t.thread.getState();
        // BLOCKED: a monitor; an AQS blocker: a java.util.concurrent lock, latch or semaphore; not
        // waiting any more: a lock that another thread released right away. Any of them may be held
        // by a thread outside the simulation, whose wake-up is then held back to an idle moment.
        if (state == Thread.State.BLOCKED || state == Thread.State.RUNNABLE || (state == Thread.State.WAITING
                && LockSupport.getBlocker(t.thread) instanceof AbstractQueuedSynchronizer)) {
            setWaitsOnSharedLock(t, true);
        }
        if (state == Thread.State.WAITING && LockSupport.getBlocker(t.thread) == null && Frames.inObjectWait(t.thread)) {
            loop.abort(new NondeterminismDetected("task '" + t.name() + "' called Object.wait at step " + loop.steps()
                    + " (" + Frames.userFrame(t.thread) + "): the JVM resumes a virtual thread after notify from a "
                    + "thread of its own, at a moment a simulation cannot choose or replay. Use "
                    + "dev.simloop.sync.Condition or Event instead, or Loop.toThread for code that must wait on a "
                    + "monitor."));
        }
        if (state == Thread.State.TIMED_WAITING) {
            loop.abort(new NondeterminismDetected("task '" + t.name() + "' made a timed wait outside simloop at step "
                    + loop.steps() + " (" + Frames.userFrame(t.thread) + "): Thread.sleep, timed lock or Future waits use "
                    + "the real clock and are woken by a JDK thread the simulation does not own, so the run could not "
                    + "be replayed. Use Loop.sleep or the dev.simloop.sync primitives instead."));
        }
    }

    /** A task of the loop made {@code t} runnable: it no longer waits outside. */
    void wokenByTask(TaskImpl<?> t) {
        setWaitsOnSharedLock(t, false);
    }

    private void setWaitsOnSharedLock(TaskImpl<?> t, boolean on) {
        if (t.waitsOnSharedLock != on) {
            t.waitsOnSharedLock = on;
            sharedLockWaiters += on ? 1 : -1;
        }
    }

    /**
     * In a simulation, a thread the loop does not own made {@code t} runnable (on the driver,
     * through the inbox): hold the continuation back, and fail the run unless the task waits on a
     * lock such a thread may hold.
     */
    void foreignWake(TaskImpl<?> t, Runnable continuation, String who) {
        t.foreignContinuation = continuation;
        if (t.waitsOnSharedLock && !loop.isKilling()) {
            return; // resumed when the loop is idle: resumeWokenFromOutside
        }
        if (!loop.aborted() && !loop.isKilling()) {
            loop.abort(new NondeterminismDetected("task '" + t.name() + "' was woken by thread '" + who
                    + "', which the simulation does not own (step " + loop.steps() + "). Likely cause: blocking I/O, "
                    + "Thread.sleep, a timed wait or a foreign executor inside a simulated task; its timing "
                    + "cannot be replayed. Use Loop.sleep, Loop.toThread or dev.simloop.sync instead."));
        }
    }

    /**
     * The loop is idle, and some tasks are parked on monitors or java.util.concurrent synchronizers
     * that a thread outside the simulation may hold. Waits (real time, at most
     * {@link #SHARED_LOCK_GRACE_NANOS}) until each of them is woken, then makes the woken ones ready
     * in spawn order. Resuming only at idle moments, and all together, keeps the schedule independent
     * of when the outside thread let go. A task not woken in time waits for a task of this loop.
     * On a java.util.concurrent synchronizer that task wakes it directly, and a later wake-up from
     * outside fails the run as nondeterministic. On a monitor, the run fails now: a task of this
     * loop holds it across a wait, and the JVM hands monitors on between virtual threads from its
     * own thread, in an order that depends on its compiled code, which no run can replay.
     *
     * @return whether any task became ready
     */
    boolean resumeWokenFromOutside() {
        if (sharedLockWaiters == 0) {
            return false;
        }
        long deadline = System.nanoTime() + SHARED_LOCK_GRACE_NANOS;
        while (!loop.stopRequested() && !loop.aborted() && stillWaiting()) {
            if (!loop.awaitInbox(deadline)) {
                break;
            }
        }
        boolean resumed = false;
        for (TaskImpl<?> t = loop.liveHead(); t != null; t = t.liveNext) {
            if (t.waitsOnSharedLock) {
                setWaitsOnSharedLock(t, false);
                if (t.foreignContinuation == null && !loop.aborted() && !loop.stopRequested()
                        && t.thread.getState() == Thread.State.BLOCKED) {
                    loop.abort(monitorHeldAcrossAWait(t));
                } else if (t.foreignContinuation != null && !loop.aborted()) {
                    loop.makeReady(t, takeHeld(t));
                    resumed = true;
                }
            }
        }
        return resumed;
    }

    /** @return the held-back continuation of {@code t}, now taken */
    static Runnable takeHeld(TaskImpl<?> t) {
        Runnable c = t.foreignContinuation;
        t.foreignContinuation = null;
        return c;
    }

    private boolean stillWaiting() {
        for (TaskImpl<?> t = loop.liveHead(); t != null; t = t.liveNext) {
            if (t.waitsOnSharedLock && t.foreignContinuation == null) {
                return true;
            }
        }
        return false;
    }

    private NondeterminismDetected monitorHeldAcrossAWait(TaskImpl<?> t) {
        return new NondeterminismDetected("task '" + t.name() + "' waits to enter a monitor (synchronized, at "
                + Frames.userFrame(t.thread) + ") that no thread outside the simulation released within "
                + Scheduler.formatNanos(SHARED_LOCK_GRACE_NANOS) + " of real time (step " + loop.steps()
                + ", virtual time " + Scheduler.formatNanos(loop.now()) + "), so a task of this simulation holds it "
                + "across a wait (a checkpoint, sleep or simloop lock inside synchronized). The JVM hands a monitor on "
                + "between virtual threads from a thread of its own, in an order simloop cannot choose or replay. "
                + "Hold a dev.simloop.sync.Lock across waits instead of a monitor.");
    }

    /** @return how many live tasks are parked outside simloop (not ready, not blocked in simloop) */
    int countParked() {
        int n = 0;
        for (TaskImpl<?> t = loop.liveHead(); t != null; t = t.liveNext) {
            if (t.blockedOn == null && !t.inReady) {
                n++;
            }
        }
        return n;
    }

    /** One line of a deadlock report for a task parked outside simloop. */
    static String describe(TaskImpl<?> t) {
        if (t.thread.getState() == Thread.State.BLOCKED) {
            return "waits to enter a monitor (synchronized) at " + Frames.userFrame(t.thread);
        }
        Object blocker = LockSupport.getBlocker(t.thread);
        return "is parked outside simloop" + (blocker == null ? "" : " on " + blocker.getClass().getName())
                + " at " + Frames.userFrame(t.thread);
    }
}
