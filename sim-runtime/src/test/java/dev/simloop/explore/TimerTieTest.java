package dev.simloop.explore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.CancelScope;
import dev.simloop.Loop;
import dev.simloop.NondeterminismDetected;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Issue 4: timers due at the same virtual instant fire in an order the strategy chooses and records. */
class TimerTieTest {
    private static final Duration SECOND = Duration.ofSeconds(1);

    /** A call that takes exactly as long as its timeout: the sleep's wake-up and the deadline tie. */
    private static String callWithTimeoutOfItsOwnLength() {
        Optional<String> r = CancelScope.moveOnAfter(SECOND, () -> {
            Loop.sleep(SECOND);
            return "completed at " + Loop.nanoTime();
        });
        return r.orElse("timed out at " + Loop.nanoTime());
    }

    @Test
    void fifoLetsTheDeadlineWinATie() {
        SimResult<String> r = Simulation.builder().strategy(Strategy.fifo()).run(TimerTieTest::callWithTimeoutOfItsOwnLength);
        assertThat(r.value()).isEqualTo("timed out at 1000000000");
    }

    @Test
    void theTieIsARecordedChoiceEvenWithASingleTask() {
        // one task, so no choice among ready tasks: the only recorded choice is the timer tie
        SimResult<String> r = Simulation.builder().strategy(Strategy.fifo()).run(TimerTieTest::callWithTimeoutOfItsOwnLength);
        assertThat(dev.simloop.Schedule.parse(r.schedule()).choices()).containsExactly(0);
    }

    @Test
    void randomExploresBothOutcomesAndEachReplays() {
        Map<String, String> lineByOutcome = new HashMap<>();
        for (long seed = 0; seed < 40; seed++) {
            SimResult<String> r = Simulation.run(seed, TimerTieTest::callWithTimeoutOfItsOwnLength);
            lineByOutcome.putIfAbsent(r.value(), r.schedule());
        }
        assertThat(lineByOutcome).containsOnlyKeys("timed out at 1000000000", "completed at 1000000000");
        lineByOutcome.forEach((outcome, line) -> assertThat(
                Simulation.builder().replay(line).run(TimerTieTest::callWithTimeoutOfItsOwnLength).value())
                .isEqualTo(outcome));
    }

    @Test
    void aWakeUpThatWinsTheTieCompletesTheSleepAndTheNextCheckpointSeesTheCancel() {
        // After the wake-up fires first, the deadline still cancels the scope: the sleep has
        // returned, so the cancel is delivered at the task's next checkpoint.
        List<String> seen = new ArrayList<>();
        for (long seed = 0; seed < 40 && seen.size() < 1; seed++) {
            List<String> log = Simulation.run(seed, () -> {
                List<String> l = new ArrayList<>();
                CancelScope.moveOnAfter(SECOND, () -> {
                    Loop.sleep(SECOND);
                    l.add("slept");
                    Loop.checkpoint();
                    l.add("after checkpoint");
                    return null;
                });
                return l;
            }).value();
            if (!log.isEmpty()) {
                seen.addAll(log);
            }
        }
        assertThat(seen).containsExactly("slept");
    }

    @Test
    void threeTiedTimersAreTwoChoices() {
        // two nested deadlines and a sleep at 1s: pick one of three, then one of two, then the last fires
        SimResult<Object> r = Simulation.builder().strategy(Strategy.fifo()).run(() -> CancelScope.moveOnAfter(SECOND,
                () -> CancelScope.moveOnAfter(SECOND, () -> {
                    Loop.sleep(SECOND);
                    return null;
                })));
        assertThat(dev.simloop.Schedule.parse(r.schedule()).choices()).containsExactly(0, 0);
    }

    @Test
    void aStrictReplayWhoseTieHasFewerTimersFailsNamingTheStep() {
        // Step 1 runs main up to its sleep; the tie decides what step 2 is. Two nested scopes and a
        // sleep, all due at 1s: three tied timers. Find a run whose first
        // tie choice is the third timer, then replay it against a program with only two.
        String line = null;
        for (long seed = 0; line == null && seed < 100; seed++) {
            SimResult<Object> r = Simulation.run(seed, () -> CancelScope.moveOnAfter(SECOND,
                    () -> CancelScope.moveOnAfter(SECOND, () -> {
                        Loop.sleep(SECOND);
                        return null;
                    })));
            if (dev.simloop.Schedule.parse(r.schedule()).choices().get(0) == 2) {
                line = r.schedule();
            }
        }
        assertThat(line).isNotNull();
        SimResult<String> changed = Simulation.builder().replay(line).run(TimerTieTest::callWithTimeoutOfItsOwnLength);
        assertThat(changed.failure()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageStartingWith("replay diverged at step 2 (virtual time 1s), choice 0: the recorded choice "
                        + "is tied timer #2 but only 2 tied timers are candidates");
        SimResult<String> lenient = Simulation.builder().replay(line).lenientReplay(true)
                .run(TimerTieTest::callWithTimeoutOfItsOwnLength);
        assertThat(lenient.failed()).isFalse();
        assertThat(lenient.value()).endsWith("at 1000000000");
    }
}
