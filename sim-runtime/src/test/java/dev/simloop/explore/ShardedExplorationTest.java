package dev.simloop.explore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Exploration;
import dev.simloop.Loop;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code Exploration.shard(i, n)}: the shards of an exploration together run exactly its schedules,
 * none twice, each with its own index, seed and outcome.
 */
class ShardedExplorationTest {
    /**
     * Three tasks that append their names at checkpoints; the run's order of appends is recorded in
     * {@code runs} (with the run's first random number, which its seed fixes), so a test can see
     * which interleavings ran.
     */
    private static Exploration<String> recording(List<String> runs) {
        return Exploration.of(() -> {
            StringBuilder order = new StringBuilder(Long.toString(Loop.random().nextLong(1000)) + ":");
            TaskGroup.with(tg -> {
                for (String name : new String[] {"a", "b", "c"}) {
                    tg.spawn(name, () -> {
                        for (int i = 0; i < 2; i++) {
                            order.append(name);
                            Loop.checkpoint();
                        }
                    });
                }
                return null;
            });
            String run = order.toString();
            runs.add(run);
            return run;
        }).stopAtFirstFailure(false);
    }

    private static List<String> sorted(List<String> runs) {
        List<String> copy = new ArrayList<>(runs);
        Collections.sort(copy);
        return copy;
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 7})
    void sampledShardsRunExactlyTheUnshardedSchedulesNoneTwice(int count) {
        for (String strategy : new String[] {"random", "pos", "pct(2,20)"}) {
            List<String> whole = new ArrayList<>();
            Exploration.Report<String> all = recording(whole).strategy(Strategy.parse(strategy)).seed(11)
                    .schedules(60).run();
            List<String> union = new ArrayList<>();
            int run = 0;
            for (int i = 0; i < count; i++) {
                List<String> part = new ArrayList<>();
                Exploration.Report<String> r = recording(part).strategy(Strategy.parse(strategy)).seed(11)
                        .schedules(60).shard(i, count).run();
                assertThat(r.schedulesRun()).isEqualTo(part.size()).isEqualTo((60 - i + count - 1) / count);
                assertThat(r.shard()).hasToString((i + 1) + "/" + count);
                union.addAll(part);
                run += r.schedulesRun();
            }
            assertThat(run).isEqualTo(all.schedulesRun()).isEqualTo(60);
            assertThat(sorted(union)).as(strategy).isEqualTo(sorted(whole));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 5})
    void aLearningPctRunsTheSameSchedulesShardedEachShardLearningFromTheSamePrefix(int count) {
        List<String> whole = new ArrayList<>();
        recording(whole).strategy(Strategy.pct(3)).seed(3).schedules(80).run();
        List<String> union = new ArrayList<>();
        int run = 0;
        for (int i = 0; i < count; i++) {
            List<String> part = new ArrayList<>();
            Exploration.Report<String> r = recording(part).strategy(Strategy.pct(3)).seed(3).schedules(80)
                    .shard(i, count).run();
            // every shard runs the 32 learning schedules; it counts only its own
            int own = (80 - i + count - 1) / count;
            int othersLearning = 32 - (32 - i + count - 1) / count;
            assertThat(r.schedulesRun()).isEqualTo(own);
            assertThat(part).hasSize(own + othersLearning);
            run += r.schedulesRun();
            // the schedules this shard owns: every count-th of all of them, from its index on
            for (int k = 0; k < part.size(); k++) {
                int index = k < 32 ? k : 32 + ((k - 32) * count) + Math.floorMod(i - 32, count);
                if (index % count == i) {
                    union.add(part.get(k));
                }
            }
        }
        assertThat(run).isEqualTo(80);
        assertThat(sorted(union)).isEqualTo(sorted(whole));
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 9})
    void aBoundedSearchSplitsBySubtreesWhoseUnionIsTheWholeSearch(int count) {
        List<String> whole = new ArrayList<>();
        Exploration.Report<String> all = recording(whole).exhaustive(2).schedules(100_000).run();
        assertThat(all.exhausted()).isTrue();
        String fifo = whole.get(0);
        List<String> union = new ArrayList<>();
        int run = 0;
        for (int i = 0; i < count; i++) {
            List<String> part = new ArrayList<>();
            Exploration.Report<String> r = recording(part).exhaustive(2).schedules(100_000).shard(i, count).run();
            assertThat(r.exhausted()).isTrue();
            assertThat(part.get(0)).as("every shard runs the FIFO schedule first, to learn its successors").isEqualTo(fifo);
            assertThat(r.schedulesRun()).isEqualTo(i == 0 ? part.size() : part.size() - 1);
            union.addAll(i == 0 ? part : part.subList(1, part.size()));
            run += r.schedulesRun();
        }
        assertThat(run).isEqualTo(all.schedulesRun());
        assertThat(sorted(union)).isEqualTo(sorted(whole));
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4})
    void aFailureFoundInAShardHasTheIndexAndReplayLineItHasUnsharded(int count) {
        Exploration.Report<Integer> all = Exploration.of(() -> ExplorationTest.lostUpdate(2)).seed(5).schedules(500)
                .stopAtFirstFailure(false).run();
        int found = 0;
        for (int i = 0; i < count; i++) {
            Exploration.Report<Integer> r = Exploration.of(() -> ExplorationTest.lostUpdate(2)).seed(5)
                    .schedules(500).shard(i, count).run();
            int index = r.firstFailureIndex();
            assertThat(index % count).isEqualTo(i);
            assertThat(r.firstFailure().orElseThrow().seed()).isEqualTo(5 + index);
            found += r.failingSchedules();
        }
        assertThat(found).isEqualTo(count);
        assertThat(all.failingSchedules()).isGreaterThan(count);
    }
}
