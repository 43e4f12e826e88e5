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
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(Fixtures.UnseededSometimes.class))
                .configurationParameter("simloop.results", "none").execute();
    }

    /** @return the failure's message, or null when the test passed */
    private static String failure(EngineExecutionResults r) {
        TestExecutionResult result = r.testEvents().finished().stream()
                .map(e -> e.getPayload(TestExecutionResult.class).orElseThrow()).findFirst().orElseThrow();
        return result.getThrowable().map(Throwable::getMessage).orElse(null);
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
