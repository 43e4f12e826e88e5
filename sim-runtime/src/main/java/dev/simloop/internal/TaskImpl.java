package dev.simloop.internal;

import dev.simloop.Task;
import dev.simloop.ThrowingRunnable;
import dev.simloop.ThrowingSupplier;
import java.util.List;
import dev.simloop.TaskCancelledException;
import java.util.concurrent.Executor;

/**
 * A loop task: a virtual thread whose JDK scheduler is this task's {@link Route}. When the JDK
 * makes the thread runnable (start, unpark, yield) it calls that executor, which hands the
 * continuation to the {@link Scheduler}; the task therefore runs only when the loop's driver
 * mounts it. The executor is a separate object, not this one, so no user holding a {@link Task}
 * can reach it.
 *
 * <h2>States</h2>
 * The scheduler-state fields below describe, together, where the task is. Exactly one row holds:
 * <pre>
 * state      inReady  blockedOn  done   meaning
 * READY      true     null       false  in the ready queue, {@link #continuation} set
 * RUNNING    false    null       false  mounted on the driver ({@code Scheduler.running == this})
 * BLOCKED    false    non-null   false  waiting in simloop (a {@link WaitQueue}, a timer, a group,
 *                                       a join, an offload): {@link #wake} is WAKE_NONE, and
 *                                       {@link #abortable} says how a cancel ends the wait
 * OUTSIDE    false    null       false  parked outside simloop (a monitor, a java.util.concurrent
 *                                       synchronizer, a future, ...); in a simulation
 *                                       {@link #outside} says which kind (see {@link OutsideWaits}),
 *                                       and a wake-up from a thread the loop does not own is held
 *                                       in {@link #foreignContinuation}
 * DONE       false    null       true   finished; {@link #value} or {@link #failure} is final
 * </pre>
 * Transitions: READY → RUNNING (the driver picks it); RUNNING → READY (a schedule point),
 * BLOCKED ({@code Scheduler.block}), OUTSIDE (it parked elsewhere) or DONE; BLOCKED → READY (a
 * wake, a cancel that the wait's {@link Abortable} accepts, or the end of an aborted run);
 * OUTSIDE → READY (a task of the loop unparks it, or a held wake-up is let through). In a
 * simulation, RUNNING → OUTSIDE → RUNNING within one step when the outside ends the wait at once
 * (the JDK resubmits the task while it parks: {@link #resumeInStep}; or the step waits in place for
 * the common pool). Only the driver's thread changes these fields. A task is in at most one {@link WaitQueue} at a time, and
 * only while BLOCKED ({@link #waitQueue} non-null).
 *
 * @param <T> the type of the task's value
 */
public final class TaskImpl<T> extends CancelScopeTree.Entry implements Task<T>, WaitTarget {
    static final int WAKE_NONE = 0;
    /** Woken by whoever it waited for. */
    static final int WAKE_NORMAL = 1;
    /** Woken because a cancel aborted the wait. */
    static final int WAKE_CANCELLED = 2;
    /** Woken to unwind because its run has ended. */
    static final int WAKE_KILLED = 3;
    /** Woken because an exception was thrown in ({@link Interrupts}): the wait raises {@link #pendingThrow}. */
    static final int WAKE_THROWN = 4;

    /**
     * The names {@code task-<id>} of the first ids, made once per JVM and shared by every run: ids
     * count from 0 in each loop, so nearly every run names its tasks {@code task-1}, {@code task-2}, …
     * again (two strings per schedule of a two-task program). Filled racily, which is safe: a
     * {@code String} is immutable and published through its final fields, and two threads that
     * both make a name make equal ones.
     */
    private static final String[] SMALL_ID_NAMES = new String[256];

    /** @return the name of a task spawned without one: {@code task-<id>} */
    static String defaultName(int id) {
        if (id >= SMALL_ID_NAMES.length) {
            return "task-" + id;
        }
        String name = SMALL_ID_NAMES[id];
        if (name == null) {
            name = "task-" + id;
            SMALL_ID_NAMES[id] = name;
        }
        return name;
    }

    final Scheduler loop;
    /** Spawn order within the loop: deterministic, unlike thread ids. */
    final int id;
    private final String name;
    final GroupImpl group;
    /**
     * What the task runs: a {@link ThrowingSupplier}, or a {@link ThrowingRunnable} that is not one
     * (the task's value is then null); null once the task has started, so a parked task keeps no
     * reference to it (the running code holds what it uses).
     */
    private Object body;
    final Thread thread;
    /** The innermost open scope of this task (its parent scope while it has none of its own); cancellation checks walk up from here. */
    CancelScopeTree.Node innermost;

    // ---- scheduler state (driver thread only; see the state table above)
    /**
     * What to run when the driver next mounts the task: the JDK's runner of this task's own
     * continuation, set by its first submission (its {@code Thread.start()}); the JDK submits the
     * same object every time, so any other one is a thread that merely inherited our scheduler.
     */
    Runnable continuation;
    /** True while the task is in the ready queue (READY). */
    boolean inReady;
    /**
     * Set (on the driver) when the JDK resubmits the running task from its own park because a
     * thread outside unparked it meanwhile: the step goes on instead of ending (see Scheduler.runStep).
     */
    boolean resumeInStep;
    /** What the task waits on while BLOCKED; null otherwise. */
    Object blockedOn;
    /** How a cancel ends the wait while BLOCKED; null otherwise. */
    Abortable abortable;
    /** Why a BLOCKED task was woken: WAKE_NONE while it still waits (a byte: a parked task's bytes, issue 15). */
    byte wake;
    TaskImpl<?> livePrev;
    TaskImpl<?> liveNext;

    // ---- wait-queue links (see WaitQueue); a task waits on one thing at a time
    TaskImpl<?> waitPrev;
    TaskImpl<?> waitNext;
    WaitQueue waitQueue;
    /** While parked in a WaitQueue: what the task carries, then the unparker's reply. */
    Object waitPayload;

    /** Scratch priority for the exploring strategy of the run (PCT, POS); meaningless otherwise. */
    long strategyPriority;
    /**
     * The runtime object (lock, event, channel, semaphore, condition, joined task) of the operation
     * in which the task last yielded or blocked; null after a plain checkpoint. POS treats the task's
     * pending step as racing with any step that operates on the same object.
     */
    Object lastObject;

    // ---- priority (issue 3)
    /** The resources (locks) the task holds, linked through them; see HeldResource. */
    HeldResource heldHead;
    /** ReadyQueue's removal count when the task last became ready (for boosting). */
    long readyStamp;

    // ---- outcome
    /**
     * Written by the driver's thread only, plainly but for the end ({@link #markDone}, a release);
     * {@link #isDone} reads it with an acquire, so that a thread outside the loop that polls it sees
     * the end and, from then on, {@link #cancelled} (written before it). A plain read there could be
     * hoisted out of the polling loop by the JIT, which then never ends.
     */
    boolean done;
    /**
     * The value, or (when {@link #failed}) the failure, of a finished task: one field, a parked task's
     * bytes (issue 15); {@link #UNWOUND} for a task its run's end unwound, which has neither.
     */
    private Object outcome;
    /** The {@link #outcome} of a task unwound by its run's end (a failure elsewhere, a deadlock, a limit). */
    private static final Object UNWOUND = new Object();
    private boolean failed;
    boolean cancelled;
    /** Someone joined the task after it finished (so a failure that did not bubble was seen). */
    boolean joined;
    /**
     * Whether the task's thread was interrupted as its last step ended (the driver's note, as the
     * task left it): a step that starts with the thread interrupted is a cancel request only when
     * the interrupt came since (while the task was ready). An interrupt the task made itself, or
     * restored after catching InterruptedException, is not one at a checkpoint (cancellation.md);
     * and a task chosen again at a checkpoint goes on without the driver, so only this note keeps a
     * run and its traced twin alike.
     */
    boolean interruptedWhenLeft;
    /** What few tasks need (outside waits, steering, sleeps, priorities, joins that wait, start handshakes, rare marks); made at first use. */
    private TaskExtras extras;
    /**
     * The task's own scope (Task.cancel() cancels it; its parent is the group's scope), made when
     * first needed ({@link CancelScopeTree#rootOf}); until then null, and the task itself stands
     * among its parent scope's children (the links it inherits from {@link CancelScopeTree.Entry}).
     */
    private CancelScopeTree.Node root;

    TaskImpl(Scheduler loop, int id, String name, GroupImpl group, ThrowingSupplier<T> body,
            CancelScopeTree.Node parentScope, StartState start) {
        this(loop, id, name, group, body, parentScope, start, null);
    }

    /**
     * @param adopted a thread made elsewhere that becomes this task's thread as it starts (one of
     *     {@link ThreadTasks}: its scheduler hands continuations to {@link #submit}, its body calls
     *     {@link #runBody}); null to create the task's own thread
     */
    TaskImpl(Scheduler loop, int id, String name, GroupImpl group, Object body,
            CancelScopeTree.Node parentScope, StartState start, Thread adopted) {
        this.loop = loop;
        this.id = id;
        this.name = name;
        this.group = group;
        this.body = body;
        CancelScopeTree.Node scope = parentScope;
        if (start != null) {
            extras().start = start;
            scope = start.openHandshake(this, parentScope); // the caller's cancellation until started()
        }
        CancelScopeTree.place(this, scope);
        if (adopted != null) {
            extras().adoptedThread = true;
            this.thread = adopted;
        } else {
            Route route = new Route(); // referenced by the thread only (its scheduler and its body)
            Object lent = GuardMap.hideLent(loop); // the creator's lent guard map is not the new thread's to copy
            try {
                this.thread = TaskThreads.newThread(route, name, route);
            } finally {
                GuardMap.restore(lent);
            }
        }
    }

    /**
     * The task thread's JDK scheduler (every continuation goes to {@link #submit}) and its body, in
     * one object of its own, so that no {@link Task} a user holds is an {@link Executor}.
     */
    private final class Route implements Executor, Runnable {
        @Override
        public void execute(Runnable continuation) {
            submit(continuation);
        }

        @Override
        public void run() {
            runBody();
        }
    }

    /** @return whether the task's body has begun to run (it is dropped then, see {@link #body}) */
    boolean started() {
        return body == null;
    }

    /** @return the task's rarely used state, made now if it was not yet */
    TaskExtras extras() {
        TaskExtras x = extras;
        if (x == null) {
            x = extras = new TaskExtras();
        }
        return x;
    }

    /** @return the task's own scope, or null until it needs one (see {@link #root the field}) */
    CancelScopeTree.Node root() {
        return root;
    }

    void root(CancelScopeTree.Node scope) {
        root = scope;
    }

    /** @return the handshake of {@code TaskGroup.start} that spawned the task, or null */
    StartState start() {
        return extras == null ? null : extras.start;
    }

    /** @return whether the task was interrupted once while its aborted run unwinds (see {@link Teardown}) */
    boolean killInterrupted() {
        return extras != null && extras.killInterrupted;
    }

    void killInterrupted(boolean yes) {
        if (yes || extras != null) {
            extras().killInterrupted = yes;
        }
    }

    /** The unwinding of the aborted run interrupts the task's thread, parked in java.util.concurrent. */
    void interruptToUnwind() {
        extras().interruptedToUnwind = true;
        thread.interrupt();
    }

    /**
     * @param f how the task's body ended
     * @return whether {@code f} is the end of a JDK wait that the unwinding of the aborted run
     *     interrupted ({@link #interruptToUnwind}): the task was abandoned, as with {@link TaskAbandoned},
     *     and did not fail. Otherwise its failure would depend on real time: a timed wait on the real
     *     clock that fails the run either ends by itself before the interrupt or is interrupted.
     */
    private boolean endedByUnwindInterrupt(Throwable f) {
        return f != null && extras != null && extras.interruptedToUnwind && loop.isKilling()
                && CancelScopeTree.interruptCause(f) != null;
    }

    /** @return the timer of this task's sleeps (made on first use) */
    SleepTimer sleepTimer() {
        TaskExtras x = extras();
        if (x.sleepTimer == null) {
            x.sleepTimer = new SleepTimer();
        }
        return sleepTimerIfMade();
    }

    /** @return the timer of this task's sleeps, or null when it never slept */
    @SuppressWarnings("unchecked") // made by this task, for this task
    SleepTimer sleepTimerIfMade() {
        return extras == null ? null : (SleepTimer) extras.sleepTimer;
    }

    /**
     * @return simulation only: a continuation submitted by a thread the loop does not own, held
     *     back until the loop lets it through (see {@link OutsideWaits}); null otherwise
     */
    Runnable foreignContinuation() {
        return extras == null ? null : extras.foreignContinuation;
    }

    void foreignContinuation(Runnable c) {
        if (c != null || extras != null) {
            extras().foreignContinuation = c;
        }
    }

    /** @return simulation only: the thread that sent the {@link #foreignContinuation}, in words; null otherwise */
    String foreignWaker() {
        return extras == null ? null : extras.foreignWaker;
    }

    void foreignWaker(String who) {
        if (who != null || extras != null) {
            extras().foreignWaker = who;
        }
    }

    /** @return simulation only: what the task waits on while OUTSIDE ({@link OutsideWaits#MONITOR} ...), else NONE */
    byte outside() {
        return extras == null ? OutsideWaits.NONE : extras.outside;
    }

    /** @return the step at which the task last entered the OUTSIDE state (for messages) */
    long outsideSince() {
        return extras == null ? 0 : extras.outsideSince;
    }

    /** The task parks outside simloop, waiting on {@code kind} ({@link OutsideWaits#MONITOR} ...), from step {@code step}. */
    void enterOutside(byte kind, long step) {
        TaskExtras x = extras();
        x.outside = kind;
        x.outsideSince = step;
    }

    /** The task no longer parks outside simloop. */
    void leaveOutside() {
        if (extras != null) {
            extras.outside = OutsideWaits.NONE;
        }
    }

    /** @return where the ready queue puts the task when it next becomes ready (see {@link Steering}); -1: at the tail */
    int insertAt() {
        return extras == null ? -1 : extras.insertAt;
    }

    void insertAt(int position) {
        if (position != -1 || extras != null) {
            extras().insertAt = position;
        }
    }

    /** @return the innermost {@code Loop.taskTimeout} the task runs in, or null (see {@link Interrupts#raiseDueTimeout}) */
    Interrupts.TimeoutTimer taskTimeouts() {
        return extras == null ? null : extras.taskTimeouts;
    }

    /** @return an exception thrown in by another task, raised where the task next resumes (see {@link Interrupts}) */
    RuntimeException pendingThrow() {
        return extras == null ? null : extras.pendingThrow;
    }

    void pendingThrow(RuntimeException e) {
        if (e != null || extras != null) {
            extras().pendingThrow = e;
        }
    }

    /** @return how many {@code Loop.runSync} calls the task is inside: blocking calls then fail (see {@link SyncRun}) */
    int syncRuns() {
        return extras == null ? 0 : extras.syncRuns;
    }

    void syncRuns(int n) {
        if (n != 0 || extras != null) {
            extras().syncRuns = n;
        }
    }

    /** @return the last effective-priority walk that visited this task; see Priorities */
    long priorityMark() {
        return extras == null ? 0 : extras.priorityMark;
    }

    void priorityMark(long epoch) {
        extras().priorityMark = epoch;
    }

    @SuppressWarnings("unchecked") // a supplier body is the spawn's ThrowingSupplier<T>
    void runBody() {
        if (loop.simulated) {
            ThreadGuard.arm();
        }
        Object b = body;
        body = null;
        T v = null;
        Throwable f = null;
        try {
            // throws TaskAbandoned when the task first runs after its run has ended (unwinding an
            // aborted run): user code must not start then
            Current.task("a task's start");
            Interrupts.raisePending(this); // thrown in before it ever ran
            if (b instanceof ThrowingSupplier<?> s) {
                v = (T) s.get();
            } else {
                ((ThrowingRunnable) b).run();
            }
            // thrown in while the body's last operation ended (it kept its outcome, to raise the
            // exception at the next checkpoint), and the body reached none: raised at its end instead
            Interrupts.raisePending(this);
        } catch (Throwable e) {
            f = explainHumongousStack(e);
        }
        finish(v, f);
    }

    /**
     * The task's end, on its own thread as the last thing it does: records the outcome (a
     * {@code Cancelled} that a scope of this task explains is a cancellation, not a failure), breaks
     * the locks it still holds, closes its scope, wakes its joiners and tells its group.
     */
    private void finish(T v, Throwable f) {
        loop.taskEnded(this);
        if (f instanceof TaskAbandoned || endedByUnwindInterrupt(f)) {
            outcome = UNWOUND;
            markDone();
            HeldResource.unwound(this); // a task that is done holds no lock, in any run after this one too
            CancelScopeTree.closeTask(loop, this);
            return;
        }
        f = CancelScopeTree.leaving(loop, this, f);
        if (f instanceof dev.simloop.Cancelled) {
            cancelled = true;
            CancelScopeTree.Node root = root();
            if (root != null && CancelScopeTree.catches(root)) {
                root.cancelledCaught = true;
            } else if (CancelScopeTree.visibleCancel(loop, root != null ? root : innermost) == null) {
                extras().strayCancel = true; // a Cancelled no scope of ours raised: report it as a failure
            }
        }
        Throwable failure = wrapChecked(name, f);
        if (failure != null && loop.isKilling()) {
            loop.failedWhileUnwinding(failure);
        }
        failed = failure != null;
        outcome = failed ? failure : v;
        if (loop.tracing()) {
            loop.traceEvent(this, failure == null || (cancelled && !strayCancel()) ? Trace.Kind.FINISH : Trace.Kind.FAIL,
                    cancelled ? "cancelled" : failure == null ? "" : SafeText.brief(failure)); // a trace keeps no megabytes
        }
        markDone();
        HeldResource.finished(this); // locks it still holds break, and their waiters are told
        CancelScopeTree.closeTask(loop, this);
        StartState start = start();
        if (start != null) {
            start.closeHandshake(loop);
        }
        WaitQueue joiners = extras == null ? null : extras.joiners;
        if (joiners != null) {
            joiners.unparkAll();
        }
        if (start != null && !start.started) {
            start.childEndedBeforeStarted(loop, this);
        } else if (group != null) {
            group.childFinished(this);
        }
    }

    /**
     * G1 refuses to park a task whose stack is larger than half a heap region, with a bare "Humongous
     * stack chunk" error; say which task and what to do (still a StackOverflowError, the JDK's as cause).
     */
    private Throwable explainHumongousStack(Throwable e) {
        if (e instanceof StackOverflowError && e.getMessage() != null && e.getMessage().startsWith("Humongous stack chunk")
                && e.getCause() == null) {
            StackOverflowError better = new StackOverflowError("Humongous stack chunk: task '" + name + "' blocked with a "
                    + "stack larger than half a G1 heap region (deeply nested cancel scopes or recursion). Nest less "
                    + "deeply, or run the JVM with -XX:G1HeapRegionSize=32m");
            better.initCause(e);
            better.setStackTrace(e.getStackTrace());
            return better;
        }
        return e;
    }

    /** The JDK made the task's thread runnable (or started a thread that inherited this scheduler). */
    void submit(Runnable continuation) {
        Runnable mine = this.continuation;
        if (mine == null) {
            this.continuation = continuation; // the first submission is this task's own Thread.start()
        } else if (continuation != mine) {
            // The JDK gives a virtual thread created without a scheduler the scheduler of the virtual
            // thread that creates it, so threads created inside a task (Thread.ofVirtual() in user code,
            // the JDK's I/O sub-pollers on first I/O) would be scheduled as if they were this task. They
            // are not tasks: run them off the loop, as the default scheduler would. In a simulation, such a
            // thread started by the task is a failure of the run (ThreadGuard).
            ThreadGuard.foreignThreadStarted(this);
            Offloads.FOREIGN_CARRIERS.execute(continuation);
            return;
        }
        if (loop.hasEnded()) {
            afterTheRun(continuation); // its driver may run another loop now: it is no thread of this one's
            return;
        }
        Thread caller = Thread.currentThread();
        TaskImpl<?> running = loop.runningTask();
        if (caller != loop.driver && (running == null || caller != running.thread)) {
            fromOutside(continuation, caller);
        } else {
            fromTheLoop(continuation, caller == loop.driver && running == this);
        }
    }

    /**
     * A thread the loop does not own made the task runnable: hand it to the driver, which in a
     * simulation holds it (see {@link OutsideWaits#foreignWake}); or, when the run has ended
     * meanwhile, let the task go on off the loop ({@link #afterTheRun}).
     */
    private void fromOutside(Runnable continuation, Thread caller) {
        if (!loop.post(new WakeFromOutside(continuation, caller))) {
            afterTheRun(continuation);
        }
    }

    /**
     * A wake-up of the task by a thread the loop does not own, posted to the driver; or, when the run
     * ends before the driver takes it, given back ({@link #afterTheRun}).
     */
    final class WakeFromOutside implements Runnable {
        private final Runnable continuation;
        private final Thread caller;
        /** Whether the caller runs the loop's own offloaded work: read on the caller's thread, whose it is. */
        private final boolean byOffload;

        WakeFromOutside(Runnable continuation, Thread caller) {
            this.continuation = continuation;
            this.caller = caller;
            this.byOffload = loop.simulated && Offloads.runningFor(loop);
        }

        @Override
        public void run() {
            if (loop.simulated && !byOffload) {
                // thread ids only grow: a thread whose id is above the root task's was made, and so started, after the
                // run began; by the run's own code unless it serves the whole JVM
                boolean startedByTheRun = caller.threadId() > loop.rootTask.thread.threadId()
                        && !Threads.servesTheJvm(caller);
                loop.outside.foreignWake(TaskImpl.this, continuation, Threads.describe(caller), startedByTheRun);
            } else if (loop.simulated) {
                loop.outside.offloadWake(TaskImpl.this, continuation);
            } else if (!inReady && !done) {
                loop.makeReady(TaskImpl.this, continuation);
                CancelScopeTree.interruptedOutside(loop, TaskImpl.this);
            }
        }

        /** The run ended before the driver took this wake-up. */
        void afterTheRun() {
            TaskImpl.this.afterTheRun(continuation);
        }
    }

    /**
     * The task was made runnable after its run ended: it is one that the unwinding of its aborted
     * run could not end, parked in a JDK wait deaf to interrupts (a {@code ReentrantLock.lock} of a
     * lock held outside the run, when the run was stopped). It goes on off the loop, on a carrier of
     * its own, as a virtual thread of the JDK's would: its code runs on to its next call into simloop,
     * which ends it ({@link TaskAbandoned}, "the run has ended"), its {@code finally} blocks run, and
     * what it holds (the lock it waited for) is let go. Left alone, it would stay queued in the JDK
     * lock for ever, and no thread could take that lock again.
     */
    private void afterTheRun(Runnable continuation) {
        if (!done) {
            Offloads.FOREIGN_CARRIERS.execute(continuation);
        }
    }

    /** The driver, or the task running on it, made the task runnable: it is ready, in most cases. */
    private void fromTheLoop(Runnable continuation, boolean ownPark) {
        if (inReady || done) {
            return; // a duplicate: the JDK resubmits a runnable thread whose stack was read (Frames.stackOf)
        }
        if (loop.simulated && this == loop.inspecting) {
            // unparked from outside while the driver read its stack: the JDK resubmits it from there
            loop.outside.foreignWake(this, continuation, "a thread the simulation does not own", false);
        } else if (loop.simulated && ownPark && VirtualThreads.unparkedWhileParking(thread)) {
            this.continuation = continuation; // unparked from outside while it parked: the step goes on
            resumeInStep = true;
        } else if (loop.simulated && thread.isInterrupted() && loop.runningTask() != this && !loop.isKilling()) {
            loop.readyAtStepEnd(this, continuation); // interrupted by the running task or a timer: see readyAtStepEnd
        } else {
            loop.outside.leave(this);
            loop.makeReady(this, continuation);
            if (!loop.simulated) {
                CancelScopeTree.interruptedOutside(loop, this); // in a simulation, readyAtStepEnd's task
            }
        }
    }

    /** @return {@code failure} unchanged when unchecked, else wrapped in {@link dev.simloop.TaskFailedException} */
    static Throwable wrapChecked(String taskName, Throwable failure) {
        if (failure == null || failure instanceof RuntimeException || failure instanceof Error) {
            return failure;
        }
        return new dev.simloop.TaskFailedException(taskName, failure);
    }

    /** @return the loop this task belongs to */
    public Scheduler loop() {
        return loop;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public T join() {
        TaskImpl<?> me = Current.taskOrNone();
        if (me == null) {
            return joinFromOutside();
        }
        if (me.loop != loop) {
            throw loop.notThisLoop("Task.join", quoted(), me);
        }
        if (me == this) {
            throw new IllegalStateException("Task.join: task '" + name + "' cannot join itself (it would wait forever)");
        }
        loop.checkCancelled(me);
        if (done) {
            loop.schedulePoint(this);
        }
        while (!done) {
            TaskExtras x = extras();
            if (x.joiners == null) {
                x.joiners = new WaitQueue();
            }
            x.joiners.park(me, this);
        }
        joined = true; // its failure has reached someone: no handler needs it
        return outcome();
    }

    /**
     * A join from a thread that is no task (the test after its run, a thread of its own beside a
     * real loop): a finished task's outcome, as a done future's {@code join()} gives it from any
     * thread. Only a task of the loop can wait, so a task not finished is refused, before anything
     * changes; so is one its run's end unwound, which has no outcome. Not marked joined: that mark
     * is the loop's, and its failure handlers have had their turn by the time a task is seen done.
     */
    private T joinFromOutside() {
        if (!isDone()) { // an acquire: the outcome is visible from here on
            IllegalStateException outside = Threads.notInATask("Task.join");
            throw new IllegalStateException("Task.join: task '" + name + "' has not finished, and only a task of its"
                    + " loop can wait for it. " + outside.getMessage() + " From any thread, join gives a task's outcome"
                    + " once it has finished (Task.isDone()).");
        }
        if (outcome == UNWOUND) {
            throw new IllegalStateException("Task.join: task '" + name + "' has no outcome: its run ended (a failure"
                    + " elsewhere, a deadlock or a limit) before the task finished, and the task was unwound; the run's"
                    + " result holds what ended it");
        }
        return outcome();
    }

    /** @return whether the task's run ended before the task did, and unwound it (it has no outcome) */
    public boolean unwound() {
        return outcome == UNWOUND;
    }

    /** The value, or the failure thrown, of a finished task. */
    T outcome() {
        if (cancelled && !strayCancel()) {
            throw cancelledException();
        }
        if (outcome instanceof RuntimeException e && failed) {
            throw e;
        }
        if (outcome instanceof Error e && failed) {
            throw e;
        }
        return value();
    }

    @Override
    public void cancel() {
        requireSameLoop("Task.cancel");
        if (!done) {
            CancelScopeTree.cancelByUser(loop, CancelScopeTree.rootOf(this));
        }
    }

    void cancel0() {
        if (!done) {
            CancelScopeTree.cancel(loop, CancelScopeTree.rootOf(this), dev.simloop.CancelReason.EXPLICIT);
        }
    }

    void requireSameLoop(String call) {
        TaskImpl<?> me = Current.task(call);
        if (me.loop != loop) {
            throw loop.notThisLoop(call, quoted(), me);
        }
    }

    @Override
    public boolean isBlocked() {
        return Steering.isBlocked(this);
    }

    @Override
    public boolean isRunnable() {
        return inReady;
    }

    @Override
    public void interrupt(RuntimeException e) {
        java.util.Objects.requireNonNull(e, "Task.interrupt: exception");
        Interrupts.interrupt("Task.interrupt", this, e);
    }

    @Override
    public void throwIn(RuntimeException e) {
        java.util.Objects.requireNonNull(e, "Task.throwIn: exception");
        Interrupts.throwIn("Task.throwIn", this, e);
    }

    /** Publishes the end to threads outside the loop that poll {@link #isDone} (see {@link #done}). */
    private void markDone() {
        DONE.setRelease(this, true);
    }

    @Override
    public boolean isDone() {
        return (boolean) DONE.getAcquire(this);
    }

    @Override
    public boolean isCancelled() {
        return isDone() && cancelled; // set only as the task ends, before done: visible once done is
    }

    private static final java.lang.invoke.VarHandle DONE;

    static {
        try {
            DONE = java.lang.invoke.MethodHandles.lookup().findVarHandle(TaskImpl.class, "done", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    public int priority() {
        return extras == null ? 0 : extras.priority;
    }

    @Override
    public void setPriority(int priority) {
        // The priority lives in driver-only state (extras) that the scheduler reads at every pick: a
        // thread outside the loop, or a task of another run, would race with it or steer a run not its own.
        requireSameLoop("Task.setPriority");
        if (priority != 0 || extras != null) {
            extras().priority = priority;
        }
        WaitQueue q = waitQueue;
        if (q != null) {
            q.priorityChanged(this);
        }
        if (loop.tracing()) {
            loop.traceEvent(this, Trace.Kind.PRIORITY, "set to " + priority);
        }
    }

    @Override
    public int effectivePriority() {
        // The walk marks every task it visits in driver-only state (extras, made at first use), as
        // setPriority writes it: from outside the loop it would race with the driver. A finished task
        // holds no lock (its end broke them), so its own priority is the answer, from anywhere.
        if (!isDone()) {
            requireSameLoop("Task.effectivePriority");
        }
        return Priorities.effective(this);
    }

    /** @return the failure of a finished task, or null */
    public Throwable failure() {
        return failed ? (Throwable) outcome : null;
    }

    /**
     * The failure of a finished task as its joiner sees it ({@link #outcome}): a cancellation is a
     * {@link TaskCancelledException} that carries the {@code Cancelled} as its cause, so that no
     * {@code catch (Cancelled e)} of the caller takes it for its own. For the run's main task, whose
     * joiner is the caller of {@code Loop.run} or {@code Simulation.run}.
     */
    Throwable failureAsJoined() {
        if (cancelled && !strayCancel()) {
            TaskCancelledException e = cancelledException();
            e.initCause(failure());
            return e;
        }
        return failure();
    }

    private TaskCancelledException cancelledException() {
        return new TaskCancelledException(name, quoted() + " was cancelled");
    }

    /** @return the value of a task that finished without a failure, or null */
    @SuppressWarnings("unchecked") // finish stored a T when it did not fail
    T value() {
        return failed || outcome == UNWOUND ? null : (T) outcome;
    }

    /** @return whether the task ended with a {@code Cancelled} that no cancelled scope explains (reported as a failure) */
    boolean strayCancel() {
        return extras != null && extras.strayCancel;
    }

    /** @return whether a cancel interrupted the task's thread while it was parked in java.util.concurrent */
    boolean interruptedByCancel() {
        return extras != null && extras.interruptedByCancel;
    }

    void interruptedByCancel(boolean yes) {
        if (yes || extras != null) {
            extras().interruptedByCancel = yes;
        }
    }

    /**
     * Notes that the {@code Cancelled} of {@code by} is raised in this task once more.
     *
     * @return how many times in a row it has been: a task that keeps catching it and going on
     *     cannot end, nor can the scope's owner (see {@link CancelScopeTree#raise})
     */
    long raisedAgain(CancelScopeTree.Node by) {
        TaskExtras x = extras();
        if (x.raisedBy != by) {
            x.raisedBy = by;
            x.raisedInARow = 0;
        }
        return ++x.raisedInARow;
    }

    /**
     * @return whether the task is parked outside simloop: the OUTSIDE row of the state table (or
     *     RUNNING, which the callers, reports and the idle checks of a loop whose driver waits, never
     *     meet)
     */
    boolean parkedOutside() {
        return blockedOn == null && !inReady && !done;
    }

    /** @return whether the task's thread was made elsewhere ({@link TaskExtras#adoptedThread}) */
    boolean adoptedThread() {
        return extras != null && extras.adoptedThread;
    }

    /** @return the cancelled scope whose {@code Cancelled} was raised in this task last, or null */
    CancelScopeTree.Node lastRaisedBy() {
        return extras == null ? null : extras.raisedBy;
    }

    /** @return how many times in a row {@link #lastRaisedBy} was raised */
    long raisedInARow() {
        return extras == null ? 0 : extras.raisedInARow;
    }

    /** @return the cancelled scope whose cancel last interrupted the task's thread, or null */
    CancelScopeTree.Node interruptedForScope() {
        return extras == null ? null : extras.interruptedForScope;
    }

    void interruptedForScope(CancelScopeTree.Node scope) {
        extras().interruptedForScope = scope;
    }

    /** A task joining this one waits for it to finish. */
    @Override
    public void addWaitedFor(TaskImpl<?> waiter, LiveTaskIndex live, List<TaskImpl<?>> out) {
        if (!done) {
            out.add(this);
        }
    }

    /**
     * The spawn order, not the identity hash: a program that keeps its tasks in a {@code HashSet} or
     * as {@code HashMap} keys (and cancels or joins them in that order) then runs the same way in every
     * JVM, whose identity hashes differ. Equality stays identity.
     */
    @Override
    public int hashCode() {
        return id;
    }

    @Override
    public String toString() {
        return quoted() + (done ? " (done)" : "");
    }

    /**
     * @return the task as messages and reports name it, {@code task 'name'}, its name on one line and
     *     cut ({@link SafeText#name}): a name is the user's text
     */
    public String quoted() {
        return "task '" + SafeText.name(name) + "'";
    }

    /** The timer a sleeping task waits on; also the sleep's {@link Abortable}. */
    final class SleepTimer extends Timer implements Abortable {
        long wakeAt;

        SleepTimer() {
            super(KIND_WAKEUP);
        }

        @Override
        void fire(Scheduler l) {
            l.wake(TaskImpl.this, this);
        }

        @Override
        public boolean abort(TaskImpl<?> waiter) {
            loop.disarm(this);
            return true;
        }

        @Override
        String describe() {
            return toString();
        }

        @Override
        public String toString() {
            return "a sleep until " + Nanos.format(wakeAt);
        }
    }
}
