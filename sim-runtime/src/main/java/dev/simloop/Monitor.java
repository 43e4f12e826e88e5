package dev.simloop;

import dev.simloop.internal.CancelScopeTree;
import dev.simloop.internal.Coroutine;
import dev.simloop.internal.Current;
import dev.simloop.internal.Interrupts;
import dev.simloop.internal.RunHashes;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.CompletionException;

/**
 * A body that suspends itself to hand an out-of-band value to whoever drives it, and is resumed
 * with a value or an exception (asynkit's {@code Monitor}). A stateful parser, for instance, asks
 * its caller for more input with {@link #oob} and keeps its state (its stack) meanwhile:
 *
 * <pre>{@code
 * Monitor<String, String> m = new Monitor<>();
 * Monitor.Run<String, String, Integer> run = m.start(() -> m.oob("need input").length());
 * Monitor.Step<String, Integer> step = run.next();   // step.oob() is "need input"
 * step = run.send("abc");                             // step.result() is 3
 * }</pre>
 *
 * <p>Driving a run ({@link Run#next}, {@link Run#send}, {@link Run#throwIn}, {@link Run#await}) is
 * a plain call on the driver's thread, not a scheduling point: no other task runs in between. The
 * body runs on that same thread, as part of the driving task: a blocking call inside it (a sleep, a
 * lock) blocks the driving task as a whole, and the loop resumes both. A body that never blocks can
 * be driven outside any loop, or inside {@link Loop#runSync}.
 *
 * @param <O> the type of the out-of-band values the body hands out
 * @param <I> the type of the values the body is resumed with
 */
public final class Monitor<O, I> {
    /** This object's hash code once taken, 0 before: set only through HASH ({@code RunHashes}). */
    private int hash;
    private static final VarHandle HASH = RunHashes.slot(MethodHandles.lookup());

    /** The run whose body is executing now (innermost when runs of this monitor nest), or null. */
    private Run<O, I, ?> current;

    /** Creates a monitor; start bodies on it with {@link #start}. */
    public Monitor() {
    }

    /**
     * Prepares a run of {@code body}, which starts at the first {@link Run#next()} (or {@link Run#await()}).
     *
     * @param body the body; it calls {@link #oob} on this monitor to hand out values
     * @param <R> the type of the body's result
     * @return the run
     */
    public <R> Run<O, I, R> start(ThrowingSupplier<R> body) {
        Objects.requireNonNull(body, "Monitor.start: body");
        return new Run<>(this, body);
    }

    /**
     * Called by the body: suspends it and hands {@code value} to its driver, whose call returns a
     * {@link Step} that {@linkplain Step#isOob() is oob} (or whose {@link Run#await()} throws
     * {@link OobData}). Returns when the driver resumes the body.
     *
     * @param value the out-of-band value; may be null
     * @return what the driver resumed the body with: the value of {@link Run#send}, or null from {@link Run#next}
     * @throws RuntimeException the exception the driver resumed the body with ({@link Run#throwIn}),
     *     or the one {@link Run#close()} ends the body with
     * @throws IllegalStateException when not called by a body this monitor runs, on its thread; or
     *     when the body has a cancel scope or task group of its own open, which would stay open around
     *     the driving code (close it first, or open it around the driving code), or is inside a
     *     {@link Loop#taskTimeout} it called, whose timeout would be raised in the driving code
     */
    public I oob(O value) {
        return oob(value, "Monitor.oob");
    }

    /** {@link #oob}, called as {@code call} ({@link Generator#yield} hands its values out here), for messages. */
    I oob(O value, String call) {
        Run<O, I, ?> run = current;
        if (run == null || run.driver != Thread.currentThread()) {
            throw new IllegalStateException("Monitor.oob: called outside the body of a run of this monitor (or from "
                    + "another thread than the one driving it); only the body itself can hand out an oob value");
        }
        return run.suspend(value, call);
    }

    /**
     * One run of a body on a {@link Monitor}. Drive it with {@link #next()}, {@link #send},
     * {@link #throwIn} (or {@link #await()}); {@link #close()} ends a body that has not finished.
     *
     * @param <O> the type of the out-of-band values
     * @param <I> the type of the values the body is resumed with
     * @param <R> the type of the body's result
     */
    public static final class Run<O, I, R> implements AutoCloseable {
        private final Monitor<O, I> monitor;
        private final Coroutine coroutine;
        /** The thread resuming the body right now, or null while it is suspended or not started. */
        private Thread driver;
        private boolean started;
        private boolean closing;
        // the hand-over, in both directions
        private O out;
        private I in;
        private RuntimeException thrownIn;
        private R result;
        private Throwable failure;
        /** The driving task's open scopes when the body was last resumed ({@link CancelScopeTree#openScopesMark}). */
        private Object scopesAtResume;
        /** The driving task's {@code Loop.taskTimeout} calls when the body was last resumed ({@link Interrupts#taskTimeoutsMark}). */
        private Object timeoutsAtResume;

        Run(Monitor<O, I> monitor, ThrowingSupplier<R> body) {
            this.monitor = monitor;
            this.coroutine = new Coroutine("simloop-monitor", () -> {
                try {
                    result = body.get();
                } catch (Throwable e) {
                    failure = e;
                }
            });
        }

        /**
         * Starts the body, or resumes it from {@link Monitor#oob} with null.
         *
         * @return the next oob value, or the result
         * @throws RuntimeException the body's failure (checked ones wrapped in {@link CompletionException})
         */
        public Step<O, R> next() {
            return resume("Monitor.Run.next", null, null);
        }

        /**
         * Resumes the body from {@link Monitor#oob}, which returns {@code value}.
         *
         * @param value the value; may be null
         * @return the next oob value, or the result
         * @throws IllegalStateException when the body has not started yet (start it with {@link #next()})
         */
        public Step<O, R> send(I value) {
            requireSuspended("Monitor.Run.send");
            return resume("Monitor.Run.send", value, null);
        }

        /**
         * Resumes the body from {@link Monitor#oob}, which throws {@code e}.
         *
         * @param e the exception to raise in the body
         * @return the next oob value, or the result, if the body handles {@code e}
         * @throws RuntimeException the body's failure, {@code e} if it does not handle it
         */
        public Step<O, R> throwIn(RuntimeException e) {
            Objects.requireNonNull(e, "Monitor.Run.throwIn: e");
            requireSuspended("Monitor.Run.throwIn");
            return resume("Monitor.Run.throwIn", null, e);
        }

        /**
         * asynkit's style: runs the body on, and returns its result.
         *
         * @return the body's result
         * @throws OobData when the body handed out a value instead; call {@code await()} again to resume it
         */
        public R await() {
            Step<O, R> step = next();
            if (step.isOob()) {
                throw new OobData(step.oob());
            }
            return step.result();
        }

        /** @return whether the body has finished (or was closed) */
        public boolean isDone() {
            return started && coroutine.isDone() || closing && !started;
        }

        /**
         * Ends a body that has not finished: its {@link Monitor#oob} throws an exception that the
         * body should let pass (its {@code finally} blocks run). Nothing happens when the body has
         * finished; a body not started yet never runs.
         *
         * @throws IllegalStateException when the body handed out another value instead of ending, or
         *     when the body is running (closed by another task than its driver, or by itself); nothing
         *     changes then
         */
        @Override
        public void close() {
            if (!started) {
                closing = true;
                return;
            }
            if (coroutine.isDone() || closing) {
                return;
            }
            refuseWhileDriven("Monitor.Run.close"); // before closing is set: a refused close must change nothing
            closing = true;
            Closed signal = new Closed();
            try {
                Step<O, R> step = resume("Monitor.Run.close", null, signal);
                if (step.isOob()) {
                    throw new IllegalStateException("Monitor.Run.close: the body handed out " + step.oob()
                            + " after it was closed; let the exception from Monitor.oob pass instead of catching it");
                }
            } catch (Closed expected) {
                // the body let the signal pass: it has ended
            }
        }

        private void requireSuspended(String call) {
            if (!started) {
                throw new IllegalStateException(call + ": the body has not started; start it with next() (a value "
                        + "or exception can only answer an oob value)");
            }
        }

        /** Refuses {@code call} while the body runs (for its driver, or for itself), before anything changes. */
        private void refuseWhileDriven(String call) {
            if (driver != null) {
                throw new IllegalStateException(call + ": the body is running" + (driver == Thread.currentThread()
                        ? " (it drives its own run)" : ", driven by another task (" + driverName()
                        + "); a run is driven by one task at a time: wait until next() returns there"));
            }
        }

        private Step<O, R> resume(String call, I value, RuntimeException e) {
            refuseWhileDriven(call);
            if (isDone()) {
                throw new IllegalStateException(call + ": the body has finished");
            }
            started = true;
            in = value;
            thrownIn = e;
            Run<O, I, ?> outer = monitor.current;
            monitor.current = this;
            driver = Thread.currentThread();
            scopesAtResume = CancelScopeTree.openScopesMark(Current.orNull());
            timeoutsAtResume = Interrupts.taskTimeoutsMark(Current.orNull());
            try {
                coroutine.resume();
            } finally {
                driver = null;
                monitor.current = outer;
            }
            if (!coroutine.isDone()) {
                O o = out;
                out = null;
                return new Step<>(true, o, null);
            }
            return finished();
        }

        /** @return the task (or thread) driving the run now, for messages */
        private String driverName() {
            Thread d = driver;
            String name = d == null ? "" : d.getName();
            return name.isEmpty() ? "thread " + d : "'" + name + "'";
        }

        private Step<O, R> finished() {
            Throwable f = failure;
            if (f == null) {
                return new Step<>(false, null, result);
            }
            if (f instanceof RuntimeException r) {
                throw r;
            }
            if (f instanceof Error err) {
                throw err;
            }
            throw new CompletionException("Monitor body failed: " + f, f);
        }

        /** In the body: hand {@code value} out, wait to be resumed. */
        I suspend(O value, String call) {
            if (closing) {
                throw new IllegalStateException("Monitor.oob: the run is being closed; let its exception pass");
            }
            Object open = CancelScopeTree.openScopesMark(Current.orNull());
            if (open != scopesAtResume) {
                // the body runs on its driver's task: a scope it suspends in would stay open around the
                // driver's code, cancel it by its deadline, and make the driver's own scopes exit out of order
                throw new IllegalStateException(call + ": the body handed out a value inside a cancel scope it opened ("
                        + open + "), which would stay open around the code that drives it: close the cancel scopes"
                        + " and task groups a body opens (CancelScope.run, moveOnAfter, failAfter, shielded,"
                        + " TaskGroup.with) before it hands out a value, or open them around the driving code instead");
            }
            String timeout = Interrupts.openedSince(Current.orNull(), timeoutsAtResume);
            if (timeout != null) {
                // the same for a task timeout: its timer stays armed, and would raise its exception in the driver's code
                throw new IllegalStateException(call + ": the body handed out a value inside a " + timeout + " it called,"
                        + " whose TaskTimeoutException would be raised in the code that drives it: return from the"
                        + " taskTimeout before the body hands out a value, or call it around the driving code instead");
            }
            out = value;
            coroutine.suspend("Monitor.oob"); // resume() has set driver and current again when this returns
            RuntimeException e = thrownIn;
            if (e != null) {
                thrownIn = null;
                throw e;
            }
            I v = in;
            in = null;
            return v;
        }
    }

    /** What a run's body did when its driver's call returned: handed out a value, or finished. */
    public static final class Step<O, R> {
        private final boolean oob;
        private final O value;
        private final R result;

        Step(boolean oob, O value, R result) {
            this.oob = oob;
            this.value = value;
            this.result = result;
        }

        /** @return whether the body handed out an out-of-band value and waits to be resumed */
        public boolean isOob() {
            return oob;
        }

        /**
         * @return the out-of-band value
         * @throws IllegalStateException when the body finished instead
         */
        public O oob() {
            if (!oob) {
                throw new IllegalStateException("Monitor.Step.oob: the body finished (result " + result
                        + "); check isOob() first");
            }
            return value;
        }

        /**
         * @return the body's result
         * @throws IllegalStateException when the body handed out a value instead
         */
        public R result() {
            if (oob) {
                throw new IllegalStateException("Monitor.Step.result: the body handed out " + value
                        + " and has not finished; check isOob() first");
            }
            return result;
        }

        @Override
        public String toString() {
            return oob ? "oob(" + value + ")" : "result(" + result + ")";
        }
    }

    /** What {@link Run#close()} raises in a suspended body. */
    private static final class Closed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Closed() {
            super("Monitor.Run.close: the run was closed", null, false, false);
        }
    }

    /** The same in every replay of a simulation (simulation.md, "Nondeterminism"); equality stays identity. */
    @Override
    public int hashCode() {
        return RunHashes.of(this, HASH);
    }
}
