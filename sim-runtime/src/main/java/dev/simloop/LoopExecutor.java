package dev.simloop;

import dev.simloop.internal.Current;
import dev.simloop.internal.Scheduler;
import dev.simloop.internal.SyncRun;
import dev.simloop.internal.TaskImpl;
import dev.simloop.sync.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@code ExecutorService} of {@link Loop#executor()} and {@link TaskGroup#executor()}: each
 * piece of work is a task spawned into one task group, so JDK code written against an executor
 * (submit and get, {@code invokeAll}, {@code CompletableFuture.supplyAsync(f, executor)}) runs as
 * tasks: one at a time, seeded, explored and replayed.
 *
 * <p>Its futures wait in simloop (a {@code get()} is a checkpoint that deadlock reports name and a
 * cancel ends), and their timed {@code get} and {@link #awaitTermination} count loop time. Work
 * given to {@link #execute} has no future, so its failure is a failure of the group (nothing is
 * lost); work given to {@code submit} or {@code invoke*} keeps its failure in its future, as with
 * any executor. {@link #close()} waits for every task (structured); {@link #shutdownNow()} cancels
 * them. There is never a queue of work that has not started: every task is spawned when submitted,
 * so {@code shutdownNow()} returns an empty list.
 *
 * <p>Driver-only state, like every loop object: used only from the loop's tasks. Its futures'
 * queries ({@code isDone}, {@code state} and the like) may be called from any thread; their
 * {@code cancel}, {@code run} and {@code get} refuse, before changing anything, a caller that is no
 * task of the loop.
 */
final class LoopExecutor extends AbstractExecutorService {
    private final TaskGroup group;
    /** How the user got this executor, for messages: {@code Loop.executor()}. */
    private final String origin;
    /** Tasks spawned and not finished, in spawn order (for shutdownNow). */
    private final Set<Task<?>> running = new LinkedHashSet<>();
    /** Named for deadlock reports, which would otherwise ask for a set() of an Event the caller cannot see. */
    private final Event terminated;
    private boolean shutdown;
    /**
     * Set with {@link #terminated}, for good: read from any thread, so that a shutdown or close
     * from outside the loop (the test after the run) of an executor already terminated does
     * nothing, as the ExecutorService contract says, instead of refusing its caller.
     */
    private volatile boolean hasTerminated;
    /**
     * The group's end terminates the executor for its waiters (set at the first awaitTermination, so
     * that a long-lived group keeps nothing for every executor made in it that nobody awaits).
     */
    private boolean endsWithItsGroup;

    LoopExecutor(TaskGroup group, String origin) {
        this.group = group;
        this.origin = origin;
        this.terminated = new Event("the termination of the ExecutorService of " + origin + ", which comes once it is"
                + " shut down (shutdown(), shutdownNow() or close(), which awaitTermination does not call) and its"
                + " last task has ended");
    }

    @Override
    public void execute(Runnable command) {
        Objects.requireNonNull(command, "ExecutorService.execute (" + origin + "): command");
        callerThatMayBlock("execute");
        if (shutdown) {
            throw new RejectedExecutionException("ExecutorService.execute (" + origin + "): the executor has been "
                    + "shut down (shutdown, shutdownNow or close), so it takes no more work; submit work before that, "
                    + "or use a new " + origin);
        }
        if (group.impl().isClosed()) {
            // rejected, as the ExecutorService contract says, for JDK code that catches exactly that
            throw new RejectedExecutionException("ExecutorService.execute (" + origin + "): the task group the"
                    + " executor runs its work in has finished, so it takes no more work; keep the executor no longer"
                    + " than its group, or use the " + origin + " of a group that is still open");
        }
        Task<?>[] self = new Task<?>[1];
        Task<Void> t = group.spawn((String) null, () -> {
            try {
                command.run();
            } finally {
                finished(self[0]);
            }
        });
        self[0] = t;
        if (!t.isDone()) {
            running.add(t);
        }
        if (command instanceof TaskFuture<?> f) {
            f.bind(t);
        }
    }

    // The submit and invoke methods are AbstractExecutorService's (newTaskFor + execute); these
    // overrides only name the call and the argument when it is null, as every simloop API does.

    @Override
    public Future<?> submit(Runnable task) {
        callerThatMayBlock("submit");
        return super.submit(nonNull(task, "submit", "task"));
    }

    @Override
    public <T> Future<T> submit(Runnable task, T result) {
        callerThatMayBlock("submit");
        return super.submit(nonNull(task, "submit", "task"), result);
    }

    @Override
    public <T> Future<T> submit(Callable<T> task) {
        callerThatMayBlock("submit");
        return super.submit(nonNull(task, "submit", "task"));
    }

    /**
     * As {@link AbstractExecutorService}'s, but a cancel of the caller while it waits is raised, and
     * cancels the work that is not done: the JDK's swallows every CancellationException from
     * {@code get()}, {@link Cancelled} among them, so it returned futures still running.
     */
    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
        return invokeAll(nonNullTasks(tasks, "invokeAll"), false, 0);
    }

    /**
     * As {@link AbstractExecutorService}'s, but its deadline is on the loop clock: the JDK's reads
     * {@code System.nanoTime()}, which in a simulation (without the agent) is the real clock, so the
     * time-out came late by the wall time the run took, and at a virtual time that changed from run
     * to run.
     */
    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException {
        nonNullTasks(tasks, "invokeAll");
        long nanos = nonNull(unit, "invokeAll", "unit").toNanos(timeout);
        long now = Loop.nanoTime();
        return invokeAll(tasks, true, nanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos);
    }

    /**
     * Submits every task and waits for them, until {@code deadline} if {@code timed}; cancels the
     * work that is not done when it leaves early (timed out, or the caller cancelled).
     */
    private <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, boolean timed, long deadline)
            throws InterruptedException {
        List<Future<T>> futures = new ArrayList<>(tasks.size());
        boolean done = false;
        try {
            for (Callable<T> t : tasks) {
                futures.add(submit(t));
            }
            for (Future<T> f : futures) {
                if (!f.isDone() && !waitFor(f, timed, deadline)) {
                    return futures; // timed out: the finally cancels the rest
                }
            }
            done = true;
            return futures;
        } finally {
            if (!done) {
                futures.forEach(f -> f.cancel(true));
            }
        }
    }

    /**
     * Waits for {@code f}, until {@code deadline} if {@code timed}. The caller's own cancel is raised:
     * {@code get()} throws it as {@link Cancelled}, a CancellationException, but a cancelled future's
     * {@code get()} throws a plain one.
     *
     * @return false when the loop clock reached {@code deadline} before {@code f} was done
     */
    private static boolean waitFor(Future<?> f, boolean timed, long deadline) throws InterruptedException {
        long left = timed ? deadline - Loop.nanoTime() : Long.MAX_VALUE;
        if (left <= 0) {
            return false;
        }
        try {
            if (timed) {
                f.get(left, TimeUnit.NANOSECONDS);
            } else {
                f.get();
            }
        } catch (Cancelled callerCancelled) {
            throw callerCancelled; // not the future's outcome: the caller leaves, and invokeAll cancels the work
        } catch (ExecutionException | CancellationException failedOrCancelled) {
            // done: its future holds that, as invokeAll's contract says
        } catch (TimeoutException e) {
            return false;
        }
        return true;
    }

    /**
     * As {@link AbstractExecutorService}'s, but a cancel of the caller is never thrown as a failure
     * of the work: {@code get()} is a checkpoint even for a done future, and the JDK's takes the
     * {@link Cancelled} it raises for the work's failure, so a caller cancelled as its work ended got
     * an ExecutionException caused by its own cancel. The cancel is raised instead, also when it
     * came while the JDK's waited in its completion queue, whose wait the cancel's interrupt ends
     * with an InterruptedException.
     */
    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        try {
            return super.invokeAny(nonNullTasks(tasks, "invokeAny"));
        } catch (ExecutionException | InterruptedException e) {
            Loop.checkpointIfCancelled(); // the caller's cancel comes first (the work is cancelled by then)
            throw e;
        }
    }

    /**
     * As {@link AbstractExecutorService}'s, but its time-out is on the loop clock: the JDK's waits
     * in a timed queue poll on the real clock, which a simulation refuses (a timed wait outside
     * simloop). The untimed {@code invokeAny} runs in a scope that the deadline cancels; its wait is
     * then interrupted and its work cancelled.
     */
    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        nonNullTasks(tasks, "invokeAny");
        long nanos = Math.max(0, nonNull(unit, "invokeAny", "unit").toNanos(timeout));
        List<T> value = new ArrayList<>(1); // a holder: the value may be null
        ExecutionException[] failed = new ExecutionException[1];
        CancelScope.moveOnAfter(Duration.ofNanos(nanos), () -> {
            try {
                value.add(invokeAny(tasks)); // this class's: a cancel (the deadline's too) is raised, not a failure
            } catch (ExecutionException allFailed) {
                failed[0] = allFailed;
            }
            return null;
        });
        if (failed[0] != null) {
            throw failed[0];
        }
        if (value.isEmpty()) {
            throw new TimeoutException("ExecutorService.invokeAny (" + origin + "): no task had completed successfully"
                    + " after " + timeout + " " + unit.name().toLowerCase(java.util.Locale.ROOT) + " of loop time");
        }
        return value.get(0);
    }

    /**
     * The checks of every call that hands work over: the caller is a task (of any loop, named in
     * the message as the call the user made), and of this executor's loop.
     *
     * @return the calling task
     */
    private TaskImpl<?> callerOfItsLoop(String call) {
        String named = "ExecutorService." + call + " (" + origin + ")";
        TaskImpl<?> me = Current.task(named);
        if (me.loop() != group.impl().loop()) {
            throw new IllegalStateException(named + ": this executor belongs to another loop than the calling " + me
                    + ", and a loop's executor takes work from that loop's own tasks; use " + origin
                    + " of the loop that is to run the work, from one of its tasks");
        }
        return me;
    }

    /**
     * As {@link #callerOfItsLoop}, for a call that spawns or waits: refused, naming it, inside
     * {@code Loop.runSync}, where the frames would name this class, which the user does not see.
     *
     * @return the calling task
     */
    private TaskImpl<?> callerThatMayBlock(String call) {
        TaskImpl<?> me = callerOfItsLoop(call);
        if (SyncRun.runsSynchronously(me)) {
            throw new SynchronousBlockingException("ExecutorService." + call + " (" + origin + ")");
        }
        return me;
    }

    private <A> A nonNull(A arg, String call, String name) {
        return Objects.requireNonNull(arg, "ExecutorService." + call + " (" + origin + "): " + name);
    }

    private <C extends Collection<?>> C nonNullTasks(C tasks, String call) {
        nonNull(tasks, call, "tasks");
        for (Object t : tasks) {
            nonNull(t, call, "an element of tasks");
        }
        callerThatMayBlock(call);
        return tasks;
    }

    private void finished(Task<?> t) {
        running.remove(t);
        if (shutdown && running.isEmpty()) {
            terminate();
        }
    }

    @Override
    protected <T> RunnableFuture<T> newTaskFor(Callable<T> callable) {
        return new TaskFuture<>(callable, origin, group.impl().loop());
    }

    @Override
    protected <T> RunnableFuture<T> newTaskFor(Runnable runnable, T value) {
        return new TaskFuture<>(() -> {
            runnable.run();
            return value;
        }, origin, group.impl().loop());
    }

    private void terminate() {
        hasTerminated = true;
        terminated.set();
    }

    /**
     * Whether the executor is over: terminated, or its task group has finished, so that no task of it
     * runs and none can start ({@link #execute} refuses), which is all termination means. The second
     * is how an executor nobody shut down ends: with its run, when the test after the run, or JUnit
     * closing an {@code @AutoClose} field, shuts it down or closes it. Read from another thread, the
     * group's end is seen once the run's end is (the caller of {@code Simulation.run} or
     * {@code Loop.run} after it returned).
     */
    private boolean over() {
        return hasTerminated || group.impl().isClosed();
    }

    /** Does nothing once the executor is {@linkplain #over over}, from any thread, as the ExecutorService contract says. */
    @Override
    public void shutdown() {
        if (!over()) {
            shutdown0("shutdown");
        }
    }

    /** Shuts down for {@code call}, the method the user called (named in a misuse's message). */
    private void shutdown0(String call) {
        callerOfItsLoop(call);
        shutdown = true;
        if (running.isEmpty()) {
            terminate();
        }
    }

    /**
     * Shuts down and cancels every running task (each raises {@code Cancelled} at its next checkpoint,
     * or is interrupted where it waits in JDK code). Does nothing once the executor is
     * {@linkplain #over over}, from any thread.
     *
     * @return an empty list: no work waits unstarted
     */
    @Override
    public List<Runnable> shutdownNow() {
        if (over()) {
            return List.of();
        }
        shutdown0("shutdownNow");
        for (Task<?> t : new ArrayList<>(running)) {
            t.cancel();
        }
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return shutdown || over();
    }

    @Override
    public boolean isTerminated() {
        return over();
    }

    /**
     * Waits, in loop time, for every task to finish after a shutdown, or for the executor's task
     * group to finish (a task outside the group waits for that, shut down or not). A checkpoint.
     * Returns true at once, from any thread, once the executor is {@linkplain #over over}.
     */
    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        Objects.requireNonNull(unit, "ExecutorService.awaitTermination (" + origin + "): unit");
        if (over()) {
            return true;
        }
        callerThatMayBlock("awaitTermination");
        if (!endsWithItsGroup) {
            // a task outside the group (it was handed the executor) waits on when the group finishes too
            endsWithItsGroup = true;
            group.impl().whenFinished(this::terminate);
        }
        CancelScope.moveOnAfter(Duration.ofNanos(Math.max(0, unit.toNanos(timeout))), () -> {
            terminated.await();
            return Boolean.TRUE;
        });
        return terminated.isSet();
    }

    /**
     * Shuts down and waits for every task. When the calling task is cancelled meanwhile, or an
     * exception is thrown into it ({@link Task#interrupt}, {@link Task#throwIn}, a
     * {@link Loop#taskTimeout} that passes), as an interrupt is into the JDK's {@code close()}: cancels
     * them ({@link #shutdownNow()}), waits for them shielded, and raises the {@code Cancelled} or the
     * exception: nothing outlives the call.
     * Does nothing once the executor is {@linkplain #over over}, from any thread (the test after the
     * run too, or JUnit closing an {@code @AutoClose} field), as the ExecutorService contract says.
     *
     * @throws IllegalStateException when called from one of the executor's own tasks, which the
     *     close would wait for (itself included), before anything changes
     */
    @Override
    public void close() {
        if (over()) {
            return;
        }
        TaskImpl<?> me = callerThatMayBlock("close"); // refused in Loop.runSync before the shutdown
        if (running.contains(me)) {
            // it would wait for its own end: a deadlock in a simulation, a silent hang in a busy real loop
            throw new IllegalStateException("ExecutorService.close (" + origin + "): the calling " + me + " is one of"
                    + " this executor's own tasks, and close waits for every one of them to end, this one too, so it"
                    + " could never return; call shutdown() there, and close the executor in the task that made it");
        }
        shutdown0("close");
        try {
            terminated.await();
        } catch (RuntimeException stop) {
            // A cancel, or an exception thrown into the caller (Task.interrupt, throwIn, a Loop.taskTimeout
            // that passed), as an interrupt of the JDK's close: stop the tasks and keep waiting for them, so
            // that none outlives the call; then raise it. Left at once, the tasks ran on after close threw.
            shutdownNow();
            waitShieldedForTermination(stop);
            throw stop;
        }
    }

    /**
     * Waits, shielded from cancels, until every task has ended; an exception thrown into the caller
     * meanwhile does not end the wait: it is added to {@code stop} as suppressed.
     */
    private void waitShieldedForTermination(RuntimeException stop) {
        while (!terminated.isSet()) {
            try {
                CancelScope.shielded(() -> {
                    terminated.await();
                    return null;
                });
            } catch (RuntimeException again) {
                if (again != stop) {
                    stop.addSuppressed(again);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "ExecutorService of " + origin + (shutdown ? " (shut down, " : " (") + running.size() + " running)";
    }

    /**
     * A future whose work runs as a task: {@code get} waits in simloop on an event the work sets.
     * A cancel marks the future cancelled at once (as {@code FutureTask} does) and, with
     * {@code mayInterruptIfRunning}, cancels the task.
     *
     * <p>Its {@code run}, {@code cancel} and {@code get} are for the tasks of its loop (they wake
     * or wait on the loop's event), and each checks its caller before anything changes; its
     * queries ({@code isDone}, {@code isCancelled}, {@code state}, {@code resultNow},
     * {@code exceptionNow}) may be called from any thread, as {@link Task#isDone()}.
     */
    static final class TaskFuture<T> implements RunnableFuture<T> {
        private final Callable<T> work;
        private final String origin;
        /** The loop whose tasks may run, cancel and wait for it. */
        private final Scheduler loop;
        /** Set when the future is done; named after its task once spawned, for deadlock reports. */
        private Event done;
        /**
         * Written by the loop's tasks only, with a release once {@link #value} and {@link #failure}
         * are; read with an acquire, so that a thread outside the loop that polls {@link #isDone}
         * sees the end, and the outcome with it (a plain read may be hoisted out of its loop).
         */
        private State state = State.RUNNING;
        private T value;
        private Throwable failure;
        /** Some task has started the work: a second run() is a no-op, as FutureTask's. */
        private boolean started;
        /** The task running the work, once spawned. */
        Task<?> task;

        TaskFuture(Callable<T> work, String origin, Scheduler loop) {
            this.work = work;
            this.origin = origin;
            this.loop = loop;
        }

        /**
         * Checks, before anything changes, that the caller is a task of the future's loop: from any
         * other thread the change would be half made (the state set, the event's waiters not woken).
         */
        private TaskImpl<?> callerOfItsLoop(String call) {
            TaskImpl<?> running = Current.runningIn(loop);
            if (running != null) {
                return running; // the usual case, checked without building the call's name (run() is per task)
            }
            String named = "Future." + call + " (" + origin + ")";
            TaskImpl<?> me = Current.task(named);
            if (me.loop() != loop) {
                throw loop.notThisLoop(named, "this future", me);
            }
            return me;
        }

        /** As {@link #callerOfItsLoop}, for a call that waits: refused, naming it, inside {@code Loop.runSync}. */
        private void callerThatMayBlock(String call) {
            if (SyncRun.runsSynchronously(callerOfItsLoop(call))) {
                throw new SynchronousBlockingException("Future." + call + " (" + origin + ")");
            }
        }

        void bind(Task<?> t) {
            task = t;
            done();
        }

        private Event done() {
            if (done == null) {
                done = new Event(task == null ? "future" : "future of " + task.name());
            }
            return done;
        }

        @Override
        public void run() {
            TaskImpl<?> me = callerOfItsLoop("run");
            if (task == null) {
                task = me; // run through a wrapper (invokeAny's completion service): cancel finds it
            }
            if (started || state() != State.RUNNING) {
                return; // cancelled before it ran, or already running (a task called run() itself)
            }
            started = true;
            try {
                T v = work.call();
                complete(State.SUCCESS, v, null);
            } catch (Throwable e) {
                if (e instanceof CancellationException || e instanceof InterruptedException) {
                    try {
                        me.loop().raiseIfCancelled(me); // is it the task's own cancellation? Then the task ends cancelled
                    } catch (Cancelled c) {
                        complete(State.CANCELLED, null, null);
                        throw c;
                    }
                }
                complete(State.FAILED, null, e);
            }
        }

        /** Ends the future; only from a task of its loop (run and cancel check their callers first). */
        private void complete(State s, T v, Throwable f) {
            if (state() != State.RUNNING) {
                return;
            }
            value = v;
            failure = f;
            STATE.setRelease(this, s); // publishes value and failure with it
            done().set();
        }

        /**
         * Cancels the future, from a task of its loop only: a thread outside it (a callback, a client
         * library's thread, the test after the run) gets an IllegalStateException and the future is
         * left as it was.
         */
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            callerOfItsLoop("cancel");
            if (state() != State.RUNNING) {
                return false;
            }
            complete(State.CANCELLED, null, null);
            if (mayInterruptIfRunning && task != null && !task.isDone()) {
                task.cancel();
            }
            return true;
        }

        @Override
        public boolean isCancelled() {
            return state() == State.CANCELLED;
        }

        @Override
        public boolean isDone() {
            return state() != State.RUNNING;
        }

        /** May be called from any thread: an acquire (see the field it reads). */
        @Override
        public State state() {
            return (State) STATE.getAcquire(this);
        }

        @Override
        public T get() throws ExecutionException {
            callerThatMayBlock("get");
            done().await();
            return outcome();
        }

        /** Waits at most {@code timeout} of loop time. */
        @Override
        public T get(long timeout, TimeUnit unit) throws ExecutionException, TimeoutException {
            Objects.requireNonNull(unit, "Future.get (" + origin + "): unit");
            callerThatMayBlock("get");
            CancelScope.moveOnAfter(Duration.ofNanos(Math.max(0, unit.toNanos(timeout))), () -> {
                done().await();
                return Boolean.TRUE;
            });
            if (!isDone()) {
                throw new TimeoutException("Future.get (" + origin + "): not done after " + timeout + " "
                        + unit.name().toLowerCase(java.util.Locale.ROOT) + " of loop time");
            }
            return outcome();
        }

        private T outcome() throws ExecutionException {
            return switch (state()) {
                case SUCCESS -> value;
                case FAILED -> throw new ExecutionException(failure);
                case CANCELLED -> throw new CancellationException("Future.get (" + origin + "): the work was cancelled");
                case RUNNING -> throw new IllegalStateException("not done");
            };
        }

        @Override
        public T resultNow() {
            State s = state();
            if (s != State.SUCCESS) {
                throw new IllegalStateException("Future.resultNow: the future's state is " + s + ", not SUCCESS");
            }
            return value;
        }

        @Override
        public Throwable exceptionNow() {
            State s = state();
            if (s != State.FAILED) {
                throw new IllegalStateException("Future.exceptionNow: the future's state is " + s + ", not FAILED");
            }
            return failure;
        }

        @Override
        public String toString() {
            return "Future of " + origin + " (" + state() + (task == null ? "" : ", task '" + task.name() + "'") + ")";
        }

        private static final java.lang.invoke.VarHandle STATE;

        static {
            try {
                STATE = java.lang.invoke.MethodHandles.lookup().findVarHandle(TaskFuture.class, "state", State.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }
}
