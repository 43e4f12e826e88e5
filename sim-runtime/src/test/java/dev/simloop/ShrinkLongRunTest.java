package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Shrinking a failure found late in a long run: a check-then-act bug that needs exactly 2
 * preemptions, after 60 steps of other work per task. `random` finds it with dozens of preemptions,
 * nearly all of them before the bug's; cutting the run short cannot drop those, and the search of
 * every schedule with fewer preemptions is far over the budget at that length. Dropping preemptions
 * (Shrinker's second pass) gets to the minimum, which the last pass then proves: none with 1 fails.
 */
class ShrinkLongRunTest {
    private static final int WORK = 60;

    static Object checkThenAct() {
        String[] p = {"x"};
        TaskGroup.with(tg -> {
            tg.spawn("user", () -> {
                for (int i = 0; i < WORK; i++) {
                    Loop.checkpoint();
                }
                if (p[0] != null) {
                    Loop.checkpoint();
                    if (p[0] == null) {
                        throw new AssertionError("p became null between check and use");
                    }
                }
            });
            tg.spawn("resetter", () -> {
                for (int i = 0; i < WORK; i++) {
                    Loop.checkpoint();
                }
                p[0] = null;
                Loop.checkpoint();
                p[0] = "y";
            });
            return null;
        });
        return p[0];
    }

    @Test
    void theMinimumIsTwoPreemptions() {
        Exploration.Report<Object> one = Exploration.of(ShrinkLongRunTest::checkThenAct).preemptionBounded(1)
                .schedules(100_000).run();
        assertThat(one.exhausted()).isTrue();
        assertThat(one.failingSchedules()).isZero();
        // and some schedule with 2 fails: the shrunk ones below
    }

    @Test
    void randomFailuresWithDozensOfPreemptionsShrinkToTwoWithinTheDefaultBudget() {
        int found = 0;
        for (long seed = 0; found < 6; seed++) {
            SimResult<Object> f = Simulation.builder().seed(seed).strategy(Strategy.random()).run(ShrinkLongRunTest::checkThenAct);
            if (!f.failed()) {
                continue;
            }
            found++;
            assertThat(f.preemptions()).as("seed %d as found", seed).isGreaterThan(40);
            Shrinker<Object> shrinker = new Shrinker<>(b -> b.run(ShrinkLongRunTest::checkThenAct),
                    Shrinker.DEFAULT_REPLAYS, Duration.ofMinutes(5)); // the run count decides, on any machine
            SimResult<Object> shrunk = shrinker.shrink(f);
            assertThat(shrunk.preemptions()).as("seed %d shrunk", seed).isEqualTo(2);
            assertThat(shrinker.replays()).as("seed %d runs", seed).isLessThan(300);
            assertThat(shrunk.failure()).isInstanceOf(AssertionError.class).hasMessage("p became null between check and use");
            SimResult<Object> again = Simulation.builder().replay(shrunk.replayLine()).run(ShrinkLongRunTest::checkThenAct);
            assertThat(again.traceDigest()).isEqualTo(shrunk.traceDigest());
            assertThat(again.failure()).hasMessage("p became null between check and use");
        }
    }

    @Test
    void anExplorationReportsItShrunkToTwo() {
        Exploration.Report<Object> r = Exploration.of(ShrinkLongRunTest::checkThenAct).seed(5)
                .shrinkBudget(Shrinker.DEFAULT_REPLAYS, Duration.ofMinutes(5)).schedules(10_000).run();
        assertThat(r.firstFailure()).isPresent();
        assertThat(r.firstFailure().get().preemptions()).isGreaterThan(2);
        assertThat(r.shrunkFailure().get().preemptions()).isEqualTo(2);
    }

    @Test
    void letContinueMovesTheTasksNextStepsToTheChoice() {
        // task 2 ran, task 1 preempted it at choice 2; 2's next run of steps is at 4..5
        int[] ids = {2, 2, 1, 1, 2, 2, 1};
        assertThat(Shrinker.letContinue(ids, 2, 2)).containsExactly(2, 2, 2, 2, 1, 1, 1);
        // 3 is never chosen again after choice 1: one step of it there, then the rest
        assertThat(Shrinker.letContinue(ids, 1, 3)).containsExactly(2, 3, 2, 1, 1, 2, 2, 1);
        assertThat(ids).as("the input is not changed").containsExactly(2, 2, 1, 1, 2, 2, 1);
    }

    @Test
    void editsAsRunsGiveWhatCopiesGiveForEveryDroppedChunk() {
        java.util.Random random = new java.util.Random(11);
        int compared = 0;
        for (int round = 0; round < 5_000; round++) {
            int n = 1 + random.nextInt(60);
            int[] ids = new int[n];
            for (int i = 0; i < n; i++) {
                ids[i] = random.nextInt(4);
            }
            int edits = 1 + random.nextInt(12);
            int[] ks = random.ints(edits, 0, n).sorted().distinct().toArray(); // applied latest first, as the shrinker does
            int[] copied = ids;
            Shrinker.ScheduleEdits asRuns = new Shrinker.ScheduleEdits(ids);
            for (int e = ks.length - 1; e >= 0; e--) {
                int a = random.nextInt(5); // 4: a task not in the schedule
                copied = Shrinker.letContinue(copied, ks[e], a);
                asRuns.letContinue(ks[e], a);
            }
            assertThat(asRuns.toArray()).as("round %d", round).containsExactly(copied);
            compared++;
        }
        assertThat(compared).isEqualTo(5_000);
    }
}
