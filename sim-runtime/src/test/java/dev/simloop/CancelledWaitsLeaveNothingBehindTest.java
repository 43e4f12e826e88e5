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

    /** Sleeps 1 ms inside a scope whose deadline is also at 1 ms: the deadline cancels the sleep at the tie. */
    private static void sleepCancelledAtATie() {
        CancelScope.moveOnAfter(Duration.ofMillis(1), () -> {
            Loop.sleep(Duration.ofMillis(1));
            return null;
        });
    }

    /**
     * Runs {@code program} (which logs into the list it is given) under 300 seeds and checks that
     * each run passes with exactly {@code expected} in its log.
     */
    private static void everySeed(java.util.function.Function<List<String>, ThrowingSupplier<Object>> program,
            String... expected) {
        for (long seed = 0; seed < 300; seed++) {
            List<String> log = new ArrayList<>();
            SimResult<Object> r = Simulation.run(seed, program.apply(log));
            assertThat(r.failed()).as("seed %d: %s", seed, r.failure()).isFalse();
            assertThat(log).as("seed %d", seed).containsExactly(expected);
        }
    }

    /**
     * A waiter whose sleep ties with its scope's deadline at 1 ms, then waits on a primitive that a
     * releaser makes available only at 5 ms: the waiter must get through at 5 ms, not before.
     */
    private static <P> void waiterLeavesNothingBehind(java.util.function.Supplier<P> make, Consumer<P> await,
            Consumer<P> release) {
        everySeed(log -> () -> {
            P p = make.get();
            return TaskGroup.with(tg -> {
                tg.spawn("releaser", () -> {
                    Loop.sleep(Duration.ofMillis(5));
                    log.add("release at " + Loop.nanoTime());
                    release.accept(p);
                });
                tg.spawn("waiter", () -> {
                    sleepCancelledAtATie();
                    await.accept(p);
                    log.add("through at " + Loop.nanoTime());
                });
                return null;
            });
        }, "release at 5000000", "through at 5000000");
    }

    @Test
    void eventAwait() {
        waiterLeavesNothingBehind(Event::new, Event::await, Event::set);
    }

    @Test
    void channelReceive() {
        waiterLeavesNothingBehind(() -> new Channel<String>(0), Channel::receive, ch -> ch.send("v"));
    }

    @Test
    void semaphoreAcquire() {
        waiterLeavesNothingBehind(() -> new Semaphore(0), Semaphore::acquire, Semaphore::release);
    }

    @Test
    void lockAcquire() {
        // the main task takes the lock at 0 (before the waiter asks) and lets go at 5 ms
        everySeed(log -> () -> {
            Lock lock = new Lock();
            return TaskGroup.with(tg -> {
                lock.acquire();
                tg.spawn("waiter", () -> {
                    sleepCancelledAtATie();
                    lock.acquire();
                    log.add("through at " + Loop.nanoTime());
                    lock.release();
                });
                Loop.sleep(Duration.ofMillis(5));
                lock.release();
                return null;
            });
        }, "through at 5000000");
    }

    @Test
    void taskJoin() {
        everySeed(log -> () -> TaskGroup.with(tg -> {
            Task<String> worker = tg.spawn("worker", () -> {
                Loop.sleep(Duration.ofMillis(5));
                return "w";
            });
            tg.spawn("waiter", () -> {
                sleepCancelledAtATie();
                log.add(worker.join() + " joined at " + Loop.nanoTime());
            });
            return null;
        }), "w joined at 5000000");
    }

    @Test
    void conditionAwaitReturnsOnlyWhenSignalled() {
        everySeed(log -> () -> {
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
                    sleepCancelledAtATie();
                    lock.acquire();
                    cond.await(); // one await, no loop: a return without a signal would show here
                    log.add("signalled " + signalled[0] + " at " + Loop.nanoTime());
                    lock.release();
                });
                return null;
            });
        }, "signalled true at 5000000");
    }
}
