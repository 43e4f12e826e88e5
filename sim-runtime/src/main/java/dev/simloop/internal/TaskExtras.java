package dev.simloop.internal;

/**
 * The part of a task's state that most tasks never use: made the first time a task needs it
 * ({@link TaskImpl#extras()}), so that the common task, and above all a million parked ones, carries
 * one null reference instead of these fields (issue 15: a parked task's bytes). Each field's
 * meaning is documented at its accessor in {@link TaskImpl}; the defaults here are what a task
 * without extras reads.
 */
final class TaskExtras {
    /** Simulation only: a continuation held back from a thread the loop does not own (OUTSIDE). */
    Runnable foreignContinuation;
    /** Simulation only: the thread that sent {@link #foreignContinuation}, in words (for a failure that names it). */
    String foreignWaker;
    /** Simulation only: what the task waits on while OUTSIDE ({@link OutsideWaits#MONITOR} ...). */
    byte outside = OutsideWaits.NONE;
    /** The step at which the task entered the OUTSIDE state (for messages). */
    long outsideSince;
    /** An exception thrown in by another task, raised where the task next resumes. */
    RuntimeException pendingThrow;
    /** The innermost {@code Loop.taskTimeout} the task runs in, or null; each links to the one around it. */
    Interrupts.TimeoutTimer taskTimeouts;
    /** How many {@code Loop.runSync} calls the task is inside. */
    int syncRuns;
    /** Where the ready queue puts the task when it next becomes ready; -1: at the tail. */
    int insertAt = -1;
    /** The last effective-priority walk that visited the task. */
    long priorityMark;
    /** The task's own priority ({@code Task.setPriority}). */
    int priority;
    /** While it waits in a queue served by priority: its slot in the queue's {@link PriorityWaiters}. */
    int prioritySlot;
    /** While it waits in a queue served by priority: when it arrived there, in that queue's order. */
    long arrival;
    /** The tasks joining this one; made by the first join that waits. */
    WaitQueue joiners;
    /** The handshake of {@code TaskGroup.start}, for a task it spawned. */
    StartState start;
    /** Interrupted once while its aborted run unwinds. */
    boolean killInterrupted;
    /**
     * The unwinding of its aborted run interrupted the task's thread where it waited in
     * java.util.concurrent: the exception that ends that wait stands for {@code TaskAbandoned}.
     */
    boolean interruptedToUnwind;
    /** Ended with a Cancelled that no cancelled scope explains. */
    boolean strayCancel;
    /** A cancel interrupted the task's thread while it was parked in java.util.concurrent. */
    boolean interruptedByCancel;
    /** The cancelled scope whose cancel last interrupted the task's thread: interrupted once per scope. */
    CancelScopeTree.Node interruptedForScope;
    /**
     * The task's thread was made elsewhere ({@code Loop.threadFactory()}, for a JDK pool or scope): the
     * JDK's own code interrupts such threads for its own ends (to end one job of a pooled worker, to
     * wake an idle one), so an interrupt in a JDK wait there is not a request to cancel the task for
     * good. (One in a simloop wait still is, as for any task: a known limit for pooled workers.)
     */
    boolean adoptedThread;
    /** The cancelled scope whose {@code Cancelled} was last raised in the task, and how many times in a row. */
    CancelScopeTree.Node raisedBy;
    long raisedInARow;
    /** The timer of the task's sleeps; made at the first. */
    TaskImpl<?>.SleepTimer sleepTimer;
}
