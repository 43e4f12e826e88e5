package dev.simloop.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.SimulationFailure;
import dev.simloop.TaskGroup;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GettingStartedSnippetsTest {
    @Test
    void firstLoop() {
        // snippet:first-loop
        String greeting = Loop.run(() -> {
            Loop.sleep(Duration.ofMillis(5));   // a checkpoint: other tasks may run meanwhile
            return "hello after " + Loop.nanoTime() / 1_000_000 + " ms or more";
        });
        // end-snippet
        assertThat(greeting).startsWith("hello after ");
    }

    @Test
    void firstSimulation() {
        // snippet:first-simulation
        SimResult<Long> r = Simulation.run(7, () -> {
            Loop.sleep(Duration.ofHours(1));    // returns at once: the clock is virtual
            return Loop.nanoTime();
        });
        long elapsed = r.value();               // exactly 3_600_000_000_000 ns
        // end-snippet
        assertThat(elapsed).isEqualTo(Duration.ofHours(1).toNanos());
        assertThat(r.virtualTime()).isEqualTo(Duration.ofHours(1));
    }

    // snippet:racy-counter
    static int racyCounter() {
        int[] count = {0};
        TaskGroup.with(tg -> {
            for (int i = 0; i < 3; i++) {
                tg.spawn(() -> {
                    int seen = count[0];
                    Loop.sleep(Duration.ofMillis(Loop.random().nextInt(3)));  // a checkpoint
                    count[0] = seen + 1;
                });
            }
            return null;
        });
        if (count[0] != 3) {
            throw new AssertionError("lost update: count = " + count[0]);
        }
        return count[0];
    }
    // end-snippet

    @Test
    void findAndReplayARace() {
        // snippet:hunt-and-replay
        String failing = null;
        for (long seed = 0; seed < 1_000; seed++) {
            SimResult<Integer> r = Simulation.run(seed, () -> racyCounter());
            if (r.failed()) {
                System.out.println("seed " + seed + " fails; replay with " + r.replayLine());
                failing = r.replayLine();
                break;
            }
        }
        // later, anywhere: the same run, the same failure
        SimResult<Integer> again = Simulation.builder().replay(failing).run(() -> racyCounter());
        // again.value() throws SimulationFailure with the seed and the replay line in its message
        // end-snippet
        assertThat(again.failed()).isTrue();
        assertThat(again.failure()).hasMessageStartingWith("lost update: count = ");
        assertThat(again.replayLine()).isEqualTo(failing);
        SimulationFailure f = org.junit.jupiter.api.Assertions.assertThrows(SimulationFailure.class, again::value);
        assertThat(f.getMessage()).contains(failing).contains("seed:");
        assertThat(f.getCause()).isSameAs(again.failure());
    }
}
