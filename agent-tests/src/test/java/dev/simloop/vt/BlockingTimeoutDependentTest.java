package dev.simloop.vt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.LimitExceeded;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The dependents that an {@code orTimeout} completes run on the loop's driver, as the JDK runs them
 * on its timer thread; one that blocks there stops every task. The watchdog reports it after
 * {@code maxStepWallTime}, as it reports a task's step, and releases the caller, instead of the
 * run hanging without a word.
 */
class BlockingTimeoutDependentTest {
    @Test
    void aDependentThatBlocksTheDriverFailsTheRunNamingTheFix() {
        CountDownLatch never = new CountDownLatch(1);
        long t0 = System.nanoTime();
        SimResult<String> r = Simulation.builder().seed(1).maxStepWallTime(Duration.ofMillis(300)).run(() -> {
            CompletableFuture<String> f = new CompletableFuture<String>().orTimeout(1, TimeUnit.SECONDS);
            CompletableFuture<String> g = f.exceptionally(e -> {
                try {
                    never.await(); // blocks the driver: nothing the simulation runs can count it down
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
                return "recovered";
            });
            return g.get();
        });
        never.countDown(); // lets the driver go, for the next test
        assertThat(r.failure()).isInstanceOf(LimitExceeded.class)
                .hasMessageStartingWith("the dependent actions that a CompletableFuture's time-out completes ran for ")
                .hasMessageContaining("on the loop's driver thread (maxStepWallTime = 0.3s, step ")
                .hasMessageContaining("virtual time 1s): code there must not block")
                .hasMessageContaining("exceptionallyAsync(f, Loop.executor())");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
    }
}
