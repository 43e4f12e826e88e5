package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * A cancel reaches waits outside simloop too: a {@code java.util.concurrent} wait that a task
 * begins inside a scope cancelled before (not only one it was in when the cancel came) is
 * interrupted, once per cancelled scope, in a simulation under every strategy and in a real loop.
 * Before, such a task waited forever: a real loop hung with the group's failure lost, a simulation
 * reported a deadlock.
 */
class CancelledOutsideWaitsTest {

    private static List<String> everywhere(ThrowingSupplier<String> main) {
        return EveryStrategyAndRealLoop.values(main);
    }

    /** Waits on {@code latch}, noting how the wait ended: {@code returned} or {@code interrupted}. */
    private static void awaitNoting(CountDownLatch latch, List<String> log) {
        try {
            latch.await();
            log.add("returned");
        } catch (InterruptedException e) {
            log.add("interrupted");
        }
    }

    @Test
    void aTaskCancelledBySiblingsFailureWhileReadyIsInterruptedInTheLatchItWaitsInNext() {
        List<String> seen = everywhere(() -> {
            CountDownLatch never = new CountDownLatch(1);
            try {
                TaskGroup.with(tg -> {
                    tg.spawn("waiter", () -> {
                        Loop.checkpoint(); // the sibling may fail here, while this one is ready
                        never.await();
                    });
                    tg.spawn("failing", () -> {
                        throw new IllegalStateException("boom");
                    });
                    return null;
                });
                return "the group returned";
            } catch (IllegalStateException e) {
                return "the group failed: " + e.getMessage();
            }
        });
        assertThat(seen).hasSize(EveryStrategyAndRealLoop.RUNS).containsOnly("the group failed: boom");
    }

    @Test
    void aWaitBegunInsideAnAlreadyCancelledScopeIsInterrupted() {
        List<String> seen = everywhere(() -> {
            CountDownLatch never = new CountDownLatch(1);
            List<String> log = new ArrayList<>();
            String v = CancelScope.run(s -> {
                s.cancel();
                awaitNoting(never, log);
                return "body's value";
            });
            return log + " " + v + ", interrupt flag " + Thread.currentThread().isInterrupted();
        });
        assertThat(seen).containsOnly("[interrupted] body's value, interrupt flag false");
    }

    /**
     * Interrupted once per cancelled scope, as Java code expects an interrupt: a wait that catches it
     * and waits again (as {@code ExecutorService.close()} does, by design) is left to wait, and
     * simloop's own checkpoints raise again.
     */
    @Test
    void aTimedOutScopeInterruptsItsWaitOnceAndItsCheckpointsRaiseAgain() {
        List<String> seen = everywhere(() -> {
            CountDownLatch never = new CountDownLatch(1);
            List<String> log = new ArrayList<>();
            CancelScope.moveOnAfter(Duration.ofMillis(10), () -> {
                awaitNoting(never, log);
                try {
                    Loop.checkpoint();
                    log.add("checkpoint passed");
                } catch (Cancelled c) {
                    log.add("checkpoint cancelled");
                    throw c;
                }
                return null;
            });
            return log.toString();
        });
        assertThat(seen).containsOnly("[interrupted, checkpoint cancelled]");
    }

    @Test
    void aShieldedWaitInsideACancelledScopeIsLeftAlone() {
        List<String> seen = everywhere(() -> {
            CountDownLatch counted = new CountDownLatch(1);
            List<String> log = new ArrayList<>();
            String v = CancelScope.run(s -> {
                s.cancel();
                CancelScope.shielded(() -> TaskGroup.with(tg -> {
                    tg.spawn("counter", () -> {
                        Loop.sleep(Duration.ofMillis(5));
                        counted.countDown();
                    });
                    counted.await(); // shielded: not interrupted, though its outer scope is cancelled
                    log.add("awaited");
                    return null;
                }));
                Loop.checkpoint(); // out of the shield: the cancel is seen
                return "not cancelled";
            });
            return log + " " + v;
        });
        assertThat(seen).containsOnly("[awaited] null");
    }

    /**
     * The interrupt a cancel sent to end a JDK wait is that cancel: when the scope that caught it
     * exits, it goes. Code that restored it after its InterruptedException (the usual idiom) met it
     * before at its next JDK wait, outside any cancelled scope: an InterruptedException from a
     * semaphore with a free permit.
     */
    @Test
    void theInterruptOfACancelEndsWithItsScope() {
        for (Strategy s : List.of(Strategy.fifo(), Strategy.random())) {
            SimResult<List<String>> r = Simulation.builder().seed(3).strategy(s).run(() -> {
                List<String> log = new ArrayList<>();
                Object v = CancelScope.moveOnAfter(Duration.ofMillis(5), () -> {
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt(); // restore the interrupt, as Java code does
                    }
                    return "swallowed";
                });
                log.add(v + ", interrupted after the scope: " + Thread.currentThread().isInterrupted());
                try {
                    new java.util.concurrent.Semaphore(1).acquire();
                    log.add("acquired");
                } catch (InterruptedException e) {
                    log.add("InterruptedException outside the cancelled scope");
                }
                return log;
            });
            assertThat(r.failure()).as("%s", s).isNull();
            assertThat(r.value()).as("%s", s).containsExactly("Optional[swallowed], interrupted after the scope: false",
                    "acquired");
        }
    }
}
