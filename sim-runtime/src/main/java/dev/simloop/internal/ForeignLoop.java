package dev.simloop.internal;

/**
 * The error for a primitive that tasks of two loops use at once: one kept in a static field, or
 * handed from one run to another while the first still runs. A loop would then wait for, or wake,
 * tasks it does not run, from a thread it does not own: the wake-up would come at a time no
 * schedule chose (in a simulation, a nondeterministic one), and a deadlock report would name the
 * other loop's tasks as if they were its own. So the use is refused where it happens.
 */
public final class ForeignLoop {
    private ForeignLoop() {
    }

    /**
     * @param primitive what is shared, as a deadlock report names it (e.g. {@code Event 'ready'})
     * @param other the task of the other loop that waits on it or holds it
     * @param how {@code "is waited on by"} or {@code "is held by"}
     * @return the error to throw
     */
    public static IllegalStateException shared(Object primitive, TaskImpl<?> other, String how) {
        return new IllegalStateException(primitive + " " + how + " task '" + other.name() + "' of another run"
                + " (a simulation or loop running at the same time): a primitive"
                + " belongs to the one run that"
                + " uses it, and this one is shared between two (kept in a static field, or handed from one run"
                + " to the other). Create it inside the program the run runs, so that each run makes its own.");
    }

    /**
     * @param waiter a task parked in one of its loop's queues
     * @return whether the calling thread may wake it: its loop's running task, or its loop's driver
     *     between steps; a task of another loop may not
     */
    static boolean mayWake(TaskImpl<?> waiter) {
        Thread self = Thread.currentThread();
        Scheduler loop = waiter.loop;
        if (self == loop.driver) {
            return true;
        }
        TaskImpl<?> running = loop.runningTask();
        return running != null && running.thread == self;
    }
}
