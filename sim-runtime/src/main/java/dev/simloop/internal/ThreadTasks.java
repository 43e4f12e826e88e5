package dev.simloop.internal;

import java.util.Objects;
import java.util.concurrent.ThreadFactory;

/**
 * The thread factory of {@code Loop.threadFactory()} and {@code TaskGroup.threadFactory()}: every
 * thread it makes becomes a task of the loop when it is started, so JDK code that takes a
 * {@link ThreadFactory} (thread-per-task executors, {@code StructuredTaskScope}, code that calls
 * {@code newThread(r).start()}) runs its threads as tasks: one at a time, seeded, replayable.
 *
 * <p>How: the factory makes an unstarted virtual thread whose JDK scheduler is a {@link Pending}
 * of ours. {@code Thread.start()} submits the thread's first continuation to that scheduler on the
 * starting thread, inside its step (JDK 25's {@code VirtualThread.start} calls the scheduler's
 * {@code execute} before it returns, with the caller's continuation pinned). At that first
 * submission the thread is adopted: a {@link TaskImpl} is made around it in the group (the
 * factory's, or the innermost group of the starting task), and from then on every submission goes
 * to that task as if it had spawned the thread itself. The thread's body runs the task's body,
 * which runs the {@code Runnable} given to {@code newThread}: its failure is a failure of the task,
 * which its group handles as any child's. Its name is the thread's name when it starts (an
 * executor or a {@code Thread.Builder} may have named it), else {@code task-N}.
 *
 * <p>Misuse fails where it happens, naming the call: making or starting such a thread on a thread
 * that is not a task of the factory's loop, or starting it once its group has finished.
 */
public final class ThreadTasks implements ThreadFactory {
    private final Scheduler loop;
    /** The group the threads join; null: the innermost group of the task that starts each one. */
    private final GroupImpl group;
    /** How the user got the factory, for messages: {@code Loop.threadFactory()}. */
    private final String origin;

    private ThreadTasks(Scheduler loop, GroupImpl group, String origin) {
        this.loop = loop;
        this.group = group;
        this.origin = origin;
    }

    /**
     * @param call the API call, for messages ({@code Loop.threadFactory})
     * @return a factory whose threads join the innermost group of the task that starts them
     */
    public static ThreadTasks ofCallingLoop(String call) {
        return new ThreadTasks(Current.task(call).loop, null, call + "()");
    }

    /**
     * @param g the group the threads join
     * @param call the API call, for messages ({@code TaskGroup.threadFactory})
     * @return a factory whose threads join {@code g}
     */
    public static ThreadTasks ofGroup(GroupImpl g, String call) {
        Current.task(call);
        return new ThreadTasks(g.loop, g, call + "()");
    }

    @Override
    public Thread newThread(Runnable r) {
        Objects.requireNonNull(r, "ThreadFactory.newThread (" + origin + "): r");
        ScopeTimeouts.requireVirtualTimeOut(requireTaskOfLoop("ThreadFactory.newThread", "make"), r);
        Pending p = new Pending(r);
        boolean outer = loop.creatingTask;
        loop.creatingTask = true; // not a thread the simulation does not own: ThreadGuard must let it be
        try {
            p.thread = VirtualThreads.newThread(p::submit, "", p::run);
        } finally {
            loop.creatingTask = outer;
        }
        return p.thread;
    }

    /** @return the calling task, which must be a running task of the factory's loop */
    private TaskImpl<?> requireTaskOfLoop(String call, String verb) {
        TaskImpl<?> me = Current.mounted();
        if (me == null || me.done || me.loop != loop || loop.runningTask() != me) {
            throw new IllegalStateException(call + " (a thread of " + origin + "): called on "
                    + Threads.describe(Thread.currentThread()) + ", which is not a running task of the loop that made "
                    + "the factory. The factory's threads are that loop's tasks, so " + verb + " them from its tasks: "
                    + "get the factory (" + origin + ") in the task that uses it, and do not hand it, or its unstarted "
                    + "threads, to threads outside the loop.");
        }
        return me;
    }

    @Override
    public String toString() {
        return "ThreadFactory of " + origin;
    }

    /**
     * One thread of the factory: its JDK scheduler until it is started, then the forwarder of its
     * continuations to the task it became.
     */
    private final class Pending {
        private final Runnable body;
        Thread thread;
        /** The task the thread became: set by the starting task, read by whoever submits next. */
        private volatile TaskImpl<Void> task;

        Pending(Runnable body) {
            this.body = body;
        }

        void submit(Runnable continuation) {
            TaskImpl<Void> t = task;
            if (t == null) {
                t = adopt();
            }
            t.submit(continuation);
        }

        /** The first submission: {@code Thread.start()} on the starting thread. */
        private TaskImpl<Void> adopt() {
            TaskImpl<?> me = requireTaskOfLoop("Thread.start", "start");
            GroupImpl g = group != null ? group : GroupImpl.innermost(me);
            if (g == null) {
                throw new IllegalStateException("Thread.start (a thread of " + origin + "): the loop's root group "
                        + "is not open yet");
            }
            String name = thread.getName();
            TaskImpl<Void> t = g.adopt(thread, name.isEmpty() ? null : name, body, "Thread.start (a thread of "
                    + origin + ")");
            if (name.isEmpty()) {
                thread.setName(t.name());
            }
            task = t;
            return t;
        }

        void run() {
            task.runBody();
        }
    }
}
