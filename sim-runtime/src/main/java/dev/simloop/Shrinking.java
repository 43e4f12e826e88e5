package dev.simloop;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * Shrinks a failing run for a harness that runs the program itself: to a schedule with as few
 * preemptions ({@link SimResult#preemptions()}) as a budget allows, failing the same way (the same
 * exception class, and the same first line of its message but for its numbers). It is what
 * {@link Exploration} does with the failure it finds ({@link Exploration.Report#shrunkFailure()}),
 * offered to harnesses whose every run needs more than a {@link ThrowingSupplier}: the JUnit
 * extension runs each replay on a fresh test instance with its {@code @BeforeEach} methods, the
 * jqwik integration on the builder settings of the property.
 *
 * <p>How: the failing run is cut just before each of its preemptions in turn and finished without
 * preemptions ({@link Strategy#nonPreemptive()}), which gives a bound; then a preemption-bounded
 * search ({@link BoundedSearch#preemptions(int)}) runs below that bound, fewest preemptions first,
 * so the first schedule that fails the same way has the fewest of all. The schedule found is
 * validated by one more run, a traced replay of its line.
 *
 * <p>The budget counts runs and wall time; runs are counted first, so a program whose shrinking
 * ends within the run budget shrinks the same way on every machine.
 *
 * <pre>{@code
 * SimResult<?> shrunk = Shrinking.shrink(failed, b -> b.maxSteps(10_000).run(main));
 * System.out.println(shrunk.preemptions() + " preemptions: " + shrunk.replayLine());
 * }</pre>
 */
public final class Shrinking {
    /** The default budget of runs: {@value}. */
    public static final int DEFAULT_MAX_RUNS = Shrinker.DEFAULT_REPLAYS;
    /** The default wall-clock budget: 2 seconds. */
    public static final Duration DEFAULT_MAX_TIME = Shrinker.DEFAULT_TIME;

    private Shrinking() {
    }

    /**
     * Shrinks within the default budget, {@value #DEFAULT_MAX_RUNS} runs or 2 seconds.
     *
     * @param failed a failing run of the program
     * @param runner runs the program under the builder it is given, after setting the run limits
     *     the failing run had (the builder already says which schedule to follow; leave its seed,
     *     strategy, schedule, priority policy and tracing alone)
     * @return as {@link #shrink(SimResult, Function, int, Duration)}
     */
    public static SimResult<?> shrink(SimResult<?> failed, Function<Simulation.Builder, ? extends SimResult<?>> runner) {
        return shrink(failed, runner, DEFAULT_MAX_RUNS, DEFAULT_MAX_TIME, "Shrinking.shrink");
    }

    /**
     * Shrinks within a budget.
     *
     * @param failed a failing run of the program
     * @param runner runs the program under the builder it is given, after setting the run limits
     *     the failing run had (the builder already says which schedule to follow; leave its seed,
     *     strategy, schedule, priority policy and tracing alone)
     * @param maxRuns the most runs shrinking may take (the validating replay is one more); 0 returns
     *     {@code failed} at once
     * @param maxTime the most wall time shrinking may take; positive, or any duration not negative
     *     when {@code maxRuns} is 0
     * @return the failing run with the fewest preemptions found (an interrupt of the calling thread
     *     ends the shrinking with what it found so far, the interrupt kept), traced (its replay, which failed the
     *     same way); {@code failed} itself when none with fewer preemptions was found within the
     *     budget, when that one's replay did not fail the same way, and when {@code failed} is a
     *     {@link NondeterminismDetected} (a run that did not reproduce cannot be shrunk)
     * @throws IllegalArgumentException when {@code failed} did not fail, or {@code maxRuns} is negative
     */
    public static SimResult<?> shrink(SimResult<?> failed, Function<Simulation.Builder, ? extends SimResult<?>> runner,
            int maxRuns, Duration maxTime) {
        return shrink(failed, runner, maxRuns, maxTime, "Shrinking.shrink");
    }

    /**
     * Whether two failures are the same for shrinking: the same exception class, and the same first
     * line of their messages once every number in them is read as "some number" (an index, a count
     * or a time may differ in a simpler run); for a {@link DeadlockDetected}, also the same wait-for
     * cycles ({@link DeadlockDetected#cycles()}), since every deadlock's first line reads alike.
     *
     * @param a a run's failure
     * @param b another run's failure
     * @return whether they fail the same way
     */
    public static boolean sameWay(Throwable a, Throwable b) {
        Objects.requireNonNull(a, "Shrinking.sameWay: a");
        Objects.requireNonNull(b, "Shrinking.sameWay: b");
        return Shrinker.way(a).equals(Shrinker.way(b));
    }

    private static SimResult<?> shrink(SimResult<?> failed, Function<Simulation.Builder, ? extends SimResult<?>> runner,
            int maxRuns, Duration maxTime, String call) {
        Objects.requireNonNull(failed, call + ": failed");
        Objects.requireNonNull(runner, call + ": runner");
        Objects.requireNonNull(maxTime, call + ": maxTime");
        if (!(maxRuns == 0 && !maxTime.isNegative())) { // shrink(.., 0, Duration.ZERO) reads as meant: off
            Simulation.positive(maxTime, call + ": maxTime");
        }
        if (!failed.failed()) {
            throw new IllegalArgumentException(call + ": the run passed, so there is nothing to shrink; pass a run whose "
                    + "failed() is true");
        }
        if (maxRuns < 0) {
            throw new IllegalArgumentException(call + ": maxRuns must not be negative, but was " + maxRuns
                    + "; 0 turns shrinking off");
        }
        if (maxRuns == 0 || failed.failure() instanceof NondeterminismDetected) {
            return failed;
        }
        SimResult<Object> first = cast(failed);
        SimResult<Object> found = new Shrinker<Object>(
                b -> cast(Objects.requireNonNull(runner.apply(b), call + ": the runner returned null")), maxRuns, maxTime).shrink(first);
        if (found == first) {
            return failed;
        }
        SimResult<?> replayed = runner.apply(Simulation.builder().replay(found.replayLine()).trace(true));
        return replayed.failed() && sameWay(replayed.failure(), failed.failure()) ? replayed : failed;
    }

    /** Only the failure, preemptions and replay line of the runs are read, never their values. */
    @SuppressWarnings("unchecked")
    private static SimResult<Object> cast(SimResult<?> r) {
        return (SimResult<Object>) r;
    }
}
