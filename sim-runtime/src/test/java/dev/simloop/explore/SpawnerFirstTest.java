package dev.simloop.explore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code Strategy.spawnerFirst()}: random, but a task whose step spawned tasks goes on. */
class SpawnerFirstTest {
    /** Main creates five workers, with a checkpoint after each creation (as a thread library would yield). */
    static String createThenRace() {
        List<String> log = new ArrayList<>();
        TaskGroup.with(tg -> {
            for (int i = 0; i < 5; i++) {
                int n = i;
                tg.spawn("w" + n, () -> {
                    log.add("run" + n);
                    Loop.checkpoint();
                    log.add("end" + n);
                });
                log.add("spawned" + n);
                Loop.checkpoint();
            }
            return null;
        });
        return String.join(" ", log);
    }

    private static boolean allSpawnedFirst(String log) {
        return log.startsWith("spawned0 spawned1 spawned2 spawned3 spawned4 ");
    }

    @Test
    void theSpawnerCreatesEveryWorkerBeforeAnyRunsThenTheyRaceAtRandom() {
        List<String> orders = new ArrayList<>();
        for (long seed = 0; seed < 40; seed++) {
            SimResult<String> r = Simulation.builder().seed(seed).strategy(Strategy.spawnerFirst())
                    .run(SpawnerFirstTest::createThenRace);
            assertThat(allSpawnedFirst(r.value())).as("seed %d: %s", seed, r.value()).isTrue();
            orders.add(r.value());
            assertThat(Simulation.builder().replay(r.replayLine()).run(SpawnerFirstTest::createThenRace).traceDigest())
                    .isEqualTo(r.traceDigest());
            assertThat(r.replayLine()).contains(":spawnerfirst:");
        }
        assertThat(orders.stream().distinct().count()).as("the workers then race: several orders").isGreaterThan(5);
        long interleaved = java.util.stream.LongStream.range(0, 40).filter(seed -> !allSpawnedFirst(Simulation.builder()
                .seed(seed).strategy(Strategy.random()).run(SpawnerFirstTest::createThenRace).value())).count();
        assertThat(interleaved).as("under random, workers run while others are still being created").isPositive();
    }

    @Test
    void itIsAPortfolioMemberAndReadsBackFromItsText() {
        assertThat(Strategy.parse("spawnerfirst")).isEqualTo(Strategy.spawnerFirst()).hasToString("spawnerfirst");
        SimResult<String> r = Simulation.builder().seed(4).strategy(Strategy.portfolio()).run(SpawnerFirstTest::createThenRace);
        assertThat(r.replayLine()).contains(":spawnerfirst:");
    }
}
