package dev.simloop.explore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simloop.Exploration;
import dev.simloop.Exploration.StopReason;
import dev.simloop.Loop;
import dev.simloop.Simulation;
import dev.simloop.TaskGroup;
import dev.simloop.ThrowingSupplier;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Why an exploration stops: failures (and which count), the schedule count, the search's end, the clock, interrupts. */
class ExplorationStopTest {
    /** Three tasks passing checkpoints, and a real sleep of {@code sleepMillis} first: a run takes at least that long. */
    static int slowButCorrect(long sleepMillis) {
        Loop.toThread(() -> {
            Thread.sleep(sleepMillis);
            return null;
        });
        int[] done = {0};
        TaskGroup.with(tg -> {
            for (int t = 0; t < 3; t++) {
                tg.spawn(() -> {
                    Loop.checkpoint();
                    Loop.checkpoint();
                    done[0]++;
                });
            }
            return null;
        });
        return done[0];
    }

    /**
     * Fails by seed (through {@link Loop#random()}): an IllegalStateException or an
     * UnsupportedOperationException in one run of five each, the AssertionError searched for in one
     * of ten, else passes.
     */
    static int failsThreeWays() {
        Loop.checkpoint();
        return switch (Loop.random().nextInt(10)) {
            case 1, 2 -> throw new IllegalStateException("the test's database was down");
            case 3, 4 -> throw new UnsupportedOperationException("not yet");
            case 9 -> throw new AssertionError("the bug");
            default -> 0;
        };
    }

    @Test
    void eachNormalEndHasItsStopReason() {
        Exploration.Report<Integer> failed = Exploration.of(() -> ExplorationTest.lostUpdate(1)).seed(100)
                .schedules(500).run();
        assertThat(failed.stopReason()).isEqualTo(StopReason.FAILURE_FOUND);
        assertThat(failed.toString()).contains("; stopped at the first failure; first failure at schedule index "
                + failed.firstFailureIndex());

        Exploration.Report<Integer> all = Exploration.of(() -> ExplorationTest.lostUpdate(1)).seed(100)
                .schedules(500).stopAtFirstFailure(false).run();
        assertThat(all.stopReason()).isEqualTo(StopReason.ALL_SCHEDULES_RUN);
        assertThat(all.schedulesRun()).isEqualTo(500);
        assertThat(all.failingSchedules()).isGreaterThan(1);
        assertThat(all.toString()).contains("schedules/s; ran all the schedules asked for; first failure at");

        Exploration.Report<Integer> exhausted = Exploration.of(ExhaustiveExplorationTest::lockedCounter).exhaustive(2)
                .run();
        assertThat(exhausted.stopReason()).isEqualTo(StopReason.EXHAUSTED);
        assertThat(exhausted.exhausted()).isTrue();
        assertThat(exhausted.toString()).endsWith("schedules/s; the search is exhausted");

        Exploration.Report<Integer> capped = Exploration.of(ExhaustiveExplorationTest::lockedCounter).exhaustive(3)
                .schedules(5).run();
        assertThat(capped.stopReason()).isEqualTo(StopReason.ALL_SCHEDULES_RUN);
        assertThat(capped.exhausted()).isFalse();
        assertThat(capped.schedulesRun()).isEqualTo(5);

        Exploration.Report<Integer> searchFailed = Exploration.of(ExhaustiveExplorationTest::lostUpdate).exhaustive(2)
                .run();
        assertThat(searchFailed.stopReason()).isEqualTo(StopReason.FAILURE_FOUND);
        assertThat(searchFailed.exhausted()).isFalse();
    }

    @Test
    void failWhenSkipsOtherFailuresAndCountsThemByType() {
        // what each schedule does on its own: the seeds up to the first AssertionError
        Map<String, Integer> expectedOthers = new LinkedHashMap<>();
        int firstBug = -1;
        for (int i = 0; firstBug < 0; i++) {
            Throwable f = Simulation.run(i, ExplorationStopTest::failsThreeWays).failure();
            if (f instanceof AssertionError) {
                firstBug = i;
            } else if (f != null) {
                expectedOthers.merge(f.getClass().getName(), 1, Integer::sum);
            }
        }
        assertThat(expectedOthers).as("other failures come first at these seeds").containsKeys(
                IllegalStateException.class.getName(), UnsupportedOperationException.class.getName());

        Exploration.Report<Integer> r = Exploration.of(ExplorationStopTest::failsThreeWays).schedules(1_000)
                .failWhen(e -> e instanceof AssertionError).run();
        assertThat(r.stopReason()).isEqualTo(StopReason.FAILURE_FOUND);
        assertThat(r.firstFailureIndex()).isEqualTo(firstBug);
        assertThat(r.firstFailure().orElseThrow().failure()).isInstanceOf(AssertionError.class).hasMessage("the bug");
        assertThat(r.failingSchedules()).isEqualTo(1);
        assertThat(r.schedulesRun()).isEqualTo(firstBug + 1);
        assertThat(r.otherFailures()).isEqualTo(expectedOthers);
        // sorted by name, and read-only
        assertThat(r.otherFailures().keySet()).containsExactly(IllegalStateException.class.getName(),
                UnsupportedOperationException.class.getName());
        assertThatThrownBy(() -> r.otherFailures().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(r.toString()).contains("1 failing (other failures: "
                + expectedOthers.get(IllegalStateException.class.getName()) + " java.lang.IllegalStateException, "
                + expectedOthers.get(UnsupportedOperationException.class.getName())
                + " java.lang.UnsupportedOperationException)");
    }

    @Test
    void failWhenCountsOnlyMatchingFailuresAsFailingWhenRunningThemAll() {
        int bugs = 0;
        int others = 0;
        for (int i = 0; i < 300; i++) {
            Throwable f = Simulation.run(i, ExplorationStopTest::failsThreeWays).failure();
            bugs += f instanceof AssertionError ? 1 : 0;
            others += f != null && !(f instanceof AssertionError) ? 1 : 0;
        }
        Exploration.Report<Integer> r = Exploration.of(ExplorationStopTest::failsThreeWays).schedules(300)
                .stopAtFirstFailure(false).failWhen(e -> e instanceof AssertionError).run();
        assertThat(r.stopReason()).isEqualTo(StopReason.ALL_SCHEDULES_RUN);
        assertThat(r.failingSchedules()).isEqualTo(bugs).isPositive();
        assertThat(r.otherFailures().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(others)
                .isPositive();

        // without failWhen, every failure is a failure and nothing is "other"
        Exploration.Report<Integer> every = Exploration.of(ExplorationStopTest::failsThreeWays).schedules(300)
                .stopAtFirstFailure(false).run();
        assertThat(every.failingSchedules()).isEqualTo(bugs + others);
        assertThat(every.otherFailures()).isEmpty();
        assertThat(every.toString()).doesNotContain("other failures");
    }

    @Test
    void aTimeLimitStopsTheExplorationBetweenSchedules() {
        // every run sleeps 5 ms for real, so 200 ms hold at most 40 of them before the limit is seen
        Exploration.Report<Integer> r = Exploration.of(() -> slowButCorrect(5)).schedules(3_000)
                .timeLimit(Duration.ofMillis(200)).run();
        assertThat(r.stopReason()).isEqualTo(StopReason.TIME_LIMIT);
        assertThat(r.schedulesRun()).isBetween(1, 41);
        assertThat(r.wallTime()).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(r.failingSchedules()).isZero();
        assertThat(r.toString()).endsWith("schedules/s; stopped by the time limit of PT0.2S");

        Exploration.Report<Integer> search = Exploration.of(() -> slowButCorrect(5)).exhaustive(3).schedules(3_000)
                .timeLimit(Duration.ofMillis(200)).run();
        assertThat(search.stopReason()).isEqualTo(StopReason.TIME_LIMIT);
        assertThat(search.schedulesRun()).isBetween(1, 41);
        assertThat(search.exhausted()).isFalse();
    }

    @Test
    void aTimeLimitMustBePositive() {
        Exploration<Integer> e = Exploration.of(() -> 1);
        assertThatThrownBy(() -> e.timeLimit(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("Exploration.timeLimit: limit");
        assertThatThrownBy(() -> e.timeLimit(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Exploration.timeLimit: must be positive, but was PT0S; to explore without a time limit,"
                        + " do not set one");
        assertThatThrownBy(() -> e.timeLimit(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Exploration.timeLimit: must be positive, but was PT-1S");
        assertThatThrownBy(() -> e.failWhen(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("Exploration.failWhen: matches");
        // a limit too long to reach is no limit
        assertThat(Exploration.of(() -> 1).schedules(3).timeLimit(Duration.ofDays(365L * 1_000)).run().stopReason())
                .isEqualTo(StopReason.ALL_SCHEDULES_RUN);
    }

    /** As @SimulatedLoop(timeLimit) on one schedule: before, it ran that one schedule and passed, however long the limit. */
    @Test
    void aTimeLimitOnOneSampledScheduleIsAnErrorThatNamesTheCap() {
        int[] runs = {0};
        for (boolean limitFirst : new boolean[] {false, true}) {
            Exploration<Integer> e = Exploration.of(() -> ++runs[0]);
            if (limitFirst) {
                e.timeLimit(Duration.ofMinutes(10)).schedules(1);
            } else {
                e.schedules(1).timeLimit(Duration.ofMinutes(10));
            }
            assertThatThrownBy(e::run).as("limit set first: %s", limitFirst).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Exploration.timeLimit(PT10M): has no effect with schedules(1): it stops an exploration"
                            + " of many schedules once its time is up, and one schedule runs whole anyway; set"
                            + " schedules(n) too, as the cap (schedules(100_000_000) explores until the time is up), or"
                            + " leave the limit out");
        }
        assertThat(runs[0]).as("no schedule ran").isZero();
        // a bounded search's one schedule is the whole search: the limit stops it as any other
        assertThat(Exploration.of(() -> 1).exhaustive(0).schedules(1).timeLimit(Duration.ofMinutes(10)).run()
                .stopReason()).isEqualTo(StopReason.EXHAUSTED);
        assertThat(Exploration.of(() -> 1).timeLimit(Duration.ofMinutes(10)).run().schedulesRun()).isEqualTo(1000);
    }

    @Test
    void interruptingTheCallerStopsASampledExplorationWithinASchedule() throws Exception {
        assertInterruptStops(started -> Exploration.of(countingRuns(started)).schedules(3_000));
    }

    @Test
    void interruptingTheCallerStopsASearchWithinASchedule() throws Exception {
        int within = Exploration.of(() -> slowButCorrect(0)).exhaustive(4).schedules(3_000).run().schedulesRun();
        assertThat(within).as("schedules within the bound").isGreaterThan(800);
        assertInterruptStops(started -> Exploration.of(countingRuns(started)).exhaustive(4).schedules(3_000));
    }

    private static final int RUNS_BEFORE_INTERRUPT = 5;

    /** The slow program, counting its runs; the latch opens during run number {@link #RUNS_BEFORE_INTERRUPT}. */
    private static ThrowingSupplier<Integer> countingRuns(CountDownLatch started) {
        AtomicInteger runs = new AtomicInteger();
        return () -> {
            if (runs.incrementAndGet() == RUNS_BEFORE_INTERRUPT) {
                started.countDown();
            }
            return slowButCorrect(5);
        };
    }

    /**
     * Runs the exploration on a thread of its own and interrupts that thread once the program has
     * started its 5th run. Every run takes at least 5 ms, so all 3,000 would take 15 s: an
     * exploration that ignored the interrupt would run all of them (as one did before). The bound
     * on the schedules run leaves the interrupted thread a second to wake up and pass it on.
     */
    private static void assertInterruptStops(java.util.function.Function<CountDownLatch, Exploration<Integer>> make)
            throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Exploration<Integer> exploration = make.apply(started);
        AtomicReference<Exploration.Report<Integer>> report = new AtomicReference<>();
        AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            report.set(exploration.run());
            interruptedAfter.set(Thread.currentThread().isInterrupted());
        }, "exploration-caller");
        caller.start();
        assertThat(started.await(60, TimeUnit.SECONDS)).as("the exploration started").isTrue();
        caller.interrupt();
        caller.join(TimeUnit.SECONDS.toMillis(60));
        assertThat(caller.isAlive()).as("run() returned").isFalse();

        Exploration.Report<Integer> r = report.get();
        assertThat(r.stopReason()).isEqualTo(StopReason.INTERRUPTED);
        assertThat(r.schedulesRun()).isBetween(RUNS_BEFORE_INTERRUPT, RUNS_BEFORE_INTERRUPT + 200);
        assertThat(r.failingSchedules()).isZero();
        assertThat(r.toString()).endsWith("; stopped because the calling thread was interrupted");
        assertThat(interruptedAfter.get()).as("the caller's interrupt status is set again").isTrue();
    }

    @Test
    void aBudgetOfNoRunsTurnsShrinkingOffWhateverItsTime() {
        Exploration.Report<Object> r = Exploration.of(() -> {
            throw new IllegalStateException("fails");
        }).schedules(1).shrinkBudget(0, java.time.Duration.ZERO).run();
        assertThat(r.firstFailure()).isPresent();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Exploration.of(() -> 1)
                .shrinkBudget(0, java.time.Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Exploration.shrinkBudget: maxTime: must be positive, but was PT-1S");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Exploration.of(() -> 1)
                .shrinkBudget(10, java.time.Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
