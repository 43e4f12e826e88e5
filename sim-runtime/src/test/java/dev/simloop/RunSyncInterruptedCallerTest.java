package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * {@code Loop.runSync} called outside a loop by a thread whose interrupt status is already set: fn
 * runs and its value is returned, and the status is set again afterwards (as {@code Loop.run} keeps
 * it), instead of a LimitExceeded saying the run was stopped before fn started.
 */
class RunSyncInterruptedCallerTest {
    private static final Duration HANG_GUARD = Duration.ofSeconds(30);

    /** Runs {@code body} on a fresh platform thread (the test's own thread keeps its interrupt status clear). */
    private static <T> T onOwnThread(Callable<T> body) {
        return assertTimeoutPreemptively(HANG_GUARD, () -> {
            ExecutorService ex = Executors.newSingleThreadExecutor();
            try {
                Future<T> f = ex.submit(body);
                return f.get();
            } finally {
                ex.shutdownNow();
            }
        });
    }

    @Test
    void aCallerInterruptedBeforeTheCallGetsFnsValueAndKeepsItsStatus() {
        String r = onOwnThread(() -> {
            Thread.currentThread().interrupt();
            String value = Loop.runSync(() -> "ran " + Loop.inLoop());
            return value + ", interrupted after: " + Thread.currentThread().isInterrupted();
        });
        assertThat(r).isEqualTo("ran true, interrupted after: true");
    }

    @Test
    void fnsFailureReachesAnInterruptedCallerWithItsStatusKept() {
        String r = onOwnThread(() -> {
            Thread.currentThread().interrupt();
            try {
                Loop.runSync(() -> {
                    throw new IllegalStateException("fn failed");
                });
                return "no failure";
            } catch (IllegalStateException e) {
                return e.getMessage() + ", interrupted after: " + Thread.currentThread().isInterrupted();
            }
        });
        assertThat(r).isEqualTo("fn failed, interrupted after: true");
    }

    @Test
    void aCallerInterruptedWhileFnRunsGetsFnsValueAndKeepsItsStatus() {
        String r = onOwnThread(() -> {
            Thread caller = Thread.currentThread();
            String value = Loop.runSync(() -> {
                interruptAndAwaitItsHandling(caller);
                return "ran";
            });
            return value + ", interrupted after: " + Thread.currentThread().isInterrupted();
        });
        assertThat(r).isEqualTo("ran, interrupted after: true");
    }

    /**
     * Interrupts {@code caller} while it is parked waiting for the run, and returns once it has taken
     * the interrupt (cleared its status) and parked again: its reaction to the interrupt is over, so
     * the outcome does not depend on how fast the caller was.
     */
    private static void interruptAndAwaitItsHandling(Thread caller) {
        awaitParked(caller);
        caller.interrupt();
        while (caller.isInterrupted()) {
            Thread.onSpinWait();
        }
        awaitParked(caller);
    }

    private static void awaitParked(Thread t) {
        while (t.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
    }
}
