package dev.simloop.internal;

import dev.simloop.CancelReason;
import dev.simloop.Cancelled;
import dev.simloop.DeadlockDetected;
import dev.simloop.LeakDetected;
import dev.simloop.LimitExceeded;
import dev.simloop.NondeterminismDetected;
import dev.simloop.ThrowingSupplier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The run loop. One instance per {@code Loop.run} or simulated run; it owns every piece of
 * scheduling state: the ready queue, the timers, the clock, the strategy, the live tasks, the
 * recorded choices and the trace digest. Everything else in the runtime asks it.
 *
 * <p>Threading: the loop has one driver thread. Tasks are virtual threads whose scheduler is their
 * own {@link TaskImpl} (an {@link java.util.concurrent.Executor}) which hands the continuation to
 * {@link #submitted}; the driver mounts one continuation at a time, so every field below except the
 * inbox is touched only from the driver's OS thread (by the driver itself or by the task mounted on
 * it) and needs no synchronization.
 */
public final class Scheduler {
    // ---- configuration: fixed for the run
    final boolean simulated;
    final LoopClock clock;
    private final Strategies.Picker picker;
    /** Whether {@link #picker} wants to hear of every object a step operates on (POS). */
    private final boolean tracksObjects;
    private final long maxSteps;
    private final long maxVirtualNanos;
    final long seed;

    // ---- driver-thread state
    Thread driver;
    private final ReadyQueue ready = new ReadyQueue();
    private final TimerHeap timers = new TimerHeap();
    /** Scratch for {@link #fireTiedTimers}: the timers due at one instant, in heap order. Empty between uses. */
    private Timer[] tiedTimers = new Timer[8];
    /** The task whose continuation is mounted right now, or null between steps. */
    private TaskImpl<?> running;
    private int nextTaskId;
    /** Unfinished tasks in spawn order; deadlock reports and the final clean-up walk it. */
    private TaskImpl<?> liveHead;
    private TaskImpl<?> liveTail;
    private int liveCount;
    TaskImpl<?> rootTask;
    GroupImpl rootGroup;
    private long steps;
    /** Steps of the run itself, without those that unwind an aborted run's tasks. */
    private long stepsTaken;
    /** FNV-1a style running hash of every scheduling decision and clock jump. */
    private long digest = 0xcbf29ce484222325L;
    /** Every choice made among more than one ready task, in order. */
    private final ChoiceLog choices = new ChoiceLog();
    /** Set once when the run must stop abnormally (deadlock, limit, nondeterminism). */
    private Throwable abortFailure;
    /** True while unwinding the tasks of an aborted run: every runtime call then throws. */
    private boolean killing;
    /** Offloaded calls ({@code Loop.toThread}) whose completion has not come back yet. */
    private int offloadsInFlight;
    private final SplittableRandom userRandom;
    /** The run's events when tracing is on; null (the default) costs one check per hook. */
    private Trace trace;
    /** The determinism self-check recording or comparing every step; null (the default) when off. */
    private DeterminismCheck determinismCheck;
    /** Live tasks with {@link TaskImpl#waitsOnSharedLock} set. */
    private int sharedLockWaiters;
    /** How many tasks the last pick chose among (for the determinism check's reports). */
    private int lastReadyCount;
    /** The optional priority policy (issue 3); null: plain strategy order. */
    private PriorityScheduling priorityPolicy;
    /** Whether a run that ends with resources still held fails with {@link LeakDetected}. */
    private boolean checkLeaks;
    /** One line per resource a task finished holding, when checking; null while none (the usual case). */
    private List<String> leaks;
    /** The task names of each cycle of the last deadlock report, in order. */
    private List<List<String>> deadlockCycles;

    // ---- cross-thread state: the only fields other threads touch
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private volatile boolean inboxPending;
    private volatile boolean stopRequested;

    private Scheduler(boolean simulated, Strategies.Picker picker, long seed, long maxSteps, long maxVirtualNanos) {
        this.simulated = simulated;
        this.clock = simulated ? new LoopClock.Virtual() : new LoopClock.Wall();
        this.picker = picker;
        this.tracksObjects = picker.tracksObjects();
        this.seed = seed;
        this.maxSteps = maxSteps;
        this.maxVirtualNanos = maxVirtualNanos;
        this.userRandom = new SplittableRandom(seed ^ 0x5DEECE66DL);
    }

    /** A real-mode loop: wall clock, FIFO order, no limits. */
    public static Scheduler real() {
        requireOutsideLoop("Loop.run");
        VirtualThreads.check();
        return new Scheduler(false, Strategies.fifo(), System.nanoTime(), Long.MAX_VALUE, Long.MAX_VALUE);
    }

    /** A simulated loop: virtual clock, choices made by {@code picker} and recorded. */
    public static Scheduler simulated(Strategies.Picker picker, long seed, long maxSteps, Duration maxVirtualTime) {
        requireOutsideLoop("Simulation.run");
        VirtualThreads.check();
        long maxNanos = saturatedNanos(maxVirtualTime);
        return new Scheduler(true, picker, seed, maxSteps, maxNanos);
    }

    /**
     * A loop cannot be started from a task of another loop: the task would block its own loop's
     * driver while waiting (and, in a simulation, be woken by a foreign thread).
     */
    private static void requireOutsideLoop(String call) {
        TaskImpl<?> t = currentOrNull();
        if (t != null) {
            throw new IllegalStateException(call + " cannot be called from inside simloop task '" + t.name()
                    + "': a loop cannot run inside another loop's task. Use a TaskGroup to run concurrent work "
                    + "in the current loop.");
        }
    }

    /** Records the run's events into a {@link Trace}. Call before {@link #run}. */
    public void enableTrace() {
        trace = new Trace();
    }

    /**
     * Records every step into {@code check}, or compares every step with it. Call before {@link #run}.
     *
     * @param check the first run's recording, or the comparison of a second run
     */
    public void checkDeterminism(DeterminismCheck check) {
        this.determinismCheck = check;
    }

    /** @return the run's trace, or null when tracing was off */
    public Trace trace() {
        return trace;
    }

    /** @return the task whose step is running, or null between steps */
    TaskImpl<?> runningTask() {
        return running;
    }

    /** @return whether the run is traced (callers then build the detail text; otherwise they must not) */
    boolean tracing() {
        return trace != null;
    }

    void traceEvent(TaskImpl<?> t, Trace.Kind kind, String detail) {
        if (trace != null) {
            trace.add(clock.now(), steps, t, kind, detail);
        }
    }

    /**
     * Turns on the priority policy for this run (issue 3). Call before {@link #run}.
     *
     * @param policy the policy, or null for none
     */
    public void setPriorityPolicy(PriorityScheduling policy) {
        this.priorityPolicy = policy;
    }

    /**
     * Turns the leak check on for this run: a run that otherwise succeeds fails with
     * {@link LeakDetected} when a task finished while still holding a lock, and a failed run gets
     * the leak as a suppressed exception. Call before {@link #run}.
     *
     * @param on whether to check
     */
    public void setCheckLeaks(boolean on) {
        this.checkLeaks = on;
    }

    /**
     * Records that {@code holder} finished while still holding {@code r} (which is now breaking).
     * Rare, so it may build the message now; nothing is recorded when the check is off.
     */
    void resourceLeaked(HeldResource r, TaskImpl<?> holder) {
        if (!checkLeaks) {
            return;
        }
        if (leaks == null) {
            leaks = new ArrayList<>(2);
        }
        leaks.add(r.resourceName() + " was still held by task '" + holder.name() + "' when it finished (step "
                + steps + ", virtual time " + formatNanos(clock.now()) + ")");
    }

    static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    // =====================================================================================
    // Finding the current task
    // =====================================================================================

    /**
     * The task running on this thread.
     *
     * @param call the API call being made, for the error message
     * @throws IllegalStateException when called from a thread that is not a loop task
     */
    public static TaskImpl<?> current(String call) {
        TaskImpl<?> t = TaskImpl.CURRENT.get();
        if (t == null || t.done) {
            throw new IllegalStateException(call + " must be called from a simloop task, but thread '"
                    + Thread.currentThread().getName() + "' is not one. Run the code inside Loop.run(...) "
                    + "or Simulation.run(...), or in a task they spawn.");
        }
        if (t.loop.killing) {
            throw new TaskAbandoned("the run of this task has already ended");
        }
        return t;
    }

    /**
     * As {@link #current(String)}, first trying {@code hint}, the loop a primitive was last used in:
     * when the task running there is the caller, no thread-local lookup is needed. Hot primitives
     * (locks) keep such a hint.
     *
     * @param call the API call being made, for the error message
     * @param hint a loop the caller probably runs in, or null
     * @return the calling task
     */
    public static TaskImpl<?> current(String call, Scheduler hint) {
        if (hint != null) {
            TaskImpl<?> r = hint.running;
            if (r != null && r.thread == Thread.currentThread() && !r.done && !hint.killing) {
                return r; // the mounted task of that loop is this thread: it is the caller, and alive
            }
        }
        return current(call);
    }

    /** @return the task running on this thread, or null outside a loop */
    public static TaskImpl<?> currentOrNull() {
        TaskImpl<?> t = TaskImpl.CURRENT.get();
        return t == null || t.done ? null : t;
    }

    // =====================================================================================
    // Running
    // =====================================================================================

    /**
     * Runs {@code rootBody} as the root task on the calling thread, which becomes the driver,
     * until the root task and everything it spawned have finished or the run is aborted.
     */
    public RunOutcome run(ThrowingSupplier<?> rootBody) {
        if (driver != null) {
            throw new IllegalStateException("a loop runs once");
        }
        if (currentOrNull() != null) {
            throw new IllegalStateException("cannot start a loop from inside a simloop task: "
                    + "use a TaskGroup to run concurrent work in the current loop");
        }
        driver = Thread.currentThread();
        if (!simulated) {
            Signals.register(this);
        }
        try {
            rootTask = spawnTask(null, "main", rootBody, null, null);
            drive();
            stepsTaken = steps; // unwinding an aborted run takes steps too, but they are not the run's
            if (abortFailure instanceof DeadlockDetected d && deadlockCycles != null) {
                // the report was built with the message; give the exception its cycles too
                abortFailure = new DeadlockDetected(d.getMessage(), deadlockCycles);
            }
            if (abortFailure != null) {
                killAll();
            }
        } finally {
            if (!simulated) {
                Signals.unregister(this);
            }
        }
        if (abortFailure == null) {
            try {
                picker.runEnded(choices.size());
            } catch (NondeterminismDetected e) {
                abortFailure = new NondeterminismDetected("replay diverged at the end of the run (step " + stepsTaken
                        + ", virtual time " + formatNanos(clock.now()) + "): " + e.getMessage());
            }
        }
        Throwable failure = abortFailure != null ? abortFailure : rootTask.failure;
        if (determinismCheck != null) {
            String divergence = determinismCheck.runEnded(stepsTaken, digest, failure);
            if (divergence != null) {
                NondeterminismDetected d = new NondeterminismDetected(divergence);
                if (failure != null && !(failure instanceof NondeterminismDetected)) {
                    d.addSuppressed(failure);
                }
                failure = d;
            }
        }
        mix(failure == null ? 0 : failure.getClass().getName().hashCode());
        if (checkLeaks) {
            failure = withLeaks(failure);
        }
        return new RunOutcome(rootTask.value, failure, stepsTaken, clock.now(), choices.toArray(), digest, trace);
    }

    /**
     * The leak check at the end of a run: the resources tasks finished holding, and (when the run
     * ended normally) tasks still alive, which should never happen. A run that otherwise succeeded
     * fails with the {@link LeakDetected}; a failed run keeps its failure and gets it suppressed.
     */
    private Throwable withLeaks(Throwable failure) {
        if (leaks == null && (liveHead == null || abortFailure != null)) {
            return failure; // the common case, without allocating
        }
        List<String> found = leaks == null ? new ArrayList<>() : new ArrayList<>(leaks);
        if (abortFailure == null) {
            for (TaskImpl<?> t = liveHead; t != null; t = t.liveNext) {
                found.add("task '" + t.name() + "' was still alive when the run ended (step " + steps
                        + ", virtual time " + formatNanos(clock.now()) + ")");
            }
        }
        if (found.isEmpty()) {
            return failure;
        }
        LeakDetected leak = new LeakDetected(found);
        if (failure == null) {
            return leak;
        }
        failure.addSuppressed(leak);
        return failure;
    }

    /** What a finished run produced. */
    public record RunOutcome(Object value, Throwable failure, long steps, long endNanos, int[] choices, long digest,
            Trace trace) {
    }

    /** Asks a running loop to stop at its next step (used when the caller is interrupted). */
    public void requestStop() {
        stopRequested = true;
        signalDriver();
    }

    private void drive() {
        for (;;) {
            if (inboxPending) {
                drainInbox();
            }
            if (abortFailure != null) {
                return;
            }
            if (stopRequested) {
                abortFailure = new LimitExceeded("the run was stopped because the thread waiting for it was "
                        + "interrupted (a test timeout?) at step " + steps + ", virtual time " + formatNanos(clock.now()));
                return;
            }
            if (offloadsInFlight > 0 && simulated) {
                // A simulation waits for offloaded work before anything else runs, so the moment its
                // result re-enters the loop is the same in every run.
                awaitInbox(Long.MAX_VALUE);
                continue;
            }
            if (!simulated && !timers.isEmpty()) {
                fireDueTimers(clock.now());
            }
            if (ready.isEmpty()) {
                if (rootTask.done) {
                    return;
                }
                if (simulated && (resumeTasksWokenFromOutside() || abortFailure != null)) {
                    continue;
                }
                if (!timers.isEmpty()) {
                    advanceToNextTimer();
                    continue;
                }
                if (!simulated && (offloadsInFlight > 0 || countParkedOutside() > 0)) {
                    awaitInbox(Long.MAX_VALUE);
                    continue;
                }
                abortFailure = new DeadlockDetected(deadlockReport());
                return;
            }
            if (steps >= maxSteps) {
                abortFailure = new LimitExceeded("simulation stopped after " + steps + " steps (maxSteps = " + maxSteps
                        + ") at virtual time " + formatNanos(clock.now()) + ": a task may be spinning on checkpoints "
                        + "without making progress. Raise the limit with Simulation.builder().maxSteps(n) "
                        + "or @SimulatedLoop(maxSteps = n).");
                return;
            }
            TaskImpl<?> next = pickNext();
            if (next == null) {
                return; // the strategy failed the run (a replay that no longer fits)
            }
            runStep(next);
        }
    }

    private TaskImpl<?> pickNext() {
        // Priority policy (issue 3): the strategy chooses only among the most urgent ready tasks.
        ReadyQueue from = priorityPolicy == null ? ready : priorityPolicy.narrow(ready);
        int n = from.size();
        int index = 0;
        if (n > 1) {
            try {
                index = picker.pick(from, choices.size());
            } catch (NondeterminismDetected e) {
                abortFailure = replayDiverged(e);
                return null;
            }
            if (index < 0 || index >= n) {
                throw new IllegalStateException("strategy picked " + index + " of " + n + " ready tasks");
            }
            choices.add(index);
        }
        TaskImpl<?> t = ready.removeAt(from == ready ? index : priorityPolicy.readyIndex(index));
        mix(t.id);
        mix(n);
        lastReadyCount = n;
        return t;
    }

    private void runStep(TaskImpl<?> t) {
        steps++;
        t.inReady = false;
        running = t;
        if (trace != null) {
            traceEvent(t, Trace.Kind.RUN, "");
        }
        t.continuation.run();
        running = null;
        if (determinismCheck != null && !killing) {
            checkStep(t);
        }
        if (trace != null && !t.done) {
            traceEvent(t, t.blockedOn != null ? Trace.Kind.BLOCK : Trace.Kind.YIELD,
                    t.blockedOn != null ? "on " + t.blockedOn : "");
        }
        if ((steps & 255) == 0 && stopRequested) {
            signalDriver();
        }
        if (!t.done && !t.inReady && t.blockedOn == null) {
            parkedOutsideRuntime(t);
        }
    }

    /** How long an idle simulation waits for tasks parked on locks that threads outside it may hold. */
    private static final long SHARED_LOCK_GRACE_NANOS = 500_000_000L;

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
    private boolean resumeTasksWokenFromOutside() {
        if (!anyWaitsOnSharedLock()) {
            return false;
        }
        long deadline = System.nanoTime() + SHARED_LOCK_GRACE_NANOS;
        while (!stopRequested && abortFailure == null && stillWaitingOnSharedLocks()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            LockSupport.parkNanos(this, left);
            if (inboxPending) {
                drainInbox();
            }
        }
        boolean resumed = false;
        for (TaskImpl<?> t = liveHead; t != null; t = t.liveNext) {
            if (t.waitsOnSharedLock) {
                t.waitsOnSharedLock = false;
                sharedLockWaiters--;
                if (t.foreignContinuation == null && abortFailure == null && !stopRequested
                        && t.thread.getState() == Thread.State.BLOCKED) {
                    abortFailure = monitorHeldAcrossAWait(t);
                } else if (t.foreignContinuation != null && abortFailure == null) {
                    t.continuation = t.foreignContinuation;
                    t.foreignContinuation = null;
                    t.inReady = true;
                    ready.add(t);
                    resumed = true;
                }
            }
        }
        return resumed;
    }

    private NondeterminismDetected monitorHeldAcrossAWait(TaskImpl<?> t) {
        return new NondeterminismDetected("task '" + t.name() + "' waits to enter a monitor (synchronized, at "
                + topFrame(t.thread) + ") that no thread outside the simulation released within "
                + formatNanos(SHARED_LOCK_GRACE_NANOS) + " of real time (step " + steps + ", virtual time "
                + formatNanos(clock.now()) + "), so a task of this simulation holds it across a wait (a checkpoint, "
                + "sleep or simloop lock inside synchronized). The JVM hands a monitor on between virtual threads "
                + "from a thread of its own, in an order simloop cannot choose or replay. Hold a "
                + "dev.simloop.sync.Lock across waits instead of a monitor.");
    }

    private boolean anyWaitsOnSharedLock() {
        return sharedLockWaiters > 0; // a counter: this is asked every time the loop goes idle
    }

    private boolean stillWaitingOnSharedLocks() {
        for (TaskImpl<?> t = liveHead; t != null; t = t.liveNext) {
            if (t.waitsOnSharedLock && t.foreignContinuation == null) {
                return true;
            }
        }
        return false;
    }

    /**
     * The task parked somewhere other than a simloop wait: a java.util.concurrent lock (fine: its
     * wake-up comes from another task), or a timed wait / sleep / I/O, whose wake-up would come from
     * a JDK thread the simulation does not own.
     */
    private void checkStep(TaskImpl<?> t) {
        String divergence = determinismCheck.stepEnded(steps, t, lastReadyCount, clock.now(), digest);
        if (divergence != null && abortFailure == null) {
            abortFailure = new NondeterminismDetected(divergence + ". Something outside the simulation decides the "
                    + "run: static state kept between runs, wall-clock time, real I/O, unseeded randomness, or "
                    + "iteration over identity hash codes.");
        }
    }

    private void parkedOutsideRuntime(TaskImpl<?> t) {
        if (!simulated || killing) {
            return;
        }
        Thread.State state = t.thread.getState();
        // BLOCKED: a monitor; an AQS blocker: a java.util.concurrent lock, latch or semaphore; not
        // waiting any more: a lock that another thread released right away. Any of them may be held
        // by a thread outside the simulation, whose wake-up is then held back to an idle moment.
        if (state == Thread.State.BLOCKED || state == Thread.State.RUNNABLE || (state == Thread.State.WAITING
                && LockSupport.getBlocker(t.thread) instanceof java.util.concurrent.locks.AbstractQueuedSynchronizer)) {
            t.waitsOnSharedLock = true;
            sharedLockWaiters++;
        }
        if (state == Thread.State.WAITING && LockSupport.getBlocker(t.thread) == null && inObjectWait(t.thread)) {
            abortFailure = new NondeterminismDetected("task '" + t.name() + "' called Object.wait at step " + steps
                    + " (" + topFrame(t.thread) + "): the JVM resumes a virtual thread after notify from a thread of "
                    + "its own, at a moment a simulation cannot choose or replay. Use dev.simloop.sync.Condition or "
                    + "Event instead, or Loop.toThread for code that must wait on a monitor.");
        }
        if (state == Thread.State.TIMED_WAITING) {
            abortFailure = new NondeterminismDetected("task '" + t.name() + "' made a timed wait outside simloop at step "
                    + steps + " (" + topFrame(t.thread) + "): Thread.sleep, timed lock or Future waits use the real "
                    + "clock and are woken by a JDK thread the simulation does not own, so the run could not be "
                    + "replayed. Use Loop.sleep or the dev.simloop.sync primitives instead.");
        }
    }

    private void advanceToNextTimer() {
        long next = timers.peek().deadline;
        if (simulated) {
            if (next > maxVirtualNanos) {
                abortFailure = new LimitExceeded("simulation stopped at virtual time " + formatNanos(clock.now())
                        + ": the next timer is at " + formatNanos(next) + ", past maxVirtualTime = "
                        + formatNanos(maxVirtualNanos) + ". Raise it with Simulation.builder().maxVirtualTime(d) "
                        + "or @SimulatedLoop(maxVirtualTime = ...).");
                return;
            }
            ((LoopClock.Virtual) clock).advanceTo(next);
            mix(next);
        } else {
            awaitInbox(next);
        }
        fireDueTimers(clock.now());
    }

    private void fireDueTimers(long now) {
        Timer t;
        while ((t = timers.peek()) != null && t.deadline <= now) {
            if (simulated && timers.secondIsDue(now)) {
                if (!fireTiedTimers(now)) {
                    return; // the rest were held back for the ready tasks
                }
                continue;
            }
            timers.poll();
            t.fire(this);
        }
    }

    /**
     * Several timers are due at once in a simulation. What happens next is a recorded choice,
     * because it decides races at the same virtual instant: which tied timer fires next (a sleep
     * ending exactly at its scope's deadline completes when its wake-up fires first, and is
     * cancelled when the deadline does), and, once a fired timer has made tasks ready, whether
     * they run before the rest fire (a worker woken at the instant a waiter's deadline passes can
     * then hand over its result first), as if the tied timers were an instant apart. Choice 0 is
     * the production order, every due timer at once in heap order (deadlines before wake-ups, then
     * arming order), so FIFO keeps "the timeout wins a tie".
     *
     * @return false when some of the timers were held back, to fire once the ready tasks have run
     */
    private boolean fireTiedTimers(long now) {
        int n = 0;
        Timer t;
        while ((t = timers.peek()) != null && t.deadline <= now) {
            timers.poll();
            if (n == tiedTimers.length) {
                tiedTimers = java.util.Arrays.copyOf(tiedTimers, n * 2);
            }
            tiedTimers[n++] = t;
        }
        int taken = n;
        int first = 0;
        boolean allFired = true;
        while (first < n && abortFailure == null) {
            int remaining = n - first;
            int options = ready.isEmpty() ? remaining : remaining + 1;
            int index = options == 1 ? 0 : pickTimer(options);
            if (index < 0) {
                break; // the strategy failed the run (a replay that no longer fits)
            }
            if (index == remaining) {
                holdBack(first, n);
                allFired = false;
                break;
            }
            Timer chosen = tiedTimers[first + index];
            if (index == 0) {
                first++;
            } else {
                System.arraycopy(tiedTimers, first + index + 1, tiedTimers, first + index, remaining - index - 1);
                n--;
            }
            chosen.fire(this);
        }
        java.util.Arrays.fill(tiedTimers, 0, taken, null);
        return allFired;
    }

    /**
     * Re-arms the tied timers {@code tiedTimers[from..to)} at their deadlines, in their order, so
     * they fire once the ready tasks have run; a task may disarm one meanwhile (a scope that exits
     * before its deadline fires). The clock stays where it is.
     */
    private void holdBack(int from, int to) {
        for (int i = from; i < to; i++) {
            timers.arm(tiedTimers[i], tiedTimers[i].deadline);
        }
    }

    /** A strict replay stopped fitting: say at which step, which is what a trace shows. */
    private NondeterminismDetected replayDiverged(NondeterminismDetected detail) {
        return new NondeterminismDetected("replay diverged at step " + (steps + 1) + " (virtual time "
                + formatNanos(clock.now()) + "), " + detail.getMessage());
    }

    /**
     * @return the strategy's pick among {@code options} tied-timer options (see {@link #fireTiedTimers}),
     *     recorded; -1 when the strategy failed the run
     */
    private int pickTimer(int options) {
        int index;
        try {
            index = picker.pickTimer(options, choices.size());
        } catch (NondeterminismDetected e) {
            abortFailure = replayDiverged(e);
            return -1;
        }
        if (index < 0 || index >= options) {
            throw new IllegalStateException("strategy picked tied-timer option " + index + " of " + options);
        }
        choices.add(index);
        mix(~index);
        mix(options);
        return index;
    }

    // =====================================================================================
    // Tasks: spawn, submit, finish
    // =====================================================================================

    /**
     * Creates and starts a task in {@code group} (null only for the root task). The task runs up to
     * its first checkpoint even when the group is already cancelled.
     */
    public <T> TaskImpl<T> spawnTask(GroupImpl group, String name, ThrowingSupplier<T> body, StartState start,
            String call) {
        if (killing) {
            throw new TaskAbandoned("the run has ended");
        }
        int id = nextTaskId++;
        String taskName = name != null ? name : "task-" + id;
        CancelScopeTree.Node parentScope = group == null ? null : group.scope;
        TaskImpl<T> t = new TaskImpl<>(this, id, taskName, group, body, parentScope, start);
        linkLive(t);
        if (group != null) {
            group.childStarted(t);
        }
        picker.onSpawn(t);
        if (determinismCheck != null) {
            determinismCheck.spawned(t);
        }
        if (trace != null) {
            traceEvent(t, Trace.Kind.SPAWN, running == null ? "" : "by " + running.name());
        }
        t.thread.start();
        return t;
    }

    /** Called by a task's executor when the JDK makes its continuation runnable. */
    void submitted(TaskImpl<?> t, Runnable continuation) {
        Thread caller = Thread.currentThread();
        boolean owned = caller == driver || (running != null && caller == running.thread);
        if (owned) {
            if (t.waitsOnSharedLock) {
                t.waitsOnSharedLock = false;
                sharedLockWaiters--;
            }
            t.continuation = continuation;
            t.inReady = true;
            ready.add(t);
            return;
        }
        String who = caller.getName().isEmpty() ? caller.toString() : caller.getName();
        if (simulated) {
            postToInbox(() -> {
                t.foreignContinuation = continuation;
                if (t.waitsOnSharedLock && !killing) {
                    return; // resumed when the loop is idle: resumeTasksWokenFromOutside
                }
                if (abortFailure == null && !killing) {
                    abortFailure = new NondeterminismDetected("task '" + t.name() + "' was woken by thread '" + who
                            + "', which the simulation does not own (step " + steps + "). Likely cause: blocking I/O, "
                            + "Thread.sleep, a timed wait or a foreign executor inside a simulated task; its timing "
                            + "cannot be replayed. Use Loop.sleep, Loop.toThread or dev.simloop.sync instead.");
                }
            });
        } else {
            postToInbox(() -> {
                t.continuation = continuation;
                t.inReady = true;
                ready.add(t);
            });
        }
    }

    /** Runs on the finished task's own thread, as the last thing it does. */
    <T> void finishTask(TaskImpl<T> t, T value, Throwable failure) {
        unlinkLive(t);
        if (failure instanceof TaskAbandoned) {
            t.done = true;
            CancelScopeTree.close(this, t.root);
            return;
        }
        failure = CancelScopeTree.interruptAsCancelled(this, t, failure);
        if (failure instanceof Cancelled) {
            t.cancelled = true;
            if (CancelScopeTree.catches(t.root)) {
                t.root.cancelledCaught = true;
            } else if (CancelScopeTree.visibleCancel(this, t.root) == null) {
                t.strayCancel = true; // a Cancelled no scope of ours raised: report it as a failure
            }
        }
        t.value = value;
        t.failure = wrapChecked(t.name(), failure);
        if (trace != null) {
            traceEvent(t, t.failure == null || (t.cancelled && !t.strayCancel) ? Trace.Kind.FINISH : Trace.Kind.FAIL,
                    t.cancelled ? "cancelled" : t.failure == null ? "" : String.valueOf(t.failure));
        }
        t.done = true;
        HeldResource.finished(t); // locks it still holds break, and their waiters are told (issue 3)
        CancelScopeTree.close(this, t.root);
        TaskImpl<?> j;
        while ((j = t.joiners.poll()) != null) {
            wake(j);
        }
        if (t.start != null && !t.start.started) {
            t.start.childEndedBeforeStarted(this, t);
        } else if (t.group != null) {
            t.group.childFinished(t);
        }
    }

    static Throwable wrapChecked(String taskName, Throwable failure) {
        if (failure == null || failure instanceof RuntimeException || failure instanceof Error) {
            return failure;
        }
        return new dev.simloop.TaskFailedException(taskName, failure);
    }

    private void linkLive(TaskImpl<?> t) {
        t.livePrev = liveTail;
        if (liveTail == null) {
            liveHead = t;
        } else {
            liveTail.liveNext = t;
        }
        liveTail = t;
        liveCount++;
    }

    /** @return the first unfinished task in spawn order (follow {@code liveNext}), or null */
    TaskImpl<?> liveHead() {
        return liveHead;
    }

    private void unlinkLive(TaskImpl<?> t) {
        if (t.livePrev == null) {
            liveHead = t.liveNext;
        } else {
            t.livePrev.liveNext = t.liveNext;
        }
        if (t.liveNext == null) {
            liveTail = t.livePrev;
        } else {
            t.liveNext.livePrev = t.livePrev;
        }
        t.livePrev = null;
        t.liveNext = null;
        liveCount--;
    }

    // =====================================================================================
    // Blocking and waking: the SPI every blocking call is built on
    // =====================================================================================

    /**
     * Blocks the calling task until {@link #wake} (or a cancel that {@code abortable} accepts).
     * The caller must already have checked cancellation and enqueued itself where a waker finds it.
     *
     * @param me the calling task
     * @param on what it waits on; its {@code toString()} appears in deadlock reports
     * @param abortable how a cancel removes the task from the wait
     * @return {@link TaskImpl#WAKE_NORMAL}, or {@link TaskImpl#WAKE_CANCELLED} when a cancel
     *     interrupted the wait but a shield now hides it (callers re-check their condition)
     * @throws Cancelled when a cancel interrupted the wait
     */
    public int block(TaskImpl<?> me, Object on, Abortable abortable) {
        if (killing) {
            throw new TaskAbandoned("the run has ended");
        }
        me.blockedOn = on;
        me.abortable = abortable;
        me.wake = TaskImpl.WAKE_NONE;
        Object primitive = on instanceof WaitTarget w ? w.primitive() : on;
        me.lastObject = primitive;
        if (tracksObjects) {
            picker.touched(primitive);
        }
        boolean interrupted = false;
        while (me.wake == TaskImpl.WAKE_NONE) {
            LockSupport.park(on);
            // A pending interrupt makes park return at once; clear it so the wait cannot spin.
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            me.thread.interrupt();
        }
        int w = me.wake;
        if (w == TaskImpl.WAKE_KILLED) {
            throw new TaskAbandoned("the run has ended");
        }
        if (w == TaskImpl.WAKE_CANCELLED) {
            CancelScopeTree.Node by = CancelScopeTree.cancelledFor(this, me);
            if (by != null) {
                throw CancelScopeTree.newCancelled(by);
            }
        }
        return w;
    }

    /**
     * Wakes a task blocked in {@link #block}. The waker must already have removed it from its wait.
     *
     * @return false when the task was not blocked (already woken, or cancelled first)
     */
    public boolean wake(TaskImpl<?> t) {
        return wake(t, TaskImpl.WAKE_NORMAL);
    }

    boolean wake(TaskImpl<?> t, int reason) {
        if (t.blockedOn == null || t.wake != TaskImpl.WAKE_NONE) {
            return false;
        }
        if (trace != null) {
            traceEvent(t, reason == TaskImpl.WAKE_CANCELLED ? Trace.Kind.CANCEL_DELIVERED : Trace.Kind.WAKE,
                    running == null ? "by the clock" : "by " + running.name());
        }
        if (tracksObjects && running != null) {
            picker.touched(t.lastObject); // the waker operated on what t waited on (set by block)
        }
        t.wake = reason;
        t.blockedOn = null;
        t.abortable = null;
        LockSupport.unpark(t.thread);
        return true;
    }

    /**
     * Delivers a cancel to {@code t}: aborts its wait if it is blocked in simloop, interrupts its
     * thread if it is parked in java.util.concurrent, and otherwise leaves it to its next checkpoint.
     */
    void deliverCancel(TaskImpl<?> t) {
        if (t.done || t == running) {
            return;
        }
        if (t.blockedOn != null) {
            if (t.wake == TaskImpl.WAKE_NONE && t.abortable.abort(t)) {
                wake(t, TaskImpl.WAKE_CANCELLED);
            }
        } else if (!t.inReady && t.foreignContinuation == null) {
            t.interruptedByCancel = true; // its InterruptedException is this cancel, not a failure
            t.thread.interrupt();
        }
    }

    /** Raises {@link Cancelled} if {@code me} is inside an effectively cancelled scope. */
    public void checkCancelled(TaskImpl<?> me) {
        if (killing) {
            throw new TaskAbandoned("the run has ended");
        }
        CancelScopeTree.Node by = CancelScopeTree.cancelledFor(this, me);
        if (by != null) {
            throw CancelScopeTree.newCancelled(by);
        }
    }

    /** A checkpoint: raises a pending cancellation, then lets every other ready task run first. */
    public void checkpoint(TaskImpl<?> me) {
        checkCancelled(me);
        me.lastObject = null;
        schedulePoint();
    }

    /**
     * A schedule point inside an operation on {@code object} (a primitive of dev.simloop.sync, a
     * join): as {@link #schedulePoint()}, and strategies that track racing steps (POS) learn that
     * the running step touched the object.
     *
     * @param object the primitive operated on
     */
    public void schedulePoint(Object object) {
        TaskImpl<?> me = running;
        if (me != null) {
            me.lastObject = object;
            if (tracksObjects) {
                picker.touched(object);
            }
        }
        schedulePoint();
    }

    /**
     * Tells strategies that track racing steps (POS) that the running step operated on
     * {@code object} without yielding (a release, a set, a close). Costs one branch otherwise.
     *
     * @param object the primitive operated on
     */
    public void touched(Object object) {
        if (tracksObjects) {
            picker.touched(object);
        }
    }

    /** Lets the other ready tasks run (the strategy decides who goes next); no cancel check. */
    public void schedulePoint() {
        if (killing) {
            throw new TaskAbandoned("the run has ended");
        }
        if (nothingElseCouldRun()) {
            // The driver would pick this same task again at once: account for that step exactly as
            // drive() and runStep() would (same steps, digest, ready-queue stamps), without paying
            // for a continuation switch. This makes an uncontended lock ~10x cheaper.
            if (determinismCheck != null) {
                checkStep(running); // the step that ends here is the one this call continues
                lastReadyCount = 1;
            }
            ready.countRemoval();
            mix(running.id);
            mix(1);
            steps++;
            return;
        }
        Thread.yield();
    }

    /**
     * True when yielding could only resume the caller: no other task is ready, nothing waits in the
     * inbox, no stop, limit, failure or offloaded work is pending, and (real mode) no timer is due.
     */
    private boolean nothingElseCouldRun() {
        return ready.isEmpty() && running != null && !inboxPending && !stopRequested && abortFailure == null
                && steps < maxSteps && offloadsInFlight == 0
                && (simulated || timers.isEmpty() || timers.peek().deadline > clock.now());
    }

    /** Blocks {@code me} until the loop clock reaches {@code deadline}. A checkpoint. */
    public void sleepUntil(TaskImpl<?> me, long deadline) {
        checkCancelled(me);
        if (deadline <= clock.now()) {
            schedulePoint();
            return;
        }
        me.sleepTimer.wakeAt = deadline;
        while (clock.now() < deadline) {
            timers.arm(me.sleepTimer, deadline);
            block(me, me.sleepTimer, me.sleepTimer);
        }
    }

    void disarm(Timer t) {
        timers.remove(t);
    }

    void arm(Timer t, long deadline) {
        timers.arm(t, deadline);
    }

    /** @return loop-clock nanos */
    public long now() {
        return clock.now();
    }

    /** @return a {@link java.time.Clock} that follows the loop clock */
    public java.time.Clock javaClock() {
        return clock.asJavaClock();
    }

    /** @return whether this loop runs on a virtual clock */
    public boolean isSimulated() {
        return simulated;
    }

    /** @return the random generator for user code: seeded from the run's seed in a simulation */
    public SplittableRandom random() {
        return userRandom;
    }

    /** @return the run's root task group */
    public GroupImpl rootGroup() {
        return rootGroup;
    }

    /** @return scheduling steps taken so far */
    public long steps() {
        return steps;
    }

    /** Cancels the root group (SIGINT / SIGTERM in real mode). Thread-safe. */
    void cancelRootFromOutside(CancelReason reason) {
        postToInbox(() -> {
            if (rootGroup != null) {
                CancelScopeTree.cancel(this, rootGroup.scope, reason);
            } else if (rootTask != null) {
                CancelScopeTree.cancel(this, rootTask.root, reason);
            }
        });
    }

    // =====================================================================================
    // Offloading blocking work: Loop.toThread
    // =====================================================================================

    /** Runs {@code work} on a platform thread and returns its result to the calling task. */
    @SuppressWarnings("unchecked")
    public <T> T toThread(TaskImpl<?> me, ThrowingSupplier<T> work) throws Exception {
        checkCancelled(me);
        Offload op = new Offload(me);
        offloadsInFlight++;
        Offloads.POOL.execute(() -> {
            Object result = null;
            Throwable failure = null;
            try {
                result = work.get();
            } catch (Throwable e) {
                failure = e;
            }
            Object r = result;
            Throwable f = failure;
            postToInbox(() -> op.complete(this, r, f));
        });
        // In a simulation nothing else runs until the work is back, so cancellation cannot arrive.
        while (!op.completed) {
            block(me, op, op);
        }
        if (op.failure instanceof Exception e) {
            throw e;
        }
        if (op.failure instanceof Error e) {
            throw e;
        }
        return (T) op.result;
    }

    /** One call to {@code toThread}; cancelling the caller abandons the wait, not the work. */
    private final class Offload implements Abortable {
        final TaskImpl<?> caller;
        boolean completed;
        boolean abandoned;
        Object result;
        Throwable failure;

        Offload(TaskImpl<?> caller) {
            this.caller = caller;
        }

        void complete(Scheduler loop, Object r, Throwable f) {
            loop.offloadsInFlight--;
            if (abandoned) {
                return;
            }
            completed = true;
            result = r;
            failure = f;
            loop.wake(caller);
        }

        @Override
        public boolean abort(TaskImpl<?> waiter) {
            abandoned = true;
            return true;
        }

        @Override
        public String toString() {
            return "work offloaded with Loop.toThread";
        }
    }

    // =====================================================================================
    // The inbox: the one way in for other threads
    // =====================================================================================

    private void postToInbox(Runnable action) {
        inbox.add(action);
        inboxPending = true;
        signalDriver();
    }

    private void signalDriver() {
        Thread d = driver;
        if (d != null) {
            LockSupport.unpark(d);
        }
    }

    private void drainInbox() {
        inboxPending = false;
        Runnable r;
        while ((r = inbox.poll()) != null) {
            r.run();
        }
    }

    /** Parks the driver until something arrives in the inbox or the loop clock reaches {@code deadline}. */
    private void awaitInbox(long deadline) {
        while (!inboxPending && !stopRequested) {
            long wait = deadline - clock.now();
            if (deadline == Long.MAX_VALUE) {
                LockSupport.park(this);
            } else if (wait > 0) {
                LockSupport.parkNanos(this, wait);
            } else {
                return;
            }
            Thread.interrupted(); // the driver is not interruptible; stop requests use requestStop()
        }
        if (inboxPending) {
            drainInbox();
        }
    }

    // =====================================================================================
    // Ending an aborted run: no task thread outlives its run
    // =====================================================================================

    private void killAll() {
        killing = true;
        for (TaskImpl<?> t = liveHead; t != null; t = t.liveNext) {
            if (t.blockedOn != null) {
                if (t.waitQueue != null) {
                    t.waitQueue.remove(t);
                }
                timers.remove(t.sleepTimer);
                wake(t, TaskImpl.WAKE_KILLED);
            } else if (t.foreignContinuation != null) {
                t.continuation = t.foreignContinuation;
                t.foreignContinuation = null;
                t.inReady = true;
                ready.add(t);
            } else if (!t.inReady) {
                t.thread.interrupt(); // parked in java.util.concurrent: an interruptible wait ends
            }
        }
        long budget = 1_000_000;
        while (budget-- > 0) {
            drainInboxWhileKilling();
            if (ready.isEmpty()) {
                break;
            }
            TaskImpl<?> t = ready.removeAt(0);
            runStep(t);
            if (!t.done && !t.inReady && t.blockedOn == null && t.foreignContinuation == null && !t.killInterrupted) {
                // it parked in java.util.concurrent while unwinding (e.g. in a finally): end that wait too,
                // once: a wait that ignores interrupts (ReentrantLock.lock) would otherwise spin here
                t.killInterrupted = true;
                t.thread.interrupt();
            }
        }
    }

    private void drainInboxWhileKilling() {
        Runnable r;
        while ((r = inbox.poll()) != null) {
            r.run();
        }
        for (TaskImpl<?> t = liveHead; t != null; t = t.liveNext) {
            if (t.foreignContinuation != null) {
                t.continuation = t.foreignContinuation;
                t.foreignContinuation = null;
                t.inReady = true;
                ready.add(t);
            }
        }
    }

    // =====================================================================================
    // Diagnostics
    // =====================================================================================

    private int countParkedOutside() {
        int n = 0;
        for (TaskImpl<?> t = liveHead; t != null; t = t.liveNext) {
            if (t.blockedOn == null && !t.inReady) {
                n++;
            }
        }
        return n;
    }

    /** At most this many cycles are printed (and returned by {@code DeadlockDetected.cycles()}). */
    private static final int MAX_REPORTED_CYCLES = 20;
    /** Edge visits the cycle search may make before it gives up on finding more. */
    private static final int CYCLE_SEARCH_BUDGET = 200_000;

    /**
     * The deadlock report: the wait-for graph over the live tasks (task → what it waits on → the
     * tasks that could end the wait, see {@link WaitTarget}), its cycles first, then every other
     * blocked task in spawn order. Also leaves the cycles' task names in {@link #deadlockCycles}.
     */
    private String deadlockReport() {
        List<TaskImpl<?>> tasks = new ArrayList<>(liveCount);
        Map<TaskImpl<?>, Integer> index = new IdentityHashMap<>();
        for (TaskImpl<?> t = liveHead; t != null; t = t.liveNext) {
            index.put(t, tasks.size());
            tasks.add(t);
        }
        int n = tasks.size();
        String[] waits = new String[n];
        int[][] edges = new int[n][];
        List<TaskImpl<?>> targets = new ArrayList<>();
        for (int v = 0; v < n; v++) {
            TaskImpl<?> t = tasks.get(v);
            targets.clear();
            if (t.blockedOn instanceof WaitTarget w) {
                w.addWaitedFor(t, targets);
                targets.removeIf(u -> !index.containsKey(u)); // only unfinished tasks are nodes
            }
            edges[v] = new int[targets.size()];
            for (int k = 0; k < targets.size(); k++) {
                edges[v][k] = index.get(targets.get(k));
            }
            waits[v] = describeWait(t, targets);
        }
        List<int[]> cycles = findCycles(edges);

        StringBuilder sb = new StringBuilder();
        if (simulated) {
            sb.append("deadlock: every task is blocked and no timer is pending (virtual time ")
                    .append(formatNanos(clock.now())).append(", step ").append(steps).append(").");
        } else {
            sb.append("deadlock: every task is blocked in simloop and no timer or offloaded call is pending (step ")
                    .append(steps).append(").");
        }
        List<List<String>> cycleNames = new ArrayList<>(cycles.size());
        boolean[] inCycle = new boolean[n];
        for (int[] c : cycles) {
            for (int v : c) {
                inCycle[v] = true;
            }
        }
        boolean others = false;
        for (int v = 0; v < n; v++) {
            others |= !inCycle[v];
        }
        if (cycles.isEmpty()) {
            sb.append(" Blocked tasks:");
        } else {
            sb.append(' ').append(cycles.size()).append(cycles.size() == 1 ? " wait-for cycle" : " wait-for cycles")
                    .append(others ? ", then the other blocked tasks:" : ":");
        }
        for (int[] c : cycles) {
            List<String> names = new ArrayList<>(c.length);
            sb.append("\ncycle: ");
            for (int v : c) {
                names.add(tasks.get(v).name());
                sb.append('\'').append(tasks.get(v).name()).append("' → ");
            }
            sb.append('\'').append(tasks.get(c[0]).name()).append('\'');
            for (int k = 0; k < c.length; k++) {
                sb.append(k == 0 ? "\n  " : "\n  → ").append(waits[c[k]]);
            }
            cycleNames.add(List.copyOf(names));
        }
        if (cycles.size() == MAX_REPORTED_CYCLES) {
            sb.append("\n(at most ").append(MAX_REPORTED_CYCLES).append(" cycles are shown)");
        }
        if (!cycles.isEmpty() && others) {
            sb.append("\nother blocked tasks:");
        }
        for (int v = 0; v < n; v++) {
            if (!inCycle[v]) {
                sb.append("\n  ").append(waits[v]);
            }
        }
        deadlockCycles = List.copyOf(cycleNames);
        return sb.toString();
    }

    /** One line of a deadlock report: {@code task 'x' waits for ...}, or where it is parked. */
    private static String describeWait(TaskImpl<?> t, List<TaskImpl<?>> targets) {
        StringBuilder sb = new StringBuilder("task '").append(t.name()).append("' ");
        if (t.blockedOn instanceof WaitTarget w) {
            sb.append("waits for ").append(w.describeWait(targets));
        } else if (t.blockedOn != null) {
            sb.append("waits for ").append(t.blockedOn);
        } else if (t.thread.getState() == Thread.State.BLOCKED) {
            sb.append("waits to enter a monitor (synchronized) at ").append(topFrame(t.thread));
        } else {
            Object blocker = LockSupport.getBlocker(t.thread);
            sb.append("is parked outside simloop")
                    .append(blocker == null ? "" : " on " + blocker.getClass().getName())
                    .append(" at ").append(topFrame(t.thread));
        }
        return sb.toString();
    }

    /**
     * The elementary cycles of a graph whose nodes are in spawn order, each starting at its
     * earliest node and found in edge order, so the result is the same in every run: for each
     * start node, a depth-first search through the later nodes of its strongly connected
     * component. Stops at {@link #MAX_REPORTED_CYCLES} cycles or when the search budget is spent.
     */
    static List<int[]> findCycles(int[][] edges) {
        int n = edges.length;
        int[] comp = stronglyConnectedComponents(edges);
        int[] compSize = new int[n];
        for (int v = 0; v < n; v++) {
            compSize[comp[v]]++;
        }
        List<int[]> cycles = new ArrayList<>();
        boolean[] onPath = new boolean[n];
        int[] path = new int[n];
        int[] next = new int[n];
        int budget = CYCLE_SEARCH_BUDGET;
        for (int s = 0; s < n && cycles.size() < MAX_REPORTED_CYCLES && budget > 0; s++) {
            boolean selfLoop = false;
            for (int w : edges[s]) {
                selfLoop |= w == s;
            }
            if (compSize[comp[s]] < 2 && !selfLoop) {
                continue;
            }
            int depth = 0;
            path[0] = s;
            next[0] = 0;
            onPath[s] = true;
            while (depth >= 0) {
                int v = path[depth];
                if (next[depth] < edges[v].length && budget > 0 && cycles.size() < MAX_REPORTED_CYCLES) {
                    int w = edges[v][next[depth]++];
                    budget--;
                    if (w == s) {
                        cycles.add(Arrays.copyOf(path, depth + 1));
                    } else if (w > s && comp[w] == comp[s] && !onPath[w]) {
                        depth++;
                        path[depth] = w;
                        next[depth] = 0;
                        onPath[w] = true;
                    }
                } else {
                    onPath[v] = false;
                    depth--;
                }
            }
        }
        return cycles;
    }

    /** Tarjan's algorithm, iteratively (a chain of joins may be long): the component of each node. */
    private static int[] stronglyConnectedComponents(int[][] edges) {
        int n = edges.length;
        int[] order = new int[n];
        int[] low = new int[n];
        int[] comp = new int[n];
        Arrays.fill(order, -1);
        boolean[] onStack = new boolean[n];
        int[] stack = new int[n];
        int sp = 0;
        int[] callNode = new int[n];
        int[] callEdge = new int[n];
        int counter = 0;
        int comps = 0;
        for (int r = 0; r < n; r++) {
            if (order[r] != -1) {
                continue;
            }
            int depth = 0;
            callNode[0] = r;
            callEdge[0] = 0;
            order[r] = low[r] = counter++;
            stack[sp++] = r;
            onStack[r] = true;
            while (depth >= 0) {
                int v = callNode[depth];
                if (callEdge[depth] < edges[v].length) {
                    int w = edges[v][callEdge[depth]++];
                    if (order[w] == -1) {
                        order[w] = low[w] = counter++;
                        stack[sp++] = w;
                        onStack[w] = true;
                        depth++;
                        callNode[depth] = w;
                        callEdge[depth] = 0;
                    } else if (onStack[w]) {
                        low[v] = Math.min(low[v], order[w]);
                    }
                } else {
                    if (low[v] == order[v]) {
                        int w;
                        do {
                            w = stack[--sp];
                            onStack[w] = false;
                            comp[w] = comps;
                        } while (w != v);
                        comps++;
                    }
                    depth--;
                    if (depth >= 0) {
                        int u = callNode[depth];
                        low[u] = Math.min(low[u], low[v]);
                    }
                }
            }
        }
        return comp;
    }

    private static boolean inObjectWait(Thread t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().equals("java.lang.Object") && e.getMethodName().startsWith("wait")) {
                return true;
            }
        }
        return false;
    }

    private static String topFrame(Thread t) {
        for (StackTraceElement e : t.getStackTrace()) {
            String c = e.getClassName();
            if (!c.startsWith("java.") && !c.startsWith("jdk.") && !c.startsWith("sun.")
                    && !c.startsWith("dev.simloop.internal.")) {
                return e.toString();
            }
        }
        StackTraceElement[] all = t.getStackTrace();
        return all.length == 0 ? "an unknown frame" : all[0].toString();
    }

    /** Formats loop-clock nanos for messages, e.g. {@code 1.5s} or {@code 2h3m}. */
    public static String formatNanos(long nanos) {
        if (nanos == Long.MAX_VALUE) {
            return "never";
        }
        return Duration.ofNanos(nanos).toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }

    private void mix(long v) {
        digest = (digest ^ v) * 0x100000001b3L;
    }

    @Override
    public String toString() {
        return (simulated ? "simulated" : "real") + " loop at step " + steps + ", time " + formatNanos(clock.now())
                + ", " + liveCount + " live tasks";
    }
}
