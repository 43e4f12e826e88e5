package dev.simloop.internal;

import dev.simloop.SynchronousBlockingException;
import dev.simloop.ThrowingSupplier;

/**
 * {@code Loop.runSync}: code written for simloop run without letting anything else run. A task in
 * a synchronous run has {@link TaskImpl#syncRuns} above zero; every blocking call checks it at its
 * start (the cancellation check of a checkpoint, a spawn) and fails with
 * {@link SynchronousBlockingException}. Non-blocking calls work as they do in any task.
 */
public final class SyncRun {
    private SyncRun() {
    }

    /**
     * Runs {@code fn} synchronously in the calling task, or, outside any loop, in the root task of a
     * real loop made for it.
     */
    public static <T> T run(ThrowingSupplier<T> fn) throws Exception {
        TaskImpl<?> me = Current.orNull();
        if (me == null) {
            Scheduler loop = Scheduler.real();
            RunOutcome o = outsideLoop(loop, fn);
            Throwable f = o.failure();
            if (f instanceof Exception e) {
                throw e;
            }
            if (f instanceof Error e) {
                throw e;
            }
            @SuppressWarnings("unchecked") // what fn returned
            T value = (T) o.value();
            return value;
        }
        me.syncRuns(me.syncRuns() + 1);
        try {
            return fn.get();
        } finally {
            me.syncRuns(me.syncRuns() - 1);
        }
    }

    /**
     * Runs {@code fn} in the root task of {@code loop}, on a driver thread. An interrupt status the
     * caller had before the call is taken off for the run and set again after it, as {@code Loop.run}
     * does: it used to stop the loop before fn started, so that a thread with its status set (one
     * that caught an {@code InterruptedException} and set it again, say) got a LimitExceeded
     * asking whether a test timed out, and fn never ran. An interrupt while fn runs still stops the
     * loop: fn parked in JDK code (a latch) has nothing else to free its caller; once fn has
     * returned, its outcome stands (the scheduler ignores a stop asked of a run that has ended).
     */
    private static RunOutcome outsideLoop(Scheduler loop, ThrowingSupplier<?> fn) {
        boolean interruptedBefore = Thread.interrupted();
        try {
            return Drivers.call(() -> loop.run(() -> run(fn)), caller -> loop.requestStop());
        } finally {
            if (interruptedBefore) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The start of a blocking call of {@code me}: fails if {@code me} runs synchronously. */
    public static void checkMayBlock(TaskImpl<?> me) {
        if (me.syncRuns() > 0) {
            throw blocked();
        }
    }

    /**
     * Whether {@code me} runs synchronously, for a class the user does not see, whose frames
     * {@link #checkMayBlock(TaskImpl)} would name ({@code LoopExecutor$TaskFuture.get} for a
     * {@code Future.get}): it throws a {@link SynchronousBlockingException} naming the call the user made.
     *
     * @return whether a blocking call of {@code me} must fail
     */
    public static boolean runsSynchronously(TaskImpl<?> me) {
        return me.syncRuns() > 0;
    }

    /** The methods of {@code Task} that may block, as {@link TaskImpl} implements them. */
    private static final java.util.Set<String> TASK_CALLS = java.util.Set.of("join", "interrupt");

    /** @return the exception for a blocking call made in a synchronous run, naming the call from its own stack */
    static SynchronousBlockingException blocked() {
        String call = "a blocking call";
        for (StackTraceElement e : new Throwable().getStackTrace()) {
            String c = e.getClassName();
            if (Frames.isUserFrame(e)) {
                break;
            }
            if (c.startsWith("dev.simloop.") && !c.startsWith("dev.simloop.internal.") && !c.contains("Core")) {
                call = c.substring(c.lastIndexOf('.') + 1) + "." + e.getMethodName();
            } else if (c.equals(TaskImpl.class.getName()) && TASK_CALLS.contains(e.getMethodName())) {
                call = "Task." + e.getMethodName(); // the public Task's methods are TaskImpl's
            } else if (c.equals(TaskThreads.class.getName()) || c.equals(ThreadTasks.class.getName())) {
                call = "Thread.start (a thread of Loop.threadFactory())"; // a thread that becomes a task
            }
        }
        return new SynchronousBlockingException(call);
    }
}
