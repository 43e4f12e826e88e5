package dev.simloop.jqwik;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.simloop.SimResult;
import dev.simloop.Simulation;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;

/** A check's failure, with its replay line, when an {@code @AfterTry} throws after it. */
class AfterTryThrowsTest {
    private static Throwable reported(Class<?> fixture) {
        var failed = EngineTestKit.engine("jqwik").selectors(selectClass(fixture))
                .configurationParameter("jqwik.database", "").execute().testEvents().failed().stream()
                .findFirst().orElseThrow(() -> new AssertionError("fixture did not fail"));
        return failed.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
    }

    /**
     * jqwik reports what the {@code @AfterTry} threw and drops the body's failure: the check's
     * failure is added to it, suppressed, validated and shrunk like one jqwik reports. Before, it was
     * lost, and with it the only line that repeats the run.
     */
    @Test
    void aCheckFailureIsKeptWhenAnAfterTryThrows() {
        Throwable t = reported(AfterTryThrowsFixture.ExceptionAfterTry.class);
        assertThat(t).isInstanceOf(IllegalStateException.class).hasMessage("after try: counter is 1");
        assertValidatedAndReplays(t);
    }

    /**
     * The reruns that replay the check run the {@code @AfterTry} too, whose assertion fails again once
     * the replayed check has recorded its run: that is not the replay's outcome. Before, the
     * {@code AssertionError} (an {@code Error}, where an exception was passed over) counted as a
     * replay that could not run: no line was validated or shrunk ("not a pin").
     */
    @Test
    void anAfterTryAssertionAfterTheReplayedCheckDoesNotSpoilTheReplay() {
        Throwable t = reported(AfterTryThrowsFixture.AssertionAfterTry.class);
        assertThat(t).isExactlyInstanceOf(AssertionError.class).hasMessage("after try: counter is 1");
        assertValidatedAndReplays(t);
    }

    private static void assertValidatedAndReplays(Throwable t) {
        Simulations.ScheduleFailure f = Arrays.stream(t.getSuppressed())
                .filter(Simulations.ScheduleFailure.class::isInstance).map(Simulations.ScheduleFailure.class::cast)
                .findFirst().orElseThrow(() -> new AssertionError("no ScheduleFailure suppressed in " + t));
        assertThat(f.getCause()).hasMessage("counter expected 2 but was 1");
        assertThat(f.getMessage()).doesNotContain("not a pin").contains("\n  replay: Simulation.builder().replay(\"");
        assertThat(f.shrunkPreemptions()).hasValue(1);
        String line = f.shrunkReplayLine().orElseThrow();
        SimResult<Integer> again = Simulation.builder().replay(line).run(() -> AfterTryThrowsFixture.increments(new int[1]));
        assertThat(again.failure()).isInstanceOf(AssertionError.class).hasMessage("counter expected 2 but was 1");
    }
}
