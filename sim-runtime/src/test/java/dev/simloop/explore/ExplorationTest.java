package dev.simloop.explore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simloop.Exploration;
import dev.simloop.Loop;
import dev.simloop.Schedule;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import dev.simloop.ThrowingSupplier;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExplorationTest {
    /** Two tasks: read, checkpoints, write. Fails when the reads interleave. */
    static int lostUpdate(int checkpoints) {
        int[] x = {0};
        TaskGroup.with(tg -> {
            for (int t = 0; t < 2; t++) {
                tg.spawn("w" + t, () -> {
                    int r = x[0];
                    for (int i = 0; i < checkpoints; i++) {
                        Loop.checkpoint();
                    }
                    x[0] = r + 1;
                });
            }
            return null;
        });
        if (x[0] != 2) {
            throw new AssertionError("lost update: " + x[0]);
        }
        return x[0];
    }

    /**
     * A depth-2 bug among 3 tasks: B's write must land after A's read and before A's write. Under
     * FIFO, B writes after A has finished, so the bug needs A to be delayed.
     */
    static int depthTwo() {
        int[] x = {0};
        TaskGroup.with(tg -> {
            tg.spawn("A", () -> {
                for (int i = 0; i < 5; i++) {
                    Loop.checkpoint();
                }
                int r = x[0];
                Loop.checkpoint();
                x[0] = r + 1;
            });
            tg.spawn("B", () -> {
                for (int i = 0; i < 8; i++) {
                    Loop.checkpoint();
                }
                x[0] = x[0] + 10;
            });
            tg.spawn("C", () -> {
                for (int i = 0; i < 10; i++) {
                    Loop.checkpoint();
                }
            });
            return null;
        });
        if (x[0] != 11) {
            throw new AssertionError("lost update: " + x[0]);
        }
        return x[0];
    }

    @Test
    void pctFindsADepthTwoBugAtLeastAsOftenAsItsBound() {
        SimResult<Integer> fifo = Simulation.builder().strategy(Strategy.fifo()).run(ExplorationTest::depthTwo);
        assertThat(fifo.failed()).as("the bug needs a reordering: FIFO passes").isFalse();
        int k = Schedule.parse(fifo.replayLine()).size();
        int n = 3;
        double bound = 1.0 / (n * Math.pow(k, 2 - 1));
        Exploration.Report<Integer> pct = Exploration.of(ExplorationTest::depthTwo).strategy(Strategy.pct(2, k))
                .schedules(2_000).stopAtFirstFailure(false).run();
        double rate = pct.failingSchedules() / (double) pct.schedulesRun();
        System.out.printf("depth-2 bug, n=%d, k=%d: bound %.4f, pct(2) found it in %.4f of %d runs%n", n, k, bound,
                rate, pct.schedulesRun());
        assertThat(pct.schedulesRun()).isEqualTo(2_000);
        assertThat(rate).isGreaterThanOrEqualTo(bound);
    }

    @Test
    void explorationStopsAtTheFirstFailureAndItsScheduleReplays() {
        Exploration.Report<Integer> report = Exploration.of(() -> lostUpdate(1)).strategy(Strategy.random()).seed(100)
                .schedules(500).run();
        assertThat(report.firstFailure()).isPresent();
        SimResult<Integer> failing = report.firstFailure().get();
        assertThat(report.failingSchedules()).isEqualTo(1);
        assertThat(report.schedulesRun()).isEqualTo(report.firstFailureIndex() + 1);
        assertThat(failing.seed()).isEqualTo(100 + report.firstFailureIndex());
        assertThat(failing.failure()).hasMessage("lost update: 1");
        // the same schedule, rebuilt from its seed and from its line
        SimResult<Integer> bySeed = Simulation.builder().seed(failing.seed()).strategy(Strategy.random())
                .run(() -> lostUpdate(1));
        SimResult<Integer> byLine = Simulation.builder().replay(failing.replayLine()).run(() -> lostUpdate(1));
        assertThat(bySeed.traceDigest()).isEqualTo(failing.traceDigest());
        assertThat(byLine.traceDigest()).isEqualTo(failing.traceDigest());
        assertThat(report.toString()).contains("first failure at schedule index " + report.firstFailureIndex());
    }

    @Test
    void explorationCanCountEveryFailingScheduleAndDistinctInterleavings() {
        Exploration.Report<Integer> all = Exploration.of(() -> lostUpdate(2)).strategy(Strategy.random()).schedules(300)
                .stopAtFirstFailure(false).run();
        int failing = 0;
        Set<String> digests = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            SimResult<Integer> r = Simulation.run(i, () -> lostUpdate(2));
            failing += r.failed() ? 1 : 0;
            digests.add(r.traceDigest());
        }
        assertThat(all.schedulesRun()).isEqualTo(300);
        assertThat(all.failingSchedules()).isEqualTo(failing).isGreaterThan(0).isLessThan(300);
        assertThat(all.distinctDigests()).isEqualTo(digests.size());
        assertThat(all.schedulesPerSecond()).isPositive();
    }

    @Test
    void pctAndPosRunsReplayFromTheirLines() {
        for (Strategy s : new Strategy[] {Strategy.pct(3), Strategy.pct(2, 40), Strategy.pos()}) {
            for (long seed = 0; seed < 50; seed++) {
                SimResult<Integer> r = Simulation.builder().seed(seed).strategy(s).run(ExplorationTest::depthTwo);
                Schedule line = Schedule.parse(r.replayLine());
                assertThat(line.strategy()).isEqualTo(s.toString());
                SimResult<Integer> again = Simulation.builder().replay(r.replayLine()).run(ExplorationTest::depthTwo);
                assertThat(again.traceDigest()).as("%s seed %d", s, seed).isEqualTo(r.traceDigest());
                assertThat(again.failed()).isEqualTo(r.failed());
            }
        }
    }

    @Test
    void posExploresMoreInterleavingsThanItHasSeedsInCommonWithFifo() {
        Exploration.Report<Integer> pos = Exploration.of(ExplorationTest::depthTwo).strategy(Strategy.pos())
                .schedules(200).stopAtFirstFailure(false).run();
        assertThat(pos.distinctDigests()).isGreaterThan(20);
        assertThat(pos.failingSchedules()).isPositive();
    }

    @Test
    void strategiesHaveOneLineTextualForms() {
        assertThat(Strategy.pct(3).toString()).isEqualTo("pct(3)");
        assertThat(Strategy.pct(3, 120).toString()).isEqualTo("pct(3,120)");
        assertThat(Strategy.pos().toString()).isEqualTo("pos");
        for (String t : new String[] {"fifo", "random", "pos", "pct(1)", "pct(3)", "pct(4,200)"}) {
            assertThat(Strategy.parse(t).toString()).isEqualTo(t);
        }
        for (String bad : new String[] {"pct", "pct()", "pct(0)", "pct(03)", "pct(3,0)", "pct(3,-1)", "PCT(3)", "posx"}) {
            assertThatThrownBy(() -> Strategy.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("strategy");
        }
        assertThatThrownBy(() -> Strategy.pct(0)).hasMessageContaining("depth must be from 1 to 1000");
        assertThatThrownBy(() -> Strategy.pct(Integer.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Strategy.pct: depth must be from 1 to 1000 (a run draws depth - 1 change points; bugs deeper"
                        + " than a handful are rare), but was 2147483647");
        assertThatThrownBy(() -> Strategy.parse("pct(2,0)")).hasMessage("invalid strategy 'pct(2,0)': write pct(d) or"
                + " pct(d,k), with the depth d from 1 to 1000 and k, the choice points to spread the change points over,"
                + " at least 1");
        assertThatThrownBy(() -> Strategy.parse("random+priority(1000)")).hasMessage("invalid strategy"
                + " 'random+priority(1000)': 'priority(1000)' is a priority policy, not part of the strategy (a replay line"
                + " writes them together): give 'random' as the strategy and the policy with"
                + " Simulation.builder().priorityPolicy(..), or replay the whole line");
        assertThatThrownBy(() -> Exploration.of(() -> 1).schedules(0)).hasMessageContaining("at least 1");
    }

    @Test
    void pctLearnsTheChoiceCountFromEarlierRuns() {
        Exploration.Report<Integer> r = Exploration.of(ExplorationTest::depthTwo).strategy(Strategy.pct(2))
                .schedules(400).run();
        int index = r.firstFailureIndex();
        assertThat(index).as("the first schedule uses no learned count, so it must not be the one checked").isPositive();
        // the rule: schedule i spreads its change points over the most choice points any earlier schedule had
        int learned = 0;
        for (int i = 0; i < index; i++) {
            Strategy s = learned > 0 ? Strategy.pct(2, learned) : Strategy.pct(2);
            SimResult<Integer> earlier = Simulation.builder().seed(i).strategy(s).run(ExplorationTest::depthTwo);
            assertThat(earlier.failed()).isFalse();
            learned = Math.max(learned, Schedule.parse(earlier.replayLine()).size());
        }
        Schedule failing = Schedule.parse(r.firstFailure().orElseThrow().replayLine());
        assertThat(failing.strategy()).isEqualTo("pct(2," + learned + ")");
        assertThat(failing.seed()).isEqualTo(index);
    }

    @Test
    void throughputOfATwoTaskTenCheckpointKernel() {
        ThrowingSupplier<Integer> kernel = () -> lostUpdate(10);
        Exploration.of(kernel).schedules(2_000).stopAtFirstFailure(false).run(); // warm-up
        Exploration.Report<Integer> r = Exploration.of(kernel).schedules(20_000).stopAtFirstFailure(false).run();
        System.out.printf("exploration of a 2-task, 10-checkpoint kernel: %s%n", r);
        assertThat(r.schedulesRun()).isEqualTo(20_000);
    }
}
