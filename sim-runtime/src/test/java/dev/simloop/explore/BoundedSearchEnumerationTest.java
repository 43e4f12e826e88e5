package dev.simloop.explore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.BoundedSearch;
import dev.simloop.Exploration;
import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.TaskGroup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bounded searches against an independent enumeration of a small program's whole schedule
 * space: tasks that pass a few checkpoints each and never block, so every interleaving is a merge
 * of their segments. A model of the ready queue (a task that yields joins its back, the one that
 * runs leaves it) gives each merge its preemptions, delays and departures, and a search with bound
 * {@code k} must run exactly the merges within {@code k}, each once, cheapest first, and report
 * them as its counts, in one thread or two, whole or in shards.
 */
class BoundedSearchEnumerationTest {
    /** The interleavings the runs produced, in the order they ran (synchronized: two drivers may add). */
    private static final List<String> SEEN = Collections.synchronizedList(new ArrayList<>());

    /** Tasks a, b, c... with {@code segments[t]} segments each, logging "a0", "a1"... at each. */
    static String segments(int... segments) {
        StringBuilder log = new StringBuilder();
        TaskGroup.with(g -> {
            for (int t = 0; t < segments.length; t++) {
                char name = (char) ('a' + t);
                int n = segments[t];
                g.spawn(String.valueOf(name), () -> {
                    for (int s = 0; s < n; s++) {
                        if (s > 0) {
                            Loop.checkpoint();
                        }
                        log.append(name).append(s);
                    }
                });
            }
            return null;
        });
        String order = log.toString();
        SEEN.add(order);
        return order;
    }

    enum Measure { PREEMPTIONS, DELAYS, DEPARTURES }

    /**
     * Every merge of the tasks' segments with its cost in each measure, by the model: the ready
     * queue starts as the tasks in spawn order; the task at index {@code j} of it runs a segment
     * and leaves the queue, and joins its back again when it has more segments (it yielded).
     */
    static Map<String, int[]> model(int... segments) {
        Map<String, int[]> all = new LinkedHashMap<>();
        List<Integer> queue = new ArrayList<>();
        for (int t = 0; t < segments.length; t++) {
            queue.add(t);
        }
        enumerate(segments, new int[segments.length], queue, -1, "", new int[3], all);
        return all;
    }

    private static void enumerate(int[] segments, int[] done, List<Integer> queue, int yielded, String log, int[] cost,
            Map<String, int[]> out) {
        if (queue.isEmpty()) {
            out.put(log, cost.clone());
            return;
        }
        int width = queue.size();
        int byDefault = yielded >= 0 ? queue.indexOf(yielded) : 0; // the non-preemptive choice
        for (int j = 0; j < width; j++) {
            int t = queue.get(j);
            int[] c = cost.clone();
            if (width > 1) {
                c[Measure.PREEMPTIONS.ordinal()] += yielded >= 0 && t != yielded ? 1 : 0;
                c[Measure.DELAYS.ordinal()] += Math.floorMod(j - byDefault, width);
                c[Measure.DEPARTURES.ordinal()] += j != 0 ? 1 : 0;
            }
            List<Integer> next = new ArrayList<>(queue);
            next.remove(j);
            int[] d = done.clone();
            String step = log + (char) ('a' + t) + d[t]++;
            boolean more = d[t] < segments[t];
            if (more) {
                next.add(t);
            }
            enumerate(segments, d, next, more ? t : -1, step, c, out);
        }
    }

    private static Exploration<String> exploration(Measure m, int bound, int... segments) {
        Exploration<String> e = Exploration.of(() -> segments(segments)).stopAtFirstFailure(false).schedules(100_000);
        return switch (m) {
            case PREEMPTIONS -> e.preemptionBounded(bound);
            case DELAYS -> e.delayBounded(bound);
            case DEPARTURES -> e.exhaustive(bound);
        };
    }

    private static BoundedSearch search(Measure m, int bound) {
        return switch (m) {
            case PREEMPTIONS -> BoundedSearch.preemptions(bound);
            case DELAYS -> BoundedSearch.delays(bound);
            case DEPARTURES -> BoundedSearch.upTo(bound);
        };
    }

    private static final int[][] PROGRAMS = {{2, 2}, {3, 1}, {3, 3}, {2, 2, 2}, {1, 3, 2}, {1, 1, 1}, {2, 1, 1, 2}};

    @Test
    void everySearchRunsExactlyTheModelsSchedulesWithinItsBoundEachOnceCheapestFirst() {
        for (int[] program : PROGRAMS) {
            Map<String, int[]> model = model(program);
            for (Measure m : Measure.values()) {
                int most = model.values().stream().mapToInt(c -> c[m.ordinal()]).max().orElseThrow();
                for (int bound = 0; bound <= most + 1; bound++) {
                    String what = m + " " + bound + " " + java.util.Arrays.toString(program);
                    int k = bound;
                    List<String> expected = model.entrySet().stream().filter(e -> e.getValue()[m.ordinal()] <= k)
                            .map(Map.Entry::getKey).sorted().toList();

                    // driven by hand: each run's own counts, in the order the search runs them
                    SEEN.clear();
                    BoundedSearch s = search(m, bound);
                    List<Integer> costs = new ArrayList<>();
                    while (s.hasNext()) {
                        SimResult<String> r = s.next(0).run(() -> segments(program));
                        s.ran(r);
                        int[] cost = model.get(r.value());
                        assertThat(cost).as(what + ": " + r.value()).isNotNull();
                        if (m == Measure.PREEMPTIONS) {
                            assertThat(r.preemptions()).as(what + ": " + r.value()).isEqualTo(cost[0]);
                        }
                        if (m == Measure.DEPARTURES) {
                            assertThat(dev.simloop.Schedule.recordedBy(r).departures()).as(what + ": " + r.value())
                                    .isEqualTo(cost[2]);
                        }
                        costs.add(cost[m.ordinal()]);
                    }
                    assertThat(s.exhausted()).as(what).isTrue();
                    assertThat(SEEN).as(what + ": each once").doesNotHaveDuplicates();
                    assertThat(SEEN.stream().sorted().toList()).as(what).isEqualTo(expected);
                    assertThat(costs).as(what + ": cheapest first").isSorted();
                    assertThat(s.schedulesRun()).as(what).isEqualTo(expected.size());
                    List<String> byHand = List.copyOf(SEEN);

                    // the exploration: the same schedules in the same order, and counts that say so
                    SEEN.clear();
                    Exploration.Report<String> r = exploration(m, bound, program).run();
                    assertThat(List.copyOf(SEEN)).as(what).isEqualTo(byHand);
                    assertThat(r.exhausted()).as(what).isTrue();
                    assertThat(r.stopReason()).as(what).isEqualTo(Exploration.StopReason.EXHAUSTED);
                    assertThat(r.schedulesRun()).as(what).isEqualTo(expected.size());
                    assertThat(r.distinctDigests()).as(what).isEqualTo(expected.size());
                    assertThat(r.toString()).as(what).startsWith(s + ": " + expected.size() + " schedule")
                            .contains("(" + expected.size() + " distinct), all within the bound, 0 failing");

                    // two drivers: the same schedules
                    SEEN.clear();
                    Exploration.Report<String> two = exploration(m, bound, program).parallelism(2).run();
                    assertThat(SEEN.stream().sorted().toList()).as(what + ", parallelism 2").isEqualTo(expected);
                    assertThat(two.schedulesRun()).isEqualTo(expected.size());
                    assertThat(two.exhausted()).isTrue();
                }
            }
        }
    }

    @Test
    void theShardsOfEveryBoundedSearchRunItsSchedulesOnceBetweenThem() {
        for (int[] program : new int[][] {{2, 2, 2}, {1, 3, 2}, {3, 3}}) {
            for (Measure m : Measure.values()) {
                for (int bound : new int[] {0, 1, 2, 3}) {
                    SEEN.clear();
                    Exploration.Report<String> whole = exploration(m, bound, program).run();
                    List<String> all = SEEN.stream().sorted().toList();
                    for (int count : new int[] {2, 3, 5}) {
                        String what = m + " " + bound + " " + java.util.Arrays.toString(program) + " in " + count;
                        List<String> union = new ArrayList<>();
                        int run = 0;
                        for (int i = 0; i < count; i++) {
                            SEEN.clear();
                            Exploration.Report<String> part = exploration(m, bound, program).shard(i, count).run();
                            assertThat(part.exhausted()).as(what).isTrue();
                            // every shard but the first runs the first schedule uncounted, to learn its successors
                            union.addAll(i == 0 ? SEEN : SEEN.subList(1, SEEN.size()));
                            run += part.schedulesRun();
                            assertThat(part.schedulesRun()).as(what).isEqualTo(i == 0 ? SEEN.size() : SEEN.size() - 1);
                            List<String> alone = SEEN.stream().sorted().toList();
                            SEEN.clear();
                            Exploration.Report<String> inTwo = exploration(m, bound, program).shard(i, count).parallelism(2)
                                    .run();
                            assertThat(SEEN.stream().sorted().toList()).as(what + ", parallelism 2").isEqualTo(alone);
                            assertThat(inTwo.schedulesRun()).as(what + ", parallelism 2").isEqualTo(part.schedulesRun());
                        }
                        assertThat(run).as(what).isEqualTo(whole.schedulesRun());
                        assertThat(union.stream().sorted().toList()).as(what).isEqualTo(all);
                    }
                }
            }
        }
    }
}
