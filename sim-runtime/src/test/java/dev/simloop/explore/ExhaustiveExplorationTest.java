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
import dev.simloop.sync.Lock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Exploration.exhaustive: every schedule within a preemption bound, fewest preemptions first. */
class ExhaustiveExplorationTest {

    /** Two tasks increment a counter with a checkpoint between read and write; FIFO passes. */
    static int lostUpdate() {
        int[] shared = {0};
        TaskGroup.with(g -> {
            for (int t = 0; t < 2; t++) {
                int delay = t;
                g.spawn(() -> {
                    for (int i = 0; i < delay; i++) {
                        Loop.checkpoint();
                    }
                    int read = shared[0];
                    Loop.checkpoint();
                    shared[0] = read + 1;
                });
            }
            return null;
        });
        if (shared[0] != 2) {
            throw new AssertionError("lost update: counter is " + shared[0]);
        }
        return shared[0];
    }

    /** Four tasks log a letter each; the bug needs d before c before b before a: three preemptions. */
    static String threePreemptions() {
        List<String> log = new ArrayList<>();
        TaskGroup.with(g -> {
            for (String s : List.of("a", "b", "c", "d")) {
                g.spawn(() -> {
                    Loop.checkpoint();
                    log.add(s);
                });
            }
            return null;
        });
        String order = String.join("", log);
        if (order.indexOf('d') < order.indexOf('c') && order.indexOf('c') < order.indexOf('b')
                && order.indexOf('b') < order.indexOf('a')) {
            throw new AssertionError("reversed: " + order);
        }
        return order;
    }

    /** The lost update with the increment under a lock: correct in every schedule. */
    static int lockedCounter() {
        int[] shared = {0};
        Lock lock = new Lock("counter");
        TaskGroup.with(g -> {
            for (int t = 0; t < 2; t++) {
                g.spawn(() -> {
                    lock.acquire();
                    try {
                        int read = shared[0];
                        Loop.checkpoint();
                        shared[0] = read + 1;
                    } finally {
                        lock.release();
                    }
                });
            }
            return null;
        });
        return shared[0];
    }

    @Test
    void findsTheLostUpdateWithOnePreemptionAfterTheFifoSchedulePasses() {
        Exploration.Report<Integer> r = Exploration.of(ExhaustiveExplorationTest::lostUpdate).exhaustive(2).run();
        assertThat(r.firstFailureIndex()).as("schedule 0 is FIFO, which passes").isPositive();
        SimResult<Integer> failing = r.firstFailure().orElseThrow();
        assertThat(failing.failure()).hasMessageContaining("lost update");
        Schedule s = Schedule.parse(failing.replayLine());
        assertThat(s.strategy()).isEqualTo("fifo");
        assertThat(s.departures()).isEqualTo(1);
        assertThat(r.exhausted()).as("it stopped at the failure").isFalse();
        assertThat(Simulation.builder().replay(failing.replayLine()).run(ExhaustiveExplorationTest::lostUpdate)
                .failure()).hasMessage(failing.failure().getMessage());
    }

    @Test
    void aBugNeedingThreePreemptionsIsOutOfReachOfTwoAndFoundWithExactlyThree() {
        Exploration.Report<String> two = Exploration.of(ExhaustiveExplorationTest::threePreemptions).exhaustive(2)
                .schedules(100_000).run();
        assertThat(two.failingSchedules()).isZero();
        assertThat(two.exhausted()).isTrue();
        assertThat(two.toString()).startsWith("exhaustive(2): " + two.schedulesRun() + " schedules")
                .contains("all within the bound");
        Exploration.Report<String> three = Exploration.of(ExhaustiveExplorationTest::threePreemptions).exhaustive(3)
                .schedules(100_000).run();
        assertThat(three.firstFailureIndex()).isGreaterThanOrEqualTo(two.schedulesRun());
        assertThat(Schedule.parse(three.firstFailure().orElseThrow().replayLine()).departures()).isEqualTo(3);
    }

    @Test
    void aCorrectProgramIsShownCorrectWithinTheBound() {
        Exploration.Report<Integer> r = Exploration.of(ExhaustiveExplorationTest::lockedCounter).exhaustive(3)
                .schedules(100_000).run();
        assertThat(r.failingSchedules()).isZero();
        assertThat(r.exhausted()).isTrue();
        assertThat(r.distinctDigests()).as("every schedule is a different interleaving").isEqualTo(r.schedulesRun());
    }

    @Test
    void theSearchRunsEachScheduleWithinTheBoundExactlyOnce() {
        // brute force over the inputs instead: every choice list of 16 choices below 5 with at most
        // two non-zero, followed leniently; the runs whose recorded schedule has at most two
        // preemptions are all the schedules within the bound (no run of this program has more
        // than 16 choice points or more than 5 candidates)
        Set<String> bruteForce = new HashSet<>();
        bruteForce.add(Simulation.builder().strategy(Strategy.fifo()).run(ExhaustiveExplorationTest::threePreemptions)
                .traceDigest());
        int length = 16;
        for (int i = -1; i < length; i++) {
            for (int j = i + 1; j < length; j++) {
                for (int a = i < 0 ? 0 : 1; a < (i < 0 ? 1 : 5); a++) {
                    for (int b = 1; b < 5; b++) {
                        int[] choices = new int[length];
                        if (i >= 0) {
                            choices[i] = a;
                        }
                        choices[j] = b;
                        SimResult<String> r = Simulation.builder().followChoices(Schedule.of(choices)).strategy(Strategy.fifo())
                                .run(ExhaustiveExplorationTest::threePreemptions);
                        Schedule recorded = Schedule.parse(r.replayLine());
                        assertThat(recorded.size()).isLessThanOrEqualTo(length);
                        if (recorded.departures() <= 2) {
                            bruteForce.add(r.traceDigest());
                        }
                    }
                }
            }
        }
        Exploration.Report<String> r = Exploration.of(ExhaustiveExplorationTest::threePreemptions).exhaustive(2)
                .schedules(100_000).run();
        assertThat(r.exhausted()).isTrue();
        assertThat(bruteForce).hasSize(146); // the figure docs/exploring.md quotes
        assertThat(r.schedulesRun()).isEqualTo(r.distinctDigests()).isEqualTo(bruteForce.size());
    }

    @Test
    void timerTiesAreBranchedOnToo() {
        // a worker answering at the instant of its caller's timeout: only a tie choice decides it
        Exploration.Report<String> r = Exploration.of(() -> {
            dev.simloop.sync.Event answered = new dev.simloop.sync.Event();
            return TaskGroup.with(tg -> {
                tg.spawn("worker", () -> {
                    Loop.sleep(Duration.ofSeconds(1));
                    answered.set();
                });
                String outcome = dev.simloop.CancelScope.moveOnAfter(Duration.ofSeconds(1), () -> {
                    answered.await();
                    return "answered";
                }).orElse("timed out");
                if (outcome.equals("answered")) {
                    throw new AssertionError("the worker beat the deadline");
                }
                return outcome;
            });
        }).exhaustive(2).run();
        assertThat(r.firstFailure()).isPresent();
        assertThat(Schedule.parse(r.firstFailure().orElseThrow().replayLine()).choices()).containsExactly(1, 1);
    }

    @Test
    void theScheduleCapEndsTheSearchUnexhausted() {
        Exploration.Report<String> r = Exploration.of(ExhaustiveExplorationTest::threePreemptions).exhaustive(3)
                .schedules(5).run();
        assertThat(r.schedulesRun()).isEqualTo(5);
        assertThat(r.exhausted()).isFalse();
    }

    @Test
    void choosingAStrategyAfterwardsSamplesAgainAndABadBoundIsRejected() {
        Exploration.Report<Integer> r = Exploration.of(ExhaustiveExplorationTest::lockedCounter).exhaustive(1)
                .strategy(Strategy.random()).schedules(10).run();
        assertThat(r.exhausted()).isFalse();
        assertThat(r.schedulesRun()).isEqualTo(10);
        assertThat(r.toString()).startsWith("random: 10 schedules");
        assertThatThrownBy(() -> Exploration.of(() -> 1).exhaustive(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Exploration.exhaustive: maxDepartures must not be negative, but was -1");
    }

    @Test
    void aSearchDrivenByHandRunsTheSameSchedulesAndNamesItsMisuse() {
        BoundedSearch search = BoundedSearch.upTo(2);
        int failing = 0;
        while (search.hasNext()) {
            SimResult<Integer> r = search.next(7).run(ExhaustiveExplorationTest::lostUpdate);
            search.ran(r);
            failing += r.failed() ? 1 : 0;
        }
        assertThat(search.exhausted()).isTrue();
        Exploration.Report<Integer> same = Exploration.of(ExhaustiveExplorationTest::lostUpdate).exhaustive(2)
                .stopAtFirstFailure(false).run();
        assertThat(search.schedulesRun()).isEqualTo(same.schedulesRun());
        assertThat(failing).isEqualTo(same.failingSchedules());

        assertThatThrownBy(() -> search.next(0)).isInstanceOf(java.util.NoSuchElementException.class)
                .hasMessage("BoundedSearch.next: every schedule within 2 departures has run");
        BoundedSearch fresh = BoundedSearch.upTo(1);
        assertThatThrownBy(() -> fresh.ran(Simulation.run(1, () -> 1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no schedule is outstanding");
        fresh.next(0);
        assertThatThrownBy(() -> fresh.next(0)).isInstanceOf(IllegalStateException.class)
                .hasMessage("BoundedSearch.next: no schedule is known until the results of the 1 handed out come back "
                        + "(their successors come from them): pass each result to ran() first, in the order next() "
                        + "handed them out");
        SimResult<Integer> unrelated = Simulation.run(1, ExhaustiveExplorationTest::lostUpdate);
        assertThatThrownBy(() -> fresh.ran(unrelated)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the result is not from the builder next() returned");
        assertThatThrownBy(() -> BoundedSearch.upTo(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("BoundedSearch.upTo: maxDepartures must not be negative, but was -1");
    }

    /**
     * A bounded search whose program does not repeat its runs (state kept between runs: its first
     * run has a third task, the later ones do not) cannot go on, and says so in the exploration's
     * terms: which search, which schedule and its line, and why. Before, it threw BoundedSearch's
     * misuse error, which names a call the exploration's user never made and tells them to "run
     * that builder and pass its result".
     */
    @Test
    void aSearchWhoseProgramDoesNotRepeatItsRunsSaysSoInTheExplorationsTerms() {
        for (int kind = 0; kind < 3; kind++) {
            for (int parallelism : new int[] {1, 2}) {
                int[] runs = {0};
                Exploration<Integer> x = Exploration.of(() -> {
                    int tasks;
                    synchronized (runs) {
                        tasks = runs[0]++ == 0 ? 3 : 2;
                    }
                    TaskGroup.with(g -> {
                        for (int t = 0; t < tasks; t++) {
                            g.spawn(() -> {
                                Loop.checkpoint();
                                Loop.checkpoint();
                            });
                        }
                        return null;
                    });
                    return tasks;
                }).parallelism(parallelism);
                String search = switch (kind) {
                    case 0 -> { x.exhaustive(2); yield "exhaustive(2)"; }
                    case 1 -> { x.preemptionBounded(2); yield "preemptionBounded(2)"; }
                    default -> { x.delayBounded(2); yield "delayBounded(2)"; }
                };
                assertThatThrownBy(x::run).as("%s, parallelism %d", search, parallelism)
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageStartingWith("Exploration." + search + ": schedule index ")
                        .hasMessageContaining(" did not repeat the earlier run whose choices it followed (replay simloop:1:")
                        .hasMessageEndingWith("): the program keeps state between runs (statics, files) or depends on"
                                + " something else outside the simulation, so the search cannot go on; build the program's"
                                + " state inside main (exploring.md, \"Is the run deterministic?\")");
            }
        }
    }

    /**
     * A run that fails for want of heap stops a bounded search with an {@code OutOfMemoryError} that
     * says the search holds the heap and how to cap it, the run's own as its cause (here the program
     * throws one in every schedule that starts its second task first), after the same schedules on
     * one thread or two. Before, a run cut short by the heap was refused as a program that "keeps
     * state between runs", and one cut short after its prefix was taken, dropping the successors the
     * rest of the run had.
     */
    @Test
    void aRunThatRanOutOfHeapStopsABoundedSearchSayingWhatHoldsTheHeap() {
        OutOfMemoryError heap = new OutOfMemoryError("Java heap space");
        for (int kind = 0; kind < 3; kind++) {
            Set<String> messages = new HashSet<>();
            for (int parallelism : new int[] {1, 2}) {
                Exploration<Integer> x = Exploration.of(() -> {
                    int[] first = {-1};
                    TaskGroup.with(g -> {
                        for (int t = 0; t < 2; t++) {
                            int me = t;
                            g.spawn(() -> {
                                if (first[0] < 0) {
                                    first[0] = me;
                                }
                                Loop.checkpoint();
                                if (first[0] == 1) {
                                    throw heap;
                                }
                                Loop.checkpoint();
                            });
                        }
                        return null;
                    });
                    return 2;
                }).parallelism(parallelism);
                String search = switch (kind) {
                    case 0 -> { x.exhaustive(2); yield "exhaustive(2)"; }
                    case 1 -> { x.preemptionBounded(2); yield "preemptionBounded(2)"; }
                    default -> { x.delayBounded(2); yield "delayBounded(2)"; }
                };
                Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(x::run);
                assertThat(thrown).as("%s, parallelism %d", search, parallelism).isInstanceOf(OutOfMemoryError.class)
                        .hasMessageStartingWith(search + ": a run ran out of heap after ")
                        .hasMessageEndingWith(" schedules, so the search cannot go on: it keeps every run whose"
                                + " successors are still to come; cap its schedules (Exploration.schedules(n),"
                                + " @SimulatedLoop(schedules = n), -Dsimloop.schedules), search a smaller bound, or give"
                                + " the JVM more heap (-Xmx); exploring.md, \"Preemption and delay bounding\", says what"
                                + " a search keeps")
                        .rootCause().isSameAs(heap);
                messages.add(thrown.getMessage());
            }
            assertThat(messages).as("the same schedule stops it on one thread and on two").hasSize(1);
            assertThat(messages.iterator().next()).doesNotContain("after 0 schedules");
        }
    }
}
