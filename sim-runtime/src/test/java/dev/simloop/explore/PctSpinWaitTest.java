package dev.simloop.explore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Exploration;
import dev.simloop.LimitExceeded;
import dev.simloop.Loop;
import dev.simloop.Schedule;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import dev.simloop.ThrowingSupplier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PCT on programs that poll: {@code Loop.spinWait()} lowers the poller so the task it waits for
 * runs, and PCT learns its step count only from runs that show the program's length.
 */
class PctSpinWaitTest {
    private static final int SEEDS = 500;
    private static final long MAX_STEPS = 2_000;

    /** How a program's polling loops yield. */
    interface Yield {
        void now();
    }

    /**
     * A spin lock built on a plain field (test, then set, with a yield between: the race the lock
     * guards is modelled, not avoided), a relay of flags (each of three tasks waits for the one
     * before it), and a worker that polls for the relay's end. Every loop has a way out.
     */
    static int spinners(Yield yield) {
        boolean[] locked = {false};
        boolean[] relay = new boolean[3];
        int[] counter = {0};
        TaskGroup.with(g -> {
            for (int t = 0; t < 3; t++) {
                g.spawn("locker" + t, () -> {
                    for (int round = 0; round < 2; round++) {
                        while (locked[0]) {
                            yield.now();
                        }
                        locked[0] = true;
                        int v = counter[0];
                        Loop.checkpoint();
                        counter[0] = v + 1;
                        locked[0] = false;
                        Loop.checkpoint();
                    }
                });
            }
            for (int t = 0; t < 3; t++) {
                int me = t;
                g.spawn("relay" + t, () -> {
                    while (me > 0 && !relay[me - 1]) {
                        yield.now();
                    }
                    Loop.checkpoint();
                    relay[me] = true;
                });
            }
            g.spawn("waiter", () -> {
                while (!relay[2]) {
                    yield.now();
                }
            });
            return null;
        });
        return counter[0];
    }

    private static int limitExceeded(Strategy strategy, Yield yield) {
        Exploration.Report<Integer> r = Exploration.of(() -> spinners(yield)).strategy(strategy).schedules(SEEDS)
                .maxSteps(MAX_STEPS).stopAtFirstFailure(false).failWhen(e -> e instanceof LimitExceeded).run();
        assertThat(r.otherFailures()).as("no failure but the step limit").isEmpty();
        return r.failingSchedules();
    }

    @Test
    void fewerThanOnePercentOfPctSchedulesLivelockWhenTheLoopsSpinWait() {
        for (Strategy s : List.of(Strategy.pct(2), Strategy.pct(3))) {
            int stuck = limitExceeded(s, Loop::spinWait);
            assertThat(stuck * 100).as("%s: %d of %d schedules ended in LimitExceeded", s, stuck, SEEDS)
                    .isLessThan(SEEDS);
        }
    }

    @Test
    void theSameLoopsWithPlainCheckpointsLivelockUnderPct() {
        // What spinWait fixes: the most urgent poller is chosen again and again.
        for (Strategy s : List.of(Strategy.pct(2), Strategy.pct(3))) {
            int stuck = limitExceeded(s, Loop::checkpoint);
            assertThat(stuck * 10).as("%s: %d of %d schedules ended in LimitExceeded", s, stuck, SEEDS)
                    .isGreaterThan(SEEDS);
        }
    }

    /** A poller at plain checkpoints under the schedule without preemptions: the setter never runs. */
    private static SimResult<Integer> pollsForAFlag(Yield yield) {
        return Simulation.builder().strategy(Strategy.nonPreemptive()).maxSteps(MAX_STEPS).run(() -> {
            boolean[] flag = {false};
            int[] polls = {0};
            TaskGroup.with(g -> {
                g.spawn("poller", () -> {
                    while (!flag[0]) {
                        polls[0]++;
                        yield.now();
                    }
                });
                g.spawn("setter", () -> {
                    flag[0] = true;
                });
                return null;
            });
            return polls[0];
        });
    }

    @Test
    void theStepLimitsMessageSaysToPollWithSpinWaitWhenNoTaskDid() {
        SimResult<Integer> plain = pollsForAFlag(Loop::checkpoint);
        assertThat(plain.failure()).isInstanceOf(LimitExceeded.class).hasMessage("simulation stopped after 2000"
                + " steps (maxSteps = 2000) at virtual time 0s: a task may be spinning on checkpoints without making"
                + " progress. A task that waits for another by polling should yield with Loop.spinWait(), not"
                + " Loop.checkpoint(): at a plain checkpoint the poller may go on forever (PCT, nonpreemptive and"
                + " the bounded searches let it), and the task it waits for never runs. Raise the limit with"
                + " Simulation.builder().maxSteps(n) or @SimulatedLoop(maxSteps = n).\nTasks still alive:\n"
                + "  task 'main' waits for its task group to finish (2 tasks still running): tasks 'poller' and 'setter', at "
                + PctSpinWaitTest.class.getName() + ".lambda$pollsForAFlag$0(PctSpinWaitTest.java:107)\n"
                // the spinning task's line points at its poll; the task it waits for never started
                + "  task 'poller' is ready to run, at " + PctSpinWaitTest.class.getName() + ".lambda$pollsForAFlag$2"
                + "(PctSpinWaitTest.java:111)\n"
                + "  task 'setter' is ready to run and has not started");
        // the advice works: with spinWait the setter runs at the poller's first poll
        SimResult<Integer> spin = pollsForAFlag(Loop::spinWait);
        assertThat(spin.failed()).as("%s", spin.failure()).isFalse();
        assertThat(spin.value()).isEqualTo(1);
    }

    @Test
    void theStepLimitsMessageGivesTheFirstFiftyLiveTasksTheirLineAndCountsTheRest() {
        SimResult<Object> r = Simulation.builder().strategy(Strategy.fifo()).maxSteps(MAX_STEPS).run(() -> TaskGroup.with(g -> {
            for (int i = 0; i < 200; i++) {
                g.spawn(() -> {
                    while (true) {
                        Loop.spinWait();
                    }
                });
            }
            return null;
        }));
        assertThat(r.failure()).isInstanceOf(LimitExceeded.class);
        List<String> lines = r.failure().getMessage().lines().toList();
        assertThat(lines.get(0)).endsWith("@SimulatedLoop(maxSteps = n).");
        assertThat(lines.get(1)).isEqualTo("Tasks still alive:");
        lines = lines.subList(1, lines.size());
        assertThat(lines.get(1)).startsWith("  task 'main' waits for its task group to finish (200 tasks still running):"
                + " tasks 'task-1', 'task-2', ").contains(", 'task-20' and 180 more, at " + PctSpinWaitTest.class.getName()
                + ".lambda$");
        for (int i = 2; i <= 50; i++) {
            assertThat(lines.get(i)).startsWith("  task 'task-" + (i - 1) + "' is ready to run, at "
                    + PctSpinWaitTest.class.getName() + ".lambda$");
        }
        // past the fiftieth no stack is read: the rest are counted by their wait alone
        assertThat(lines.subList(51, lines.size())).containsExactly("  and 151 more, counted by their wait:",
                "    151 × is ready to run");
    }

    @Test
    void aRunThatSpinWaitsAndStillReachesTheLimitIsNotToldToSpinWait() {
        SimResult<Object> r = Simulation.builder().strategy(Strategy.fifo()).maxSteps(MAX_STEPS).run(() -> {
            while (true) {
                Loop.spinWait(); // waits for nothing that will come
            }
        });
        assertThat(r.failure()).isInstanceOf(LimitExceeded.class)
                .hasMessageContaining("a task may be spinning on checkpoints without making progress. Raise the limit"
                        + " with Simulation.builder().maxSteps(n) or @SimulatedLoop(maxSteps = n).\nTasks still alive:\n"
                        + "  task 'main' is ready to run, at " + PctSpinWaitTest.class.getName())
                .hasMessageNotContaining("Loop.spinWait(), not Loop.checkpoint()");
    }

    @Test
    void otherStrategiesRunSpinWaitExactlyAsACheckpoint() {
        // spawner-first too: its spawner goes on after a spawning step, also one that ends in a spin-wait
        for (Strategy s : List.of(Strategy.fifo(), Strategy.random(), Strategy.pos(), Strategy.spawnerFirst())) {
            for (long seed = 0; seed < 20; seed++) {
                SimResult<Integer> spin = run(s, seed, () -> spinners(Loop::spinWait));
                SimResult<Integer> plain = run(s, seed, () -> spinners(Loop::checkpoint));
                assertThat(spin.traceDigest()).as("%s seed %d", s, seed).isEqualTo(plain.traceDigest());
                assertThat(spin.replayLine().equals(plain.replayLine())).as("%s seed %d: same line", s, seed).isTrue();
                assertThat(spin.steps()).isEqualTo(plain.steps());
            }
        }
    }

    /**
     * The producer sets 1, then (after a checkpoint) 2; the poller fails when it sees the 1. A bug of
     * depth 2 among 2 tasks: PCT finds it with probability at least 1/(n·k) per schedule. A poller that
     * stayed below the producer after its spin-wait could never run between the producer's two steps,
     * so no PCT schedule found it; it gets its priority back once the producer's step ends.
     */
    static int pollsAnIntermediateValue() {
        int[] slot = {0};
        return TaskGroup.with(g -> {
            g.spawn("producer", () -> {
                slot[0] = 1;
                Loop.checkpoint();
                slot[0] = 2;
            });
            while (slot[0] == 0) {
                Loop.spinWait();
            }
            if (slot[0] == 1) {
                throw new IllegalStateException("saw the intermediate value");
            }
            return slot[0];
        });
    }

    @Test
    void pctFindsARaceBetweenTheStepsOfTheTaskASpinnerWaitsFor() {
        for (Strategy s : List.of(Strategy.pct(2), Strategy.pct(2, 5), Strategy.pct(3))) {
            Exploration.Report<Integer> r = Exploration.of(PctSpinWaitTest::pollsAnIntermediateValue).strategy(s)
                    .schedules(SEEDS).maxSteps(MAX_STEPS).stopAtFirstFailure(false).run();
            assertThat(r.otherFailures()).as("%s: no failure but the race", s).isEmpty();
            // the bound: 1/(2·50) for pct(2) (1/(2·5) for pct(2,5)); more than 1 in 100 of 500 is at least 5
            assertThat(r.failingSchedules()).as("%s: %d of %d schedules saw the intermediate value", s,
                    r.failingSchedules(), SEEDS).isGreaterThanOrEqualTo(5);
        }
    }

    @Test
    void spinWaitLowersTheCallerBelowEveryTaskThatDoesNotSpin() {
        // pct(1) has no change points: without spinWait, the poller with the higher priority never
        // lets the other run. With it, the other task runs as soon as the poller first polls.
        for (long seed = 0; seed < 50; seed++) {
            List<String> order = new ArrayList<>();
            SimResult<Integer> r = run(Strategy.pct(1), seed, () -> {
                boolean[] flag = {false};
                TaskGroup.with(g -> {
                    g.spawn("poller", () -> {
                        while (!flag[0]) {
                            order.add("poll");
                            Loop.spinWait();
                        }
                        order.add("seen");
                    });
                    g.spawn("setter", () -> {
                        order.add("set");
                        flag[0] = true;
                    });
                    return null;
                });
                return order.size();
            });
            assertThat(r.failed()).as("seed %d: %s", seed, r.failure()).isFalse();
            assertThat(order).as("seed %d", seed).isIn(List.of("set", "seen"), List.of("poll", "set", "seen"));
        }
    }

    /**
     * A spinner that polls with a plain checkpoint (so the PCT schedules whose change point lowers
     * the setter before it sets the flag end at the step limit) and a setter; the bug: the spinner
     * reads {@code x} between the setter's last two steps.
     */
    static int spinThenRead() {
        boolean[] flag = {false};
        int[] x = {0};
        TaskGroup.with(g -> {
            g.spawn("spinner", () -> {
                for (int i = 0; i < 30; i++) {
                    Loop.checkpoint();
                }
                while (!flag[0]) {
                    Loop.checkpoint();
                }
                Loop.checkpoint();
                if (x[0] == 0) {
                    throw new AssertionError("read x before it was written");
                }
            });
            g.spawn("setter", () -> {
                for (int i = 0; i < 30; i++) {
                    Loop.checkpoint();
                }
                flag[0] = true;
                Loop.checkpoint();
                x[0] = 1;
            });
            return null;
        });
        return x[0];
    }

    @Test
    void pctLearnsTheChoiceCountOnlyFromRunsThatEndedNormallyOrWithTheBugHunted() {
        ThrowingSupplier<Integer> program = PctSpinWaitTest::spinThenRead;
        Exploration.Report<Integer> report = Exploration.of(program).strategy(Strategy.pct(2)).schedules(2_000)
                .maxSteps(MAX_STEPS).failWhen(e -> e instanceof AssertionError).run();
        int index = report.firstFailureIndex();
        assertThat(index).as(report.toString()).isPositive();
        assertThat(report.otherFailures()).as("runs stopped by the step limit before the bug")
                .containsKey(LimitExceeded.class.getName());
        int learned = 0;
        int stopped = 0;
        for (int i = 0; i < index; i++) {
            Strategy s = learned > 0 ? Strategy.pct(2, learned) : Strategy.pct(2);
            SimResult<Integer> earlier = Simulation.builder().seed(i).strategy(s).maxSteps(MAX_STEPS).run(program);
            if (earlier.failure() instanceof LimitExceeded) {
                stopped++;
                continue; // its length is the limit's: it teaches nothing
            }
            assertThat(earlier.failed()).as("schedule %d: %s", i, earlier.failure()).isFalse();
            if (i < 32) { // PCT learns from the first 32 schedules only (Explorer.LEARNING_SCHEDULES)
                learned = Math.max(learned, Schedule.parse(earlier.replayLine()).size());
            }
        }
        assertThat(stopped).isEqualTo(report.otherFailures().get(LimitExceeded.class.getName()));
        assertThat(learned).as("the longest normal run's choices, far below the step limit").isBetween(1, (int) MAX_STEPS / 4);
        assertThat(Schedule.parse(report.firstFailure().orElseThrow().replayLine()).strategy())
                .isEqualTo("pct(2," + learned + ")");
    }

    private static SimResult<Integer> run(Strategy s, long seed, ThrowingSupplier<Integer> main) {
        return Simulation.builder().seed(seed).strategy(s).maxSteps(MAX_STEPS).run(main);
    }
}
