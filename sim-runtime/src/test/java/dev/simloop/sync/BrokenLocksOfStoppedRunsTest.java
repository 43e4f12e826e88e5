package dev.simloop.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simloop.DeadlockDetected;
import dev.simloop.LimitExceeded;
import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.TaskGroup;
import org.junit.jupiter.api.Test;

/**
 * A run stopped by a deadlock or a limit unwinds its tasks, and a lock one of them still held breaks,
 * as it does when its holder finishes holding it (primitives.md): before, it stayed held by a task
 * that was done, so a later run (the lock kept in a static field) was refused it as one held by a
 * task of another run, and isBroken() said false. The stopped run reports no leak for it: its own
 * failure says why the task did not get to release it.
 */
class BrokenLocksOfStoppedRunsTest {
    private static final String UNWOUND = "' still held it when its run ended (stopped or failed) and unwound it";

    @Test
    void aLockHeldWhenAStepLimitStopsTheRunBreaks() {
        Lock lock = new Lock("L");
        SimResult<?> stopped = Simulation.builder().seed(2).maxSteps(10).run(() -> {
            lock.acquire();
            while (true) {
                Loop.checkpoint();
            }
        });
        assertThat(stopped.failure()).isInstanceOf(LimitExceeded.class).hasNoSuppressedExceptions()
                .hasMessageNotContaining("still held");
        assertThat(lock.isBroken()).isTrue();
        assertThat(lock).hasToString("Lock 'L' (broken)");

        SimResult<?> next = Simulation.run(3, () -> {
            lock.acquire();
            return null;
        });
        assertThat(next.failure()).isInstanceOf(BrokenResourceException.class)
                .hasMessage("Lock.acquire: Lock 'L' is broken: its owner task 'main" + UNWOUND);
    }

    @Test
    void theLocksOfADeadlockedRunBreakAndAnotherRunIsToldWhy() {
        Lock a = new Lock("a");
        PriorityLock b = new PriorityLock("b");
        SimResult<?> deadlocked = Simulation.run(1, () -> TaskGroup.with(g -> {
            g.spawn("ab", () -> {
                try (var _ = a.hold()) {
                    Loop.waitAllTasksBlocked();
                    b.acquire();
                }
            });
            g.spawn("ba", () -> {
                try (var _ = b.hold()) {
                    Loop.checkpoint();
                    a.acquire();
                }
            });
            return null;
        }));
        assertThat(deadlocked.failure()).isInstanceOf(DeadlockDetected.class).hasNoSuppressedExceptions()
                .hasMessageNotContaining("still held");
        assertThat(a.isBroken()).isTrue();
        assertThat(b.isBroken()).isTrue();

        String seen = Loop.run(() -> {
            try {
                b.tryAcquire();
                return "acquired";
            } catch (BrokenResourceException e) {
                return e.getMessage();
            }
        });
        assertThat(seen).isEqualTo("PriorityLock.tryAcquire: PriorityLock 'b' is broken: its owner task 'ba" + UNWOUND);
    }

    /**
     * The stop cut the critical section short, so what the lock guards may be half changed: it breaks
     * even where a try-with-resources would have released it, since a task unwinding after its run
     * ended makes no more runtime calls (each throws the error that unwinds it).
     */
    @Test
    void aLockHeldInATryWithResourcesBreaksToo() {
        Lock lock = new Lock("L");
        SimResult<?> stopped = Simulation.builder().seed(2).maxSteps(10).run(() -> {
            try (var _ = lock.hold()) {
                while (true) {
                    Loop.checkpoint();
                }
            }
        });
        assertThat(stopped.failure()).isInstanceOf(LimitExceeded.class).hasNoSuppressedExceptions();
        assertThat(lock.isBroken()).isTrue();
        assertThatThrownBy(() -> Loop.run(() -> lock.hold())).isInstanceOf(BrokenResourceException.class)
                .hasMessage("Lock.hold: Lock 'L' is broken: its owner task 'main" + UNWOUND);
    }
}
