package dev.simloop.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.CapturedWarnings;
import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.TaskGroup;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A task that waits on a future waits in place while the common pool has work, since the run's own
 * pool work may complete it (docs/simulation.md). Work that other code keeps the pool busy with
 * makes such a run slow, never different: the first wait to last a second says so in a warning,
 * once per JVM, so a slow build is not a silent one.
 */
class BusyCommonPoolWarningTest {
    /** Ends the pool's busy work once the test has seen what it needs, so the test does not wait out its sleep. */
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void anyEarlierWarningIsForgotten() {
        OutsideWaits.WARNED_OF_A_BUSY_POOL.set(false);
    }

    @AfterEach
    void letThePoolGo() {
        release.countDown();
        OutsideWaits.WARNED_OF_A_BUSY_POOL.set(false);
    }

    /** A task completes a future another task waits on, a second of virtual time later. */
    private static int waiterAndCompleter() throws Exception {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        return TaskGroup.with(tg -> {
            var waiter = tg.spawn("waiter", () -> f.join());
            tg.spawn("completer", () -> {
                Loop.sleep(Duration.ofSeconds(1));
                f.complete(7);
            });
            return waiter.join();
        });
    }

    /** Keeps the common pool busy (as another test's parallel stream would) for up to {@code seconds}, or until the test lets go. */
    private void keepThePoolBusy(int seconds) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        ForkJoinPool.commonPool().execute(() -> {
            started.countDown();
            try {
                release.await(seconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).as("the pool took the work").isTrue();
    }

    @Test
    void aWaitThatABusyPoolHoldsForASecondIsWarnedOfOnceAndTheRunIsTheSame() throws Exception {
        SimResult<Integer> quiet = Simulation.run(3, BusyCommonPoolWarningTest::waiterAndCompleter);
        keepThePoolBusy(2);
        try (CapturedWarnings warnings = new CapturedWarnings()) {
            long start = System.nanoTime();
            SimResult<Integer> busy = Simulation.run(3, BusyCommonPoolWarningTest::waiterAndCompleter);
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            SimResult<Integer> again = Simulation.run(3, BusyCommonPoolWarningTest::waiterAndCompleter);

            assertThat(busy.value()).isEqualTo(7);
            assertThat(busy.virtualTime()).isEqualTo(Duration.ofSeconds(1));
            assertThat(busy.traceDigest()).isEqualTo(quiet.traceDigest()).isEqualTo(again.traceDigest());
            assertThat(tookMillis).as("the run waited for the busy pool").isGreaterThanOrEqualTo(1_000);
            assertThat(warnings.withoutSlowSteps()).singleElement().asString()
                    .startsWith("task 'waiter' of a simulation waits on a future (or another wait outside simloop) at "
                            + "dev.simloop.internal.BusyCommonPoolWarningTest.")
                    .contains(", and its step has waited 1s for the common pool (ForkJoinPool.commonPool()) to finish"
                            + " its work: ")
                    .contains("every such wait of a simulation lasts until the pool is quiet, up to maxStepWallTime"
                            + " (10s) each: the run's outcome is the same, only slower. Keep such tests apart"
                            + " (JUnit's @Isolated, or a @ResourceLock they share), or give the run's async work"
                            + " Loop.executor() and complete futures in tasks. This is logged once per JVM.");
        }
    }

    @Test
    void aWaitWhileThePoolIsQuietIsNotWarnedOf() throws Exception {
        assertThat(ForkJoinPool.commonPool().awaitQuiescence(30, TimeUnit.SECONDS)).as("earlier tests' pool work ended").isTrue();
        try (CapturedWarnings warnings = new CapturedWarnings()) {
            SimResult<Integer> r = Simulation.run(3, BusyCommonPoolWarningTest::waiterAndCompleter);
            assertThat(r.value()).isEqualTo(7);
            assertThat(warnings.withoutSlowSteps()).isEmpty();
        }
        assertThat(OutsideWaits.WARNED_OF_A_BUSY_POOL.get()).isFalse();
    }
}
