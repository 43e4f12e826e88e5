package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.sync.Event;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A program that keeps its tasks in a {@code HashSet} and cancels them in the set's order runs the
 * same way in every JVM: a task hashes by its spawn order, not by its identity hash. Before, the
 * order of the cancels, and with it the order in which the tasks became ready, followed identity
 * hashes, so a replay line did not replay in another JVM (or under {@code -XX:hashCode=2}), and
 * {@code checkDeterminism} failed the run ("in the first run task 'task-6' ran at this step, in this
 * run task 'task-2' did").
 */
class TasksInHashSetsTest {
    private static List<Integer> cancelInHashSetOrder() {
        return cancelInHashSetOrder(8);
    }

    /**
     * Spawns {@code count} waiting tasks into a HashSet, cancels them in the set's order (also a
     * program of {@link DigestsMain}'s battery, run in child JVMs with other identity hashes).
     *
     * @return the order the tasks ended in
     */
    static List<Integer> cancelInHashSetOrder(int count) {
        List<Integer> ended = new ArrayList<>();
        TaskGroup.with(g -> {
            Set<Task<?>> tasks = new HashSet<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                tasks.add(g.spawn(() -> {
                    try {
                        new Event().await();
                    } finally {
                        ended.add(n);
                    }
                }));
            }
            Loop.checkpoint();
            for (Task<?> t : tasks) {
                t.cancel();
            }
            return null;
        });
        return ended;
    }

    @Test
    void aHashSetOfTasksIteratesInSpawnOrder() {
        SimResult<List<Integer>> r = Simulation.builder().strategy(Strategy.fifo())
                .run(TasksInHashSetsTest::cancelInHashSetOrder);
        assertThat(r.value()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    }

    @Test
    void everySeedRunsTheSameWayTwice() {
        for (long seed = 0; seed < 10; seed++) {
            SimResult<List<Integer>> r = Simulation.builder().seed(seed).strategy(Strategy.random())
                    .checkDeterminism(true).run(TasksInHashSetsTest::cancelInHashSetOrder);
            assertThat(r.failed()).as("seed %d: %s", seed, r.failure()).isFalse();
            assertThat(r.value()).as("seed %d", seed).hasSize(8);
        }
    }

    @Test
    void equalityStaysIdentity() {
        Simulation.run(1, () -> TaskGroup.with(g -> {
            Task<?> a = g.spawn(() -> 1);
            Task<?> b = g.spawn(() -> 2);
            assertThat(a).isEqualTo(a).isNotEqualTo(b);
            assertThat(a.hashCode()).isNotEqualTo(b.hashCode());
            return null;
        })).value();
    }
}
