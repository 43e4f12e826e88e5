package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.sync.Channel;
import dev.simloop.sync.Condition;
import dev.simloop.sync.Event;
import dev.simloop.sync.Lock;
import dev.simloop.sync.Semaphore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The Trust issue, item 8 (found by the determinism soak): a deadline firing at the same virtual
 * instant as a sleeper's wake-up used to leave the cancelled sleeper's timer behind, and it later
 * woke the task while it waited somewhere else ("task 'main' is already waiting in a queue", or a
 * Condition.await that returned without a signal). A cancelled wait now leaves no timer and no
 * queue entry behind, by construction.
 */
class CancelledWaitsLeaveNothingBehindTest {

    @Test
    void theReportedProgramPassesOnEverySeed() {
        ThrowingSupplier<Object> program = () -> {
            Lock l = new Lock("l");
            return TaskGroup.with(tg -> {
                tg.spawn(() -> {
                    l.acquire();
                    Loop.sleep(Duration.ofMillis(10));
                    l.release();
                });
                Loop.sleep(Duration.ofNanos(1));
                CancelScope.moveOnAfter(Duration.ofMillis(1), () -> {
                    Loop.sleep(Duration.ofMillis(1));
                    return null;
                });
                l.acquire();
                l.release();
                return "done at " + Loop.nanoTime();
            });
        };
        SimResult<Object> reported = Simulation.run(2, program);
        assertThat(reported.value()).isEqualTo("done at 10000000");
        for (long seed = 0; seed < 1000; seed++) {
            SimResult<Object> r = Simulation.run(seed, program);
            assertThat(r.failed()).as("seed %d: %s", seed, r.failure()).isFalse();
            assertThat(r.value()).isEqualTo("done at 10000000");
        }
    }

    /**
     * A waiter whose sleep ties with its scope's deadline at 1 ms, then waits on a primitive that a
     * releaser makes available only at 5 ms: the waiter must get through at 5 ms, not before.
     */
    private static void waiterLeavesNothingBehind(Function<Object[], Object> make, Consumer<Object[]> await,
            Consumer<Object[]> release) {
        for (long seed = 0; seed < 300; seed++) {
            List<String> log = new ArrayList<>();
            SimResult<Object> r = Simulation.run(seed, () -> {
                Object[] p = new Object[2];
                p[0] = make.apply(p);
                return TaskGroup.with(tg -> {
                    tg.spawn("releaser", () -> {
                        Loop.sleep(Duration.ofMillis(5));
                        log.add("release at " + Loop.nanoTime());
                        release.accept(p);
                    });
                    tg.spawn("waiter", () -> {
                        CancelScope.moveOnAfter(Duration.ofMillis(1), () -> {
                            Loop.sleep(Duration.ofMillis(1));
                            return null;
                        });
                        await.accept(p);
                        log.add("through at " + Loop.nanoTime());
                    });
                    return null;
                });
            });
            assertThat(r.failed()).as("seed %d: %s", seed, r.failure()).isFalse();
            assertThat(log).as("seed %d", seed).containsExactly("release at 5000000", "through at 5000000");
        }
    }

    @Test
    void eventAwait() {
        waiterLeavesNothingBehind(p -> new Event(), p -> ((Event) p[0]).await(), p -> ((Event) p[0]).set());
    }

    @Test
    void channelReceive() {
        waiterLeavesNothingBehind(p -> new Channel<String>(0), p -> ((Channel<?>) p[0]).receive(),
                p -> channel(p).send("v"));
    }

    @SuppressWarnings("unchecked") // p[0] is the Channel<String> made by channelReceive's first step
    private static Channel<String> channel(Object[] p) {
        return (Channel<String>) p[0];
    }

    @Test
    void semaphoreAcquire() {
        waiterLeavesNothingBehind(p -> new Semaphore(0), p -> ((Semaphore) p[0]).acquire(),
                p -> ((Semaphore) p[0]).release());
    }

    @Test
    void lockAcquire() {
        // the releaser takes the lock at 0 (before the waiter asks) and lets go at 5 ms
        for (long seed = 0; seed < 300; seed++) {
            List<String> log = new ArrayList<>();
            SimResult<Object> r = Simulation.run(seed, () -> {
                Lock lock = new Lock();
                return TaskGroup.with(tg -> {
                    lock.acquire();
                    tg.spawn("waiter", () -> {
                        CancelScope.moveOnAfter(Duration.ofMillis(1), () -> {
                            Loop.sleep(Duration.ofMillis(1));
                            return null;
                        });
                        lock.acquire();
                        log.add("through at " + Loop.nanoTime());
                        lock.release();
                    });
                    Loop.sleep(Duration.ofMillis(5));
                    lock.release();
                    return null;
                });
            });
            assertThat(r.failed()).as("seed %d: %s", seed, r.failure()).isFalse();
            assertThat(log).as("seed %d", seed).containsExactly("through at 5000000");
        }
    }

    @Test
    void taskJoin() {
        for (long seed = 0; seed < 300; seed++) {
            List<String> log = new ArrayList<>();
            SimResult<Object> r = Simulation.run(seed, () -> TaskGroup.with(tg -> {
                Task<String> worker = tg.spawn("worker", () -> {
                    Loop.sleep(Duration.ofMillis(5));
                    return "w";
                });
                tg.spawn("waiter", () -> {
                    CancelScope.moveOnAfter(Duration.ofMillis(1), () -> {
                        Loop.sleep(Duration.ofMillis(1));
                        return null;
                    });
                    log.add(worker.join() + " joined at " + Loop.nanoTime());
                });
                return null;
            }));
            assertThat(r.failed()).as("seed %d: %s", seed, r.failure()).isFalse();
            assertThat(log).as("seed %d", seed).containsExactly("w joined at 5000000");
        }
    }

    @Test
    void conditionAwaitReturnsOnlyWhenSignalled() {
        for (long seed = 0; seed < 300; seed++) {
            List<String> log = new ArrayList<>();
            SimResult<Object> r = Simulation.run(seed, () -> {
                Lock lock = new Lock();
                Condition cond = new Condition(lock);
                boolean[] signalled = {false};
                return TaskGroup.with(tg -> {
                    tg.spawn("signaller", () -> {
                        Loop.sleep(Duration.ofMillis(5));
                        lock.acquire();
                        signalled[0] = true;
                        cond.signal();
                        lock.release();
                    });
                    tg.spawn("waiter", () -> {
                        CancelScope.moveOnAfter(Duration.ofMillis(1), () -> {
                            Loop.sleep(Duration.ofMillis(1));
                            return null;
                        });
                        lock.acquire();
                        cond.await(); // one await, no loop: a return without a signal would show here
                        log.add("signalled " + signalled[0] + " at " + Loop.nanoTime());
                        lock.release();
                    });
                    return null;
                });
            });
            assertThat(r.failed()).as("seed %d: %s", seed, r.failure()).isFalse();
            assertThat(log).as("seed %d", seed).containsExactly("signalled true at 5000000");
        }
    }
}
