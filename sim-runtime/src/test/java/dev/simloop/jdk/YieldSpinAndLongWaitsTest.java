package dev.simloop.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.CancelScope;
import dev.simloop.DeadlockDetected;
import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.TaskGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, item 3: what {@code Thread.yield()} and {@code Thread.onSpinWait()} do in a task, and
 * JDK waits whose time-out no run reaches ({@code ExecutorService.close()} waits a day at a time).
 */
class YieldSpinAndLongWaitsTest {

    private static List<String> twoYielders() {
        List<String> log = new ArrayList<>();
        TaskGroup.with(tg -> {
            for (String name : List.of("a", "b")) {
                tg.spawn(name, () -> {
                    for (int i = 0; i < 2; i++) {
                        log.add(name + i);
                        Thread.yield();
                    }
                });
            }
            return null;
        });
        return log;
    }

    @Test
    void threadYieldLetsTheOtherReadyTasksRunLikeACheckpoint() {
        assertThat(Loop.run(YieldSpinAndLongWaitsTest::twoYielders)).containsExactly("a0", "b0", "a1", "b1");
        assertThat(Simulation.run(1, YieldSpinAndLongWaitsTest::twoYielders).steps())
                .as("each yield ends a step").isEqualTo(Simulation.run(1, () -> {
                    List<String> log = new ArrayList<>();
                    TaskGroup.with(tg -> {
                        for (String name : List.of("a", "b")) {
                            tg.spawn(name, () -> {
                                for (int i = 0; i < 2; i++) {
                                    log.add(name + i);
                                    Loop.checkpoint();
                                }
                            });
                        }
                        return null;
                    });
                    return log;
                }).steps());
    }

    @Test
    void threadYieldIsNotACancellationPoint() {
        SimResult<String> r = Simulation.run(1, () -> CancelScope.run(scope -> {
            scope.cancel();
            Thread.yield(); // no Cancelled here, unlike Loop.checkpoint()
            return "after the yield";
        }));
        assertThat(r.value()).isEqualTo("after the yield");
    }

    @Test
    void threadOnSpinWaitDoesNotLetOtherTasksRun() {
        SimResult<String> r = Simulation.run(1, () -> TaskGroup.with(tg -> {
            boolean[] flag = {false};
            tg.spawn("setter", () -> {
                flag[0] = true;
            });
            int spins = 0;
            while (!flag[0] && spins < 10_000) {
                Thread.onSpinWait(); // a CPU hint only: the setter never runs in between
                spins++;
            }
            return "spun " + spins + ", flag " + flag[0];
        }));
        assertThat(r.value()).isEqualTo("spun 10000, flag false");
    }

    @Test
    void aLatchWaitOfHoursWokenByATaskIsAnUntimedWait() {
        SimResult<String> r = Simulation.run(1, () -> TaskGroup.with(tg -> {
            CountDownLatch latch = new CountDownLatch(1);
            tg.spawn("opener", latch::countDown);
            boolean opened = latch.await(2, TimeUnit.HOURS);
            return opened + " at " + Loop.nanoTime();
        }));
        assertThat(r.value()).isEqualTo("true at 0");
    }

    @Test
    void closingAThreadPerTaskExecutorWhileItsThreadsRunWaitsForThem() {
        SimResult<String> r = Simulation.run(1, () -> {
            List<String> log = new ArrayList<>();
            try (ExecutorService ex = Executors.newThreadPerTaskExecutor(Loop.threadFactory())) {
                ex.execute(() -> {
                    Loop.sleep(java.time.Duration.ofSeconds(3));
                    log.add("ran");
                });
            } // close(): awaitTermination(1 day) on a latch, until the task ends
            return log + " at " + Loop.nanoTime();
        });
        assertThat(r.value()).isEqualTo("[ran] at 3000000000");
    }

    /** Without the agent, as with it (agent-tests' ExecutorsWithAgentTest): a close that can never end is a deadlock at once. */
    @Test
    void aCloseThatCanNeverEndIsADeadlockNamingTheWaits() {
        SimResult<Object> r = Simulation.run(1, () -> {
            CountDownLatch nobodyCountsDown = new CountDownLatch(1);
            try (ExecutorService ex = Executors.newThreadPerTaskExecutor(Loop.threadFactory())) {
                ex.submit(() -> {
                    nobodyCountsDown.await();
                    return null;
                });
            }
            return null;
        });
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class)
                .hasMessageStartingWith("deadlock: every task is blocked and no timer is pending (virtual time 0s")
                .hasMessageContaining("task 'main' is parked outside simloop on java.util.concurrent.CountDownLatch$Sync "
                        + "at dev.simloop.jdk.YieldSpinAndLongWaitsTest.")
                .hasMessageContaining("task 'task-1' is parked outside simloop on java.util.concurrent.CountDownLatch$Sync "
                        + "at dev.simloop.jdk.YieldSpinAndLongWaitsTest.");
    }
}
