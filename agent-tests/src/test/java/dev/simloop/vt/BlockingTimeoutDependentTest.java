package dev.simloop.vt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.simloop.LimitExceeded;
import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
                .hasMessageContaining("Wait for the future in a task instead (join() or get(), which end at the time-out)")
                .hasMessageNotContaining("exceptionallyAsync(f, Loop.executor())");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
    }

    /**
     * A dependent attached with an Async method on Loop.executor() is handed over by the driver, which
     * is no task: the executor refuses it, and its message says it came from the time-out's dependents
     * and what to do. Before, the watchdog's message above recommended exactly that (which fails), and
     * the executor's message said the driver was a thread of the user's, to reach the loop from.
     */
    @Test
    void anAsyncDependentOnLoopExecutorIsRefusedSayingItCameFromTheTimeOut() {
        SimResult<String> r = Sim.ok(() -> {
            CompletableFuture<String> f = new CompletableFuture<String>().completeOnTimeout("d", 2, TimeUnit.SECONDS);
            CompletableFuture<String> g = f.thenApplyAsync(v -> v + "!", Loop.executor());
            Throwable e = catchThrowable(g::join);
            assertThat(e).isInstanceOf(CompletionException.class).cause().isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("ExecutorService.execute (Loop.executor()) must be called from a simloop task,"
                            + " but it was called from the dependent actions that a CompletableFuture's time-out completes,"
                            + " which the loop's driver thread runs, outside any task, when the time-out fires")
                    .hasMessageContaining("Wait for the future in a task (join() or get())")
                    .hasMessageNotContaining("is not a task of any loop");
            return f.join() + Sim.now(); // as advised: the value, in the task, at the time-out
        });
        assertThat(r.value()).isEqualTo("dPT2S");
    }
}
