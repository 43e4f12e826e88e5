package dev.simloop.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simloop.CancelScope;
import dev.simloop.Cancelled;
import dev.simloop.Loop;
import dev.simloop.Task;
import dev.simloop.TaskGroup;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SemaphoreTest {
    /** Rule 4: release hands the permit to the first waiter, so tryAcquire right after fails. */
    @Test
    void releaseHandsThePermitStraightToTheFirstWaiter() {
        List<String> log = Sims.fifo(() -> {
            List<String> l = new ArrayList<>();
            Semaphore sem = new Semaphore(1);
            sem.acquire();
            TaskGroup.with(tg -> {
                for (String n : List.of("w1", "w2")) {
                    tg.spawn(n, () -> {
                        sem.acquire();
                        l.add(n + " acquired");
                    });
                }
                Sims.until(() -> sem.waiting() == 2);
                sem.release();
                l.add("tryAcquire after release: " + sem.tryAcquire() + ", permits " + sem.availablePermits());
                Loop.checkpoint();
                sem.release();
                return null;
            });
            l.add("permits " + sem.availablePermits());
            return l;
        });
        assertThat(log).containsExactly("tryAcquire after release: false, permits 0", "w1 acquired", "w2 acquired",
                "permits 0");
    }

    @Test
    void limitsConcurrencyWithHold() {
        int maxInside = Sims.random(7, () -> {
            Semaphore sem = new Semaphore(2);
            int[] inside = {0, 0};
            TaskGroup.with(tg -> {
                for (int i = 0; i < 6; i++) {
                    tg.spawn(() -> {
                        try (var _ = sem.hold()) {
                            inside[0]++;
                            inside[1] = Math.max(inside[1], inside[0]);
                            Loop.checkpoint();
                            Loop.checkpoint();
                            inside[0]--;
                        }
                    });
                }
                return null;
            });
            assertThat(sem.availablePermits()).isEqualTo(2);
            return inside[1];
        });
        assertThat(maxInside).isEqualTo(2);
    }

    @Test
    void boundedRejectsAnExtraRelease() {
        String msg = Sims.fifo(() -> {
            Semaphore sem = Semaphore.bounded(2);
            sem.acquire();
            sem.release();
            try {
                sem.release();
                return "released";
            } catch (IllegalStateException e) {
                return e.getMessage() + " / permits " + sem.availablePermits();
            }
        });
        assertThat(msg).isEqualTo("Semaphore.release: task 'main' released a bounded semaphore that already has all "
                + "its 2 permits (released more often than acquired) / permits 2");
        int unbounded = Sims.fifo(() -> {
            Semaphore sem = new Semaphore(0);
            sem.release();
            sem.release();
            return sem.availablePermits();
        });
        assertThat(unbounded).isEqualTo(2);
        String full = Sims.fifo(() -> {
            Semaphore sem = new Semaphore(Integer.MAX_VALUE);
            try {
                sem.release();
                return "released";
            } catch (IllegalStateException e) {
                return e.getMessage();
            }
        });
        assertThat(full).as("an unbounded one is not called bounded").isEqualTo("Semaphore.release: task 'main'"
                + " released a semaphore that already has 2147483647 permits, as many as an int counts");
    }

    @Test
    void cancelledWaiterTakesNoPermitAndAcquireIsACheckpoint() {
        List<String> log = Sims.fifo(() -> {
            List<String> l = new ArrayList<>();
            Semaphore sem = new Semaphore(0);
            TaskGroup.with(tg -> {
                Task<Void> a = tg.spawn("a", sem::acquire);
                tg.spawn("b", () -> {
                    sem.acquire();
                    l.add("b acquired");
                });
                Sims.until(() -> sem.waiting() == 2);
                a.cancel();
                Loop.checkpoint();
                l.add("a cancelled " + a.isCancelled() + ", waiting " + sem.waiting());
                sem.release();
                return null;
            });
            sem.release();
            CancelScope.run(scope -> {
                scope.cancel();
                assertThatThrownBy(sem::acquire).isInstanceOf(Cancelled.class);
                return null;
            });
            l.add("permits " + sem.availablePermits());
            return l;
        });
        assertThat(log).containsExactly("a cancelled true, waiting 1", "b acquired", "permits 1");
    }

    @Test
    void aHoldHandleReleasesOnceAndRefusesASecondClose() {
        String v = Sims.fifo(() -> {
            Semaphore sem = new Semaphore(1);
            Held h = sem.hold();
            h.close();
            Throwable again = org.assertj.core.api.Assertions.catchThrowable(h::close);
            return sem.availablePermits() + " permit, then " + again.getClass().getSimpleName() + ": "
                    + again.getMessage();
        });
        org.assertj.core.api.Assertions.assertThat(v).isEqualTo("1 permit, then IllegalStateException: Semaphore.hold: "
                + "this handle was closed already; each handle releases its permit once (closing it again would add a "
                + "permit nobody took)");
    }

    /**
     * A named semaphore's misuse messages name it, as a lock's do: with several semaphores, "released a
     * bounded semaphore" or "this handle was closed already" did not say which one.
     */
    @Test
    void aNamedSemaphoresMisuseMessagesNameIt() {
        List<String> v = Sims.fifo(() -> {
            List<String> l = new ArrayList<>();
            Semaphore pool = Semaphore.bounded(1, "pool");
            Held h = pool.hold();
            h.close();
            l.add(org.assertj.core.api.Assertions.catchThrowable(h::close).getMessage());
            l.add(org.assertj.core.api.Assertions.catchThrowable(pool::release).getMessage());
            Semaphore full = new Semaphore(Integer.MAX_VALUE, "tickets");
            l.add(org.assertj.core.api.Assertions.catchThrowable(full::release).getMessage());
            return l;
        });
        assertThat(v).containsExactly(
                "Semaphore.hold: this handle of bounded Semaphore 'pool' was closed already; each handle releases its"
                        + " permit once (closing it again would add a permit nobody took)",
                "Semaphore.release: task 'main' released bounded Semaphore 'pool', which already has all its 1 permits"
                        + " (released more often than acquired)",
                "Semaphore.release: task 'main' released Semaphore 'tickets', which already has 2147483647 permits,"
                        + " as many as an int counts");
    }
}
