package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.sync.Event;
import dev.simloop.sync.Lock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The preemption- and delay-bounded searches against the whole tree of a program's schedules,
 * walked choice by choice (every candidate of every choice point), on programs that block on a
 * lock or an event, sleep to tied timers and spin-wait: a search with bound {@code k} runs exactly
 * the leaves whose own count ({@link SimResult#preemptions()}; delays from what each choice
 * skipped) is at most {@code k}, each once, and no others.
 */
class BoundedSearchBruteForceTest {
    /** Two tasks take a lock around a checkpoint; a third passes two checkpoints. */
    static int lockAndCheckpoints() {
        Lock lock = new Lock("l");
        int[] n = {0};
        TaskGroup.with(g -> {
            for (int t = 0; t < 2; t++) {
                g.spawn(() -> {
                    Loop.checkpoint();
                    lock.acquire();
                    try {
                        int read = n[0];
                        Loop.checkpoint();
                        n[0] = read + 1;
                    } finally {
                        lock.release();
                    }
                });
            }
            g.spawn(() -> {
                Loop.checkpoint();
                Loop.checkpoint();
            });
            return null;
        });
        return n[0];
    }

    /** A consumer waits on an event a producer sets after a checkpoint; a bystander passes one. */
    static int eventHandOff() {
        Event set = new Event();
        int[] value = {0};
        TaskGroup.with(g -> {
            g.spawn(() -> {
                set.await();
                value[0] += 10;
                Loop.checkpoint();
            });
            g.spawn(() -> {
                Loop.checkpoint();
                value[0] = 1;
                set.set();
                Loop.checkpoint();
            });
            g.spawn(() -> Loop.checkpoint());
            return null;
        });
        return value[0];
    }

    /** Two tasks sleep to the same instant (a tie), each with a checkpoint before and after. */
    static int tiedSleeps() {
        return BoundedSearchMemoryTest.tiesAndCheckpoints(3);
    }

    /** A poller spin-waits for a producer of two checkpoints. */
    static int spinner() {
        int[] slot = {0};
        return TaskGroup.with(g -> {
            g.spawn(() -> {
                Loop.checkpoint();
                Loop.checkpoint();
                slot[0] = 7;
            });
            int polls = 0;
            while (slot[0] == 0 && polls++ < 3) {
                Loop.spinWait();
            }
            return slot[0];
        });
    }

    /** A leaf of the tree: a run's choices and its preemptions and delays. */
    private record Leaf(List<Integer> choices, int preemptions, int delays) {
    }

    /** Every leaf of the tree, walked from the FIFO run by changing one choice after its prefix at a time. */
    private static Map<List<Integer>, Leaf> tree(ThrowingSupplier<Integer> program) {
        Map<List<Integer>, Leaf> leaves = new HashMap<>();
        ArrayDeque<int[]> todo = new ArrayDeque<>(List.of(new int[0]));
        while (!todo.isEmpty()) {
            int[] prefix = todo.remove();
            SimResult<Integer> r = Simulation.recordingWidths(Simulation.builder().strategy(Strategy.fifo())
                    .followChoices(Schedule.of(prefix))).maxSteps(1_000).run(program);
            int[] choices = Simulation.choices(r);
            int[] widths = Simulation.widths(r);
            int[] continuing = Simulation.continuing(r);
            int delays = 0;
            for (int i = 0; i < choices.length; i++) {
                delays += Math.floorMod(choices[i] - Math.max(continuing[i], 0), widths[i]);
            }
            List<Integer> key = Arrays.stream(choices).boxed().toList();
            assertThat(leaves.put(key, new Leaf(key, r.preemptions(), delays))).as("each leaf once").isNull();
            for (int i = prefix.length; i < widths.length; i++) {
                for (int a = 1; a < widths[i]; a++) {
                    int[] child = Arrays.copyOf(choices, i + 1);
                    child[i] = a;
                    todo.add(child);
                }
            }
            assertThat(leaves).as("a small tree").hasSizeLessThan(20_000);
        }
        return leaves;
    }

    private static List<List<Integer>> searched(BoundedSearch search, ThrowingSupplier<Integer> program) {
        List<List<Integer>> ran = new ArrayList<>();
        while (search.hasNext()) {
            SimResult<Integer> r = search.next(0).maxSteps(1_000).run(program);
            search.ran(r);
            ran.add(Arrays.stream(Simulation.choices(r)).boxed().toList());
        }
        assertThat(search.exhausted()).isTrue();
        return ran;
    }

    @Test
    void eachBoundRunsExactlyTheLeavesWithinItOnce() {
        Map<String, ThrowingSupplier<Integer>> programs = new java.util.LinkedHashMap<>();
        programs.put("lock", BoundedSearchBruteForceTest::lockAndCheckpoints);
        programs.put("event", BoundedSearchBruteForceTest::eventHandOff);
        programs.put("ties", BoundedSearchBruteForceTest::tiedSleeps);
        programs.put("spin", BoundedSearchBruteForceTest::spinner);
        programs.forEach((name, program) -> {
            Map<List<Integer>, Leaf> tree = tree(program);
            int mostPreemptions = tree.values().stream().mapToInt(Leaf::preemptions).max().orElseThrow();
            int mostDelays = tree.values().stream().mapToInt(Leaf::delays).max().orElseThrow();
            for (int k = 0; k <= mostPreemptions + 1; k++) {
                int bound = k;
                List<List<Integer>> ran = searched(BoundedSearch.preemptions(k), program);
                assertThat(ran).as("%s, %d preemptions", name, k).doesNotHaveDuplicates()
                        .containsExactlyInAnyOrderElementsOf(tree.values().stream().filter(l -> l.preemptions() <= bound)
                                .map(Leaf::choices).toList());
            }
            for (int k = 0; k <= mostDelays + 1; k++) {
                int bound = k;
                List<List<Integer>> ran = searched(BoundedSearch.delays(k), program);
                assertThat(ran).as("%s, %d delays", name, k).doesNotHaveDuplicates()
                        .containsExactlyInAnyOrderElementsOf(tree.values().stream().filter(l -> l.delays() <= bound)
                                .map(Leaf::choices).toList());
            }
            assertThat(tree).as(name).hasSizeGreaterThan(3);
        });
    }
}
