package dev.simloop.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.LeakDetected;
import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import dev.simloop.ThrowingSupplier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RLockTest {
    /** Rule 3: re-entrant with a hold count; only the matching last release frees it for the waiter. */
    @Test
    void reentrantWithHoldCountAndMatchingReleases() {
        List<String> log = Sims.fifo(() -> {
            List<String> l = new ArrayList<>();
            RLock lock = new RLock("r");
            TaskGroup.with(tg -> {
                lock.acquire();
                lock.acquire();
                try (var _ = lock.hold()) {
                    l.add("holds " + lock.holdCount());
                }
                tg.spawn("other", () -> {
                    l.add("other: tryAcquire " + lock.tryAcquire());
                    lock.acquire();
                    l.add("other: acquired");
                    lock.release();
                });
                Sims.until(() -> lock.waiting() == 1);
                lock.release();
                l.add("after 1st release: count " + lock.holdCount() + ", owner " + lock.owner().name());
                Loop.checkpoint();
                lock.release();
                l.add("after 2nd release: owner " + lock.owner().name());
                return null;
            });
            try {
                lock.release();
            } catch (IllegalStateException e) {
                l.add(e.getMessage());
            }
            return l;
        });
        assertThat(log).containsExactly("holds 3", "other: tryAcquire false", "after 1st release: count 1, owner main",
                "after 2nd release: owner other", "other: acquired",
                "RLock.release: task 'main' does not hold RLock 'r', which is not held by any task"
                        + "; release only a hold this task took, once (closing one hold() handle twice, or a release after the try-with-resources block already released it, releases once too often)");
    }

    @Test
    void ownerFinishingWithHoldsBreaksIt() {
        ThrowingSupplier<String> body = () -> {
            RLock lock = new RLock();
            TaskGroup.with(tg -> {
                tg.spawn("t", () -> {
                    lock.acquire();
                    lock.acquire();
                    lock.release();
                });
                return null;
            });
            try {
                lock.acquire();
                return "acquired";
            } catch (BrokenResourceException e) {
                return e.getMessage();
            }
        };
        // checked: the run fails, naming the leaked lock
        SimResult<String> r = Simulation.builder().strategy(Strategy.fifo()).run(body);
        assertThat(r.failure()).isInstanceOf(LeakDetected.class).hasMessageStartingWith(
                "leak: RLock was still held by task 't' when it finished (step ");
        // unchecked: the lock is broken for later acquirers
        String msg = Simulation.builder().strategy(Strategy.fifo()).checkLeaks(false).run(body).value();
        assertThat(msg).isEqualTo("RLock.acquire: RLock is broken: its owner task 't' finished without releasing it");
    }
}
