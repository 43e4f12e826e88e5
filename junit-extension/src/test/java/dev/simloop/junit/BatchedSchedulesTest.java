package dev.simloop.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import dev.simloop.LimitExceeded;
import dev.simloop.Schedule;
import dev.simloop.junit.fixtures.BatchFixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * A test's schedules run one after another on one driver thread (issue 15): what must still hold
 * when a schedule's task runs away, when a {@code @Timeout} fires during a later schedule, and for
 * the lifecycle methods around each schedule.
 */
class BatchedSchedulesTest {
    @BeforeEach
    void clear() {
        BatchFixtures.LOG.clear();
        BatchFixtures.release = false;
    }

    @AfterEach
    void releaseSpinningTasks() {
        BatchFixtures.release = true;
    }

    /** Schedules 0 to {@code n - 1}, as the fixtures log them. */
    private static List<String> schedules(int n) {
        return java.util.stream.IntStream.range(0, n).mapToObj(i -> "schedule " + i).toList();
    }

    @Test
    void aScheduleThatRunsAwayFailsTheTestWithItsOwnReplayLineAndNoLaterScheduleRuns() {
        SimulatedLoopFailure f = SimulatedLoopExtensionTest.onlySimFailure(
                SimulatedLoopExtensionTest.run(BatchFixtures.RunsAwayInTheThirdSchedule.class));
        assertThat(f.getCause()).isInstanceOf(LimitExceeded.class)
                .hasMessageStartingWith("task 'main' ran for ").hasMessageContaining("maxStepWallTime");
        assertThat(f.scheduleIndex()).isEqualTo(2);
        assertThat(f.schedules()).isEqualTo(5);
        RunConfig cfg = RunConfig.resolve(null, k -> Optional.ofNullable(Map.of("simloop.seed", "3", "simloop.schedules",
                "5").get(k)));
        assertThat(f.seed()).isEqualTo(cfg.seedFor(2));
        assertThat(Schedule.parse(f.replayLine()).seed()).isEqualTo(f.seed());
        assertThat(BatchFixtures.LOG).containsExactly("schedule 0", "schedule 1", "schedule 2");
    }

    @Test
    void aTimeoutDuringALaterScheduleStopsThatScheduleAndTheExploration() {
        Throwable t = SimulatedLoopExtensionTest.onlyFailure(
                SimulatedLoopExtensionTest.run(BatchFixtures.TimeoutInTheSecondSchedule.class));
        assertThat(t).isInstanceOf(TimeoutException.class).hasMessageContaining("timed out after 2 seconds");
        // schedule 1 never ends unless stopped; nothing after it runs (on a very slow machine the
        // timeout may even fire during schedule 0)
        assertThat(BatchFixtures.LOG).isEqualTo(schedules(BatchFixtures.LOG.size())).hasSizeBetween(1, 2);
    }

    /**
     * A {@code @Timeout} on a thread of its own fails the test while the exploration stops on that
     * thread. JUnit's thread waits for it before the {@code @AfterEach} of JUnit's own instance (which
     * ran schedule 0) and before the next test: before, both ran while the stopped schedule was still
     * unwinding, the timeout carried no report, and the results file got an ERROR line besides the
     * exploration's own.
     */
    @Test
    void aTimeoutOnASeparateThreadWaitsForTheExplorationToStopAndCarriesItsReport(@TempDir Path dir) throws Exception {
        Path results = dir.resolve("results.jsonl");
        EngineExecutionResults r = SimulatedLoopExtensionTest.run(selectClass(BatchFixtures.TimeoutOnASeparateThread.class),
                Map.of(Results.PROPERTY, results.toString()));
        r.testEvents().assertStatistics(s -> s.started(2).succeeded(1).failed(1));
        Throwable t = SimulatedLoopExtensionTest.onlyFailure(r);
        assertThat(t).isInstanceOf(TimeoutException.class).hasMessageContaining("timed out after 2 seconds");
        assertThat(t.getSuppressed()).singleElement().isInstanceOfSatisfying(SimulatedLoopFailure.class, f -> {
            assertThat(f.scheduleIndex()).isEqualTo(1);
            assertThat(f.getCause()).isInstanceOf(LimitExceeded.class).hasMessageContaining("interrupted (a test timeout?)");
        });
        // the stopped schedule's own @AfterEach ran before JUnit's instance's, and both before the next test
        assertThat(BatchFixtures.LOG).containsExactly("schedule 0", "schedule 1", "after 1", "after 0", "next test",
                "after -1");
        List<String> lines = Files.readAllLines(results);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("\"method\":\"a\"").contains("\"stopReason\":\"FAILURE_FOUND\"")
                .contains("\"schedule\":1,");
    }

    @Test
    void onTwoWorkersARunawayFailsTheTestAsOnOne() {
        SimulatedLoopFailure f = SimulatedLoopExtensionTest.onlySimFailure(
                SimulatedLoopExtensionTest.run(BatchFixtures.RunsAwayOnTwoWorkers.class));
        assertThat(f.getCause()).isInstanceOf(LimitExceeded.class).hasMessageStartingWith("task 'main' ran for ");
        assertThat(f.scheduleIndex()).isEqualTo(2);
    }

    @Test
    void onTwoWorkersATimeoutStopsTheRunningSchedulesAndTheExploration() {
        Throwable t = SimulatedLoopExtensionTest.onlyFailure(
                SimulatedLoopExtensionTest.run(BatchFixtures.TimeoutOnTwoWorkers.class));
        assertThat(t).isInstanceOf(TimeoutException.class).hasMessageContaining("timed out after 2 seconds");
        // while schedule 1 is stuck, at most WINDOW_PER_WORKER schedules per worker are handed out past
        // the last commit (schedule 0's), so schedules 0 to 1 + 2 * WINDOW_PER_WORKER - 1 at most, of 5,000
        assertThat(schedules(1 + 2 * dev.simloop.internal.OrderedRuns.WINDOW_PER_WORKER)).containsAll(BatchFixtures.LOG);
    }

    @Test
    void aCheckedExceptionOfALaterSchedulesBeforeEachFailsTheTestUnwrapped() {
        BatchFixtures.CheckedExceptionInALaterBeforeEach.SET_UPS.set(0);
        Throwable t = SimulatedLoopExtensionTest.onlyFailure(
                SimulatedLoopExtensionTest.run(BatchFixtures.CheckedExceptionInALaterBeforeEach.class));
        assertThat(t).isExactlyInstanceOf(java.io.IOException.class).hasMessage("no fixture for the second schedule");
        assertThat(BatchFixtures.CheckedExceptionInALaterBeforeEach.SET_UPS).hasValue(2);
        // JUnit shows the exception as it was thrown; a note says which schedule's set-up it was
        assertThat(t.getSuppressed()).singleElement().extracting(Throwable::getMessage).asString()
                .startsWith("simloop: thrown while setting up schedule 2 of 3 (seed ")
                .endsWith(") on a fresh test instance (its constructor or @BeforeEach methods), before its run");
    }

    /** A schedule whose run passed fails in its @AfterEach: reported as that schedule's failure, with its line. */
    @Test
    void anAfterEachThatFailsOnALaterScheduleIsReportedWithThatSchedulesReplayLine() {
        SimulatedLoopFailure f = SimulatedLoopExtensionTest.onlySimFailure(
                SimulatedLoopExtensionTest.run(BatchFixtures.AfterEachChecksTheRun.class));
        assertThat(f.scheduleIndex()).as("a later schedule, on fresh test state").isPositive();
        assertThat(f.getCause()).isInstanceOf(org.opentest4j.AssertionFailedError.class)
                .hasMessageStartingWith("requests counted (checked in @AfterEach) ==> expected: <2> but was: <1>");
        // the annotation offers the shrunk line (anAfterEachFailureIsShrunkAndTheShrunkLineFailsTheSameWay)
        assertThat(f.getMessage()).contains("  replay:       " + f.replayLine())
                .contains("  annotation:   @SimulatedLoop(replay = \"" + f.shrunkReplayLine().orElse(f.replayLine()) + "\")");
        // the line found runs that schedule too: pinned, the @AfterEach fails the same way
        SimulatedLoopFailure replayed = SimulatedLoopExtensionTest.onlySimFailure(SimulatedLoopExtensionTest.run(
                org.junit.platform.engine.discovery.DiscoverySelectors.selectClass(BatchFixtures.AfterEachChecksTheRun.class),
                Map.of("simloop.replay", f.replayLine())));
        assertThat(replayed.getCause()).isInstanceOf(org.opentest4j.AssertionFailedError.class)
                .hasMessageStartingWith("requests counted (checked in @AfterEach) ==> expected: <2> but was: <1>");
        assertThat(replayed.replayLine()).isEqualTo(f.replayLine());
    }

    /**
     * The first schedule runs on JUnit's own test instance, whose @AfterEach JUnit calls after the whole
     * exploration: when it fails there (here the one schedule of a pinned line), it fails the test as a
     * later schedule does, with its line, not bare; and a second @AfterEach that fails joins that report.
     */
    @Test
    void anAfterEachThatFailsTheFirstScheduleIsReportedWithItsReplayLine() {
        SimulatedLoopFailure later = SimulatedLoopExtensionTest.onlySimFailure(
                SimulatedLoopExtensionTest.run(BatchFixtures.AfterEachChecksTheRun.class));
        SimulatedLoopFailure first = SimulatedLoopExtensionTest.onlySimFailure(SimulatedLoopExtensionTest.run(
                org.junit.platform.engine.discovery.DiscoverySelectors.selectClass(BatchFixtures.AfterEachChecksTheRun.class),
                Map.of("simloop.replay", later.replayLine())));
        assertThat(first.scheduleIndex()).isZero();
        assertThat(first.seed()).isEqualTo(later.seed());
        assertThat(first.getMessage())
                .contains("failure:      org.opentest4j.AssertionFailedError: requests counted (checked in @AfterEach)")
                .contains("  replay:       " + later.replayLine());
        assertThat(first.getCause()).isInstanceOf(org.opentest4j.AssertionFailedError.class);
    }

    /**
     * A failure that an @AfterEach finds after a run that passed is shrunk as a run's own failure is
     * (it was reported with its preemptions and no word on shrinking): the first schedule's, which
     * JUnit's own @AfterEach fails, and a later one's; each shrunk line, pinned, fails the same way. The
     * HTML page of such a run says it failed, with the failure (it said "passed").
     */
    @Test
    void anAfterEachFailureIsShrunkAndTheShrunkLineFailsTheSameWay() {
        for (String method : List.of("firstSchedule", "laterSchedule")) {
            SimulatedLoopFailure f = SimulatedLoopExtensionTest.onlySimFailure(SimulatedLoopExtensionTest.run(
                    selectMethod(BatchFixtures.AfterEachFailureFoundWithTwoPreemptions.class, method), Map.of()));
            assertThat(f.scheduleIndex()).as(method).isEqualTo(method.equals("firstSchedule") ? 0 : 6);
            assertThat(f.getCause()).as(method).isInstanceOf(org.opentest4j.AssertionFailedError.class)
                    .hasMessageStartingWith("requests counted (checked in @AfterEach) ==> expected: <2> but was: <1>");
            assertThat(f.preemptions()).as(method).isEqualTo(2);
            assertThat(f.shrunkPreemptions()).as(method).hasValue(1);
            String shrunk = f.shrunkReplayLine().orElseThrow();
            assertThat(f.getMessage()).as(method)
                    .contains("  shrunk:       " + shrunk + " (1 preemption)\n")
                    .contains("  replay:       " + f.replayLine() + " (2 preemptions)\n")
                    .contains("  annotation:   @SimulatedLoop(replay = \"" + shrunk + "\")");
            // the page of the run says it failed, and how, where it said "passed" with no failure
            assertThat(htmlPage(f)).as(method).contains("<span class=\"badge failed\">failed</span>")
                    .contains("<h2>Failure</h2>").contains("requests counted (checked in @AfterEach)");
            SimulatedLoopFailure pinned = SimulatedLoopExtensionTest.onlySimFailure(SimulatedLoopExtensionTest.run(
                    selectMethod(BatchFixtures.AfterEachFailureFoundWithTwoPreemptions.class, method),
                    Map.of("simloop.replay", shrunk)));
            assertThat(pinned.getCause()).as(method).isInstanceOf(org.opentest4j.AssertionFailedError.class)
                    .hasMessageStartingWith("requests counted (checked in @AfterEach) ==> expected: <2> but was: <1>");
            assertThat(pinned.replayLine()).as(method).isEqualTo(shrunk);
        }
    }

    /** @return the HTML page the report's {@code html report:} line names */
    private static String htmlPage(SimulatedLoopFailure f) {
        String line = f.getMessage().lines().filter(l -> l.startsWith("  html report:  ")).findFirst().orElseThrow();
        try {
            return Files.readString(Path.of(line.substring("  html report:  ".length()).strip()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void eachSchedulesBeforeEachAndAfterEachRunOnOneThread() {
        SimulatedLoopExtensionTest.run(BatchFixtures.ThreadLocalAcrossTheLifecycle.class).testEvents()
                .assertStatistics(s -> s.succeeded(1).failed(0));
        assertThat(BatchFixtures.LOG).isEqualTo(List.of("same", "same", "same", "same"));
    }

    /** Guards that a test whose first schedule's @AfterEach (JUnit's own) aborts still publishes its summary. */
    @Test
    void aTestThatTheFirstSchedulesAfterEachAbortsStillSaysHowItsExplorationWent() {
        EngineExecutionResults r = SimulatedLoopExtensionTest.run(BatchFixtures.AfterEachAssumptionFails.class);
        r.testEvents().assertStatistics(s -> s.aborted(1).failed(0));
        assertThat(SimulatedLoopExtensionTest.reportEntries(r, "simloop")).singleElement().asString()
                .startsWith("passed ");
    }

    /**
     * Guards that the first schedule's @AfterEach (JUnit's, run after the exploration) failing outside
     * failOn is counted as a later schedule's is, not rethrown bare: the test passes, and its summary and
     * results line count all five schedules (the exploration's line is replaced by one that counts it).
     */
    @Test
    void anAfterEachThatFailsOutsideFailOnIsCountedForTheFirstScheduleAsForTheOthers(@TempDir Path dir)
            throws Exception {
        Path results = dir.resolve("results.jsonl");
        EngineExecutionResults r = SimulatedLoopExtensionTest.run(selectClass(BatchFixtures.AfterEachFailsOutsideFailOn.class),
                Map.of(Results.PROPERTY, results.toString()));
        r.testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
        assertThat(SimulatedLoopExtensionTest.reportEntries(r, "simloop")).containsExactly("passed 0 of 5 schedules"
                + " (strategy portfolio, seed 1); 5 schedules failed outside failOn (5 java.lang.IllegalStateException)");
        assertThat(SimulatedLoopExtensionTest.reportEntries(r, "simloop.otherFailures"))
                .containsExactly("5 java.lang.IllegalStateException");
        List<String> lines = Files.readAllLines(results);
        assertThat(lines).hasSize(2);
        assertThat(Json.read(lines.get(0))).asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsEntry("run", 5L).containsEntry("passed", 1L)
                .containsEntry("otherFailures", Map.of("java.lang.IllegalStateException", 4L));
        assertThat(Json.read(lines.get(1))).asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsEntry("run", 5L).containsEntry("passed", 0L).containsEntry("failures", List.of())
                .containsEntry("otherFailures", Map.of("java.lang.IllegalStateException", 5L));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = Results.run(new String[] {"merge", results.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(status).as(out.toString(StandardCharsets.UTF_8)).isZero();
    }

    /**
     * Guards that an @AfterEach that throws after a later schedule failed is not lost: it is attached
     * to that schedule's failure as suppressed.
     */
    @Test
    void anAfterEachThatFailsAfterAFailedLaterScheduleIsSuppressedInItsFailure() {
        SimulatedLoopFailure f = SimulatedLoopExtensionTest.onlySimFailure(
                SimulatedLoopExtensionTest.run(BatchFixtures.AfterEachThrowsAfterAFailedSchedule.class));
        assertThat(f.scheduleIndex()).isEqualTo(2);
        assertThat(f.getCause()).isExactlyInstanceOf(AssertionError.class).hasMessage("schedule 3 fails");
        assertThat(f.getCause().getSuppressed()).singleElement(InstanceOfAssertFactories.THROWABLE)
                .isExactlyInstanceOf(IllegalStateException.class).hasMessage("the @AfterEach of a failed schedule");
    }
}
