package dev.simloop.internal;

import dev.simloop.CancelReason;
import dev.simloop.Cancelled;
import dev.simloop.DeadlockDetected;
import dev.simloop.LeakDetected;
import dev.simloop.LimitExceeded;
import dev.simloop.NondeterminismDetected;
import dev.simloop.ReplayDiverged;
import dev.simloop.ThrowingSupplier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The run loop. One instance per {@code Loop.run} or simulated run; it owns the scheduling state —
 * the ready queue, the clock, the strategy, the live tasks, the recorded choices, the trace digest
 * — and decides what runs next. It delegates the rest: the timers and their tie choices to
 * {@link Timers}, the way in for other threads to {@link Inbox}, tasks parked outside simloop to
 * {@link OutsideWaits}, offloaded calls to {@link Offloads}, the text of a deadlock report to
 * {@link DeadlockReport}, and the wait protocol of the primitives to {@link WaitQueue}.
 *
 * <p>Threading: the loop has one driver thread. Tasks are virtual threads whose scheduler is their
 * task's executor (see {@link TaskImpl}), which hands each continuation to {@link #submitted}; the
 * driver mounts one continuation at a time, so every field below is touched only from the driver's
 * OS thread (by the driver itself or by the task mounted on it) and needs no synchronization —
 * except {@link #stopRequested} and the inbox, which other threads use.
 *
 * <p>A <em>step</em> is one task running from the moment the loop picks it until it yields, blocks
 * or finishes. Every step is counted and mixed into the digest in one place, {@link #stepTaken},
 * whether the driver mounts the task or the task continues on the fast path of
 * {@link #schedulePoint()} because nothing else could run.
 */
public final class Scheduler {
    // ---- configuration: fixed for the run
    final boolean simulated;
    final LoopClock clock;
    private final Picker picker;
    /** Whether {@link #picker} wants to hear of every object a step operates on (POS). */
    private final boolean tracksObjects;
    private final long maxSteps;
    private final long maxVirtualNanos;
    final long seed;

    // ---- collaborators
    private final ReadyQueue ready = new ReadyQueue();
    private final Timers timers = new Timers(this);
    private final Inbox inbox = new Inbox();
    final OutsideWaits outside = new OutsideWaits(this);

    // ---- driver-thread state
    Thread driver;
    /** The task whose continuation is mounted right now, or null between steps. */
    private TaskImpl<?> running;
    private int nextTaskId;
    /** Unfinished tasks in spawn order; deadlock reports and the final clean-up walk it. */
    private TaskImpl<?> liveHead;
    private TaskImpl<?> liveTail;
    private int liveCount;
    TaskImpl<?> rootTask;
    GroupImpl rootGroup;
    /** Steps taken so far, counted by {@link #stepTaken}. */
    private long steps;
    /** Steps of the run itself, without those that unwind an aborted run's tasks. */
    private long stepsTaken;
    /** FNV-1a style running hash of every scheduling decision and clock jump. */
    private long digest = 0xcbf29ce484222325L;
    /** Every choice made among more than one candidate, in order. */
    private final ChoiceLog choices = new ChoiceLog();
    /** How many tasks the last step's task was chosen among (for the determinism check's reports). */
    private int lastReadyCount;
    /** How many candidates the last {@link #pickNext} chose among; 1 while unwinding an aborted run. */
    private int pickedAmong = 1;
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
    /** The optional priority policy (issue 3); null: plain strategy order. */
    private PriorityScheduling priorityPolicy;
    /** The leak check, or null when off: a run that ends with resources still held fails with {@link LeakDetected}. */
    private LeakCheck leakCheck;
    /** The task names of each cycle of the last deadlock report, in order. */
    private List<List<String>> deadlockCycles;

    /** Set while simloop itself creates a task's thread, so {@link ThreadGuard} lets it be. */
    boolean creatingTask;
    /** The task whose stack the driver is reading ({@link Frames#stackOf}), or null. */
    TaskImpl<?> inspecting;
    /** How long a step may hold the driver, or the driver wait for the outside, before the run fails. */
    private long maxStepWallNanos = DEFAULT_MAX_STEP_WALL_NANOS;
    /** Default of {@link #maxStepWallNanos}: 10 seconds. */
    public static final long DEFAULT_MAX_STEP_WALL_NANOS = 10_000_000_000L;

    // ---- cross-thread state
    private volatile boolean stopRequested;
    /** Set by the watchdog when a task ran away; the run's failure once the driver gets control back. */
    private volatile LimitExceeded runaway;
    /** The call of {@link Drivers} that waits for this run, which the watchdog rescues; null when inline-less. */
    private Drivers.Call<?> call;

    // ---- the watchdog's own state (watchdog thread only): what it saw last, and since when
    private long seenSteps = -1;
    private TaskImpl<?> seenTask;
    private long seenSince;
    private long reportedStep = -1;
    private static final java.lang.invoke.VarHandle RUNNING;
    private static final java.lang.invoke.VarHandle STEPS;

    static {
        try {
            java.lang.invoke.MethodHandles.Lookup l = java.lang.invoke.MethodHandles.lookup();
            RUNNING = l.findVarHandle(Scheduler.class, "running", TaskImpl.class);
            STEPS = l.findVarHandle(Scheduler.class, "steps", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Scheduler(boolean simulated, Picker picker, long seed, long maxSteps, long maxVirtualNanos) {
        this.simulated = simulated;
        this.clock = simulated ? new LoopClock.Virtual() : new LoopClock.Wall();
        this.picker = picker;
        this.tracksObjects = picker.tracksObjects();
        this.seed = seed;
        this.maxSteps = maxSteps;
        this.maxVirtualNanos = maxVirtualNanos;
        this.userRandom = new SplittableRandom(seed ^ 0x5DEECE66DL);
    }

    /** @return a real-mode loop: wall clock, FIFO order, no limits */
    public static Scheduler real() {
        requireOutsideLoop("Loop.run");
        VirtualThreads.check();
        return new Scheduler(false, FifoPicker.INSTANCE, System.nanoTime(), Long.MAX_VALUE, Long.MAX_VALUE);
    }

    /**
     * @param picker makes the choices, which the loop records
     * @param seed the run's seed (it also seeds {@code Loop.random()})
     * @param maxSteps the step limit
     * @param maxVirtualTime the virtual-time limit
     * @return a simulated loop: virtual clock, choices made by {@code picker} and recorded
     */
    public static Scheduler simulated(Picker picker, long seed, long maxSteps, Duration maxVirtualTime) {
        requireOutsideLoop("Simulation.run");
        VirtualThreads.check();
        return new Scheduler(true, picker, seed, maxSteps, saturatedNanos(maxVirtualTime));
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

    /**
     * Sets how long one step may run, or a simulation wait for work outside it (an offloaded call, a
     * future of the common pool), before the run fails with {@code LimitExceeded}. Call before
     * {@link #run}.
     *
     * @param d the limit; positive
     */
    public void setMaxStepWallTime(Duration d) {
        this.maxStepWallNanos = Math.max(1, saturatedNanos(d));
    }

    /** @return the step wall-time limit in nanos */
    long maxStepWallNanos() {
        return maxStepWallNanos;
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
        this.leakCheck = on ? new LeakCheck() : null;
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
     * @return the calling task
     * @throws IllegalStateException when called from a thread that is not a loop task
     */
    public static TaskImpl<?> current(String call) {
        TaskImpl<?> t = TaskImpl.CURRENT.get();
        if (t == null || t.done) {
            throw Threads.notInATask(call);
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
     *
     * @param rootBody the root task's body
     * @return what the run produced
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
        inbox.setDriver(driver);
        call = Drivers.currentCall();
        if (!simulated) {
            Signals.register(this);
        }
        Watchdog.watch(this);
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
            Watchdog.unwatch(this);
            if (!simulated) {
                Signals.unregister(this);
            }
        }
        return new RunOutcome(rootTask.value, endOfRunFailure(), stepsTaken, clock.now(), choices.toArray(), digest,
                trace);
    }

    /** The run's failure, after the end-of-run checks: replay fully used, determinism, leaks. */
    private Throwable endOfRunFailure() {
        if (abortFailure == null) {
            try {
                picker.runEnded(choices.size());
            } catch (NondeterminismDetected e) {
                abortFailure = new ReplayDiverged(REPLAY_CHANGED + "replay diverged at the end of the run (step "
                        + stepsTaken + ", virtual time " + formatNanos(clock.now()) + "): " + e.getMessage());
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
        return leakCheck == null ? failure : leakCheck.apply(failure, liveHead, abortFailure != null, when());
    }

    /** @return the step and virtual time now, for messages */
    String when() {
        return "step " + steps + ", virtual time " + formatNanos(clock.now());
    }

    /**
     * What a finished run produced.
     *
     * @param value the root task's value
     * @param failure the run's failure, or null
     * @param steps the steps the run took
     * @param endNanos the loop clock at the end
     * @param choices every recorded choice
     * @param digest the trace digest
     * @param trace the events, when traced
     */
    public record RunOutcome(Object value, Throwable failure, long steps, long endNanos, int[] choices, long digest,
            Trace trace) {
    }

    /** Asks a running loop to stop at its next step (used when the caller is interrupted). Any thread. */
    public void requestStop() {
        stopRequested = true;
        inbox.wakeDriver();
    }

    private void drive() {
        for (;;) {
            if (inbox.isPending()) {
                inbox.drain();
            }
            if (abortFailure != null) {
                return;
            }
            if (stopRequested) {
                abortFailure = runaway != null ? runaway : new LimitExceeded("the run was stopped because the thread "
                        + "waiting for it was interrupted (a test timeout?) at " + when());
                return;
            }
            if (offloadsInFlight > 0 && simulated) {
                // A simulation waits for offloaded work before anything else runs, so the moment its
                // result re-enters the loop is the same in every run.
                if (!awaitInbox(System.nanoTime() + maxStepWallNanos) && !stopRequested) {
                    abortFailure = offloadTooSlow();
                }
                continue;
            }
            if (!simulated && timers.anyDue(clock.now())) {
                timers.fireDue(clock.now(), false);
            }
            if (ready.isEmpty()) {
                if (rootTask.done) {
                    return;
                }
                if (!idle()) {
                    return;
                }
                continue;
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

    /**
     * Nothing is ready: resume tasks woken from outside, or move the clock to the next timer, or
     * wait for the outside world (real mode), or report a deadlock.
     *
     * @return false when the run must stop
     */
    private boolean idle() {
        if (simulated && outside.onIdle(timers.isEmpty())) {
            return abortFailure == null;
        }
        if (!timers.isEmpty()) {
            advanceToNextTimer();
            return true;
        }
        if (!simulated && (offloadsInFlight > 0 || outside.countParkedReal() > 0)) {
            awaitInbox(Long.MAX_VALUE);
            return true;
        }
        abortFailure = new DeadlockDetected(deadlockReport());
        return false;
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
        pickedAmong = n;
        return ready.removeAt(from == ready ? index : priorityPolicy.readyIndex(index));
    }

    /** One step: mounts {@code t} until it yields, blocks or finishes. */
    private void runStep(TaskImpl<?> t) {
        stepTaken(t, pickedAmong);
        t.inReady = false;
        if (trace != null) {
            traceEvent(t, Trace.Kind.RUN, "");
        }
        do {
            running = t;
            t.continuation.run();
            running = null;
        } while (stepGoesOn(t));
        stepEnded(t);
        if (trace != null && !t.done) {
            traceEvent(t, t.blockedOn != null ? Trace.Kind.BLOCK : Trace.Kind.YIELD,
                    t.blockedOn != null ? "on " + t.blockedOn : "");
        }
        if ((steps & 255) == 0 && stopRequested) {
            inbox.wakeDriver();
        }
    }

    /**
     * The continuation of {@code t} has returned to the driver. In a simulation, its step goes on
     * when it was unparked from outside while it parked, or when it parked outside simloop and
     * {@link OutsideWaits#waitInPlace} got its wake-up: as if the park had returned at once, which
     * is what happens when the outside is quicker, so the run is the same either way.
     *
     * @return whether to run {@code t} again within this step
     */
    private boolean stepGoesOn(TaskImpl<?> t) {
        if (t.resumeInStep) {
            t.resumeInStep = false;
            return true;
        }
        if (!simulated || killing || t.done || t.inReady || t.blockedOn != null) {
            return false;
        }
        outside.parkedAtEndOfStep(t);
        if (abortFailure == null && outside.waitInPlace(t)) {
            t.continuation = OutsideWaits.takeHeld(t);
            return true;
        }
        return false;
    }

    /**
     * The step bookkeeping, in one place: a step of {@code t}, chosen among {@code readyCount}
     * tasks, starts. It is counted and mixed into the digest (unless it unwinds an aborted run).
     */
    private void stepTaken(TaskImpl<?> t, int readyCount) {
        steps++;
        if (!killing) {
            mix(t.id);
            mix(readyCount);
        }
        lastReadyCount = readyCount;
    }

    /** The step of {@code t} has ended: the determinism check compares how. */
    private void stepEnded(TaskImpl<?> t) {
        if (determinismCheck != null && !killing) {
            checkStep(t);
        }
    }

    private void checkStep(TaskImpl<?> t) {
        String divergence = determinismCheck.stepEnded(steps, t, lastReadyCount, clock.now(), digest);
        if (divergence != null && abortFailure == null) {
            abortFailure = new NondeterminismDetected(divergence + ". Something outside the simulation decides the "
                    + "run: static state kept between runs, wall-clock time, real I/O, unseeded randomness, or "
                    + "iteration over identity hash codes.");
        }
    }

    private void advanceToNextTimer() {
        long next = timers.nextDeadline();
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
            awaitInbox(System.nanoTime() + (next - clock.now()));
        }
        timers.fireDue(clock.now(), simulated);
    }

    private LimitExceeded offloadTooSlow() {
        StringBuilder callers = new StringBuilder();
        for (TaskImpl<?> t = liveHead; t != null; t = t.liveNext) {
            if (t.blockedOn != null && t.blockedOn.toString().equals(Offloads.WAIT_TEXT)) {
                callers.append(callers.length() == 0 ? "" : ", ").append("task '").append(t.name()).append("' at ")
                        .append(Frames.userFrame(t));
            }
        }
        return new LimitExceeded("the simulation waited " + formatNanos(maxStepWallNanos) + " of real time for work "
                + "offloaded with Loop.toThread that has not returned (" + callers + "; " + when() + "). Nothing "
                + "else runs in a simulation while such work is out, so the run stops here. Make the work finish, "
                + "or raise the limit with Simulation.builder().maxStepWallTime(d) or @SimulatedLoop(maxStepWallTime "
                + "= ...). The offloaded work itself keeps running on its thread: the JVM cannot stop a thread.");
    }

    /** @return whether tasks are ready (a tied timer may then let them run first) */
    boolean hasReadyTasks() {
        return !ready.isEmpty();
    }

    /**
     * @param options how many tied-timer options there are (see {@link Timers})
     * @return the strategy's pick, recorded; -1 when the strategy failed the run
     */
    int pickTimer(int options) {
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

    /**
     * The watchdog's look at this loop (watchdog thread): a step that has run {@code limit} nanos
     * is a runaway in a simulation, and a slow step on a real loop.
     */
    void watch(long now, long limit) {
        TaskImpl<?> r = (TaskImpl<?>) RUNNING.getOpaque(this);
        long s = (long) STEPS.getOpaque(this);
        if (r == null || s != seenSteps || r != seenTask) {
            seenSteps = s;
            seenTask = r;
            seenSince = now;
            return;
        }
        if (now - seenSince < limit || reportedStep == s) {
            return;
        }
        reportedStep = s;
        StackTraceElement[] stack = r.thread.getStackTrace();
        if (simulated) {
            ranAway(r, stack, now - seenSince);
        } else {
            Watchdog.slowStep(r, now - seenSince, stack);
        }
    }

    /** A task of this simulation ran away (watchdog thread): fail the run and release its caller. */
    private void ranAway(TaskImpl<?> t, StackTraceElement[] stack, long nanos) {
        StringBuilder where = new StringBuilder();
        Watchdog.appendStack(where, stack);
        LimitExceeded e = new LimitExceeded("task '" + t.name() + "' ran for " + formatNanos(nanos) + " of real time "
                + "without reaching a checkpoint (maxStepWallTime = " + formatNanos(maxStepWallNanos) + ", step " + seenSteps
                + ", virtual time " + formatNanos(clock.now()) + "): a CPU loop, or a call that blocks its thread, which no "
                + "simulation can schedule around. The run stops here. The task's thread cannot be stopped (the JVM "
                + "cannot kill a thread): it goes on until it reaches a checkpoint, where it unwinds. If the step is "
                + "only slow, raise the limit with Simulation.builder().maxStepWallTime(d) or @SimulatedLoop("
                + "maxStepWallTime = ...). The task is at:" + where);
        e.setStackTrace(stack);
        runaway = e;
        requestStop();
        Drivers.Call<?> c = call;
        if (c != null) {
            c.rescue(new Runaway(new RunOutcome(null, e, seenSteps, clock.now(), choices.toArray(), digest,
                    trace == null ? null : trace.copy())));
        }
    }

    /** How a replay divergence starts: what the evidence says, first. */
    private static final String REPLAY_CHANGED = "the program or its inputs changed since this line was recorded: ";

    /** A strict replay stopped fitting: say at which step, which is what a trace shows. */
    private ReplayDiverged replayDiverged(NondeterminismDetected detail) {
        return new ReplayDiverged(REPLAY_CHANGED + "replay diverged at step " + (steps + 1) + " (virtual time "
                + formatNanos(clock.now()) + "), " + detail.getMessage());
    }

    /** Fails the run with {@code failure} unless it has failed already; it stops at the next step. */
    void abort(Throwable failure) {
        if (abortFailure == null) {
            abortFailure = failure;
        }
    }

    /** @return whether the run has failed and is stopping */
    boolean aborted() {
        return abortFailure != null;
    }

    /** @return whether the tasks of an aborted run are being unwound */
    boolean isKilling() {
        return killing;
    }

    boolean stopRequested() {
        return stopRequested;
    }

    // =====================================================================================
    // Tasks: spawn, submit, finish
    // =====================================================================================

    /**
     * Creates and starts a task in {@code group} (null only for the root task). The task runs up to
     * its first checkpoint even when the group is already cancelled.
     *
     * @param group its group
     * @param name its name, or null for {@code task-<id>}
     * @param body what it runs
     * @param start the start handshake of {@code TaskGroup.start}, or null
     * @param call the API call, for messages
     * @param <T> the value type
     * @return the task
     */
    public <T> TaskImpl<T> spawnTask(GroupImpl group, String name, ThrowingSupplier<T> body, StartState start,
            String call) {
        if (killing) {
            throw new TaskAbandoned("the run has ended");
        }
        int id = nextTaskId++;
        String taskName = name != null ? name : "task-" + id;
        CancelScopeTree.Node parentScope = group == null ? null : group.scope;
        creatingTask = true; // the new thread inherits the caller's thread locals; ThreadGuard must let it be
        TaskImpl<T> t;
        try {
            t = new TaskImpl<>(this, id, taskName, group, body, parentScope, start);
        } finally {
            creatingTask = false;
        }
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
        if (caller != driver && (running == null || caller != running.thread)) {
            // a thread the loop does not own: hand it to the driver (in a simulation, to be held)
            if (simulated) {
                String who = Threads.describe(caller);
                post(() -> outside.foreignWake(t, continuation, who));
            } else {
                post(() -> {
                    if (!t.inReady && !t.done) {
                        makeReady(t, continuation);
                    }
                });
            }
            return;
        }
        if (t.inReady || t.done) {
            return; // a duplicate: the JDK resubmits a runnable thread whose stack was read (Frames.stackOf)
        }
        if (simulated && t == inspecting) {
            // unparked from outside while the driver read its stack: the JDK resubmits it from here
            outside.foreignWake(t, continuation, "a thread the simulation does not own");
            return;
        }
        if (simulated && t == running && caller == driver && VirtualThreads.unparkedWhileParking(t.thread)) {
            t.continuation = continuation; // unparked from outside while it parked: the step goes on
            t.resumeInStep = true;
            return;
        }
        outside.leave(t);
        makeReady(t, continuation);
    }

    /** Puts {@code t} in the ready queue, to resume with {@code continuation}. */
    void makeReady(TaskImpl<?> t, Runnable continuation) {
        t.continuation = continuation;
        t.inReady = true;
        ready.add(t);
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
        t.joiners.unparkAll();
        if (t.start != null && !t.start.started) {
            t.start.childEndedBeforeStarted(this, t);
        } else if (t.group != null) {
            t.group.childFinished(t);
        }
    }

    /**
     * Records that {@code holder} finished while still holding {@code r} (which is now breaking).
     * Rare, so it may build the message now; nothing is recorded when the check is off.
     */
    void resourceLeaked(HeldResource r, TaskImpl<?> holder) {
        if (leakCheck != null) {
            leakCheck.resourceLeaked(r, holder, when());
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
    // Blocking and waking: what every wait is built on (primitives use WaitQueue)
    // =====================================================================================

    /**
     * Blocks the calling task until {@link #wake} (or a cancel that {@code abortable} accepts).
     * The caller must already have checked cancellation and made itself findable by its waker.
     *
     * @param me the calling task
     * @param on what it waits on; its {@code toString()} appears in deadlock reports
     * @param abortable how a cancel removes the task from the wait
     * @return {@link TaskImpl#WAKE_NORMAL}, or {@link TaskImpl#WAKE_CANCELLED} when a cancel
     *     interrupted the wait but a shield now hides it (callers re-check their condition)
     * @throws Cancelled when a cancel interrupted the wait
     */
    int block(TaskImpl<?> me, Object on, Abortable abortable) {
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
        while (me.wake == TaskImpl.WAKE_NONE) {
            LockSupport.park(on);
            if (Thread.interrupted() && me.wake == TaskImpl.WAKE_NONE) {
                interruptedWhileBlocked(me);
            }
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
     * {@code me}'s thread was interrupted while it waited in simloop (or before, and the interrupt
     * was pending): an interrupt of a task is a request to cancel it, as {@code Task.cancel()}
     * does. The wait ends with {@link Cancelled} unless a shield hides the cancellation. An
     * interrupt simloop sent itself (to end a java.util.concurrent wait on a cancel) that is still
     * pending is dropped: that cancel has been delivered through the scopes already.
     */
    private void interruptedWhileBlocked(TaskImpl<?> me) {
        if (me.interruptedByCancel) {
            me.interruptedByCancel = false;
            return;
        }
        CancelScopeTree.cancel(this, me.root, CancelReason.INTERRUPTED); // me is running: deliverCancel skips it
        if (CancelScopeTree.cancelledFor(this, me) != null && me.abortable.abort(me)) {
            if (trace != null) {
                traceEvent(me, Trace.Kind.CANCEL_DELIVERED, "by an interrupt");
            }
            me.wake = TaskImpl.WAKE_CANCELLED;
            me.blockedOn = null;
            me.abortable = null;
        }
    }

    /**
     * Wakes {@code t} if it is blocked on {@code on}: a wake-up names the wait it ends, so a
     * late one (for a wait the task has left) does nothing.
     *
     * @return whether it was woken
     */
    boolean wake(TaskImpl<?> t, Object on) {
        return t.blockedOn == on && wake(t, TaskImpl.WAKE_NORMAL);
    }

    /** Wakes {@code t}, parked in a {@link WaitQueue} that has just unlinked it. */
    boolean wakeParked(TaskImpl<?> t) {
        return wake(t, TaskImpl.WAKE_NORMAL);
    }

    private boolean wake(TaskImpl<?> t, int reason) {
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
        if (t.foreignContinuation != null) {
            // a thread outside unparked it while it waited here (a stray unpark): the JDK has already
            // handed over its continuation, so unparking again would do nothing
            makeReady(t, OutsideWaits.takeHeld(t));
        } else {
            LockSupport.unpark(t.thread);
        }
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

    /**
     * The cancellation half of a checkpoint: raises {@link Cancelled} if {@code me} is inside an
     * effectively cancelled scope. A cancelled checkpoint is still a checkpoint: it first lets the
     * other ready tasks run (and counts a step), so a task that catches {@code Cancelled} in a loop
     * cannot starve the others, or escape a simulation's step limit.
     *
     * @param me the calling task
     */
    public void checkCancelled(TaskImpl<?> me) {
        if (killing) {
            throw new TaskAbandoned("the run has ended");
        }
        if (CancelScopeTree.cancelledFor(this, me) != null) {
            schedulePoint();
            raiseIfCancelled(me); // cancellation is level-triggered: only this task could lift it meanwhile
        }
    }

    /**
     * Raises {@link Cancelled} if {@code me} is inside an effectively cancelled scope, without
     * letting other tasks run ({@code Loop.checkpointIfCancelled}, and where a group or start ends).
     *
     * @param me the calling task
     */
    public void raiseIfCancelled(TaskImpl<?> me) {
        if (killing) {
            throw new TaskAbandoned("the run has ended");
        }
        CancelScopeTree.Node by = CancelScopeTree.cancelledFor(this, me);
        if (by != null) {
            throw CancelScopeTree.newCancelled(by);
        }
    }

    /**
     * A checkpoint: raises a pending cancellation, then lets every other ready task run first.
     *
     * @param me the calling task
     */
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
            // The driver would pick this same task again at once: take that step exactly as drive()
            // and runStep() would (same bookkeeping, same ready-queue stamps), without paying for a
            // continuation switch. This makes an uncontended lock ~10x cheaper.
            TaskImpl<?> me = running;
            stepEnded(me);
            ready.countRemoval();
            stepTaken(me, 1);
            return;
        }
        Thread.yield();
    }

    /**
     * True when yielding could only resume the caller: no other task is ready, nothing waits in the
     * inbox, no stop, limit, failure or offloaded work is pending, and (real mode) no timer is due.
     */
    private boolean nothingElseCouldRun() {
        return ready.isEmpty() && running != null && !inbox.isPending() && !stopRequested && abortFailure == null
                && steps < maxSteps && offloadsInFlight == 0 && (simulated || !timers.anyDue(clock.now()));
    }

    /**
     * Blocks {@code me} until the loop clock reaches {@code deadline}. A checkpoint.
     *
     * @param me the calling task
     * @param deadline loop-clock nanos
     */
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
        timers.disarm(t);
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

    // =====================================================================================
    // Other threads: the inbox, offloaded work, signals
    // =====================================================================================

    /** Runs {@code action} on the driver at its next step. Any thread. */
    void post(Runnable action) {
        inbox.post(action);
    }

    /**
     * Parks the driver until something arrives in the inbox, a stop is requested, or the wall
     * clock reaches {@code wallDeadline} ({@link System#nanoTime()}).
     *
     * @return whether something arrived
     */
    boolean awaitInbox(long wallDeadline) {
        return inbox.await(wallDeadline, this::stopRequested);
    }

    /**
     * Runs {@code work} on a platform thread and returns its result to the calling task.
     *
     * @param me the calling task
     * @param work the work
     * @param <T> its result type
     * @return its result
     * @throws Exception its failure
     */
    public <T> T toThread(TaskImpl<?> me, ThrowingSupplier<T> work) throws Exception {
        return Offloads.call(this, me, work);
    }

    void offloadStarted() {
        offloadsInFlight++;
    }

    void offloadEnded() {
        offloadsInFlight--;
    }

    /** Cancels the root group (SIGINT / SIGTERM in real mode). Thread-safe. */
    void cancelRootFromOutside(CancelReason reason) {
        post(() -> {
            if (rootGroup != null) {
                CancelScopeTree.cancel(this, rootGroup.scope, reason);
            } else if (rootTask != null) {
                CancelScopeTree.cancel(this, rootTask.root, reason);
            }
        });
    }

    // =====================================================================================
    // Ending an aborted run: no task thread outlives its run
    // =====================================================================================

    private void killAll() {
        killing = true;
        if (trace != null) {
            trace.runEnded();
        }
        for (TaskImpl<?> t = liveHead; t != null; t = t.liveNext) {
            if (t.blockedOn != null) {
                if (t.waitQueue != null) {
                    t.waitQueue.remove(t);
                }
                timers.disarm(t.sleepTimer);
                wake(t, TaskImpl.WAKE_KILLED);
            } else if (t.foreignContinuation != null) {
                makeReady(t, OutsideWaits.takeHeld(t));
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
            pickedAmong = 1;
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
        inbox.drain();
        for (TaskImpl<?> t = liveHead; t != null; t = t.liveNext) {
            if (t.foreignContinuation != null) {
                makeReady(t, OutsideWaits.takeHeld(t));
            }
        }
    }

    // =====================================================================================
    // Diagnostics
    // =====================================================================================

    /** The deadlock report of the live tasks; also leaves its cycles in {@link #deadlockCycles}. */
    private String deadlockReport() {
        String header = simulated
                ? "deadlock: every task is blocked and no timer is pending (virtual time " + formatNanos(clock.now())
                        + ", step " + steps + ")."
                : "deadlock: every task is blocked in simloop and no timer or offloaded call is pending (step "
                        + steps + ").";
        DeadlockReport report = DeadlockReport.ofLiveTasks(header, liveHead);
        deadlockCycles = report.cycles();
        return report.message();
    }

    /**
     * Formats loop-clock nanos for messages, e.g. {@code 1.5s} or {@code 2h3m}.
     *
     * @param nanos the nanos
     * @return the text
     */
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
