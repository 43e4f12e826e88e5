package dev.simloop.jdk;

import static dev.simloop.jdk.RaceFinder.findsAndReplays;
import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.DeadlockDetected;
import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** A fixed thread pool whose workers come from Loop.threadFactory(): its workers are tasks. */
class PoolOnLoopThreadsTest {

    @Test
    void aFixedPoolOnLoopThreadsRunsItsWorkOnTwoWorkerTasks() {
        SimResult<String> r = Simulation.run(1, () -> {
            List<Long> ends = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(2, Loop.threadFactory())) {
                List<Future<?>> fs = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    fs.add(pool.submit(() -> {
                        Loop.sleep(Duration.ofSeconds(1));
                        ends.add(Loop.nanoTime() / 1_000_000_000L);
                    }));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
            }
            return ends + " closed at " + Loop.nanoTime() / 1_000_000_000L;
        });
        assertThat(r.value()).as(String.valueOf(r.failure())).isEqualTo("[1, 1, 2, 2] closed at 2");
    }

    @Test
    void aRaceThroughAFixedPoolOnLoopThreadsIsFoundAndReplayed() {
        findsAndReplays(() -> {
            ExecutorRacesTest.Account a = new ExecutorRacesTest.Account();
            try (ExecutorService pool = Executors.newFixedThreadPool(2, Loop.threadFactory())) {
                pool.execute(() -> a.deposit(10));
                pool.execute(() -> a.deposit(20));
            }
            if (a.balance != 30) {
                throw new IllegalStateException("lost update: balance " + a.balance);
            }
            return a.balance;
        }, IllegalStateException.class, "lost update: balance ");
    }

    /**
     * Without the agent too, a pool on Loop.threadFactory() that is never shut down is a deadlock whose
     * report says its idle workers wait for jobs of a pool never shut down, and how to shut it down.
     */
    @Test
    void aPoolNeverShutDownIsADeadlockNamingItsIdleWorkers() {
        List<Supplier<ExecutorService>> pools = List.of(
                () -> Executors.newFixedThreadPool(2, Loop.threadFactory()),
                () -> Executors.newScheduledThreadPool(2, Loop.threadFactory()));
        List<String> executors = List.of("java.util.concurrent.ThreadPoolExecutor",
                "java.util.concurrent.ScheduledThreadPoolExecutor");
        for (int i = 0; i < pools.size(); i++) {
            Supplier<ExecutorService> pool = pools.get(i);
            SimResult<Integer> r = Simulation.run(1, () -> {
                ExecutorService ex = pool.get();
                return ex.submit(() -> 42).get(); // and no shutdown
            });
            assertThat(r.failure()).isInstanceOf(DeadlockDetected.class)
                    .hasMessageContaining("task 'task-1' is parked outside simloop on java.util.concurrent.locks."
                            + "AbstractQueuedSynchronizer$ConditionObject as a worker of a " + executors.get(i)
                            + " waiting for its next job (in ThreadPoolExecutor.getTask) at ")
                    .hasMessageContaining("\nTask 'task-1' is an idle worker of a " + executors.get(i) + " that was"
                            + " never shut down, waiting in ThreadPoolExecutor.getTask for a next job that no task will"
                            + " submit")
                    .hasMessageContaining("Shut the pool down when its work is done: try (var pool = ")
                    .hasMessageContaining("or submit the jobs to Loop.executor() instead")
                    .hasMessageNotContaining("A thread outside the simulation could also end such a wait");
        }
    }
}
