package dev.simloop.explore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.CancelScope;
import dev.simloop.Loop;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 4: the strategies' distributions. Fixed seeds, so each assertion is deterministic; the
 * thresholds are what a correct strategy passes with overwhelming probability (chi-square, 2 degrees
 * of freedom, p = 0.001: 13.8).
 */
class StrategyDistributionTest {
    private static final int RUNS = 3_000;
    private static final double CHI_SQUARE_2DF_P001 = 13.8;

    /** Three tasks, each logging its name at each of its three steps. */
    private static List<String> threeTasks() {
        List<String> log = new ArrayList<>();
        TaskGroup.with(tg -> {
            for (String name : List.of("a", "b", "c")) {
                tg.spawn(name, () -> {
                    for (int i = 0; i < 3; i++) {
                        log.add(name);
                        Loop.checkpoint();
                    }
                });
            }
            return null;
        });
        return log;
    }

    private static int[] firstRunnerCounts(Strategy s) {
        int[] counts = new int[3];
        for (long seed = 0; seed < RUNS; seed++) {
            List<String> log = Simulation.builder().seed(seed).strategy(s).run(StrategyDistributionTest::threeTasks)
                    .value();
            counts[log.get(0).charAt(0) - 'a']++;
        }
        return counts;
    }

    private static double chiSquare(int[] counts) {
        double expected = (double) RUNS / counts.length;
        double x = 0;
        for (int c : counts) {
            x += (c - expected) * (c - expected) / expected;
        }
        return x;
    }

    @Test
    void randomPctAndPosChooseTheFirstTaskUniformly() {
        for (Strategy s : new Strategy[] {Strategy.random(), Strategy.pct(1), Strategy.pct(3), Strategy.pos()}) {
            int[] counts = firstRunnerCounts(s);
            assertThat(chiSquare(counts)).as("%s: %s", s, java.util.Arrays.toString(counts))
                    .isLessThan(CHI_SQUARE_2DF_P001);
        }
    }

    @Test
    void fifoIsNotRandomAtAll() {
        assertThat(firstRunnerCounts(Strategy.fifo())).containsExactly(RUNS, 0, 0);
    }

    @Test
    void pctOfDepthOneNeverPreempts() {
        // no change points: the most urgent task runs to its end before the next starts
        for (long seed = 0; seed < 200; seed++) {
            List<String> log = Simulation.builder().seed(seed).strategy(Strategy.pct(1))
                    .run(StrategyDistributionTest::threeTasks).value();
            int switches = 0;
            for (int i = 1; i < log.size(); i++) {
                if (!log.get(i).equals(log.get(i - 1))) {
                    switches++;
                }
            }
            assertThat(switches).as("seed %d: %s", seed, log).isEqualTo(2);
        }
    }

    @Test
    void randomInterleavesFreely() {
        // random switches tasks far more often than PCT(1) does (2 switches): 3.5 to 6.5 of 8 steps
        long switches = 0;
        for (long seed = 0; seed < 500; seed++) {
            List<String> log = Simulation.run(seed, StrategyDistributionTest::threeTasks).value();
            for (int i = 1; i < log.size(); i++) {
                if (!log.get(i).equals(log.get(i - 1))) {
                    switches++;
                }
            }
        }
        assertThat(switches / 500.0).isBetween(3.5, 6.5);
    }

    @Test
    void randomOrdersThreeTiedTimersUniformly() {
        // three timers due at 1s: two nested deadlines and a sleep; which fires first decides
        // whether the sleep completes (0 deadlines first: never completes) — count the sleep's wins
        int sleepFirst = 0;
        for (long seed = 0; seed < RUNS; seed++) {
            boolean completed = Simulation.run(seed, () -> {
                boolean[] done = {false};
                CancelScope.moveOnAfter(Duration.ofSeconds(1), () -> CancelScope.moveOnAfter(Duration.ofSeconds(1),
                        () -> {
                            Loop.sleep(Duration.ofSeconds(1));
                            done[0] = true;
                            return null;
                        }));
                return done[0];
            }).value();
            if (completed) {
                sleepFirst++;
            }
        }
        // the sleep must fire before both deadlines: probability 1/3 under a uniform order
        assertThat(sleepFirst).isBetween(RUNS / 3 - 150, RUNS / 3 + 150);
    }
}
