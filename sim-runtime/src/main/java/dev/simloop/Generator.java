package dev.simloop;

import dev.simloop.internal.Current;
import dev.simloop.internal.RunHashes;
import dev.simloop.internal.SafeText;
import dev.simloop.internal.TaskImpl;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * A generator whose body yields values with a method call (asynkit's {@code GeneratorObject}):
 *
 * <pre>{@code
 * try (Generator<Integer> g = Generator.of(gen -> { gen.yield(1); gen.yield(2); })) {
 *     for (int v : g) { ... }   // 1, 2
 * }
 * }</pre>
 *
 * Iterating pulls the next value: the body runs until it yields one, on the iterating thread, as a
 * {@link Monitor} body does — no other task runs in between, and a body that blocks blocks the
 * iterating task. Because {@code yield} is a method, the body can hand {@code g} to helpers, and to
 * other tasks: a value yielded by another task does not suspend the body; it is buffered, in the
 * order yielded, and that {@code yield} returns null. A generator iterates once. It works from a
 * task and, when the body never blocks, outside any loop (through {@link Loop#runSync}).
 *
 * @param <T> the type of the values
 */
public final class Generator<T> implements Iterable<T>, AutoCloseable {
    /** This object's hash code once taken, 0 before: set only through HASH ({@code RunHashes}). */
    private int hash;
    private static final VarHandle HASH = RunHashes.slot(MethodHandles.lookup());

    /**
     * A generator's body.
     *
     * @param <T> the type of the values
     */
    @FunctionalInterface
    public interface Body<T> {
        /**
         * Yields the values.
         *
         * @param g the generator: call {@link Generator#yield} on it
         * @throws Exception any failure, thrown to the iterating code (a checked one in a
         *     {@code CompletionException}, as a {@link Monitor} body's)
         */
        void run(Generator<T> g) throws Exception;
    }

    private final Monitor<T, Object> monitor = new Monitor<>();
    private final Body<T> body;
    private Iterator<T> iterator;
    /** {@link #close()} came before {@link #iterator()}. */
    private boolean closedBeforeIterating;

    private Generator(Body<T> body) {
        this.body = body;
    }

    /**
     * @param body yields the values
     * @param <T> the type of the values
     * @return a generator that runs {@code body} when first iterated
     */
    public static <T> Generator<T> of(Body<T> body) {
        Objects.requireNonNull(body, "Generator.of: body");
        return new Generator<>(body);
    }

    /**
     * Hands {@code value} to the iterating code. Called by the body itself (on its thread), it suspends
     * the body until the next value is asked for; called by another task, it buffers the value.
     *
     * @param value the value
     * @return what {@link Iterator#send} resumed the body with, or null
     * @throws RuntimeException what {@link Iterator#throwIn} resumed the body with
     * @throws IllegalStateException when the generator is not being iterated or is finished, or when
     *     the caller is neither the body nor a task of the run that iterates it (a plain thread, a thread
     *     of {@code Loop.toThread}, a task of another run), whose value would race with the iteration
     */
    public Object yield(T value) {
        Iterator<T> it = iterator;
        if (it != null && it.closer == Thread.currentThread()) {
            // the body caught what its yield threw on close: "finished" would read as if it had returned
            throw new IllegalStateException("Generator.yield: the generator is being closed; let the exception its"
                    + " yield threw pass (its finally blocks run), rather than yield again");
        }
        if (it == null || it.finished) {
            throw new IllegalStateException("Generator.yield: the generator is " + (it == null ? "not being iterated"
                    : "finished") + "; yield from its body, or from a task the body waits for");
        }
        if (it.inBody()) {
            return monitor.oob(value, "Generator.yield");
        }
        it.requireTaskOfTheIteratingRun();
        it.buffered.add(Iterator.box(value));
        return null;
    }

    /**
     * @return the generator's iterator; a generator iterates once
     * @throws IllegalStateException when called a second time
     */
    @Override
    public Iterator<T> iterator() {
        if (iterator != null) {
            throw new IllegalStateException("Generator.iterator: a generator iterates once; make another with Generator.of");
        }
        iterator = new Iterator<>(this);
        if (closedBeforeIterating) {
            iterator.close(); // before its body started: it never runs (Monitor.Run.close)
        }
        return iterator;
    }

    /**
     * Ends the body if it has not finished (see {@link Iterator#close()}). A generator closed before
     * it is iterated never runs its body: its iterator has no values.
     *
     * @throws IllegalStateException when the body is running (see {@link Iterator#close()}); nothing changes then
     */
    @Override
    public void close() {
        if (iterator != null) {
            iterator.close("Generator.close");
        } else {
            closedBeforeIterating = true;
        }
    }

    /**
     * The iterator of a {@link Generator}, with asynkit's {@code asend}, {@code athrow} and {@code aclose}.
     *
     * @param <T> the type of the values
     */
    public static final class Iterator<T> implements java.util.Iterator<T>, AutoCloseable {
        /** {@link #sent} when no value waits to be given to the body's yield (null is a value one may send). */
        private static final Object NOTHING_SENT = new Object();
        private final Monitor.Run<T, Object, Void> run;
        /** A yielded null in {@link #buffered}, which holds no null. */
        private static final Object NULL_VALUE = new Object();
        /** Values yielded and not yet taken, a null one as {@link #NULL_VALUE}. */
        private final ArrayDeque<Object> buffered = new ArrayDeque<>();
        /** The thread that resumed the body last: the body runs on it, so its yields are the body's own. */
        private Thread resumer;
        /** The task that resumed the body last, or null when it was no task (a generator iterated outside any loop). */
        private TaskImpl<?> resumerTask;
        private boolean finished;
        /** Whether the body waits in its own {@code yield}, to be resumed. */
        private boolean suspended;
        /** Whether the body is running, resumed by this iterator. */
        private boolean running;
        /** The thread running the body to its end in {@link #close()}, or null. */
        private Thread closer;
        /** A value {@link #send} gave while values were still buffered, which the body's yield gets when resumed; else {@link #NOTHING_SENT}. */
        private Object sent = NOTHING_SENT;

        Iterator(Generator<T> g) {
            this.run = g.monitor.start(() -> {
                g.body.run(g);
                return null;
            });
        }

        /** @return whether the calling thread is running the body now */
        boolean inBody() {
            return running && Thread.currentThread() == resumer;
        }

        @Override
        public boolean hasNext() {
            while (buffered.isEmpty() && !finished) {
                Object value = sent == NOTHING_SENT ? null : sent;
                sent = NOTHING_SENT;
                resume(value, null);
            }
            return !buffered.isEmpty();
        }

        @Override
        public T next() {
            if (!hasNext()) {
                throw new NoSuchElementException("Generator.Iterator.next: the generator has finished");
            }
            Object v = buffered.poll();
            @SuppressWarnings("unchecked") // only yield puts values here, each a T or NULL_VALUE
            T value = v == NULL_VALUE ? null : (T) v;
            return value;
        }

        static Object box(Object value) {
            return value == null ? NULL_VALUE : value;
        }

        /**
         * Resumes the body, whose own pending {@link Generator#yield} returns {@code value}, and
         * returns the next value. Values already buffered (from other tasks) come first; the body then
         * gets {@code value} when it is resumed.
         *
         * @param value what the body's yield returns
         * @return the next value
         * @throws NoSuchElementException when the generator finishes instead
         * @throws IllegalStateException when the body has not yielded yet, or is running (for another
         *     task, or the body itself calls it); nothing changes then
         */
        public T send(Object value) {
            refuseWhileRunning(); // there is no pending yield to answer while the body runs
            if (buffered.isEmpty() && !finished) {
                if (!suspended) {
                    throw new IllegalStateException("Generator.Iterator.send: the body has not yielded yet; "
                            + "start it with next()");
                }
                resume(value, null);
            } else if (!finished) {
                sent = value; // the buffered values come first; the body's yield gets this when it is resumed
            }
            return next();
        }

        /**
         * Resumes the body, whose own pending {@link Generator#yield} throws {@code e}, and returns
         * the next value if it goes on.
         *
         * @param e the exception
         * @return the next value
         * @throws RuntimeException {@code e} or another failure of the body
         * @throws NoSuchElementException when the generator finishes instead
         * @throws IllegalStateException when the body is not waiting in a yield, or is running (for
         *     another task, or the body itself calls it); nothing changes then
         */
        public T throwIn(RuntimeException e) {
            Objects.requireNonNull(e, "Generator.Iterator.throwIn: e");
            refuseWhileRunning();
            if (!suspended) {
                throw new IllegalStateException("Generator.Iterator.throwIn: the body is not waiting in a yield");
            }
            sent = NOTHING_SENT; // the exception replaces a value sent before it
            resume(null, e);
            return next();
        }

        /**
         * Ends the body if it has not finished: its pending yield throws, so its {@code finally} blocks run.
         *
         * @throws IllegalStateException when the body is running (closed by another task than the one
         *     it runs for, or by the body itself); nothing changes then
         */
        @Override
        public void close() {
            close("Generator.Iterator.close");
        }

        /** As {@link #close()}; {@code call} is the call the user made, for the message. */
        void close(String call) {
            // refused before anything changes: marked finished, the running body's next yield would fail
            refuseWhileRunning(call, "closed its own generator: a body ends by returning, and is closed by whoever"
                    + " iterates it", "a generator is closed by the task iterating it, or once its next() returns there");
            finished = true;
            suspended = false;
            Thread outer = closer; // a close from the body's finally, inside this one, must not clear it
            closer = Thread.currentThread();
            try {
                run.close();
            } finally {
                closer = outer;
            }
        }

        /**
         * Refuses to resume a running body: another task iterates while it runs for the one that
         * resumed it (or the body iterates its own generator). Refused before anything changes, so
         * the running step goes on.
         */
        private void refuseWhileRunning() {
            refuseWhileRunning("Generator.Iterator", "resumed its own generator (a call of next(), send or throwIn"
                    + " inside the body): a body yields its values with yield, and is resumed by whoever iterates it",
                    "a generator is iterated by one task at a time: wait until its next() returns there");
        }

        /**
         * Refuses {@code call} while the body runs, before anything changes.
         *
         * @param byItself what the body did wrong when it made the call itself, and what to do instead
         * @param byAnother the rule another task broke, and what to do instead
         */
        private void refuseWhileRunning(String call, String byItself, String byAnother) {
            if (running) {
                throw new IllegalStateException(call + ": the body is running, " + (resumer == Thread.currentThread()
                        ? "and it " + byItself : "resumed by another task (" + resumer.getName() + "); " + byAnother));
            }
        }

        /**
         * Refuses a yield buffered by the calling thread unless it is a task of the run that iterates
         * the generator: the loop runs one of them at a time, so the buffer needs no lock; a thread
         * outside (a plain one, {@code Loop.toThread}'s, a task of another run) would add to it while the
         * iterating task reads it.
         */
        private void requireTaskOfTheIteratingRun() {
            TaskImpl<?> me = Current.orNull();
            TaskImpl<?> iterating = resumerTask;
            if (me != null && iterating != null && me.loop() == iterating.loop()) {
                return;
            }
            String caller = me != null ? me.quoted() + " of another run"
                    : "thread '" + SafeText.name(Thread.currentThread().getName()) + "'";
            String iterator = iterating != null ? iterating.quoted() + " does"
                    : "thread '" + SafeText.name(resumer.getName()) + "' does, outside any loop";
            throw new IllegalStateException("Generator.yield: called by " + caller + ", which is no task of the run that"
                    + " iterates the generator (" + iterator + "): a value yielded from there would race with the"
                    + " iteration; yield from the body, or from a task of that run the body hands the generator to");
        }

        private void resume(Object value, RuntimeException e) {
            refuseWhileRunning();
            boolean wasSuspended = suspended;
            suspended = false;
            running = true;
            resumer = Thread.currentThread();
            resumerTask = Current.orNull();
            Monitor.Step<T, Void> step;
            try {
                step = !wasSuspended ? run.next() : e != null ? run.throwIn(e) : run.send(value);
            } catch (RuntimeException | Error failure) {
                finished = true;
                throw failure;
            } finally {
                running = false;
            }
            suspended = step.isOob();
            if (step.isOob()) {
                buffered.add(box(step.oob()));
            } else {
                finished = true;
            }
        }
    }

    /** The same in every replay of a simulation (simulation.md, "Nondeterminism"); equality stays identity. */
    @Override
    public int hashCode() {
        return RunHashes.of(this, HASH);
    }
}
