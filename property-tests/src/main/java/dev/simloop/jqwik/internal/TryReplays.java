package dev.simloop.jqwik.internal;

import dev.simloop.SimResult;
import dev.simloop.Simulation;
import java.util.List;
import java.util.function.Function;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.AroundTryHook;
import net.jqwik.api.lifecycle.FalsifiedSample;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.lifecycle.TryExecutionResult;
import net.jqwik.api.lifecycle.TryExecutor;
import net.jqwik.api.lifecycle.TryLifecycleContext;

/**
 * Runs each replay of a failed {@code Simulations.check} (the replay that validates its line, and
 * every run of its shrinking) as a try of its own: jqwik runs the property again with the failing
 * try's parameters, so the try's {@code @BeforeTry} and {@code @AfterTry} run around it and the
 * program starts from the state a try starts from, not from what the failing try left. Without
 * this, a replay of a property that resets its state in {@code @BeforeTry} ran on the last try's
 * state: a "shrunk" line that passed on fresh state was offered as a pin, and a line that did
 * replay was called no pin.
 *
 * <p>How: around every try (outside jqwik's try lifecycle members and methods, which a rerun must
 * run), this hook keeps the try's executor and parameters. A failed check numbers itself among the
 * try's checks, and its replays rerun the try with a request: the check with that number runs the
 * requested builder instead of its own, records the result and ends the rerun try. The failures
 * jqwik reports are settled (validated and shrunk) before the property ends, while its tries can
 * still run; a failure first read after that is replayed as before, by its program alone.
 *
 * <p>For every property, with try state or not: a body may make the state its program changes (a
 * list of errors the program fills), and a replay of the program alone would run on that state as
 * the failing try left it, where every shrinking run failed and a "shrunk" line that passed on
 * fresh state was offered as a pin. A rerun runs the property's whole body again, which costs what
 * the body costs and counts in jqwik's statistics; that is the price of a line that repeats.
 * Registered for every jqwik run through {@code META-INF/services} (and the module's
 * {@code provides}); a try pays a map look-up and a thread-local set and reset.
 *
 * <p>Every property: no try of a property runs once its execution has returned ({@link Execution}),
 * so a shrinking jqwik left running runs nothing beside the settling or into later properties.
 */
public final class TryReplays implements AroundTryHook, AroundPropertyHook, EngineWideHook {
    /** The try running on this thread; null outside one (a check from a plain test). */
    private static final ThreadLocal<Rerun> CURRENT = new ThreadLocal<>();
    /** While a try is rerun for a replay on this thread: what it is asked to run. */
    private static final ThreadLocal<Request> REQUEST = new ThreadLocal<>();
    /** Ends a rerun try once its replay has run: the rest of the property is not the replay's. */
    private static final RuntimeException REPLAY_DONE = new ReplayDone();
    /**
     * Thrown at a try of a property whose execution has returned: an {@code Error}, which jqwik's
     * try executor passes on (it reports an exception as the try's failure), so it ends the
     * shrinking that runs the try.
     */
    private static final Error PROPERTY_ENDED = new PropertyEnded();
    /** Made by jqwik's service loader. */
    public TryReplays() {
    }

    /** Outside the try's lifecycle members (-100) and methods (-10): a rerun of the try runs them. */
    @Override
    public int aroundTryProximity() {
        return -110;
    }

    /**
     * Runs no try of a property whose execution has returned: jqwik (1.9.3) shrinks on a pool thread
     * when its shrinking is bounded, and when the time runs out it reports the best sample so far
     * without stopping the shrinking, which goes on running tries beside the reruns that settle the
     * property's failures, and after the property ended. Such a try runs neither the try's lifecycle
     * nor the body: it throws {@link #PROPERTY_ENDED}, which ends that shrinking (nothing waits for
     * it any more). An invalid result instead would let it run on through every candidate it has,
     * holding the pool thread that later properties shrink on.
     */
    @Override
    public TryExecutionResult aroundTry(TryLifecycleContext context, TryExecutor aTry, List<Object> parameters) {
        Execution execution = Execution.of(context.testInstance());
        if (execution == null || !execution.enter()) {
            throw PROPERTY_ENDED;
        }
        Execution outer = EXECUTION.get();
        EXECUTION.set(execution);
        try {
            return aroundLiveTry(aTry, parameters);
        } finally {
            EXECUTION.set(outer);
            execution.exit();
        }
    }

    /** The execution of the property whose try runs on this thread; null outside a try. */
    private static final ThreadLocal<Execution> EXECUTION = new ThreadLocal<>();

    /**
     * A check that passed, and how to replay it: replayed again when a later check fails, it tells
     * a failure that the state earlier tries left caused (it fails now too) from one the schedule
     * caused.
     *
     * @param line the passing run's replay line
     * @param replayer runs the check's program (as {@link #replayer} gives it) under a builder
     */
    public record Passed(String line, Function<Simulation.Builder, SimResult<?>> replayer) {
    }

    /**
     * Called by a check that passed with the default limits: the property's first such check is
     * kept, for {@link #passedBefore()}. Costs a thread-local read once one is kept.
     *
     * @param check the check's number in its try ({@link #nextCheck()})
     * @param result the passing run
     * @param main the check's program, replayed alone outside a rerun of its try
     */
    public static void passed(int check, SimResult<?> result, dev.simloop.ThrowingSupplier<?> main) {
        Execution e = EXECUTION.get();
        if (e != null && e.passed == null) {
            e.keep(new Passed(result.replayLine(), replayer(check, b -> b.run(main))));
        }
    }

    /** @return the first check of this try's property that passed ({@link #passed}); null when none, or outside a try */
    public static Passed passedBefore() {
        Execution e = EXECUTION.get();
        return e == null ? null : e.passed;
    }

    private static TryExecutionResult aroundLiveTry(TryExecutor aTry, List<Object> parameters) {
        Rerun outer = CURRENT.get();
        Rerun rerun = new Rerun(aTry, parameters, EXECUTION.get());
        CURRENT.set(rerun);
        try {
            return aTry.execute(parameters);
        } catch (Throwable t) {
            rerun.keepFailureIn(t);
            throw t;
        } finally {
            CURRENT.set(outer);
        }
    }

    /**
     * Called by a check that failed, with the failure it throws: the try's last one is kept, so that
     * it is not lost when an {@code @AfterTry} method throws after it (see {@link Rerun#keepFailureIn}).
     *
     * @param failure the check's {@code ScheduleFailure}
     */
    public static void failed(Throwable failure) {
        Rerun r = CURRENT.get();
        if (r != null) {
            r.lastFailure = failure;
        }
    }

    /** Inside the property's lifecycle methods (-10): its instance is still set up when the failures are settled. */
    @Override
    public int aroundPropertyProximity() {
        return 0;
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        Object instance = context.testInstance();
        Execution execution = Execution.start(instance);
        PropertyExecutionResult result;
        try {
            result = property.execute();
        } finally {
            execution.end(instance); // before the settling: its reruns run alone
        }
        try {
            result.shrunkSample().flatMap(FalsifiedSample::falsifyingError).ifPresent(TryReplays::settle);
            result.originalSample().flatMap(FalsifiedSample::falsifyingError).ifPresent(TryReplays::settle);
            result.throwable().ifPresent(TryReplays::settle);
        } finally {
            execution.settled = true; // a failure read from now on replays its program alone
        }
        return result;
    }

    /**
     * Validates and shrinks the check failures in {@code t}'s causes now (their message does, once).
     * Every property's failure comes here, and a chain of causes can loop (two exceptions that are
     * each other's cause, which {@code printStackTrace} shows as a circular reference): the walk
     * stops at a cause it has seen, or the property would hang here.
     */
    private static void settle(Throwable t) {
        for (Throwable c : reachable(t)) {
            if (c instanceof dev.simloop.jqwik.Simulations.ScheduleFailure f) {
                f.getMessage();
            }
        }
    }

    /**
     * @return {@code t}, its causes and what they suppressed ({@link Rerun#keepFailureIn} puts a
     *     failed check's failure there), each once however the chain loops
     */
    private static java.util.Set<Throwable> reachable(Throwable t) {
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        java.util.Deque<Throwable> next = new java.util.ArrayDeque<>(List.of(t));
        while (!next.isEmpty()) {
            Throwable c = next.pop();
            if (seen.add(c)) {
                if (c.getCause() != null) {
                    next.push(c.getCause());
                }
                next.addAll(List.of(c.getSuppressed()));
            }
        }
        return seen;
    }

    /**
     * Called by each {@code Simulations.check} first.
     *
     * @return the builder this check must run instead of its own, when the try is being rerun to
     *     replay it; null otherwise (the check runs as always)
     */
    public static Simulation.Builder replayAsked() {
        Request r = REQUEST.get();
        return r == null ? null : r.asked();
    }

    /**
     * Records the replay's result, in a rerun try.
     *
     * @return the exception that ends the rerun try, to be thrown by the check
     */
    public static RuntimeException replayed(SimResult<?> result) {
        REQUEST.get().result = result;
        return REPLAY_DONE;
    }

    /**
     * @return the number of this check among the current try's checks (0 for the first), or -1
     *     outside a jqwik try
     */
    public static int nextCheck() {
        Rerun r = CURRENT.get();
        return r == null ? -1 : r.checks++;
    }

    /**
     * @param check the failed check's number in its try ({@link #nextCheck()})
     * @param alone how to replay without a try: the program alone
     * @return how to replay the failed check: rerun its try; or {@code alone} outside a try, or
     *     when the replay is asked inside a running try (a property that reads the failure's message
     *     itself): a rerun would run the try's lifecycle in the middle of that try's
     */
    public static Function<Simulation.Builder, SimResult<?>> replayer(int check,
            Function<Simulation.Builder, SimResult<?>> alone) {
        Rerun r = CURRENT.get();
        if (r == null || check < 0) {
            return alone;
        }
        return b -> CURRENT.get() == null && !r.execution.settled ? r.replay(check, b) : alone.apply(b);
    }

    /**
     * A property's execution, by its test instance (jqwik makes one for each property): the tries of
     * it running now, on any thread. Once the property's execution has returned it runs no more.
     */
    private static final class Execution {
        /** The executions running now; a try of a property not among them is refused. */
        private static final java.util.Map<Object, Execution> RUNNING =
                java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());
        private int tries;
        private boolean ended;
        /**
         * Set once the property's failures are settled, when its execution returns: a failure read
         * after that (in {@code @AfterProperty}, after the engine returned) reruns no try, whose
         * {@code @BeforeTry}, body and {@code @AfterTry} would run after the property has ended.
         */
        volatile boolean settled;
        /** The property's first check that passed ({@link TryReplays#passed}); null until one did. */
        private volatile Passed passed;

        static Execution start(Object instance) {
            Execution e = new Execution();
            RUNNING.put(instance, e);
            return e;
        }

        /** @return the running execution of the property whose test instance is {@code instance}, or null */
        static Execution of(Object instance) {
            return RUNNING.get(instance);
        }

        /** @return whether a try may run: the execution has not ended (then the try is counted until {@link #exit()}) */
        synchronized boolean enter() {
            if (ended) {
                return false;
            }
            tries++;
            return true;
        }

        synchronized void keep(Passed first) {
            if (passed == null) {
                passed = first;
            }
        }

        synchronized void exit() {
            tries--;
            notifyAll();
        }

        /**
         * Ends the execution: no try starts any more, and the tries still running (on jqwik's
         * shrinking thread, whose time ran out) are waited for, up to {@link #LONGEST_WAIT}, so that
         * nothing of the property runs beside its settling. A try that takes longer is left running
         * (it may be the one whose hang made jqwik's shrinking run out of time: waiting for it
         * would turn the failure jqwik reports into a property that never ends).
         */
        void end(Object instance) {
            RUNNING.remove(instance);
            boolean interrupted = false;
            long deadline = System.nanoTime() + LONGEST_WAIT.toNanos();
            synchronized (this) {
                ended = true;
                for (long left = LONGEST_WAIT.toNanos(); tries > 0 && left > 0; left = deadline - System.nanoTime()) {
                    try {
                        java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
                    } catch (InterruptedException e) {
                        interrupted = true; // a try still running should end first: the settling reruns tries
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        /** The longest a property waits for a try that jqwik's shrinking left running, before it settles. */
        static final java.time.Duration LONGEST_WAIT = java.time.Duration.ofSeconds(5);
    }

    /** A try that can run again with its own parameters. */
    private static final class Rerun {
        private final TryExecutor aTry;
        private final List<Object> parameters;
        /** The execution of the property the try is of. */
        private final Execution execution;
        /** Checks the try has made so far. */
        int checks;
        /**
         * The failure of the try's last check that failed ({@link TryReplays#failed}); null when none
         * did. The last only: the one a body that caught the others (expected failures) let through,
         * and each one kept is validated and shrunk when the property ends.
         */
        Throwable lastFailure;

        Rerun(TryExecutor aTry, List<Object> parameters, Execution execution) {
            this.aTry = aTry;
            this.parameters = parameters;
            this.execution = execution;
        }

        /**
         * Adds the try's last check failure to {@code thrown}, suppressed, unless {@code thrown} holds
         * it. jqwik (1.9.3) reports what an {@code @AfterTry} method throws in place of the body's
         * failure, which it drops: a check's failure, with its replay line, was lost, and with it the
         * only line that repeats the run.
         */
        void keepFailureIn(Throwable thrown) {
            if (lastFailure != null && !reachable(thrown).contains(lastFailure)) {
                thrown.addSuppressed(lastFailure);
            }
        }

        SimResult<?> replay(int check, Simulation.Builder builder) {
            Request request = new Request(check, builder);
            Request outer = REQUEST.get();
            REQUEST.set(request);
            try {
                aTry.execute(parameters); // a fresh try: its outcome is the replay's, recorded by the check
            } catch (RuntimeException | Error e) {
                // jqwik passes on what a @BeforeTry or @AfterTry throws: the ReplayDone of a check made
                // there (the replay has run), or what came after it, which is not the replay's: an
                // @AfterTry's AssertionError about the state the replayed failure left, too (counted as
                // a replay that could not run, it left a line that replays unvalidated and unshrunk)
                if (request.result == null || e instanceof VirtualMachineError) {
                    throw e;
                }
            } finally {
                REQUEST.set(outer);
            }
            if (request.result == null) {
                throw new IllegalStateException("a rerun of the failing try did not reach its Simulations.check call"
                        + " number " + (check + 1) + " (an earlier check failed, or the property took another path):"
                        + " the try depends on more than its parameters, so its replay line is not validated");
            }
            return request.result;
        }
    }

    /** A replay asked of a rerun try: check number {@code check} runs {@code builder}. */
    private static final class Request {
        private final int check;
        private final Simulation.Builder builder;
        private int seen;
        SimResult<?> result;

        Request(int check, Simulation.Builder builder) {
            this.check = check;
            this.builder = builder;
        }

        /** Counts a check of the rerun try: @return the builder at the asked check, else null */
        Simulation.Builder asked() {
            return seen++ == check ? builder : null;
        }
    }

    /** {@link #PROPERTY_ENDED}: never reported (it ends a shrinking whose result nothing reads). */
    private static final class PropertyEnded extends Error {
        private static final long serialVersionUID = 1L;

        PropertyEnded() {
            super("a try of a property whose execution has returned was not run: jqwik's bounded shrinking ran out"
                    + " of time and went on; simloop ends it here", null, false, false);
        }
    }

    /** Thrown by the replayed check to end its rerun try; never reported (the try's outcome is not looked at). */
    private static final class ReplayDone extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ReplayDone() {
            super("a replay of a Simulations.check has run; the rest of this rerun try is not run", null, false, false);
        }
    }
}
