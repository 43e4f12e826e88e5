package dev.simloop;

import dev.simloop.internal.Current;
import dev.simloop.internal.GroupImpl;
import dev.simloop.internal.GroupRules;
import dev.simloop.internal.RunHashes;
import dev.simloop.internal.Scheduler;
import dev.simloop.internal.TaskImpl;
import dev.simloop.sync.Event;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A long-lived task group for services that spawn work over time (aiotools'
 * {@code PersistentTaskGroup}), usable as a field of a service object rather than only as a block.
 *
 * <pre>{@code
 * final class Server implements AutoCloseable {
 *     private final PersistentTaskGroup connections = PersistentTaskGroup.open("connections");
 *
 *     void accepted(Socket s) { connections.spawn("conn-" + s.getPort(), () -> serve(s)); }
 *
 *     public void close() { connections.shutdown(); }
 * }
 * }</pre>
 *
 * <p>Rules: a task's failure never cancels the group or its other tasks; it stays in its
 * {@link Task} and goes to the group's {@link FailureHandler} as it happens (by default logged at
 * WARNING). {@link #shutdown()} (and {@link #close()}) cancels every task and waits for all of them.
 * The group's tasks belong to the loop's root group, so they may outlive the task that opened it; a
 * group still open when the loop's main body and its other tasks are done is shut down then, and a
 * simulation's leak check reports it.
 */
public final class PersistentTaskGroup implements AutoCloseable {
    /** This object's hash code once taken, 0 before: set only through HASH ({@code RunHashes}). */
    private int hash;
    private static final VarHandle HASH = RunHashes.slot(MethodHandles.lookup());

    private final String name;
    private final FailureHandler handler;
    private final Scheduler loop;
    private final Event ready = new Event();
    private TaskGroup group;
    private Task<Void> keeper;
    private boolean shutdownCalled;
    /**
     * How many tasks wait in {@link #shutdown()} for the keeper: while one does, the handler's failure
     * is that caller's to get. One that leaves early (an exception thrown into its wait) no longer counts.
     */
    private int shutdownWaiting;
    /** What the handler threw while the group shut down, for the waiting {@link #shutdown()} caller; else null. */
    private Throwable forShutdown;

    private PersistentTaskGroup(String name, FailureHandler handler, Scheduler loop) {
        this.name = name;
        this.handler = handler;
        this.loop = loop;
    }

    /**
     * Opens a group whose task failures are logged at WARNING. A checkpoint.
     *
     * @param name the group's name: its keeper task's name, so its tasks' log paths read
     *     {@code main/name/task}
     * @return the open group
     * @throws IllegalStateException when not called from a loop task
     */
    public static PersistentTaskGroup open(String name) {
        Objects.requireNonNull(name, "PersistentTaskGroup.open: name");
        return open0(name, GroupRules.LOGGING);
    }

    /**
     * Opens a group whose task failures go to {@code handler}, each as it happens. A checkpoint.
     *
     * @param name the group's name
     * @param handler receives every failure of the group's tasks
     * @return the open group
     */
    public static PersistentTaskGroup open(String name, FailureHandler handler) {
        Objects.requireNonNull(name, "PersistentTaskGroup.open: name");
        Objects.requireNonNull(handler, "PersistentTaskGroup.open: handler");
        return open0(name, handler);
    }

    private static PersistentTaskGroup open0(String name, FailureHandler handler) {
        TaskImpl<?> me = Current.task("PersistentTaskGroup.open");
        TaskGroup root = TaskGroup.root("PersistentTaskGroup.open");
        PersistentTaskGroup p = new PersistentTaskGroup(name, handler, me.loop());
        p.keeper = root.spawn(TaskOptions.named(name).awaited(false), p::keep);
        try {
            p.ready.await();
        } catch (RuntimeException | Error e) { // cancelled, or an exception thrown in (a Loop.taskTimeout that passed)
            p.shutdownCalled = true; // nobody got the group to shut down: no leak to report when it ends
            p.keeper.cancel(); // the caller gave up: the group never opened for it
            throw e;
        }
        return p;
    }

    /** The keeper task's body: owns the group, hands failures to the handler until shut down. */
    private void keep() {
        group = TaskGroup.open("PersistentTaskGroup.open");
        GroupRules rules = group.impl().rules();
        rules.supervise();
        rules.handOnAtOnce();
        loop.persistentGroups().put(group.impl(), this);
        ready.set();
        Throwable thrown = null; // what the handler (or the group) threw: the first, the rest suppressed
        try {
            group.impl().run(() -> {
                for (;;) {
                    dev.simloop.internal.GroupRules.handOver(handler, rules.awaitFailure());
                }
            });
        } catch (RuntimeException | Error e) {
            thrown = e; // an Error too (an AssertionError of the handler): the failures left are still handed over
        }
        loop.persistentGroups().remove(group.impl());
        Throwable[] first = {thrown};
        CancelScope.shielded(() -> {
            TaskImpl<?> failed; // failures of tasks that ended while the group shut down: every one handed over
            while ((failed = rules.pollFailure()) != null) {
                try {
                    dev.simloop.internal.GroupRules.handOver(handler, failed);
                } catch (RuntimeException | Error e) {
                    first[0] = Failures.keepFirst(first[0], e);
                }
            }
            return null;
        });
        boolean handlerFailed = first[0] != null && !(first[0] instanceof Cancelled); // it ended the group itself
        if (!shutdownCalled && !handlerFailed) {
            // judged at the run's end: a cancel of the root group ends the keeper as it ends the task
            // whose finally shuts the group down, which may run after this
            loop.leakedUnlessPutRight(() -> !shutdownCalled, () -> "persistent task group '" + name + "' was still open"
                    + " when its loop's work was done; it was shut down then: call shutdown() (or close()) when the service stops");
        }
        if (first[0] != null && shutdownWaiting > 0 && !(first[0] instanceof Cancelled)) {
            forShutdown = first[0]; // thrown by shutdown() to its caller, and only there: it does not also end the loop
            return;
        }
        if (first[0] != null) {
            throw Failures.rethrow(first[0]); // no caller waits for it: it fails the keeper, which fails the loop's root group
        }
    }

    /**
     * Spawns a task into the group. Its failure goes to the handler and cancels nothing else.
     *
     * @param name the task's name; null for {@code task-N}
     * @param fn the task's body
     * @param <T> the task's value type
     * @return the task
     * @throws IllegalStateException when the group has been shut down (a task of the group itself may
     *     still spawn while it shuts down: the new task starts cancelled)
     */
    public <T> Task<T> spawn(String name, ThrowingSupplier<T> fn) {
        Objects.requireNonNull(fn, "PersistentTaskGroup.spawn: fn");
        requireOpen("PersistentTaskGroup.spawn");
        return group.spawn(name, fn, "PersistentTaskGroup.spawn");
    }

    /**
     * Spawns a task with no value into the group.
     *
     * @param name the task's name; null for {@code task-N}
     * @param fn the task's body
     * @return the task; its value is null
     * @throws IllegalStateException when the group has been shut down (a task of the group itself may
     *     still spawn while it shuts down: the new task starts cancelled)
     */
    public Task<Void> spawn(String name, ThrowingRunnable fn) {
        Objects.requireNonNull(fn, "PersistentTaskGroup.spawn: fn");
        requireOpen("PersistentTaskGroup.spawn");
        return group.spawn(name, fn, "PersistentTaskGroup.spawn");
    }

    /**
     * Refuses a spawn once the group is shut down, except from a task of the group itself while it
     * shuts down: as in trio, that task starts cancelled and its clean-up runs (an acceptor that
     * had just accepted a connection hands it to a task whose {@code try (c)} closes it).
     */
    private void requireOpen(String call) {
        if (keeper.isDone() || shutdownCalled && current0(Current.task(call)) != this) {
            throw new IllegalStateException(call + ": persistent task group '" + name + "' has been shut down; "
                    + "open a new one");
        }
    }

    /**
     * Cancels every task of the group and waits until all have finished (shielded, so a cancelled
     * caller still waits). Called from a task of the group itself or from its failure handler, it
     * cancels without waiting (it would wait for itself). Idempotent. Once its loop's work is over
     * (the run has ended), it has nothing to do when called from a thread that is no task: the test
     * after the run, or JUnit closing an {@code @AutoClose} field.
     *
     * @throws RuntimeException what the failure handler threw as the group shut down, if it did:
     *     to this caller only (a handler that throws while the group runs, with no caller waiting
     *     here, fails the loop's root group instead, and so does one that throws after an exception
     *     thrown into this wait, a {@code Loop.taskTimeout} that passed, took the caller out of it)
     */
    public void shutdown() {
        shutdown0("PersistentTaskGroup.shutdown");
    }

    /** As {@link #shutdown()}; its messages name {@code call}, the API call the user made. */
    private void shutdown0(String call) {
        if (keeper.isDone() && Current.orNull() == null) {
            // its loop's work is over, and the caller is no task (the test after the run, JUnit closing an
            // @AutoClose field): nothing runs to cancel or wait for; a task of a later run is still refused
            return;
        }
        TaskImpl<?> me = Current.task(call);
        if (me.loop() != loop) {
            throw loop.notThisLoop(call, "group '" + name + "'", me);
        }
        if (dev.simloop.internal.SyncRun.runsSynchronously(me)) {
            // refused before anything changes: marked shut down first, the group stayed uncancelled
            throw new SynchronousBlockingException(call);
        }
        shutdownCalled = true;
        group.cancel();
        // the keeper runs the handler, also for the failures of tasks that ended as the group shut
        // down, when the group is no longer among the open ones: a handler that shuts it down there
        // would join its own task
        if (me == keeper || current0(me) == this) {
            return;
        }
        shutdownWaiting++;
        try {
            CancelScope.shielded(() -> {
                try {
                    return keeper.join();
                } catch (TaskCancelledException loopEnding) {
                    return null; // its loop's work ended (or a signal came) first: the group is shut down all the same
                }
            });
        } catch (RuntimeException | Error thrownIn) {
            // an exception thrown into the wait (a Loop.taskTimeout that passed, Task.interrupt), which the
            // shield does not keep out: this caller leaves, and a handler's failure still to come fails the
            // loop's root group, as when no one waits; one the keeper already left for the waiters comes
            // with it, unless another waiter takes it
            shutdownWaiting--;
            Throwable left = shutdownWaiting == 0 ? forShutdown : null;
            if (left != null) {
                forShutdown = null;
                throw Failures.rethrow(Failures.keepFirst(thrownIn, left));
            }
            throw thrownIn;
        }
        shutdownWaiting--;
        Throwable handlerFailure = forShutdown;
        forShutdown = null;
        if (handlerFailure != null) {
            throw Failures.rethrow(handlerFailure);
        }
    }

    /** Same as {@link #shutdown()}, for try-with-resources and service objects. */
    @Override
    public void close() {
        shutdown0("PersistentTaskGroup.close");
    }

    /** @return the group's name */
    public String name() {
        return name;
    }

    /** @return whether the group is open (not shut down, and its loop's work not over) */
    public boolean isOpen() {
        return !shutdownCalled && !keeper.isDone();
    }

    /**
     * @return the groups open in the calling task's loop, in the order they were opened
     */
    public static List<PersistentTaskGroup> all() {
        // not one shut down that still winds down (shut down by its own task, which does not wait)
        return Current.task("PersistentTaskGroup.all").loop().persistentGroups().values().stream()
                .filter(PersistentTaskGroup::isOpen).toList();
    }

    /**
     * The persistent group the calling task runs in (aiotools' {@code current_ptaskgroup}): the
     * innermost one among the groups enclosing it.
     *
     * @return the group, or empty when the calling task runs in none
     */
    public static Optional<PersistentTaskGroup> current() {
        return Optional.ofNullable(current0(Current.task("PersistentTaskGroup.current")));
    }

    private static PersistentTaskGroup current0(TaskImpl<?> me) {
        java.util.Map<GroupImpl, PersistentTaskGroup> open = me.loop().persistentGroups();
        for (GroupImpl g = GroupImpl.innermost(me); g != null; g = g.enclosing()) {
            PersistentTaskGroup p = open.get(g);
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "PersistentTaskGroup[" + name + (isOpen() ? ", open" : ", shut down") + "]";
    }

    /** The same in every replay of a simulation (simulation.md, "Nondeterminism"); equality stays identity. */
    @Override
    public int hashCode() {
        return RunHashes.of(this, HASH);
    }
}
