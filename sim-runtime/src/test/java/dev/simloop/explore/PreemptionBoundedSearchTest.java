package dev.simloop.explore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simloop.BoundedSearch;
import dev.simloop.Exploration;
import dev.simloop.Loop;
import dev.simloop.Schedule;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Preemptions as CHESS counts them, and the preemption- and delay-bounded searches: which schedules
 * each bound covers (against hand counts), and that a bug needing one preemption is found with
 * bound 1 and shown absent with bound 0.
 */
class PreemptionBoundedSearchTest {
    /** The interleavings seen, in order, by the runs of one search (they run one after the other). */
    private static final Set<String> SEEN = new LinkedHashSet<>();

    /** Tasks a and b log their name, pass one checkpoint, and log it again in capitals. */
    static String twoTasksOneCheckpointEach() {
        List<String> log = new ArrayList<>();
        TaskGroup.with(g -> {
            for (String name : List.of("a", "b")) {
                g.spawn(() -> {
                    log.add(name);
                    Loop.checkpoint();
                    log.add(name.toUpperCase(java.util.Locale.ROOT));
                });
            }
            return null;
        });
        String order = String.join("", log);
        SEEN.add(order);
        return order;
    }

    /**
     * SCTBench's reorder_3 in small: a setter writes {@code a = 1} and then {@code b = -1}, with a
     * checkpoint between (a preemption point); a checker reads both at once and expects both writes
     * or neither. It fails only when the setter is preempted between its writes: one preemption.
     */
    static String reorder() {
        int[] ab = {0, 0};
        TaskGroup.with(g -> {
            g.spawn(() -> {
                ab[0] = 1;
                Loop.checkpoint();
                ab[1] = -1;
            });
            g.spawn(() -> {
                int a = ab[0];
                int b = ab[1];
                if (!((a == 0 && b == 0) || (a == 1 && b == -1))) {
                    throw new AssertionError("checker saw a = " + a + ", b = " + b);
                }
            });
            return null;
        });
        return "ok";
    }

    @Test
    void fifoPreemptsAtEveryCheckpointWhereAnotherTaskIsReadyAndNonPreemptiveNever() {
        SimResult<String> fifo = Simulation.builder().strategy(Strategy.fifo())
                .run(PreemptionBoundedSearchTest::twoTasksOneCheckpointEach);
        // a yields with b ready: FIFO runs b (1); b yields with a ready: FIFO runs a (2); a ends: b is free
        assertThat(fifo.value()).isEqualTo("abAB");
        assertThat(fifo.preemptions()).isEqualTo(2);
        Schedule recorded = Schedule.recordedBy(fifo);
        assertThat(recorded.preemptions()).isEqualTo(2);
        assertThat(recorded.departures()).as("FIFO order never departs from itself").isZero();
        assertThat(Schedule.parse(fifo.replayLine()).preemptions()).as("a line does not say").isEqualTo(-1);

        SimResult<String> none = Simulation.builder().strategy(Strategy.nonPreemptive())
                .run(PreemptionBoundedSearchTest::twoTasksOneCheckpointEach);
        assertThat(none.value()).isEqualTo("aAbB");
        assertThat(none.preemptions()).isZero();
        assertThat(none.replayLine()).startsWith("simloop:1:nonpreemptive:0:");
    }

    @Test
    void preemptionBoundsCoverTheHandCountedInterleavings() {
        // Two tasks of two segments each: an interleaving of r blocks has r - 2 preemptions (the
        // switch into the last block follows the other task's end). r = 2: aAbB, bBaA; r = 3:
        // abBA, baAB; r = 4: abAB, baBA. So bounds 0, 1, 2 cover 2, 4, 6 schedules, and 3 no more.
        assertThat(searched(Exploration.of(PreemptionBoundedSearchTest::twoTasksOneCheckpointEach)
                .preemptionBounded(0))).containsExactly("aAbB", "bBaA");
        assertThat(searched(Exploration.of(PreemptionBoundedSearchTest::twoTasksOneCheckpointEach)
                .preemptionBounded(1))).containsExactly("aAbB", "bBaA", "abBA", "baAB");
        assertThat(searched(Exploration.of(PreemptionBoundedSearchTest::twoTasksOneCheckpointEach)
                .preemptionBounded(2))).containsExactlyInAnyOrder("aAbB", "bBaA", "abBA", "baAB", "abAB", "baBA");
        assertThat(searched(Exploration.of(PreemptionBoundedSearchTest::twoTasksOneCheckpointEach)
                .preemptionBounded(3))).hasSize(6);
    }

    @Test
    void delayBoundsCoverTheHandCountedInterleavings() {
        // With two tasks every change costs one delay. 0: aAbB, the non-preemptive schedule; 1: b
        // first (bBaA), or a delayed at its checkpoint (abBA); 2: each of those delayed once more
        // (baAB, abAB); 3: baBA.
        assertThat(searched(Exploration.of(PreemptionBoundedSearchTest::twoTasksOneCheckpointEach)
                .delayBounded(0))).containsExactly("aAbB");
        assertThat(searched(Exploration.of(PreemptionBoundedSearchTest::twoTasksOneCheckpointEach)
                .delayBounded(1))).containsExactlyInAnyOrder("aAbB", "bBaA", "abBA");
        assertThat(searched(Exploration.of(PreemptionBoundedSearchTest::twoTasksOneCheckpointEach)
                .delayBounded(2))).containsExactlyInAnyOrder("aAbB", "bBaA", "abBA", "baAB", "abAB");
        assertThat(searched(Exploration.of(PreemptionBoundedSearchTest::twoTasksOneCheckpointEach)
                .delayBounded(3))).containsExactlyInAnyOrder("aAbB", "bBaA", "abBA", "baAB", "abAB", "baBA");
    }

    /** Runs the whole search and returns the interleavings it ran, checking it ran each once and was exhausted. */
    private static List<String> searched(Exploration<String> e) {
        SEEN.clear();
        Exploration.Report<String> r = e.stopAtFirstFailure(false).run();
        assertThat(r.exhausted()).isTrue();
        assertThat(r.toString()).contains("all within the bound").contains("the search is exhausted");
        assertThat(r.schedulesRun()).as("each schedule once").isEqualTo(SEEN.size());
        return List.copyOf(SEEN);
    }

    @Test
    void reorderNeedsExactlyOnePreemption() {
        Exploration.Report<String> zero = Exploration.of(PreemptionBoundedSearchTest::reorder).preemptionBounded(0).run();
        assertThat(zero.failingSchedules()).isZero();
        assertThat(zero.exhausted()).as("no schedule without preemptions fails").isTrue();
        assertThat(zero.toString()).startsWith("preemptionBounded(0): 2 schedules");

        Exploration.Report<String> one = Exploration.of(PreemptionBoundedSearchTest::reorder).preemptionBounded(1).run();
        SimResult<String> failing = one.firstFailure().orElseThrow();
        assertThat(failing.failure()).isInstanceOf(AssertionError.class).hasMessage("checker saw a = 1, b = 0");
        assertThat(failing.preemptions()).isEqualTo(1);
        assertThat(one.firstFailureIndex()).as("after the two schedules without preemptions").isEqualTo(2);
        assertThat(one.exhausted()).isFalse();
        assertThat(Schedule.parse(failing.replayLine()).strategy()).isEqualTo("nonpreemptive");
        SimResult<String> replayed = Simulation.builder().replay(failing.replayLine()).run(PreemptionBoundedSearchTest::reorder);
        assertThat(replayed.failure()).hasMessage("checker saw a = 1, b = 0");
        assertThat(replayed.preemptions()).isEqualTo(1);
    }

    /** Fails the same way in the schedule without preemptions (aAbB) and in abBA, which has one. */
    static String failsInTwoOrders() {
        String order = twoTasksOneCheckpointEach();
        if (order.equals("aAbB") || order.equals("abBA")) {
            throw new AssertionError("bad order");
        }
        return order;
    }

    /**
     * A shard runs only its subtrees, cheapest first: a schedule with fewer preemptions that fails
     * the same way may be another shard's. So a shard's failure is shrunk like any other, where the
     * unsplit search's is the fewest already. Before, shard 2/2 reported abBA as "1 preemption, the
     * fewest", with aAbB (none) failing the same way in shard 1/2.
     */
    @Test
    void aShardsFailureIsShrunkSinceAnotherShardMayHoldOneWithFewerPreemptions() {
        Exploration.Report<String> part = Exploration.of(PreemptionBoundedSearchTest::failsInTwoOrders)
                .preemptionBounded(2).shard(1, 2).run();
        assertThat(part.firstFailure().orElseThrow().preemptions()).isEqualTo(1);
        SimResult<String> shrunk = part.shrunkFailure().orElseThrow();
        assertThat(shrunk.preemptions()).isZero();
        assertThat(shrunk.failure()).isInstanceOf(AssertionError.class).hasMessage("bad order");
        SimResult<String> replayed = Simulation.builder().replay(shrunk.replayLine())
                .run(PreemptionBoundedSearchTest::failsInTwoOrders);
        assertThat(replayed.failure()).isInstanceOf(AssertionError.class).hasMessage("bad order");
        assertThat(replayed.preemptions()).isZero();
        assertThat(part.toString()).contains("; shrunk to 0 preemptions: replay ").contains("; as found, 1 preemption;")
                .doesNotContain("the fewest");

        Exploration.Report<String> whole = Exploration.of(PreemptionBoundedSearchTest::failsInTwoOrders)
                .preemptionBounded(2).run();
        assertThat(whole.firstFailureIndex()).isZero();
        assertThat(whole.toString()).contains("; 0 preemptions, the fewest, as the search tries fewer preemptions first;");
    }

    @Test
    void reorderIsFoundWithOneDelayToo() {
        assertThat(Exploration.of(PreemptionBoundedSearchTest::reorder).delayBounded(0).run().exhausted()).isTrue();
        Exploration.Report<String> one = Exploration.of(PreemptionBoundedSearchTest::reorder).delayBounded(1).run();
        assertThat(one.firstFailure().orElseThrow().failure()).hasMessage("checker saw a = 1, b = 0");
        assertThat(one.toString()).startsWith("delayBounded(1): ");
    }

    @Test
    void theBoundedSearchesDriveRunsLikeTheDeparturesSearch() {
        BoundedSearch search = BoundedSearch.preemptions(1);
        List<String> orders = new ArrayList<>();
        while (search.hasNext()) {
            SimResult<String> r = search.next(0).run(PreemptionBoundedSearchTest::twoTasksOneCheckpointEach);
            search.ran(r);
            orders.add(r.value());
            assertThat(r.preemptions()).isLessThanOrEqualTo(1);
        }
        assertThat(orders).containsExactly("aAbB", "bBaA", "abBA", "baAB");
        assertThat(search.exhausted()).isTrue();
        assertThat(search.schedulesRun()).isEqualTo(4);
        assertThat(search).hasToString("preemptionBounded(1)");
        assertThatThrownBy(() -> search.next(0)).isInstanceOf(java.util.NoSuchElementException.class)
                .hasMessage("BoundedSearch.next: every schedule within 1 preemption has run");
        assertThat(BoundedSearch.delays(2)).hasToString("delayBounded(2)");
    }

    @Test
    void negativeBoundsAreRefusedNamingTheCall() {
        Exploration<String> e = Exploration.of(PreemptionBoundedSearchTest::reorder);
        assertThatThrownBy(() -> e.preemptionBounded(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Exploration.preemptionBounded: maxPreemptions must not be negative, but was -1");
        assertThatThrownBy(() -> e.delayBounded(-2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Exploration.delayBounded: maxDelays must not be negative, but was -2");
        assertThatThrownBy(() -> BoundedSearch.preemptions(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("BoundedSearch.preemptions: maxPreemptions must not be negative, but was -1");
        assertThatThrownBy(() -> BoundedSearch.delays(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("BoundedSearch.delays: maxDelays must not be negative, but was -1");
    }

    /**
     * A poller that waits with {@code Loop.spinWait()} leaves no task to go on: the bounded searches'
     * schedule without preemptions runs the task it waits for next, and a switch away from it is no
     * preemption. Before, that schedule polled forever: schedule 0 of both searches ended in
     * LimitExceeded.
     */
    @Test
    void aPollerThatSpinWaitsLetsTheTaskItWaitsForRunInEverySchedule() {
        dev.simloop.ThrowingSupplier<Integer> poll = () -> {
            int[] slot = {0};
            return TaskGroup.with(tg -> {
                tg.spawn("producer", () -> {
                    for (int i = 0; i < 5; i++) {
                        Loop.checkpoint();
                    }
                    slot[0] = 42;
                });
                while (slot[0] == 0) {
                    Loop.spinWait();
                }
                return slot[0];
            });
        };
        for (String search : List.of("preemptionBounded", "delayBounded")) {
            Exploration<Integer> e = Exploration.of(poll).maxSteps(10_000).stopAtFirstFailure(false);
            Exploration.Report<Integer> r = (search.equals("preemptionBounded") ? e.preemptionBounded(2)
                    : e.delayBounded(2)).run();
            assertThat(r.failingSchedules()).as("%s: %s", search, r.otherFailures()).isZero();
            assertThat(r.otherFailures()).as(search).isEmpty();
            assertThat(r.exhausted()).as(search).isTrue();
        }
        SimResult<Integer> alone = Simulation.builder().strategy(Strategy.nonPreemptive()).maxSteps(10_000).run(poll);
        assertThat(alone.value()).isEqualTo(42);
        assertThat(alone.preemptions()).isZero();
        // and a race of the poller with the producer's steps is one preemption away
        Exploration.Report<Integer> race = Exploration.of(PctSpinWaitTest::pollsAnIntermediateValue).maxSteps(10_000)
                .preemptionBounded(1).run();
        assertThat(race.firstFailure()).isPresent();
        assertThat(race.firstFailure().get().failure()).hasMessage("saw the intermediate value");
        assertThat(race.firstFailure().get().preemptions()).isEqualTo(1);
    }
}
