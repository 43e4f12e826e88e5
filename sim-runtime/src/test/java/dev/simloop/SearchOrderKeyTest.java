package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.internal.SearchOrder;
import dev.simloop.sync.Lock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A bounded search's schedules, read off their runs alone ({@link SearchOrder#of}), sort in the
 * order the unsplit search hands them out: the key that lets a merge of shards, each numbering its
 * own subtrees' schedules, name the failure an unsplit search meets first. Checked on whole
 * searches of programs with checkpoints, a lock (choices after a task blocks, free of preemption
 * cost), timer ties and three or four tasks, for each measure and several bounds.
 */
class SearchOrderKeyTest {
    /** Two tasks that read, pass a checkpoint and write (the lost-update kernel's shape), and a third that sleeps. */
    private static int racingAndSleeping() {
        int[] counter = new int[1];
        TaskGroup.with(tg -> {
            for (int t = 0; t < 2; t++) {
                tg.spawn(() -> {
                    int seen = counter[0];
                    Loop.checkpoint();
                    counter[0] = seen + 1;
                    Loop.checkpoint();
                });
            }
            tg.spawn(() -> Loop.sleep(Duration.ofSeconds(1)));
            return null;
        });
        return counter[0];
    }

    /** Three tasks taking one lock around a checkpoint: a task that finds it held blocks. */
    private static int lockedSections() {
        Lock lock = new Lock();
        int[] inside = new int[1];
        TaskGroup.with(tg -> {
            for (int t = 0; t < 3; t++) {
                tg.spawn(() -> {
                    Loop.checkpoint();
                    try (var _ = lock.hold()) {
                        inside[0]++;
                        Loop.checkpoint();
                    }
                });
            }
            return null;
        });
        return inside[0];
    }

    private static BoundedSearch search(SearchOrder.Measure measure, int bound) {
        return switch (measure) {
            case DEPARTURES -> BoundedSearch.upTo(bound);
            case PREEMPTIONS -> BoundedSearch.preemptions(bound);
            case DELAYS -> BoundedSearch.delays(bound);
        };
    }

    /** Runs the whole search: @return each schedule's key, in hand-out order */
    private static List<long[]> keysInOrder(SearchOrder.Measure measure, int bound, ThrowingSupplier<Integer> program) {
        BoundedSearch search = search(measure, bound);
        List<long[]> keys = new ArrayList<>();
        while (search.hasNext()) {
            SimResult<Integer> r = search.next(1).run(program);
            search.ran(r);
            keys.add(SearchOrder.of(measure, r));
        }
        assertThat(search.exhausted()).isTrue();
        return keys;
    }

    @ParameterizedTest
    @EnumSource(SearchOrder.Measure.class)
    void keysReadOffTheRunsSortInTheOrderTheSearchRunsThem(SearchOrder.Measure measure) {
        List<IntFunction<List<long[]>>> searches = List.of(
                bound -> keysInOrder(measure, bound, SearchOrderKeyTest::racingAndSleeping),
                bound -> keysInOrder(measure, bound, SearchOrderKeyTest::lockedSections),
                bound -> keysInOrder(measure, bound, () -> BoundedSearchMemoryTest.tiesAndCheckpoints(4)));
        int compared = 0;
        for (IntFunction<List<long[]>> s : searches) {
            for (int bound = 0; bound <= 3; bound++) {
                List<long[]> keys = s.apply(bound);
                assertThat(keys.get(0)).as("the first schedule, with no change").containsExactly(0, -1);
                for (int i = 1; i < keys.size(); i++) {
                    assertThat(SearchOrder.compare(keys.get(i - 1), keys.get(i))).as("schedule %d after %d: %s then %s",
                            i, i - 1, Arrays.toString(keys.get(i - 1)), Arrays.toString(keys.get(i))).isNegative();
                }
                compared += keys.size();
            }
        }
        assertThat(compared).as("schedules whose keys were compared").isGreaterThan(300);
    }

    @ParameterizedTest
    @EnumSource(SearchOrder.Measure.class)
    void aKeyGivesTheCostsBackToTheFirstScheduleThenTheChangesFromTheFirst(SearchOrder.Measure measure) {
        // a schedule with two changes, at choices 1 and 3, of two-task choice points with no yielder
        int[] choices = {0, 1, 0, 1};
        int[] widths = {2, 2, 2, 2};
        int[] continuing = {-1, -1, -1, -1};
        long[] key = keyOf(measure, choices, widths, continuing);
        long perChange = measure == SearchOrder.Measure.PREEMPTIONS ? 0 : 1; // no task had yielded: no preemption
        assertThat(key).containsExactly(2 * perChange, perChange, 0, -1, 1, 1, 3, 1);
        // passing over the task that had just yielded (candidate 1) is a preemption, and a delay of 1
        continuing = new int[] {-1, -1, -1, 1};
        choices = new int[] {0, 1, 0, 0};
        key = keyOf(measure, choices, widths, continuing);
        if (measure == SearchOrder.Measure.DEPARTURES) {
            assertThat(key).containsExactly(1, 0, -1, 1, 1); // FIFO's 0 at choice 3 is no change
        } else {
            long c2 = 1 + (measure == SearchOrder.Measure.PREEMPTIONS ? 0 : 1);
            assertThat(key).containsExactly(c2, measure == SearchOrder.Measure.PREEMPTIONS ? 0 : 1, 0, -1, 1, 1, 3, 0);
        }
    }

    private static long[] keyOf(SearchOrder.Measure measure, int[] choices, int[] widths, int[] continuing) {
        return SearchOrder.of(measure, choices, widths, continuing);
    }
}
