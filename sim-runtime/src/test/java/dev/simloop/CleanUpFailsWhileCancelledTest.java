package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simloop.sync.Event;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * A clean-up that fails while a cancel unwinds its block: try-with-resources adds what
 * {@code close()} throws to the {@link Cancelled} as suppressed, and the scope that caught its cancel,
 * or the group that ignored its child's, dropped that failure with it, and the run passed. As in
 * trio, where an exception raised while a cancel unwinds replaces it, the failure goes on, with the
 * cancel suppressed; a clean-up that meets the cancel again (a checkpoint, an interrupted JDK wait)
 * is no failure.
 */
@SuppressWarnings({"try", "finally"}) // resources that exist to be closed, and a finally that fails on purpose
class CleanUpFailsWhileCancelledTest {
    /** A resource whose close fails, named for the message. */
    private static AutoCloseable failingClose(RuntimeException e) {
        return () -> {
            throw e;
        };
    }

    @Test
    void aScopeThatCatchesItsCancelThrowsTheFailureOfACloseInstead() {
        SimResult<Object> r = Simulation.run(1, () -> CancelScope.moveOnAfter(Duration.ofSeconds(1), () -> {
            try (AutoCloseable conn = () -> {
                throw new IOException("close failed");
            }) {
                Loop.sleep(Duration.ofSeconds(10));
            }
            return "x";
        }));
        assertThat(r.failure()).isInstanceOf(TaskFailedException.class).hasCauseInstanceOf(IOException.class)
                .hasRootCauseMessage("close failed");
        assertThat(r.failure().getCause().getSuppressed()).singleElement().isInstanceOf(Cancelled.class)
                .satisfies(c -> assertThat(((Cancelled) c).reason()).isEqualTo(CancelReason.DEADLINE))
                .satisfies(c -> assertThat(c.getSuppressed()).as("a copy: no circular reference").isEmpty());
        assertThat(r.virtualTime()).isEqualTo(Duration.ofSeconds(1));

        // the same clean-up written as a finally that throws was reported already: both ways agree
        SimResult<Object> viaFinally = Simulation.run(1, () -> CancelScope.moveOnAfter(Duration.ofSeconds(1), () -> {
            try {
                Loop.sleep(Duration.ofSeconds(10));
            } finally {
                throw new IllegalStateException("cleanup failed");
            }
        }));
        assertThat(viaFinally.failure()).isInstanceOf(IllegalStateException.class).hasMessage("cleanup failed");
    }

    @Test
    void aFailingCloseInATaskTheGroupCancelledFailsTheGroup() {
        SimResult<Object> r = Simulation.run(1, () -> TaskGroup.with(tg -> {
            tg.spawn("child", () -> {
                try (AutoCloseable conn = failingClose(new IllegalStateException("close failed"))) {
                    Loop.sleep(Duration.ofSeconds(10));
                }
            });
            Loop.sleep(Duration.ofSeconds(1));
            tg.cancel();
            return "group ended normally";
        }));
        assertThat(r.failure()).isInstanceOf(IllegalStateException.class).hasMessage("close failed");
        assertThat(r.failure().getSuppressed()).singleElement().isInstanceOf(Cancelled.class);
    }

    @Test
    void aSiblingsFailingCloseIsSuppressedByTheFailureThatCancelledIt() {
        SimResult<Object> r = Simulation.run(0, () -> {
            try {
                TaskGroup.with(tg -> {
                    tg.spawn("a", () -> {
                        Loop.sleep(Duration.ofSeconds(1));
                        throw new IllegalStateException("A");
                    });
                    tg.spawn("b", () -> {
                        try (AutoCloseable c = failingClose(new IllegalArgumentException("B close"))) {
                            Loop.sleep(Duration.ofSeconds(10));
                        }
                    });
                    return null;
                });
                return "none";
            } catch (IllegalStateException e) {
                return e.getMessage() + " suppressed " + Arrays.stream(e.getSuppressed()).map(Throwable::getMessage).toList();
            }
        });
        assertThat(r.value()).isEqualTo("A suppressed [B close]");
    }

    /** Two resources fail to close: the one closed first (declared last) goes on, the other suppressed by it with the cancel. */
    @Test
    void twoFailingClosesKeepTheOrderTryWithResourcesGivesThem() {
        SimResult<Object> r = Simulation.run(1, () -> CancelScope.moveOnAfter(Duration.ofSeconds(1), () -> {
            try (AutoCloseable first = failingClose(new IllegalStateException("first"));
                    AutoCloseable second = failingClose(new IllegalStateException("second"))) {
                Loop.sleep(Duration.ofSeconds(10));
            }
            return "x";
        }));
        assertThat(r.failure()).hasMessage("second");
        assertThat(r.failure().getSuppressed()).extracting(Throwable::getClass, Throwable::getMessage)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(IllegalStateException.class, "first"),
                        org.assertj.core.groups.Tuple.tuple(Cancelled.class,
                                r.failure().getSuppressed()[1].getMessage()));
    }

    /**
     * A clean-up that meets the cancel again is no failure: a checkpoint in it raises the scope's
     * cancel (level-triggered), a JDK wait in it is interrupted by it, a cancelled task's join fails
     * so; the scope still catches its cancel, and the run passes.
     */
    @Test
    void aCleanUpThatMeetsTheCancelAgainIsNoFailure() {
        SimResult<Object> r = Simulation.run(1, () -> {
            Object checkpoint = CancelScope.moveOnAfter(Duration.ofSeconds(1), () -> {
                try (AutoCloseable c = () -> Loop.sleep(Duration.ofSeconds(5))) {
                    Loop.sleep(Duration.ofSeconds(10));
                }
                return "x";
            }).orElse("caught");
            Object interrupted = CancelScope.moveOnAfter(Duration.ofSeconds(1), () -> {
                try (AutoCloseable c = () -> new CountDownLatch(1).await()) {
                    Loop.sleep(Duration.ofSeconds(10));
                }
                return "x";
            }).orElse("caught");
            Object joined = CancelScope.moveOnAfter(Duration.ofSeconds(1), () -> TaskGroup.with(tg -> {
                Task<Void> child = tg.spawn("child", () -> new Event().await());
                try (AutoCloseable c = child::join) {
                    Loop.sleep(Duration.ofSeconds(10));
                }
                return "x";
            })).orElse("caught");
            return checkpoint + " " + interrupted + " " + joined + " at " + Duration.ofNanos(Loop.nanoTime());
        });
        assertThat(r.failure()).isNull();
        assertThat(r.value()).isEqualTo("caught caught caught at PT3S");
    }

    /**
     * The cancel interrupts one JDK wait per scope: when it reached the block as the interrupt of a
     * JDK wait already, a JDK wait in the clean-up is not interrupted again (as Java code after an
     * InterruptedException expects), so one that nothing ends waits. The docs said a JDK wait in a
     * clean-up is interrupted by the cancel; they now name the exception, which a simulation reports.
     */
    @Test
    @SuppressWarnings("try") // a resource that exists to be closed
    void aJdkWaitInACleanUpIsNotInterruptedAgainWhenTheCancelInterruptedOneAlready() {
        SimResult<Object> r = Simulation.run(1, () -> CancelScope.moveOnAfter(Duration.ofSeconds(1), () -> {
            try (AutoCloseable c = () -> new CountDownLatch(1).await()) {
                new CountDownLatch(1).await(); // the cancel interrupts this wait
            }
            return "x";
        }));
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class)
                .hasMessageContaining("its scope is cancelled, but this wait does not end on the interrupt a cancel sends");
        assertThat(r.virtualTime()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void onTheRealClockTooTheFailureOfACloseGoesOn() {
        assertThatThrownBy(() -> Loop.run(() -> CancelScope.moveOnAfter(Duration.ofMillis(20), () -> {
            try (AutoCloseable conn = failingClose(new IllegalStateException("close failed"))) {
                Loop.sleep(Duration.ofSeconds(10));
            }
            return "x";
        }))).isInstanceOf(IllegalStateException.class).hasMessage("close failed");
    }
}
