package dev.simloop.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The successors a run queues, of each cost, against their definition tried candidate by candidate
 * (a change of choice {@code i} to candidate {@code a} costs, under preemption bounding, 1 when a
 * task had just yielded and {@code a} passes it over, else 0; under delay bounding
 * {@code floorMod(a - choice, width)}), on random runs: wide choice points, choices where no task
 * had yielded, tied timers, and recorded choices other than the non-preemptive one.
 */
class CostBoundedSearchSuccessorsTest {
    private static int costOf(CostBoundedSearch.Cost cost, int own, int width, int yielded, int a) {
        return switch (cost) {
            case PREEMPTIONS -> yielded >= 0 && a != yielded ? 1 : 0;
            case DELAYS -> Math.floorMod(a - own, width);
        };
    }

    /** Every change of the run costing {@code extra}, by position, then candidate, tried one by one. */
    private static List<String> byDefinition(CostBoundedSearch.Cost cost, int[] choices, int[] widths, int[] yielded,
            int extra) {
        return byDefinition(cost, choices, widths, yielded, extra, 0);
    }

    /** As above, for a run that followed a prefix of {@code from} choices: only changes after it. */
    private static List<String> byDefinition(CostBoundedSearch.Cost cost, int[] choices, int[] widths, int[] yielded,
            int extra, int from) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < choices.length; i++) {
            for (int a = 0; a < widths[i]; a++) {
                if (a != choices[i] && costOf(cost, choices[i], widths[i], yielded[i], a) == extra) {
                    int[] prefix = Arrays.copyOf(choices, i + 1);
                    prefix[i] = a;
                    out.add(Arrays.toString(prefix));
                }
            }
        }
        return out;
    }

    /** The first run's successors the search hands out, while it can without their runs. */
    private static List<String> handedOut(CostBoundedSearch search) {
        List<String> out = new ArrayList<>();
        for (int[] p; (p = search.take()) != null; ) {
            out.add(Arrays.toString(p));
        }
        return out;
    }

    @Test
    void eachCostsSuccessorsAreThoseItsDefinitionGivesInTheSameOrder() {
        Random random = new Random(3);
        int checked = 0;
        for (int round = 0; round < 3_000; round++) {
            int n = 1 + random.nextInt(12);
            int[] widths = new int[n];
            int[] yielded = new int[n];
            int[] choices = new int[n];
            for (int i = 0; i < n; i++) {
                widths[i] = 1 + random.nextInt(random.nextBoolean() ? 4 : 300);
                int kind = random.nextInt(4);
                yielded[i] = kind == 0 ? -1 : kind == 1 ? WidthRecorder.TIMER_CHOICE : random.nextInt(widths[i]);
                // mostly the non-preemptive choice, as the search's runs make it; sometimes another
                choices[i] = random.nextInt(5) > 0 ? Math.max(yielded[i], 0) : random.nextInt(widths[i]);
            }
            // preemption bounding, bound 0: the free changes alone
            CostBoundedSearch free = new CostBoundedSearch(CostBoundedSearch.Cost.PREEMPTIONS, 0, 0, 1);
            assertThat(free.take()).isEmpty();
            assertThat(free.ran(new int[0], choices, widths, yielded)).isTrue();
            assertThat(handedOut(free)).as("round %d", round)
                    .isEqualTo(byDefinition(CostBoundedSearch.Cost.PREEMPTIONS, choices, widths, yielded, 0));
            // delay bounding, bound 1: the changes of one delay (none costs 0)
            CostBoundedSearch oneDelay = new CostBoundedSearch(CostBoundedSearch.Cost.DELAYS, 1, 0, 1);
            assertThat(oneDelay.take()).isEmpty();
            assertThat(oneDelay.ran(new int[0], choices, widths, yielded)).isTrue();
            assertThat(handedOut(oneDelay)).as("round %d", round)
                    .isEqualTo(byDefinition(CostBoundedSearch.Cost.DELAYS, choices, widths, yielded, 1));
            // the preemptions: after the free changes' runs, which this test does not make, so from a
            // search of bound 1 whose free changes are none (every choice had a yielder)
            int[] allYielded = Arrays.stream(choices).toArray();
            CostBoundedSearch preempting = new CostBoundedSearch(CostBoundedSearch.Cost.PREEMPTIONS, 1, 0, 1);
            preempting.take();
            assertThat(preempting.ran(new int[0], choices, widths, allYielded)).isTrue();
            assertThat(handedOut(preempting)).as("round %d", round)
                    .isEqualTo(byDefinition(CostBoundedSearch.Cost.PREEMPTIONS, choices, widths, allYielded, 1));
            checked++;
        }
        assertThat(checked).isEqualTo(3_000);
    }

    /**
     * A run that followed a prefix queues the changes after the prefix only, and keeps the prefix's
     * choices: a pending run is packed into one array, a byte per value, or an {@code int} per value
     * when some value does not fit in a byte (a width of 300); both layouts, at prefixes of every
     * length, give the same successors as the definition.
     */
    @Test
    void aRunAfterAPrefixQueuesTheChangesAfterItWithThePrefixKept() {
        Random random = new Random(5);
        for (int round = 0; round < 2_000; round++) {
            boolean wide = random.nextBoolean();
            int[][] first = randomRun(random, 2 + random.nextInt(10), wide, new int[0]);
            CostBoundedSearch search = new CostBoundedSearch(CostBoundedSearch.Cost.PREEMPTIONS, 0, 0, 1);
            search.take();
            assertThat(search.ran(new int[0], first[0], first[1], first[2])).isTrue();
            List<String> expected = new ArrayList<>(
                    byDefinition(CostBoundedSearch.Cost.PREEMPTIONS, first[0], first[1], first[2], 0));
            if (expected.isEmpty()) {
                continue;
            }
            int[] prefix = search.take();
            assertThat(Arrays.toString(prefix)).isEqualTo(expected.remove(0));
            int[][] second = randomRun(random, prefix.length + random.nextInt(10), wide, prefix);
            assertThat(search.ran(prefix, second[0], second[1], second[2])).isTrue();
            expected.addAll(byDefinition(CostBoundedSearch.Cost.PREEMPTIONS, second[0], second[1], second[2], 0,
                    prefix.length));
            assertThat(handedOut(search)).as("round %d", round).isEqualTo(expected);
        }
    }

    /**
     * @return a run's choices, widths and continuing candidates (free choice points only, so that
     *     every change is free), starting with {@code prefix}
     */
    private static int[][] randomRun(Random random, int n, boolean wide, int[] prefix) {
        int[] widths = new int[n];
        int[] yielded = new int[n];
        int[] choices = new int[n];
        for (int i = 0; i < n; i++) {
            widths[i] = Math.max(1 + random.nextInt(wide ? 300 : 5), i < prefix.length ? prefix[i] + 1 : 1);
            yielded[i] = random.nextBoolean() ? -1 : WidthRecorder.TIMER_CHOICE;
            choices[i] = i < prefix.length ? prefix[i] : random.nextInt(widths[i]);
        }
        return new int[][] {choices, widths, yielded};
    }
}
