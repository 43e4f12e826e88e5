package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.sync.Lock;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A strategy behind followed choices (or behind the width recording of a systematic search) is
 * still the whole strategy: it learns of every spawned task and every object a step operates on, so
 * with nothing to follow a run is exactly the strategy's own run, and a strict replay behind the
 * recording still checks that the recording was used up.
 */
class WrappedStrategiesTest {
    /** Four tasks contending for two locks, with checkpoints: PCT's priorities and POS's races both matter. */
    private static String contention() {
        StringBuilder order = new StringBuilder();
        Lock x = new Lock();
        Lock y = new Lock();
        TaskGroup.with(tg -> {
            for (String name : List.of("a", "b", "c", "d")) {
                tg.spawn(name, () -> {
                    for (int i = 0; i < 3; i++) {
                        Lock l = (name.charAt(0) + i) % 2 == 0 ? x : y;
                        l.acquire();
                        order.append(name);
                        Loop.checkpoint();
                        l.release();
                    }
                });
            }
            return null;
        });
        return order.toString();
    }

    @Test
    void withNothingToFollowEachStrategyRunsExactlyAsItsOwn() {
        for (Strategy s : List.of(Strategy.pct(3), Strategy.pos(), Strategy.random())) {
            for (long seed = 0; seed < 8; seed++) {
                SimResult<String> own = Simulation.builder().strategy(s).seed(seed).run(WrappedStrategiesTest::contention);
                SimResult<String> wrapped = Simulation.builder().strategy(s).seed(seed).followChoices(Schedule.of())
                        .run(WrappedStrategiesTest::contention);
                assertThat(wrapped.value()).as("%s seed %d", s, seed).isEqualTo(own.value());
                assertThat(wrapped.traceDigest()).isEqualTo(own.traceDigest());
                SimResult<String> recorded = Simulation.recordingWidths(Simulation.builder().strategy(s).seed(seed))
                        .run(WrappedStrategiesTest::contention);
                assertThat(recorded.traceDigest()).as("%s seed %d, widths recorded", s, seed)
                        .isEqualTo(own.traceDigest());
            }
        }
    }

    @Test
    void theStrategiesDoNotAllAgreeOnThisProgram() {
        // (so the check above compares runs that a picker missing a hook would change)
        java.util.Set<String> outcomes = new java.util.HashSet<>();
        for (Strategy s : List.of(Strategy.pct(3), Strategy.pos())) {
            for (long seed = 0; seed < 8; seed++) {
                outcomes.add(Simulation.builder().strategy(s).seed(seed).run(WrappedStrategiesTest::contention).value());
            }
        }
        assertThat(outcomes).hasSizeGreaterThan(3);
    }

    @Test
    void aStrictReplayBehindTheWidthRecordingStillRejectsUnusedChoices() {
        SimResult<String> r = Simulation.builder().strategy(Strategy.random()).seed(3).run(WrappedStrategiesTest::contention);
        Schedule recorded = Schedule.parse(r.replayLine());
        int[] longer = new int[recorded.size() + 2];
        for (int i = 0; i < recorded.size(); i++) {
            longer[i] = recorded.choices().get(i);
        }
        String line = Schedule.recorded(longer, Strategy.random(), null, 3, recorded.steps(), -1).toString();
        SimResult<String> replayed = Simulation.recordingWidths(Simulation.builder().replay(line))
                .run(WrappedStrategiesTest::contention);
        assertThat(replayed.failure()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageContaining("the run made " + recorded.size() + " choices but the recorded schedule has "
                        + longer.length + ".");
    }
}
