package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.sync.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A wait or scope that has ended leaves no timer behind: a cancelled sleeper's wake-up and the
 * deadline of a scope that exited, was cancelled or lost its deadline never fire. A timer left armed
 * would move the virtual clock on when every task waits (so a deadlock would be reported an hour
 * late) and would cancel a scope that is long gone.
 */
class NoTimerLeftArmedTest {
    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final Duration HOUR = Duration.ofHours(1);

    private static <T> SimResult<T> fifo(ThrowingSupplier<T> main) {
        return Simulation.builder().strategy(Strategy.fifo()).run(main);
    }

    /** Every task waits on an event nobody sets: the loop must report it at once, not after a stale timer. */
    private static Void waitForever() {
        new Event().await();
        return null;
    }

    @Test
    void aSleeperCancelledByADeadlineNeverWakesLater() {
        SimResult<Void> r = fifo(() -> {
            CancelScope.moveOnAfter(SECOND, () -> {
                Loop.sleep(HOUR);
                return null;
            });
            return waitForever();
        });
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class);
        assertThat(r.virtualTime()).as("the deadlock is seen when the deadline fired, not at the sleep's end")
                .isEqualTo(SECOND);
    }

    @Test
    void aSleeperCancelledByAnotherTaskNeverWakesLater() {
        SimResult<Void> r = fifo(() -> TaskGroup.with(tg -> {
            Task<Void> sleeper = tg.spawn("sleeper", () -> {
                try {
                    Loop.sleep(HOUR);
                } catch (Cancelled expected) {
                    // ends the task; nothing after this is a checkpoint
                }
            });
            Loop.sleep(SECOND);
            sleeper.cancel();
            return waitForever();
        }));
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class);
        assertThat(r.virtualTime()).isEqualTo(SECOND);
    }

    @Test
    void aSleeperCancelledByItsScopeSleepsAgainForItsOwnTimeOnly() {
        // the same sleeper timer is armed again for the second sleep: it ends at 1s + 10s, not at
        // the first sleep's hour
        SimResult<Long> r = fifo(() -> {
            CancelScope.moveOnAfter(SECOND, () -> {
                Loop.sleep(HOUR);
                return null;
            });
            Loop.sleep(Duration.ofSeconds(10));
            return Loop.nanoTime();
        });
        assertThat(r.value()).isEqualTo(Duration.ofSeconds(11).toNanos());
    }

    @Test
    void aScopeThatExitsBeforeItsDeadlineIsNeverCancelledAfterwards() {
        SimResult<List<String>> r = fifo(() -> {
            CancelScope scope = CancelScope.run(s -> {
                s.setDeadline(Loop.nanoTime() + HOUR.toNanos());
                return s;
            });
            List<String> seen = new ArrayList<>();
            seen.add("after exit: " + scope.cancelCalled());
            Loop.sleep(HOUR.multipliedBy(2));
            seen.add("two hours later: " + scope.cancelCalled() + ", caught " + scope.cancelledCaught());
            return seen;
        });
        assertThat(r.value()).containsExactly("after exit: false", "two hours later: false, caught false");
    }

    @Test
    void aScopeThatExitedLeavesNoTimerToMoveTheClock() {
        SimResult<Void> r = fifo(() -> {
            assertThat(CancelScope.moveOnAfter(HOUR, () -> "quick")).contains("quick");
            return waitForever();
        });
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class);
        assertThat(r.virtualTime()).isEqualTo(Duration.ZERO);
    }

    @Test
    void aCancelledScopeThatStaysOpenDropsItsDeadline() {
        // cancelled at once, then blocked under a shield inside it: its deadline must not keep the
        // loop waiting for an hour
        SimResult<Void> r = fifo(() -> CancelScope.run(s -> {
            s.setDeadline(Loop.nanoTime() + HOUR.toNanos());
            s.cancel();
            return CancelScope.shielded(NoTimerLeftArmedTest::waitForever);
        }));
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class);
        assertThat(r.virtualTime()).isEqualTo(Duration.ZERO);
    }

    @Test
    void removingADeadlineDisarmsIt() {
        SimResult<String> r = fifo(() -> CancelScope.run(s -> {
            s.setDeadline(Loop.nanoTime() + SECOND.toNanos());
            s.setDeadline(Long.MAX_VALUE);
            Loop.sleep(HOUR);
            return "slept an hour, cancel called " + s.cancelCalled() + ", deadline " + s.deadline();
        }));
        assertThat(r.value()).isEqualTo("slept an hour, cancel called false, deadline " + Long.MAX_VALUE);
        assertThat(r.virtualTime()).isEqualTo(HOUR);
    }

    @Test
    void movingADeadlineLaterFiresItOnlyAtTheNewTime() {
        SimResult<String> r = fifo(() -> {
            long start = Loop.nanoTime();
            long[] cancelledAt = {-1};
            CancelScope.run(s -> {
                s.setDeadline(start + SECOND.toNanos());
                s.setDeadline(start + Duration.ofSeconds(5).toNanos());
                try {
                    Loop.sleep(HOUR);
                } finally {
                    cancelledAt[0] = Loop.nanoTime();
                }
                return null;
            });
            return "cancelled at " + cancelledAt[0];
        });
        assertThat(r.value()).isEqualTo("cancelled at " + Duration.ofSeconds(5).toNanos());
    }
}
