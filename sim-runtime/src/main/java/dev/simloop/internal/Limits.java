package dev.simloop.internal;

import dev.simloop.LimitExceeded;

/** The limits that stop a run, and their messages: which limit, its value, and how to raise it. */
final class Limits {
    private Limits() {
    }

    /**
     * @param swallowedCancels what a task that keeps catching a cancel does, when one does (the
     *     reason the run spins, which no higher limit would end); null otherwise
     */
    static LimitExceeded maxSteps(long steps, long maxSteps, long now, String swallowedCancels) {
        String stopped = "simulation stopped after " + steps + " steps (maxSteps = " + maxSteps + ") at virtual time "
                + Nanos.format(now) + ": ";
        if (swallowedCancels != null) {
            return new LimitExceeded(stopped + swallowedCancels);
        }
        return new LimitExceeded(stopped + "a task may be spinning on checkpoints without making progress. Raise the"
                + " limit with Simulation.builder().maxSteps(n) or @SimulatedLoop(maxSteps = n).");
    }

    static LimitExceeded maxVirtualTime(long now, long next, long maxVirtualNanos) {
        if (next == Long.MAX_VALUE) {
            return new LimitExceeded("simulation stopped at virtual time " + Nanos.format(now) + ": every task waits,"
                    + " and the only timer left is at the end of time (a sleep or deadline that saturated to"
                    + " Long.MAX_VALUE nanoseconds), so nothing can happen any more, as in a deadlock");
        }
        return new LimitExceeded("simulation stopped at virtual time " + Nanos.format(now)
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
