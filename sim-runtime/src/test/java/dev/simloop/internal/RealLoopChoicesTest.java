package dev.simloop.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Loop;
import dev.simloop.TaskGroup;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A real loop keeps none of its scheduling choices: nothing replays a real run, and a service that
 * runs for days grew by four bytes per choice until it ran out of heap. A simulation of the same
 * program still keeps every one, for its replay line.
 */
class RealLoopChoicesTest {
    private static final int CHECKPOINTS = 100_000;

    /** Two tasks that checkpoint in turn: every step after the first chooses among two ready tasks. */
    private static Object twoCheckpointers() {
        int[] count = {0};
        TaskGroup.with(g -> {
            for (int t = 0; t < 2; t++) {
                g.spawn(() -> {
                    for (int i = 0; i < CHECKPOINTS; i++) {
                        count[0]++;
                        Loop.checkpoint();
                    }
                });
            }
            return null;
        });
        return count[0];
    }

    @Test
    void aRealLoopKeepsNoChoicesAndASimulationKeepsEvery() {
        Scheduler real = Scheduler.real();
        RunOutcome r = Drivers.call(() -> real.run(RealLoopChoicesTest::twoCheckpointers), caller -> real.requestStop());
        assertThat(r.failure()).isNull();
        assertThat(r.value()).isEqualTo(2 * CHECKPOINTS);
        assertThat(r.choices()).isEmpty();

        Scheduler sim = Scheduler.simulated(FifoPicker.INSTANCE, 1, Long.MAX_VALUE, Duration.ofDays(1));
        RunOutcome s = Drivers.call(() -> sim.run(RealLoopChoicesTest::twoCheckpointers), caller -> sim.requestStop());
        assertThat(s.failure()).isNull();
        assertThat(s.value()).isEqualTo(2 * CHECKPOINTS);
        assertThat(s.choices().length).as("a choice at each step with both tasks ready").isGreaterThanOrEqualTo(2 * CHECKPOINTS - 2);
    }
}
