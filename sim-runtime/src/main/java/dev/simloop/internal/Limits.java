package dev.simloop.internal;

import dev.simloop.LimitExceeded;

/** The limits that stop a run, and their messages: which limit, its value, and how to raise it. */
public final class Limits {
    /**
     * How the messages of the two limits that a replay meets again start: {@code maxSteps} and
     * {@code maxVirtualTime} count steps and virtual time ({@code LimitExceeded.repeatsOnReplay}).
     */
    public static final String STOPPED_AFTER_STEPS = "simulation stopped after ";
    /** See {@link #STOPPED_AFTER_STEPS}. */
    public static final String STOPPED_AT_VIRTUAL_TIME = "simulation stopped at virtual time ";

    /**
     * How the first line of a stop at the end of time ends ({@link #maxVirtualTime}): a deadlock
     * beside a timer that never fires, its tasks listed below as a {@code DeadlockDetected}'s, and
     * told apart by them when shrinking, as its first line reads alike for every such stop.
     */
    public static final String AS_IN_A_DEADLOCK = "so nothing can happen any more, as in a deadlock.";

    /** For {@link #maxSteps}: no timer is armed. */
    static final long NO_TIMER = -1;

    private Limits() {
    }

    /**
     * @param swallowedCancels what a task that keeps catching a cancel does, when one does (the
     *     reason the run spins, which no higher limit would end); null otherwise
     * @param spinWaited whether a task of the run called {@code Loop.spinWait()}
     * @param liveHead the first task still alive: the report lists them, so that the spinning task
     *     shows where it stands (a ready task's line gives its frame) and a task it waits for shows its wait
     * @param nextTimer the deadline of the next armed timer, or {@link #NO_TIMER}
     */
    static LimitExceeded maxSteps(long steps, long maxSteps, long now, String swallowedCancels, boolean spinWaited,
            TaskImpl<?> liveHead, long nextTimer) {
        String stopped = STOPPED_AFTER_STEPS + steps + " steps (maxSteps = " + maxSteps + ") at virtual time "
                + Nanos.format(now) + ": ";
        if (swallowedCancels != null) {
            return new LimitExceeded(stopped + swallowedCancels);
        }
        // PCT, nonpreemptive and the bounded searches let a poller at a plain checkpoint go on, so
        // a wait for another task written that way spins here under them (exploring.md, "Polling loops")
        String polling = spinWaited ? "" : " A task that waits for another by polling should yield with"
                + " Loop.spinWait(), not Loop.checkpoint(): at a plain checkpoint the poller may go on forever"
                + " (PCT, nonpreemptive and the bounded searches let it), and the task it waits for never runs.";
        // the tasks on lines of their own: the first line stays the same whatever they wait for, since
        // shrinking compares failures by it
        return new LimitExceeded(DeadlockReport.ofLiveTasks(stopped + "a task may be spinning on checkpoints without"
                + " making progress." + polling + " Raise the limit with Simulation.builder().maxSteps(n) or"
                + " @SimulatedLoop(maxSteps = n).\n", liveHead, "Tasks still alive:").message() + frozenClock(nextTimer)
                + poolWorkers(liveHead));
    }

    /**
     * @return for a run that spun while workers of a pool on {@code Loop.threadFactory()} waited for their
     *     next job, what keeps it going: a pool never shut down, whose periodic job or keep-alive poll
     *     moves the clock for ever; or nothing
     */
    private static String poolWorkers(TaskImpl<?> liveHead) {
        PoolWorkers.Found f = PoolWorkers.among(liveHead);
        return f == null ? "" : PoolWorkers.spinNote(f);
    }

    /**
     * What a run that spun with a timer armed should know, after its tasks (the first line stays
     * the same whatever is armed): a poll that waits for a sleep or a time-out to end waits for ever,
     * and {@code Loop.spinWait()} does not help it, since the clock moves only when no task is ready.
     */
    private static String frozenClock(long nextTimer) {
        if (nextTimer == NO_TIMER) {
            return "";
        }
        return "\nThe virtual clock moves only when no task is ready, and a task polled all along: the next timer"
                + " (at " + Nanos.format(nextTimer) + ") never came, so a poll that waits for a task's sleep or for a"
                + " time-out to end waits for ever, with Loop.spinWait() as with Loop.checkpoint(). Wait for what the"
                + " poll checks instead (an Event, a Condition, a Channel, Task.join), or sleep between polls"
                + " (Loop.sleep), which lets the clock move.";
    }

    /**
     * @param liveHead the first task still alive: when the next timer is at the end of time the run is
     *     a deadlock, and the report lists the tasks and their waits as a {@code DeadlockDetected}
     *     does (a task sleeping until it is cancelled must not hide a lock cycle of the others)
     */
    static LimitExceeded maxVirtualTime(long now, long next, long maxVirtualNanos, TaskImpl<?> liveHead) {
        if (next == Long.MAX_VALUE) {
            // the tasks on lines of their own: the first line stays the same whatever they wait for
            return new LimitExceeded(DeadlockReport.ofLiveTasks(STOPPED_AT_VIRTUAL_TIME + Nanos.format(now)
                    + ": every task waits, and the only timer left is at the end of time (a sleep or deadline that"
                    + " saturated to Long.MAX_VALUE nanoseconds), " + AS_IN_A_DEADLOCK + "\n",
                    liveHead).message());
        }
        return new LimitExceeded(STOPPED_AT_VIRTUAL_TIME + Nanos.format(now)
                + ": the next timer is at " + Nanos.format(next) + ", past maxVirtualTime = "
                + Nanos.format(maxVirtualNanos) + ". Raise it with Simulation.builder().maxVirtualTime(d) "
                + "or @SimulatedLoop(maxVirtualTime = ...).");
    }

    /**
     * @param liveHead the first task still alive: the report lists them with their waits, so that a
     *     stop after a cancel that a task ignored names that task
     */
    static LimitExceeded stopped(String when, TaskImpl<?> liveHead) {
        return new LimitExceeded(DeadlockReport.ofLiveTasks("the run was stopped because the thread waiting for it was"
                + " interrupted (a test timeout?) at " + when + ".", liveHead, "Tasks still alive:").message());
    }
}
