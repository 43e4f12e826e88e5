package dev.simloop.internal;

import dev.simloop.Cancelled;
import dev.simloop.DeadlockDetected;
import dev.simloop.LeakDetected;
import dev.simloop.LimitExceeded;
import dev.simloop.NondeterminismDetected;
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
 * task's executor (see {@link TaskImpl}), which routes each continuation to the driver; the
 * driver mounts one continuation at a time, so every field below is touched only from the driver's
 * OS thread (by the driver itself or by the task mounted on it) and needs no synchronization —
 * except {@link #stopRequested} and the inbox, which other threads use.
 *
 * <p>A <em>step</em> is one task running from the moment the loop picks it until it yields, blocks
 * or finishes. Every step is counted and mixed into the digest in one place, {@link #stepTaken},
 * whether the driver mounts the task or the task goes on at a checkpoint without a switch: because
 * nothing else could run, or because the strategy, asked on the task's own stack as the driver
 * would ask it after the yield ({@link #pickInline}), chose it again. Who is chosen, and how, is
 * {@link TaskChooser}'s; either path makes the same choices, steps and digest.
 */
public final class Scheduler {
    // ---- configuration: fixed for the run
    final boolean simulated;
    final LoopClock clock;
    private final Picker picker;
    /** Chooses each step's task: forced picks, the priority policy, the strategy; records the choices. */
    private final TaskChooser chooser;
    /** Whether {@link #picker} wants to hear of every object a step operates on (POS). */
    private final boolean tracksObjects;
    private final long maxSteps;
    /**
     * The step a run may not begin: {@link #maxSteps}, or fewer in a strict replay, whose run must
     * end where the line's did ({@link #replayEndsAt}). Read before every step, so one field.
     */
    private long stepLimit;
    /** A strict replay's recorded step count: the run must take exactly these steps; -1 when not a replay. */
    private long replaySteps = -1;
    private final long maxVirtualNanos;
    final long seed;
    /** This run's identity for the primitives its tasks use ({@link RunMark}); made at their first use. */
    private RunMark mark;

    // ---- collaborators
    /** The ready tasks; {@link Steering} moves them where the program asks. */
    final ReadyQueue ready = new ReadyQueue();
    private final Timers timers = new Timers(this);
    private final Inbox inbox = new Inbox();
    final OutsideWaits outside = new OutsideWaits(this);
    final Steering steering = new Steering();
    final GuardMap guards = new GuardMap(); // the thread guard's map, lent to a simulated task for its step only

    // ---- driver-thread state
    Thread driver;
    /** The task whose continuation is mounted right now, or null between steps. */
    private TaskImpl<?> running;
    /**
     * When the driver began to run user code outside any task (the dependents a future's time-out
     * completes: {@code VirtualTime.FutureTimeout}), by {@code System.nanoTime()}; 0 when it does
     * not. Volatile: the watchdog reads it, then {@link #userCodeOnDriver}, to report such code
     * that blocks the driver.
     */
    private volatile long userCodeOnDriverSince;
    /**
     * A real loop's driver waits for work ({@link #awaitWorkIdle}): no step runs, so the watchdog need
     * not look. Volatile: the driver writes it, then reads the watchdog's period; the watchdog writes
     * its period, then reads this (see {@code Watchdog.lookAtAll}): one of them sees the other's write.
     */
    private volatile boolean idle;
    /** What that user code is, for the watchdog's report; published by {@link #userCodeOnDriverSince}. */
    private String userCodeOnDriver;
    private int nextTaskId;
    /** Unfinished tasks in spawn order. */
    private final LiveTasks live = new LiveTasks();
    TaskImpl<?> rootTask;
    /** The root task's name: {@code main}, or a {@code Workers} worker's {@code worker-i} (its own real loop). */
    private String rootName = "main";
    GroupImpl rootGroup;
    /** Why the root group is to be cancelled as it opens ({@link #cancelRootGroupAtStart}); null for no such cancel. */
    dev.simloop.CancelReason rootCancelAtStart;
    /** How many interrupts of a real loop's caller it has seen ({@link #callerInterrupted}); the caller's thread only. */
    private int callerInterrupts;
    /** Steps taken so far, counted by {@link #stepTaken}. */
    private long steps;
    /** Steps of the run itself, without those that unwind an aborted run's tasks. */
    private long stepsTaken;
    /** FNV-1a style running hash of every scheduling decision and clock jump. */
    private long digest = 0xcbf29ce484222325L;
    /** How many tasks the last step's task was chosen among (for the determinism check's reports). */
    private int lastReadyCount;
    /** The task whose step is ending in {@code Loop.spinWait()}: it yields, but is no task that goes on. */
    private TaskImpl<?> spinning;
    /** Whether a task of the run has called {@code Loop.spinWait()}: the step limit's message says to when none has. */
    private boolean spinWaited;
    /** The next step's task, chosen inline by the step that just yielded ({@link #pickInline}), or null. */
    private TaskImpl<?> preselected;
    /** Whether {@link #pickInline} has ended the running step (the driver must not end it again). */
    private boolean stepClosedInline;
    /** Set once when the run must stop abnormally (deadlock, limit, nondeterminism). */
    private Throwable abortFailure;
    /**
     * System property: how long a real loop waits with every task outside simloop before it logs so
     * ({@link #awaitOutsideWaits}), an ISO-8601 duration; default {@code PT10S}. Read when a loop
     * first waits so, not at every step.
     */
    static final String IDLE_WARNING_PROPERTY = "simloop.idleWarning";
    /**
     * The step count when the idle real loop was last judged (warned of, or found an idle server whose
     * outside waits are all network I/O), or -1: judged once per step, so once per idle spell.
     */
    private long idleJudgedAtStep = -1;
    /** How many failures while unwinding the run's failure carries as suppressed, at most (a million tasks may fail). */
    private static final int MAX_UNWIND_FAILURES = 100;
    /** The failures seen while unwinding, by identity (made at the first); and how many were not attached. */
    private java.util.Set<Throwable> unwindFailures;
    private int unwindFailuresOmitted;
    /**
     * Guards the run's failure while the driver unwinds and the watchdog may hand it to the caller
     * ({@link #ranAway}); after that hand-over ({@link #failureHandedOver}) nothing is added to it.
     */
    private final Object unwindLock = new Object();
    private boolean failureHandedOver;
    /** True while unwinding the tasks of an aborted run: every runtime call then throws. */
    private boolean killing;
    /**
     * What the running step leaves for the driver to do once its task has yielded or parked (a
     * simulation's offloaded work, started then: {@link Offloads#call}), in order; null: nothing.
     */
    private List<Runnable> afterStep;
    /** Offloaded calls ({@code Loop.toThread}) whose completion has not come back yet. */
    private int offloadsInFlight;
    /**
     * Those of {@link #offloadsInFlight} whose caller has stopped waiting (a cancel abandoned the
     * wait): their completion wakes no task, so an idle real loop does not wait for them. At most
     * {@code offloadsInFlight}.
     */
    private int offloadsAbandoned;
    /**
     * The generator user code draws from ({@link #random}), seeded from the run's seed: made at its
     * first use, since most runs never ask (its sequence does not depend on when it is made).
     * Driver thread only (its callers are tasks).
     */
    private SplittableRandom userRandom;
    /** The last hash code {@link RunHashes} handed out in this run. Driver thread only (its callers are tasks). */
    private int objectHashes;
    /** The run's events when tracing is on; null (the default) costs one check per hook. */
    private final Observers observers = new Observers();
    final AllBlockedWaiters allBlocked = new AllBlockedWaiters();
    /** The determinism self-check recording or comparing every step; null (the default) when off. */
    private DeterminismCheck determinismCheck;
    /** The leak check, or null when off: a run that ends with resources still held fails with {@link LeakDetected}. */
    private LeakCheck leakCheck;

    /** Whether any scope of this loop was ever cancelled or given a deadline; false: no scope walk can find a cancel. */
    boolean scopesStirred;
    /**
     * Counts the changes to this loop's scopes that can change what a scope walk finds (a cancel, a
     * deadline set or moved, a shield raised or lifted): a walk's result kept on its scope
     * ({@link CancelScopeTree#visibleCancel}) holds while this count has not moved.
     */
    long scopeChanges;
    /** Set while simloop itself creates a task's thread, so {@link ThreadGuard} lets it be. */
    boolean creatingTask;
    /** The task whose stack the driver is reading ({@link Frames#stackOf}), or null. */
    TaskImpl<?> inspecting;
    /**
     * The loop's open {@link dev.simloop.PersistentTaskGroup}s by their groups, in open order; made
     * at the first. The loop's own, not a map shared by all loops: a lock shared by loops on other
     * drivers would make a task wait for another simulation (a wait in a run that no seed decides).
     * Keyed by group (identity), so that finding the one a task runs in, and closing one, does not
     * walk every open group. Driver only.
     */
    private java.util.LinkedHashMap<GroupImpl, dev.simloop.PersistentTaskGroup> persistentGroups;
    /** How long a step may hold the driver, or the driver wait for the outside, before the run fails (10 s). */
    private long maxStepWallNanos = 10_000_000_000L;

    // ---- cross-thread state
    private volatile boolean stopRequested;
    /** Set by the watchdog when a task ran away; the run's failure once the driver gets control back. */
    private volatile LimitExceeded runaway;
    /** The call of {@link Drivers} that waits for this run, which the watchdog rescues; null when inline-less. */
    private Drivers.Call<?> call;

    /** What the watchdog saw of this loop last (watchdog thread only). */
    final Watchdog.Probe probe = new Watchdog.Probe(this);

    static {
        WarmUp.start(); // the JDK's start-up work a first run needs, done beside the caller (issue 15)
    }

    private Scheduler(boolean simulated, Picker picker, long seed, long maxSteps, long maxVirtualNanos) {
        this.simulated = simulated;
        this.clock = simulated ? new LoopClock.Virtual() : new LoopClock.Wall();
        this.picker = picker;
        this.tracksObjects = picker.tracksObjects();
        this.chooser = new TaskChooser(picker, steering, simulated);
        this.seed = seed;
        this.maxSteps = maxSteps;
        this.stepLimit = maxSteps;
        this.maxVirtualNanos = maxVirtualNanos;
    }

    /** Names the root task, before {@link #run}. */
    public void nameRoot(String name) {
        rootName = name;
    }

    /**
     * Makes this run a strict replay of a line whose run took {@code steps} steps: the run must take
     * as many, as the recorded choices alone do not show a step added or dropped where nobody
     * chose (one more checkpoint of a lone task, a sleep). A run that would go on past them, or
     * ends before them, fails with {@link dev.simloop.ReplayDiverged}.
     *
     * @param steps the line's step count; negative when the line does not say
     */
    public void replayEndsAt(long steps) {
        if (steps >= 0) {
            replaySteps = steps;
            stepLimit = Math.min(maxSteps, steps);
        }
    }

    /** @return a real-mode loop: wall clock, FIFO order, no limits */
    public static Scheduler real() {
        Current.requireOutsideLoop("Loop.run");
        Scheduler loop = new Scheduler(false, FifoPicker.INSTANCE, System.nanoTime(), Long.MAX_VALUE, Long.MAX_VALUE);
        VirtualThreads.check(); // after building the loop, which needs no threads: meanwhile the WarmUp loads them
        return loop;
    }

    /**
     * A simulated loop, made on the thread that will run it (its driver). The thread that asked for
     * the run checks {@link #requireCanSimulate} first, on its own side: on a driver the check would
     * always pass.
     *
     * @param picker makes the choices, which the loop records
     * @param seed the run's seed (it also seeds {@code Loop.random()})
     * @param maxSteps the step limit
     * @param maxVirtualTime the virtual-time limit
     * @return a simulated loop: virtual clock, choices made by {@code picker} and recorded
     */
    public static Scheduler simulated(Picker picker, long seed, long maxSteps, Duration maxVirtualTime) {
        return new Scheduler(true, picker, seed, maxSteps, Nanos.saturated(maxVirtualTime));
    }

    /**
     * Checks that the calling thread may run a simulation: it is no task of a loop, and this JVM
     * has the virtual threads simloop needs. A caller that makes its loop on a driver checks first
     * on its own thread, since the driver is outside every loop.
     *
     * @param call the API call, for the message
     * @throws IllegalStateException when it may not
     */
    public static void requireCanSimulate(String call) {
        Current.requireOutsideLoop(call);
        VirtualThreads.check(); // as in real()
    }

    // ---- settings: each call before run()

    /** @param d how long a step may run, or a simulation wait for work outside it, before the run fails */
    public void setMaxStepWallTime(Duration d) {
        this.maxStepWallNanos = Math.max(1, Nanos.saturated(d));
    }

    long maxStepWallNanos() {
        return maxStepWallNanos;
    }

    /** Records the run's events into a {@link Trace}. */
    public void enableTrace() {
        observers.enableTrace();
    }

    /** @param check the first run's recording to fill, or a comparison with it (see {@link DeterminismCheck}) */
    public void checkDeterminism(DeterminismCheck check) {
        this.determinismCheck = check;
    }

    /** @return the run's trace, or null when tracing was off */
    public Trace trace() {
        return observers.trace();
    }

    /** @param policy the priority policy of the run, or null for plain strategy order */
    public void setPriorityPolicy(PriorityScheduling policy) {
        chooser.priorityPolicy = policy;
    }

    /** @param on whether a run that ends with locks still held (or tasks alive) fails with {@link LeakDetected} */
    public void setCheckLeaks(boolean on) {
        this.leakCheck = on ? new LeakCheck() : null;
    }

    // ---- Running

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
        if (Current.orNull() != null) {
            throw new IllegalStateException("cannot start a loop from inside a simloop task: "
                    + "use a TaskGroup to run concurrent work in the current loop");
        }
        if (!Drivers.onDriverThread()) {
            return Drivers.call(() -> run(rootBody), caller -> requestStop()); // tasks find their loop on its driver
        }
        driver = Thread.currentThread();
        inbox.setDriver(driver);
        call = Drivers.currentCall();
        if (!simulated) {
            Signals.register(this);
        }
        Scheduler outer = Drivers.enter(this);
        Watchdog.watch(this);
        try {
            rootTask = spawnTask(null, rootName, rootBody, null, null);
            drive();
            stepsTaken = steps; // unwinding an aborted run takes steps too, but they are not the run's
            if (abortFailure != null) {
                attachPendingFailures(); // before the unwinding, which would end the groups' waits without them
                killing = true;
                observers.runEnded();
                Teardown.unwind(this, ready);
                unwindFailuresCounted();
            }
            endEscapedFutureTimeouts();
        } finally {
            closeInbox();
            guards.loopEnded();
            Drivers.enter(outer);
            if (!simulated) {
                Signals.unregister(this);
            }
        }
        return new RunOutcome(rootTask.value(), endOfRunFailure(), stepsTaken, clock.now(), chooser.choices.toArray(),
                chooser.preemptions, digest, observers.trace());
    }

    /**
     * The run has ended with time-outs of {@code CompletableFuture.orTimeout}/{@code completeOnTimeout}
     * still armed: their futures escaped the run, whose clock stopped with it, so the time-out would
     * never fire and a {@code join()} of one after the run would hang; each such future fails now,
     * saying so.
     */
    private void endEscapedFutureTimeouts() {
        if (timers.size() == 0) {
            return; // most runs: no copy of an empty heap
        }
        for (Timer t : timers.snapshot()) {
            if (t instanceof VirtualTime.FutureTimeout f) {
                timers.disarm(t);
                f.runEnded(this);
            }
        }
    }

    /**
     * A task failed while the aborted run unwound (a {@code finally} block that threw, say): the
     * run's failure carries it as suppressed, so that it is not lost. Once: a group that unwinds
     * rethrows its child's failure, which then reaches this again, itself or as a cause. The first
     * {@link #MAX_UNWIND_FAILURES} are attached and the rest counted, so that a million tasks that
     * fail as they unwind cost a set lookup each, not a scan of the others.
     */
    void failedWhileUnwinding(Throwable failure) {
        if (failure instanceof dev.simloop.Cancelled || abortFailure == null) {
            return;
        }
        synchronized (unwindLock) {
            if (!failureHandedOver) {
                keepUnwindFailure(failure);
            }
        }
    }

    private void keepUnwindFailure(Throwable failure) {
        if (unwindFailures == null) {
            unwindFailures = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        }
        if (failure == abortFailure) {
            return; // the run's failure itself, which a task threw (a rule broken in the step that aborted the run)
        }
        int depth = 0;
        for (Throwable f = failure; f != null && depth++ < 1_000; f = f.getCause()) { // a cause chain may loop
            if (unwindFailures.contains(f)) {
                return; // a group's rethrow of its child's failure, itself or as a cause
            }
        }
        unwindFailures.add(failure);
        if (unwindFailures.size() <= MAX_UNWIND_FAILURES) {
            abortFailure.addSuppressed(failure);
        } else {
            unwindFailuresOmitted++;
        }
    }

    /** After the unwinding: says how many failures {@link #failedWhileUnwinding} did not attach. */
    private void unwindFailuresCounted() {
        synchronized (unwindLock) {
            if (unwindFailuresOmitted > 0 && !failureHandedOver) {
                abortFailure.addSuppressed(new IllegalStateException(unwindFailuresOmitted + " more tasks failed while"
                        + " the aborted run unwound; the first " + MAX_UNWIND_FAILURES + " of those failures are attached"));
            }
        }
    }

    /** The run's failure, after the end-of-run checks: replay fully used, determinism, leaks. */
    private Throwable endOfRunFailure() {
        // A deadlock ends a run as its last task's end does (no limit or stop cut it short), so a
        // strict replay that deadlocks before the line's end diverged as one that ends sooner does.
        Throwable deadlock = abortFailure instanceof DeadlockDetected ? abortFailure : null;
        if (abortFailure == null || deadlock != null) {
            try {
                picker.runEnded(chooser.choices.size());
                if (stepsTaken < replaySteps) {
                    throw new NondeterminismDetected("the run ended after " + stepsTaken + " steps, and the line's run"
                            + " took " + replaySteps + ".");
                }
            } catch (NondeterminismDetected e) {
                abortFailure = ReplayPicker.diverged("at the end of the run (step " + stepsTaken + ", virtual time "
                        + Nanos.format(clock.now()) + (deadlock != null ? ", in a deadlock" : "") + "): ", e,
                        determinismCheck != null);
                if (deadlock != null) {
                    abortFailure.addSuppressed(deadlock);
                }
            }
        }
        Throwable failure = abortFailure != null ? abortFailure : rootTask.failureAsJoined();
        if (determinismCheck != null) {
            failure = determinismCheck.failureAtEnd(stepsTaken, digest, failure);
        }
        mix(failure == null ? 0 : failure.getClass().getName().hashCode());
        return leakCheck == null ? failure : leakCheck.apply(failure, live.head(), abortFailure != null, this);
    }

    /**
     * A strict replay is about to take a step the line's run did not take. The line does not say
     * whether its run ended there or was stopped (a limit, a time-out), so the message gives both.
     */
    private dev.simloop.ReplayDiverged pastTheReplayedRun() {
        return new dev.simloop.ReplayDiverged("the replay goes on past the end of the line's run, which took "
                + replaySteps + " steps (step " + (steps + 1) + ", virtual time " + Nanos.format(clock.now()) + "). If"
                + " that run was stopped there (by maxSteps or maxVirtualTime, a test's time-out, a step over its"
                + " wall-time limit), replay it with the same limit, or with lenientReplay(true) to go on past the line"
                + " with its strategy; if it ended there, the program or its inputs changed since the line was recorded"
                + " (a step added where nobody chooses: one more checkpoint or sleep of a lone task)."
                + (determinismCheck != null ? "" : ReplayPicker.IF_UNCHANGED));
    }

    /** @return the step and virtual time now, for messages */
    String when() {
        return "step " + steps + (simulated ? ", virtual time " : ", loop time ") + Nanos.format(clock.now());
    }

    /**
     * Cancels the root group as it opens, for {@code reason} (the first cancel wins): a stop asked
     * for before the main task has opened it, or before the run starts. The caller's thread before
     * the run, the driver's during it.
     */
    public void cancelRootGroupAtStart(dev.simloop.CancelReason reason) {
        if (rootCancelAtStart == null) {
            rootCancelAtStart = reason;
        }
    }

    /**
     * A real loop's caller was interrupted (a {@code Future.cancel(true)}, an executor's
     * {@code shutdownNow()}): the first time, the root group is cancelled as SIGTERM cancels it, so
     * that clean-up runs and {@code Loop.run} returns with no value; a task that ignores that
     * cancellation is stopped by the next interrupt, at the loop's next step. The caller's thread.
     */
    public void callerInterrupted() {
        if (callerInterrupts++ == 0) {
            LoopStopper.cancelRoot(this, dev.simloop.CancelReason.INTERRUPTED);
        } else {
            requestStop();
        }
    }

    /** Asks a running loop to stop at its next step (used when the caller is interrupted). Any thread. */
    public void requestStop() {
        stopRequested = true;
        inbox.wakeDriver();
    }

    /**
     * Whether the run has ended by itself: a stop asked during its last step (the caller interrupted
     * as it ended) must not turn an outcome that is already there into a "stopped" failure.
     */
    private boolean finished() {
        return rootTask.done && ready.isEmpty() && live.head() == null;
    }

    private void drive() {
        for (;;) {
            readyInterrupted(); // the tasks the last step, or a timer that fired, interrupted
            TaskImpl<?> chosen = preselected; // chosen by the last step, inline (pickInline)
            if (chosen != null) {
                preselected = null;
                runStep(chosen);
                continue;
            }
            if (inbox.isPending()) {
                inbox.drain();
            }
            if (abortFailure != null) {
                return;
            }
            if (stopRequested && (runaway != null || !finished())) {
                abortFailure = runaway != null ? runaway : Limits.stopped(when(), live.head());
                return;
            }
            if (offloadsInFlight > 0 && simulated) {
                // A simulation waits for offloaded work before anything else runs, so the moment its
                // result re-enters the loop is the same in every run.
                if (!awaitInbox(System.nanoTime() + maxStepWallNanos) && !stopRequested) {
                    abortFailure = Offloads.tooSlow(this);
                }
                continue;
            }
            if (simulated ? timers.takeArmedDue() : timers.anyDue(clock.now())) {
                // Real time passes while tasks run; virtual time does not, so in a simulation only a
                // timer armed already due can be due here (Timers.takeArmedDue)
                timers.fireDue(clock.now(), simulated);
                continue; // what the timers woke or interrupted is ready before the next pick
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
            if (steps >= stepLimit) {
                abortFailure = steps < maxSteps ? pastTheReplayedRun()
                        : Limits.maxSteps(steps, maxSteps, clock.now(), CancelScopeTree.swallowedCancelsAmong(live.head()),
                                spinWaited, live.head(), timers.isEmpty() ? Limits.NO_TIMER : timers.nextDeadline());
                return;
            }
            TaskImpl<?> next = pickNext(null);
            if (next == null) {
                return; // the strategy failed the run (a replay that no longer fits)
            }
            runStep(next);
        }
    }

    /**
     * @return whether, as the running task's step ends, nothing else could happen: no task ready or
     *     about to be (one the step interrupted, {@link #readyAtStepEnd}: a pool's worker whose job
     *     {@code Future.cancel(true)} ended, which then completes the future the task waits for), no
     *     timer that would move the clock, no task in {@code Loop.waitAllTasksBlocked} (OutsideWaits)
     */
    boolean nothingElseToDo() {
        return ready.isEmpty() && (interruptedInStep == null || interruptedInStep.isEmpty()) && stuck()
                && !allBlocked.anyWaiting();
    }

    /** @return whether no timer would move the clock (none is armed, or only time-outs that count as untimed; see OutsideWaits) */
    private boolean stuck() {
        return timers.isEmpty() || outside.onlyLongWaitTimeoutsLeft(timers.size());
    }

    /**
     * Nothing is ready: resume tasks woken from outside, or move the clock to the next timer, or
     * wait for the outside world (real mode), or report a deadlock.
     *
     * @return false when the run must stop
     */
    private boolean idle() {
        boolean stuck = stuck();
        if (simulated && outside.onIdle(stuck)) {
            return abortFailure == null;
        }
        if (allBlocked.wakeAll()) {
            return true; // before the clock moves: Loop.waitAllTasksBlocked
        }
        if (!stuck) {
            advanceToNextTimer();
            return true;
        }
        if (!simulated && offloadsInFlight > offloadsAbandoned) {
            // a task waits for offloaded work; work abandoned by its caller's cancel wakes nobody when
            // it returns (maybe never: a blocking call with no time-out), so it is not waited for here:
            // a deadlock of the others is reported, and tasks parked outside get the idle warning
            awaitWorkIdle(Long.MAX_VALUE);
            return true;
        }
        if (!simulated && outside.countParkedReal() > 0) {
            awaitOutsideWaits();
            return true;
        }
        DeadlockReport report = DeadlockReport.ofLiveTasks(
                DeadlockReport.header(simulated, clock.now(), steps, timers.isEmpty()), live.head());
        String note = simulated ? outside.deadlockNote(!report.cycles().isEmpty()) : null;
        abortFailure = new DeadlockDetected(note == null ? report.message() : report.message() + "\n" + note,
                report.cycles());
        return false;
    }

    /**
     * Nothing is lost when a run is aborted (a deadlock, a limit, a stop): a group that waits for
     * its tasks while failing (a task that ignores or swallows the cancel keeps it waiting) would
     * rethrow its failure once they end, and now never will; each such failure is attached to the
     * run's failure as suppressed, once (the unwinding's failures are checked against them).
     */
    private void attachPendingFailures() {
        synchronized (unwindLock) {
            for (TaskImpl<?> t = live.head(); t != null; t = t.liveNext) {
                if (t.blockedOn instanceof GroupImpl g && g.pendingFailure() != null) {
                    keepUnwindFailure(g.pendingFailure());
                }
            }
        }
    }

    /**
     * A real loop whose every task waits, some outside simloop (in java.util.concurrent, on a future,
     * ...), with no timer pending: a thread outside the loop may still wake one, so this is no
     * deadlock the loop can prove, and it waits. But a wait that lasts {@link #IDLE_WARNING_PROPERTY}
     * (10 s) is logged once per idle spell (WARNING, "dev.simloop") with every task's wait, so that
     * a deadlock in JDK locks does not hang a service without a word; not when every task parked
     * outside simloop waits for network I/O and there is no wait-for cycle, which is how an idle
     * server waits (the JDK's poller wakes it).
     */
    private void awaitOutsideWaits() {
        long warnAfter = Watchdog.durationProperty(IDLE_WARNING_PROPERTY, 10_000_000_000L, "10 s");
        if (awaitWorkIdle(System.nanoTime() + warnAfter) || stopRequested || idleJudgedAtStep == steps) {
            return; // warned of, or found an idle server, since the last step: nothing has changed
        }
        idleJudgedAtStep = steps;
        DeadlockReport report = DeadlockReport.ofLiveTasks("a real loop has been idle for " + Nanos.format(warnAfter)
                + " (step " + steps + "): every task waits, some outside simloop, and no timer or offloaded call is"
                + " pending. Unless a thread outside the loop will wake one of them, this is a deadlock.", live.head());
        if (report.cycles().isEmpty() && OutsideWaits.onlyNetworkIoOutside(live.head())) {
            return; // an idle server: looked at again once a step has run
        }
        Watchdog.warn(report::message);
    }

    /** The strategy (a replay) no longer fits the run: it fails at the coming step. */
    private void strategyDiverged(NondeterminismDetected e) {
        abortFailure = ReplayPicker.diverged("at step " + (steps + 1) + " (virtual time " + Nanos.format(clock.now()) + "), ", e,
                determinismCheck != null);
    }

    /** @return the next step's task, chosen after {@code yielding}'s step (inline), or null: the strategy failed the run */
    private TaskImpl<?> pickNext(TaskImpl<?> yielding) {
        try {
            return yielding == null ? chooser.pick(ready) : chooser.pickAfterYield(ready, yielding, yielding == spinning);
        } catch (NondeterminismDetected e) {
            strategyDiverged(e);
            return null;
        }
    }

    /** One step: mounts {@code t} until it yields, blocks or finishes. */
    private void runStep(TaskImpl<?> t) {
        if (!t.interruptedWhenLeft && t.thread.isInterrupted() && !killing) {
            CancelScopeTree.interruptedOutside(this, t); // an interrupt found it ready; t is still marked so: see there
        }
        stepTaken(t, chooser.pickedAmong);
        t.inReady = false;
        if (observers.on()) {
            traceEvent(t, Trace.Kind.RUN, "");
        }
        guards.lend(t); // for as long as the task is mounted
        do {
            running = t;
            t.continuation.run();
            running = null;
        } while (outside.stepGoesOn(t));
        guards.takeBack(t);
        if (afterStep != null) {
            runAfterStep();
        }
        t.interruptedWhenLeft = t.thread.isInterrupted();
        if (scopesStirred && !t.done && !t.inReady && t.blockedOn == null) {
            CancelScopeTree.parkedOutside(this, t); // a java.util.concurrent wait begun in a cancelled scope
        }
        if (stepClosedInline) {
            stepClosedInline = false; // pickInline ended the step before the yield
        } else {
            stepEnded(t);
            chooser.yielded = t.inReady ? t : null;
            chooser.yieldedSpinning = t == spinning;
            if (!t.done) {
                observers.stepEnded(clock.now(), steps, t);
            }
        }
        if ((steps & 255) == 0 && stopRequested) {
            inbox.wakeDriver();
        }
    }

    /** Has the driver run {@code action} once the running step's task has left the driver (the running task only). */
    void afterStep(Runnable action) {
        if (afterStep == null) {
            afterStep = new ArrayList<>(2);
        }
        afterStep.add(action);
    }

    private void runAfterStep() {
        List<Runnable> actions = afterStep;
        afterStep = null;
        actions.forEach(Runnable::run);
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
            String divergence = determinismCheck.stepEnded(steps, t, lastReadyCount, clock.now(), digest);
            if (divergence != null && abortFailure == null) {
                abortFailure = DeterminismCheck.failure(divergence);
            }
        }
    }

    private void advanceToNextTimer() {
        long next = timers.nextDeadline();
        if (simulated) {
            if (next > maxVirtualNanos) {
                abortFailure = Limits.maxVirtualTime(clock.now(), next, maxVirtualNanos, live.head());
                return;
            }
            ((LoopClock.Virtual) clock).advanceTo(next);
            mix(next);
        } else {
            awaitWorkIdle(System.nanoTime() + (next - clock.now()));
        }
        timers.fireDue(clock.now(), simulated);
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
            index = chooser.pickTimer(options);
        } catch (NondeterminismDetected e) {
            strategyDiverged(e);
            return -1;
        }
        mix(~index);
        mix(options);
        return index;
    }

    /**
     * A task of this simulation ran away (watchdog thread): the run fails with {@code e} when the
     * driver gets control back, and its caller is released now with the run as far as it got.
     */
    void ranAway(LimitExceeded e, long atStep) {
        Throwable failure = e;
        if (killing && abortFailure != null) {
            // a task that would not unwind: the run failed already, with what the caller must see. The
            // caller gets it now, while the driver may go on unwinding: nothing is added to it after this
            synchronized (unwindLock) {
                failureHandedOver = true;
                abortFailure.addSuppressed(e);
            }
            failure = abortFailure;
            atStep = stepsTaken;
        }
        runaway = e;
        requestStop();
        Drivers.Call<?> c = call;
        if (c != null) {
            c.rescue(new Runaway(new RunOutcome(null, failure, atStep, clock.now(), chooser.choices.toArray(),
                    chooser.preemptions, digest, observers.trace() == null ? null : observers.trace().copy())));
        }
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

    /**
     * The error for a call on an object of this loop (a task, group, scope) from a task of another:
     * most often a handle kept from an earlier run, in a static field or a test fixture.
     *
     * @param what the object, as the message names it
     * @param caller the calling task, of another loop
     */
    public IllegalStateException notThisLoop(String call, String what, TaskImpl<?> caller) {
        boolean ended = rootTask != null && rootTask.done;
        return new IllegalStateException(call + ": " + what + " belongs to another loop" + (ended ? ", whose run has"
                + " ended," : "") + " than the calling " + caller + "; use it from its own loop's tasks only (keep no"
                + " task, group or scope of a run, in a static field or a test fixture, for later runs)");
    }

    /** @return whether the tasks of an aborted run are being unwound */
    boolean isKilling() {
        return killing;
    }

    boolean stopRequested() {
        return stopRequested;
    }

    // ---- Tasks: spawn, submit, finish

    /**
     * Creates and starts a task in {@code group} (null only for the root task), named {@code name}
     * (null: {@code task-<id>}), running {@code body} (see {@link TaskImpl#runBody}); {@code start}: the handshake of
     * {@code TaskGroup.start}, or null. It runs up to its first checkpoint even in a cancelled group.
     */
    public <T> TaskImpl<T> spawnTask(GroupImpl group, String name, Object body, StartState start,
            String call) {
        TaskImpl<T> t = addTask(group, name, body, start, null);
        TaskThreads.start(t.thread);
        return t;
    }

    /** As {@link #spawnTask}, not started; {@code adopted}: its thread, made elsewhere (ThreadTasks), or null. */
    <T> TaskImpl<T> addTask(GroupImpl group, String name, Object body, StartState start, Thread adopted) {
        if (killing) {
            throw new TaskAbandoned("the run has ended");
        }
        int id = nextTaskId++;
        String taskName = name != null ? name : TaskImpl.defaultName(id);
        CancelScopeTree.Node parentScope = group == null ? null : group.scope;
        creatingTask = true; // the new thread inherits the caller's thread locals; ThreadGuard must let it be
        TaskImpl<T> t;
        try {
            t = new TaskImpl<>(this, id, taskName, group, body, parentScope, start, adopted);
        } finally {
            creatingTask = false;
        }
        live.add(t);
        if (group != null) {
            group.childStarted(t);
        }
        picker.onSpawn(t);
        if (determinismCheck != null) {
            determinismCheck.spawned(t);
        }
        if (tracing()) {
            traceEvent(t, Trace.Kind.SPAWN, running == null ? "" : "by " + Trace.label(running), running);
        }
        return t;
    }

    /**
     * Tasks the running task interrupted in this step, or the driver between steps (a timer that
     * fired), as the JDK unparked them, in the order of the interrupts; made ready in spawn order
     * before the driver goes on to the next step ({@link #readyInterrupted}). Null
     * until a run first needs it. Why: JDK code interrupts several threads in an order of its own
     * that no schedule chose and that differs between runs of one seed: a pool's {@code shutdownNow}
     * and {@code close} walk their workers in a {@code HashSet} (identity hash codes), a
     * {@code StructuredTaskScope} its threads in a set. Made ready in that order, the same seed made
     * different runs, and its replay line another.
     */
    private List<TaskImpl<?>> interruptedInStep;

    /** A task the running task or the driver interrupted: it becomes ready in spawn order among those, a little later. */
    void readyAtStepEnd(TaskImpl<?> t, Runnable continuation) {
        if (interruptedInStep == null) {
            interruptedInStep = new ArrayList<>();
        } else if (interruptedInStep.contains(t)) {
            return; // a duplicate submission of the same wake-up
        }
        t.continuation = continuation;
        interruptedInStep.add(t);
    }

    /** Between steps: the tasks interrupted since the last call become ready, in spawn order. */
    private void readyInterrupted() {
        List<TaskImpl<?>> woken = interruptedInStep;
        if (woken == null || woken.isEmpty()) {
            return;
        }
        woken.sort(java.util.Comparator.comparingInt(x -> x.id));
        for (TaskImpl<?> x : woken) {
            if (!x.inReady && !x.done) {
                outside.leave(x);
                makeReady(x, x.continuation);
                CancelScopeTree.interruptedOutside(this, x);
            }
        }
        woken.clear();
    }

    /**
     * Runs user code on the driver, outside any task ({@code what} names it for a report): a
     * watchdog reports it when it blocks the driver for {@code maxStepWallTime}, as it reports a
     * task's step, instead of the run hanging without a word.
     */
    void runUserCodeOnDriver(String what, Runnable code) {
        userCodeOnDriver = what;
        userCodeOnDriverSince = System.nanoTime();
        try {
            code.run();
        } finally {
            userCodeOnDriverSince = 0;
        }
    }

    /**
     * @return what user code the calling thread runs as a loop's driver outside any task
     *     ({@link #runUserCodeOnDriver}), for the message of a runtime call made from it; null: none
     */
    static String userCodeOnThisDriver() {
        Scheduler loop = Drivers.loopOn(Thread.currentThread());
        return loop != null && loop.userCodeOnDriverSince != 0 ? loop.userCodeOnDriver : null;
    }

    /** @return since when the driver runs user code outside any task ({@link #runUserCodeOnDriver}); 0: it does not */
    long userCodeOnDriverSince() {
        return userCodeOnDriverSince;
    }

    /** @return what user code the driver runs outside any task; read after {@link #userCodeOnDriverSince()} */
    String userCodeOnDriver() {
        return userCodeOnDriver;
    }

    /** Puts {@code t} in the ready queue, to resume with {@code continuation}. */
    void makeReady(TaskImpl<?> t, Runnable continuation) {
        t.continuation = continuation;
        t.inReady = true;
        ready.add(t);
    }

    /**
     * Records a leak: a resource a task finished holding (which is now breaking), a persistent group
     * still open when the run ended. Nothing is recorded (or built) when the check is off.
     */
    public void leaked(java.util.function.Supplier<String> what) {
        if (leakCheck != null) {
            leakCheck.leaked(what.get(), when(), null);
        }
    }

    /**
     * Records a leak that a task may still put right before the run ends, as {@link #leaked}: it
     * counts only if {@code stillLeaked} holds then (a persistent group whose keeper a cancel of the
     * root group ended before the {@code finally} that shuts the group down ran).
     */
    public void leakedUnlessPutRight(java.util.function.BooleanSupplier stillLeaked, java.util.function.Supplier<String> what) {
        if (leakCheck != null) {
            leakCheck.leaked(what.get(), when(), stillLeaked);
        }
    }

    /** @return the loop's open persistent groups by their groups, in open order (its tasks add and remove them; driver only) */
    public java.util.Map<GroupImpl, dev.simloop.PersistentTaskGroup> persistentGroups() {
        if (persistentGroups == null) {
            persistentGroups = new java.util.LinkedHashMap<>();
        }
        return persistentGroups;
    }

    /** @return the first unfinished task in spawn order (follow {@code liveNext}), or null */
    TaskImpl<?> liveHead() {
        return live.head();
    }

    /** {@code t} has finished (called by the task as it ends): it leaves the live tasks. */
    void taskEnded(TaskImpl<?> t) {
        live.remove(t);
    }

    // ---- Blocking and waking: what every wait is built on (primitives use WaitQueue)

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
        // Parks here, only me live across: every frame and live value is kept in each parked stack
        // (issue 15); Thread.interrupted() only when set (its lock's code widened the frame). An
        // interrupt that comes after the wake-up is not this wait's: it stays set, for the next wait
        // (a simloop one is cancelled by it, a java.util.concurrent one throws InterruptedException).
        while (me.wake == TaskImpl.WAKE_NONE) {
            LockSupport.park(me.blockedOn);
            if (me.wake == TaskImpl.WAKE_NONE && Thread.currentThread().isInterrupted() && Thread.interrupted()) {
                endIfPinned(me);
                CancelScopeTree.interruptedWhileBlocked(me.loop, me);
            }
        }
        return woken(me);
    }

    /**
     * Ends {@code me}'s wait with an {@link IllegalStateException} when the watchdog found it parked
     * pinned to the driver (inside a static initializer, say), where nothing else could ever end it
     * ({@link Watchdog.Probe#pinnedWaitOf}): the task unwinds instead of holding the driver for ever.
     * A wait that cancellation cannot end (a group's wait for its tasks, which can never run while
     * the driver is held) fails the run with that exception instead, and the task unwinds as the
     * tasks of a failed run do: it is mounted on the driver, so it may fail the run itself.
     */
    private void endIfPinned(TaskImpl<?> me) {
        String why = probe.pinnedWaitOf(me);
        if (why == null) {
            return;
        }
        IllegalStateException ended = new IllegalStateException(why);
        boolean left = me.abortable.abort(me);
        me.blockedOn = null;
        me.abortable = null;
        if (left) {
            throw ended;
        }
        abort(ended);
        throw new TaskAbandoned("the run failed: " + why);
    }

    /** After {@link #block}'s park: what ended the wait, raised when it was the run's end or a cancel. */
    private static int woken(TaskImpl<?> me) {
        int w = me.wake;
        if (w == TaskImpl.WAKE_KILLED) {
            throw new TaskAbandoned("the run has ended");
        }
        Interrupts.afterWake(me, w);
        if (w == TaskImpl.WAKE_CANCELLED) {
            CancelScopeTree.Node by = CancelScopeTree.cancelledFor(me.loop, me);
            if (by != null) {
                throw CancelScopeTree.raise(me.loop, me, by);
            }
        }
        return w;
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

    /**
     * Wakes {@code t} from its wait in simloop for {@code reason}: {@link TaskImpl#WAKE_CANCELLED}
     * (a cancel its wait's {@link Abortable} accepted) or {@link TaskImpl#WAKE_KILLED} (the end of an
     * aborted run). @return whether it was woken
     */
    boolean wake(TaskImpl<?> t, int reason) {
        if (t.blockedOn == null || t.wake != TaskImpl.WAKE_NONE) {
            return false;
        }
        if (tracing()) {
            observers.woken(clock.now(), steps, t,
                    reason == TaskImpl.WAKE_CANCELLED ? Trace.Kind.CANCEL_DELIVERED : Trace.Kind.WAKE, running);
        }
        if (tracksObjects && running != null) {
            picker.touched(t.lastObject); // the waker operated on what t waited on (set by block)
        }
        t.wake = (byte) reason;
        t.blockedOn = null;
        t.abortable = null;
        if (t.foreignContinuation() != null) {
            // a thread outside unparked it while it waited here (a stray unpark): the JDK has already
            // handed over its continuation, so unparking again would do nothing (OutsideWaits.foreignWake
            // holds only a submission the thread is still waiting to run)
            makeReady(t, OutsideWaits.takeHeld(t));
        } else {
            LockSupport.unpark(t.thread);
        }
        return true;
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
        takeInFromOutside();
        Interrupts.atCheckpoint(me);
        if (CancelScopeTree.cancelledFor(this, me) != null) {
            schedulePoint();
            raiseIfCancelled(me); // cancellation is level-triggered: only this task could lift it meanwhile
        }
    }

    /** Raises {@link Cancelled} if {@code me}'s scope is cancelled, without letting others run (checkpointIfCancelled). */
    public void raiseIfCancelled(TaskImpl<?> me) {
        if (killing) {
            throw new TaskAbandoned("the run has ended");
        }
        takeInFromOutside();
        CancelScopeTree.Node by = CancelScopeTree.cancelledFor(this, me);
        if (by != null) {
            throw CancelScopeTree.raise(this, me, by);
        }
    }

    /**
     * Real mode: runs what other threads sent the loop (a signal's or the caller's cancel, a wake-up)
     * now, on the running task, as the driver would before the next step, so that a checkpoint sees a
     * cancel that came while the task ran: else a task that checks with {@code checkpointIfCancelled}
     * alone, which never hands the driver a step, would never see a SIGTERM. Each action is what a
     * task may do itself (cancel a scope, make a task ready). A simulation takes nothing in between
     * steps: what arrives from outside arrives at a step the seed decides.
     */
    private void takeInFromOutside() {
        if (!simulated && inbox.isPending()) {
            inbox.drain();
        }
    }

    /**
     * A checkpoint of {@code me}: raises a pending cancellation, else lets every other ready task run
     * first, and raises a cancellation that came while they ran. As trio's {@code checkpoint()}, whose
     * cancel check follows its schedule point: a cancel of a task that waits at a checkpoint to run
     * again lands there, not at its next checkpoint, which code that ends after this one never reaches.
     */
    public void checkpoint(TaskImpl<?> me) {
        checkCancelled(me);
        me.lastObject = null;
        schedulePoint();
        raiseIfCancelled(me);
    }

    /** {@link #checkpoint(TaskImpl)} before code that reads or writes {@code touched}, which POS hears of. */
    public void checkpoint(TaskImpl<?> me, Object touched) {
        checkCancelled(me);
        touchedAtYield(me, touched);
        schedulePoint();
        raiseIfCancelled(me);
    }

    /**
     * A checkpoint at which {@code me} waits for another task (Loop.spinWait): the strategy hears of it
     * first, and the task that goes on without a preemption is the first other ready task, not the
     * poller: under the schedule without preemptions (and the bounded searches, which continue with
     * it) the poller would otherwise poll forever. Polling again at once costs a preemption.
     */
    public void spinWait(TaskImpl<?> me) {
        picker.spinWaited(me);
        spinning = me;
        spinWaited = true;
        try {
            checkpoint(me);
        } finally {
            spinning = null;
        }
    }

    /**
     * The schedule point of an operation on {@code object} (a primitive, a join) that has already
     * taken effect: a permit or a lock taken, a value received or sent, a set event or finished task
     * seen. Lets the other ready tasks run, as {@link #schedulePoint()} does, but raises nothing: an
     * exception thrown in meanwhile ({@link Interrupts}) waits for the task's next checkpoint, so
     * the operation keeps its outcome (the caller gets its permit, its value, its lock's handle)
     * instead of throwing after it took effect. Trio's operations end with a cancel-shielded
     * checkpoint for the same reason. POS hears of {@code object}.
     */
    public void schedulePoint(Object object) {
        TaskImpl<?> me = running;
        if (me != null) {
            touchedAtYield(me, object);
        }
        yieldStep(me);
    }

    private void touchedAtYield(TaskImpl<?> me, Object object) {
        me.lastObject = object;
        if (tracksObjects) {
            picker.touched(object);
        }
    }

    /** @return this run's mark, which the primitives its tasks use keep ({@link RunMark}) */
    RunMark mark() {
        RunMark m = mark;
        if (m == null) {
            m = new RunMark(simulated, seed);
            mark = m;
        }
        return m;
    }

    /** The running step operated on {@code object} without yielding (a release, a set): POS hears of it. */
    public void touched(Object object) {
        if (tracksObjects) {
            picker.touched(object);
        }
    }

    /**
     * Lets the other ready tasks run (the strategy decides who goes next); no cancel check. An
     * exception thrown into the task while others ran is raised here.
     */
    public void schedulePoint() {
        TaskImpl<?> me = running;
        if (yieldStep(me)) {
            Interrupts.raisePending(me);
        }
    }

    /**
     * Ends {@code me}'s step at a schedule point; the strategy decides who goes next.
     *
     * @return whether other tasks may have run meanwhile (false: the step went on at once, as the
     *     driver would have picked {@code me} again)
     */
    private boolean yieldStep(TaskImpl<?> me) {
        if (killing) {
            throw new TaskAbandoned("the run has ended");
        }
        if (nothingElseCouldRun()) {
            // The driver would pick this same task again at once: take that step exactly as drive()
            // and runStep() would (same bookkeeping, same ready-queue stamps), without paying for a
            // continuation switch. This makes an uncontended lock ~10x cheaper.
            stepEnded(me);
            ready.countRemoval();
            stepTaken(me, 1);
            return false;
        }
        if (canPickInline() && pickInline(me)) {
            return false;
        }
        Thread.yield();
        if (stepClosedInline && me.inReady) {
            unpick(me); // the yield was pinned (a class initializer, a native frame): the step goes on
        }
        return true;
    }

    /**
     * Whether the strategy may choose the next step here, on the yielding task's own stack, as the
     * driver would right after the yield: nothing from outside is pending, nothing is traced (a trace
     * records each step's end as the driver sees it), and the run goes on.
     */
    private boolean canPickInline() {
        return simulated && !observers.on() && !steering.pending() && stepMayGoOnHere();
    }

    /**
     * The pick the driver would make after {@code me} yields, made before it yields, with the same
     * bookkeeping in the same order: its step ends, it joins the ready queue, the strategy chooses.
     * When the strategy chooses {@code me} again, its next step starts here and no continuation
     * switch is paid for (the strategies keep the running task about half the time with two tasks,
     * nearly always under PCT). Otherwise the driver runs {@link #preselected} once {@code me} has
     * yielded; the JDK's resubmission of {@code me} finds it ready already.
     *
     * @return whether {@code me} goes on running
     */
    private boolean pickInline(TaskImpl<?> me) {
        stepEnded(me);
        outside.leave(me);
        me.inReady = true;
        ready.add(me);
        TaskImpl<?> next = pickNext(me);
        if (next == me) {
            me.inReady = false;
            stepTaken(me, chooser.pickedAmong);
            return true;
        }
        preselected = next; // null when the strategy failed the run: the driver then stops it
        stepClosedInline = true;
        return false;
    }

    /** The inline pick chose another task, but {@code me} could not yield: undo it, the step goes on. */
    private void unpick(TaskImpl<?> me) {
        chooser.undoPick(ready, me, preselected); // preselected null: the strategy failed the run, which stays failed
        if (preselected != null) {
            preselected.inReady = true;
            preselected = null;
        }
        stepClosedInline = false;
        me.inReady = false;
    }

    /**
     * True when yielding could only resume the caller: no other task is ready, nothing waits in the
     * inbox, no stop, limit, failure or offloaded work is pending, and (real mode) no timer is due:
     * the wall clock is read only when a timer is armed (it costs more than the rest of a checkpoint).
     */
    private boolean nothingElseCouldRun() {
        return ready.isEmpty() && stepMayGoOnHere() && (simulated || timers.isEmpty() || !timers.anyDue(clock.now()));
    }

    /**
     * Whether a task may start its next step without the driver (both fast paths of
     * {@link #schedulePoint()}): nothing from outside waits in the inbox, and no stop, failure, step
     * limit or offloaded work is pending, any of which the driver must see first.
     */
    private boolean stepMayGoOnHere() {
        return running != null && !inbox.isPending() && !stopRequested && abortFailure == null && steps < stepLimit
                && offloadsInFlight == 0 && !timers.armedDue();
    }

    /** Blocks {@code me} until the loop clock reaches {@code deadline} (loop-clock nanos): a checkpoint. */
    public void sleepUntil(TaskImpl<?> me, long deadline) {
        timers.sleepUntil(me, deadline);
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

    /**
     * @return the thread that waits for this loop's run (the one that called {@code Simulation.run}
     *     or {@code Loop.run}), or null between runs: reports name it when it holds what a task
     *     waits for, since it lets go only after the run
     */
    Thread caller() {
        return Drivers.callerOf(driver);
    }

    /** @return whether this loop runs on a virtual clock */
    public boolean isSimulated() {
        return simulated;
    }

    /** @return the next hash code of a runtime object first hashed in this run ({@link RunHashes}) */
    int nextObjectHash() {
        return ++objectHashes;
    }

    /** @return the random generator for user code: seeded from the run's seed in a simulation */
    public SplittableRandom random() {
        SplittableRandom r = userRandom;
        if (r == null) {
            r = userRandom = new SplittableRandom(seed ^ 0x5DEECE66DL);
        }
        return r;
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

    /** @return whether the run is traced or logged (callers then build the detail text; otherwise they must not) */
    boolean tracing() {
        return observers.on();
    }

    void traceEvent(TaskImpl<?> t, Trace.Kind kind, String detail) {
        traceEvent(t, kind, detail, null);
    }

    void traceEvent(TaskImpl<?> t, Trace.Kind kind, String detail, TaskImpl<?> by) { // by: the cause, or null
        observers.event(clock.now(), steps, t, kind, detail, by);
    }

    // ---- Other threads: the inbox, offloaded work, signals

    /** Runs what other threads posted (unwinding an aborted run). Driver thread. */
    void drainInbox() {
        inbox.drain();
    }

    /** One step of a task unwinding an aborted run, in FIFO order. */
    void runUnwindingStep(TaskImpl<?> t) {
        chooser.pickedAmong = 1;
        runStep(t);
    }

    /**
     * Runs {@code action} on the driver at its next step. Any thread.
     *
     * @return false when the run had ended, and nobody will run {@code action} ({@link Inbox#post})
     */
    boolean post(Runnable action) {
        return inbox.post(action);
    }

    /** @return whether the run has ended: what is posted now is refused. Any thread. */
    boolean hasEnded() {
        return inbox.isClosed();
    }

    /**
     * The run has ended, with tasks that a deaf JDK wait kept from unwinding, perhaps (a
     * {@code ReentrantLock.lock} of a lock held outside, when the run was stopped): closes the inbox,
     * and a wake-up of such a task that came meanwhile lets it go on off the loop
     * ({@link TaskImpl#afterTheRun}), as one that comes later will.
     */
    private void closeInbox() {
        for (Runnable left : inbox.close()) {
            if (left instanceof TaskImpl<?>.WakeFromOutside wake) {
                wake.afterTheRun();
            }
        }
    }

    /** @return whether news came to the inbox before a stop or {@code wallDeadline} (nanoTime), parking the driver */
    boolean awaitInbox(long wallDeadline) {
        return inbox.await(wallDeadline, this::stopRequested);
    }

    /**
     * A real loop with nothing to run waits for work (a timer, the inbox, offloaded work, a wake-up
     * from outside): meanwhile the watchdog need not look at it, so an idle service wakes no thread
     * (the waits of a step, such as a poll for the common pool, stay {@link #awaitInbox}).
     */
    private boolean awaitWorkIdle(long wallDeadline) {
        idle = true;
        try {
            return awaitInbox(wallDeadline);
        } finally {
            idle = false;
            Watchdog.watch(this); // wakes the watchdog if it slept long meanwhile: a step may be slow
        }
    }

    void offloadStarted() {
        offloadsInFlight++;
    }

    /** @param abandoned whether the caller had stopped waiting for the work ({@link #offloadAbandoned}) */
    void offloadEnded(boolean abandoned) {
        offloadsInFlight--;
        if (abandoned) {
            offloadsAbandoned--;
        }
    }

    /** The caller of an offloaded call still in flight stopped waiting for it (once per call). */
    void offloadAbandoned() {
        offloadsAbandoned++;
    }

    // ---- Diagnostics

    private void mix(long v) {
        digest = (digest ^ v) * 0x100000001b3L;
    }

    @Override
    public String toString() {
        return (simulated ? "simulated" : "real") + " loop at step " + steps + ", time " + Nanos.format(clock.now())
                + ", " + live.count() + " live tasks";
    }
}
