package dev.simloop.explore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Loop;
import dev.simloop.NondeterminismDetected;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import dev.simloop.sync.Event;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Issue 4: {@code Simulation.Builder.checkDeterminism} and lenient replay. */
class DeterminismCheckTest {

    @Test
    void aDeterministicProgramPassesTheCheckWithTheDigestOfASingleRun() {
        SimResult<Integer> once = Simulation.run(7, () -> ExplorationTest.lostUpdate(3));
        SimResult<Integer> checked = Simulation.builder().seed(7).checkDeterminism(true)
                .run(() -> ExplorationTest.lostUpdate(3));
        assertThat(checked.failed()).isEqualTo(once.failed());
        assertThat(checked.traceDigest()).isEqualTo(once.traceDigest());
        assertThat(checked.replayLine()).isEqualTo(once.replayLine());
    }

    @Test
    void aFailingDeterministicProgramKeepsItsOwnFailure() {
        SimResult<Integer> checked = Simulation.builder().strategy(Strategy.random()).seed(firstFailingSeed())
                .checkDeterminism(true).run(() -> ExplorationTest.lostUpdate(3));
        assertThat(checked.failure()).isInstanceOf(AssertionError.class).hasMessageStartingWith("lost update");
    }

    @Test
    void stateKeptBetweenRunsChangesWhichTaskRunsAndIsNamed() {
        // Static state survives from the first run into the second: the second run spawns one more
        // worker, so at some step a different task runs.
        AtomicInteger runs = new AtomicInteger();
        SimResult<Object> r = Simulation.builder().strategy(Strategy.fifo()).checkDeterminism(true).run(() -> {
            int workers = 2 + runs.getAndIncrement();
            TaskGroup.with(tg -> {
                for (int i = 0; i < workers; i++) {
                    tg.spawn("worker-" + i, () -> {
                        Loop.checkpoint();
                        Loop.checkpoint();
                    });
                }
                return null;
            });
            return null;
        });
        assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageStartingWith("nondeterminism detected at step 2 (task 'worker-0'): the same task ran, but in "
                        + "the first run 2 tasks were ready for this step, in this run 3. Something outside the "
                        + "simulation decides the run");
    }

    @Test
    void aStepThatEndsDifferentlyIsNamedWithBothEndings() {
        // Same tasks in the same order, but in the second run the waiter finds the event already set.
        AtomicInteger runs = new AtomicInteger();
        SimResult<Object> r = Simulation.builder().strategy(Strategy.fifo()).checkDeterminism(true).run(() -> {
            Event e = new Event();
            if (runs.getAndIncrement() > 0) {
                e.set();
            }
            TaskGroup.with(tg -> {
                tg.spawn("waiter", () -> {
                    e.await();
                    Loop.checkpoint();
                });
                tg.spawn("setter", e::set);
                return null;
            });
            return null;
        });
        assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageContaining("(task 'waiter'): in the first run the step ended blocked on Event, "
                        + "in this run it ended yielded");
    }

    @Test
    void aDifferentOutcomeAloneIsDetectedAndTheFirstFailureIsKept() {
        AtomicInteger runs = new AtomicInteger();
        SimResult<Object> r = Simulation.builder().checkDeterminism(true).run(() -> {
            if (runs.getAndIncrement() == 0) {
                throw new IllegalStateException("only the first run fails");
            }
            return null;
        });
        assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageContaining("the first run failed with java.lang.IllegalStateException, this one passed");
        assertThat(r.failure().getSuppressed()).singleElement().isInstanceOf(IllegalStateException.class);
    }

    @Test
    void wallClockReadsThatSteerTheProgramAreCaught() {
        // A program that branches on the wall clock: run it under the check until the branches differ.
        boolean caught = false;
        for (int attempt = 0; attempt < 50 && !caught; attempt++) {
            SimResult<Object> r = Simulation.builder().checkDeterminism(true).run(() -> {
                long n = System.nanoTime() / 1000 % 2;
                TaskGroup.with(tg -> {
                    for (int i = 0; i <= n; i++) {
                        tg.spawn("t" + i, () -> Loop.checkpoint());
                    }
                    return null;
                });
                return null;
            });
            caught = r.failure() instanceof NondeterminismDetected;
        }
        assertThat(caught).isTrue();
    }

    @Test
    void lenientReplayContinuesWithTheStrategyWhereTheProgramChanged() {
        SimResult<Integer> failing = Simulation.builder().seed(firstFailingSeed()).run(() -> ExplorationTest.lostUpdate(3));
        assertThat(failing.failed()).isTrue();
        // an edited program with more checkpoints needs more choices than were recorded
        SimResult<Integer> strict = Simulation.builder().replay(failing.replayLine()).run(() -> ExplorationTest.lostUpdate(6));
        assertThat(strict.failure()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageStartingWith("the program or its inputs changed since this line was recorded: replay diverged at step ")
                .hasMessageContaining("but the run needs more (2 ready tasks are candidates [");
        SimResult<Integer> lenient = Simulation.builder().replay(failing.replayLine()).lenientReplay(true)
                .run(() -> ExplorationTest.lostUpdate(6));
        assertThat(lenient.failure() == null || lenient.failure().getMessage().startsWith("lost update"))
                .as("lenient replay: %s", lenient.failure()).isTrue();
        assertThat(lenient.steps()).isGreaterThan(failing.steps());
        // the lenient run records what it actually did, so its own line replays it exactly
        SimResult<Integer> again = Simulation.builder().replay(lenient.replayLine()).run(() -> ExplorationTest.lostUpdate(6));
        assertThat(again.traceDigest()).isEqualTo(lenient.traceDigest());
    }

    @Test
    void anExactReplayOfAProgramThatNeedsFewerChoicesFailsAtTheEnd() {
        SimResult<Integer> failing = Simulation.builder().seed(firstFailingSeed()).run(() -> ExplorationTest.lostUpdate(3));
        SimResult<Integer> shorter = Simulation.builder().replay(failing.replayLine()).run(() -> ExplorationTest.lostUpdate(1));
        assertThat(shorter.failure()).isInstanceOf(dev.simloop.ReplayDiverged.class)
                .hasMessageMatching("the program or its inputs changed since this line was recorded: replay diverged at "
                        + "the end of the run \\(step \\d+, virtual time 0s\\): the run made \\d+ choices but the "
                        + "recorded schedule has " + dev.simloop.Schedule.parse(failing.replayLine()).size() + "\\. If the program did not"
                        + " change, it is not deterministic .*checkDeterminism\\(true\\).*");
        Throwable lenient = Simulation.builder().replay(failing.replayLine()).lenientReplay(true)
                .run(() -> ExplorationTest.lostUpdate(1)).failure();
        assertThat(lenient == null || lenient.getMessage().startsWith("lost update"))
                .as("lenient replay of a shorter program: %s", lenient).isTrue();
    }

    private static long firstFailingSeed() {
        for (long seed = 0; seed < 1000; seed++) {
            if (Simulation.run(seed, () -> ExplorationTest.lostUpdate(3)).failed()) {
                return seed;
            }
        }
        throw new AssertionError("no failing seed");
    }
}
