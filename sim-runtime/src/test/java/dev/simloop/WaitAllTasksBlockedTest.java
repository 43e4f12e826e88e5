package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.sync.Event;
import dev.simloop.sync.Semaphore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Loop#waitAllTasksBlocked()}: returns when every other task waits, and the clock has not moved. */
class WaitAllTasksBlockedTest {
    /** Three tasks that do some steps and then wait; returns what the caller saw when it got back. */
    static List<String> program() {
        List<String> log = new ArrayList<>();
        Event go = new Event("go");
        Semaphore none = new Semaphore(0, "none");
        return TaskGroup.with(tg -> {
            tg.spawn("sleeper", () -> {
                log.add("sleeper starts");
                Loop.sleep(Duration.ofSeconds(10));
                log.add("sleeper woke");
            });
            tg.spawn("busy", () -> {
                for (int i = 0; i < 3; i++) {
                    Loop.checkpoint();
                    log.add("busy " + i);
                }
                none.acquire();
            });
            tg.spawn("waiter", () -> {
                go.await();
                log.add("waiter went");
            });
            long before = Loop.nanoTime();
            Loop.waitAllTasksBlocked();
            List<String> seen = new ArrayList<>(log);
            seen.add("clock moved " + (Loop.nanoTime() - before >= Duration.ofSeconds(10).toNanos()));
            go.set();
            Loop.waitAllTasksBlocked();
            seen.add(log.getLast());
            tg.cancel();
            return seen;
        });
    }

    @Test
    void inASimulationItReturnsOnceEveryOtherTaskWaitsAtTheSameVirtualTime() {
        for (long seed = 0; seed < 20; seed++) {
            SimResult<List<String>> r = Simulation.run(seed, WaitAllTasksBlockedTest::program);
            assertThat(r.value()).as("seed " + seed).containsExactlyInAnyOrder("sleeper starts", "busy 0", "busy 1",
                    "busy 2", "clock moved false", "waiter went");
            assertThat(r.value().subList(4, 6)).containsExactly("clock moved false", "waiter went");
            assertThat(r.virtualTime()).isEqualTo(Duration.ZERO);
        }
    }

    @Test
    void inRealModeItReturnsOnceEveryOtherTaskWaits() {
        List<String> seen = Loop.run(WaitAllTasksBlockedTest::program);
        assertThat(seen).containsExactly("sleeper starts", "busy 0", "busy 1", "busy 2", "clock moved false",
                "waiter went");
    }

    @Test
    void withNothingElseRunningItReturnsAtOnceAndItIsACheckpoint() {
        SimResult<Long> r = Simulation.run(1, () -> {
            Loop.waitAllTasksBlocked();
            return Loop.nanoTime();
        });
        assertThat(r.value()).isZero();
        assertThat(r.steps()).isEqualTo(2);
        SimResult<String> cancelled = Simulation.run(1, () -> CancelScope.run(scope -> {
            scope.cancel();
            try {
                Loop.waitAllTasksBlocked();
                return "returned";
            } catch (Cancelled e) {
                return "cancelled";
            }
        }));
        assertThat(cancelled.value()).isEqualTo("cancelled");
    }

    /**
     * A task parked on a future nobody has completed counts as blocked: waitAllTasksBlocked returns,
     * and the caller may be what completes it. Before, a simulation waited maxStepWallTime for the
     * outside world to complete it, then failed with NondeterminismDetected (a real loop returned).
     */
    @Test
    void aTaskParkedOnAnIncompleteFutureCountsAsBlocked() {
        ThrowingSupplier<String> program = () -> {
            java.util.concurrent.CompletableFuture<String> answer = new java.util.concurrent.CompletableFuture<>();
            return TaskGroup.with(tg -> {
                Task<String> asker = tg.spawn("asker", () -> "got " + answer.join());
                Loop.waitAllTasksBlocked();
                answer.complete("42");
                return asker.join();
            });
        };
        for (long seed = 0; seed < 5; seed++) {
            SimResult<String> r = Simulation.builder().seed(seed).maxStepWallTime(Duration.ofSeconds(5)).run(program);
            assertThat(r.failure()).as("seed %d", seed).isNull();
            assertThat(r.value()).isEqualTo("got 42");
        }
        assertThat(Loop.run(program)).isEqualTo("got 42");
    }
}
