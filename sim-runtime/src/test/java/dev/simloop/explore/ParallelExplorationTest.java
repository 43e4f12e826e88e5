package dev.simloop.explore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simloop.Exploration;
import dev.simloop.LimitExceeded;
import dev.simloop.Loop;
import dev.simloop.Strategy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code Exploration.parallelism(n)}: n driver threads, and the report a single thread would make. */
class ParallelExplorationTest {
    /** What a report says, but for its wall time: what must not depend on the number of threads. */
    private static String essence(Exploration.Report<?> r) {
        return r.stopReason() + " run=" + r.schedulesRun() + " failing=" + r.failingSchedules() + " first="
                + r.firstFailureIndex() + " distinct=" + r.distinctDigests() + " others=" + r.otherFailures()
                + r.firstFailure().map(f -> " line=" + f.replayLine() + " digest=" + f.traceDigest()
                        + " failure=" + f.failure()).orElse("");
    }

    private static Exploration<Integer> lostUpdate(String strategy) {
        return Exploration.of(() -> ExplorationTest.lostUpdate(3)).strategy(Strategy.parse(strategy)).seed(7)
                .schedules(400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "pct(3)", "pos"})
    void theFirstFailureAndEveryCountAreThoseOfOneThreadWhateverTheThreadCount(String strategy) {
        String one = essence(lostUpdate(strategy).run());
        assertThat(one).startsWith("FAILURE_FOUND");
        for (int n : new int[] {2, 3, 8}) {
            for (int repeat = 0; repeat < 5; repeat++) {
                Exploration.Report<Integer> r = lostUpdate(strategy).parallelism(n).run();
                assertThat(essence(r)).as("parallelism %d, repeat %d", n, repeat).isEqualTo(one);
                assertThat(r.parallelism()).isEqualTo(n);
            }
        }
    }

    @Test
    void countingEveryFailureGivesTheSameCountsInParallel() {
        String one = essence(lostUpdate("pct(3)").stopAtFirstFailure(false).run());
        assertThat(one).startsWith("ALL_SCHEDULES_RUN run=400 failing=");
        assertThat(essence(lostUpdate("pct(3)").stopAtFirstFailure(false).parallelism(4).run())).isEqualTo(one);
    }

    @Test
    void aBoundedSearchRunsInParallelAsItsFrontierAllowsAndReportsTheSame() {
        for (boolean stop : new boolean[] {true, false}) {
            String one = essence(Exploration.of(ExplorationTest::depthTwo).exhaustive(2).schedules(100_000)
                    .stopAtFirstFailure(stop).run());
            for (int n : new int[] {2, 4}) {
                assertThat(essence(Exploration.of(ExplorationTest::depthTwo).exhaustive(2).schedules(100_000)
                        .stopAtFirstFailure(stop).parallelism(n).run())).as("parallelism %d", n).isEqualTo(one);
            }
        }
        Exploration.Report<Integer> passing = Exploration.of(() -> ExplorationTest.lostUpdate(0)).exhaustive(3)
                .schedules(100_000).parallelism(3).run();
        assertThat(passing.exhausted()).isTrue();
        assertThat(passing.schedulesRun()).isEqualTo(Exploration.of(() -> ExplorationTest.lostUpdate(0)).exhaustive(3)
                .schedules(100_000).run().schedulesRun());
    }

    @Test
    @Timeout(60)
    void aRunawayScheduleEndsAParallelExplorationAsItsFailureAtItsIndex() {
        // The program runs away (no checkpoint for longer than maxStepWallTime) in the schedules whose
        // first random number is 0 mod 9; the earliest of them is the failure, as with one thread.
        java.util.List<Thread> spun = new java.util.concurrent.CopyOnWriteArrayList<>();
        Exploration.Report<Object> one = runaways(1, spun);
        assertThat(one.stopReason()).isEqualTo(Exploration.StopReason.FAILURE_FOUND);
        assertThat(one.firstFailure().orElseThrow().failure()).isInstanceOf(LimitExceeded.class)
                .hasMessageStartingWith("task 'main' ran for ");
        Exploration.Report<Object> three = runaways(3, spun);
        spun.forEach(ParallelExplorationTest::awaitEnd); // they spin on after the reports: not beside the next test's runs
        assertThat(three.firstFailureIndex()).isEqualTo(one.firstFailureIndex());
        assertThat(three.schedulesRun()).isEqualTo(one.schedulesRun()).isEqualTo(one.firstFailureIndex() + 1);
        assertThat(three.firstFailure().orElseThrow().seed()).isEqualTo(one.firstFailure().orElseThrow().seed());
        assertThat(three.firstFailure().orElseThrow().failure()).isInstanceOf(LimitExceeded.class);
    }

    /**
     * A runaway at schedule index 14 on one worker while the others still hold earlier schedules,
     * slow ones, and a bug at 12 and 13: the others run the schedules before the runaway's, so the
     * bug at 12 is found, as with one thread, and counted with the schedules before it. They used to
     * stop at once, and the report named the runaway (or, with failWhen matching only the bug, no
     * failure at all). The runaway spins until its exploration has reported, and its thread ends
     * before the next one starts; a slow schedule is slow in short offloaded calls, each far inside
     * maxStepWallTime. Before, one 150 ms call had only its own length again to spare, and the
     * runaway spun 1.5 s, well into the next exploration, taking a core from its slow schedules: on a
     * loaded machine a call now and then came back after the 300 ms, and an early schedule failed
     * with LimitExceeded (2 of 100 explorations with two busy threads beside them).
     */
    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    @Timeout(60)
    void aRunawayDoesNotHideAnEarlierFailureWhateverTheWorkers(int threads) {
        java.util.Map<Long, Integer> index = new java.util.HashMap<>();
        for (long s = 0; s < 20; s++) {
            index.put(dev.simloop.Simulation.run(s, () -> Loop.random().nextLong()).value(), (int) s);
        }
        for (boolean onlyTheBug : new boolean[] {false, true}) {
            AtomicBoolean reported = new AtomicBoolean();
            AtomicReference<Thread> runaway = new AtomicReference<>();
            Exploration<Integer> x = Exploration.of(() -> {
                int i = index.getOrDefault(Loop.random().nextLong(), -1);
                if (i < 12) {
                    for (int k = 0; k < 15; k++) { // slow schedules: the workers hold several when 14 runs away
                        Loop.toThread(() -> {
                            Thread.sleep(10);
                            return null;
                        });
                    }
                } else if (i == 12 || i == 13) {
                    throw new AssertionError("bug at " + i);
                } else if (i == 14) {
                    runaway.set(Thread.currentThread());
                    while (!reported.get()) {
                        Thread.onSpinWait(); // no checkpoint: runs away, however long maxStepWallTime takes
                    }
                }
                return i;
            }).strategy(Strategy.random()).seed(0).schedules(40).parallelism(threads)
                    .maxStepWallTime(Duration.ofMillis(300)).shrinkBudget(0, Duration.ZERO);
            if (onlyTheBug) {
                x.failWhen(e -> e instanceof AssertionError);
            }
            Exploration.Report<Integer> r;
            try {
                r = x.run();
            } finally {
                reported.set(true);
            }
            awaitEnd(runaway.get());
            assertThat(r.stopReason()).as("failWhen only the bug: %s", onlyTheBug).isEqualTo(Exploration.StopReason.FAILURE_FOUND);
            assertThat(r.firstFailureIndex()).isEqualTo(12);
            assertThat(r.firstFailure().orElseThrow().failure()).isInstanceOf(AssertionError.class).hasMessage("bug at 12");
            assertThat(r.schedulesRun()).isEqualTo(13);
            assertThat(r.otherFailures()).isEmpty();
        }
    }

    /** Waits for a runaway task's thread (null: none ran) to end, so that it spins beside no later run. */
    private static void awaitEnd(Thread runaway) {
        if (runaway != null) {
            try {
                runaway.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            assertThat(runaway.isAlive()).as("the runaway task ends once let go").isFalse();
        }
    }

    /** @param spun collects the threads of the tasks that ran away, which go on after the report */
    private static Exploration.Report<Object> runaways(int threads, java.util.List<Thread> spun) {
        return Exploration.of(() -> {
            if (Loop.random().nextInt(9) == 0) {
                spun.add(Thread.currentThread());
                long until = System.nanoTime() + Duration.ofMillis(700).toNanos();
                while (System.nanoTime() < until) {
                    Thread.onSpinWait(); // runs away for a while, then lets go, so the driver comes back
                }
            }
            Loop.checkpoint();
            return null;
        }).seed(1).schedules(100).maxStepWallTime(Duration.ofMillis(200)).parallelism(threads).run();
    }

    @Test
    void parallelismBelowOneIsRejectedWithTheFix() {
        assertThatThrownBy(() -> Exploration.of(() -> 1).parallelism(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Exploration.parallelism: must be from 1 to 1024, but was 0; "
                        + "Runtime.getRuntime().availableProcessors() is a good choice");
    }
}
