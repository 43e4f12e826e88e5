package dev.simloop;

import dev.simloop.internal.GroupRules;
import dev.simloop.internal.RunHashes;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Objects;

/**
 * A supervisor (aiotools' {@code Supervisor}): a task group in which a task's failure cancels
 * neither its siblings nor the body.
 *
 * <pre>{@code
 * Supervisor.with(sup -> {
 *     for (Job job : jobs) {
 *         sup.spawn(job.name(), () -> job.run()); // one failing job does not stop the others
 *     }
 *     return null;
 * });
 * }</pre>
 *
 * <p>Rules: {@link #with} returns when its body and every task have finished, like
 * {@link TaskGroup#with}. Each task's failure stays in its {@link Task} ({@link Task#join()}
 * rethrows it) and is listed by {@link #failures()}; the failures of tasks that no one joined by the
 * end go to the supervisor's {@link FailureHandler} (by default logged at WARNING), so none is lost.
 * The body's own failure still cancels the tasks and is rethrown. {@link #cancel()} cancels the body
 * and every task, and the supervisor then ends normally.
 */
public final class Supervisor {
    /** This object's hash code once taken, 0 before: set only through HASH ({@code RunHashes}). */
    private int hash;
    private static final VarHandle HASH = RunHashes.slot(MethodHandles.lookup());

    private final TaskGroup group;

    private Supervisor(TaskGroup group) {
        this.group = group;
    }

    /**
     * Runs {@code body} with a supervisor whose unjoined failures are logged at WARNING.
     *
     * @param body the body; may spawn tasks and block
     * @param <T> the body's result type
     * @return the body's value; null when the supervisor was cancelled with {@link #cancel()} and the
     *     body did not return first (a body that returns without a checkpoint after the cancel returns its value)
     */
    public static <T> T with(ThrowingFunction<Supervisor, T> body) {
        Objects.requireNonNull(body, "Supervisor.with: body");
        return run(GroupRules.LOGGING, body);
    }

    /**
     * Runs {@code body} with a supervisor whose unjoined failures go to {@code handler} at the end.
     *
     * @param handler receives each failure of a task no one joined, when the supervisor ends
     * @param body the body; may spawn tasks and block
     * @param <T> the body's result type
     * @return the body's value; null when the supervisor was cancelled with {@link #cancel()} and the
     *     body did not return first (a body that returns without a checkpoint after the cancel returns its value)
     * @throws RuntimeException the body's failure, or what the handler threw
     */
    public static <T> T with(FailureHandler handler, ThrowingFunction<Supervisor, T> body) {
        Objects.requireNonNull(handler, "Supervisor.with: handler");
        Objects.requireNonNull(body, "Supervisor.with: body");
        return run(handler, body);
    }

    private static <T> T run(FailureHandler handler, ThrowingFunction<Supervisor, T> body) {
        TaskGroup tg = TaskGroup.open("Supervisor.with");
        GroupRules rules = tg.impl().rules();
        rules.supervise();
        rules.handler(handler);
        Supervisor sup = new Supervisor(tg);
        return tg.impl().run(() -> body.apply(sup));
    }

    /**
     * Spawns a named task.
     *
     * @param name the task's name; null for {@code task-N}
     * @param fn the task's body
     * @param <T> the task's value type
     * @return the task
     */
    public <T> Task<T> spawn(String name, ThrowingSupplier<T> fn) {
        Objects.requireNonNull(fn, "Supervisor.spawn: fn");
        return group.spawn(name, fn, "Supervisor.spawn"); // its messages name the call the user made
    }

    /**
     * Spawns a named task with no value.
     *
     * @param name the task's name; null for {@code task-N}
     * @param fn the task's body
     * @return the task; its value is null
     */
    public Task<Void> spawn(String name, ThrowingRunnable fn) {
        Objects.requireNonNull(fn, "Supervisor.spawn: fn");
        return group.spawn(name, fn, "Supervisor.spawn");
    }

    /**
     * @return the failures of this supervisor's tasks so far, in the order they happened (joined or
     *     not); an unmodifiable snapshot
     */
    public List<Throwable> failures() {
        return group.impl().rules().failures();
    }

    /** Cancels the body and every current and future task; the supervisor then ends normally. */
    public void cancel() {
        group.impl().cancel("Supervisor.cancel");
    }

    /** @return whether the supervisor has been cancelled */
    public boolean isCancelled() {
        return group.isCancelled();
    }

    /** The same in every replay of a simulation (simulation.md, "Nondeterminism"); equality stays identity. */
    @Override
    public int hashCode() {
        return RunHashes.of(this, HASH);
    }
}
