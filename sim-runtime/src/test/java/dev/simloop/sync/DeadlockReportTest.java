package dev.simloop.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.DeadlockDetected;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import org.junit.jupiter.api.Test;

/** DeadlockDetected names, for each blocked task, the primitive it waits on (and a lock's holder). */
class DeadlockReportTest {
    @Test
    void eachPrimitiveDescribesItselfInTheReport() {
        SimResult<Object> r = Simulation.builder().strategy(Strategy.fifo()).run(() -> {
            RLock rlock = new RLock("r");
            PriorityLock plock = new PriorityLock("p");
            Semaphore sem = new Semaphore(0);
            Condition cond = new Condition(new Lock("c"));
            Channel<String> ch = new Channel<>(0);
            TaskGroup.with(tg -> {
                tg.spawn("holder", () -> {
                    rlock.acquire();
                    rlock.acquire();
                    plock.acquire();
                    new Event().await();
                });
                Sims.until(plock::isLocked);
                tg.spawn("onRLock", rlock::acquire);
                tg.spawn("onPriorityLock", plock::acquire);
                tg.spawn("onSemaphore", sem::acquire);
                tg.spawn("onCondition", () -> {
                    try (var _ = cond.hold()) {
                        cond.await();
                    }
                });
                tg.spawn("sender", () -> ch.send("x"));
                return null;
            });
            return null;
        });
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class);
        assertThat(r.failure().getMessage())
                .contains("task 'holder' waits for Event (not set, 1 waiting)")
                .contains("task 'onRLock' waits for RLock 'r' held by task 'holder' 2 times (1 waiting)")
                .contains("task 'onPriorityLock' waits for PriorityLock 'p' held by task 'holder' (1 waiting)")
                .contains("task 'onSemaphore' waits for Semaphore (0 permits, 1 waiting)")
                .contains("task 'onCondition' waits for Condition of Lock 'c' (free), 1 waiting for a signal")
                .contains("task 'sender' waits for Channel (capacity 0, 0 buffered, 1 waiting to send)");
    }
}
