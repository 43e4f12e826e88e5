package dev.simloop.explore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simloop.DeadlockDetected;
import dev.simloop.Exploration;
import dev.simloop.Loop;
import dev.simloop.NondeterminismDetected;
import dev.simloop.SimResult;
import dev.simloop.Shrinking;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link Shrinking}: a harness's own runner shrinks a failure to the fewest preemptions, as Exploration's does. */
class ShrinkingTest {
    /** Two tasks increment a counter across a checkpoint, with a bystander and noise checkpoints around: one preemption loses an update. */
    static Integer lostUpdate() throws Exception {
        return lostUpdate(true);
    }

    /** {@link #lostUpdate()}, the bystander spawned or not: a program that keeps state between runs may stop spawning it. */
    static Integer lostUpdate(boolean bystander) throws Exception {
        int[] counter = {0};
        TaskGroup.with(g -> {
            for (int t = 0; t < (bystander ? 3 : 2); t++) {
                boolean increments = t < 2;
                g.spawn(() -> {
                    for (int i = 0; i < 4; i++) {
                        Loop.checkpoint();
                    }
                    if (increments) {
                        int read = counter[0];
                        Loop.checkpoint();
                        counter[0] = read + 1;
                    }
                    return null;
                });
            }
            return null;
        });
        if (counter[0] != 2) {
            throw new AssertionError("lost update: counter is " + counter[0]);
        }
        return counter[0];
    }

    /** The first random run (seeds from 1) that fails with at least 4 preemptions. */
    private static SimResult<?> busyFailure() {
        for (long seed = 1; ; seed++) {
            SimResult<Integer> r = Simulation.builder().seed(seed).strategy(Strategy.random()).run(ShrinkingTest::lostUpdate);
            if (r.failed() && r.preemptions() >= 4) {
                return r;
            }
        }
    }

    /**
     * An interrupt of the thread that shrinks ends the shrinking (its replays would be stopped, short
     * of their schedules, and a stopped run is no result for the search): the run comes back as it
     * was, at once, with the interrupt kept. Before, a replay stopped this way could reach the
     * search and fail it with "the result is not from the builder next() returned".
     */
    @Test
    void anInterruptEndsTheShrinking() {
        SimResult<?> failed = busyFailure();
        AtomicInteger runs = new AtomicInteger();
        Thread.currentThread().interrupt();
        try {
            SimResult<?> shrunk = Shrinking.shrink(failed, b -> {
                runs.incrementAndGet();
                return b.run(ShrinkingTest::lostUpdate);
            }, 2_000, Duration.ofMinutes(10));
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThat(shrunk.replayLine()).isEqualTo(failed.replayLine());
            assertThat(runs.get()).as("the validating replay only").isLessThanOrEqualTo(1);
        } finally {
            Thread.interrupted();
        }
        // an interrupt that comes while it shrinks, at each of the first runs in turn
        for (int at = 1; at <= 12; at++) {
            int k = at;
            AtomicInteger n = new AtomicInteger();
            try {
                SimResult<?> shrunk = Shrinking.shrink(failed, b -> {
                    if (n.incrementAndGet() == k) {
                        Thread.currentThread().interrupt(); // as a test's time-out would
                    }
                    return b.run(ShrinkingTest::lostUpdate);
                }, 2_000, Duration.ofMinutes(10));
                assertThat(Thread.currentThread().isInterrupted()).as("run %d", k).isTrue();
                assertThat(shrunk.failed()).as("run %d", k).isTrue();
                assertThat(Shrinking.sameWay(shrunk.failure(), failed.failure())).as("run %d", k).isTrue();
                assertThat(n.get()).as("run %d: no run after the interrupt", k).isLessThanOrEqualTo(k + 1);
            } finally {
                Thread.interrupted();
            }
        }
    }

    @Test
    void aFailureThatDoesNotReproduceIsReturnedAsItIsNotShrunk() {
        SimResult<?> failed = busyFailure();
        AtomicInteger runs = new AtomicInteger();
        // a test that depends on state outside the simulation: its replays pass
        SimResult<?> shrunk = Shrinking.shrink(failed, b -> {
            runs.incrementAndGet();
            return b.run(() -> 2);
        }, 2_000, Duration.ofMinutes(10));
        assertThat(shrunk).isSameAs(failed);
        assertThat(runs.get()).as("no search once the replay passed: the failure depends on more than the schedule").isEqualTo(1);
    }

    @Test
    void shrinksToTheMinimumThatPreemptionBoundingProves() {
        Exploration.Report<Integer> none = Exploration.of(ShrinkingTest::lostUpdate).preemptionBounded(0).schedules(100_000).run();
        assertThat(none.exhausted()).isTrue();
        assertThat(none.firstFailure()).isEmpty();

        SimResult<?> failed = busyFailure();
        AtomicInteger runs = new AtomicInteger();
        SimResult<?> shrunk = Shrinking.shrink(failed, b -> {
            runs.incrementAndGet();
            return b.run(ShrinkingTest::lostUpdate);
        }, 2_000, Duration.ofMinutes(10));

        assertThat(shrunk.preemptions()).isEqualTo(1);
        assertThat(shrunk.failure()).isInstanceOf(AssertionError.class).hasMessage("lost update: counter is 1");
        assertThat(shrunk.traceTable(10)).isPresent(); // the validating replay is traced
        SimResult<Integer> again = Simulation.builder().replay(shrunk.replayLine()).run(ShrinkingTest::lostUpdate);
        assertThat(again.failure()).hasMessage("lost update: counter is 1");
        assertThat(again.preemptions()).isEqualTo(1);
        assertThat(runs.get()).isBetween(2, 2_001);

        SimResult<?> twice = Shrinking.shrink(failed, b -> b.run(ShrinkingTest::lostUpdate), 2_000, Duration.ofMinutes(10));
        assertThat(twice.replayLine()).isEqualTo(shrunk.replayLine()); // the run budget decides: the same every time
    }

    @Test
    void aBudgetOfNoRunsReturnsTheRunItself() {
        SimResult<?> failed = busyFailure();
        AtomicInteger runs = new AtomicInteger();
        assertThat(Shrinking.shrink(failed, b -> {
            runs.incrementAndGet();
            return b.run(ShrinkingTest::lostUpdate);
        }, 0, Duration.ofSeconds(1))).isSameAs(failed);
        assertThat(runs.get()).isZero();
    }

    @Test
    void aRunnerWhoseRunsNeverFailTheSameWayLeavesTheRunAsItIs() {
        SimResult<?> failed = busyFailure();
        // a "program" that changed: every replay passes
        assertThat(Shrinking.shrink(failed, b -> b.run(() -> 1), 50, Duration.ofMinutes(1))).isSameAs(failed);
    }

    /**
     * An outcome says when the budget ran out before every schedule with fewer preemptions was tried.
     * Before, a harness had only the run {@code shrink} returns, which reads the same whether its
     * count is the fewest or the budget ended the search first, and its report said "shrinking found
     * none fewer" of a run that still had fewer to try.
     */
    @Test
    void anOutcomeWhoseBudgetRanOutSaysItsCountIsNotShownToBeTheFewest() {
        SimResult<?> failed = busyFailure();
        Shrinking.Outcome cut = Shrinking.outcome(failed, b -> b.run(ShrinkingTest::lostUpdate), 1, Duration.ofMinutes(10));
        assertThat(cut.run()).as("one run: the replay of the failing run, no shorter one tried").isSameAs(failed);
        assertThat(cut.notShownFewest()).hasValue("not shown to be the fewest: the shrink budget (1 run or 10m) ran out"
                + " before every schedule with fewer was tried, so fewer may still fail");
        assertThat(cut.fewerLeftUntried()).isTrue();
        assertThat(cut.notShownFewest(k -> "preemptionBounded(" + k + ") tries them")).as("a harness's advice, after the note")
                .hasValue("not shown to be the fewest: the shrink budget (1 run or 10m) ran out before every schedule"
                        + " with fewer was tried, so fewer may still fail; preemptionBounded("
                        + (failed.preemptions() - 1) + ") tries them");
        Shrinking.Outcome some = Shrinking.outcome(failed, b -> b.run(ShrinkingTest::lostUpdate), 3, Duration.ofMinutes(10));
        assertThat(some.notShownFewest()).hasValue("not shown to be the fewest: the shrink budget (3 runs or 10m) ran out"
                + " before every schedule with fewer was tried, so fewer may still fail");

        // with the budget to try them all, the count is the fewest and the outcome has no note
        Shrinking.Outcome full = Shrinking.outcome(failed, b -> b.run(ShrinkingTest::lostUpdate), 2_000, Duration.ofMinutes(10));
        assertThat(full.run().preemptions()).isEqualTo(1);
        assertThat(full.notShownFewest()).isEmpty();
        assertThat(full.fewerLeftUntried()).isFalse();
        assertThat(full.notShownFewest(k -> "advice")).isEmpty();
        assertThat(full.run().replayLine()).as("shrink returns the outcome's run")
                .isEqualTo(Shrinking.shrink(failed, b -> b.run(ShrinkingTest::lostUpdate), 2_000, Duration.ofMinutes(10)).replayLine());
        // the default budget: a note only when its 2 seconds ran out first, on a slow machine
        Shrinking.Outcome byDefault = Shrinking.outcome(failed, b -> b.run(ShrinkingTest::lostUpdate));
        byDefault.notShownFewest().ifPresent(note -> assertThat(note).isEqualTo("not shown to be the fewest: the shrink"
                + " budget (2000 runs or 2s) ran out before every schedule with fewer was tried, so fewer may still fail"));
        // shrink with the default budget returns its outcome's run: one that fails as the run found did, with no
        // more preemptions (how many fewer depends on how much of the 2 seconds the machine gives it)
        SimResult<?> shrunkByDefault = Shrinking.shrink(failed, b -> b.run(ShrinkingTest::lostUpdate));
        assertThat(shrunkByDefault.failure()).hasMessage("lost update: counter is 1");
        assertThat(shrunkByDefault.preemptions()).isBetween(1, failed.preemptions());
    }

    /**
     * A time budget longer than a {@code long} of nanoseconds (some 292 years) is as good as none:
     * the run budget decides. Before, {@code Duration.toNanos()} overflowed, so an exploration with
     * such a {@code shrinkBudget} ran every schedule and then threw {@code ArithmeticException}
     * instead of its report, and {@code Shrinking.shrink} threw it at once.
     */
    @Test
    void aTimeBudgetBeyondNanosecondsIsNoLimit() {
        Duration forever = java.time.temporal.ChronoUnit.FOREVER.getDuration();
        SimResult<?> failed = busyFailure();
        SimResult<?> shrunk = Shrinking.shrink(failed, b -> b.run(ShrinkingTest::lostUpdate), 2_000, forever);
        assertThat(shrunk.preemptions()).isEqualTo(1);
        assertThat(shrunk.failure()).hasMessage("lost update: counter is 1");
        Shrinking.Outcome cut = Shrinking.outcome(failed, b -> b.run(ShrinkingTest::lostUpdate), 1, Duration.ofDays(365L * 400));
        assertThat(cut.notShownFewest()).hasValue("not shown to be the fewest: the shrink budget (1 run or 3504000h) ran out"
                + " before every schedule with fewer was tried, so fewer may still fail");

        Exploration.Report<Integer> report = Exploration.of(ShrinkingTest::lostUpdate).strategy(Strategy.random()).seed(1)
                .shrinkBudget(2_000, forever).run();
        assertThat(report.firstFailure().orElseThrow().preemptions()).isGreaterThan(1);
        assertThat(report.shrunkFailure().orElseThrow().preemptions()).isEqualTo(1);
        assertThat(report.toString()).contains("; shrunk to 1 preemption: replay ");
    }

    /** The runs an outcome does not shrink, or whose shrinking an interrupt ends, say why. */
    @Test
    void anOutcomeSaysWhyItsRunWasNotShrunk() {
        SimResult<?> failed = busyFailure();
        Shrinking.Outcome off = Shrinking.outcome(failed, b -> b.run(ShrinkingTest::lostUpdate), 0, Duration.ZERO);
        assertThat(off.run()).isSameAs(failed);
        assertThat(off.notShownFewest()).hasValue("not shown to be the fewest: shrinking was off");
        assertThat(off.fewerLeftUntried()).isFalse();
        assertThat(off.notShownFewest(k -> "advice")).as("no advice to try the rest when nothing was tried")
                .hasValue("not shown to be the fewest: shrinking was off");

        Shrinking.Outcome otherwise = Shrinking.outcome(failed, b -> b.run(() -> 2), 2_000, Duration.ofMinutes(10));
        assertThat(otherwise.run()).isSameAs(failed);
        assertThat(otherwise.notShownFewest())
                .hasValue("not shown to be the fewest: a replay did not fail the same way, so it was not shrunk: the"
                        + " program likely does not repeat its runs (nondeterminism, or state kept between runs);"
                        + " checkDeterminism(true) names the first step where two runs part");
        assertThat(otherwise.fewerLeftUntried()).isFalse();

        Thread.currentThread().interrupt();
        Shrinking.Outcome interrupted;
        try {
            interrupted = Shrinking.outcome(failed, b -> b.run(ShrinkingTest::lostUpdate), 2_000, Duration.ofMinutes(10));
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(interrupted.notShownFewest()).hasValue("not shown to be the fewest: an interrupt ended the shrinking"
                + " before every schedule with fewer was tried, so fewer may still fail");
        assertThat(interrupted.fewerLeftUntried()).isTrue();

        SimResult<?> notReproduced = nondeterministicFailure();
        Shrinking.Outcome unshrunk = Shrinking.outcome(notReproduced, b -> b.run(() -> 1), 2_000, Duration.ofMinutes(10));
        assertThat(unshrunk.run()).isSameAs(notReproduced);
        assertThat(unshrunk.notShownFewest())
                .hasValue("not shown to be the fewest: the run did not reproduce (NondeterminismDetected), so it was not shrunk");

        // a run without preemptions has the fewest, shrunk or not
        SimResult<Object> none = Simulation.run(1, () -> {
            throw new AssertionError("always");
        });
        assertThat(Shrinking.outcome(none, b -> b.run(() -> 1), 0, Duration.ZERO).notShownFewest()).isEmpty();
        assertThat(Shrinking.outcome(none, b -> b.run(() -> {
            throw new AssertionError("always");
        })).notShownFewest()).isEmpty();
    }

    /** The first random run (seeds from 1) with a preemption that fails with a {@link NondeterminismDetected}. */
    private static SimResult<?> nondeterministicFailure() {
        for (long seed = 1; ; seed++) {
            SimResult<Object> r = Simulation.builder().seed(seed).strategy(Strategy.random()).run(() -> {
                TaskGroup.with(g -> {
                    for (int t = 0; t < 2; t++) {
                        g.spawn(() -> {
                            Loop.checkpoint();
                            Loop.checkpoint();
                        });
                    }
                    return null;
                });
                Thread.sleep(1); // the real clock: no seed decides it
                return null;
            });
            if (r.failure() instanceof NondeterminismDetected && r.preemptions() > 0) {
                return r;
            }
        }
    }

    /**
     * An interrupt that stops one of the shrinking's replays (a {@code @Timeout} that fires meanwhile)
     * ended the shrinking, whichever replay it stops: the first, of the failing run, or the last,
     * which validates the run found. Before, the stopped replay read as one that did not fail the
     * same way, and the note blamed the program: "a replay did not fail the same way, so it was not
     * shrunk".
     */
    @Test
    void anInterruptThatStopsAReplayIsWhatEndedTheShrinking() {
        SimResult<?> failed = busyFailure();
        AtomicInteger runs = new AtomicInteger();
        Shrinking.Outcome uninterrupted = Shrinking.outcome(failed, b -> {
            runs.incrementAndGet();
            return b.run(ShrinkingTest::lostUpdate);
        }, 2_000, Duration.ofMinutes(10));
        assertThat(uninterrupted.notShownFewest()).isEmpty();
        int validating = runs.get(); // the last run: within a run budget, the same on every machine
        for (int stopped : new int[] {1, validating}) {
            AtomicInteger made = new AtomicInteger();
            Shrinking.Outcome outcome;
            try {
                outcome = Shrinking.outcome(failed, b -> {
                    if (made.incrementAndGet() == stopped) {
                        Thread.currentThread().interrupt(); // the run it starts stops short of its schedule
                    }
                    return b.run(ShrinkingTest::lostUpdate);
                }, 2_000, Duration.ofMinutes(10));
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
            } finally {
                Thread.interrupted();
            }
            assertThat(made.get()).as("no run after the interrupt").isEqualTo(stopped);
            assertThat(outcome.run()).as("run %d stopped: the failing run, unshrunk", stopped).isSameAs(failed);
            assertThat(outcome.notShownFewest()).as("run %d stopped", stopped).hasValue("not shown to be the fewest: an"
                    + " interrupt ended the shrinking before every schedule with fewer was tried, so fewer may still fail");
            assertThat(outcome.fewerLeftUntried()).isTrue();
        }
    }

    @Test
    void anOutcomesPartsAreChecked() {
        SimResult<?> failed = busyFailure();
        assertThatThrownBy(() -> new Shrinking.Outcome(failed, java.util.Optional.empty(), true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Shrinking.Outcome: fewer left untried, but no note says the count is not shown to be the fewest;"
                        + " give one");
        assertThatThrownBy(() -> new Shrinking.Outcome(null, java.util.Optional.empty(), false))
                .isInstanceOf(NullPointerException.class).hasMessage("Shrinking.Outcome: run");
        SimResult<?> none = Simulation.builder().seed(1).strategy(Strategy.fifo()).run(() -> {
            throw new IllegalStateException("fails in FIFO order");
        });
        assertThat(none.preemptions()).isZero();
        assertThatThrownBy(() -> new Shrinking.Outcome(none, java.util.Optional.of("not shown to be the fewest: x"), true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Shrinking.Outcome: fewer left untried, but the run has no preemptions, so no schedule has"
                        + " fewer; pass false");
    }

    @Test
    void misuseIsNamed() {
        SimResult<Integer> passed = Simulation.run(1, () -> 1);
        assertThatThrownBy(() -> Shrinking.shrink(passed, b -> b.run(() -> 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Shrinking.shrink: the run passed, so there is nothing to shrink; pass a run whose failed() is true");
        SimResult<?> failed = busyFailure();
        assertThatThrownBy(() -> Shrinking.shrink(failed, b -> b.run(() -> 1), -1, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Shrinking.shrink: maxRuns must not be negative, but was -1; 0 turns shrinking off");
        assertThatThrownBy(() -> Shrinking.shrink(failed, b -> null))
                .isInstanceOf(NullPointerException.class).hasMessage("Shrinking.shrink: the runner returned null");
        assertThat(Shrinking.sameWay(new AssertionError("counter is 1 at 3ms"), new AssertionError("counter is 7 at 0ms")))
                .isTrue();
        // shrinking off reads as meant, as Exploration.shrinkBudget(0, ZERO) does; a bad time names the parameter
        assertThat(Shrinking.shrink(failed, b -> b.run(() -> 1), 0, Duration.ZERO)).isSameAs(failed);
        assertThatThrownBy(() -> Shrinking.shrink(failed, b -> b.run(() -> 1), 5, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Shrinking.shrink: maxTime: must be positive, but was PT0S");
        assertThat(Shrinking.sameWay(new AssertionError("x"), new IllegalStateException("x"))).isFalse();
        // outcome checks its arguments as shrink does, in its own name
        assertThatThrownBy(() -> Shrinking.outcome(passed, b -> b.run(() -> 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Shrinking.outcome: the run passed, so there is nothing to shrink; pass a run whose failed() is true");
        assertThatThrownBy(() -> Shrinking.outcome(failed, b -> b.run(() -> 1), -1, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Shrinking.outcome: maxRuns must not be negative, but was -1; 0 turns shrinking off");
        assertThatThrownBy(() -> Shrinking.outcome(failed, b -> b.run(() -> 1), 5, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Shrinking.outcome: maxTime: must be positive, but was PT0S");
        assertThatThrownBy(() -> Shrinking.outcome(failed, b -> null))
                .isInstanceOf(NullPointerException.class).hasMessage("Shrinking.outcome: the runner returned null");
        assertThatThrownBy(() -> Shrinking.outcome(null, b -> null))
                .isInstanceOf(NullPointerException.class).hasMessage("Shrinking.outcome: failed");
    }

    /**
     * Every deadlock's first line reads alike ("deadlock: every task is blocked ..."), so two
     * deadlocks are the same way only with the same wait-for cycles: shrinking must not swap one
     * bug (a lock cycle of two tasks) for another (a second pair's).
     */
    @Test
    void twoDeadlocksAreTheSameWayOnlyWithTheSameCycles() {
        String header = "deadlock: every task is blocked and no timer is pending (virtual time 0s, step 7), 1 wait-for"
                + " cycle, then the other blocked tasks:";
        DeadlockDetected ab = new DeadlockDetected(header + "\n  ab1 ...", java.util.List.of(java.util.List.of("ab1", "ab2")));
        DeadlockDetected abLater = new DeadlockDetected(header.replace("step 7", "step 12") + "\n  ab1 waits ...",
                java.util.List.of(java.util.List.of("ab1", "ab2")));
        DeadlockDetected cd = new DeadlockDetected(header, java.util.List.of(java.util.List.of("cd1", "cd2")));
        assertThat(Shrinking.sameWay(ab, abLater)).isTrue();
        assertThat(Shrinking.sameWay(ab, cd)).isFalse();
        // a deadlock without structured cycles compares by its message as any failure does
        assertThat(Shrinking.sameWay(new DeadlockDetected("deadlock: custom"), new DeadlockDetected("deadlock: custom")))
                .isTrue();
    }

    /** An account without a {@code toString}: it prints its identity hash, which each run draws anew. */
    private static final class Account {
        int balance;
    }

    /**
     * {@link #lostUpdate()} failing as an equality assertion on objects without a {@code toString}
     * does: {@code expected: <Account@1b6d3586> but was: <Account@4554617c>}, with hashes that differ
     * in every run of one schedule.
     */
    static Integer lostUpdateOfAnAccount() {
        Account account = new Account();
        Account expected = new Account();
        expected.balance = 2;
        TaskGroup.with(g -> {
            for (int t = 0; t < 2; t++) {
                g.spawn(() -> {
                    for (int i = 0; i < 4; i++) {
                        Loop.checkpoint();
                    }
                    int read = account.balance;
                    Loop.checkpoint();
                    account.balance = read + 1;
                });
            }
            return null;
        });
        if (account.balance != expected.balance) {
            throw new AssertionError("expected: <" + expected + "> but was: <" + account + ">");
        }
        return account.balance;
    }

    /**
     * A message that names objects by their identity hash fails the same way in every run of its
     * schedule. Before, the hashes' letters stayed after the numbers were blanked, so no replay
     * seemed to fail the same way: an exploration's report said "a replay did not fail the same way,
     * so it was not shrunk" of a failure that repeats on every replay, and a re-run of a failed
     * {@code @SimulatedLoop} test never counted as the same failure.
     */
    @Test
    void identityHashesInAMessageDoNotMakeEveryReplayAnotherFailure() {
        assertThat(Shrinking.sameWay(new AssertionError("expected: <Account@1b6d3586> but was: <Account@4554617c>"),
                new AssertionError("expected: <Account@7a81197d> but was: <Account@5ca881b5>"))).isTrue();
        assertThat(Shrinking.sameWay(new IllegalStateException("task Main$$Lambda/0x000001f2a1003a00@e9e54c2 failed"),
                new IllegalStateException("task Main$$Lambda/0x00007f3b8c00b1d8@65ab7765 failed"))).isTrue();
        // the words of a message stay: an address or a word after an @ is not a hash
        assertThat(Shrinking.sameWay(new AssertionError("mail to ops@example failed"),
                new AssertionError("mail to ops@exempla failed"))).isFalse();
        assertThat(Shrinking.sameWay(new AssertionError("expected: <Account@1b6d3586>"),
                new AssertionError("expected: <Customer@1b6d3586>"))).isFalse();

        Exploration.Report<Integer> report = Exploration.of(ShrinkingTest::lostUpdateOfAnAccount)
                .strategy(Strategy.random()).seed(1).schedules(1_000).run();
        SimResult<Integer> first = report.firstFailure().orElseThrow();
        assertThat(first.failure()).hasMessageMatching("expected: <.*Account@\\p{XDigit}+> but was: <.*Account@\\p{XDigit}+>");
        assertThat(first.preemptions()).isGreaterThan(1);
        assertThat(report.toString()).doesNotContain("did not fail the same way").contains("; shrunk to 1 preemption: replay ");
        assertThat(report.shrunkFailure().orElseThrow().preemptions()).isEqualTo(1);
    }

    /**
     * Two deadlocks without a wait-for cycle, whose first lines read alike: a lost update leaves
     * 'main' waiting for Event 'x' (found first by random schedules, with a preemption or more), and
     * 'q' waits for Event 'y' when it runs all its checkpoints before 'p' starts (no preemption: the
     * non-preemptive schedule finds it at once).
     */
    static Integer twoDeadlocksWithoutACycle() {
        dev.simloop.sync.Event x = new dev.simloop.sync.Event("x");
        dev.simloop.sync.Event y = new dev.simloop.sync.Event("y");
        int[] counter = {0};
        boolean[] pStarted = {false};
        TaskGroup.with(tg -> {
            tg.spawn("p", () -> {
                pStarted[0] = true;
                int read = counter[0];
                Loop.checkpoint();
                counter[0] = read + 1;
            });
            tg.spawn("r", () -> {
                int read = counter[0];
                Loop.checkpoint();
                counter[0] = read + 1;
            });
            tg.spawn("q", () -> {
                for (int i = 0; i < 12; i++) {
                    Loop.checkpoint();
                }
                if (!pStarted[0]) {
                    y.await();
                }
            });
            return null;
        });
        if (counter[0] != 2) {
            x.await();
        }
        return counter[0];
    }

    /**
     * A deadlock without a cycle shrinks to the same deadlock: the same tasks blocked on the same
     * objects. Before, two such deadlocks were the same way whatever blocked (their first lines
     * differ only in numbers, and neither has a cycle), so 'main' waiting for Event 'x' "shrank" to
     * 'q' waiting for Event 'y', another bug, reported as the found one's simplest form.
     */
    @Test
    void aDeadlockWithoutACycleShrinksToTheSameDeadlockNotAnother() {
        Exploration.Report<Integer> report = Exploration.of(ShrinkingTest::twoDeadlocksWithoutACycle)
                .strategy(Strategy.random()).shrinkBudget(2_000, Duration.ofMinutes(1)).run();
        SimResult<Integer> found = report.firstFailure().orElseThrow();
        assertThat(found.failure()).isInstanceOf(DeadlockDetected.class)
                .hasMessageContaining("task 'main' waits for Event 'x'").hasMessageNotContaining("Event 'y'");
        SimResult<Integer> shrunk = report.shrunkFailure().orElseThrow();
        assertThat(shrunk.failure()).as("shrunk: %s", shrunk.replayLine()).isInstanceOf(DeadlockDetected.class)
                .hasMessageContaining("task 'main' waits for Event 'x'").hasMessageNotContaining("Event 'y'");
        assertThat(shrunk.preemptions()).isBetween(1, found.preemptions());

        String header = "deadlock: every task is blocked and no timer is pending (virtual time 0s, step 19). Blocked tasks:";
        DeadlockDetected onX = new DeadlockDetected(header + "\n  task 'main' waits for Event 'x' (not set, 1 waiting);"
                + " no task holds it: it needs a call to set(), at App.run(App.java:17)");
        DeadlockDetected onXLater = new DeadlockDetected(header.replace("step 19", "step 40") + "\n  task 'main' waits"
                + " for Event 'x' (not set, 2 waiting); no task holds it: it needs a call to set(), at App.run(App.java:21)");
        DeadlockDetected onY = new DeadlockDetected(header + "\n  task 'main' waits for its task group to finish (1 task"
                + " still running): task 'q', at App.run(App.java:11)\n  task 'q' waits for Event 'y' (not set, 1"
                + " waiting); no task holds it: it needs a call to set(), at App.lambda$run$3(App.java:14)");
        assertThat(Shrinking.sameWay(onX, onXLater)).isTrue();
        assertThat(Shrinking.sameWay(onX, onY)).isFalse();
    }

    /**
     * A deadlock beside a task that sleeps until the end of time stops with a {@code LimitExceeded}
     * whose first line is the same for every such stop, its tasks listed below as a deadlock's: two
     * are the same way only with the same blocked tasks on the same objects, a lock cycle's included.
     * Before, any two were the same way, and shrinking could swap one bug for another.
     */
    @Test
    void twoStopsAtTheEndOfTimeAreTheSameWayOnlyWithTheSameBlockedTasks() {
        Throwable cycle = stopAtTheEndOfTime(1, true);
        Throwable cycleLater = stopAtTheEndOfTime(3, true);
        Throwable event = stopAtTheEndOfTime(1, false);
        assertThat(cycle).isInstanceOf(dev.simloop.LimitExceeded.class)
                .hasMessageContaining("as in a deadlock.\n1 wait-for cycle").hasMessageContaining("→ task 'ba' waits for Lock 'a'");
        assertThat(cycleLater.getMessage()).startsWith("simulation stopped at virtual time 3s:");
        assertThat(event).isInstanceOf(dev.simloop.LimitExceeded.class).hasMessageContaining("task 'ab' waits for Event 'x'");
        assertThat(Shrinking.sameWay(cycle, cycleLater)).isTrue();
        assertThat(Shrinking.sameWay(cycle, event)).isFalse();
        // the stop past maxVirtualTime names its timer in its first line, and compares by it as before
        assertThat(Shrinking.sameWay(new dev.simloop.LimitExceeded("simulation stopped at virtual time 1s: the next timer"
                + " is at 2s, past maxVirtualTime = 1s."), new dev.simloop.LimitExceeded("simulation stopped at virtual"
                + " time 5s: the next timer is at 7s, past maxVirtualTime = 5s."))).isTrue();
    }

    /** A heartbeat sleeps for ever beside 'ab' and 'ba', which take two locks in opposite orders, or 'ab' waits for an event. */
    private static Throwable stopAtTheEndOfTime(int seconds, boolean lockCycle) {
        return Simulation.run(1, () -> TaskGroup.with(tg -> {
            dev.simloop.sync.Lock a = new dev.simloop.sync.Lock("a");
            dev.simloop.sync.Lock b = new dev.simloop.sync.Lock("b");
            dev.simloop.sync.Event x = new dev.simloop.sync.Event("x");
            tg.spawn("heartbeat", () -> Loop.sleep(java.time.temporal.ChronoUnit.FOREVER.getDuration()));
            tg.spawn("ab", () -> {
                a.acquire();
                Loop.sleep(Duration.ofSeconds(seconds));
                if (lockCycle) {
                    b.acquire();
                } else {
                    x.await();
                }
            });
            tg.spawn("ba", () -> {
                b.acquire();
                Loop.sleep(Duration.ofSeconds(seconds));
                a.acquire();
            });
            return null;
        })).failure();
    }

    /**
     * Two bugs that throw the same exception class: "two updates of y lost" (checked first) and
     * "lost update on x", each reachable with one preemption. A "y" failure shrinks to a "y" failure
     * (the same way: class and message), and to one preemption, which takes the last pass (the
     * search below the bound, fewest preemptions first) for these seeds: cutting and delta
     * debugging stop above it.
     */
    static Integer twoBugsOfOneClass() {
        int[] x = {0};
        int[] y = {0};
        TaskGroup.with(tg -> {
            for (int t = 0; t < 3; t++) {
                tg.spawn(() -> {
                    for (int i = 0; i < 3; i++) {
                        int a = x[0];
                        Loop.checkpoint();
                        x[0] = a + 1;
                    }
                    int b = y[0];
                    Loop.checkpoint();
                    y[0] = b + 1;
                    for (int i = 0; i < 3; i++) {
                        Loop.checkpoint();
                    }
                });
            }
            return null;
        });
        if (y[0] <= 1) {
            throw new IllegalStateException("two updates of y lost");
        }
        if (x[0] != 9) {
            throw new IllegalStateException("lost update on x");
        }
        return 0;
    }

    @Test
    void aFailureShrinksToTheFewestPreemptionsWithoutTurningIntoAnotherBugOfTheSameClass() {
        for (long seed : new long[] {35, 261}) {
            SimResult<Integer> failed = Simulation.run(seed, ShrinkingTest::twoBugsOfOneClass);
            assertThat(failed.failure()).as("seed %d", seed).hasMessage("two updates of y lost");
            assertThat(failed.preemptions()).as("seed %d", seed).isGreaterThan(1);
            SimResult<?> shrunk = Shrinking.shrink(failed, b -> b.run(ShrinkingTest::twoBugsOfOneClass), 2000,
                    Duration.ofSeconds(60));
            assertThat(shrunk.failure()).as("seed %d", seed).hasMessage("two updates of y lost");
            assertThat(shrunk.preemptions()).as("seed %d: %d preemptions before, shrunk %s", seed,
                    failed.preemptions(), shrunk.replayLine()).isEqualTo(1);
        }
    }

    /**
     * A runner that runs the program on a builder of its own, not on the one it is given, is told so:
     * its runs follow none of the schedules the shrinking asks for. Before, the shrinking went on with
     * them and its note blamed the program, "a run of the program did not repeat the earlier run whose
     * choices it followed (state kept between runs?)".
     */
    @Test
    void aRunnerThatDoesNotRunTheBuilderItIsGivenIsToldSo() {
        SimResult<?> failed = busyFailure();
        long seed = failed.seed();
        String told = "the runner did not run the builder it was given (its run followed none of the choices the"
                + " shrinking asked for): run the program with that builder, as b -> b.maxSteps(...).run(main),"
                + " setting only the limits the failing run had";
        assertThatThrownBy(() -> Shrinking.outcome(failed,
                b -> Simulation.builder().seed(seed).strategy(Strategy.random()).run(ShrinkingTest::lostUpdate), 2_000,
                Duration.ofMinutes(10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Shrinking.outcome: " + told);
        assertThatThrownBy(() -> Shrinking.shrink(failed, b -> Simulation.run(seed, ShrinkingTest::lostUpdate)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Shrinking.shrink: " + told);
    }

    /** What the shrinking of {@link #busyFailure()} says when its program stops repeating its runs. */
    private static final String DID_NOT_REPEAT = "not shown to be the fewest: a run of the program did not repeat"
            + " the earlier run whose choices it followed (state kept between runs?), so the shrinking stopped";

    /**
     * A program that stops repeating its runs while it is shrunk (it keeps state between runs: here
     * it stops spawning its bystander after its {@code k}-th run, tried at every run of the shrinking)
     * ends the shrinking with the failure, as found or as shrunk so far, and the outcome says why.
     * Before, when a run of the last pass (the preemption-bounded search) did not follow the choices
     * its schedule prescribes, the shrinking threw BoundedSearch's misuse message, "BoundedSearch.ran:
     * the result is not from the builder next() returned", and the harness lost the failure.
     */
    @Test
    void aProgramThatStopsRepeatingItsRunsWhileItIsShrunkKeepsItsFailure() {
        SimResult<?> failed = busyFailure();
        AtomicInteger steadyRuns = new AtomicInteger();
        Shrinking.shrink(failed, b -> {
            steadyRuns.incrementAndGet();
            return b.run(ShrinkingTest::lostUpdate);
        }, 2_000, Duration.ofMinutes(10));
        java.util.Set<String> notes = new java.util.TreeSet<>();
        for (int k = 1; k <= steadyRuns.get(); k++) {
            AtomicInteger runs = new AtomicInteger();
            int last = k;
            Shrinking.Outcome o = Shrinking.outcome(failed, b -> b.run(() -> lostUpdate(runs.incrementAndGet() <= last)),
                    2_000, Duration.ofMinutes(10));
            assertThat(o.run().failure()).as("bystander until run %d", k).isInstanceOf(AssertionError.class)
                    .hasMessage("lost update: counter is 1");
            o.notShownFewest().ifPresent(notes::add);
            if (o.notShownFewest().orElse("").equals(DID_NOT_REPEAT)) {
                assertThat(o.fewerLeftUntried()).as("a larger budget would not help").isFalse();
            }
        }
        assertThat(notes).contains(DID_NOT_REPEAT);
    }

    /**
     * The same through an exploration: its report keeps the failure it found, whichever run of the
     * shrinking the program stops repeating at. Before, {@code run()} threw BoundedSearch's misuse
     * message, and the failing schedule was lost.
     */
    @Test
    void anExplorationWhoseProgramStopsRepeatingItsRunsWhileItIsShrunkReportsItsFailure() {
        AtomicInteger steadyRuns = new AtomicInteger();
        Exploration.Report<Integer> steady = Exploration.of(() -> {
            steadyRuns.incrementAndGet();
            return lostUpdate();
        }).strategy(Strategy.random()).run();
        assertThat(steady.firstFailure()).isPresent();
        boolean saidSo = false;
        for (int k = 1; k <= steadyRuns.get(); k++) {
            AtomicInteger runs = new AtomicInteger();
            int last = k;
            Exploration.Report<Integer> r = Exploration.of(() -> lostUpdate(runs.incrementAndGet() <= last))
                    .strategy(Strategy.random()).run();
            assertThat(r.firstFailure()).as("bystander until run %d", k).isPresent();
            assertThat(r.firstFailure().get().failure()).as("bystander until run %d", k)
                    .isInstanceOfAny(AssertionError.class, NondeterminismDetected.class);
            saidSo |= r.toString().contains(DID_NOT_REPEAT);
        }
        assertThat(saidSo).as("some report says the shrinking stopped as the program did not repeat its runs").isTrue();
    }

    /** Two tasks add to a counter five times each, every add a read and a write across a checkpoint: the message counts the adds lost. */
    static Integer adds() {
        int[] counter = {0};
        TaskGroup.with(g -> {
            for (int t = 0; t < 2; t++) {
                g.spawn(() -> {
                    for (int i = 0; i < 5; i++) {
                        int read = counter[0];
                        Loop.checkpoint();
                        counter[0] = read + 1;
                    }
                    return null;
                });
            }
            return null;
        });
        if (counter[0] != 10) {
            throw new AssertionError("lost " + (10 - counter[0]) + " updates");
        }
        return counter[0];
    }

    /**
     * An exploration shrinks its failure to one that its failWhen matches too: the same way reads the
     * counts in two messages as "some number", where failWhen may tell them apart. Before, hunting
     * "lost 3 updates" reported a shrunk line that lost 5, a failure failWhen rejects.
     */
    @Test
    void anExplorationShrinksToAFailureItsFailWhenMatches() {
        java.util.function.Predicate<Throwable> three = e -> "lost 3 updates".equals(e.getMessage());
        Exploration.Report<Integer> r = Exploration.of(ShrinkingTest::adds).strategy(Strategy.random()).seed(18)
                .failWhen(three).shrinkBudget(2000, Duration.ofMinutes(1)).schedules(10_000).run();
        SimResult<Integer> found = r.firstFailure().orElseThrow();
        SimResult<Integer> shrunk = r.shrunkFailure().orElseThrow();
        assertThat(found.failure()).hasMessage("lost 3 updates");
        assertThat(shrunk.failure()).hasMessage("lost 3 updates");
        assertThat(Simulation.builder().replay(shrunk.replayLine()).run(ShrinkingTest::adds).failure())
                .hasMessage("lost 3 updates");
        // the fewest that lose three, as preemption bounding, fewest first, finds them
        SimResult<Integer> fewest = Exploration.of(ShrinkingTest::adds).failWhen(three).preemptionBounded(found.preemptions())
                .schedules(1_000_000).run().firstFailure().orElseThrow();
        assertThat(shrunk.preemptions()).as("%s", r).isEqualTo(fewest.preemptions()).isEqualTo(2);
        assertThat(found.preemptions()).isEqualTo(6);
        assertThat(r.toString()).contains("shrunk to 2 preemptions: replay " + shrunk.replayLine() + "; as found, 6 preemptions");
    }
}
