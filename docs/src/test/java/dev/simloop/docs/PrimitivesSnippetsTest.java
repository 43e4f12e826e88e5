package dev.simloop.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.LeakDetected;
import dev.simloop.Loop;
import dev.simloop.NondeterminismDetected;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Task;
import dev.simloop.TaskGroup;
import dev.simloop.sync.BrokenResourceException;
import dev.simloop.sync.Channel;
import dev.simloop.sync.Condition;
import dev.simloop.sync.Event;
import dev.simloop.sync.Lock;
import dev.simloop.sync.RLock;
import dev.simloop.sync.Semaphore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/** The snippets of docs/primitives.md, each run and checked. */
class PrimitivesSnippetsTest {

    @Test
    void lockHold() {
        int result = Simulation.run(1, () -> {
            // snippet:lock-hold
            Lock lock = new Lock("account");
            int[] balance = {100};
            TaskGroup.with(tg -> {
                for (int i = 0; i < 3; i++) {
                    tg.spawn(() -> {
                        try (var _ = lock.hold()) {
                            int b = balance[0];
                            Loop.checkpoint(); // other tasks run, but none of them enters this block
                            balance[0] = b - 10;
                        }
                    });
                }
                return null;
            });
            // end-snippet
            return balance[0];
        }).value();
        assertThat(result).isEqualTo(70);
    }

    @Test
    void lockMisuse() {
        List<String> messages = Simulation.run(1, () -> {
            // snippet:lock-misuse
            List<String> errors = new ArrayList<>();
            Lock lock = new Lock("db");
            lock.acquire();
            try {
                lock.acquire(); // a Lock is not re-entrant
            } catch (IllegalStateException e) {
                errors.add(e.getMessage());
            }
            TaskGroup.with(tg -> tg.spawn("other", () -> {
                try {
                    lock.release(); // only the holder may release
                } catch (IllegalStateException e) {
                    errors.add(e.getMessage());
                }
            }));
            // end-snippet
            lock.release(); // main still holds it: released, or the run's leak check would fail it
            return errors;
        }).value();
        assertThat(messages).containsExactly(
                "Lock.acquire: task 'main' already holds Lock 'db', and a Lock is not re-entrant "
                        + "(use RLock to acquire a lock again while holding it)",
                "Lock.release: task 'other' does not hold Lock 'db', which is held by task 'main'"
                        + "; release only a hold this task took, once (closing one hold() handle twice, or a release after the try-with-resources block already released it, releases once too often)");
    }

    @Test
    void brokenLock() {
        String[] seen = new String[1];
        SimResult<String> r = Simulation.run(1, () -> {
            // snippet:broken-lock
            Lock lock = new Lock("db");
            TaskGroup.with(tg -> tg.spawn("careless", () -> lock.acquire())); // returns still holding it
            String message;
            try {
                lock.acquire();
                message = "acquired";
            } catch (BrokenResourceException e) {
                message = e.getMessage();
            }
            // end-snippet
            seen[0] = message;
            return message;
        });
        assertThat(seen[0])
                .isEqualTo("Lock.acquire: Lock 'db' is broken: its owner task 'careless' finished without releasing it");
        // the simulated run itself fails: its leak check reports the lock 'careless' left held
        assertThat(r.failure()).isInstanceOf(LeakDetected.class)
                .hasMessageStartingWith("leak: Lock 'db' was still held by task 'careless' when it finished (step ");
    }

    @Test
    void rlock() {
        int holds = Simulation.run(1, () -> {
            // snippet:rlock
            RLock lock = new RLock();
            int depth;
            try (var _ = lock.hold()) {
                try (var _ = lock.hold()) { // the holder may acquire it again
                    depth = lock.holdCount();
                }
            }
            // end-snippet
            assertThat(lock.isLocked()).isFalse();
            return depth;
        }).value();
        assertThat(holds).isEqualTo(2);
    }

    @Test
    void semaphore() {
        int most = Simulation.run(3, () -> {
            // snippet:semaphore
            Semaphore connections = Semaphore.bounded(2); // a bounded one rejects an extra release
            int[] open = {0, 0}; // now, most ever
            TaskGroup.with(tg -> {
                for (int i = 0; i < 5; i++) {
                    tg.spawn(() -> {
                        try (var _ = connections.hold()) {
                            open[0]++;
                            open[1] = Math.max(open[1], open[0]);
                            Loop.sleep(Duration.ofMillis(10));
                            open[0]--;
                        }
                    });
                }
                return null;
            });
            // end-snippet
            return open[1];
        }).value();
        assertThat(most).isEqualTo(2);
    }

    @Test
    void condition() {
        List<String> result = Simulation.run(5, () -> {
            // snippet:condition
            Condition changed = new Condition();
            List<String> queue = new ArrayList<>();
            List<String> log = new ArrayList<>();
            TaskGroup.with(tg -> {
                tg.spawn("consumer", () -> {
                    try (var _ = changed.hold()) {
                        while (queue.isEmpty()) {
                            changed.await(); // releases the lock while it waits
                        }
                        log.add("took " + queue.removeFirst());
                    }
                });
                tg.spawn("producer", () -> {
                    Loop.sleep(Duration.ofSeconds(1));
                    try (var _ = changed.hold()) {
                        queue.add("job");
                        changed.signal();
                    }
                });
                return null;
            });
            // end-snippet
            return log;
        }).value();
        assertThat(result).containsExactly("took job");
    }

    @Test
    void channel() {
        List<Integer> totals = Simulation.run(7, () -> {
            // snippet:channel
            Channel<Integer> jobs = new Channel<>(4);
            List<Integer> done = new ArrayList<>();
            TaskGroup.with(tg -> {
                for (int w = 0; w < 2; w++) {
                    tg.spawn(() -> {
                        for (int job : jobs) { // ends when the channel is closed and drained
                            done.add(job * job);
                        }
                    });
                }
                TaskGroup.with(senders -> {
                    for (int s = 0; s < 3; s++) {
                        int first = s * 10;
                        senders.spawn(() -> {
                            for (int i = 0; i < 3; i++) {
                                jobs.send(first + i);
                            }
                        });
                    }
                    return null;
                });
                jobs.close(); // every sender is done
                return null;
            });
            // end-snippet
            return done;
        }).value();
        assertThat(totals).containsExactlyInAnyOrder(0, 1, 4, 100, 121, 144, 400, 441, 484);
    }

    @Test
    void event() {
        List<String> result = Simulation.run(1, () -> {
            // snippet:event
            List<String> log = new ArrayList<>();
            Event ready = new Event();
            TaskGroup.with(tg -> {
                tg.spawn(() -> {
                    ready.await();
                    log.add("saw the event at " + Duration.ofNanos(Loop.nanoTime()));
                });
                Loop.sleep(Duration.ofSeconds(5));
                ready.set();
                return null;
            });
            // end-snippet
            return log;
        }).value();
        assertThat(result).containsExactly("saw the event at PT5S");
    }

    @Test
    void cancelledWaiter() {
        List<String> result = Simulation.run(1, () -> {
            // snippet:cancelled-waiter
            List<String> log = new ArrayList<>();
            Lock lock = new Lock();
            lock.acquire();
            TaskGroup.with(tg -> {
                Task<Void> impatient = tg.spawn("impatient", () -> lock.acquire());
                tg.spawn("patient", () -> {
                    try (var _ = lock.hold()) {
                        log.add("patient got the lock");
                    }
                });
                Loop.sleep(Duration.ofSeconds(1)); // both wait for the lock now
                impatient.cancel(); // leaves the queue without a trace
                lock.release(); // goes to the next waiter
                return null;
            });
            // end-snippet
            return log;
        }).value();
        assertThat(result).containsExactly("patient got the lock");
    }

    @Test
    void javaUtilConcurrent() {
        SimResult<Integer> first = Simulation.run(11, PrimitivesSnippetsTest::jucProgram);
        SimResult<Integer> replay = Simulation.builder().replay(first.replayLine()).run(PrimitivesSnippetsTest::jucProgram);
        assertThat(first.value()).isEqualTo(4);
        assertThat(replay.traceDigest()).isEqualTo(first.traceDigest());

        SimResult<Object> timed = Simulation.run(1, () -> {
            // snippet:timed-wait
            ReentrantLock lock = new ReentrantLock();
            TaskGroup.with(tg -> {
                tg.spawn(() -> {
                    lock.lock();
                    try {
                        Loop.sleep(Duration.ofSeconds(5));
                    } finally {
                        lock.unlock();
                    }
                });
                tg.spawn("impatient", () -> {
                    Loop.sleep(Duration.ofSeconds(1)); // the lock is taken by now
                    return lock.tryLock(1, TimeUnit.SECONDS); // a timed wait: rejected
                });
                return null;
            });
            // end-snippet
            return null;
        });
        assertThat(timed.failure()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageStartingWith("task 'impatient' made a timed wait outside simloop")
                // the text primitives.md quotes
                .hasMessageContaining("): Thread.sleep, LockSupport.parkNanos, timed lock, queue and Future waits use the"
                        + " real clock and are woken by a JDK thread the simulation does not own, so the run could not be"
                        + " replayed. Use Loop.sleep, CancelScope.moveOnAfter / failAfter for time-outs, and the"
                        + " dev.simloop.sync primitives instead.");
    }

    private static int jucProgram() {
        // snippet:juc
        ReentrantLock lock = new ReentrantLock(); // java.util.concurrent, untimed lock()
        int[] counter = {0};
        TaskGroup.with(tg -> {
            for (int i = 0; i < 4; i++) {
                tg.spawn(() -> {
                    lock.lock();
                    try {
                        int c = counter[0];
                        Loop.checkpoint();
                        counter[0] = c + 1;
                    } finally {
                        lock.unlock();
                    }
                });
            }
            return null;
        });
        // end-snippet
        return counter[0];
    }

    @Test
    void namedPrimitives() {
        SimResult<Object> r = Simulation.run(1, () -> TaskGroup.with(tg -> {
            // snippet:named-primitives
            Lock lock = new Lock("cache");
            Event loaded = new Event("loaded");
            Semaphore pool = new Semaphore(0, "pool");
            Channel<String> jobs = new Channel<>(0, "jobs");
            Condition changed = new Condition(lock, "changed");
            tg.spawn("waiter", loaded::await);   // waits for Event 'loaded' (not set, 1 waiting); ...
            tg.spawn("worker", pool::acquire);   // waits for Semaphore 'pool' (0 permits, 1 waiting); ...
            // end-snippet
            tg.spawn("receiver", jobs::receive);
            tg.spawn("watcher", () -> {
                try (var _ = changed.hold()) {
                    changed.await();
                }
            });
            return null;
        }));
        assertThat(r.failure().getMessage()).contains("task 'waiter' waits for Event 'loaded' (not set, 1 waiting); ")
                .contains("task 'worker' waits for Semaphore 'pool' (0 permits, 1 waiting); ")
                .contains("Channel 'jobs'").contains("Condition 'changed' of Lock 'cache'");
    }

    @Test
    void waitAllTasksBlocked() {
        SimResult<List<String>> r = Simulation.run(1, () -> {
            // snippet:wait-all-blocked
            List<String> log = new ArrayList<>();
            Event go = new Event("go");
            return TaskGroup.with(tg -> {
                tg.spawn("loader", () -> {
                    log.add("loading");
                    go.await();
                    log.add("loaded");
                });
                Loop.waitAllTasksBlocked();   // the loader ran up to its wait; the clock has not moved
                List<String> seen = new ArrayList<>(log);   // [loading]
                go.set();
                Loop.waitAllTasksBlocked();
                seen.addAll(log);                          // [loading, loading, loaded]
                return seen;
            });
            // end-snippet
        });
        assertThat(r.value()).containsExactly("loading", "loading", "loaded");
        assertThat(r.virtualTime()).isZero();
    }
}
