package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a replay line and the determinism check catch besides a recorded choice that no longer fits:
 * a step added or dropped where nobody chose (the choices alone do not show it), and a run whose
 * tasks or failure differ behind the same ids and classes (objects with identity hash codes in a
 * {@code HashSet} decide which body each spawned task runs).
 */
class ReplayCatchesChangedProgramsTest {

    /** Three tasks read, checkpoint and write a balance; {@code change} adds work where nothing is chosen. */
    private static ThrowingSupplier<String> bank(String change) {
        return () -> {
            int[] balance = {100};
            TaskGroup.with(tg -> {
                for (int i = 0; i < 3; i++) {
                    int n = i;
                    tg.spawn("t" + n, () -> {
                        int b = balance[0];
                        Loop.checkpoint();
                        balance[0] = b - 10;
                    });
                }
                return null;
            });
            if (change.equals("sleep at the end")) {
                Loop.sleep(Duration.ofMillis(5)); // the lone main task: steps, no choice
            } else if (change.equals("checkpoint at the end")) {
                Loop.checkpoint();
            }
            return "balance " + balance[0];
        };
    }

    @Test
    void aLineReplayedIntoAProgramThatTakesMoreStepsWhereNobodyChoosesFailsWithReplayDiverged() {
        SimResult<String> base = Simulation.run(5, bank("none"));
        assertThat(Simulation.builder().replay(base.replayLine()).run(bank("none")).traceDigest())
                .isEqualTo(base.traceDigest());
        for (String change : List.of("sleep at the end", "checkpoint at the end")) {
            SimResult<String> r = Simulation.builder().replay(base.replayLine()).run(bank(change));
            assertThat(r.failure()).as(change).isInstanceOf(ReplayDiverged.class)
                    .hasMessageStartingWith("the program or its inputs changed since this line was recorded: replay"
                            + " diverged at step " + (base.steps() + 1) + " (virtual time ")
                    .hasMessageContaining("), the line's run took " + base.steps() + " steps, and this one goes on.");
        }
    }

    @Test
    void aLineReplayedIntoAProgramThatEndsInFewerStepsFailsWithReplayDiverged() {
        SimResult<String> longer = Simulation.run(5, bank("sleep at the end"));
        SimResult<String> r = Simulation.builder().replay(longer.replayLine()).run(bank("none"));
        assertThat(r.failure()).isInstanceOf(ReplayDiverged.class).hasMessage("the program or its inputs changed since"
                + " this line was recorded: replay diverged at the end of the run (step " + r.steps()
                + ", virtual time 0s): the run ended after " + r.steps() + " steps, and the line's run took "
                + longer.steps() + ".");
        assertThat(r.steps()).isLessThan(longer.steps());
    }

    /** A run stopped at its step limit replays to that limit; without the limit the replay stops there too. */
    @Test
    void aLineOfAStoppedRunReplaysTheStepsBeforeTheStopAndEndsThere() {
        ThrowingSupplier<String> spins = () -> {
            while (true) {
                Loop.checkpoint();
            }
        };
        SimResult<String> stopped = Simulation.builder().seed(1).maxSteps(50).run(spins);
        assertThat(stopped.failure()).isInstanceOf(LimitExceeded.class);
        SimResult<String> same = Simulation.builder().replay(stopped.replayLine()).maxSteps(50).run(spins);
        assertThat(same.failure()).isInstanceOf(LimitExceeded.class);
        assertThat(same.traceDigest()).isEqualTo(stopped.traceDigest());
        SimResult<String> unlimited = Simulation.builder().replay(stopped.replayLine()).run(spins);
        assertThat(unlimited.failure()).isInstanceOf(ReplayDiverged.class)
                .hasMessageContaining("the line's run took 50 steps, and this one goes on. (A line of a run stopped"
                        + " from outside");
        assertThat(unlimited.steps()).isEqualTo(50);
    }

    /** Counts runs across the JVM: static state kept between runs, as a test's may be. */
    private static final java.util.concurrent.atomic.AtomicInteger RUNS = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Four tasks spawned in an order that state outside the simulation decides (each run starts one key
     * further on, as iterating a {@code HashSet} of identity-hashed keys gives another order in each
     * run): which body gets which task id differs between two runs of one seed, while ids, ready counts,
     * times and digests stay the same.
     */
    private static ThrowingSupplier<String> keyed(boolean namedByKey) {
        return () -> {
            int first = RUNS.getAndIncrement();
            List<String> log = new ArrayList<>();
            TaskGroup.with(tg -> {
                for (int i = 0; i < 4; i++) {
                    String key = "k" + (first + i) % 4;
                    ThrowingRunnable body = () -> {
                        Loop.checkpoint();
                        log.add(key);
                    };
                    if (namedByKey) {
                        tg.spawn("w-" + key, body);
                    } else {
                        tg.spawn(body);
                    }
                }
                return null;
            });
            throw new AssertionError("first was " + log.get(0));
        };
    }

    @Test
    void theDeterminismCheckSeesTasksSpawnedInAnotherOrderByTheirNames() {
        for (long seed = 0; seed < 10; seed++) {
            SimResult<String> r = Simulation.builder().seed(seed).checkDeterminism(true).run(keyed(true));
            assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                    .hasMessageMatching("(?s)nondeterminism detected at step \\d+: the task spawned as #\\d+ was 'w-k\\d' in"
                            + " the first run and is 'w-k\\d' in this one\\. Something outside the simulation decides.*");
        }
    }

    @Test
    void theDeterminismCheckSeesUnnamedTasksOfAnotherOrderByTheFailuresMessage() {
        for (long seed = 0; seed < 10; seed++) {
            SimResult<String> r = Simulation.builder().seed(seed).checkDeterminism(true).run(keyed(false));
            assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                    .hasMessageMatching("(?s)nondeterminism detected at the end of the run \\(step \\d+\\): both runs"
                            + " failed with java.lang.AssertionError, but the first with the message 'first was k\\d' and"
                            + " this one with 'first was k\\d'");
        }
    }

    @Test
    void messagesThatDifferOnlyInIdentityHashCodesAreTheSame() {
        SimResult<String> r = Simulation.builder().seed(3).checkDeterminism(true).run(() -> {
            throw new IllegalStateException("bad state in " + new Object() + " on thread #" + Thread.currentThread().threadId());
        });
        assertThat(r.failure()).isInstanceOf(IllegalStateException.class);
    }
}
