package dev.simloop.internal;

import dev.simloop.NondeterminismDetected;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;

/**
 * Tasks of a simulation parked outside simloop: in a {@code synchronized} monitor, a
 * java.util.concurrent lock, latch, queue or future, or anything else that parks a thread (the
 * OUTSIDE state of {@link TaskImpl}). Such a task is woken by whoever unparks its thread: a task
 * of the simulation (that happens inside a step, so it replays), or a thread the simulation does
 * not own (whose timing no seed decides). This class keeps those waits deterministic where it can
 * and fails the run where it cannot:
 *
 * <ul>
 *   <li><b>Timed waits and Object.wait</b> ({@code Thread.sleep}, timed locks and futures,
 *       {@code wait}) fail the run at the step that makes them: their wake-up always comes from a
 *       JDK thread. Except a timed wait on a future that the common pool's work completes within
 *       the time-out (next item): that goes on as an untimed one does.
 *   <li><b>Wake-ups from outside are held.</b> A thread the simulation does not own never makes a
 *       task ready directly: the wake-up is kept ({@link TaskImpl#foreignContinuation}) and let
 *       through when the loop is idle ({@link #onIdle}), in spawn order. One that ends a wait for an
 *       event ({@link #isEventWait}: a latch, a condition, a queue) is let through only when nothing
 *       else can happen then; with a timer pending, it fails the run, as a future's does.
 *   <li><b>Futures completed by the common pool.</b> A task that parks on a future (or anything
 *       that is not a lock) while {@link ForkJoinPool#commonPool()} — where
 *       {@code CompletableFuture}'s async methods run by default — still has work, waits for that
 *       work in place ({@link #waitInPlace}): its step goes on as if the result had been there
 *       when it asked, which is what happens when the pool is quicker. Either way, the run is the
 *       same. Other code's work on the pool (simloop cannot tell it from the run's) makes such waits
 *       long: the first to last a second is warned of ({@link #warnOfABusyPool}).
 *   <li><b>Monitors.</b> A task blocked on a monitor at an idle moment waits (real time, at most
 *       {@link #LOCK_GRACE_NANOS}) for a thread outside to release it; if none does, a task of the
 *       simulation holds it across a wait, which the JVM resolves from a thread of its own in an
 *       order no run can replay: the run fails, saying so.
 *   <li><b>Locks held outside.</b> A task that parks on a monitor, {@code ReentrantLock} or write
 *       lock that a thread outside holds ({@code System.out}'s, while another simulation prints)
 *       waits in place for it to let go ({@link #waitForAnOutsideHolder}, up to
 *       {@link #LOCK_GRACE_NANOS}): its step goes on as when the lock was free, so the run does not
 *       depend on whether the thread outside held the lock just then. A lock a task of the run holds
 *       is a block, since only that task can let go.
 *   <li><b>Alone.</b> A task that parks on a lock, latch, condition or queue, or on a future, when
 *       nothing else can happen (no task ready, no timer, no other wake-up held) waits in place for
 *       the outside ({@link #waitAloneInPlace}, up to {@link #LOCK_GRACE_NANOS} for a lock and
 *       {@code maxStepWallTime} for a future): its step goes on whether the thread outside acted
 *       before the park, during it or after it, so the run has the same steps and the same outcome
 *       either way (before, one step or two, or for a future a pass or a failure, by timing).
 *   <li><b>Stuck.</b> When nothing is ready and no timer is pending, only the outside can help: the
 *       loop waits for it (a lock: {@link #LOCK_GRACE_NANOS}, unless the task waited that long in
 *       place already; a future or anything else: {@code maxStepWallTime}), then fails: a {@code DeadlockDetected} when every such task
 *       waits on a lock (the tasks block each other), a {@code NondeterminismDetected} naming the
 *       task and what it waits on otherwise.
 * </ul>
 * What stays outside any seed's control is documented in docs/simulation.md: work handed to an
 * executor that existed before the simulation (other than the common pool), and locks that
 * threads outside hold for longer than the grace while tasks are ready.
 *
 * <p>Driver thread only (actions from other threads arrive through the inbox).
 */
final class OutsideWaits {
    /** How long an idle simulation waits for tasks parked on locks that threads outside it may hold. */
    static final long LOCK_GRACE_NANOS = 500_000_000L;
    /** How often a task waiting in place looks at the common pool again. */
    private static final long POOL_POLL_NANOS = 100_000L;
    /**
     * How long a task waits in place for a busy common pool before {@link #warnOfABusyPool} says why
     * its run has slowed: the pool's own work is done in microseconds to milliseconds; a second is
     * other code's (another test's parallel stream), which keeps every such wait of the run waiting.
     */
    static final long BUSY_POOL_WARNING_NANOS = 1_000_000_000L;
    /** Whether the JVM has logged {@link #warnOfABusyPool}'s warning: once is enough to say why, and a test of many schedules would repeat it at each. */
    static final java.util.concurrent.atomic.AtomicBoolean WARNED_OF_A_BUSY_POOL =
            new java.util.concurrent.atomic.AtomicBoolean();

    static final byte NONE = 0;
    /** Waits to enter a monitor. */
    static final byte MONITOR = 1;
    /** Waits on a java.util.concurrent lock, latch, semaphore, barrier or queue. */
    static final byte LOCK = 2;
    /** Waits on a future, a thread, or something else that parks. */
    static final byte OTHER = 3;

    private final Scheduler loop;
    /** Live tasks in the OUTSIDE state, and how many of them wait on monitors: asked at every idle moment. */
    private int parked;
    private int monitors;
    /**
     * Armed time-outs of timed JDK waits on a synchronizer that are an hour or more away (with the
     * agent, {@link VirtualTime.TimedPark}s): {@code ExecutorService.close()} waits a day at a time.
     */
    private int longWaitTimeouts;
    /**
     * What {@link #waitForAnOutsideHolder} waited for in vain, or null: the thread outside that held on
     * to a lock (the test's thread, say), or a monitor (whose holder the JDK does not tell); later
     * tasks that park on its lock, or on that monitor, block at once.
     */
    private Object heldOnThroughTheGrace;
    /** The task {@link #waitInPlace}, {@link #waitForAnOutsideHolder} or {@link #waitAloneInPlace} waits for, or null: its wake-up from outside continues its step. */
    private TaskImpl<?> waitingInPlace;
    /**
     * The step at whose end {@link #waitAloneInPlace} waited its whole grace in vain, or -1: the
     * stuck loop that follows, with no step since, does not wait for the outside again.
     */
    private long graceSpentAtStep = -1;
    /** Whether the grace spent at {@link #graceSpentAtStep} was a future's ({@code maxStepWallTime}), not a lock's. */
    private boolean graceSpentOnAFuture;
    /**
     * Live tasks holding a wake-up from outside ({@link TaskImpl#foreignContinuation}): scans of the
     * live tasks for them run only when there is one (a tear-down of a million tasks asks at every step).
     */
    private int held;

    OutsideWaits(Scheduler loop) {
        this.loop = loop;
        VirtualTime.connectOnce(); // with the simloop agent, timed JDK waits run on the virtual clock
    }

    /**
     * The task's step ended with it parked outside simloop (not done, not ready, not blocked in
     * simloop). Fails the run for waits no run can replay; otherwise records what it waits on.
     */
    void parkedAtEndOfStep(TaskImpl<?> t) {
        switch (VirtualThreads.parkKind(t)) {
            case TIMED -> {
                Object blocker = LockSupport.getBlocker(t.thread);
                if (isLockLike(blocker) && VirtualThreads.timeoutBeyondAnyRun(t.thread)) {
                    enter(t, LOCK); // ExecutorService.close(): awaitTermination(1 day) on a latch, in effect untimed
                } else if (isFutureLike(blocker)) {
                    enter(t, OTHER); // the common pool's work may end it: see timedFutureWaitGoesOn
                } else {
                    loop.abort(timedWait(t));
                }
            }
            case OBJECT_WAIT -> loop.abort(objectWait(t));
            case MONITOR -> enter(t, MONITOR);
            case PARKED, RUNNABLE -> {
                Object blocker = LockSupport.getBlocker(t.thread);
                // a StructuredTaskScope's owner waiting for its forks, which are tasks of the run (a fork
                // on a thread that is not a task fails the run where it starts): a wait on tasks, as a latch
                enter(t, isLockLike(blocker) || (blocker == null && scopeWait(Frames.stackOf(t)) != null) ? LOCK : OTHER);
            }
        }
    }

    /**
     * @param stack a task's stack, parked without a blocker
     * @return {@code "join()"} or {@code "close()"}: the {@code StructuredTaskScope} call in which the
     *     stack waits for the scope's forks to finish (parked in the JDK's {@code ThreadFlock.awaitAll}
     *     or {@code ThreadFlock.close}, which only the end of a fork, the scope's cancel or an interrupt
     *     ends); null for any other park
     */
    static String scopeWait(StackTraceElement[] stack) {
        for (int i = 0; i < stack.length; i++) {
            String c = stack[i].getClassName();
            if (c.equals("jdk.internal.misc.ThreadFlock")) {
                String m = stack[i].getMethodName();
                if (!m.equals("awaitAll") && !m.equals("close")) {
                    return null;
                }
                for (int j = i + 1; j < stack.length; j++) {
                    if (stack[j].getClassName().startsWith("java.util.concurrent.StructuredTaskScope")) {
                        return stack[j].getMethodName().equals("join") ? "join()" : "close()";
                    }
                }
                return null; // a flock of other JDK code
            }
            if (!c.startsWith("java.lang.") && !c.startsWith("jdk.internal.vm.") && !c.equals("jdk.internal.misc.Unsafe")
                    && !c.equals("java.util.concurrent.locks.LockSupport")) {
                return null; // parked somewhere else
            }
        }
        return null;
    }

    /**
     * Whether a timed JDK wait counts as untimed when nothing else can happen: one on a
     * synchronizer ({@link #isLockLike}) whose time-out is an hour or more away. Without the agent
     * such a wait parks untimed ({@link #parkedAtEndOfStep}); with it, its time-out is a loop
     * timer that fires in order among the others, but never alone moves the clock: a run in which
     * only such time-outs are left is a deadlock, not a loop that advances the clock a day at a
     * time forever ({@code ExecutorService.close()} on work that never ends). The same rule with
     * and without the agent.
     */
    static boolean untimedWhenStuck(Object blocker, long nanos) {
        return nanos >= VirtualThreads.UNTIMED_NANOS && isLockLike(blocker);
    }

    /** A time-out of a wait that is {@link #untimedWhenStuck} was armed (+1) or fired or was disarmed (-1). */
    void longWaitTimeout(int change) {
        longWaitTimeouts += change;
    }

    /** @return whether the {@code armed} timers are all time-outs of waits that are {@link #untimedWhenStuck} */
    boolean onlyLongWaitTimeoutsLeft(int armed) {
        return longWaitTimeouts > 0 && armed == longWaitTimeouts;
    }

    /**
     * {@code t} made a timed wait whose own time-out resubmitted it while it parked: the run fails as
     * {@link #parkedAtEndOfStep} fails any timed wait.
     */
    void timedWaitWokeItself(TaskImpl<?> t) {
        loop.abort(timedWait(t));
    }

    private void enter(TaskImpl<?> t, byte kind) {
        t.enterOutside(kind, loop.steps());
        parked++;
        if (kind == MONITOR) {
            monitors++;
        }
    }

    /**
     * The continuation of {@code t} has returned to the driver. In a simulation, its step goes on
     * when it was unparked from outside while it parked, or when it parked outside simloop and
     * {@link #waitInPlace} got its wake-up: as if the park had returned at once, which
     * is what happens when the outside is quicker, so the run is the same either way.
     *
     * @return whether to run {@code t} again within this step
     */
    boolean stepGoesOn(TaskImpl<?> t) {
        if (t.resumeInStep) {
            t.resumeInStep = false;
            if (!VirtualThreads.timeoutPending(t.thread) || endedByItsWork(t)) {
                return true;
            }
            // a timed park whose own time-out fired that early (a short sleep on a loaded machine): the
            // timed wait it was. Ready first (the tear-down unwinds it from there), then the failure.
            loop.makeReady(t, t.continuation);
            timedWaitWokeItself(t);
            return false;
        }
        if (!loop.simulated || loop.isKilling() || t.done || t.inReady || t.blockedOn != null) {
            return false;
        }
        parkedAtEndOfStep(t);
        if (t.outside() == OTHER && VirtualThreads.timeoutPending(t.thread)) {
            return timedFutureWaitGoesOn(t);
        }
        if (!loop.aborted() && (waitInPlace(t) || waitForAnOutsideHolder(t) || waitAloneInPlace(t))) {
            t.continuation = OutsideWaits.takeHeld(t);
            return true;
        }
        return false;
    }

    /**
     * {@code t} made a timed wait on a future ({@code get(timeout)}) without the agent, so on the real
     * clock. While the common pool has work, {@code t} waits for it in place, as an untimed wait does
     * ({@link #waitInPlace}): a future that work completes before the time-out gives its value in this
     * step, as it does when the pool is quicker than the {@code get} and nothing parks, so the run is
     * the same either way. A wait that nothing ends in place, or that its own time-out ended (the work
     * took longer than the time-out, in real time), fails the run, as any timed wait outside simloop does.
     *
     * @return whether to run {@code t} again within this step
     */
    private boolean timedFutureWaitGoesOn(TaskImpl<?> t) {
        boolean woken = waitInPlace(t);
        if (woken && !VirtualThreads.timeoutDue(t.thread)) {
            t.continuation = OutsideWaits.takeHeld(t);
            return true;
        }
        if (woken) {
            loop.makeReady(t, OutsideWaits.takeHeld(t)); // ready first: the tear-down unwinds it from there
        } else {
            leave(t);
        }
        loop.abort(timedWait(t));
        return false;
    }

    /**
     * @return whether {@code t}, unparked from outside while it made a timed wait on a future, was
     *     woken by whoever completed that future, not by its own time-out (see {@link #timedFutureWaitGoesOn})
     */
    private static boolean endedByItsWork(TaskImpl<?> t) {
        return isFutureLike(LockSupport.getBlocker(t.thread)) && !VirtualThreads.timeoutDue(t.thread);
    }

    /**
     * @return whether a timed park on {@code blocker} is a wait for a future's result
     *     ({@code CompletableFuture}, {@code FutureTask}, {@code ForkJoinTask} {@code get(timeout)}): not a
     *     sleep (no blocker), not a lock, latch, condition or queue
     */
    private static boolean isFutureLike(Object blocker) {
        return blocker != null && !(blocker instanceof Thread) && !isLockLike(blocker);
    }

    /** {@code t} leaves the OUTSIDE state (a task woke it, or its held wake-up was let through). */
    void leave(TaskImpl<?> t) {
        if (t.outside() == NONE) {
            return;
        }
        if (t.outside() == MONITOR) {
            monitors--;
        }
        parked--;
        t.leaveOutside();
    }

    /**
     * A thread the simulation does not own made {@code t} runnable (on the driver, through the
     * inbox). The wake-up is held: a lock's or monitor's is let through at the next idle moment
     * (a thread outside held it for a while), one that ends a wait in simloop waits for the wake it
     * came early for, and one the task waits for in place continues its step. A future's (or
     * anything else's) fails the run: work outside the simulation finished at a moment no seed
     * decides. So does a time-out of the common pool's delay scheduler, even one a task waits for in
     * place: it fired on the real clock, while the run's clock stood still.
     */
    void foreignWake(TaskImpl<?> t, Runnable continuation, String who, boolean startedByTheRun) {
        if (notAWakeUp(t)) {
            return;
        }
        t.foreignContinuation(continuation);
        t.foreignWaker(who);
        held++;
        if (t.outside() == OTHER && (t != waitingInPlace || isRealClockTimeout(who)) && !loop.isKilling()) {
            loop.abort(wokenFromOutside(t, who, startedByTheRun));
        }
    }

    /**
     * Work of this loop offloaded with {@code Loop.toThread} made {@code t} runnable (it completed a
     * future or counted a latch down that {@code t} waits on): the loop's own doing, while it waits for
     * that work with nothing else running, so {@code t} is ready at once, in the order the work woke them.
     */
    void offloadWake(TaskImpl<?> t, Runnable continuation) {
        if (notAWakeUp(t)) {
            return;
        }
        leave(t);
        loop.makeReady(t, continuation);
    }

    /**
     * @return whether a submission of {@code t} from outside the loop wakes nothing: a duplicate of one
     *     already in hand (see {@code TaskImpl.fromTheLoop}), or a stale one, which another submission
     *     of the same wake-up has run since (a monitor's release can reach the JDK's unblocker thread
     *     after the task, let through by another, got the monitor and went on to wait in simloop):
     *     taken, it would stand in for the task's real wake-up and run nothing, and the task be lost
     */
    private static boolean notAWakeUp(TaskImpl<?> t) {
        return t.inReady || t.done || t.foreignContinuation() != null || !VirtualThreads.waitingToRun(t.thread);
    }

    /** @return the held-back continuation of {@code t}, now taken */
    static Runnable takeHeld(TaskImpl<?> t) {
        Runnable c = t.foreignContinuation();
        if (c != null) {
            t.foreignContinuation(null);
            t.foreignWaker(null);
            t.loop.outside.held--;
        }
        return c;
    }

    /** @return whether any live task holds a wake-up from outside */
    boolean anyWakeHeld() {
        return held > 0;
    }

    /**
     * Right after {@code t} parked outside: when it waits on something that is not a lock while the
     * common pool still has work, waits for that work (real time, up to {@code maxStepWallTime}).
     *
     * @return whether {@code t} was woken meanwhile (it has left the OUTSIDE state; its step goes on
     *     with {@link #takeHeld})
     */
    boolean waitInPlace(TaskImpl<?> t) {
        if (t.outside() != OTHER) {
            return false;
        }
        long start = System.nanoTime();
        long deadline = start + loop.maxStepWallNanos();
        waitingInPlace = t;
        try {
            while (t.foreignContinuation() == null && !loop.stopRequested()) {
                boolean quiet = Drivers.commonPoolQuiet();
                loop.awaitInbox(quiet ? 0 : Math.min(deadline, System.nanoTime() + POOL_POLL_NANOS));
                long now = System.nanoTime();
                if (quiet || now >= deadline) {
                    break; // the pool has finished (what it did has arrived by now), or took too long
                }
                if (now - start >= BUSY_POOL_WARNING_NANOS && t.foreignContinuation() == null) {
                    warnOfABusyPool(t);
                }
            }
        } finally {
            waitingInPlace = null;
        }
        if (t.foreignContinuation() == null) {
            return false;
        }
        leave(t);
        return true;
    }

    /**
     * Once per JVM, when {@link #waitInPlace} has waited {@link #BUSY_POOL_WARNING_NANOS} for a busy
     * common pool: says that the run slows because of it, not that it hangs. simloop cannot tell
     * the pool's work that the run handed it from other code's, so while other code keeps the pool
     * busy, each wait of the run on a future lasts until the pool is quiet (up to maxStepWallTime).
     */
    private void warnOfABusyPool(TaskImpl<?> t) {
        if (WARNED_OF_A_BUSY_POOL.compareAndSet(false, true)) {
            String where = Frames.userFrame(t);
            Watchdog.warn(() -> t.quoted() + " of a simulation waits on a future (or another wait outside"
                    + " simloop) at " + where + ", and its step has waited " + Nanos.format(BUSY_POOL_WARNING_NANOS)
                    + " for the common pool (ForkJoinPool.commonPool()) to finish its work: work the run handed the"
                    + " pool (CompletableFuture.supplyAsync, say) may complete the future, and waiting for it keeps"
                    + " the run the same on every replay. simloop cannot tell the run's work from other code's, so"
                    + " while other code keeps the pool busy (another test's parallel stream or supplyAsync, in a"
                    + " parallel build), every such wait of a simulation lasts until the pool is quiet, up to"
                    + " maxStepWallTime (" + Nanos.format(loop.maxStepWallNanos()) + ") each: the run's outcome is"
                    + " the same, only slower. Keep such tests apart (JUnit's @Isolated, or a @ResourceLock they"
                    + " share), or give the run's async work Loop.executor() and complete futures in tasks. This"
                    + " is logged once per JVM.");
        }
    }

    /**
     * Right after {@code t} parked on a lock that a thread outside the simulation holds (a monitor, a
     * {@code ReentrantLock}, a write lock: {@code System.out}'s, while another simulation's task
     * prints, or a platform thread's), waits for that thread to let go (real
     * time, at most {@link #LOCK_GRACE_NANOS}), so that the step goes on as it does when the lock was
     * free. Whether a thread outside held the lock just then is not the seed's choice: taken as a
     * block, it gave the run a step of its own, and two runs of one seed differed (two simulations at
     * once that printed differed in about one run in six hundred). A lock a task of the run holds
     * is a block as before: only that task can let go, in a step of its own.
     *
     * @return whether {@code t} was woken meanwhile (it has left the OUTSIDE state; its step goes on
     *     with {@link #takeHeld})
     */
    private boolean waitForAnOutsideHolder(TaskImpl<?> t) {
        // Made runnable since it parked (a monitor let go of, an unpark), by a thread outside, whose
        // hand-over of the task is on its way: it is as if that came while the task parked.
        boolean wakeOnItsWay = VirtualThreads.unparkedWhileParking(t.thread);
        // Asked again after lockHeldOutside: the thread outside runs on while the driver looks, and may
        // let go, wake the task and end between lockHeldOutside's read of the lock's owner and its
        // isAlive(), which then takes it for a thread that ended holding the lock (one that nothing lets
        // go of). The step ended, and the other tasks ran first, when the driver was paused just there
        // (a busy machine: about one run in a thousand of a holder that ends as it lets go). isAlive()
        // false makes all that thread did before it ended visible here, its unpark of the task too
        // (JLS 17.4.4), so this second look sees the wake-up on its way.
        if (!wakeOnItsWay && !lockHeldOutside(t) && !VirtualThreads.unparkedWhileParking(t.thread)) {
            return false;
        }
        Thread holder = LockOwners.holderOfWhatBlocks(t.thread); // null: a monitor's, or let go just now
        long deadline = System.nanoTime() + LOCK_GRACE_NANOS;
        waitingInPlace = t;
        try {
            while (t.foreignContinuation() == null && !loop.stopRequested() && !loop.aborted()) {
                if (!loop.awaitInbox(deadline)) {
                    break;
                }
            }
        } finally {
            waitingInPlace = null;
        }
        if (t.foreignContinuation() == null) {
            // it holds on (the test's thread, say): later tasks that park on its lock block at once
            heldOnThroughTheGrace = t.outside() == MONITOR ? LockOwners.monitorToEnter(t.thread) : holder;
            return false;
        }
        leave(t);
        return true;
    }

    /**
     * @return whether {@code t} parked on a {@code ReentrantLock}, a write lock or a monitor that a
     *     thread outside the simulation holds, or let go of as {@code t} parked (no task of the run can
     *     have: none ran meanwhile). Not: a semaphore, latch, queue or read lock (no one holder to wait
     *     for); a lock a task of the run holds (only that task can let go, in a step of its own), the
     *     thread that waits for the run, a thread that ended (holding it, or having let go of it as this
     *     looked: {@link #waitForAnOutsideHolder} looks for the wake-up again), or one that held on
     *     through the grace before
     */
    private boolean lockHeldOutside(TaskImpl<?> t) {
        if (t.outside() == MONITOR) {
            return monitorHeldOutside(t);
        }
        Object blocker = LockSupport.getBlocker(t.thread);
        if (t.outside() != LOCK || blocker == null || !LockOwners.ownersReadable()) {
            return false;
        }
        String c = blocker.getClass().getName();
        boolean reentrant = c.startsWith("java.util.concurrent.locks.ReentrantLock$");
        if (!reentrant && !c.startsWith("java.util.concurrent.locks.ReentrantReadWriteLock$")) {
            return false;
        }
        Thread owner = LockOwners.holderOfWhatBlocks(t.thread);
        if (owner == null) {
            return reentrant; // a read-write lock without a writer: readers hold it, maybe tasks of the run
        }
        return owner != loop.caller() && owner != heldOnThroughTheGrace && owner.isAlive() && !isTaskOfThisRun(owner);
    }

    /**
     * @return whether {@code t} waits to enter a monitor that no task of the run holds, nor the thread
     *     that waits for the run (so a thread outside does, and lets go soon), or that was let go of as
     *     {@code t} blocked (no task of the run can have: none ran meanwhile); false when this JDK does
     *     not tell, or the monitor's holder did not let go within the grace before
     */
    private boolean monitorHeldOutside(TaskImpl<?> t) {
        if (!LockOwners.monitorsReadable()) {
            return false;
        }
        Object monitor = LockOwners.monitorToEnter(t.thread);
        if (monitor == null) {
            return true; // let in just now: its wake-up is on its way
        }
        if (monitor == heldOnThroughTheGrace || LockOwners.holdsMonitor(loop.caller(), monitor)) {
            return false;
        }
        for (TaskImpl<?> u = loop.liveHead(); u != null; u = u.liveNext) {
            if (u != t && LockOwners.holdsMonitor(u.thread, monitor)) {
                return false; // held across a checkpoint: it lets go in a step of its own
            }
        }
        return true;
    }

    private boolean isTaskOfThisRun(Thread thread) {
        for (TaskImpl<?> t = loop.liveHead(); t != null; t = t.liveNext) {
            if (t.thread == thread) {
                return true;
            }
        }
        return false;
    }

    /**
     * Right after {@code t} parked outside on a lock, latch, condition or queue (the LOCK kind), or
     * on a future or anything else (OTHER), when nothing else can happen
     * ({@code Scheduler.nothingElseToDo}, and no wake-up held): the loop would be stuck, and would
     * wait for the outside at its idle moment. It waits here instead, so that a thread outside that
     * ends the wait after the park continues the step, as one that acted before it (no park) or
     * during it ({@link TaskImpl#resumeInStep}) does. For a future, that is the difference between a
     * run that passes and one that fails: a wake-up from outside after the step ended fails the run
     * ({@link #foreignWake}), so a lone {@code process.onExit().join()} passed or failed by timing.
     *
     * @return whether {@code t} was woken meanwhile (it has left the OUTSIDE state; its step goes on
     *     with {@link #takeHeld})
     */
    private boolean waitAloneInPlace(TaskImpl<?> t) {
        boolean future = t.outside() == OTHER;
        if ((t.outside() != LOCK && !future) || held > 0 || monitors > 0 || !loop.nothingElseToDo()) {
            return false;
        }
        long deadline = System.nanoTime() + (future ? loop.maxStepWallNanos() : LOCK_GRACE_NANOS);
        waitingInPlace = t;
        try {
            // until a wake-up comes, or news from the inbox gives the loop something else to do
            while (held == 0 && loop.nothingElseToDo() && !loop.stopRequested() && !loop.aborted()) {
                if (!loop.awaitInbox(deadline)) {
                    break;
                }
            }
        } finally {
            waitingInPlace = null;
        }
        if (t.foreignContinuation() == null) {
            graceSpentAtStep = held == 0 && loop.nothingElseToDo() ? loop.steps() : -1;
            graceSpentOnAFuture = future;
            return false;
        }
        leave(t);
        return true;
    }

    /**
     * Nothing is ready. Lets held wake-ups through; waits for monitors' outside holders; and when
     * {@code stuck} (no timer either), waits for the outside world, then fails the run.
     *
     * @return whether a task became ready, or the run failed; false: the loop goes on (to the
     *     timers, or to a deadlock report)
     */
    boolean onIdle(boolean stuck) {
        if (parked == 0) {
            return false;
        }
        if (monitors > 0) {
            // Every task blocked on a monitor must have been let go by now: a monitor that a task of
            // this simulation holds across a wait is handed on by the JVM in an order no run can replay.
            awaitWakes(LOCK_GRACE_NANOS, true);
            TaskImpl<?> t = first(MONITOR);
            if (t != null && !loop.stopRequested()) {
                loop.abort(monitorHeldAcrossAWait(t));
                return true;
            }
        }
        boolean otherWork = !stuck || loop.allBlocked.anyWaiting();
        if (otherWork) {
            // the clock would move (or a task in Loop.waitAllTasksBlocked go on): a held wake-up that ends a
            // wait for an event, let through here, makes the run depend on whether it came before this moment
            TaskImpl<?> signalled = firstHeldEventWake();
            if (signalled != null && !loop.stopRequested()) {
                loop.abort(signalledFromOutside(signalled, stuck));
                return true;
            }
        }
        if (resumeHeld()) {
            return true;
        }
        if (otherWork) {
            // a task in Loop.waitAllTasksBlocked counts the others' waits outside as blocked: it runs
            // first, and may be what ends them (it completes the future they wait for, say)
            return false;
        }
        TaskImpl<?> other = first(OTHER);
        boolean graceSpent = graceSpentAtStep == loop.steps();
        if (other != null ? !(graceSpent && graceSpentOnAFuture) : !graceSpent) {
            awaitWakes(other != null ? loop.maxStepWallNanos() : LOCK_GRACE_NANOS, false);
        }
        if (resumeHeld()) {
            return true;
        }
        if (other != null && !loop.stopRequested()) {
            loop.abort(waitsForOutside(other));
            return true;
        }
        return false; // every one waits on a lock: a deadlock among the tasks
    }

    /**
     * @return the first live task (in spawn order) holding a wake-up from outside that ends a wait
     *     for an event ({@link #isEventWait}: a latch, a condition, a queue), or null
     */
    private TaskImpl<?> firstHeldEventWake() {
        if (held == 0) {
            return null;
        }
        for (TaskImpl<?> t = loop.liveHead(); t != null; t = t.liveNext) {
            if (t.outside() == LOCK && t.foreignContinuation() != null && isEventWait(LockSupport.getBlocker(t.thread))) {
                return t;
            }
        }
        return null;
    }

    /** Makes every OUTSIDE task with a held wake-up ready, in spawn order. @return whether any */
    private boolean resumeHeld() {
        if (held == 0) {
            return false;
        }
        boolean any = false;
        for (TaskImpl<?> t = loop.liveHead(); t != null; t = t.liveNext) {
            if (t.outside() != NONE && t.foreignContinuation() != null) {
                leave(t);
                loop.makeReady(t, takeHeld(t));
                any = true;
            }
        }
        return any;
    }

    /**
     * Waits (real time, at most {@code nanos}) until every monitor waiter has a held wake-up
     * ({@code monitors}), or until any OUTSIDE task has one.
     */
    private void awaitWakes(long nanos, boolean monitors) {
        long deadline = System.nanoTime() + nanos;
        while (!loop.stopRequested() && !loop.aborted() && (monitors ? first(MONITOR) != null : !anyHeld())) {
            if (!loop.awaitInbox(deadline)) {
                return;
            }
        }
    }

    private boolean anyHeld() {
        if (held == 0) {
            return false;
        }
        for (TaskImpl<?> t = loop.liveHead(); t != null; t = t.liveNext) {
            if (t.outside() != NONE && t.foreignContinuation() != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param anyCycle whether the deadlock report has a wait-for cycle (which explains it)
     * @return the closing note of a simulation's deadlock report in which a task waits in
     *     java.util.concurrent and no cycle explains it; null otherwise. Such a wait may belong to a
     *     thread outside as well (an async logger's worker drains the queue a task fills), so the
     *     report says what it cannot know, and what to do if that thread should have ended it.
     */
    String deadlockNote(boolean anyCycle) {
        if (anyCycle || !anyLockWaitAnOutsideThreadCouldEnd(true)) {
            return null;
        }
        Thread caller = loop.caller();
        TaskImpl<?> waiter = waiterForALockHeldBy(caller);
        if (waiter != null) {
            return "Task '" + waiter.name() + "' waits for a lock that the thread that waits for this run, '"
                    + caller.getName() + "', holds: that thread lets go of it only after the run, so the run cannot"
                    + " end. Release the lock before the run starts, or take it inside the run.";
        }
        // A pool's idle workers park on its queue's condition, which no task holds: they are the
        // forgotten shutdown they look like, not a thread outside that might have woken them. They
        // stay in the report (a deadlock of the other tasks is still one); only the advice changes.
        PoolWorkers.Found idle = PoolWorkers.among(loop.liveHead());
        if (idle != null) {
            String note = PoolWorkers.deadlockNote(idle);
            return anyLockWaitAnOutsideThreadCouldEnd(false) ? note + "\n" + outsideThreadNote() : note;
        }
        return outsideThreadNote();
    }

    /** @return the deadlock note on a wait in java.util.concurrent that a thread outside might have ended */
    private static String outsideThreadNote() {
        return "A task above is parked in java.util.concurrent on something no task of the run holds (a lock, a"
                + " queue's or condition's wait, a latch, a semaphore). A thread outside the simulation could also end"
                + " such a wait (an async logger's worker draining its queue, a cache's maintenance executor), and"
                + " none did within " + Nanos.format(LOCK_GRACE_NANOS) + " of real time. If one should have, the run"
                + " depends on that thread's timing, which no seed replays: keep such threads out of the simulated"
                + " code (simulation.md, \"Libraries with threads of their own\").";
    }

    /**
     * @param idleWorkersToo whether a pool's idle worker (waiting in {@code ThreadPoolExecutor.getTask},
     *     {@link PoolWorkers}) counts: its wait is for the run's own pool, which the deadlock note
     *     names apart
     * @return whether a task waits on a java.util.concurrent synchronizer that no task owns: one with
     *     no owner (a condition's wait, a latch, a semaphore, a read lock) or one a platform thread
     *     holds. A lock a task holds (a virtual thread's: this run's tasks, or a finished one's that
     *     leaked it) only that task can release.
     */
    private boolean anyLockWaitAnOutsideThreadCouldEnd(boolean idleWorkersToo) {
        for (TaskImpl<?> t = loop.liveHead(); t != null; t = t.liveNext) {
            if (t.outside() == LOCK && t.foreignContinuation() == null) {
                Thread owner = LockOwners.holderOfWhatBlocks(t.thread);
                StackTraceElement[] stack = Frames.stackOf(t);
                if ((owner == null || !owner.isVirtual()) && scopeWait(stack) == null // a scope's owner waits on its forks
                        && !LockOwners.upgradesItsOwnReadLock(t.thread) // it waits for itself
                        && (idleWorkersToo || PoolWorkers.executorOf(stack) == null)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** @return the first live task parked on a java.util.concurrent lock that {@code owner} holds, or null */
    private TaskImpl<?> waiterForALockHeldBy(Thread owner) {
        if (owner == null) {
            return null;
        }
        for (TaskImpl<?> t = loop.liveHead(); t != null; t = t.liveNext) {
            if (t.outside() == LOCK && t.foreignContinuation() == null && LockOwners.holderOfWhatBlocks(t.thread) == owner) {
                return t;
            }
        }
        return null;
    }

    private TaskImpl<?> first(byte kind) {
        for (TaskImpl<?> t = loop.liveHead(); t != null; t = t.liveNext) {
            if (t.outside() == kind && t.foreignContinuation() == null) {
                return t;
            }
        }
        return null;
    }

    /**
     * Whether a task parked on {@code blocker} waits for something to happen (a latch counted down, a
     * condition signalled, a queue filled or drained, a barrier or phaser tripped, an exchange), not
     * for a lock another holder lets go of: a thread outside that ends such a wait did something at a
     * moment of its own, as one that completes a future does ({@code Process.waitFor} is a condition
     * that the JDK's process reaper signals). Held until the loop is idle, the wake-up replays only
     * if nothing else could happen then ({@link #onIdle}).
     */
    static boolean isEventWait(Object blocker) {
        if (blocker == null) {
            return false;
        }
        String c = blocker.getClass().getName();
        return c.equals("java.util.concurrent.CountDownLatch$Sync")
                || c.equals("java.util.concurrent.locks.AbstractQueuedSynchronizer$ConditionObject")
                || c.equals("java.util.concurrent.locks.AbstractQueuedLongSynchronizer$ConditionObject")
                || c.startsWith("java.util.concurrent.SynchronousQueue") || c.startsWith("java.util.concurrent.LinkedTransferQueue")
                || c.startsWith("java.util.concurrent.Exchanger") || c.startsWith("java.util.concurrent.Phaser");
    }

    /**
     * A lock, latch, semaphore, barrier, queue: something tasks hold or fill for each other, which a
     * thread outside may also hold for a moment. Futures and everything else are not.
     */
    static boolean isLockLike(Object blocker) {
        if (blocker == null || blocker instanceof Future<?> || blocker instanceof Thread) {
            return false;
        }
        String c = blocker.getClass().getName();
        return c.startsWith("java.util.concurrent.") && !c.startsWith("java.util.concurrent.CompletableFuture")
                && !c.startsWith("java.util.concurrent.ForkJoin");
    }

    /** @return how many live tasks are parked outside simloop (real mode: not ready, not blocked in simloop) */
    int countParkedReal() {
        int n = 0;
        for (TaskImpl<?> t = loop.liveHead(); t != null; t = t.liveNext) {
            if (t.blockedOn == null && !t.inReady) {
                n++;
            }
        }
        return n;
    }

    // ---- messages

    private NondeterminismDetected timedWait(TaskImpl<?> t) {
        String made = t.quoted() + " made a timed wait outside simloop at step " + loop.steps() + " ("
                + Frames.userFrame(t) + "): " + (isFutureLike(LockSupport.getBlocker(t.thread)) ? "nothing the "
                + "simulation waits for in place (the common pool's work) completed the future it waits on within "
                + "its time-out; " : "");
        if (VirtualTime.agentPresent()) {
            return new NondeterminismDetected(made + "a wait on the real clock, which a thread the simulation does "
                    + "not own ends, so the run could not be replayed. " + agentAdvice(t));
        }
        return new NondeterminismDetected(made + "Thread.sleep, LockSupport.parkNanos, timed "
                + "lock, queue and Future waits use the real clock and are woken by a JDK thread the simulation does "
                + "not own, so the run could not be replayed. Use Loop.sleep, CancelScope.moveOnAfter / failAfter "
                + "for time-outs, and the dev.simloop.sync primitives instead. " + agentAdvice(t)
                + ThreadGuard.libraryNote(Frames.stackOf(t)));
    }

    /**
     * What a timed-wait failure of {@code t} says about the simloop agent, which puts these waits on
     * the virtual clock: how to add it when it is absent; when it is present, why this wait is beyond
     * it and what to do instead (a timed join of a thread that is not a task, {@code Object.wait}, a
     * sleep or park called through reflection, or anything else it does not cover; a method handle's
     * frames are hidden from stack traces, so that case gets the last, general text). A wait that is
     * beyond it gets no advice to add it when it is absent either: adding it would not help.
     */
    static String agentAdvice(TaskImpl<?> t) {
        StackTraceElement[] stack = Frames.stackOf(t);
        boolean present = VirtualTime.agentPresent();
        String beyond = beyondTheAgent(stack, present);
        if (beyond != null) {
            return (present ? "The simloop agent is present, but " : "The simloop agent would not help either: ")
                    + beyond;
        }
        if (present) {
            if (sleepOrParkCalledByReflection(stack)) {
                return "The simloop agent is present, but this call was made through reflection (Method.invoke), which"
                        + " it does not rewrite: it rewrites the calls written in a class's code (and method"
                        + " references). Call it directly, or use Loop.sleep (see docs/virtual-time.md).";
            }
            return "The simloop agent is present, but this wait is not one it puts on the virtual clock (see "
                    + "docs/virtual-time.md for what it rewrites; a call made through reflection (Method.invoke) or a "
                    + "MethodHandle is not rewritten either).";
        }
        return "Or keep the code as it is and run the test JVM with the simloop agent (artifact "
                + "dev.simloop:simloop-agent), which runs Thread.sleep, LockSupport.parkNanos, the timed "
                + "java.util.concurrent waits and System.nanoTime / currentTimeMillis / Instant.now on the virtual "
                + "clock inside simulated tasks: java -javaagent:path/to/simloop-agent-<version>.jar ..., or under "
                + "Maven the surefire plugin's <argLine>-javaagent:${settings.localRepository}/dev/simloop/"
                + "simloop-agent/<version>/simloop-agent-<version>.jar " + VirtualThreads.FLAG + "</argLine> with "
                + "the artifact as a test dependency" + SetupAdvice.ARG_LINE_PROPERTY + " (docs/virtual-time.md).";
    }

    /**
     * @return why the agent does not put this wait on the virtual clock, and what to do instead, for
     *     the waits it never covers; null for the others. A timed {@code Thread.join} that reaches
     *     here with the agent present is of a thread that is not a task (it rewrites a task's); without
     *     it, one is known to be so only when it waits in {@code Object.wait}, on a platform thread's
     *     monitor (a task's thread is virtual, and its join parks on a latch instead)
     */
    private static String beyondTheAgent(StackTraceElement[] stack, boolean agentPresent) {
        boolean objectWait = Frames.in(stack, "java.lang.Object", "wait");
        if (Frames.in(stack, "java.lang.Thread", "join") && (agentPresent || objectWait)) {
            return "this wait is Thread.join with a time-out of a thread that "
                    + "is not a task of the simulation (it waits on that thread's monitor, Object.wait, which the "
                    + "JVM resumes from a thread of its own). The agent puts the timed join of a task's thread on "
                    + "the virtual clock; joining a thread the simulation does not own is not supported. Run that "
                    + "work with Loop.toThread (and wait for its result), or as a task (Loop.threadFactory(), "
                    + "TaskGroup.spawn), and join that (see docs/virtual-time.md).";
        }
        if (objectWait) {
            return "this wait is not one it puts on the virtual clock (Object.wait "
                    + "with a time-out: the JVM resumes the waiter from a thread of its own; wait on a "
                    + "ReentrantLock's Condition or a dev.simloop.sync.Condition) (see docs/virtual-time.md for what "
                    + "it rewrites).";
        }
        return null;
    }

    /**
     * Whether the outermost {@code Thread.sleep} or {@code LockSupport.park*} frame of {@code stack}
     * (innermost first) was called by {@code Method.invoke} itself, through nothing but reflection's
     * own frames. A {@code Method.invoke} further out only means the caller was invoked reflectively,
     * as JUnit invokes every {@code @SimulatedLoop} test method, and says nothing about the wait.
     */
    private static boolean sleepOrParkCalledByReflection(StackTraceElement[] stack) {
        int outermost = -1;
        for (int i = 0; i < stack.length; i++) {
            String c = stack[i].getClassName();
            String m = stack[i].getMethodName();
            if ((c.equals("java.lang.Thread") && m.startsWith("sleep"))
                    || (c.equals("java.util.concurrent.locks.LockSupport") && m.startsWith("park"))) {
                outermost = i;
            }
        }
        if (outermost < 0) {
            return false;
        }
        for (int i = outermost + 1; i < stack.length; i++) {
            String c = stack[i].getClassName();
            if (c.equals("java.lang.reflect.Method")) {
                return stack[i].getMethodName().equals("invoke");
            }
            if (!c.startsWith("jdk.internal.reflect.") && !c.startsWith("java.lang.invoke.")) {
                return false;
            }
        }
        return false;
    }

    private NondeterminismDetected objectWait(TaskImpl<?> t) {
        StackTraceElement[] stack = Frames.stackOf(t);
        if (Frames.in(stack, "java.lang.Thread", "join")) {
            // a task's thread is virtual, and joining one does not wait on a monitor: this thread is not a task
            return new NondeterminismDetected(t.quoted() + " called Thread.join at step " + loop.steps()
                    + " (" + Frames.userFrame(stack) + ") on a thread that is not a task of the simulation: the join"
                    + " waits on that thread's monitor (Object.wait), which the JVM resumes from a thread of its own,"
                    + " at a moment a simulation cannot choose or replay. Run that thread's work with Loop.toThread"
                    + " (and wait for its result), or as a task (Loop.threadFactory(), TaskGroup.spawn), and join"
                    + " that.");
        }
        return new NondeterminismDetected(t.quoted() + " called Object.wait at step " + loop.steps()
                + " (" + Frames.userFrame(stack) + "): the JVM resumes a virtual thread after notify from a "
                + "thread of its own, at a moment a simulation cannot choose or replay. Use "
                + "dev.simloop.sync.Condition or Event instead, or Loop.toThread for code that must wait on a "
                + "monitor.");
    }

    private NondeterminismDetected monitorHeldAcrossAWait(TaskImpl<?> t) {
        String abandoned = RunawayTasks.stillRunning();
        // the first line is the run's own, the same in any JVM (shrinking compares it); what an earlier
        // run left behind in this JVM, which may hold the monitor instead, is said on a line of its own
        return new NondeterminismDetected(t.quoted() + " waits to enter a monitor (synchronized, at "
                + Frames.userFrame(t) + ") that no thread outside the simulation released within "
                + Nanos.format(LOCK_GRACE_NANOS) + " of real time (" + loop.when() + "), so a task of "
                + "this simulation holds it across a wait (a checkpoint, sleep or simloop lock inside synchronized)"
                + otherMonitorWaiters(t) + ", or a task that an earlier run in this JVM stopped without, when it ran"
                + " for maxStepWallTime without a checkpoint, holds it still. The JVM hands a monitor on between"
                + " virtual threads from a thread of its own, in an order simloop cannot choose or replay, and does"
                + " not say which thread holds it. Hold a dev.simloop.sync.Lock across waits instead of a monitor."
                + monitorsOfTheCaller()
                + (abandoned.isEmpty() ? "" : "\nIn this JVM, tasks that earlier runs stopped without are still"
                        + " running: " + abandoned + ", with what they held then, which a replay of this run does"
                        + " not meet."));
    }

    /**
     * @return for a message, on a line of its own (identity hashes differ by JVM): the monitors that
     *     the thread waiting for this run holds, which it lets go of only after the run; or nothing
     */
    private String monitorsOfTheCaller() {
        Thread caller = loop.caller();
        List<String> held = LockOwners.monitorsHeldBy(caller);
        if (held.isEmpty()) {
            return "";
        }
        return "\nThe thread that waits for this run, '" + caller.getName() + "', holds the monitor"
                + (held.size() == 1 ? " of " : "s of ") + String.join(", ", held) + ": if the task waits for"
                + (held.size() == 1 ? " it" : " one of them") + ", it waits for ever, since that thread lets go only"
                + " after the run. Leave the synchronized block before the run starts, or take the monitor inside it.";
    }

    /**
     * @return for a message: the other tasks that wait to enter a monitor too, when there are: then
     *     the wait may be a deadlock (monitors taken in opposite orders), which the JVM cannot show
     */
    private String otherMonitorWaiters(TaskImpl<?> t) {
        List<String> others = new ArrayList<>();
        for (TaskImpl<?> o = loop.liveHead(); o != null && others.size() < 5; o = o.liveNext) {
            if (o != t && o.outside() == MONITOR && o.foreignContinuation() == null) {
                others.add("'" + o.name() + "' (at " + Frames.userFrame(o) + ")");
            }
        }
        return others.isEmpty() ? "" : ", or it is a deadlock of monitors taken in opposite orders: task"
                + (others.size() == 1 ? " " : "s ") + String.join(", ", others) + " wait" + (others.size() == 1 ? "s" : "")
                + " to enter one too";
    }

    /** @return whether {@code who} woke a task is the common pool's delay scheduler, firing a CompletableFuture time-out on the real clock */
    private static boolean isRealClockTimeout(String who) {
        return who.contains("delayScheduler");
    }

    /** @return the start of a failure's message: {@code t}, what it waits on and where, and {@code who} woke it */
    private static String wokenBy(TaskImpl<?> t, String who) {
        return t.quoted() + ", waiting outside simloop since step " + t.outsideSince() + " on "
                + describeBlocker(LockSupport.getBlocker(t.thread)) + " at " + Frames.userFrame(t) + ", was woken by "
                + who + ", which the simulation does not own";
    }

    /**
     * @param startedByTheRun whether the thread that woke {@code t} was started after the run began, and is
     *     none that serves the whole JVM ({@link Threads#servesTheJvm}): the run's own code, a library it
     *     called, started it
     */
    private NondeterminismDetected wokenFromOutside(TaskImpl<?> t, String who, boolean startedByTheRun) {
        String woken = wokenBy(t, who);
        if (isRealClockTimeout(who)) {
            return new NondeterminismDetected(woken + ": a time-out of CompletableFuture.orTimeout, completeOnTimeout"
                    + " or delayedExecutor, which ran on the real clock. " + (VirtualTime.agentPresent()
                    ? "With the simloop agent, orTimeout and completeOnTimeout called in a simulated task run on the"
                    + " loop clock: this one was set up outside one (before the run, or on a thread the simulation"
                    + " does not own), or it is delayedExecutor's delay. Set the time-out up in the task, or wait with"
                    + " a time-out of simloop's: CancelScope.failAfter(d, () -> future.get()), or moveOnAfter. "
                    + ThreadGuard.DELAYED_EXECUTOR_FIX
                    : ThreadGuard.DELAY_FIX + " " + ThreadGuard.DELAYED_EXECUTOR_FIX));
        }
        if (startedByTheRun) {
            return new NondeterminismDetected(woken + ", and which was started after the run began. Likely cause: a"
                    + " library the task called that makes threads of its own (a client such as java.net.http.HttpClient,"
                    + " an executor made inside it): the simulation sees a thread that a task starts only when the thread"
                    + " inherits thread locals, and this one did not. When its work finishes, relative to the simulation's"
                    + " steps, depends on the JVM, so the run could not be replayed. Make such a client before the run"
                    + " and call it with Loop.toThread (Loop.toThread(() -> client.send(request, handler))), or give the"
                    + " library Loop.executor() or Loop.threadFactory() where it takes one.");
        }
        return new NondeterminismDetected(woken + ". "
                + "Likely cause: work on an executor or thread that existed before the simulation, or blocking "
                + "I/O; when it finishes, relative to the simulation's steps, depends on the JVM, so the run could "
                + "not be replayed. Run the work as tasks: pass Loop.executor() instead of the executor (or "
                + "ForkJoinPool.commonPool(), CompletableFuture's default), create threads and thread-per-task "
                + "executors with Loop.threadFactory(), or spawn tasks (TaskGroup.spawn); do blocking work with "
                + "Loop.toThread.");
    }

    /**
     * {@code t}'s wait for an event (a latch, a condition, a queue) was ended by a thread outside, and
     * the loop is idle with something else to do ({@code stuck} false: a timer pending; else a task in
     * {@code Loop.waitAllTasksBlocked}): whether {@code t} goes on now, or after the clock has moved,
     * depends on when that thread acted.
     */
    private NondeterminismDetected signalledFromOutside(TaskImpl<?> t, boolean stuck) {
        String who = t.foreignWaker();
        boolean reaper = who != null && who.startsWith("thread 'process reaper");
        return new NondeterminismDetected((who == null ? wokenBy(t, "a thread") : wokenBy(t, who))
                + (reaper ? " (the JDK's thread that sees a process end:"
                + " Process.waitFor waits on a condition it signals)" : "") + ", while the run had other work to do ("
                + (stuck ? "a task waiting in Loop.waitAllTasksBlocked" : "a timer pending") + "; " + loop.when() + "):"
                + " the task goes on now or after the clock moves, depending on when that thread acted, so the run"
                + " could not be replayed. " + (reaper ? "Wait for a process in Loop.toThread: Loop.toThread(() ->"
                + " process.waitFor()) runs the wait on a thread of the loop's own, and nothing else runs until it is"
                + " back." : "Count the latch down, signal the condition, fill or drain the queue from a task (or from"
                + " work the task waits for in Loop.toThread), or use dev.simloop.sync's Event, Channel or Condition;"
                + " a library's thread that does it (an async logger's worker) is a thread to keep out of simulated"
                + " code (simulation.md, \"Libraries with threads of their own\")."));
    }

    private NondeterminismDetected waitsForOutside(TaskImpl<?> t) {
        return new NondeterminismDetected(t.quoted() + " waits outside simloop on "
                + describeBlocker(LockSupport.getBlocker(t.thread)) + " at " + Frames.userFrame(t)
                + ", and nothing woke it: every task of the simulation is waiting, no timer is pending, and no "
                + "thread outside woke it within " + Nanos.format(loop.maxStepWallNanos())
                + " (maxStepWallTime; " + loop.when() + ")." + cancelLetBe(t) + othersOnFutures(t)
                + " It waits for work outside the simulation (an executor "
                + "or thread the simulation does not own) or for a task that is itself blocked, and either way "
                + "the run cannot go on deterministically. Run the work as tasks: pass Loop.executor() instead of "
                + "an executor the simulation does not own (Executors.newFixedThreadPool, ForkJoinPool.commonPool(), "
                + "CompletableFuture's default pool), create threads with Loop.threadFactory(), or spawn tasks "
                + "(TaskGroup.spawn); blocking work goes in Loop.toThread.");
    }

    /** The most other tasks waiting on futures that {@link #othersOnFutures} names. */
    private static final int OTHERS_NAMED = 5;

    /**
     * @return what {@link #waitsForOutside} says when other tasks wait on futures too: each of them
     *     (up to {@link #OTHERS_NAMED}), and that tasks which complete each other's futures wait in a
     *     cycle, a deadlock simloop cannot see through a future (it does not know who will complete
     *     one), where it reports one through its own waits at once; empty when {@code t} waits alone
     */
    private String othersOnFutures(TaskImpl<?> t) {
        if (!isFutureLike(LockSupport.getBlocker(t.thread))) {
            return "";
        }
        List<String> others = new ArrayList<>();
        int count = 0;
        for (TaskImpl<?> o = loop.liveHead(); o != null; o = o.liveNext) {
            if (o != t && o.outside() == OTHER && isFutureLike(LockSupport.getBlocker(o.thread))) {
                if (++count <= OTHERS_NAMED) {
                    others.add(o.quoted() + " at " + Frames.userFrame(o));
                }
            }
        }
        if (count == 0) {
            return "";
        }
        return " So " + (count == 1 ? "does " : "do ") + String.join(", ", others)
                + (count > OTHERS_NAMED ? " and " + (count - OTHERS_NAMED) + " more tasks" : "")
                + ". If these tasks complete the futures they wait on for each other, they wait in a cycle: a deadlock"
                + " that simloop cannot see through a future, since it cannot know who will complete one. Complete a"
                + " future before waiting on another, or wait with Task.join or a dev.simloop.sync primitive (Event,"
                + " Channel), whose waits simloop follows: it reports a cycle of them at once, as DeadlockDetected.";
    }

    /**
     * @return for a task whose wait a cancel interrupted and which waits on, deaf to it, what its
     *     author expected: the cancel to end the wait; and what would ({@code ""} otherwise)
     */
    private static String cancelLetBe(TaskImpl<?> t) {
        CancelScopeTree.Node by = t.interruptedForScope();
        if (by == null || by.isClosed()) {
            return "";
        }
        return " The task is inside a cancelled scope (" + CancelScopeTree.newCancelled(by).getMessage() + "), whose"
                + " interrupt this wait let be, as CompletableFuture.join() and Lock.lock() do: where a cancel must end"
                + " the wait, wait with get() or lockInterruptibly().";
    }

    /** What a task parked on {@code blocker} waits for, in words. */
    static String describeBlocker(Object blocker) {
        if (blocker == null) {
            return "something it parked for (LockSupport.park without a blocker)";
        }
        if (blocker instanceof CompletableFuture<?> || blocker.getClass().getName()
                .startsWith("java.util.concurrent.CompletableFuture")) {
            return "a java.util.concurrent.CompletableFuture (" + blocker.getClass().getName() + ")";
        }
        if (blocker instanceof ForkJoinTask<?>) {
            return "a java.util.concurrent.ForkJoinTask (" + blocker.getClass().getName() + ")";
        }
        if (blocker instanceof Future<?>) {
            return "a java.util.concurrent.Future (" + blocker.getClass().getName() + ")";
        }
        return blocker.getClass().getName();
    }

    /** At most this many parked stacks are read to tell an idle server ({@link #onlyNetworkIoOutside}). */
    static final int STACKS_READ = 1_000;

    /**
     * @param liveHead the first live task of a real loop that is idle
     * @return whether the tasks parked outside simloop all wait for network I/O (a socket's accept,
     *     connect, read or write, a selector), which the JDK's I/O poller ends when a peer acts: the
     *     loop is then idle as a server is, not stuck. A task parked on a {@code java.util.concurrent}
     *     synchronizer (it has a blocker), in a monitor, or elsewhere makes it false. Stacks are read
     *     only of tasks parked with no blocker, and of the first {@value #STACKS_READ} of them in spawn
     *     order (a server with ten thousand connections has as many readers; a stuck task spawned
     *     after a thousand of them is not seen)
     */
    static boolean onlyNetworkIoOutside(TaskImpl<?> liveHead) {
        int read = 0;
        for (TaskImpl<?> t = liveHead; t != null; t = t.liveNext) {
            if (!t.parkedOutside()) {
                continue; // blocked in simloop: the deadlock report's cycles speak for those
            }
            if (LockSupport.getBlocker(t.thread) != null || t.thread.getState() == Thread.State.BLOCKED) {
                return false;
            }
            if (read < STACKS_READ) {
                read++;
                if (!inNetworkIo(t.thread.getStackTrace())) {
                    return false;
                }
            }
        }
        return read > 0;
    }

    private static boolean inNetworkIo(StackTraceElement[] stack) {
        for (StackTraceElement e : stack) {
            if (e.getClassName().startsWith("sun.nio.ch.")) {
                return true;
            }
        }
        return false;
    }

    /**
     * One line of a deadlock report for a task parked outside simloop.
     *
     * @param holder the task that holds the lock {@code t} is parked on ({@link LockOwners}), or null
     */
    static String describe(TaskImpl<?> t, TaskImpl<?> holder) {
        if (t.thread.getState() == Thread.State.BLOCKED) {
            return "waits to enter a monitor (synchronized) at " + Frames.userFrame(t);
        }
        Object blocker = LockSupport.getBlocker(t.thread);
        StackTraceElement[] stack = Frames.stackOf(t);
        String on = "is parked outside simloop" + (blocker == null ? "" : " on " + blocker.getClass().getName());
        String scope = blocker == null ? scopeWait(stack) : null;
        if (scope != null) {
            return "waits in StructuredTaskScope." + scope + " for the scope's forks to finish (tasks started by its"
                    + " thread factory), at " + Frames.userFrame(stack);
        }
        String pool = holder == null ? PoolWorkers.executorOf(stack) : null;
        if (pool != null) {
            // its stack has no frame of the user's: say what it is, and show where it waits
            return on + " as a worker of a " + pool + " waiting for its next job (in ThreadPoolExecutor.getTask) at "
                    + PoolWorkers.getTaskFrame(stack);
        }
        return on + (holder != null ? ", held by task '" + holder.name() + "'," : heldOutside(t)) + " at "
                + Frames.userFrame(stack);
    }

    /**
     * @return {@code , held by thread 'x' ...,} when a platform thread holds the lock {@code t} is
     *     parked on (saying so when it is the thread that waits for this run), or a virtual thread
     *     that has ended (a task that finished holding it: no task of the report holds it, and only
     *     this line can say why nothing will release it), or nothing
     */
    private static String heldOutside(TaskImpl<?> t) {
        Thread owner = LockOwners.holderOfWhatBlocks(t.thread);
        if (owner == null && LockOwners.upgradesItsOwnReadLock(t.thread)) {
            return " for its write lock, held for reading by this task itself: a ReentrantReadWriteLock does not upgrade"
                    + " a read hold to the write lock, so the task waits for itself (release the read lock before taking"
                    + " the write lock, or take the write lock from the start),";
        }
        if (owner != null && owner.isVirtual() && !owner.isAlive()) {
            return ", held by thread '" + owner.getName() + "', which ended without releasing it (a task that finishes"
                    + " holding a java.util.concurrent lock leaves it held for ever: unlock it in a finally block),";
        }
        if (owner == null || owner.isVirtual()) {
            return ""; // a live virtual thread is a task of this run, named as the holder when it is another
        }
        return ", held by thread '" + owner.getName() + "'" + (owner == t.loop.caller()
                ? ", the thread that waits for this run," : " outside the run,");
    }
}
