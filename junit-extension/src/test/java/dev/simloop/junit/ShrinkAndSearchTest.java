package dev.simloop.junit;

import static dev.simloop.junit.SimulatedLoopExtensionTest.onlyFailure;
import static dev.simloop.junit.SimulatedLoopExtensionTest.onlySimFailure;
import static dev.simloop.junit.SimulatedLoopExtensionTest.reportEntries;
import static dev.simloop.junit.SimulatedLoopExtensionTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import dev.simloop.DeadlockDetected;
import dev.simloop.Exploration;
import dev.simloop.Schedule;
import dev.simloop.ThrowingSupplier;
import dev.simloop.junit.fixtures.ShrinkFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 16 in the JUnit extension: failures shrink to the fewest preemptions, which preemption
 * bounding proves minimal; the report, the failure and results.jsonl carry both lines; the bounded
 * searches and the portfolio default.
 */
class ShrinkAndSearchTest {
    @TempDir
    Path dir;

    static Stream<Arguments> kernels() {
        return Stream.of(
                Arguments.of(ShrinkFixtures.LostUpdate.class,
                        (ThrowingSupplier<Object>) () -> ShrinkFixtures.lostUpdateAmidNoise(new int[1]) == 2 ? 0
                                : fail("both increments must count")),
                Arguments.of(ShrinkFixtures.ReversedOrder.class, (ThrowingSupplier<Object>) ShrinkFixtures::reversedOrder),
                Arguments.of(ShrinkFixtures.TornRead.class, (ThrowingSupplier<Object>) () -> {
                    ShrinkFixtures.tornRead();
                    return null;
                }),
                Arguments.of(ShrinkFixtures.Deadlock.class, (ThrowingSupplier<Object>) () -> {
                    ShrinkFixtures.lockOrderDeadlock();
                    return null;
                }));
    }

    private static Object fail(String message) {
        throw new AssertionError(message);
    }

    private Map<String, String> resultsIn(Path file, String... keyValues) {
        Map<String, String> params = new HashMap<>();
        params.put(Results.PROPERTY, file.toString());
        for (int i = 0; i < keyValues.length; i += 2) {
            params.put(keyValues[i], keyValues[i + 1]);
        }
        return params;
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void theShrunkFailureHasTheFewestPreemptionsThatPreemptionBoundingProves(Class<?> fixture,
            ThrowingSupplier<Object> kernel) {
        SimulatedLoopFailure f = onlySimFailure(run(selectClass(fixture), resultsIn(dir.resolve("r.jsonl"))));
        int shrunk = f.shrunkPreemptions().orElse(f.preemptions());
        int minimum = provenMinimum(kernel, shrunk);
        System.out.printf("%s: schedule %d failed with %d preemptions, shrunk to %d, proven minimum %d%n",
                fixture.getSimpleName(), f.scheduleIndex() + 1, f.preemptions(), shrunk, minimum);
        assertThat(shrunk).as(f.getMessage()).isEqualTo(minimum);
        assertThat(f.preemptions()).isGreaterThanOrEqualTo(minimum);
        // the shrunk line replays the same kind of failure, with its preemptions
        String line = f.shrunkReplayLine().orElse(f.replayLine());
        SimulatedLoopFailure again = onlySimFailure(run(selectClass(fixture), Map.of("simloop.replay", line)));
        assertThat(again.getCause()).isInstanceOf(f.getCause().getClass());
        assertThat(again.preemptions()).isEqualTo(shrunk);
        assertThat(again.shrunkReplayLine()).isEmpty(); // a replay is not shrunk
    }

    /** The least bound at which preemption bounding fails, every bound below it exhausted clean. */
    private static int provenMinimum(ThrowingSupplier<Object> kernel, int atMost) {
        for (int bound = 0; bound <= atMost; bound++) {
            Exploration.Report<Object> r = Exploration.of(kernel).preemptionBounded(bound).schedules(1_000_000).run();
            if (r.firstFailure().isPresent()) {
                return r.firstFailure().get().preemptions();
            }
            assertThat(r.exhausted()).as("bound %s: %s", bound, r).isTrue();
        }
        return -1;
    }

    @Test
    void theLostUpdateShrinksOnFreshInstancesAndTheReportLeadsWithTheShrunkLine() throws Exception {
        ShrinkFixtures.LostUpdate.BEFORE_EACH.set(0);
        ShrinkFixtures.LostUpdate.RUNS.set(0);
        Path results = dir.resolve("results.jsonl");
        SimulatedLoopFailure f = onlySimFailure(run(selectClass(ShrinkFixtures.LostUpdate.class), resultsIn(results)));
        String shrunk = f.shrunkReplayLine().orElseThrow();
        assertThat(f.shrunkPreemptions()).hasValue(1);
        assertThat(f.preemptions()).isGreaterThan(1);
        // every replay of shrinking ran on a fresh instance: @BeforeEach found the counter at 0 each time
        assertThat(ShrinkFixtures.LostUpdate.BEFORE_EACH.get()).isEqualTo(ShrinkFixtures.LostUpdate.RUNS.get())
                .isGreaterThan(f.scheduleIndex() + 2);

        System.out.println(f.getMessage());
        List<String> lines = f.getMessage().lines().toList();
        int shrunkAt = indexOf(lines, "  shrunk:       " + shrunk + " (1 preemption)");
        int replayAt = indexOf(lines, "  replay:       " + f.replayLine() + " (" + f.preemptions() + " preemptions)");
        assertThat(shrunkAt).isPositive().isEqualTo(replayAt - 1);
        assertThat(lines.get(replayAt + 1)).isEqualTo("  annotation:   @SimulatedLoop(replay = \"" + shrunk + "\")");
        assertThat(lines.get(replayAt + 2)).isEqualTo("  command line: -Dsimloop.replay=\"" + shrunk + "\"");
        String html = lines.stream().filter(l -> l.startsWith("  html report:")).findFirst().orElseThrow()
                .substring("  html report:".length()).strip();
        assertThat(Files.readString(Path.of(html))).contains(shrunk).contains(f.replayLine());

        @SuppressWarnings("unchecked")
        Map<String, Object> line = (Map<String, Object>) Json.read(Files.readAllLines(results).getFirst());
        @SuppressWarnings("unchecked")
        Map<String, Object> failure = ((List<Map<String, Object>>) line.get("failures")).getFirst();
        assertThat(failure).containsEntry("replay", f.replayLine()).containsEntry("shrunk", shrunk)
                .containsEntry("preemptions", (long) f.preemptions()).containsEntry("shrunkPreemptions", 1L);
    }

    private static int indexOf(List<String> lines, String line) {
        assertThat(lines).contains(line);
        return lines.indexOf(line);
    }

    @Test
    void shrinkingOffLeavesTheFoundLineAlone() throws Exception {
        Path results = dir.resolve("off.jsonl");
        SimulatedLoopFailure f = onlySimFailure(run(selectClass(ShrinkFixtures.LostUpdate.class),
                resultsIn(results, "simloop.shrink", "false")));
        assertThat(f.shrunkReplayLine()).isEmpty();
        assertThat(f.shrunkPreemptions()).isEmpty();
        assertThat(f.getMessage()).doesNotContain("shrunk:")
                .contains("  replay:       " + f.replayLine() + " (" + f.preemptions() + " preemptions)\n")
                .contains("  annotation:   @SimulatedLoop(replay = \"" + f.replayLine() + "\")");
        assertThat(Files.readString(results)).contains("\"shrunk\":null");

        Throwable bad = onlyFailure(run(selectClass(ShrinkFixtures.LostUpdate.class), Map.of("simloop.shrink", "maybe")));
        assertThat(bad).isInstanceOf(IllegalArgumentException.class).hasMessage("-Dsimloop.shrink=maybe: write true or false");
    }

    /**
     * A shrink whose budget ran out before every schedule with fewer preemptions was tried says that
     * its count is not shown to be the fewest, and how a test tries the rest. Before, the report said
     * "shrinking found none fewer" of a run no smaller schedule had been tried for.
     */
    @Test
    void aShrinkThatItsBudgetEndedSaysItsCountIsNotShownToBeTheFewest() {
        SimulatedLoopFailure none = onlySimFailure(run(ShrinkFixtures.LostUpdateShrinkRunsOne.class));
        assertThat(none.shrunkReplayLine()).isEmpty();
        assertThat(none.preemptions()).isGreaterThan(1);
        System.out.println(none.getMessage());
        assertThat(none.getMessage()).contains("  replay:       " + none.replayLine() + " (" + none.preemptions()
                + " preemptions; not shown to be the fewest: the shrink budget (1 run or 10m) ran out before every schedule"
                + " with fewer was tried, so fewer may still fail; a larger shrinkRuns or shrinkTime, or"
                + " @SimulatedLoop(strategy = PREEMPTION_BOUNDED, bound = " + (none.preemptions() - 1) + "), tries them)\n")
                .doesNotContain("shrinking found none fewer");

        SimulatedLoopFailure some = onlySimFailure(run(ShrinkFixtures.LostUpdateShrinkRunsFew.class));
        System.out.println(some.getMessage());
        int shrunk = some.shrunkPreemptions().orElseThrow();
        assertThat(shrunk).as("fewer, but not the fewest").isBetween(2, some.preemptions() - 1);
        assertThat(some.getMessage()).contains("  shrunk:       " + some.shrunkReplayLine().orElseThrow() + " (" + shrunk
                + " preemptions; not shown to be the fewest: the shrink budget (5 runs or 10m) ran out before every schedule"
                + " with fewer was tried, so fewer may still fail; a larger shrinkRuns or shrinkTime, or"
                + " @SimulatedLoop(strategy = PREEMPTION_BOUNDED, bound = " + (shrunk - 1) + "), tries them)\n")
                .contains("  replay:       " + some.replayLine() + " (" + some.preemptions() + " preemptions)\n");
    }

    /** A shrink that tried every schedule with fewer preemptions gives its count without a note. */
    @Test
    void aShrinkThatTriedEveryScheduleWithFewerHasNoNote() {
        SimulatedLoopFailure f = onlySimFailure(run(ShrinkFixtures.LostUpdate.class));
        assertThat(f.getMessage()).contains("  shrunk:       " + f.shrunkReplayLine().orElseThrow() + " (1 preemption)\n")
                .contains("  replay:       " + f.replayLine() + " (" + f.preemptions() + " preemptions)\n")
                .doesNotContain("not shown to be the fewest");
    }

    @Test
    void aPreemptionBoundedSearchFindsTheFewestAndSaysSo() {
        SimulatedLoopFailure f = onlySimFailure(run(ShrinkFixtures.PreemptionBounded.class));
        assertThat(f.strategy()).isEqualTo("preemptionBounded(2)");
        assertThat(f.preemptions()).isEqualTo(1);
        assertThat(f.schedules()).isEqualTo(SimulatedLoop.EXHAUSTIVE_SCHEDULES);
        assertThat(f.shrunkReplayLine()).isEmpty();
        assertThat(f.getMessage()).contains("  strategy:     preemptionBounded(2)\n")
                .contains("  replay:       " + f.replayLine() + " (1 preemption; the fewest: the search runs fewest first)\n");
        assertThat(Schedule.parse(f.replayLine()).strategy()).isEqualTo("nonpreemptive");
    }

    @Test
    void aDelayBoundedFailureShrinksToOnePreemption() {
        SimulatedLoopFailure f = onlySimFailure(run(ShrinkFixtures.DelayBounded.class));
        assertThat(f.strategy()).isEqualTo("delayBounded(2)");
        assertThat(f.getCause()).hasMessageContaining("both increments must count");
        assertThat(f.shrunkPreemptions().orElse(f.preemptions())).isEqualTo(1);
    }

    @Test
    void boundedSearchesThatPassSayWhatTheirBoundCounts() {
        var r = run(ShrinkFixtures.BoundedPasses.class);
        r.testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
        List<String> entries = reportEntries(r, "simloop");
        assertThat(entries).hasSize(2).anySatisfy(e -> assertThat(e)
                .matches("passed all \\d+ schedules within 1 preemption \\(strategy preemptionBounded\\(1\\), seed 5\\)"))
                .anySatisfy(e -> assertThat(e)
                        .matches("passed all \\d+ schedules within 2 delays \\(strategy delayBounded\\(2\\), seed 5\\)"));
    }

    @Test
    void theCommandLineNamesABoundedSearchByKindOrWithItsBound() {
        SimulatedLoopFailure byKind = onlySimFailure(run(selectMethod(ShrinkFixtures.LostUpdate.class, "lostUpdate"),
                Map.of("simloop.strategy", "preemption_bounded")));
        assertThat(byKind.strategy()).isEqualTo("preemptionBounded(2)");
        assertThat(byKind.preemptions()).isEqualTo(1);
        var passes = run(selectMethod(ShrinkFixtures.LostUpdate.class, "lostUpdate"),
                Map.of("simloop.strategy", "preemptionBounded(0)"));
        passes.testEvents().assertStatistics(s -> s.succeeded(1));
        assertThat(reportEntries(passes, "simloop").getFirst())
                .matches("passed all \\d+ schedules within 0 preemptions \\(strategy preemptionBounded\\(0\\), seed 11\\)");
        SimulatedLoopFailure delays = onlySimFailure(run(selectMethod(ShrinkFixtures.LostUpdate.class, "lostUpdate"),
                Map.of("simloop.strategy", "delayBounded(3)")));
        assertThat(delays.strategy()).isEqualTo("delayBounded(3)");
    }

    @Test
    void severalSchedulesDefaultToThePortfolioAndOneToRandom() {
        ShrinkFixtures.PortfolioByDefault.STRATEGIES.clear();
        run(selectMethod(ShrinkFixtures.PortfolioByDefault.class, "records", SimulationContext.class.getName()), Map.of())
                .testEvents().assertStatistics(s -> s.succeeded(1));
        assertThat(ShrinkFixtures.PortfolioByDefault.STRATEGIES).hasSize(8).containsOnly("portfolio");
        ShrinkFixtures.PortfolioByDefault.STRATEGIES.clear();
        run(selectMethod(ShrinkFixtures.PortfolioByDefault.class, "one", SimulationContext.class.getName()), Map.of())
                .testEvents().assertStatistics(s -> s.succeeded(1));
        assertThat(ShrinkFixtures.PortfolioByDefault.STRATEGIES).containsExactly("random");
    }

    /** Its seed alone would run random (one schedule's strategy): the report says how to run the schedule alone. */
    @Test
    void aPortfolioSchedulesReportSaysHowToRunItAloneAndThatRunsTheSameSchedule() {
        SimulatedLoopFailure found = onlySimFailure(run(ShrinkFixtures.PortfolioFailing.class));
        String member = Schedule.parse(found.replayLine()).strategy();
        assertThat(member).as("the fixture's first failing schedule is not a random one").isNotEqualTo("random");
        assertThat(found.getMessage()).contains("  strategy:     portfolio (this schedule: " + member + "; alone: -Dsimloop.seed="
                + found.seed() + " -Dsimloop.strategy=\"" + member + "\" -Dsimloop.schedules=1)\n");
        SimulatedLoopFailure alone = onlySimFailure(run(selectClass(ShrinkFixtures.PortfolioFailing.class),
                Map.of(RunConfig.SEED, Long.toString(found.seed()), RunConfig.STRATEGY, member, RunConfig.SCHEDULES, "1")));
        assertThat(alone.replayLine()).isEqualTo(found.replayLine());
        SimulatedLoopFailure seedOnly = onlySimFailureOrNull(run(selectClass(ShrinkFixtures.PortfolioFailing.class),
                Map.of(RunConfig.SEED, Long.toString(found.seed()), RunConfig.SCHEDULES, "1")));
        assertThat(seedOnly == null ? null : seedOnly.replayLine()).as("the seed alone runs random")
                .isNotEqualTo(found.replayLine());
    }

    private static SimulatedLoopFailure onlySimFailureOrNull(org.junit.platform.testkit.engine.EngineExecutionResults r) {
        return r.testEvents().failed().count() == 0 ? null : onlySimFailure(r);
    }

    @Test
    void thePortfolioSchedulesTakeItsMembersInTurn() {
        RunConfig c = RunConfig.resolve(null, k -> Optional.ofNullable(Map.of(RunConfig.SEED, "6",
                RunConfig.SCHEDULES, "8").get(k)));
        assertThat(c.strategy()).hasToString("portfolio");
        List<String> members = java.util.stream.IntStream.range(0, 8)
                .mapToObj(i -> Schedule.parse(c.builder(i).run(() -> 1).replayLine()).strategy()).toList();
        // seed 6: member 6 mod 5 = 1 first
        assertThat(members).containsExactly("pct(2)", "pct(3)", "pos", "spawnerfirst", "random", "pct(2)", "pct(3)", "pos");
        RunConfig one = RunConfig.resolve(null, k -> Optional.ofNullable(Map.of(RunConfig.SEED, "6").get(k)));
        assertThat(one.strategy()).hasToString("random");
    }

    @Test
    void aDeadlockShrinksToADeadlock() {
        SimulatedLoopFailure f = onlySimFailure(run(ShrinkFixtures.Deadlock.class));
        assertThat(f.getCause()).isInstanceOf(DeadlockDetected.class);
    }

    /** Guards that {@code -Dsimloop.shrink=true} turns shrinking on for a test whose annotation says {@code shrink = false}. */
    @Test
    void shrinkingOnFromTheCommandLineOverridesTheAnnotation() {
        SimulatedLoopFailure off = onlySimFailure(run(ShrinkFixtures.LostUpdateShrinkOff.class));
        assertThat(off.shrunkReplayLine()).isEmpty();
        assertThat(off.preemptions()).isGreaterThan(1);
        SimulatedLoopFailure on = onlySimFailure(run(selectClass(ShrinkFixtures.LostUpdateShrinkOff.class),
                Map.of("simloop.shrink", "true")));
        assertThat(on.replayLine()).isEqualTo(off.replayLine());
        assertThat(on.shrunkPreemptions()).hasValue(1);
        assertThat(on.getMessage()).contains("  shrunk:       " + on.shrunkReplayLine().orElseThrow() + " (1 preemption)\n");
    }

    /**
     * Guards that shrinking replays get the failing schedule's {@link SimulationContext}: a test whose
     * input comes from the schedule's seed shrinks (with another schedule's seed every replay passes).
     */
    @Test
    void aTestWhoseInputComesFromTheSeedIsShrunk() {
        SimulatedLoopFailure f = onlySimFailure(run(ShrinkFixtures.InputFromTheSeed.class));
        assertThat(f.getCause()).hasMessageStartingWith("input 3 loses an update");
        assertThat(f.preemptions()).isGreaterThan(1);
        String shrunk = f.shrunkReplayLine().orElseThrow();
        assertThat(f.shrunkPreemptions()).hasValue(1);
        assertThat(f.getMessage()).contains("  shrunk:       " + shrunk + " (1 preemption)\n")
                .contains("  annotation:   @SimulatedLoop(replay = \"" + shrunk + "\")");
    }
}
