package dev.simloop.jqwik;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import dev.simloop.SimResult;
import dev.simloop.Simulation;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** A {@code @ForAll Schedule} combined with other generated inputs, tries, edge cases and try lifecycle. */
class CombinationsTest {
    @BeforeEach
    void clear() {
        CombinationsFixture.LOG.clear();
    }

    private static EngineExecutionResults run(String property, String... types) {
        return EngineTestKit.engine("jqwik")
                .selectors(selectMethod(CombinationsFixture.class, property, String.join(",", types)))
                .configurationParameter("jqwik.database", "").execute();
    }

    @Test
    void everyTryOfAPropertyWithOtherInputsRunsBetweenItsBeforeTryAndAfterTry() {
        run("passesWithOtherInputs", "int", "dev.simloop.Schedule").testEvents()
                .assertStatistics(s -> s.started(1).succeeded(1));
        // jqwik keeps one instance for all tries of a property: the count goes on
        StringBuilder expected = new StringBuilder();
        for (int i = 1; i <= 10; i++) {
            expected.append("beforeTry,body beforeTries=").append(i).append(",afterTry,");
        }
        assertThat(String.join(",", CombinationsFixture.LOG) + ",").isEqualTo(expected.toString());
    }

    @Test
    void aFailureWithOtherInputsIsShrunkAndItsLineReplaysWithTheShrunkInput() {
        Simulations.ScheduleFailure f = ShrinkTest.scheduleFailureOf(selectMethod(CombinationsFixture.class,
                "failsWithOtherInputs", "int,dev.simloop.Schedule"));
        Matcher m = Pattern.compile("amount (\\d+): balance").matcher(f.getCause().getMessage());
        assertThat(m.find()).isTrue();
        int amount = Integer.parseInt(m.group(1));
        assertThat(amount).as("jqwik shrinks the amount to its least").isEqualTo(1);
        assertThat(f.getMessage()).doesNotContain("not a pin").contains("  replay: Simulation.builder().replay(\"");
        for (String line : java.util.List.of(f.replayLine(), f.shrunkReplayLine().orElse(f.replayLine()))) {
            SimResult<Integer> again = Simulation.builder().replay(line).run(() -> CombinationsFixture.deposits(amount));
            assertThat(again.failure()).as(line).isInstanceOf(AssertionError.class)
                    .hasMessage("amount 1: balance expected 102 but was 101");
        }
    }

    @Test
    void aScheduleArbitraryOfFewValuesIsGeneratedExhaustively() {
        run("tinySchedulesAreGeneratedExhaustively", "dev.simloop.Schedule").testEvents()
                .assertStatistics(s -> s.started(1));
        assertThat(CombinationsFixture.LOG.stream().filter(l -> l.startsWith("tiny "))).containsExactly("tiny Schedule.of()",
                "tiny Schedule.of(0)", "tiny Schedule.of(1)", "tiny Schedule.of(0, 0)", "tiny Schedule.of(0, 1)",
                "tiny Schedule.of(1, 0)", "tiny Schedule.of(1, 1)");
    }

    @Test
    void exhaustiveGenerationRunsEveryScheduleOfASmallArbitraryOnceEvenBeyondTheTries() {
        run("exhaustiveAskedOfSmallSchedules", "dev.simloop.Schedule").testEvents()
                .assertStatistics(s -> s.started(1).succeeded(1));
        List<String> seen = CombinationsFixture.LOG.stream().filter(l -> l.startsWith("small ")).toList();
        assertThat(seen).hasSize(1_093).doesNotHaveDuplicates().contains("small Schedule.of(2, 2, 2, 2, 2, 2)");
    }

    @Test
    void exhaustiveGenerationOfTheDefaultSchedulesIsRefusedByJqwikBeforeAnyTry() {
        EngineExecutionResults results = run("exhaustiveAskedOfTheDefaultSchedules", "dev.simloop.Schedule");
        results.testEvents().assertStatistics(s -> s.started(1).failed(1));
        Throwable t = results.testEvents().failed().stream().findFirst().orElseThrow()
                .getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
        // docs/property-testing.md quotes this message and says what to do instead
        assertThat(t).hasMessageContaining("EXHAUSTIVE generation is not possible");
        assertThat(CombinationsFixture.LOG).noneMatch(l -> l.startsWith("default "));
    }

    @Test
    void edgeCasesComeFirstWhenAsked() {
        run("edgeCasesFirst", "dev.simloop.Schedule").testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        assertThat(CombinationsFixture.LOG.stream().filter(l -> l.startsWith("edge "))).containsExactly(
                "edge Schedule.of()", "edge Schedule.of(0)", "edge Schedule.of(2)", "edge Schedule.of(1)",
                "edge Schedule.of(7)");
    }

    /** A JUnit 4 assumption inside the run discards the try, as jqwik's own Assume does: the property passes on the rest. */
    @Test
    void aJUnit4AssumptionInsideTheRunDiscardsTheTry() {
        run("junit4AssumptionsDiscardTries", "int").testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        List<String> ran = CombinationsFixture.LOG.stream().filter(l -> l.startsWith("odd ")).toList();
        // every amount of 1..50 once (exhaustive generation), the even ones discarded before the log
        assertThat(ran).hasSize(25).allMatch(l -> Integer.parseInt(l.substring(4)) % 2 == 1);
    }
}
