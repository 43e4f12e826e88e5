package dev.simloop.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Loop;
import dev.simloop.Schedule;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import dev.simloop.jqwik.Schedules;
import dev.simloop.jqwik.Simulations;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import dev.simloop.junit.SimulatedLoop;
import dev.simloop.junit.SimulatedLoopFailure;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

class PropertySnippetsTest {

    /** A counter whose increments are atomic because nothing checkpoints between read and write. */
    // snippet:add-all
    static int addAll(List<Integer> amounts) throws Exception {
        int[] total = {0};
        TaskGroup.with(g -> {
            for (int a : amounts) {
                g.spawn(() -> {
                    Loop.checkpoint();
                    total[0] += a;
                    return null;
                });
            }
            return null;
        });
        return total[0];
    }
    // end-snippet

    // snippet:property-over-inputs-and-schedules
    @Property(tries = 200)
    void totalIsTheSum(@ForAll @Size(max = 5) List<@IntRange(max = 100) Integer> amounts,
                       @ForAll Schedule schedule) {
        int expected = amounts.stream().mapToInt(Integer::intValue).sum();
        Simulations.check(schedule, () -> {
            int total = addAll(amounts);
            assertThat(total).isEqualTo(expected);   // inside the run: a failure comes with its replay line
            return total;
        });
    }
    // end-snippet

    // snippet:custom-schedules
    @Provide
    Arbitrary<Schedule> shortSchedules() {
        return Schedules.schedules(16, 3); // at most 16 choices, each in 0..3
    }

    @Property(tries = 100)
    void withKnobsAndAFallbackStrategy(@ForAll("shortSchedules") Schedule schedule) {
        SimResult<Integer> r = Schedules.simulate(schedule, Strategy.random())
                .seed(7)
                .run(() -> addAll(List.of(1, 2, 3)));
        assertThat(r.value()).isEqualTo(6);
    }
    // end-snippet

    // snippet:pin-regression
    @Test
    void pinnedReplay() {
        String line = Simulation.builder().followChoices(Schedule.of(0, 0, 1)).strategy(Strategy.fifo())
                .run(() -> addAll(List.of(1, 2))).replayLine();
        // In a real regression test, paste the line from the failure message instead:
        SimResult<Integer> r = Simulation.builder().replay(line).run(() -> addAll(List.of(1, 2)));
        assertThat(r.replayLine()).isEqualTo(line);
        assertThat(r.value()).isEqualTo(3);
    }
    // end-snippet

    /** The walk-through: the property's shrunk failure, its replay line pasted into a JUnit test, the same failure. */
    @Test
    void aShrunkPropertyFailureBecomesAPinnedSimulatedLoopTest() throws Exception {
        // implicit parameters: junit-platform.properties, which switches jqwik's failure database off
        Throwable found = onlyFailure(EngineTestKit.engine("jqwik").enableImplicitConfigurationParameters(true)
                .selectors(selectClass(Class.forName("dev.simloop.docs.fixtures.DepositsProperty"))).execute());
        assertThat(found).isInstanceOf(Simulations.ScheduleFailure.class);
        Simulations.ScheduleFailure failure = (Simulations.ScheduleFailure) found;
        assertThat(failure.departures()).isEqualTo(1);
        assertThat(new java.io.File(".jqwik-database")).doesNotExist();
        assertThat(failure.getMessage()).isEqualTo("""
                simulation failed with org.opentest4j.AssertionFailedError: [balance]\s
                expected: 150
                 but was: 50
                  shrunk: simloop:1:nonpreemptive:0:7:AAABAQ:ae3f7703 (1 preemption)
                  found:  simloop:1:fifo:0:7:AAABAA:a2bc46d9 (2 preemptions)
                  departures: 1 from FIFO order among the run's choices (what jqwik's shrinking of the generated schedule lowers)
                  replay: Simulation.builder().replay("simloop:1:nonpreemptive:0:7:AAABAQ:ae3f7703").run(program).value() (value() throws the failure again)
                  or pin it as a JUnit test: @Test @SimulatedLoop(replay = "simloop:1:nonpreemptive:0:7:AAABAQ:ae3f7703")""");
        assertThat(failure.chessPreemptions()).isEqualTo(2);
        assertThat(failure.shrunkPreemptions()).hasValue(1);

        Class<?> pinned = Class.forName("dev.simloop.docs.fixtures.PinnedDepositsTest");
        String pasted = pinned.getDeclaredMethod("depositsAddUp").getAnnotation(SimulatedLoop.class).replay();
        assertThat(pasted).as("the line pasted in PinnedDepositsTest and docs/property-testing.md")
                .isEqualTo(failure.shrunkReplayLine().orElseThrow());
        Throwable reproduced = onlyFailure(EngineTestKit.engine("junit-jupiter").selectors(selectClass(pinned)).execute());
        assertThat(reproduced).isInstanceOf(SimulatedLoopFailure.class);
        assertThat(reproduced.getMessage()).contains(pasted);
        // the shrunk schedule loses the other deposit: the same failure but for its numbers
        assertThat(reproduced.getCause()).isInstanceOf(AssertionError.class)
                .hasMessage(failure.getCause().getMessage().replace("but was: 50", "but was: 100"));
        assertThat(dev.simloop.Shrinking.sameWay(reproduced.getCause(), failure.getCause())).isTrue();
    }

    private static Throwable onlyFailure(EngineExecutionResults r) {
        // jqwik reports a property as a container that is also a test, so look at all events
        List<Event> failed = r.allEvents().failed().list();
        assertThat(failed).hasSize(1);
        return failed.getFirst().getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
    }
}
