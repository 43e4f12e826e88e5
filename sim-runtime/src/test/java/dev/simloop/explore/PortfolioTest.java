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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Strategy.portfolio(): members by seed, replay lines that name the member, the default of explorations. */
class PortfolioTest {
    /** Three tasks each read, yield, and write back a shared counter. */
    static int lostUpdate() {
        int[] counter = {0};
        TaskGroup.with(g -> {
            for (int t = 0; t < 3; t++) {
                g.spawn(() -> {
                    int read = counter[0];
                    Loop.checkpoint();
                    counter[0] = read + 1;
                });
            }
            return null;
        });
        if (counter[0] != 3) {
            throw new AssertionError("lost update: " + counter[0]);
        }
        return counter[0];
    }

    @Test
    void eachSeedRunsOneMemberAndItsLineNamesThatMember() {
        List<String> named = new ArrayList<>();
        for (long seed = 0; seed < 8; seed++) {
            SimResult<Integer> r = Simulation.builder().seed(seed).strategy(Strategy.portfolio()).run(PortfolioTest::lostUpdate);
            String member = Schedule.parse(r.replayLine()).strategy();
            named.add(member);
            SimResult<Integer> alone = Simulation.builder().seed(seed).strategy(Strategy.parse(member))
                    .run(PortfolioTest::lostUpdate);
            assertThat(alone.traceDigest()).as("seed %d replays with %s alone", seed, member).isEqualTo(r.traceDigest());
            assertThat(Simulation.builder().replay(r.replayLine()).run(PortfolioTest::lostUpdate).traceDigest())
                    .isEqualTo(r.traceDigest());
        }
        assertThat(named).containsExactly("random", "pct(2)", "pct(3)", "pos", "spawnerfirst", "random", "pct(2)", "pct(3)");
        assertThat(Strategy.portfolio()).hasToString("portfolio");
        assertThat(Strategy.parse("portfolio")).isEqualTo(Strategy.portfolio());
    }

    @Test
    void explorationsSampleWithThePortfolioByDefaultAndOneScheduleStaysRandom() {
        Exploration.Report<Integer> r = Exploration.of(PortfolioTest::lostUpdate).seed(1).run();
        assertThat(r.toString()).startsWith("portfolio: ");
        SimResult<Integer> failing = r.firstFailure().orElseThrow();
        String member = List.of("random", "pct(2)", "pct(3)", "pos", "spawnerfirst").get((int) Math.floorMod(failing.seed(), 5L));
        assertThat(Schedule.parse(failing.replayLine()).strategy()).startsWith(member.replace(")", ""));
        assertThat(Simulation.builder().replay(failing.replayLine()).run(PortfolioTest::lostUpdate).failure())
                .hasMessage(failing.failure().getMessage());

        Exploration.Report<Integer> one = Exploration.of(PortfolioTest::lostUpdate).schedules(1).run();
        assertThat(one.toString()).startsWith("random: 1 schedule (");
    }

    @Test
    void aPortfolioExplorationIsTheSameOnEveryRun() {
        Exploration.Report<Integer> a = Exploration.of(PortfolioTest::lostUpdate).schedules(200).stopAtFirstFailure(false).run();
        Exploration.Report<Integer> b = Exploration.of(PortfolioTest::lostUpdate).schedules(200).stopAtFirstFailure(false).run();
        assertThat(a.failingSchedules()).isEqualTo(b.failingSchedules()).isPositive();
        assertThat(a.distinctDigests()).isEqualTo(b.distinctDigests());
        assertThat(a.firstFailure().orElseThrow().replayLine()).isEqualTo(b.firstFailure().orElseThrow().replayLine());
    }

    @Test
    void unknownStrategyTextListsThePortfolio() {
        assertThatThrownBy(() -> Strategy.parse("chess")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown strategy 'chess' (known: fifo, random, pos, pct(d), pct(d,k), nonpreemptive, spawnerfirst, portfolio)");
    }
}
