package dev.simloop.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.simloop.junit.fixtures.Fixtures;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * A re-run in the same JVM of an unseeded test that failed in a simulated run (surefire's
 * {@code rerunFailingTestsCount}, a retry plugin) replays the failing schedule first: a fresh seed
 * does not turn a replayable failure into a flake.
 */
class RerunTest {
    private static final String NOTE = "re-run of a failed test: replaying the failure first";

    @AfterEach
    void reset() {
        Fixtures.UnseededSometimes.failing = true;
        Fixtures.UnseededSometimes.otherwise = false;
        Fixtures.UnseededSometimes.namesAnObject = false;
    }

    /** A re-run whose replay fails another way is no repeat of the failure: it explores as usual. */
    @Test
    void aReRunWhoseReplayFailsAnotherWayExploresAsUsual() {
        String first = null;
        for (int i = 0; i < 200 && first == null; i++) {
            first = failure(execute());
        }
        assertThat(first).isNotNull().contains("AssertionFailedError");
        Fixtures.UnseededSometimes.otherwise = true;

        EngineExecutionResults rerun = execute();
        assertThat(rerunEntries(rerun)).singleElement().asString().startsWith(NOTE);
        String after = failure(rerun); // a fresh seed: passes, or fails the other way, never as a re-run
        if (after != null) {
            assertThat(after).doesNotContain(NOTE).contains("another failure");
        }
    }

    private static EngineExecutionResults execute() {
        return execute(Fixtures.UnseededSometimes.class);
    }

    private static EngineExecutionResults execute(Class<?> fixture) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture))
                .configurationParameter("simloop.results", "none").execute();
    }

    /**
     * A failure that an @AfterEach found after a run that passed is replayed first by a re-run too, and
     * fails it with the report: the first schedule's, found by JUnit's own @AfterEach (a re-run explored
     * with a fresh seed, and passed: a flake), and a later schedule's (a re-run failed with the bare
     * exception of its replay's @AfterEach, with no report and no line).
     */
    @Test
    void aReRunAfterAFailureThatAnAfterEachFoundReplaysItFirstAndFailsAgain() {
        for (boolean firstSchedule : new boolean[] {true, false}) {
            String first = null;
            for (int i = 0; i < 200 && first == null; i++) {
                SimulatedLoopExtension.forgetFailuresForRerun();
                first = failure(execute(Fixtures.UnseededAfterEachSometimes.class));
                if (first != null && lineOf(first, "schedule").contains(" 1 of 8") != firstSchedule) {
                    first = null; // the other kind: look again
                }
            }
            assertThat(first).as("first schedule %s: no unseeded run failed so", firstSchedule).isNotNull()
                    .startsWith("simloop: ").contains("(checked in @AfterEach)").doesNotContain(NOTE);

            for (int retry = 0; retry < 2; retry++) {
                Throwable thrown = thrown(execute(Fixtures.UnseededAfterEachSometimes.class));
                String again = thrown == null ? null : thrown.getMessage();
                assertThat(again).as("re-run %d, first schedule %s", retry, firstSchedule).isNotNull()
                        .startsWith("simloop: ").contains("re-run:").contains(NOTE);
                // JUnit's own @AfterEach ran on its instance, which never ran the test (its seed 0): no failure of its own
                assertThat(thrown.getSuppressed()).extracting(Throwable::getMessage).as("suppressed")
                        .noneMatch(m -> m.startsWith("seed 0 "));
                assertThat(lineOf(again, "seed")).isEqualTo(lineOf(first, "seed"));
                assertThat(lineOf(again, "failure")).isEqualTo(lineOf(first, "failure"));
            }
        }
        SimulatedLoopExtension.forgetFailuresForRerun();
    }

    /**
     * A re-run replays the line the first run's report suggested: the shrunk one when shrinking found
     * one, so the re-run's report (the one a retrying build shows) suggests the same short line, where
     * it replayed and suggested the longer line the exploration found.
     */
    @Test
    void aReRunReplaysAndSuggestsTheShrunkLine() {
        String first = null;
        for (int i = 0; i < 50 && first == null; i++) { // most unseeded runs find a line that shrinks
            SimulatedLoopExtension.forgetFailuresForRerun();
            first = failure(execute(Fixtures.UnseededLostUpdate.class));
            if (first != null && first.lines().noneMatch(l -> l.startsWith("  shrunk:"))) {
                first = null;
            }
        }
        assertThat(first).as("no unseeded run found a failure that shrank").isNotNull();
        String shrunk = lineOf(first, "shrunk").strip().replaceFirst("^shrunk:\\s+", "").replaceFirst(" \\(.*$", "");

        String again = failure(execute(Fixtures.UnseededLostUpdate.class));
        assertThat(again).isNotNull().contains(NOTE);
        assertThat(lineOf(again, "replay").strip()).startsWith("replay:       " + shrunk + " (");
        assertThat(lineOf(again, "annotation")).isEqualTo(lineOf(first, "annotation"));
        SimulatedLoopExtension.forgetFailuresForRerun();
    }

    /** @return the failure's message, or null when the test passed */
    private static String failure(EngineExecutionResults r) {
        Throwable t = thrown(r);
        return t == null ? null : t.getMessage();
    }

    /** @return what failed the test, or null when it passed */
    private static Throwable thrown(EngineExecutionResults r) {
        TestExecutionResult result = r.testEvents().finished().stream()
                .map(e -> e.getPayload(TestExecutionResult.class).orElseThrow()).findFirst().orElseThrow();
        return result.getThrowable().orElse(null);
    }

    private static List<String> rerunEntries(EngineExecutionResults r) {
        return r.allEvents().reportingEntryPublished().stream()
                .map(e -> e.getPayload(ReportEntry.class).orElseThrow().getKeyValuePairs().get("simloop.rerun"))
                .filter(Objects::nonNull).toList();
    }

    private static String lineOf(String report, String label) {
        return report.lines().filter(l -> l.strip().startsWith(label + ":")).findFirst().orElseThrow();
    }

    @Test
    void aReRunAfterASimulatedFailureReplaysItFirstAndFailsAgain() {
        String first = null;
        for (int i = 0; i < 200 && first == null; i++) { // one unseeded run in four fails
            first = failure(execute());
        }
        assertThat(first).as("no unseeded run failed").isNotNull().doesNotContain(NOTE);

        for (int retry = 0; retry < 3; retry++) { // each retry replays the failure, and fails the same way
            String again = failure(execute());
            assertThat(again).as("re-run %d passed: the failure became a flake", retry).isNotNull()
                    .contains("re-run:").contains(NOTE);
            assertThat(lineOf(again, "seed")).isEqualTo(lineOf(first, "seed"));
            assertThat(lineOf(again, "failure")).isEqualTo(lineOf(first, "failure"));
        }
    }

    /**
     * A failure whose message names an object by its identity hash code ({@code Object@55ee6bec},
     * different in every run) is the same failure when its replay fails with another hash. Before, the
     * re-run said its replay "failed otherwise" and explored with a fresh seed, as if the failure
     * depended on more than the schedule.
     */
    @Test
    void aReRunOfAFailureWhoseMessageNamesAnObjectReplaysItAndFailsAgain() {
        SimulatedLoopExtension.forgetFailuresForRerun(); // no other test's failure is replayed first
        Fixtures.UnseededSometimes.namesAnObject = true;
        String first = null;
        for (int i = 0; i < 200 && first == null; i++) {
            first = failure(execute());
        }
        assertThat(first).as("no unseeded run failed").isNotNull().contains(" of java.lang.Object@");

        String again = failure(execute());
        assertThat(again).as("the re-run did not fail by replaying the failure").isNotNull().contains("re-run:")
                .contains(NOTE);
        assertThat(lineOf(again, "seed")).isEqualTo(lineOf(first, "seed"));
    }

    @Test
    void aReRunWhoseReplayPassesSaysSoAndExploresAsUsual() {
        String first = null;
        for (int i = 0; i < 200 && first == null; i++) {
            first = failure(execute());
        }
        assertThat(first).isNotNull();
        Fixtures.UnseededSometimes.failing = false; // the failure depended on more than the schedule

        EngineExecutionResults rerun = execute();
        assertThat(failure(rerun)).isNull();
        assertThat(rerunEntries(rerun)).singleElement().asString().startsWith(NOTE);

        EngineExecutionResults next = execute(); // it passed: the next run is no re-run
        assertThat(failure(next)).isNull();
        assertThat(rerunEntries(next)).isEmpty();
    }
}
