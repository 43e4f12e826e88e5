package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a replay line catches besides a recorded choice that no longer fits: a step added or dropped
 * where nobody chose (the choices alone do not show it). And what the determinism check does not
 * flag: a message that differs only in identity hash codes.
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
                    .hasMessageStartingWith("the replay goes on past the end of the line's run, which took " + base.steps()
                            + " steps (step " + (base.steps() + 1) + ", virtual time ")
                    .hasMessageEndingWith("if it ended there, the program or its inputs changed since the line was"
                            + " recorded (a step added where nobody chooses: one more checkpoint or sleep of a lone task)."
                            + dev.simloop.internal.ReplayPicker.IF_UNCHANGED);
        }
    }

    @Test
    void aLineReplayedIntoAProgramThatEndsInFewerStepsFailsWithReplayDiverged() {
        SimResult<String> longer = Simulation.run(5, bank("sleep at the end"));
        SimResult<String> r = Simulation.builder().replay(longer.replayLine()).run(bank("none"));
        assertThat(r.failure()).isInstanceOf(ReplayDiverged.class).hasMessage("the program or its inputs changed since"
                + " this line was recorded: replay diverged at the end of the run (step " + r.steps()
                + ", virtual time 0s): the run ended after " + r.steps() + " steps, and the line's run took "
                + longer.steps() + "." + dev.simloop.internal.ReplayPicker.IF_UNCHANGED);
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
                .hasMessageContaining("which took 50 steps (step 51, virtual time 0s). If that run was stopped there (by"
                        + " maxSteps or maxVirtualTime, a test's time-out, a step over its wall-time limit), replay it with"
                        + " the same limit, or with lenientReplay(true) to go on past the line with its strategy");
        assertThat(unlimited.steps()).isEqualTo(50);
        // as the message says: a lenient replay goes on past the line, here to a higher limit
        SimResult<String> further = Simulation.builder().replay(stopped.replayLine()).lenientReplay(true).maxSteps(80)
                .run(spins);
        assertThat(further.failure()).isInstanceOf(LimitExceeded.class).hasMessageStartingWith("simulation stopped after 80 steps");
    }

    /** Counts spawns across runs, as a static counter of connection ids would. */
    private static final java.util.concurrent.atomic.AtomicInteger SPAWNED = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Task names that count across runs and a failure message with a hash code in decimal differ
     * between the check's two runs for harmless reasons: the check compares the schedule, and reports
     * the run's own failure. (Comparing names and messages turned such a lost update into
     * NondeterminismDetected, and failed a passing program.)
     */
    @Test
    void theDeterminismCheckComparesTheScheduleNotTaskNamesOrMessages() {
        SimResult<String> r = Simulation.builder().seed(2).checkDeterminism(true).run(() -> {
            int[] count = {0};
            TaskGroup.with(tg -> {
                for (int i = 0; i < 2; i++) {
                    tg.spawn("worker-" + SPAWNED.incrementAndGet(), () -> {
                        int v = count[0];
                        Loop.checkpoint();
                        count[0] = v + 1;
                    });
                }
                return null;
            });
            if (count[0] != 2) {
                throw new IllegalStateException("lost update in request " + new Object().hashCode());
            }
            return "counted";
        });
        assertThat(r.failed() ? r.failure().getClass().getName() : r.value())
                .isIn("counted", IllegalStateException.class.getName());
        SimResult<String> passing = Simulation.builder().seed(1).checkDeterminism(true).run(() -> {
            TaskGroup.with(tg -> {
                ThrowingRunnable step = Loop::checkpoint;
                return tg.spawn("worker-" + SPAWNED.incrementAndGet(), step);
            });
            return "passed";
        });
        assertThat(passing.value()).isEqualTo("passed");
    }

    @Test
    void messagesThatDifferOnlyInIdentityHashCodesAreTheSame() {
        SimResult<String> r = Simulation.builder().seed(3).checkDeterminism(true).run(() -> {
            throw new IllegalStateException("bad state in " + new Object() + " on thread #" + Thread.currentThread().threadId());
        });
        assertThat(r.failure()).isInstanceOf(IllegalStateException.class);
    }

    /** Two tasks take two locks in opposite orders: a deadlock under schedules that switch between the takes. */
    private static ThrowingSupplier<String> lockOrder() {
        return () -> {
            dev.simloop.sync.Lock a = new dev.simloop.sync.Lock();
            dev.simloop.sync.Lock b = new dev.simloop.sync.Lock();
            TaskGroup.with(tg -> {
                tg.spawn("ab", () -> {
                    a.acquire();
                    b.acquire();
                    b.release();
                    a.release();
                });
                tg.spawn("ba", () -> {
                    b.acquire();
                    a.acquire();
                    a.release();
                    b.release();
                });
                return null;
            });
            return "done";
        };
    }

    /**
     * A strict replay that ends in a deadlock before the line's run ended diverged as one that
     * ends sooner does: the deadlock does not hide it (it is kept as suppressed).
     */
    @Test
    void aLineReplayedIntoAProgramThatDeadlocksSoonerFailsWithReplayDiverged() {
        SimResult<String> deadlocked = null;
        for (long seed = 0; deadlocked == null; seed++) {
            SimResult<String> r = Simulation.builder().seed(seed).strategy(Strategy.random()).run(lockOrder());
            deadlocked = r.failure() instanceof DeadlockDetected ? r : null;
        }
        // its own line replays the deadlock as it was
        SimResult<String> same = Simulation.builder().replay(deadlocked.replayLine()).run(lockOrder());
        assertThat(same.failure()).isInstanceOf(DeadlockDetected.class);
        assertThat(same.traceDigest()).isEqualTo(deadlocked.traceDigest());
        // other programs' lines replayed into it: a deadlock before the line's end is a divergence too
        int divergedInADeadlock = 0;
        for (long seed = 0; seed < 40; seed++) {
            SimResult<String> other = Simulation.run(seed, bank("sleep at the end"));
            SimResult<String> r = Simulation.builder().replay(other.replayLine()).run(lockOrder());
            assertThat(r.failure()).as("seed %d", seed).isNotInstanceOf(DeadlockDetected.class);
            if (r.failure() instanceof ReplayDiverged d && d.getSuppressed().length > 0) {
                assertThat(d).hasMessageContaining(", in a deadlock): ");
                assertThat(d.getSuppressed()[0]).isInstanceOf(DeadlockDetected.class);
                divergedInADeadlock++;
            }
        }
        assertThat(divergedInADeadlock).isPositive();
    }
}
