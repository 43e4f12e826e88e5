package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code Simulation.builder().followChoices(s)}: the run takes the schedule's choices first (each
 * modulo the candidates it has), then the builder's strategy decides every later choice, seeded as
 * usual. Checked exactly: the recorded choices of the run are the prefix, then what the strategy's
 * own generator draws for each later choice's candidates.
 */
class FollowChoicesTest {
    /** Three tasks, each passing checkpoints, so nearly every step is a choice among several. */
    private static String threeTasks() {
        StringBuilder order = new StringBuilder();
        TaskGroup.with(tg -> {
            for (String name : List.of("a", "b", "c")) {
                tg.spawn(name, () -> {
                    for (int i = 0; i < 4; i++) {
                        order.append(name);
                        Loop.checkpoint();
                    }
                });
            }
            return null;
        });
        return order.toString();
    }

    private static SimResult<String> run(Simulation.Builder b) {
        return Simulation.recordingWidths(b).run(FollowChoicesTest::threeTasks);
    }

    private static List<Integer> choices(SimResult<?> r) {
        List<Integer> out = new ArrayList<>();
        for (int c : Simulation.choices(r)) {
            out.add(c);
        }
        return out;
    }

    @Test
    void afterTheFollowedChoicesTheSeededStrategyDecidesTheRest() {
        for (long seed = 0; seed < 10; seed++) {
            SimResult<String> r = run(Simulation.builder().strategy(Strategy.random()).seed(seed)
                    .followChoices(Schedule.of(2, 1)));
            assertThat(r.failure()).isNull();
            int[] widths = Simulation.widths(r);
            List<Integer> choices = choices(r);
            assertThat(choices).hasSizeGreaterThan(5).hasSize(widths.length);
            assertThat(choices.subList(0, 2)).as("the followed prefix").containsExactly(2, 1);
            // the random strategy's generator, seeded with the run's seed, draws only the later choices
            SplittableRandom rng = new SplittableRandom(seed);
            List<Integer> expected = new ArrayList<>(List.of(2, 1));
            for (int k = 2; k < widths.length; k++) {
                expected.add(rng.nextInt(widths[k]));
            }
            assertThat(choices).as("seed %d", seed).isEqualTo(expected);
        }
    }

    @Test
    void theRestIsNotSimplyTheProductionOrder() {
        // (the check above could pass with a generator that always draws 0 only if every seed did)
        boolean anyNonZero = false;
        for (long seed = 0; seed < 10 && !anyNonZero; seed++) {
            List<Integer> choices = choices(run(Simulation.builder().strategy(Strategy.random()).seed(seed)
                    .followChoices(Schedule.of(0))));
            anyNonZero = choices.subList(1, choices.size()).stream().anyMatch(c -> c != 0);
        }
        assertThat(anyNonZero).isTrue();
    }

    @Test
    void underFifoTheRestIsTheProductionOrder() {
        SimResult<String> r = run(Simulation.builder().strategy(Strategy.fifo()).followChoices(Schedule.of(2)));
        List<Integer> choices = choices(r);
        assertThat(choices.get(0)).isEqualTo(2);
        assertThat(choices.subList(1, choices.size())).containsOnly(0);
        // c first (choice 2 of a, b, c), then round-robin from where FIFO stands: a, b, c
        assertThat(r.value()).isEqualTo("cabcabcabcab");
    }

    @Test
    void aFollowedChoiceBeyondTheCandidatesIsTakenModuloTheirNumber() {
        SimResult<String> r = run(Simulation.builder().strategy(Strategy.fifo()).followChoices(Schedule.of(5, 4)));
        int[] widths = Simulation.widths(r);
        assertThat(widths[0]).isEqualTo(3);
        assertThat(choices(r).subList(0, 2)).containsExactly(5 % 3, 4 % widths[1]);
        assertThat(r.failure()).isNull();
    }

    @Test
    void aFollowedScheduleLongerThanTheRunIsNotAnError() {
        int[] many = new int[500];
        SimResult<String> r = run(Simulation.builder().strategy(Strategy.fifo()).followChoices(Schedule.of(many)));
        assertThat(r.failure()).isNull();
        assertThat(r.value()).isEqualTo("abcabcabcabc");
        assertThat(choices(r)).hasSizeLessThan(many.length);
    }

    @Test
    void tiedTimerChoicesAreFollowedToo() {
        // a sleep that ends exactly at its scope's deadline: option 1 fires the wake-up first
        ThrowingSupplier<String> tie = () -> CancelScope.moveOnAfter(Duration.ofSeconds(1), () -> {
            Loop.sleep(Duration.ofSeconds(1));
            return "completed";
        }).orElse("timed out");
        assertThat(Simulation.builder().strategy(Strategy.fifo()).followChoices(Schedule.of(1)).run(tie).value())
                .isEqualTo("completed");
        assertThat(Simulation.builder().strategy(Strategy.fifo()).followChoices(Schedule.of(0)).run(tie).value())
                .isEqualTo("timed out");
        // beyond the two options: modulo, so 3 is option 1
        assertThat(Simulation.builder().strategy(Strategy.fifo()).followChoices(Schedule.of(3)).run(tie).value())
                .isEqualTo("completed");
    }
}
