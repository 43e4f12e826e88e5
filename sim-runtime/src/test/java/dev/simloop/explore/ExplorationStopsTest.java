package dev.simloop.explore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simloop.Exploration;
import dev.simloop.LimitExceeded;
import dev.simloop.Loop;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Why an exploration stopped, as its report says: every way, and only the way it was. */
class ExplorationStopsTest {
    private static volatile boolean letGo;

    /**
     * A time limit that passes during the last schedule stops nothing: every schedule ran, so a
     * bounded search is exhausted and a sampled run ran all its schedules (before, both said
     * TIME_LIMIT, and the search was not exhausted).
     */
    @Test
    void aTimeLimitThatPassesInTheLastScheduleIsNoStop() {
        var search = Exploration.of(() -> {
            long end = System.nanoTime() + 20_000_000;
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            return 1;
        }).exhaustive(0).timeLimit(Duration.ofNanos(1)).run();
        assertThat(search.schedulesRun()).isEqualTo(1);
        assertThat(search.stopReason()).isEqualTo(Exploration.StopReason.EXHAUSTED);
        assertThat(search.exhausted()).isTrue();
        // the first schedule well within the limit, the last one past it (a limit on schedules(1) is an error)
        int[] runs = {0};
        var sampled = Exploration.of(() -> {
            long end = System.nanoTime() + (++runs[0] == 2 ? 1_200_000_000L : 0);
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            return 1;
        }).strategy(Strategy.random()).schedules(2).timeLimit(Duration.ofSeconds(1)).run();
        assertThat(sampled.schedulesRun()).isEqualTo(2);
        assertThat(sampled.stopReason()).isEqualTo(Exploration.StopReason.ALL_SCHEDULES_RUN);
    }

    /**
     * A schedule whose task runs away stops the exploration (its thread cannot be taken back); when
     * failWhen does not match its LimitExceeded, it is no failure but one of the others, and the
     * reason says what happened.
     */
    @Test
    void aRunawayThatFailWhenDoesNotMatchIsCountedAmongTheOthers() throws InterruptedException {
        letGo = false;
        java.util.concurrent.atomic.AtomicReference<Thread> runaway = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            var report = Exploration.of(() -> {
                runaway.set(Thread.currentThread());
                while (!letGo) {
                    Thread.onSpinWait();
                }
                return 1;
            }).strategy(Strategy.random()).schedules(10).maxStepWallTime(Duration.ofMillis(200))
                    .failWhen(e -> !(e instanceof LimitExceeded)).stopAtFirstFailure(false).run();
            assertThat(report.stopReason()).isEqualTo(Exploration.StopReason.RAN_AWAY);
            assertThat(report.failingSchedules()).isZero();
            assertThat(report.firstFailure()).isEmpty();
            assertThat(report.otherFailures()).containsEntry(LimitExceeded.class.getName(), 1);
            assertThat(report.toString()).contains("stopped because a task ran away");
        } finally {
            letGo = true; // the runaway task ends, and its driver is free again
        }
        // ended before the next test: a later report in this JVM would name it among the runaways still running
        runaway.get().join(Duration.ofSeconds(30));
        assertThat(runaway.get().isAlive()).isFalse();
    }

    /**
     * A shard runs some schedules of other shards only to learn from them (PCT's choice count from
     * the first 32; a bounded search's first schedule, whose successors it splits). When such a
     * schedule runs away, this shard cannot go on either, but the failure is the other shard's to
     * report: the reason is RAN_AWAY and says whose it was, and nothing is counted here. Before, the
     * report said FAILURE_FOUND, "stopped at the first failure", with no failure in it.
     */
    @Test
    void anotherShardsScheduleThatRunsAwayStopsThisShardWithoutAFailureOfItsOwn() throws InterruptedException {
        for (int kind = 0; kind < 2; kind++) {
            letGo = false;
            AtomicInteger runs = new AtomicInteger();
            java.util.concurrent.atomic.AtomicReference<Thread> runaway = new java.util.concurrent.atomic.AtomicReference<>();
            Exploration<Integer> x = Exploration.of(() -> {
                if (runs.getAndIncrement() == 0) { // schedule 0, shard 1/2's: the first this shard runs
                    runaway.set(Thread.currentThread());
                    while (!letGo) {
                        Thread.onSpinWait();
                    }
                }
                return 1;
            }).schedules(10).shard(1, 2).maxStepWallTime(Duration.ofMillis(200));
            String what = kind == 0 ? "pct(2)" : "exhaustive(1)";
            if (kind == 0) {
                x.strategy(Strategy.pct(2));
            } else {
                x.exhaustive(1);
            }
            try {
                Exploration.Report<Integer> report = x.run();
                assertThat(report.stopReason()).as(what).isEqualTo(Exploration.StopReason.RAN_AWAY);
                assertThat(report.firstFailure()).as(what).isEmpty();
                assertThat(report.failingSchedules()).as(what).isZero();
                assertThat(report.otherFailures()).as(what).isEmpty();
                assertThat(report.schedulesRun()).as(what).isZero();
                assertThat(report.toString()).as(what).endsWith("; stopped because a task ran away (no checkpoint within"
                        + " maxStepWallTime) in schedule index 0, another shard's, which this shard ran only to learn"
                        + " from it: that shard reports it");
            } finally {
                letGo = true;
            }
            runaway.get().join(Duration.ofSeconds(30));
            assertThat(runaway.get().isAlive()).isFalse();
        }
    }

    /**
     * A failWhen that throws on a run-away schedule's LimitExceeded (which has no cause) ends the
     * exploration with that failure and its line attached, as it does for any other failure. Before,
     * the predicate's exception came alone: which schedule it judged, and its line, were lost.
     */
    @Test
    void aFailWhenThatThrowsOnARunawayHasTheFailureItJudgedAttached() throws InterruptedException {
        letGo = false;
        java.util.concurrent.atomic.AtomicReference<Thread> runaway = new java.util.concurrent.atomic.AtomicReference<>();
        Throwable thrown;
        try {
            thrown = org.assertj.core.api.Assertions.catchThrowable(() -> Exploration.of(() -> {
                runaway.set(Thread.currentThread());
                while (!letGo) {
                    Thread.onSpinWait();
                }
                return 1;
            }).strategy(Strategy.random()).schedules(3).maxStepWallTime(Duration.ofMillis(200))
                    .failWhen(e -> e.getCause().getMessage().contains("x")).run());
        } finally {
            letGo = true;
        }
        runaway.get().join(Duration.ofSeconds(30));
        assertThat(runaway.get().isAlive()).isFalse();
        assertThat(thrown).isInstanceOf(NullPointerException.class);
        assertThat(thrown.getSuppressed()).singleElement().satisfies(s -> {
            assertThat(s).hasMessageStartingWith("Exploration.failWhen threw this while it judged the failure of"
                    + " schedule index 0 (replay simloop:1:random:0:").hasCauseInstanceOf(LimitExceeded.class);
            assertThat(s.getCause()).hasMessageContaining("without reaching a checkpoint (maxStepWallTime = 0.2s");
        });
    }

    @Test
    void anExplorationInsideATaskIsRefused() {
        var r = Simulation.run(1, () -> Exploration.of(() -> 1).schedules(3).run());
        assertThat(r.failure()).isInstanceOf(IllegalStateException.class)
                .hasMessage("Exploration.run cannot be called from inside simloop task 'main': a loop cannot run"
                        + " inside another loop's task. Use a TaskGroup to run concurrent work in the current loop.");
        assertThatThrownBy(() -> dev.simloop.Loop.run(() -> Exploration.of(() -> 1).schedules(3).run()))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("Exploration.run cannot be called");
    }

    /**
     * failWhen runs once per failing schedule, PCT's learning included (before, twice for some); shrinking,
     * off here, asks it again about the runs it tries.
     */
    @Test
    void failWhenRunsOncePerFailingSchedule() {
        for (Strategy s : java.util.List.of(Strategy.pct(2), Strategy.portfolio(), Strategy.random())) {
            AtomicInteger calls = new AtomicInteger();
            var report = Exploration.of(() -> ExplorationTest.lostUpdate(1)).strategy(s).schedules(100).seed(3)
                    .shrinkBudget(0, java.time.Duration.ZERO).stopAtFirstFailure(false).failWhen(e -> {
                        calls.incrementAndGet();
                        return true;
                    }).run();
            assertThat(report.failingSchedules()).as("%s", s).isPositive();
            assertThat(calls.get()).as("%s", s).isEqualTo(report.failingSchedules());
        }
    }

    /** When shrinking found nothing smaller, the report gives the line once and says so. */
    @Test
    void aReportWhoseFailureDidNotShrinkGivesItsLineOnce() {
        var report = Exploration.of(() -> ExplorationTest.lostUpdate(1)).preemptionBounded(1).run();
        String line = report.firstFailure().orElseThrow().replayLine();
        assertThat(report.shrunkFailure().orElseThrow().replayLine()).isEqualTo(line);
        String text = report.toString();
        // a preemption-bounded search's failure is not shrunk: no "shrinking found none fewer", which no shrinking found
        assertThat(text).contains(", the fewest, as the search tries fewer preemptions first; replay " + line)
                .doesNotContain("shrinking found none fewer");
        assertThat(text.indexOf(line)).isEqualTo(text.lastIndexOf(line));
    }

    /** A writer raises a flag for one step; a reader that sees it up and then down fails. It needs 2 preemptions. */
    static int flagFlip() {
        int[] flag = {0};
        TaskGroup.with(tg -> {
            tg.spawn("writer", () -> {
                for (int i = 0; i < 20; i++) {
                    Loop.checkpoint();
                }
                flag[0] = 1;
                Loop.checkpoint();
                flag[0] = 0;
            });
            for (int r = 0; r < 3; r++) {
                tg.spawn("reader" + r, () -> {
                    for (int i = 0; i < 20; i++) {
                        if (flag[0] == 1) {
                            Loop.checkpoint();
                            if (flag[0] == 0) {
                                throw new IllegalStateException("saw the flag flip");
                            }
                        }
                        Loop.checkpoint();
                    }
                });
            }
            return null;
        });
        return 0;
    }

    /**
     * A shrink that its budget of runs ended before it had tried every schedule with fewer
     * preemptions says that its count is not shown to be the fewest. Before, the report read
     * "shrunk to 3 preemptions" as if 3 were the fewest, while a schedule with 2 fails the same way.
     */
    @Test
    void aShrinkThatItsBudgetEndedSaysItsCountIsNotShownToBeTheFewest() {
        var report = Exploration.of(ExplorationStopsTest::flagFlip).strategy(Strategy.random()).seed(5).schedules(10_000)
                .shrinkBudget(50, Duration.ofMinutes(5)).run();
        int shrunk = report.shrunkFailure().orElseThrow().preemptions();
        var bounded = Exploration.of(ExplorationStopsTest::flagFlip).preemptionBounded(shrunk - 1).schedules(1_000_000).run();
        assertThat(bounded.firstFailure()).as("a schedule with fewer preemptions fails the same way").isPresent();
        assertThat(report.toString()).contains("not shown to be the fewest: the shrink budget (50 runs or 5m) ran out"
                + " before every schedule with fewer was tried, so fewer may still fail; a larger shrinkBudget or"
                + " preemptionBounded(" + (shrunk - 1) + ") tries them");
        // with the budget to try them all, the fewest is found and said plainly
        var full = Exploration.of(() -> ExplorationTest.lostUpdate(1)).strategy(Strategy.random()).seed(5).schedules(1_000).run();
        assertThat(full.shrunkFailure().orElseThrow().preemptions()).isEqualTo(1);
        assertThat(full.toString()).doesNotContain("not shown to be the fewest");
    }

    /**
     * A caller interrupted before it calls: a parallel search whose only schedule is its first is
     * exhausted, every time (a second worker that saw the interrupt while the first's job was out
     * used to end it as stopped); a failure it found is traced for the report (its replays run with
     * the interrupt held back) but not shrunk; the interrupt is kept for the caller.
     */
    @Test
    void aPreInterruptedCallerGetsTheSameReportEveryTime() throws Exception {
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread caller = new Thread(() -> {
            for (int i = 0; i < 20; i++) {
                for (int parallelism : new int[] {2, 4}) {
                    Thread.currentThread().interrupt();
                    var r = Exploration.of(() -> {
                        Loop.checkpoint();
                        return 1;
                    }).preemptionBounded(2).parallelism(parallelism).run();
                    seen.add(r.stopReason() + " " + r.schedulesRun() + " " + Thread.interrupted());
                }
            }
            Thread.currentThread().interrupt();
            var failing = Exploration.of(() -> {
                throw new AssertionError("always");
            }).schedules(10).run();
            seen.add(failing.stopReason() + " traced=" + failing.firstFailure().orElseThrow().traceTable(5).isPresent()
                    + " shrunk=" + failing.shrunkFailure().isPresent() + " " + Thread.interrupted());
        });
        caller.start();
        caller.join(60_000);
        assertThat(seen).hasSize(41);
        assertThat(seen.subList(0, 40)).containsOnly("EXHAUSTED 1 true");
        assertThat(seen.get(40)).isEqualTo("FAILURE_FOUND traced=true shrunk=false true");
    }

    /**
     * A caller interrupted during the runs is not shrunk for, whether the runs noticed the
     * interrupt (and stopped) or ended first: shrinking would spend its whole budget on replays
     * held back from the interrupt.
     */
    @Test
    void aCallerInterruptedDuringTheRunsGetsNoShrinking() throws Exception {
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread caller = new Thread(() -> {
            Thread self = Thread.currentThread();
            AtomicInteger runs = new AtomicInteger();
            var report = Exploration.of(() -> {
                if (runs.incrementAndGet() == 3) {
                    self.interrupt(); // as a test's time-out would, while the schedules run
                }
                Loop.checkpoint();
                throw new AssertionError("every schedule fails"); // so some failure ran, however many did
            }).schedules(8).stopAtFirstFailure(false).run();
            seen.add("failing=" + (report.failingSchedules() > 0) + " shrunk=" + report.shrunkFailure().isPresent()
                    + " interrupted=" + Thread.interrupted());
        });
        caller.start();
        caller.join(60_000);
        assertThat(seen).containsExactly("failing=true shrunk=false interrupted=true");
    }
}
