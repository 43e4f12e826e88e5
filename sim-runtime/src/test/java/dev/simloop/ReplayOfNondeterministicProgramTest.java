package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A plain replay of a program that is not deterministic (here: state kept between runs) parts from
 * its line although the program did not change. The failure must not only blame a changed program:
 * it must say that an unchanged program that parts from its line is not deterministic, and how to
 * find out (checkDeterminism).
 */
class ReplayOfNondeterministicProgramTest {
    private static int runs;

    /** Spawns one more worker on every run: the same line never fits twice. */
    private static int workersGrowEachRun() {
        int workers = 2 + runs++;
        TaskGroup.with(tg -> {
            for (int i = 0; i < workers; i++) {
                tg.spawn(() -> {
                    Loop.checkpoint();
                    Loop.checkpoint();
                });
            }
            return null;
        });
        return workers;
    }

    /** Spawns one fewer worker on every run. */
    private static int workersShrinkEachRun() {
        int workers = 6 - runs++;
        TaskGroup.with(tg -> {
            for (int i = 0; i < workers; i++) {
                tg.spawn(() -> Loop.checkpoint());
            }
            return null;
        });
        return workers;
    }

    @Test
    void aReplayThatPartsFromItsLineSaysTheProgramMayBeNondeterministic() {
        runs = 0;
        SimResult<Integer> recorded = Simulation.run(5, ReplayOfNondeterministicProgramTest::workersGrowEachRun);
        SimResult<Integer> replayed = Simulation.builder().replay(recorded.replayLine())
                .run(ReplayOfNondeterministicProgramTest::workersGrowEachRun);
        assertThat(replayed.failure()).isInstanceOf(ReplayDiverged.class)
                .hasMessageStartingWith("the program or its inputs changed since this line was recorded: replay diverged"
                        + " at step ")
                .hasMessageEndingWith(" If the program did not change, it is not deterministic (state kept between runs,"
                        + " the real clock, randomness not from Loop.random(), the order of identity hash codes, a thread"
                        + " the simulation does not own): replay the line with checkDeterminism(true), which names the"
                        + " first step at which two runs of it differ.");
    }

    @Test
    void aReplayThatEndsSoonerSaysTheProgramMayBeNondeterministic() {
        runs = 0;
        SimResult<Integer> recorded = Simulation.run(5, ReplayOfNondeterministicProgramTest::workersShrinkEachRun);
        SimResult<Integer> replayed = Simulation.builder().replay(recorded.replayLine())
                .run(ReplayOfNondeterministicProgramTest::workersShrinkEachRun);
        assertThat(replayed.failure()).isInstanceOf(ReplayDiverged.class)
                .hasMessageContaining("not deterministic").hasMessageContaining("checkDeterminism(true)");
    }

    @Test
    void aCheckedReplayOfSuchAProgramNamesTheNondeterminism() {
        runs = 0;
        SimResult<Integer> recorded = Simulation.run(5, ReplayOfNondeterministicProgramTest::workersGrowEachRun);
        SimResult<Integer> replayed = Simulation.builder().replay(recorded.replayLine()).checkDeterminism(true)
                .run(ReplayOfNondeterministicProgramTest::workersGrowEachRun);
        assertThat(replayed.failure()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageContaining("nondeterminism detected");
    }
}
