package dev.simloop.vt;

import static dev.simloop.vt.Sim.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simloop.Loop;
import dev.simloop.NondeterminismDetected;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.TaskGroup;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Awaitility's {@code await()} in simulated tasks, with the agent. Polling on the task
 * ({@code pollInSameThread()}) runs its poll interval and {@code atMost} on the virtual clock and
 * replays exactly; its default, polling on a thread of its own, fails the run with the fix.
 */
class AwaitilityWithAgentTest {
    /** A task that counts to five, one every 100 ms, and one that awaits the count polling every 30 ms. */
    private static SimResult<String> countedAndAwaited(long seed) {
        return Simulation.run(seed, () -> {
            AtomicInteger count = new AtomicInteger();
            return TaskGroup.with(g -> {
                g.spawn(() -> {
                    for (int i = 0; i < 5; i++) {
                        Loop.sleep(Duration.ofMillis(100));
                        count.incrementAndGet();
                    }
                });
                return g.spawn(() -> {
                    await().pollInSameThread().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(30))
                            .until(() -> count.get() == 5);
                    return at(count.get());
                }).join();
            });
        });
    }

    @Test
    void pollingOnTheTaskWaitsInVirtualTimeAndReplaysExactly() {
        SimResult<String> r = countedAndAwaited(1);
        assertThat(r.failure()).isNull();
        // polls at 30, 60, ... ms: the first after the fifth count at 500 ms is at 510 ms
        assertThat(r.value()).isEqualTo("5@PT0.51S");
        for (long seed = 1; seed <= 20; seed++) {
            SimResult<String> first = countedAndAwaited(seed);
            SimResult<String> again = countedAndAwaited(seed);
            assertThat(again.value()).as("seed %d", seed).isEqualTo(first.value());
            assertThat(again.replayLine()).as("seed %d", seed).isEqualTo(first.replayLine());
        }
    }

    @Test
    void atMostRunsOutOnTheVirtualClock() {
        String timedOut = Sim.ok(() -> {
            try {
                await().pollInSameThread().atMost(Duration.ofSeconds(10)).until(() -> false);
                return "condition met";
            } catch (ConditionTimeoutException e) {
                return at("timed out");
            }
        }).value();
        assertThat(timedOut).startsWith("timed out@PT10");
    }

    @Test
    void pollingOnAThreadOfItsOwnFailsTheRunAndSaysToPollOnTheTask() {
        SimResult<Boolean> r = Simulation.run(1, () -> {
            await().atMost(Duration.ofSeconds(5)).until(() -> true);
            return true;
        });
        assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageContaining("task 'main' created a thread the simulation does not own: the thread on which"
                        + " Awaitility evaluates the condition of an await() (its default), at"
                        + " dev.simloop.vt.AwaitilityWithAgentTest.lambda$")
                .hasMessageContaining("Let the task poll the condition itself: await().pollInSameThread() for one"
                        + " await, or Awaitility.pollInSameThread() once");
    }
}
