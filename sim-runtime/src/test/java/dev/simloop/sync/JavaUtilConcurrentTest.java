package dev.simloop.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Loop;
import dev.simloop.NondeterminismDetected;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.TaskGroup;
import dev.simloop.ThrowingSupplier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * java.util.concurrent waits inside tasks: the untimed ones park the task's virtual thread and are
 * unparked by another task, so the loop schedules them like its own waits and runs replay; the
 * timed ones would be woken by a JDK timer thread, so a simulation rejects them.
 */
class JavaUtilConcurrentTest {
    /** ReentrantLock.lock(), Condition.await() and CountDownLatch.await(), contended, from several tasks. */
    private static final ThrowingSupplier<List<String>> PROGRAM = () -> {
        List<String> log = new ArrayList<>();
        ReentrantLock lock = new ReentrantLock();
        java.util.concurrent.locks.Condition ready = lock.newCondition();
        CountDownLatch latch = new CountDownLatch(3);
        boolean[] go = {false};
        TaskGroup.with(tg -> {
            tg.spawn("waiter", () -> {
                lock.lock();
                try {
                    while (!go[0]) {
                        ready.await();
                    }
                    log.add("waiter: signalled");
                } finally {
                    lock.unlock();
                }
            });
            for (int i = 0; i < 3; i++) {
                String name = "w" + i;
                tg.spawn(name, () -> {
                    Loop.checkpoint();
                    lock.lock(); // contended: parks in java.util.concurrent
                    try {
                        log.add(name + ": in");
                        Loop.checkpoint(); // others pile up on the lock meanwhile
                        log.add(name + ": out");
                    } finally {
                        lock.unlock();
                    }
                    latch.countDown();
                });
            }
            tg.spawn("opener", () -> {
                latch.await();
                lock.lock();
                try {
                    go[0] = true;
                    ready.signalAll();
                    log.add("opener: latch open");
                } finally {
                    lock.unlock();
                }
            });
            return null;
        });
        return log;
    };

    @Test
    void untimedLocksConditionsAndLatchesAreScheduledDeterministically() {
        Set<List<String>> distinct = new HashSet<>();
        for (long seed = 0; seed < 40; seed++) {
            SimResult<List<String>> first = Simulation.run(seed, PROGRAM);
            SimResult<List<String>> second = Simulation.run(seed, PROGRAM);
            SimResult<List<String>> replayed = Simulation.builder().replay(first.replayLine()).run(PROGRAM);
            List<String> log = first.value();
            assertThat(second.value()).isEqualTo(log);
            assertThat(second.traceDigest()).isEqualTo(first.traceDigest());
            assertThat(replayed.value()).isEqualTo(log);
            assertThat(replayed.traceDigest()).isEqualTo(first.traceDigest());
            // mutual exclusion held: every "in" is directly followed by the same task's "out"
            for (int i = 0; i < log.size(); i++) {
                if (log.get(i).endsWith(": in")) {
                    assertThat(log.get(i + 1)).isEqualTo(log.get(i).replace(": in", ": out"));
                }
            }
            assertThat(log).endsWith("opener: latch open", "waiter: signalled");
            distinct.add(log);
        }
        assertThat(distinct).as("different seeds explore different lock orders").hasSizeGreaterThan(1);
    }

    private static SimResult<Object> timed(String what) {
        return Simulation.run(1, () -> {
            ReentrantLock lock = new ReentrantLock();
            CountDownLatch latch = new CountDownLatch(1);
            TaskGroup.with(tg -> {
                tg.spawn("holder", () -> {
                    lock.lock();
                    try {
                        Loop.sleep(java.time.Duration.ofSeconds(10));
                    } finally {
                        lock.unlock();
                    }
                });
                tg.spawn("timed", () -> {
                    Loop.checkpoint();
                    Loop.checkpoint();
                    switch (what) {
                        case "tryLock" -> lock.tryLock(1, TimeUnit.SECONDS);
                        case "latch" -> latch.await(1, TimeUnit.SECONDS);
                        case "condition" -> {
                            ReentrantLock own = new ReentrantLock();
                            own.lock();
                            try {
                                own.newCondition().await(1, TimeUnit.SECONDS);
                            } finally {
                                own.unlock();
                            }
                        }
                        default -> Thread.sleep(1000);
                    }
                });
                return null;
            });
            return null;
        });
    }

    @Test
    void timedWaitsAreRejectedWithNondeterminismDetected() {
        for (String what : List.of("tryLock", "latch", "condition", "sleep")) {
            SimResult<Object> r = timed(what);
            assertThat(r.failure()).as(what).isInstanceOf(NondeterminismDetected.class);
            assertThat(r.failure().getMessage()).as(what)
                    .startsWith("task 'timed' made a timed wait outside simloop at step ")
                    .contains("Thread.sleep, LockSupport.parkNanos, timed lock, queue and Future waits use the real "
                            + "clock and are woken by a JDK thread the simulation does not own, so the run could not "
                            + "be replayed. Use Loop.sleep, CancelScope.moveOnAfter / failAfter for time-outs, and the "
                            + "dev.simloop.sync primitives instead.")
                    .contains("JavaUtilConcurrentTest");
        }
    }
}
