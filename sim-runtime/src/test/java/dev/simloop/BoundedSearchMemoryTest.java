package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * BoundedSearch keeps one compact record per run instead of a copied choice list per successor:
 * its retained memory stays at a few hundred bytes per schedule, and it hands out the same
 * schedules in the same order as queueing every successor's full copy did.
 */
class BoundedSearchMemoryTest {
    /** {@code tasks} tasks that each pass {@code checkpoints} checkpoints: a choice point at almost every step. */
    static int checkpointing(int tasks, int checkpoints) {
        TaskGroup.with(tg -> {
            for (int t = 0; t < tasks; t++) {
                tg.spawn(() -> {
                    for (int i = 0; i < checkpoints; i++) {
                        Loop.checkpoint();
                    }
                });
            }
            return null;
        });
        return tasks;
    }

    /** Four tasks, two of them sleeping to the same instant (a timer tie), with checkpoints between. */
    static int tiesAndCheckpoints() {
        return tiesAndCheckpoints(4);
    }

    /** {@code tasks} tasks, the first two sleeping to the same instant (a timer tie), with checkpoints between. */
    static int tiesAndCheckpoints(int tasks) {
        TaskGroup.with(tg -> {
            for (int t = 0; t < tasks; t++) {
                int me = t;
                tg.spawn(() -> {
                    Loop.checkpoint();
                    if (me < 2) {
                        Loop.sleep(Duration.ofSeconds(1));
                    }
                    Loop.checkpoint();
                });
            }
            return null;
        });
        return tasks;
    }

    @Test
    void retainedMemoryStaysFlatOnAHundredTaskProgram() {
        BoundedSearch search = BoundedSearch.upTo(2);
        int schedules = 400;
        int choices = 0;
        long peak = 0;
        for (int i = 0; i < schedules; i++) {
            SimResult<Integer> r = search.next(0).run(() -> checkpointing(100, 2));
            search.ran(r);
            choices = Math.max(choices, Simulation.choices(r).length);
            peak = Math.max(peak, search.retainedBytes());
        }
        double perSchedule = peak / (double) schedules;
        System.out.printf(Locale.ROOT, "BoundedSearch, 101 tasks, %d choice points: %d bytes retained after %d schedules"
                + " (%.0f bytes per schedule)%n", choices, search.retainedBytes(), schedules, perSchedule);
        assertThat(search.schedulesRun()).isEqualTo(schedules);
        assertThat(search.hasNext()).isTrue();
        assertThat(choices).as("a choice point at almost every step").isGreaterThan(250);
        // a copied choice list per successor held about 12.5 MB per schedule here
        assertThat(perSchedule).isLessThan(1024);
    }

    /**
     * The preemption- and delay-bounded searches keep every run whose successors are still to come,
     * packed a byte per value: about three bytes per choice point after the run's prefix and one per
     * choice point of the prefix. Three {@code int[]}s per run and a cursor per cost held 185 bytes
     * per schedule of this program (370 MB of heap after 2,000,000 schedules), where the packed runs
     * hold about 75.
     */
    @Test
    void aPreemptionBoundedSearchKeepsAFewBytesPerChoicePointOfAPendingRun() {
        BoundedSearch first = BoundedSearch.preemptions(8);
        SimResult<Integer> fifo = first.next(0).run(() -> checkpointing(3, 8));
        first.ran(fifo);
        int choicePoints = Simulation.choices(fifo).length;
        assertThat(choicePoints).isGreaterThan(15);
        // one run, from the empty prefix: an array of its choices, widths and continuing candidates, a
        // byte each (16 bytes of header, rounded up to 8), 36 bytes of the run's header, fields and
        // queue slot (the run is the cursor of its free changes), and a second cursor, of its
        // preemptions, of 36
        assertThat(first.retainedBytes()).isEqualTo((16 + 3L * choicePoints + 7) / 8 * 8 + 36 + 36);

        for (BoundedSearch search : List.of(BoundedSearch.preemptions(8), BoundedSearch.delays(8))) {
            int schedules = 20_000;
            long peak = 0;
            for (int i = 1; i <= schedules; i++) {
                search.ran(search.next(0).run(() -> checkpointing(3, 8)));
                if (i % 1_000 == 0) { // retainedBytes() walks every pending run
                    peak = Math.max(peak, search.retainedBytes());
                }
            }
            double perSchedule = peak / (double) schedules;
            System.out.printf(Locale.ROOT, "%s, 3 tasks of 8 checkpoints: at most %d bytes retained (sampled) in %d schedules"
                    + " (%.1f bytes per schedule)%n", search, peak, schedules, perSchedule);
            assertThat(search.hasNext()).isTrue();
            // three int[]s per run held 213 bytes per schedule of the heap at 500,000 schedules, 185 at 2,000,000
            assertThat(perSchedule).as("%s", search).isLessThan(110);
        }
    }

    @Test
    void schedulesComeInTheOrderOfQueueingEverySuccessorsCopy() {
        assertSameOrder(BoundedSearchMemoryTest::tiesAndCheckpoints, 3, Integer.MAX_VALUE);
        assertSameOrder(() -> checkpointing(5, 2), 2, Integer.MAX_VALUE);
    }

    @Test
    void widthsAboveAByteKeepTheirOrderToo() {
        // 260 tasks ready at once: the first choice points have more candidates than a byte holds
        ThrowingSupplier<Integer> wide = () -> checkpointing(260, 0);
        int[] widths = Simulation.widths(Simulation.recordingWidths(Simulation.builder().strategy(Strategy.fifo()))
                .run(wide));
        assertThat(Arrays.stream(widths).max().orElseThrow()).isGreaterThan(255);
        assertSameOrder(wide, 1, 300); // past the first choice point's alternatives into the second's
    }

    /** Runs the search and the copying reference side by side; both must run the same choices in the same order. */
    private static void assertSameOrder(ThrowingSupplier<Integer> program, int bound, int limit) {
        BoundedSearch search = BoundedSearch.upTo(bound);
        CopyingSearch reference = new CopyingSearch(bound);
        int runs = 0;
        while (reference.hasNext() && runs < limit) {
            assertThat(search.hasNext()).as("schedule %d", runs).isTrue();
            SimResult<Integer> expected = reference.next(program);
            SimResult<Integer> actual = search.next(0).run(program);
            search.ran(actual);
            assertThat(Simulation.choices(actual)).as("schedule %d", runs).isEqualTo(Simulation.choices(expected));
            runs++;
        }
        if (runs < limit) {
            assertThat(search.hasNext()).isFalse();
            assertThat(search.exhausted()).isTrue();
        }
        assertThat(runs).isGreaterThan(bound == 1 ? 100 : 500);
    }

    /** The search as it was: every successor queued as a full copy of its choices. */
    private static final class CopyingSearch {
        private final int bound;
        private final ArrayDeque<int[]> pending = new ArrayDeque<>(List.of(new int[0]));

        CopyingSearch(int bound) {
            this.bound = bound;
        }

        boolean hasNext() {
            return !pending.isEmpty();
        }

        SimResult<Integer> next(ThrowingSupplier<Integer> program) {
            int[] prefix = pending.remove();
            SimResult<Integer> r = Simulation.recordingWidths(Simulation.builder().strategy(Strategy.fifo())
                    .followChoices(Schedule.of(prefix))).run(program);
            int[] choices = Simulation.choices(r);
            int[] widths = Simulation.widths(r);
            if (Schedule.departures(prefix) < bound) {
                List<int[]> successors = new ArrayList<>();
                for (int i = prefix.length; i < widths.length; i++) {
                    for (int alternative = 1; alternative < widths[i]; alternative++) {
                        int[] successor = Arrays.copyOf(choices, i + 1);
                        successor[i] = alternative;
                        successors.add(successor);
                    }
                }
                pending.addAll(successors);
            }
            return r;
        }
    }
}
