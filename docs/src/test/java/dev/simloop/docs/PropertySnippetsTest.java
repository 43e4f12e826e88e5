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
import org.junit.jupiter.api.Test;

class PropertySnippetsTest {

    /** A counter whose increments are atomic because nothing checkpoints between read and write. */
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

    // snippet:property-over-inputs-and-schedules
    @Property(tries = 200)
    void totalIsTheSum(@ForAll @Size(max = 5) List<@IntRange(max = 100) Integer> amounts,
                       @ForAll Schedule schedule) {
        int total = Simulations.check(schedule, () -> addAll(amounts));
        assertThat(total).isEqualTo(amounts.stream().mapToInt(Integer::intValue).sum());
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
}
