package dev.simloop;

import dev.simloop.internal.RunHashes;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A group of resources opened and closed together, concurrently (aiotools' {@code actxgroup}).
 *
 * <pre>{@code
 * try (ResourceGroup<Connection> conns = ResourceGroup.open(List.of(() -> connect(a), () -> connect(b)))) {
 *     use(conns.values());
 * }
 * }</pre>
 *
 * <p>{@link #open} runs every opener in its own task and returns when all have opened; if one
 * fails, the others are cancelled, the ones already opened are closed, and the first failure is
 * thrown with the others (closing failures included) attached as suppressed. {@link #close()}
 * closes every resource concurrently, shielded (a cancelled caller still closes), and throws the
 * first failure with the rest suppressed.
 *
 * @param <R> the resource type
 */
public final class ResourceGroup<R extends AutoCloseable> implements AutoCloseable {
    /** This object's hash code once taken, 0 before: set only through HASH ({@code RunHashes}). */
    private int hash;
    private static final VarHandle HASH = RunHashes.slot(MethodHandles.lookup());

    private final List<R> values;
    /** The loop it was opened in, whose tasks alone may close it. */
    private final dev.simloop.internal.Scheduler loop;
    private boolean closed;
    /** While the first {@link #close()} closes the resources: set when it is done, for later calls to wait on. */
    private dev.simloop.sync.Event closing;

    private ResourceGroup(List<R> values, dev.simloop.internal.Scheduler loop) {
        this.values = values;
        this.loop = loop;
    }

    /**
     * Opens every resource concurrently. A checkpoint; must be called from a loop task.
     *
     * @param openers one supplier per resource
     * @param <R> the resource type
     * @return the group, its values in the openers' order
     * @throws RuntimeException the first opening failure (checked ones wrapped in
     *     {@link TaskFailedException}), the others suppressed; or, when the caller was cancelled
     *     and closing what had opened failed, that closing failure, the {@link Cancelled} suppressed
     *     (a scope would catch the {@code Cancelled}, and the closing failure with it)
     */
    public static <R extends AutoCloseable> ResourceGroup<R> open(List<? extends ThrowingSupplier<? extends R>> openers) {
        Objects.requireNonNull(openers, "ResourceGroup.open: openers");
        for (int i = 0; i < openers.size(); i++) {
            Objects.requireNonNull(openers.get(i), "ResourceGroup.open: openers[" + i + "]");
        }
        // named here, not by the clean-up of a failed open
        dev.simloop.internal.Scheduler loop = dev.simloop.internal.Current.task("ResourceGroup.open").loop();
        List<R> opened = new ArrayList<>(Collections.nCopies(openers.size(), null));
        try {
            TaskGroup.with(tg -> {
                for (int i = 0; i < openers.size(); i++) {
                    int n = i;
                    tg.spawn("open-" + n, () -> {
                        opened.set(n, openers.get(n).get());
                    });
                }
                return null;
            });
        } catch (RuntimeException | Error failure) {
            // the closing failure, with its own suppressed ones, goes under the opening's; before a Cancelled
            throw Failures.rethrow(Failures.keepFirst(failure, closeAll(opened)));
        }
        return new ResourceGroup<>(Collections.unmodifiableList(opened), loop);
    }

    /** @return the resources, in the order of their openers */
    public List<R> values() {
        return values;
    }

    /**
     * Closes every resource concurrently, shielded from cancellation. A checkpoint. Idempotent: a
     * later call returns once every resource is closed, waiting (shielded too) while another task's
     * call still closes them, so that whoever {@code close} returns to may rely on it; the closing
     * failures are thrown to the first call only.
     *
     * @throws RuntimeException the first closing failure (checked ones wrapped in
     *     {@link TaskFailedException}), the others suppressed; or an exception thrown into the wait (a
     *     {@code Loop.taskTimeout} that passed, {@code Task.interrupt}), which does not cut it short: it
     *     is thrown once every resource is closed, the closing failures suppressed
     * @throws IllegalStateException when not called from a task of the loop that opened it (a task of
     *     a later run too); nothing is closed then, and a close from such a task still closes every resource
     */
    @Override
    public void close() {
        if (closed) {
            dev.simloop.sync.Event inProgress = closing;
            if (inProgress != null) {
                CancelScope.shielded(() -> {
                    inProgress.await();
                    return null;
                });
            }
            return;
        }
        // named here, and before the group counts as closed: a call refused for its caller leaves
        // the resources to a close from a task, not marked closed and never closed
        dev.simloop.internal.TaskImpl<?> me = dev.simloop.internal.Current.task("ResourceGroup.close");
        if (me.loop() != loop) {
            // as a task group, a Workers handle or an executor: its closes would run in the caller's loop
            throw loop.notThisLoop("ResourceGroup.close", "this resource group", me);
        }
        closed = true;
        // named for deadlock reports, which otherwise ask for a set() of an Event the caller cannot see
        closing = new dev.simloop.sync.Event("the end of the first ResourceGroup.close(), which waits for every"
                + " resource's close (one that closes its own group waits for itself: close it from outside its resources)");
        Throwable failure;
        try {
            failure = closeAll(values);
        } finally {
            dev.simloop.sync.Event done = closing;
            closing = null; // a later call returns at once, and touches no event another run may have left
            done.set();
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw (RuntimeException) failure;
        }
    }

    /**
     * Closes the non-null resources concurrently, every one of them whatever the others' {@code close}
     * throws (an {@link Error} too, which would otherwise fail the group and cancel the rest). An
     * exception thrown into the caller's wait (a {@code Loop.taskTimeout} that passes, a
     * {@code Task.interrupt}), which the shield does not keep out, does not end it either: at the end
     * of the group it would have cancelled the closes midway, and their outcomes would have been lost.
     * The caller joins each close instead, which such an exception interrupts without touching the
     * close, and waits again; what unwinds an aborted run passes.
     *
     * @return what was thrown into the wait, else the first closing failure (a RuntimeException or an
     *     Error), the rest suppressed; or null
     */
    private static Throwable closeAll(List<? extends AutoCloseable> resources) {
        List<Throwable> failures = new ArrayList<>();
        Throwable[] thrownIn = {null};
        CancelScope.shielded(() -> TaskGroup.with(tg -> {
            List<Task<Void>> closes = new ArrayList<>();
            for (int i = 0; i < resources.size(); i++) {
                AutoCloseable r = resources.get(i);
                if (r != null) {
                    String name = "close-" + i;
                    closes.add(tg.spawn(name, () -> {
                        try {
                            r.close();
                        } catch (dev.simloop.internal.TaskAbandoned e) {
                            throw e; // the run has ended: unwind
                        } catch (RuntimeException | Error e) {
                            failures.add(e);
                        } catch (Exception e) {
                            failures.add(new TaskFailedException(name, e));
                        }
                    }));
                }
            }
            for (Task<Void> close : closes) {
                while (true) {
                    try {
                        close.join();
                        break;
                    } catch (dev.simloop.internal.TaskAbandoned e) {
                        throw e; // the run has ended: unwind (a wait again would throw it at once, for ever)
                    } catch (RuntimeException | Error e) {
                        if (close.isDone()) {
                            throw e; // its own end
                        }
                        thrownIn[0] = Failures.keepFirst(thrownIn[0], e); // the close goes on: wait on
                    }
                }
            }
            return null;
        }));
        Throwable first = failures.isEmpty() ? null : failures.get(0);
        for (int i = 1; i < failures.size(); i++) {
            if (failures.get(i) != first) { // two closes may throw one constant exception, which cannot suppress itself
                first.addSuppressed(failures.get(i));
            }
        }
        return Failures.keepFirst(thrownIn[0], first);
    }

    /** The same in every replay of a simulation (simulation.md, "Nondeterminism"); equality stays identity. */
    @Override
    public int hashCode() {
        return RunHashes.of(this, HASH);
    }
}
