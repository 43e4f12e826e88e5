package dev.simloop.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.DeadlockDetected;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import org.junit.jupiter.api.Test;

/** Every primitive takes an optional name, which messages, traces and deadlock reports show. */
class PrimitiveNamesTest {
    @Test
    void namesAppearInToStringAndUnnamedPrimitivesKeepTheirKindOnly() {
        Lock lock = new Lock("cache");
        assertThat(new Event("loaded")).hasToString("Event 'loaded' (not set)");
        assertThat(new Event()).hasToString("Event (not set)");
        assertThat(new Semaphore(2, "pool")).hasToString("Semaphore 'pool' (2 permits)");
        assertThat(Semaphore.bounded(1, "slot")).hasToString("bounded Semaphore 'slot' (1 permits)");
        assertThat(new Channel<String>(3, "jobs")).hasToString("Channel 'jobs' (capacity 3, 0 buffered)");
        assertThat(new Condition(lock, "changed")).hasToString("Condition 'changed' of Lock 'cache' (free)");
        assertThat(new Condition(lock, null)).hasToString("Condition of Lock 'cache' (free)");
        PriorityLock urgent = new PriorityLock("urgent");
        assertThat(new PriorityCondition(urgent, "ready")).hasToString(
                "PriorityCondition 'ready' of " + urgent);
        assertThat(new PriorityCondition(urgent)).hasToString("PriorityCondition of " + urgent);
    }

    @Test
    void aDeadlockAmongNamedPrimitivesNamesEach() {
        SimResult<Object> r = Simulation.builder().strategy(Strategy.fifo()).run(() -> TaskGroup.with(tg -> {
            Event loaded = new Event("loaded");
            Semaphore pool = new Semaphore(0, "pool");
            Channel<String> jobs = new Channel<>(0, "jobs");
            Lock lock = new Lock("cache");
            Condition changed = new Condition(lock, "changed");
            tg.spawn("waiter", loaded::await);
            tg.spawn("acquirer", pool::acquire);
            tg.spawn("receiver", jobs::receive);
            tg.spawn("watcher", () -> {
                try (var _ = changed.hold()) {
                    changed.await();
                }
            });
            return null;
        }));
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class);
        assertThat(r.failure().getMessage())
                .contains("task 'waiter' waits for Event 'loaded' (not set, 1 waiting); no task holds it: it needs a call to set()")
                .contains("task 'acquirer' waits for Semaphore 'pool' (0 permits, 1 waiting)")
                .contains("task 'receiver' waits for Channel 'jobs' (capacity 0, 0 buffered, 1 waiting to receive)")
                .contains("task 'watcher' waits for Condition 'changed' of Lock 'cache' (free), 1 waiting for a signal");
    }

    @Test
    void theTraceNamesTheBlockingCallItsObjectAndWhatItFound() {
        SimResult<Object> r = Simulation.builder().strategy(Strategy.fifo()).trace(true).run(() -> TaskGroup.with(tg -> {
            Semaphore pool = new Semaphore(0, "pool");
            Lock lock = new Lock("cache");
            Channel<String> jobs = new Channel<>(0, "jobs");
            tg.spawn("holder", () -> {
                lock.acquire();
                pool.acquire();
            });
            tg.spawn("refresh", () -> {
                try (var _ = lock.hold()) {
                    jobs.send("x");
                }
            });
            return null;
        }));
        String table = r.traceTable(100).orElseThrow().replaceAll("\\s*\\|\\s*", " ").replaceAll("\\s+", " ");
        assertThat(table).contains("block Semaphore 'pool'.acquire(permits=0)")
                .contains("block Lock 'cache'.acquire \u2190 held by holder#1");
    }
}
