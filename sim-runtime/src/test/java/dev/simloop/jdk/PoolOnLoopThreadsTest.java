package dev.simloop.jdk;

import static dev.simloop.jdk.RaceFinder.findsAndReplays;
import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
}
