package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Trust issue, item 1 and 2: JDK executors, threads and futures inside a simulation, and the
 * java.util.concurrent primitives the docs call deterministic. One seed is one run: the same
 * failure with the same message every time, or the same result with the same digest.
 */
class JdkConcurrencyInTasksTest {
    private static final int RUNS = 100;

    /** The message with JVM-assigned numbers (thread ids and pool counters) masked. */
    private static String normalized(Throwable t) {
        return t.getClass().getName() + ": " + t.getMessage().replaceAll("#\\d+", "#N").replaceAll("-\\d+", "-N");
    }

    /** Runs {@code program} RUNS times with seed 1 and returns the distinct outcomes. */
    private static Set<String> outcomes(ThrowingSupplier<?> program) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < RUNS; i++) {
            SimResult<?> r = Simulation.run(1, program);
            seen.add(r.failed() ? normalized(r.failure()) : "passed " + r.steps() + " steps, digest " + r.traceDigest());
        }
        return seen;
    }

    @Test
    void aVirtualThreadPerTaskExecutorFailsTheRunTheSameWayEveryTime() {
        Set<String> seen = outcomes(() -> {
            try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                return ex.submit(() -> 21).get();
            }
        });
        assertThat(seen).singleElement().asString()
                .startsWith("dev.simloop.NondeterminismDetected: task 'main' created a thread the simulation does not "
                        + "own: a thread of a thread-per-task executor (Executors.newVirtualThreadPerTaskExecutor or "
                        + "newThreadPerTaskExecutor), at dev.simloop.JdkConcurrencyInTasksTest.")
                .contains("(step 1)")
                .endsWith("Create it with Loop.threadFactory(): Executors.newThreadPerTaskExecutor(Loop.threadFactory()) "
                        + "runs its threads as tasks; or pass Loop.executor(), whose work runs as tasks.");
    }

    @Test
    void aFixedThreadPoolFailsTheRunTheSameWayEveryTime() {
        Set<String> seen = outcomes(() -> {
            ExecutorService ex = Executors.newFixedThreadPool(2);
            try {
                return ex.submit(() -> 21).get();
            } finally {
                ex.shutdownNow();
            }
        });
        assertThat(seen).singleElement().asString()
                .startsWith("dev.simloop.NondeterminismDetected: task 'main' created a thread the simulation does not "
                        + "own: a worker thread of a java.util.concurrent.ThreadPoolExecutor (Executors.newFixedThreadPool,")
                .contains("at dev.simloop.JdkConcurrencyInTasksTest.")
                .endsWith("Pass Loop.executor() instead (its work runs as tasks), or create the pool with "
                        + "Loop.threadFactory(); blocking work goes in Loop.toThread.");
    }

    @Test
    void startingAndJoiningAVirtualThreadFailsTheRunTheSameWayEveryTime() {
        Set<String> seen = outcomes(() -> {
            Thread t = Thread.ofVirtual().start(() -> { });
            t.join();
            return null;
        });
        assertThat(seen).singleElement().asString()
                .startsWith("dev.simloop.NondeterminismDetected: task 'main' created a thread the simulation does not "
                        + "own: a virtual thread (Thread.ofVirtual, Thread.startVirtualThread)");
    }

    @Test
    void aPlatformThreadStartedInATaskFailsTheRunAndNeverRuns() {
        List<String> ran = new ArrayList<>();
        SimResult<Object> r = Simulation.run(1, () -> TaskGroup.with(tg -> {
            tg.spawn("starter", () -> new Thread(() -> ran.add("outside")).start());
            return null;
        }));
        assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageStartingWith("task 'starter' created a thread the simulation does not own: a platform "
                        + "thread (new Thread, Thread.ofPlatform)");
        assertThat(ran).isEmpty();
    }

    @Test
    void supplyAsyncOnTheCommonPoolIsWaitedForInPlaceSoEveryRunIsTheSame() {
        Set<String> seen = outcomes(() -> CompletableFuture.supplyAsync(() -> 21).join() * 2);
        assertThat(seen).singleElement().asString().startsWith("passed 1 steps");
        SimResult<Integer> r = Simulation.builder().seed(1).checkDeterminism(true)
                .run(() -> CompletableFuture.supplyAsync(() -> 21).join() * 2);
        assertThat(r.value()).isEqualTo(42);
    }

    @Test
    void supplyAsyncWhileOtherTasksAreReadyGivesOneRunPerSeed() {
        ThrowingSupplier<List<String>> program = () -> {
            List<String> log = new ArrayList<>();
            TaskGroup.with(tg -> {
                tg.spawn("asker", () -> {
                    int v = CompletableFuture.supplyAsync(() -> 21).join();
                    log.add("asker got " + v);
                });
                tg.spawn("other", () -> {
                    for (int i = 0; i < 3; i++) {
                        log.add("other " + i);
                        Loop.checkpoint();
                    }
                });
                return null;
            });
            return log;
        };
        for (long seed = 0; seed < 20; seed++) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                SimResult<List<String>> r = Simulation.run(seed, program);
                seen.add(r.value() + " " + r.traceDigest());
            }
            assertThat(seen).as("seed %d", seed).hasSize(1);
        }
    }

    /** Three tasks take {@code lock}, sleep on the loop clock holding it, and let go: mutual exclusion, in spawn-independent order. */
    private static ThrowingSupplier<List<String>> threeTasksHolding(Runnable lock, Runnable unlock) {
        return () -> {
            List<String> log = new ArrayList<>();
            TaskGroup.with(tg -> {
                for (String name : List.of("a", "b", "c")) {
                    tg.spawn(name, () -> {
                        lock.run();
                        try {
                            log.add(name + " in");
                            Loop.sleep(Duration.ofMillis(1));
                            log.add(name + " out");
                        } finally {
                            unlock.run();
                        }
                    });
                }
                return null;
            });
            return log;
        };
    }

    private static void assertExclusiveAndDeterministic(ThrowingSupplier<List<String>> program, Duration lastOut) {
        Set<List<String>> orders = new HashSet<>();
        for (long seed = 0; seed < 1000; seed++) {
            SimResult<List<String>> r = Simulation.run(seed, program);
            assertThat(r.failed()).as("seed %d: %s", seed, r.failure()).isFalse();
            List<String> log = r.value();
            for (int i = 0; i < log.size(); i += 2) {
                String name = log.get(i).substring(0, 1);
                assertThat(log.get(i + 1)).as("seed %d: %s", seed, log).isEqualTo(name + " out");
            }
            assertThat(r.virtualTime()).isEqualTo(lastOut);
            orders.add(log);
            if (seed % 100 == 0) {
                SimResult<List<String>> again = Simulation.run(seed, program);
                assertThat(again.traceDigest()).isEqualTo(r.traceDigest());
                assertThat(again.value()).isEqualTo(log);
                assertThat(Simulation.builder().replay(r.replayLine()).run(program).traceDigest())
                        .isEqualTo(r.traceDigest());
            }
        }
        assertThat(orders).as("the seeds explore the orders").hasSizeGreaterThan(1);
    }

    @Test
    @Timeout(120) // 1,000 schedules take about a second; a real-time grace per contention would take minutes
    void aReentrantLockHeldAcrossASleepByThreeTasksIsDeterministicOverAThousandSchedules() {
        ReentrantLock lock = new ReentrantLock();
        assertExclusiveAndDeterministic(threeTasksHolding(lock::lock, lock::unlock), Duration.ofMillis(3));
    }

    @Test
    @Timeout(120)
    void aReadWriteLockIsDeterministicOverAThousandSchedules() {
        ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
        assertExclusiveAndDeterministic(threeTasksHolding(rw.writeLock()::lock, rw.writeLock()::unlock),
                Duration.ofMillis(3));
        // readers share the lock: three readers sleeping 1 ms together end at 1 ms
        SimResult<Integer> readers = Simulation.run(5, () -> TaskGroup.with(tg -> {
            for (int i = 0; i < 3; i++) {
                tg.spawn(() -> {
                    rw.readLock().lock();
                    try {
                        Loop.sleep(Duration.ofMillis(1));
                    } finally {
                        rw.readLock().unlock();
                    }
                });
            }
            return rw.getReadLockCount();
        }));
        assertThat(readers.virtualTime()).isEqualTo(Duration.ofMillis(1));
    }

    @Test
    @Timeout(120)
    void aJucSemaphoreIsDeterministicOverAThousandSchedules() {
        java.util.concurrent.Semaphore sem = new java.util.concurrent.Semaphore(1);
        assertExclusiveAndDeterministic(threeTasksHolding(sem::acquireUninterruptibly, sem::release),
                Duration.ofMillis(3));
    }

    @Test
    @Timeout(120)
    void aCountDownLatchAndBlockingQueuesAcrossCheckpointsAreDeterministic() {
        ThrowingSupplier<List<String>> program = () -> {
            List<String> log = new ArrayList<>();
            CountDownLatch ready = new CountDownLatch(2);
            BlockingQueue<Integer> small = new ArrayBlockingQueue<>(1);
            BlockingQueue<String> unbounded = new LinkedBlockingQueue<>();
            TaskGroup.with(tg -> {
                tg.spawn("producer", () -> {
                    ready.countDown();
                    for (int i = 0; i < 4; i++) {
                        small.put(i); // waits for room while the consumer sleeps
                        Loop.sleep(Duration.ofMillis(1));
                    }
                });
                tg.spawn("consumer", () -> {
                    ready.countDown();
                    for (int i = 0; i < 4; i++) {
                        int v = small.take();
                        Loop.sleep(Duration.ofMillis(2));
                        unbounded.put("got " + v);
                    }
                });
                tg.spawn("waiter", () -> {
                    ready.await();
                    log.add("both started");
                    for (int i = 0; i < 4; i++) {
                        log.add(unbounded.take());
                    }
                });
                return null;
            });
            return log;
        };
        Set<String> digests = new HashSet<>();
        for (long seed = 0; seed < 1000; seed++) {
            SimResult<List<String>> r = Simulation.run(seed, program);
            assertThat(r.value()).as("seed %d", seed).containsExactly("both started", "got 0", "got 1", "got 2", "got 3");
            assertThat(r.virtualTime()).isEqualTo(Duration.ofMillis(8));
            if (seed % 100 == 0) {
                assertThat(Simulation.run(seed, program).traceDigest()).isEqualTo(r.traceDigest());
            }
            digests.add(r.traceDigest());
        }
        assertThat(digests).hasSizeGreaterThan(1);
    }

    @Test
    void twoTasksTakingReentrantLocksInOppositeOrderAreADeadlockNamingBoth() {
        SimResult<Object> r = Simulation.builder().strategy(Strategy.fifo()).run(() -> {
            ReentrantLock l1 = new ReentrantLock();
            ReentrantLock l2 = new ReentrantLock();
            return TaskGroup.with(tg -> {
                tg.spawn("a", () -> {
                    l1.lock();
                    Loop.checkpoint();
                    l2.lock();
                });
                tg.spawn("b", () -> {
                    l2.lock();
                    Loop.checkpoint();
                    l1.lock();
                });
                return null;
            });
        });
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class)
                .hasMessageContaining("1 wait-for cycle")
                .hasMessageContaining("cycle: 'a' → 'b' → 'a'")
                .hasMessageContaining("task 'a' is parked outside simloop on java.util.concurrent.locks.ReentrantLock$"
                        + "NonfairSync, held by task 'b', at ")
                .hasMessageContaining("task 'b' is parked outside simloop on java.util.concurrent.locks.ReentrantLock$"
                        + "NonfairSync, held by task 'a', at ");
        assertThat(((DeadlockDetected) r.failure()).cycles()).containsExactly(List.of("a", "b"));
    }

    @Test
    void aWriteLockHeldByAnotherTaskIsAnEdgeOfTheCycleAndOwnerlessSynchronizersAreNot() {
        SimResult<Object> r = Simulation.builder().strategy(Strategy.fifo()).run(() -> {
            ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
            Semaphore permits = new Semaphore(1);
            return TaskGroup.with(tg -> {
                tg.spawn("writer", () -> {
                    rw.writeLock().lock();
                    Loop.checkpoint();
                    permits.acquire(); // the semaphore has no owner: its wait gives no edge
                });
                tg.spawn("reader", () -> {
                    permits.acquire();
                    Loop.checkpoint();
                    rw.readLock().lock();
                });
                return null;
            });
        });
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class)
                .hasMessageContaining("task 'reader' is parked outside simloop on java.util.concurrent.locks."
                        + "ReentrantReadWriteLock$NonfairSync, held by task 'writer', at ")
                .hasMessageContaining("task 'writer' is parked outside simloop on java.util.concurrent.Semaphore$"
                        + "NonfairSync at ");
        assertThat(((DeadlockDetected) r.failure()).cycles()).isEmpty();
    }

    @Test
    void aLockHeldByTheTaskThatWaitsForItsGroupIsNamedAsItsHolder() {
        SimResult<Object> r = Simulation.run(1, () -> {
            ReentrantLock lock = new ReentrantLock();
            lock.lock();
            return TaskGroup.with(tg -> {
                tg.spawn("late", () -> {
                    lock.lock();
                });
                return null;
            });
        });
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class)
                .hasMessageContaining("cycle: 'main' → 'late' → 'main'")
                .hasMessageContaining("task 'late' is parked outside simloop on java.util.concurrent.locks."
                        + "ReentrantLock$NonfairSync, held by task 'main', at ")
                .hasMessageNotContaining("A thread outside the simulation could also end"); // the cycle explains it
    }

    /** A ReentrantLock held by a task that waits for something else: only that task can release it, so no note of a thread outside. */
    @Test
    void aLockATaskHoldsGetsNoNoteOfAThreadOutside() {
        SimResult<Object> r = Simulation.run(1, () -> {
            ReentrantLock lock = new ReentrantLock();
            dev.simloop.sync.Event held = new dev.simloop.sync.Event();
            dev.simloop.sync.Event never = new dev.simloop.sync.Event();
            return TaskGroup.with(tg -> {
                tg.spawn("holder", () -> {
                    lock.lock();
                    held.set();
                    never.await();
                });
                tg.spawn("waiter", () -> {
                    held.await();
                    lock.lock();
                });
                return null;
            });
        });
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class)
                .hasMessageContaining("task 'waiter' is parked outside simloop on java.util.concurrent.locks."
                        + "ReentrantLock$NonfairSync, held by task 'holder', at ")
                .hasMessageNotContaining("A thread outside the simulation could also end");
    }

    /**
     * A task that holds a ReentrantReadWriteLock's read lock and asks for its write lock waits for
     * itself (the lock does not upgrade). The report said it was parked "on something no task of the
     * run holds" that a thread outside could end, when the task holds it; it now says what it waits for.
     */
    @Test
    void aTaskThatTakesTheWriteLockWhileHoldingTheReadLockIsNamedAsWaitingForItself() {
        ThrowingSupplier<Object> program = () -> {
            ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
            return TaskGroup.with(tg -> {
                tg.spawn("upgrader", () -> {
                    lock.readLock().lock();
                    lock.readLock().lock(); // reentrant: both holds its own
                    lock.writeLock().lock();
                });
                return null;
            });
        };
        SimResult<Object> r = Simulation.run(1, program);
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class)
                .hasMessageContaining("task 'upgrader' is parked outside simloop on java.util.concurrent.locks."
                        + "ReentrantReadWriteLock$NonfairSync for its write lock, held for reading by this task itself:"
                        + " a ReentrantReadWriteLock does not upgrade a read hold to the write lock, so the task waits"
                        + " for itself (release the read lock before taking the write lock, or take the write lock"
                        + " from the start), at dev.simloop.JdkConcurrencyInTasksTest.")
                .hasMessageNotContaining("no task of the run holds");
        assertThat(Simulation.run(1, program).failure()).hasMessage(r.failure().getMessage());

        // the same when another task took the read lock first and has let go of it since
        SimResult<Object> later = Simulation.run(1, () -> {
            ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
            dev.simloop.sync.Event first = new dev.simloop.sync.Event();
            dev.simloop.sync.Event second = new dev.simloop.sync.Event();
            dev.simloop.sync.Event released = new dev.simloop.sync.Event();
            return TaskGroup.with(tg -> {
                tg.spawn("first reader", () -> {
                    lock.readLock().lock();
                    first.set();
                    second.await();
                    lock.readLock().unlock();
                    released.set();
                });
                tg.spawn("upgrader", () -> {
                    first.await();
                    lock.readLock().lock();
                    second.set();
                    released.await();
                    lock.writeLock().lock();
                });
                return null;
            });
        });
        assertThat(later.failure()).isInstanceOf(DeadlockDetected.class)
                .hasMessageContaining("task 'upgrader' is parked outside simloop on java.util.concurrent.locks."
                        + "ReentrantReadWriteLock$NonfairSync for its write lock, held for reading by this task itself")
                .hasMessageNotContaining("no task of the run holds");
    }

    /**
     * Another task's read hold is not the waiter's own: the lock is named as before, and the note
     * on threads outside stays (simloop does not know every reader).
     */
    @Test
    void aWriteLockWaitOnAnotherTasksReadHoldIsNotCalledAWaitForItself() {
        SimResult<Object> r = Simulation.run(1, () -> {
            ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
            dev.simloop.sync.Event held = new dev.simloop.sync.Event();
            dev.simloop.sync.Event never = new dev.simloop.sync.Event();
            return TaskGroup.with(tg -> {
                tg.spawn("reader", () -> {
                    lock.readLock().lock();
                    held.set();
                    never.await();
                });
                tg.spawn("writer", () -> {
                    held.await();
                    lock.writeLock().lock();
                });
                return null;
            });
        });
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class)
                .hasMessageContaining("task 'writer' is parked outside simloop on java.util.concurrent.locks."
                        + "ReentrantReadWriteLock$NonfairSync at ")
                .hasMessageNotContaining("itself");
    }

    /**
     * A ReentrantLock whose holder finished without unlocking it: nothing can release it, and the
     * report says who took it and that it ended holding it. Before, the waiter's line named only the
     * lock's class ("is parked outside simloop on ...ReentrantLock$NonfairSync at ..."), and no task
     * of the report held it, so nothing said why the run could not go on.
     */
    @Test
    void aLockWhoseHolderFinishedWithoutUnlockingItNamesThatTask() {
        for (Strategy s : java.util.List.of(Strategy.fifo(), Strategy.random(), Strategy.pct(3), Strategy.pos())) {
            SimResult<Object> r = Simulation.builder().seed(1).strategy(s).run(() -> {
                ReentrantLock lock = new ReentrantLock();
                dev.simloop.sync.Event held = new dev.simloop.sync.Event();
                return TaskGroup.with(tg -> {
                    tg.spawn("holder", () -> {
                        lock.lock();
                        held.set();
                    });
                    tg.spawn("waiter", () -> {
                        held.await();
                        lock.lock();
                    });
                    return null;
                });
            });
            assertThat(r.failure()).as("%s", s).isInstanceOf(DeadlockDetected.class)
                    .hasMessageContaining("task 'waiter' is parked outside simloop on java.util.concurrent.locks."
                            + "ReentrantLock$NonfairSync, held by thread 'holder', which ended without releasing it (a"
                            + " task that finishes holding a java.util.concurrent lock leaves it held for ever: unlock"
                            + " it in a finally block), at ")
                    .hasMessageNotContaining("A thread outside the simulation could also end");
        }
    }

    /**
     * A task blocked on a full queue that no task drains: the report says that a thread outside could
     * also have drained it (an async logger's worker does), that none did, and where to read more.
     */
    @Test
    void aWaitNoTaskCanEndIsReportedWithWhatAThreadOutsideCouldHaveDone() {
        SimResult<Object> r = Simulation.run(1, () -> {
            java.util.concurrent.ArrayBlockingQueue<String> queue = new java.util.concurrent.ArrayBlockingQueue<>(1);
            queue.put("first");
            queue.put("second");
            return null;
        });
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class);
        assertThat(r.failure().getMessage()).contains("task 'main' is parked outside simloop on java.util.concurrent"
                + ".locks.AbstractQueuedSynchronizer$ConditionObject at ").endsWith("\nA task above is parked in"
                + " java.util.concurrent on something no task of the run holds (a lock, a queue's or condition's wait, a"
                + " latch, a semaphore). A thread outside the simulation could also end such a wait (an async logger's"
                + " worker draining its queue, a cache's maintenance executor), and none did within 0.5s of real time."
                + " If one should have, the run depends on that thread's timing, which no seed replays: keep such"
                + " threads out of the simulated code (simulation.md, \"Libraries with threads of their own\").");
    }

    /**
     * A lock the caller of the run holds: before, the report called it "something no task of the run
     * holds" that "a thread outside could also end", when that thread waits for the run itself.
     */
    @Test
    void aLockTheCallerOfTheRunHoldsIsNamedAsWhyTheRunCannotEnd() {
        ReentrantLock lock = new ReentrantLock();
        String caller = Thread.currentThread().getName();
        SimResult<Integer> r;
        lock.lock();
        try {
            r = Simulation.run(1, () -> {
                lock.lock();
                lock.unlock();
                return 1;
            });
        } finally {
            lock.unlock();
        }
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class);
        assertThat(r.failure().getMessage()).contains("task 'main' is parked outside simloop on java.util.concurrent."
                + "locks.ReentrantLock$NonfairSync, held by thread '" + caller + "', the thread that waits for this run,"
                + " at dev.simloop.JdkConcurrencyInTasksTest.").endsWith("\nTask 'main' waits for a lock that the thread"
                + " that waits for this run, '" + caller + "', holds: that thread lets go of it only after the run, so"
                + " the run cannot end. Release the lock before the run starts, or take it inside the run.");
        assertThat(Simulation.run(1, () -> {
            lock.lock();
            lock.unlock();
            return 1;
        }).value()).as("released before the run: it runs").isEqualTo(1);
    }

    /** A lock another thread outside holds: named, with the note of what such a thread could have done. */
    @Test
    @Timeout(60)
    void aLockAThreadOutsideHoldsIsNamedWithItsThread() throws InterruptedException {
        ReentrantLock lock = new ReentrantLock();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread outside = new Thread(() -> {
            lock.lock();
            try {
                held.countDown();
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
        }, "cache-maintenance");
        outside.start();
        held.await();
        SimResult<Object> r;
        try {
            r = Simulation.run(1, () -> {
                lock.lock();
                return null;
            });
        } finally {
            done.countDown();
            outside.join();
        }
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class);
        assertThat(r.failure().getMessage()).contains("task 'main' is parked outside simloop on java.util.concurrent."
                + "locks.ReentrantLock$NonfairSync, held by thread 'cache-maintenance' outside the run, at ")
                .contains("\nA task above is parked in java.util.concurrent on something no task of the run holds")
                .doesNotContain("the thread that waits for this run");
    }
}
