package dev.simloop;

import dev.simloop.internal.Nanos;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Shrinks a failing run for a harness that runs the program itself: to a schedule with as few
 * preemptions ({@link SimResult#preemptions()}) as a budget allows, failing the same way (the same
 * exception class, and the same first line of its message but for its numbers). It is what
 * {@link Exploration} does with the failure it finds ({@link Exploration.Report#shrunkFailure()}),
 * offered to harnesses whose every run needs more than a {@link ThrowingSupplier}: the JUnit
 * extension runs each replay on a fresh test instance with its {@code @BeforeEach} methods, the
 * jqwik integration on the builder settings of the property.
 *
 * <p>How: the failing run is cut short before one of its preemptions and finished without
 * preemptions ({@link Strategy#nonPreemptive()}), the earliest cut that keeps the failure found by
 * halving, and its preemptions are dropped anywhere in it, half of them at a time, then fewer (the
 * two take turns until neither removes one), which gives a bound; then a preemption-bounded search
 * ({@link BoundedSearch#preemptions(int)}) runs below that bound, fewest preemptions first, so the
 * first schedule that fails the same way has the fewest of all (exploring.md, "Shrinking a
 * failure"). The schedule found is validated by one more run, a traced replay of its line.
 *
 * <p>The budget counts runs and wall time; runs are counted first, so a program whose shrinking
 * ends within the run budget shrinks the same way on every machine. When the budget ends the search
 * before it has tried every schedule with fewer preemptions, fewer may still fail: {@link #outcome}
 * says so ({@link Outcome#notShownFewest()}), for a report to say it too.
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

    /** How every note of {@link Outcome#notShownFewest()} starts. */
    private static final String NOT_SHOWN = "not shown to be the fewest: ";
    /** The end of a note whose untried schedules a larger budget would try ({@link Outcome#fewerLeftUntried()}). */
    private static final String UNTRIED = " before every schedule with fewer was tried, so fewer may still fail";
    /** Why the shrinking stopped when a run did not follow its schedule ({@link Shrinker#diverged()}). */
    private static final String DID_NOT_REPEAT = "a run of the program did not repeat the earlier run whose choices"
            + " it followed (state kept between runs?), so the shrinking stopped";

    private Shrinking() {
    }

    /**
     * What shrinking found, and whether its count of preemptions is shown to be the fewest of the
     * runs that fail the same way.
     *
     * @param run the failing run with the fewest preemptions found, as {@link #shrink(SimResult, Function, int, Duration)}
     *     returns it
     * @param notShownFewest why {@code run}'s count of preemptions is not shown to be the fewest, for a
     *     report: {@code "not shown to be the fewest: "} and the reason (shrinking was off; the run did
     *     not reproduce, or a replay did not fail the same way, so it was not shrunk; the budget or an
     *     interrupt ended it first; a run did not repeat the earlier run whose choices it followed, so
     *     the program keeps state between runs and the shrinking stopped). It names no harness's
     *     settings: a harness adds how its users get more. Empty when the count is shown to be the
     *     fewest: shrinking tried every schedule with fewer preemptions below its bound, or the run has
     *     none
     * @param fewerLeftUntried whether the budget or an interrupt ended the shrinking before it had tried
     *     every schedule with fewer preemptions: a larger budget, or a preemption-bounded search below
     *     {@code run.preemptions()} ({@link BoundedSearch#preemptions(int)}), tries them
     */
    public record Outcome(SimResult<?> run, Optional<String> notShownFewest, boolean fewerLeftUntried) {
        /**
         * Checks the parts.
         *
         * @throws NullPointerException when {@code run} or {@code notShownFewest} is null
         * @throws IllegalArgumentException when {@code fewerLeftUntried} comes without a note, or with a
         *     run of no preemptions (no schedule has fewer)
         */
        public Outcome {
            Objects.requireNonNull(run, "Shrinking.Outcome: run");
            Objects.requireNonNull(notShownFewest, "Shrinking.Outcome: notShownFewest");
            if (fewerLeftUntried && notShownFewest.isEmpty()) {
                throw new IllegalArgumentException("Shrinking.Outcome: fewer left untried, but no note says the count is "
                        + "not shown to be the fewest; give one");
            }
            if (fewerLeftUntried && run.preemptions() == 0) {
                throw new IllegalArgumentException("Shrinking.Outcome: fewer left untried, but the run has no preemptions,"
                        + " so no schedule has fewer; pass false");
            }
        }

        /**
         * The note of {@link #notShownFewest()} as a harness reports it: with the harness's own way to
         * try the schedules shrinking left untried, when it left some ({@link #fewerLeftUntried()});
         * that advice does not fit the other reasons (shrinking off, a run not shrunk).
         *
         * @param howToTryTheRest the advice, given the bound below the count found
         *     ({@code run().preemptions() - 1}), e.g. {@code k -> "preemptionBounded(" + k + ") tries them"}
         * @return the note, then {@code "; "} and the advice when fewer were left untried; empty when the
         *     count is shown to be the fewest
         */
        public Optional<String> notShownFewest(IntFunction<String> howToTryTheRest) {
            Objects.requireNonNull(howToTryTheRest, "Shrinking.Outcome.notShownFewest: howToTryTheRest");
            return notShownFewest.map(note -> fewerLeftUntried
                    ? note + "; " + howToTryTheRest.apply(run.preemptions() - 1) : note);
        }
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
        return outcome(failed, runner, DEFAULT_MAX_RUNS, DEFAULT_MAX_TIME, "Shrinking.shrink").run();
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
     * @throws IllegalArgumentException when {@code failed} did not fail, or {@code maxRuns} is negative, or
     *     the runner returned the result of another builder than the one it was given
     */
    public static SimResult<?> shrink(SimResult<?> failed, Function<Simulation.Builder, ? extends SimResult<?>> runner,
            int maxRuns, Duration maxTime) {
        return outcome(failed, runner, maxRuns, maxTime, "Shrinking.shrink").run();
    }

    /**
     * Shrinks within the default budget, {@value #DEFAULT_MAX_RUNS} runs or 2 seconds, and says
     * whether the count found is shown to be the fewest.
     *
     * @param failed a failing run of the program
     * @param runner as {@link #shrink(SimResult, Function)}
     * @return as {@link #outcome(SimResult, Function, int, Duration)}
     */
    public static Outcome outcome(SimResult<?> failed, Function<Simulation.Builder, ? extends SimResult<?>> runner) {
        return outcome(failed, runner, DEFAULT_MAX_RUNS, DEFAULT_MAX_TIME, "Shrinking.outcome");
    }

    /**
     * Shrinks within a budget, as {@link #shrink(SimResult, Function, int, Duration)}, and says whether
     * the count found is shown to be the fewest: a report that gives it as the fewest when the budget
     * ran out first would send its reader after a bug that needs fewer preemptions than it does.
     *
     * @param failed a failing run of the program
     * @param runner as {@link #shrink(SimResult, Function, int, Duration)}
     * @param maxRuns as {@link #shrink(SimResult, Function, int, Duration)}; 0 turns shrinking off
     * @param maxTime as {@link #shrink(SimResult, Function, int, Duration)}
     * @return the run {@link #shrink(SimResult, Function, int, Duration)} returns, and why its count is
     *     not shown to be the fewest when it is not
     * @throws IllegalArgumentException as {@link #shrink(SimResult, Function, int, Duration)}
     */
    public static Outcome outcome(SimResult<?> failed, Function<Simulation.Builder, ? extends SimResult<?>> runner,
            int maxRuns, Duration maxTime) {
        return outcome(failed, runner, maxRuns, maxTime, "Shrinking.outcome");
    }

    /**
     * Whether two failures are the same for shrinking: the same exception class, and the same first
     * line of their messages once every number in them is read as "some number" (an index, a count
     * or a time may differ in a simpler run, and an identity hash such as {@code Account@1b6d3586},
     * which an object without a {@code toString} prints, differs in every run); for a
     * {@link DeadlockDetected}, also the same wait-for cycles ({@link DeadlockDetected#cycles()}),
     * or, when it has none, the same blocked tasks waiting on the same objects (each
     * {@code task 'q' waits for Event 'y'} line of its report, up to its details), since every
     * deadlock's first line reads alike (a {@link LimitExceeded} that stops a deadlock beside a
     * timer at the end of time compares by its blocked tasks too).
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

    private static Outcome outcome(SimResult<?> failed, Function<Simulation.Builder, ? extends SimResult<?>> runner,
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
        if (maxRuns == 0) {
            return notShrunk(failed, "shrinking was off");
        }
        if (failed.failure() instanceof NondeterminismDetected) {
            return notShrunk(failed, "the run did not reproduce (NondeterminismDetected), so it was not shrunk");
        }
        SimResult<Object> first = cast(failed);
        Shrinker<Object> shrinker = new Shrinker<Object>(b -> ranTheBuilder(
                cast(Objects.requireNonNull(runner.apply(b), call + ": the runner returned null")), call), maxRuns, maxTime);
        SimResult<Object> found = shrinker.shrink(first);
        if (found == first) {
            return outcome(failed, shrinker, true, maxRuns, maxTime);
        }
        SimResult<?> replayed = runner.apply(Simulation.builder().replay(found.replayLine()).trace(true));
        boolean validated = replayed.failed() && sameWay(replayed.failure(), failed.failure());
        return outcome(validated ? replayed : failed, shrinker, validated, maxRuns, maxTime);
    }

    /**
     * @param r what the runner returned for one of the shrinker's builders, each of which records its run
     * @return {@code r}
     * @throws IllegalArgumentException when {@code r} is not a run of that builder (it recorded nothing): a
     *     runner that runs a builder of its own follows none of the schedules tried, and the search would
     *     blame the program for it ("state kept between runs?"); a run an interrupt stopped before it
     *     began is no misuse, and the shrinker stops at the interrupt
     */
    private static SimResult<Object> ranTheBuilder(SimResult<Object> r, String call) {
        if (Simulation.widths(r) == null && !Thread.currentThread().isInterrupted()) {
            throw new IllegalArgumentException(call + ": the runner did not run the builder it was given (its run"
                    + " followed none of the choices the shrinking asked for): run the program with that builder, as"
                    + " b -> b.maxSteps(...).run(main), setting only the limits the failing run had");
        }
        return r;
    }

    /** @return {@code failed} as it is, with {@code why} it was not shrunk unless it has no preemptions to shrink */
    private static Outcome notShrunk(SimResult<?> failed, String why) {
        return new Outcome(failed, failed.preemptions() == 0 ? Optional.empty() : Optional.of(NOT_SHOWN + why), false);
    }

    /**
     * The outcome of a shrink, for {@link Exploration}'s shrinking too: one wording for every harness,
     * each of which adds how its users get more when {@link Outcome#fewerLeftUntried()}.
     *
     * @param run the shrunk run as validated: the failing run itself when {@code validated} is false
     * @param shrinker the shrinker, after its {@link Shrinker#shrink}
     * @param validated whether the validating replay of the run found failed the same way (true when
     *     there was none to make: the shrinker found no run with fewer preemptions); false with the
     *     thread interrupted is a replay that the interrupt stopped
     * @param maxRuns the shrinker's budget of runs
     * @param maxTime the shrinker's budget of wall time
     */
    static Outcome outcome(SimResult<?> run, Shrinker<?> shrinker, boolean validated, int maxRuns, Duration maxTime) {
        // a validating replay that an interrupt stopped short of its schedule did not fail otherwise:
        // it says nothing of the run found, and the interrupt, not the program, ended the shrinking
        boolean interrupted = shrinker.interrupted() || !validated && Thread.currentThread().isInterrupted();
        if (shrinker.diverged()) {
            // first: a program that changed under the search also fails the validating replay otherwise, and
            // this says why; a larger budget would not help
            return new Outcome(run, Optional.of(NOT_SHOWN + DID_NOT_REPEAT), false);
        }
        if (shrinker.replayedOtherwise() || !validated && !interrupted) {
            // the replay followed the same choices, so the likely cause is a program that does not repeat its runs
            return notShrunk(run, "a replay did not fail the same way, so it was not shrunk: the program likely does"
                    + " not repeat its runs (nondeterminism, or state kept between runs); checkDeterminism(true)"
                    + " names the first step where two runs part");
        }
        if (shrinker.fewest() && validated) {
            return new Outcome(run, Optional.empty(), false);
        }
        String ended = interrupted ? "an interrupt ended the shrinking"
                : "the shrink budget (" + maxRuns + (maxRuns == 1 ? " run" : " runs") + " or "
                        + Nanos.format(maxTime) + ") ran out";
        return new Outcome(run, Optional.of(NOT_SHOWN + ended + UNTRIED), true);
    }

    /** Only the failure, preemptions and replay line of the runs are read, never their values. */
    @SuppressWarnings("unchecked")
    private static SimResult<Object> cast(SimResult<?> r) {
        return (SimResult<Object>) r;
    }
}
