package dev.simloop.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Tasks that are workers of a {@code java.util.concurrent.ThreadPoolExecutor} (a fixed, cached or
 * scheduled pool made with {@code Loop.threadFactory()}) waiting for their next job, for the reports
 * of a run that cannot end. Such a worker waits in {@code ThreadPoolExecutor.getTask} until a job
 * comes or the pool is shut down: a pool that user code forgot to shut down keeps its idle workers
 * parked for ever, and the run ends in a deadlock (its main task waits for them) or, while a
 * periodic job or a keep-alive poll keeps the clock moving, at a limit. Seen from simloop they are
 * tasks parked on a condition no task holds, which the reports would otherwise explain as a wait a
 * thread outside the run might end. They are only named here, never exempted from the deadlock
 * check: a pool's idle workers must not hide a deadlock of the rest of the program (architecture.md).
 *
 * <p>Driver thread only (stacks are read with {@link Frames#stackOf}).
 */
final class PoolWorkers {
    /** At most this many stacks are read to find the workers (a run may end with a million tasks parked). */
    private static final int STACKS_READ = 1_000;
    /** At most this many workers are named in a note; the rest are counted. */
    private static final int NAMED = 5;

    private PoolWorkers() {
    }

    /**
     * @param stack a task's stack
     * @return the executor class whose worker {@code stack} is, waiting for its next job
     *     ({@code ThreadPoolExecutor.getTask} on the stack, which a worker running a job has left), or null
     */
    static String executorOf(StackTraceElement[] stack) {
        boolean inGetTask = false;
        boolean scheduled = false;
        for (StackTraceElement e : stack) {
            if (isGetTask(e)) {
                inGetTask = true;
            } else if (e.getClassName().equals("java.util.concurrent.ScheduledThreadPoolExecutor$DelayedWorkQueue")) {
                scheduled = true;
            }
        }
        return !inGetTask ? null : scheduled ? "java.util.concurrent.ScheduledThreadPoolExecutor"
                : "java.util.concurrent.ThreadPoolExecutor";
    }

    /** @return {@code stack}'s {@code ThreadPoolExecutor.getTask} frame, where an idle worker waits */
    static String getTaskFrame(StackTraceElement[] stack) {
        for (StackTraceElement e : stack) {
            if (isGetTask(e)) {
                return e.toString();
            }
        }
        return Frames.userFrame(stack);
    }

    /** @return whether {@code e} is {@code ThreadPoolExecutor.getTask}, where a worker waits for its next job */
    private static boolean isGetTask(StackTraceElement e) {
        return e.getClassName().equals("java.util.concurrent.ThreadPoolExecutor") && e.getMethodName().equals("getTask");
    }

    /** The workers found among the live tasks, and the executor class of the first. */
    record Found(List<String> names, int count, String executor) {
    }

    /**
     * @param liveHead the first live task
     * @return the live tasks parked outside simloop as workers waiting for their next job (the first
     *     {@value #STACKS_READ} parked tasks are looked at), or null when there are none
     */
    static Found among(TaskImpl<?> liveHead) {
        List<String> names = new ArrayList<>();
        int count = 0;
        int read = 0;
        String executor = null;
        for (TaskImpl<?> t = liveHead; t != null && read < STACKS_READ; t = t.liveNext) {
            if (!t.parkedOutside() || !t.started()) {
                continue;
            }
            read++;
            String e = executorOf(Frames.stackOf(t));
            if (e == null) {
                continue;
            }
            executor = executor == null ? e : executor;
            if (names.size() < NAMED) {
                names.add(t.name());
            }
            count++;
        }
        return count == 0 ? null : new Found(List.copyOf(names), count, executor);
    }

    /** @return {@code Task 'a'} or {@code Tasks 'a', 'b' and 3 more}, and {@code is}/{@code are} */
    private static String subject(Found f) {
        StringBuilder sb = new StringBuilder(f.count() == 1 ? "Task " : "Tasks ");
        for (int i = 0; i < f.names().size(); i++) {
            boolean last = i == f.names().size() - 1 && f.count() == f.names().size();
            sb.append(i == 0 ? "" : last ? " and " : ", ").append('\'').append(f.names().get(i)).append('\'');
        }
        if (f.count() > f.names().size()) {
            sb.append(" and ").append(f.count() - f.names().size()).append(" more");
        }
        return sb.append(f.count() == 1 ? " is" : " are").toString();
    }

    /** @return how to make a pool like {@code f}'s that shuts down, and the other way out */
    private static String whatToDo(Found f) {
        String make = f.executor().endsWith("ScheduledThreadPoolExecutor")
                ? "Executors.newScheduledThreadPool(n, Loop.threadFactory())"
                : "Executors.newFixedThreadPool(n, Loop.threadFactory())";
        return "Shut the pool down when its work is done: try (var pool = " + make + ") { ... } (close() lets the"
                + " submitted jobs finish, then ends the workers), or pool.shutdown() in a finally block; or submit the"
                + " jobs to Loop.executor() instead, whose tasks end with their job.";
    }

    /**
     * @return the closing note of a deadlock report in which {@code f}'s workers are parked: what they
     *     are, why they never end, and what to do
     */
    static String deadlockNote(Found f) {
        return subject(f) + (f.count() == 1 ? " an idle worker" : " idle workers") + " of a " + f.executor()
                + " that was never shut down, waiting in ThreadPoolExecutor.getTask for a next job that no task will"
                + " submit: a pool's workers wait for jobs until the pool is shut down, and the run ends only when all"
                + " its tasks have ended. They wait for the run's own pool, not for a thread outside the simulation. "
                + whatToDo(f);
    }

    /**
     * @return the note of a run stopped at {@code maxSteps} while {@code f}'s workers wait for their
     *     next job: a pool never shut down whose jobs keep coming (a periodic job) or whose last worker
     *     polls for a job far ahead (a pool with no core threads polls every keep-alive, 10 ms for a
     *     scheduled pool) keeps the run going on the virtual clock until a limit stops it
     */
    static String spinNote(Found f) {
        return "\n" + subject(f) + " " + (f.count() == 1 ? "a worker" : "workers") + " of a " + f.executor()
                + " waiting in ThreadPoolExecutor.getTask for its next job: a pool that is never shut down keeps its"
                + " workers, and a periodic job that is never cancelled (scheduleAtFixedRate, scheduleWithFixedDelay),"
                + " or a worker that polls every keep-alive for a job far ahead, keeps the run going until a limit"
                + " stops it. " + whatToDo(f) + " Cancel a periodic job (future.cancel(false)) when it is no longer"
                + " needed.";
    }
}
