package dev.simloop.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.simloop.Loop;
import dev.simloop.Simulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A release, a signal or an await by a task of one run, of a lock that a task of another run holds,
 * says that the lock is shared between the runs, as Lock.acquire does. Before, it said that the task
 * "does not hold" the lock, "which is held by task 'main'": with every run's root task named 'main',
 * that read "task 'main' does not hold Lock 'L', which is held by task 'main'", and hid the sharing.
 */
class LockHeldByAnotherRunTest {
    static final String SHARED = " is held by task 'main'" + ConditionSharedBetweenRunsTest.SHARED;

    /** From a run started while this run's main holds {@code lock}: the messages of each call on it. */
    static List<String> callsFromAnotherRun(Lock lock, Condition cond) {
        return Loop.toThread(() -> Loop.run(() -> {
            List<String> messages = new ArrayList<>();
            for (Runnable call : List.<Runnable>of(lock::release, cond::signal, cond::signalAll, cond::await)) {
                try {
                    call.run();
                    messages.add("no error");
                } catch (IllegalStateException e) {
                    messages.add(e.getMessage());
                }
            }
            return messages;
        }));
    }

    @Test
    void aLockAnotherRealLoopHoldsIsReportedAsShared() {
        Lock lock = new Lock("L");
        Condition cond = new Condition(lock, "C");
        List<String> seen = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> Loop.run(() -> {
            try (var _ = lock.hold()) {
                return callsFromAnotherRun(lock, cond);
            }
        }));
        assertThat(seen).containsExactly("Lock.release: Lock 'L'" + SHARED, "Condition.signal: Lock 'L'" + SHARED,
                "Condition.signalAll: Lock 'L'" + SHARED, "Condition.await: Lock 'L'" + SHARED);
        assertThat(lock.isLocked()).as("released by its holder at the end of its block").isFalse();
    }

    @Test
    void aLockASimulationHoldsIsReportedAsSharedToARealLoop() {
        Lock lock = new Lock("L");
        Condition cond = new Condition(lock, "C");
        List<String> seen = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> Simulation.run(1, () -> {
            try (var _ = lock.hold()) {
                return callsFromAnotherRun(lock, cond);
            }
        }).value());
        assertThat(seen).containsExactly("Lock.release: Lock 'L'" + SHARED, "Condition.signal: Lock 'L'" + SHARED,
                "Condition.signalAll: Lock 'L'" + SHARED, "Condition.await: Lock 'L'" + SHARED);
    }
}
