package dev.simloop.internal;

/**
 * Finds the task that is calling: every runtime call starts here. A call from a thread that is not
 * a loop task fails with a message that says what the thread is and what to do
 * ({@link Threads#notInATask}); a call from a task of a run that has ended unwinds it
 * ({@link TaskAbandoned}).
 */
public final class Current {
    private Current() {
    }

    /**
     * @param call the API call being made, for the error message
     * @return the task running on this thread
     * @throws IllegalStateException when called from a thread that is not a loop task
     */
    public static TaskImpl<?> task(String call) {
        TaskImpl<?> t = taskOrNone();
        if (t == null) {
            throw Threads.notInATask(call);
        }
        return t;
    }

    /**
     * As {@link #task(String)}, for a call that a thread that is no task may make too
     * ({@code Task.join} of a finished task), with one lookup.
     *
     * @return the task running on this thread, or null when the thread is no task
     * @throws TaskAbandoned when the calling task's run has ended
     */
    static TaskImpl<?> taskOrNone() {
        TaskImpl<?> t = mounted();
        if (t == null || t.done) {
            return null;
        }
        if (t.loop.isKilling()) {
            throw new TaskAbandoned("the run of this task has already ended");
        }
        return t;
    }

    /**
     * As {@link #task(String)}, first trying {@code hint}, the loop a primitive was last used in:
     * when the task running there is the caller, no thread-local lookup is needed. Hot primitives
     * (locks) keep such a hint.
     *
     * @param call the API call being made, for the error message
     * @param hint a loop the caller probably runs in, or null
     * @return the calling task
     */
    public static TaskImpl<?> task(String call, Scheduler hint) {
        if (hint != null) {
            TaskImpl<?> r = runningIn(hint);
            if (r != null) {
                return r;
            }
        }
        return task(call);
    }

    /**
     * The fast check of {@link #task(String, Scheduler)}, for callers that build their call's name
     * only when it fails: no thread-local lookup, no message.
     *
     * @param loop the loop the caller should be a task of
     * @return the calling task when it is {@code loop}'s running task, alive and its run not ended; else null
     */
    public static TaskImpl<?> runningIn(Scheduler loop) {
        TaskImpl<?> r = loop.runningTask();
        // the mounted task of that loop is this thread: it is the caller, and alive
        return r != null && r.thread == Thread.currentThread() && !r.done && !loop.isKilling() ? r : null;
    }

    /**
     * A loop cannot be started from a task of another loop: the task would block its own loop's
     * driver while waiting (and, in a simulation, be woken by a foreign thread).
     */
    static void requireOutsideLoop(String call) {
        TaskImpl<?> t = orNull();
        if (t != null) {
            throw new IllegalStateException(call + " cannot be called from inside simloop task '" + t.name()
                    + "': a loop cannot run inside another loop's task. Use a TaskGroup to run concurrent work "
                    + "in the current loop.");
        }
    }

    /** @return the task running on this thread, or null outside a loop */
    public static TaskImpl<?> orNull() {
        TaskImpl<?> t = mounted();
        return t == null || t.done ? null : t;
    }

    /**
     * The task whose step runs on this thread, found without a thread-local: a task is a virtual
     * thread mounted on its loop's driver, and the loop knows which task it is running. A virtual
     * thread that is not a task (it runs elsewhere, or the loop runs another) is none.
     *
     * @return the mounted task that is the calling thread, or null
     */
    static TaskImpl<?> mounted() {
        Thread self = Thread.currentThread();
        if (!self.isVirtual()) {
            return null;
        }
        Scheduler loop = Drivers.loopOn(VirtualThreads.currentCarrier());
        TaskImpl<?> r = loop == null ? null : loop.runningTask();
        return r != null && r.thread == self ? r : null;
    }
}
