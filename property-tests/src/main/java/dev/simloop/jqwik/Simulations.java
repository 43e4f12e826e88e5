package dev.simloop.jqwik;

import dev.simloop.Schedule;
import dev.simloop.Shrinking;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.jqwik.internal.TryReplays;
import dev.simloop.Strategy;
import dev.simloop.ThrowingSupplier;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/** Runs a simulation under a generated schedule and reports failures with their replay line. */
public final class Simulations {
    private Simulations() {}

    /**
     * Runs {@code main} under {@code schedule} (plain FIFO after it ends, so shrinking toward
     * fewer choices really moves toward FIFO) and returns its value.
     *
     * @param schedule the generated schedule
     * @param main the program, the simulation's root task
     * @param <T> the program's value type
     * @return the program's value
     * @throws ScheduleFailure when the run failed: its message holds the replay line of the run and
     *                         simloop's shrinking of it, each with its preemptions; its cause is the
     *                         original failure. Not for these, thrown as they are: an assumption that
     *                         did not hold ({@code TestAbortedException}: jqwik discards the try; JUnit 4's
     *                         {@code AssumptionViolatedException} arrives as the cause of one),
     *                         jqwik's own errors ({@code JqwikException}), and {@code OutOfMemoryError}
     */
    public static <T> T check(Schedule schedule, ThrowingSupplier<T> main) {
        Objects.requireNonNull(schedule, "Simulations.check: schedule");
        return check(schedule, Strategy.fifo(), main);
    }

    /**
     * As {@link #check(Schedule, ThrowingSupplier)}, continuing with {@code after} once the schedule ends.
     *
     * @param schedule the generated schedule
     * @param after the strategy that picks once the schedule's choices are used up
     * @param main the program, the simulation's root task
     * @param <T> the program's value type
     * @return the program's value
     * @throws ScheduleFailure as {@link #check(Schedule, ThrowingSupplier)} says
     */
    public static <T> T check(Schedule schedule, Strategy after, ThrowingSupplier<T> main) {
        Objects.requireNonNull(schedule, "Simulations.check: schedule");
        Objects.requireNonNull(after, "Simulations.check: after");
        Objects.requireNonNull(main, "Simulations.check: main");
        return run(Schedules.simulate(schedule, after), main, true);
    }

    /**
     * As {@link #check(Schedule, ThrowingSupplier)} with a configured builder. Shrinking the failure
     * ({@link ScheduleFailure#shrunkReplayLine()}) replays it with the default run limits; a failure
     * at a limit ({@code LimitExceeded}: a lower {@code maxSteps}, a runaway step) is neither replayed
     * nor shrunk, and its message says to replay the line with the builder's limits. (The other
     * {@code check}s run with the default limits, so a run that one of them stopped where it always
     * stops, at {@code maxSteps} or {@code maxVirtualTime}, is replayed and shrunk like any failure.)
     *
     * @param builder the configured simulation
     * @param main the program, the simulation's root task
     * @param <T> the program's value type
     * @return the program's value
     * @throws ScheduleFailure as {@link #check(Schedule, ThrowingSupplier)} says
     */
    public static <T> T check(Simulation.Builder builder, ThrowingSupplier<T> main) {
        Objects.requireNonNull(builder, "Simulations.check: builder");
        Objects.requireNonNull(main, "Simulations.check: main");
        return run(builder, main, false);
    }

    /**
     * @param defaultLimits whether {@code builder} has the default run limits, as the replays of the
     *     failure have: then a run that a limit stopped where it always stops repeats from its line
     */
    private static <T> T run(Simulation.Builder builder, ThrowingSupplier<T> main, boolean defaultLimits) {
        Simulation.Builder asked = TryReplays.replayAsked();
        if (asked != null) {
            throw TryReplays.replayed(asked.run(main)); // this try is a rerun, to replay this check (see TryReplays)
        }
        int check = TryReplays.nextCheck();
        SimResult<T> r = builder.run(main);
        if (r.failed() && isAborted(r.failure())) {
            throw aborted(r.failure()); // an assumption inside the run: jqwik discards the try
        }
        if (r.failed() && r.failure() instanceof net.jqwik.api.JqwikException misuse) {
            // jqwik's own error (Statistics.collect inside the run, too many filter misses): a misuse
            // for jqwik to report as it does, not a failing schedule to shrink and pin
            throw misuse;
        }
        if (r.failed() && r.failure() instanceof OutOfMemoryError fatal) {
            throw fatal; // fatal for jqwik too (opentest4j's only unrecoverable error), not a falsification
        }
        if (r.failed()) {
            ScheduleFailure f = new ScheduleFailure(r, TryReplays.replayer(check, b -> b.run(main)), defaultLimits,
                    defaultLimits ? TryReplays.passedBefore() : null);
            TryReplays.failed(f); // kept, should an @AfterTry throw after it: jqwik would drop it
            throw f;
        }
        if (defaultLimits) { // its replay, with the default limits, runs as it ran
            TryReplays.passed(check, r, main);
        }
        return r.value();
    }

    /**
     * The longest text of a failure the report's first line quotes: a message of megabytes would push
     * the replay line out of a CI log that cuts long output. The runtime's own reports cut theirs the
     * same way ({@code dev.simloop.internal.SafeText.brief}), in a package the runtime exports to the
     * JUnit extension alone (ModuleBoundaryTest): this module, which surefire may put on the class path
     * beside a runtime on the module path, could not reach it there, so it keeps its own few lines,
     * these and {@link #LONGEST_QUOTED_LINE}, {@link #LONGEST_SHOWN_LINE} and {@link #shown}
     * (LongLinesTest checks that they agree with the runtime's).
     */
    static final int BRIEF_CHARS = 2_000;

    /**
     * The longest replay line the report offers as code to paste ({@code SafeText.LONGEST_QUOTED_LINE}):
     * a Java annotation's string, like any string constant, holds 65,535 bytes.
     */
    static final int LONGEST_QUOTED_LINE = 65_000;

    /**
     * The longest replay line the report shows whole ({@code SafeText.LONGEST_SHOWN_LINE}): a run of
     * some 750,000 choices; a longer one (up to 13 MB at the default {@code maxSteps}) is cut.
     */
    static final int LONGEST_SHOWN_LINE = 1_000_000;

    /**
     * @return {@code line}, or, above {@link #LONGEST_SHOWN_LINE} characters, its first 100 and its
     *     length with {@code where}, as {@code SafeText.line} cuts it for the runtime's reports
     */
    static String shown(String line, String where) {
        return line.length() <= LONGEST_SHOWN_LINE ? line : line.substring(0, 100) + "… (" + line.length()
                + " characters" + where + ")";
    }

    /**
     * @return {@code t} as text, cut to {@link #BRIEF_CHARS} with a note of how much more the failure
     *     (the cause) has; when its {@code toString()} or {@code getMessage()} throws, even an
     *     {@code Error} (an {@code AssertionError} in a message built from a checked state), its class
     *     and what was thrown: the failure is still reported, with its line. Only a
     *     {@code VirtualMachineError} but a stack overflow passes: out of memory, the JVM comes first
     */
    static String brief(Throwable t) {
        String s;
        try {
            s = String.valueOf(t);
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
                throw e;
            }
            return t.getClass().getName() + " (its toString() threw " + e.getClass().getName() + ")";
        }
        if (s.length() <= BRIEF_CHARS) {
            return s;
        }
        int end = Character.isHighSurrogate(s.charAt(BRIEF_CHARS - 1)) ? BRIEF_CHARS - 1 : BRIEF_CHARS;
        return s.substring(0, end) + "... (" + (s.length() - end) + " more characters: the failure itself has them all)";
    }

    /** JUnit 4's assumption failure: JUnit Jupiter, and so a {@code @SimulatedLoop} test, reports it aborted. */
    private static final String JUNIT4_ASSUMPTION = "org.junit.internal.AssumptionViolatedException";
    /** opentest4j's assumption failure, which jqwik discards a try for. */
    private static final String TEST_ABORTED = "org.opentest4j.TestAbortedException";

    /**
     * @return whether {@code t} is an assumption that did not hold: opentest4j's
     *     {@code TestAbortedException} (jqwik's {@code Assume}, JUnit's {@code Assumptions}), or JUnit 4's
     *     {@code AssumptionViolatedException} ({@code org.junit.Assume}, and AssertJ's {@code assumeThat}
     *     when JUnit 4 is on the class path), matched by name: this module does not depend on JUnit 4
     */
    private static boolean isAborted(Throwable t) {
        return isA(t, TEST_ABORTED) || isA(t, JUNIT4_ASSUMPTION);
    }

    /** @return whether {@code t}'s class or one of its superclasses is named {@code className} */
    private static boolean isA(Throwable t, String className) {
        for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals(className)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param assumption an assumption that did not hold ({@link #isAborted})
     * @return what discards the try: a {@code TestAbortedException} as it is; JUnit 4's as the cause
     *     of the one jqwik's {@code Assume} throws (jqwik discards a try for a {@code TestAbortedException}
     *     only, and counts JUnit 4's as a failure, which simloop reported with a line to pin, where the
     *     {@code @SimulatedLoop} test it suggests reads the assumption as JUnit Jupiter does, and is
     *     skipped). Made by {@code Assume}, not by hand: this module does not read opentest4j itself
     */
    private static RuntimeException aborted(Throwable assumption) {
        if (isA(assumption, TEST_ABORTED)) {
            return (RuntimeException) assumption;
        }
        try {
            net.jqwik.api.Assume.that(false);
        } catch (RuntimeException discard) {
            try {
                discard.initCause(assumption);
            } catch (IllegalStateException causeSet) { // a jqwik whose Assume sets a cause: keep JUnit 4's beside it
                discard.addSuppressed(assumption);
            }
            return discard;
        }
        throw new AssertionError("Assume.that(false) returned", assumption);
    }

    /**
     * @param replayLine a replay line
     * @return the number of choices in a replay line that were not the FIFO head: its departures
     *     from FIFO order ({@link Schedule#departures()}), the measure generated schedules shrink
     *     toward; preemptions as CHESS counts them are {@code SimResult.preemptions()}
     */
    public static int departures(String replayLine) {
        return Schedule.parse(replayLine).departures();
    }

    /**
     * The old name of {@link #departures(String)}, which counts departures from FIFO order, not
     * preemptions as {@code SimResult.preemptions()} and the rest of simloop count them.
     *
     * @param replayLine a replay line
     * @return {@link #departures(String)}
     * @deprecated use {@link #departures(String)}; this name goes in 0.2
     */
    @Deprecated(since = "0.1", forRemoval = true)
    public static int preemptions(String replayLine) {
        return departures(replayLine);
    }

    /**
     * The failure {@link #check} throws: an AssertionError naming the replay line. jqwik shrinks the
     * generated schedule toward FIFO order, which is not the same as toward fewer preemptions; so
     * the failure also carries simloop's own shrinking of the run jqwik reports
     * ({@link #shrunkReplayLine()}: the fewest preemptions as {@code SimResult.preemptions()} counts
     * them, found by {@link Shrinking} within its default budget). It is computed once, when first
     * asked for, by the message or an accessor: jqwik reads the messages of the failures it reports
     * only (the shrunk sample's, and the first failing sample's as its original error), so the
     * schedules jqwik tries while shrinking are not shrunk themselves.
     */
    public static final class ScheduleFailure extends AssertionError {
        private static final long serialVersionUID = 1L;
        private final String replayLine;
        private final int departures;
        private final int chessPreemptions;
        private final String header;
        /** Runs the program under a builder, for shrinking; null once shrunk (or after deserialization). */
        private transient Function<Simulation.Builder, SimResult<?>> runner;
        private transient SimResult<?> failed;
        private String shrunkLine;
        private int shrunkPreemptions = -1;
        private boolean shrunk;
        /** Why the suggested line's count of preemptions is not shown to be the fewest, with how to try the rest; null when it is. */
        private String notShownFewest;
        /** Why the replay line does not repeat the failure, when it does not; null otherwise. */
        private String notReplayable;
        /** Whether the run had the default limits, as its replays have (transient: a deserialized failure does not replay). */
        private transient boolean defaultLimits;
        /** A check of the property that passed before this one failed, replayed to tell kept state; null when none. */
        private transient TryReplays.Passed passedBefore;

        ScheduleFailure(SimResult<?> r, Function<Simulation.Builder, SimResult<?>> runner, boolean defaultLimits,
                TryReplays.Passed passedBefore) {
            super("simulation failed with " + brief(r.failure()), r.failure());
            this.replayLine = r.replayLine();
            this.departures = Simulations.departures(r.replayLine());
            this.chessPreemptions = r.preemptions();
            this.header = "simulation failed with " + brief(r.failure());
            this.runner = runner;
            this.failed = r;
            this.defaultLimits = defaultLimits;
            this.passedBefore = passedBefore;
        }

        /** The report: both lines with their preemptions, the shrunk one first, and how to replay it. */
        @Override
        public String getMessage() {
            shrinkOnce();
            String suggested = shrunkLine != null ? shrunkLine : replayLine;
            // the accessor that returns the suggested line whole, for a line too long to paste or to show
            String accessor = shrunkLine != null ? "shrunkReplayLine()" : "replayLine()";
            StringBuilder sb = new StringBuilder(header);
            String note = notShownFewest == null ? "" : "; " + notShownFewest;
            if (shrunkLine != null) {
                sb.append("\n  shrunk: ").append(shown(shrunkLine, TOO_LONG + "shrunkReplayLine()" + RETURNS_IT))
                        .append(" (").append(count(shrunkPreemptions)).append(note).append(')');
            }
            sb.append("\n  found:  ").append(shown(replayLine, TOO_LONG + "replayLine()" + RETURNS_IT))
                    .append(" (").append(count(chessPreemptions)).append(foundLineNote(note)).append(')');
            sb.append("\n  departures: ").append(departures).append(" from FIFO order among the run's choices (what jqwik's"
                    + " shrinking of the generated schedule lowers)");
            if (notReplayable != null) {
                sb.append("\n  not a pin: ").append(notReplayable);
                return sb.toString();
            }
            if (suggested.length() > LONGEST_QUOTED_LINE) {
                // no code to paste: neither compiles with a string constant of this length
                sb.append("\n  not a pin: the line is ").append(suggested.length()).append(" characters long (a run of"
                        + " many steps): longer than a Java annotation's string or any string constant (65,535 bytes)"
                        + " can hold; it replays from code, Simulation.builder().replay(line).run(program), with the line ")
                        .append(suggested.length() <= LONGEST_SHOWN_LINE ? "above, which " : "")
                        .append("this ScheduleFailure's ").append(accessor).append(" returns (catch the failure"
                                + " Simulations.check throws to read it)");
                return sb.toString();
            }
            sb.append("\n  replay: Simulation.builder().replay(\"").append(suggested)
                    .append("\").run(program).value() (value() throws the failure again)");
            sb.append("\n  or pin it as a JUnit test: @Test @SimulatedLoop(replay = \"").append(suggested).append("\")");
            return sb.toString();
        }

        private static final String TOO_LONG = ", too long to show: this ScheduleFailure's ";
        private static final String RETURNS_IT = " returns it whole";

        /**
         * @param bound one less than the count found
         * @return how to try the schedules that shrinking (within {@link Shrinking}'s default budget
         *     here) left untried; concatenated, not formatted: a format's {@code %d} writes the JVM
         *     locale's digits (Arabic ones, say)
         */
        private static String tryTheRest(int bound) {
            return "Shrinking.outcome(run, runner, maxRuns, maxTime) with a larger budget, or"
                    + " Exploration.of(program).preemptionBounded(" + bound + "), tries them";
        }

        /**
         * @return what the found line says after its count when it is the suggested line: why that count
         *     is not shown to be the fewest, or that shrinking found none fewer; nothing when a shrunk
         *     line is suggested, or when shrinking did not run
         */
        private String foundLineNote(String note) {
            if (shrunkLine != null || !shrunk) {
                return "";
            }
            return note.isEmpty() ? "; shrinking found none fewer" : note;
        }

        private static String count(int n) {
            return n + (n == 1 ? " preemption" : " preemptions");
        }

        private synchronized void shrinkOnce() {
            if (runner == null) {
                return;
            }
            try {
                notReplayable = validated();
                if (notReplayable != null) {
                    return; // nothing to shrink: its own line does not fail again
                }
                Shrinking.Outcome outcome = Shrinking.outcome(failed, runner);
                SimResult<?> s = outcome.run();
                shrunk = true;
                if (s != failed && s.preemptions() < chessPreemptions) {
                    shrunkLine = s.replayLine();
                    shrunkPreemptions = s.preemptions();
                }
                notShownFewest = outcome.notShownFewest(ScheduleFailure::tryTheRest).orElse(null);
            } catch (RuntimeException | Error e) {
                addSuppressed(e); // a replay that threw: report the line found, and why it was not shrunk
            } finally {
                runner = null;
                failed = null;
                passedBefore = null;
            }
        }

        /**
         * @return why the line is no pin, or null when its replay failed the same way; a replay that
         *     threw (a rerun of its try that took another path) leaves it not shown to repeat the
         *     failure, its exception suppressed on this one
         */
        private String validated() {
            try {
                String notReplayable = notReplayable(failed, runner, defaultLimits);
                return notReplayable != null || passedBefore == null ? notReplayable : keptState(passedBefore);
            } catch (RuntimeException | Error e) {
                addSuppressed(e);
                return "its line could not be replayed to validate it, so it is not shown to repeat the failure: "
                        + brief(e);
            }
        }

        /**
         * @return why the failed run's replay line does not repeat its failure (it is then no test to
         *     pin), or null when a replay of it fails the same way
         */
        private static String notReplayable(SimResult<?> failed, Function<Simulation.Builder, SimResult<?>> runner,
                boolean defaultLimits) {
            if (failed.failure() instanceof dev.simloop.ReplayDiverged) {
                return "the line no longer fits the program (it changed since the line was made)";
            }
            if (failed.failure() instanceof dev.simloop.NondeterminismDetected) {
                return "the run depended on something no seed decides (the failure says what: a wait on the real clock, a thread"
                    + " the simulation does not own, or two runs that differed), so its line does not repeat it";
            }
            if (!(defaultLimits && stopsWhereItStopped(failed.failure()))
                    && (failed.failure() instanceof dev.simloop.LimitExceeded || java.util.Arrays.stream(
                    failed.failure().getSuppressed()).anyMatch(dev.simloop.LimitExceeded.class::isInstance))) {
                // replays here run with the default limits, not the builder's, so a replay would not run
                // into this one (or, for a runaway, would wait out the default wall-time limit): no replay.
                // A run with the default limits that maxSteps or maxVirtualTime stopped stops there again
                if (defaultLimits) { // no builder's limits to name: it was stopped on real time
                    return "the run was stopped on real time (the failure says how: a step that ran maxStepWallTime"
                            + " without a checkpoint, an offload that did not return, an interrupt of the thread"
                            + " waiting for it), which no replay of its line repeats";
                }
                return "the run ended at a limit (the failure says which); its line repeats it only with the"
                        + " limits of the builder it ran with: Simulation.builder().replay(line) with the same"
                        + " maxSteps, maxVirtualTime or maxStepWallTime";
            }
            SimResult<?> again = runner.apply(Simulation.builder().replay(failed.replayLine()));
            if (again.failed() && again.failure().getClass() == failed.failure().getClass()
                    && again.traceDigest().equals(failed.traceDigest())) {
                return null; // the same run: a replay of the line is this failure
            }
            return "replaying it did not run the same way: the failure depends on more than the schedule (state"
                    + " kept across tries, a body that changes its own inputs, such as a generated list it adds to,"
                    + " the real clock, another thread), so the line is no test to pin";
        }

        /**
         * A replay on the state the tries left repeats a failure that state caused (a list an instance
         * field grows at every try, failing from the third on): so a check that passed earlier in the
         * property is replayed too, and when it fails now, the failure came from the tries before it.
         *
         * @return why the line is no pin when {@code passed} fails on its replay now; null when it passes again
         */
        private static String keptState(TryReplays.Passed passed) {
            SimResult<?> again;
            try {
                again = passed.replayer().apply(Simulation.builder().replay(passed.line()));
            } catch (RuntimeException e) {
                return null; // a rerun of its try that took another path: no sign either way
            }
            if (!again.failed() || isAborted(again.failure())) {
                return null;
            }
            return "a try that passed before it (its line " + shown(passed.line(), "") + ") fails on its replay now ("
                    + brief(again.failure()) + "): the property keeps state across tries (a field of its instance,"
                    + " which jqwik makes once per property, that no @BeforeTry resets; a static field; a file), so"
                    + " the failure depends on the tries run before it and its line, run alone, does not repeat it;"
                    + " make that state fresh for every try (in the property method, or reset in @BeforeTry)";
        }

        /**
         * @return whether {@code f} is a stop at {@code maxSteps} or {@code maxVirtualTime}, which a
         *     replay under the same limits meets at the same step (not a runaway step, an offload that
         *     never returned or an interrupt, which depend on wall time), as the JUnit extension reads it
         */
        private static boolean stopsWhereItStopped(Throwable f) {
            return f instanceof dev.simloop.LimitExceeded limit && limit.repeatsOnReplay();
        }

        /** @return the replay line of the failed run */
        public String replayLine() {
            return replayLine;
        }

        /**
         * @return the departures from FIFO order among the failed run's recorded choices (the measure
         *     jqwik's shrinking of the generated schedule lowers); see {@link #chessPreemptions()}
         */
        public int departures() {
            return departures;
        }

        /**
         * The old name of {@link #departures()}, which counts departures from FIFO order, not
         * preemptions as {@link #chessPreemptions()}, {@link #shrunkPreemptions()} and the rest of
         * simloop count them.
         *
         * @return {@link #departures()}
         * @deprecated use {@link #departures()}; this name goes in 0.2
         */
        @Deprecated(since = "0.1", forRemoval = true)
        public int preemptions() {
            return departures;
        }

        /** @return the failed run's preemptions as CHESS counts them ({@code SimResult.preemptions()}) */
        public int chessPreemptions() {
            return chessPreemptions;
        }

        /**
         * @return the replay line of a run with fewer preemptions ({@code SimResult.preemptions()})
         *     that fails the same way, validated by replay; empty when shrinking found none fewer.
         *     Shrinks on the first call (up to {@value Shrinking#DEFAULT_MAX_RUNS} runs or 2 seconds)
         */
        public Optional<String> shrunkReplayLine() {
            shrinkOnce();
            return Optional.ofNullable(shrunkLine);
        }

        /** @return the preemptions of {@link #shrunkReplayLine()}'s run; empty when there is none */
        public OptionalInt shrunkPreemptions() {
            shrinkOnce();
            return shrunkLine == null ? OptionalInt.empty() : OptionalInt.of(shrunkPreemptions);
        }

        /**
         * @return why the count of preemptions of the line the message suggests ({@link #shrunkReplayLine()},
         *     else {@link #replayLine()}) is not shown to be the fewest, as the message says it
         *     ({@link Shrinking.Outcome#notShownFewest()}, with how to try the rest when shrinking's
         *     default budget ran out first); empty when it is shown (shrinking tried every schedule with
         *     fewer preemptions, or the run has none), and when the line was not shrunk because it does
         *     not repeat the failure (the message's "not a pin" says why). Shrinks on the first call
         */
        public Optional<String> notShownFewest() {
            shrinkOnce();
            return Optional.ofNullable(notShownFewest);
        }
    }
}
