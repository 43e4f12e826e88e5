package dev.simloop.jqwik;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import dev.simloop.SimResult;
import dev.simloop.Simulation;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * simloop's replays of a failed check (the one that validates its line, and shrinking's) run as
 * tries of their own, with the try's {@code @BeforeTry} and {@code @AfterTry}: a property whose
 * state is the try's gets lines that replay on fresh state. Before, the replays ran on the state
 * the last try left (a closed account: "not a pin" for a line that does replay; a spent balance: a
 * "shrunk" line that passes on fresh state).
 */
class ReplaysRunInFreshTriesTest {

    @Test
    void theLinesOfAPropertyWithTryStateReplayOnFreshState() {
        Simulations.ScheduleFailure f = runFixture("stateResetBeforeEachTry");
        assertThat(f.getMessage()).doesNotContain("not a pin").contains("  replay: Simulation.builder().replay(\"");
        assertThat(f.getSuppressed()).as("no replay went wrong").isEmpty();
        // both lines fail the same way on a fresh account, as a pinned test would run them
        for (String line : java.util.List.of(f.replayLine(), f.shrunkReplayLine().orElse(f.replayLine()))) {
            SimResult<Integer> again = Simulation.builder().replay(line)
                    .run(() -> TryLifecycleFixture.deposits(new TryLifecycleFixture.Account()));
            assertThat(again.failure()).as(line).isInstanceOf(AssertionError.class)
                    .hasMessage("balance expected 150 but was 125");
        }
        assertThat(f.shrunkPreemptions().orElse(f.chessPreemptions())).as("a lost update needs a preemption")
                .isPositive();
    }

    private static Simulations.ScheduleFailure runFixture(String property) {
        var events = EngineTestKit.engine("jqwik").selectors(selectMethod(TryLifecycleFixture.class, property,
                        "dev.simloop.Schedule"))
                .configurationParameter("jqwik.database", "").execute().testEvents();
        Event failed = events.failed().stream().findFirst().orElseThrow(() -> new AssertionError("fixture did not fail"));
        Throwable t = failed.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
        while (t != null && !(t instanceof Simulations.ScheduleFailure)) {
            t = t.getCause();
        }
        assertThat(t).as("a ScheduleFailure in the reported failure").isNotNull();
        return (Simulations.ScheduleFailure) t;
    }
}
