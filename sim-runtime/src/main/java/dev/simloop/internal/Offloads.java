package dev.simloop.internal;

import dev.simloop.ThrowingSupplier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Work that runs off the loop: {@code Loop.toThread} calls on platform threads, and virtual threads
 * that inherited a task's scheduler but are not tasks. Both pools are daemon threads created on
 * demand and reaped when idle; their threads inherit no inheritable thread locals from the task
 * that caused their creation (so simloop's own threads are never mistaken for the user's).
 */
public final class Offloads {
    private static final AtomicInteger COUNT = new AtomicInteger();
    private static final AtomicInteger CARRIERS = new AtomicInteger();

    /** The platform threads that run {@code Loop.toThread} work. */
    static final ExecutorService POOL = pool("simloop-offload-", COUNT);

    /**
     * Carrier threads for virtual threads that inherited a task as their scheduler (see
     * {@link TaskImpl}'s executor): they run off the loop, as they would on the JDK's default scheduler.
     */
    static final ExecutorService FOREIGN_CARRIERS = pool("simloop-foreign-carrier-", CARRIERS);

    /**
     * The loop whose {@code Loop.toThread} work this offload thread runs now, or null: a task that this
     * work wakes (it completes a future a task waits on, counts a latch down) is woken by the loop's
     * own work, in an order its program decides, while the loop waits for it (see {@link #runningFor}).
     */
    private static final ThreadLocal<Scheduler> RUNNING_FOR = new ThreadLocal<>();

    /** How a task waiting for its offloaded call is described (deadlock reports, traces, limits). */
    static final String WAIT_TEXT = "work offloaded with Loop.toThread";

    private Offloads() {
    }

    /** @return whether the calling thread runs {@code Loop.toThread} work now */
    static boolean runningWork() {
        return RUNNING_FOR.get() != null;
    }

    private static ExecutorService pool(String prefix, AtomicInteger count) {
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> Thread.ofPlatform().name(prefix + count.incrementAndGet()).daemon(true)
                        .inheritInheritableThreadLocals(false).unstarted(r));
    }

    /**
     * Runs {@code work} on a platform thread and returns its result to {@code me}, which waits in
     * the loop. A checkpoint. Cancelling the caller abandons the wait, not the work (in a simulation,
     * a cancel that ends the wait before the work has started means it never starts).
     */
    public static <T> T call(Scheduler loop, TaskImpl<?> me, ThrowingSupplier<T> work) throws Exception {
        loop.checkCancelled(me);
        Offload op = new Offload(me);
        loop.offloadStarted();
        Runnable run = () -> {
            Object result = null;
            Throwable failure = null;
            RUNNING_FOR.set(loop);
            try {
                result = work.get();
            } catch (Throwable e) {
                failure = e;
            } finally {
                RUNNING_FOR.remove();
            }
            Object r = result;
            Throwable f = failure;
            loop.post(() -> op.complete(loop, r, f));
        };
        if (loop.simulated) {
            // Started once the caller waits, as its step ends: what the work does to its caller (an
            // interrupt, an unpark) then finds it waiting in every run, not in some still on its way there
            loop.afterStep(() -> start(loop, op, run));
        } else {
            execute(loop, op, run);
        }
        // In a simulation nothing else runs until the work is back, so cancellation cannot arrive.
        while (!op.completed) {
            loop.block(me, op, op);
        }
        if (op.failure instanceof Exception e) {
            throw e;
        }
        if (op.failure instanceof Error e) {
            throw e;
        }
        if (op.failure != null) {
            // a Throwable of its own, thrown sneakily: a checked failure, as it is when a task throws it
            throw new dev.simloop.TaskFailedException(me.name(), op.failure);
        }
        @SuppressWarnings("unchecked") // the result is what work.get() returned: a T
        T result = (T) op.result;
        return result;
    }

    /**
     * Hands a simulation's offloaded work to a platform thread once its caller's step has ended; work
     * whose caller stopped waiting within that step (an interrupt it carried in cancelled the wait) is
     * never started, and ends at once.
     */
    private static void start(Scheduler loop, Offload op, Runnable run) {
        if (op.abandoned) {
            loop.offloadEnded(true);
        } else {
            execute(loop, op, run);
        }
    }

    /**
     * Hands the work to a pool thread. A JVM out of native threads fails the call with its error, not
     * the driver that starts a simulation's work, and leaves no call counted in flight for ever.
     */
    private static void execute(Scheduler loop, Offload op, Runnable run) {
        try {
            POOL.execute(run);
        } catch (RuntimeException | Error e) {
            op.complete(loop, null, e);
        }
    }

    /**
     * @return whether the calling thread runs {@code loop}'s offloaded work now. In a simulation nothing
     *     else runs while the work is out, so what it wakes, it wakes in its own program's order, and the
     *     wake-ups arrive before its result: they are the run's, not the outside's.
     */
    static boolean runningFor(Scheduler loop) {
        return RUNNING_FOR.get() == loop;
    }

    /** The failure of a simulation that waited {@code maxStepWallTime} for offloaded work, naming its callers. */
    static dev.simloop.LimitExceeded tooSlow(Scheduler loop) {
        StringBuilder callers = new StringBuilder();
        for (TaskImpl<?> t = loop.liveHead(); t != null; t = t.liveNext) {
            if (t.blockedOn instanceof Offload) {
                callers.append(callers.length() == 0 ? "" : ", ").append("task '").append(t.name()).append("' at ")
                        .append(Frames.userFrame(t));
            }
        }
        return new dev.simloop.LimitExceeded("the simulation waited " + Nanos.format(loop.maxStepWallNanos())
                + " of real time for work offloaded with Loop.toThread that has not returned (" + callers + "; "
                + loop.when() + "). Nothing else runs in a simulation while such work is out, so the run stops here. "
                + "Make the work finish, or raise the limit with Simulation.builder().maxStepWallTime(d) or "
                + "@SimulatedLoop(maxStepWallTime = ...). The offloaded work itself keeps running on its thread: the "
                + "JVM cannot stop a thread.");
    }

    /** One call to {@code toThread}: what its caller waits on, and how a cancel abandons the wait. */
    private static final class Offload implements Abortable {
        final TaskImpl<?> caller;
        boolean completed;
        boolean abandoned;
        Object result;
        Throwable failure;

        Offload(TaskImpl<?> caller) {
            this.caller = caller;
        }

        /** On the driver, when the work's outcome arrives through the inbox. */
        void complete(Scheduler loop, Object r, Throwable f) {
            loop.offloadEnded(abandoned);
            if (abandoned) {
                return;
            }
            completed = true;
            result = r;
            failure = f;
            loop.wake(caller, this);
        }

        @Override
        public boolean abort(TaskImpl<?> waiter) {
            if (!abandoned) { // counted once, though a waiter whose cancel a shield hid may wait again and be aborted again
                abandoned = true;
                caller.loop().offloadAbandoned();
            }
            return true;
        }

        @Override
        public String toString() {
            return WAIT_TEXT;
        }
    }
}
