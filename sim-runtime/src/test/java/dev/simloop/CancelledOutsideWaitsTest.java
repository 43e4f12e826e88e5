package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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
    /**
     * A JDK future whose work runs in a task inside the cancelled scope fails with that scope's
     * {@code Cancelled}, wrapped as the JDK wraps a failure: {@code get()} throws it in an
     * {@code ExecutionException}, {@code join()} in a {@code CompletionException}. Leaving the scope,
     * that exception is the scope's cancel, as the {@code InterruptedException} of the cancel's
     * interrupt is: before, whether {@code get()} saw its interrupt or the work's failure first
     * decided (by the seed) between the scope's empty result and a run failed with a checked
     * {@code ExecutionException}, and {@code join()}, which ignores interrupts, always failed the run.
     */
    @Test
    void aFutureWhoseWorkTheScopeCancelledEndsTheScopeAsItsCancelNotAsAFailure() {
        List<String> seen = everywhere(() -> {
            Optional<Integer> got = CancelScope.moveOnAfter(Duration.ofMillis(10), () -> TaskGroup.with(tg -> {
                CompletableFuture<Integer> work = CompletableFuture.supplyAsync(() -> slowly(1), tg.executor());
                return work.get(); // interrupted by the cancel, or failed by the work's Cancelled first
            }));
            Optional<Integer> joined = CancelScope.moveOnAfter(Duration.ofMillis(10), () -> TaskGroup.with(tg -> {
                CompletableFuture<Integer> work = CompletableFuture.supplyAsync(() -> slowly(2), tg.executor());
                return work.join(); // deaf to the interrupt: ends when the work ends, cancelled
            }));
            String failed;
            try {
                failed = "failAfter returned " + CancelScope.failAfter(Duration.ofMillis(10), () -> TaskGroup.with(tg -> {
                    CompletableFuture<Integer> work = CompletableFuture.supplyAsync(() -> slowly(3), tg.executor());
                    return work.join();
                }));
            } catch (DeadlineExceeded e) {
                failed = "DeadlineExceeded";
            }
            return got + " " + joined + " " + failed;
        });
        assertThat(seen).hasSize(EveryStrategyAndRealLoop.RUNS).containsOnly("Optional.empty Optional.empty DeadlineExceeded");
    }

    /**
     * A future's failure by the {@code Cancelled} of a scope this task is not inside stays a
     * failure: only the cancel of a scope the exception leaves (or one around it) stands for it.
     */
    @Test
    void aFutureFailedByTheCancelOfAnotherScopeStaysAFailure() {
        List<String> seen = everywhere(() -> {
            CompletableFuture<Integer> work = new CompletableFuture<>();
            CancelScope.run(other -> { // a scope this task has left when it waits
                other.cancel();
                try {
                    Loop.checkpoint();
                } catch (Cancelled c) {
                    work.completeExceptionally(new java.util.concurrent.CompletionException(c));
                    throw c;
                }
                return null;
            });
            try {
                return "returned " + CancelScope.run(s -> {
                    s.cancel();
                    return work.join();
                });
            } catch (java.util.concurrent.CompletionException e) {
                return "failed: " + e.getCause().getMessage();
            }
        });
        assertThat(seen).containsOnly("failed: cancelled: cancelled explicitly (cancel scope opened by task 'main')");
    }

    /**
     * A wait deaf to interrupts ({@code CompletableFuture.join()}) is not ended by the cancel: it
     * returns when its work, outside the scope, ends, and the cancel is raised at the next simloop
     * checkpoint; a body that reaches none gives its value, late (as cancellation.md says).
     */
    @Test
    void aJoinDeafToTheCancelsInterruptEndsWhenItsWorkDoesAndTheCancelComesAtTheNextCheckpoint() {
        List<String> seen = everywhere(() -> {
            CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> slowly(1, 50), Loop.executor());
            Optional<Integer> returned = CancelScope.moveOnAfter(Duration.ofMillis(10), first::join);
            CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> slowly(2, 50), Loop.executor());
            Optional<Integer> checked = CancelScope.moveOnAfter(Duration.ofMillis(10), () -> {
                int v = second.join();
                Loop.checkpoint(); // the cancel, which join() let be, is raised here
                return v;
            });
            return returned + " " + checked + (Loop.nanoTime() >= 100_000_000L ? ", after both works" : ", early");
        });
        assertThat(seen).containsOnly("Optional[1] Optional.empty, after both works");
    }

    private static int slowly(int value) {
        return slowly(value, 1000);
    }

    private static int slowly(int value, long millis) {
        Loop.sleep(Duration.ofMillis(millis));
        return value;
    }
}
