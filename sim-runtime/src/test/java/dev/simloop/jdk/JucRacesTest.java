package dev.simloop.jdk;

import static dev.simloop.jdk.RaceFinder.findsAndReplays;

import dev.simloop.Loop;
import dev.simloop.TaskGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Exchanger;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Phaser;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.locks.StampedLock;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, item 3: java.util.concurrent synchronizers and queues used by several threads of
 * {@link Loop#threadFactory()} (or spawned tasks), each with a real race that exploration finds and
 * its replay line reproduces. Interleavings happen where a thread waits in JDK code (a contended
 * lock, an empty queue, a latch), at {@code Thread.yield()}, and at simloop checkpoints.
 */
class JucRacesTest {

    /** Starts {@code bodies} as threads of Loop.threadFactory() in a group and waits for them all. */
    private static void runThreads(Runnable... bodies) throws Exception {
        try (ExecutorService ex = Executors.newThreadPerTaskExecutor(Loop.threadFactory())) {
            for (Runnable b : bodies) {
                ex.execute(b);
            }
        }
    }

    private static IllegalStateException bug(String what) {
        return new IllegalStateException("race: " + what);
    }

    @Test
    void reentrantLock() {
        findsAndReplays(() -> {
            ReentrantLock lock = new ReentrantLock();
            int[] stock = {1};
            List<String> sold = new ArrayList<>();
            Runnable buyer = () -> {
                boolean available;
                lock.lock();
                try {
                    available = stock[0] > 0;
                } finally {
                    lock.unlock();
                }
                Thread.yield(); // the check and the act hold the lock separately
                if (available) {
                    lock.lock();
                    try {
                        stock[0]--;
                        sold.add(Thread.currentThread().getName());
                    } finally {
                        lock.unlock();
                    }
                }
            };
            runThreads(buyer, buyer);
            if (stock[0] < 0) {
                throw bug("oversold: stock " + stock[0] + " after " + sold);
            }
            return sold.size();
        }, IllegalStateException.class, "race: oversold: stock -1");
    }

    @Test
    void reentrantReadWriteLock() {
        findsAndReplays(() -> {
            ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
            int[] counter = {0};
            Runnable increment = () -> {
                int seen;
                rw.readLock().lock();
                try {
                    seen = counter[0];
                    Thread.yield(); // readers share the lock: another may read the same value
                } finally {
                    rw.readLock().unlock();
                }
                rw.writeLock().lock();
                try {
                    counter[0] = seen + 1;
                } finally {
                    rw.writeLock().unlock();
                }
            };
            runThreads(increment, increment);
            if (counter[0] != 2) {
                throw bug("lost increment: " + counter[0]);
            }
            return counter[0];
        }, IllegalStateException.class, "race: lost increment: 1");
    }

    @Test
    void stampedLock() {
        findsAndReplays(() -> {
            StampedLock sl = new StampedLock();
            int[] point = {0, 0}; // x and y move together
            Runnable mover = () -> {
                long stamp = sl.writeLock();
                try {
                    point[0]++;
                    point[1]++;
                } finally {
                    sl.unlockWrite(stamp);
                }
            };
            int[] seen = new int[2];
            Runnable reader = () -> {
                long stamp = sl.tryOptimisticRead();
                seen[0] = point[0];
                Thread.yield();
                seen[1] = point[1];
                // the bug: the optimistic read is never validated (sl.validate(stamp))
                if (stamp == 0) {
                    seen[1] = seen[0];
                }
            };
            runThreads(reader, mover);
            if (seen[0] != seen[1]) {
                throw bug("torn read: x " + seen[0] + ", y " + seen[1]);
            }
            return seen[0];
        }, IllegalStateException.class, "race: torn read: x 0, y 1");
    }

    @Test
    void semaphore() {
        findsAndReplays(() -> {
            Semaphore permits = new Semaphore(2); // the bug: the printer takes one job at a time
            AtomicInteger printing = new AtomicInteger();
            int[] most = {0};
            Runnable job = () -> {
                permits.acquireUninterruptibly();
                try {
                    most[0] = Math.max(most[0], printing.incrementAndGet());
                    Thread.yield();
                    printing.decrementAndGet();
                } finally {
                    permits.release();
                }
            };
            runThreads(job, job, job);
            if (most[0] > 1) {
                throw bug(most[0] + " jobs printing at once");
            }
            return most[0];
        }, IllegalStateException.class, "race: 2 jobs printing at once");
    }

    @Test
    void countDownLatch() {
        findsAndReplays(() -> {
            CountDownLatch done = new CountDownLatch(1); // the bug: two workers, a count of one
            int[] results = new int[2];
            ThreadFactory threads = Loop.threadFactory();
            for (int i = 0; i < 2; i++) {
                int w = i;
                threads.newThread(() -> {
                    Thread.yield();
                    results[w] = w + 1;
                    done.countDown();
                }).start();
            }
            done.await();
            int sum = results[0] + results[1];
            if (sum != 3) {
                throw bug("read before both workers finished: " + sum);
            }
            return sum;
        }, IllegalStateException.class, "race: read before both workers finished: ");
    }

    @Test
    void cyclicBarrier() {
        findsAndReplays(() -> {
            CyclicBarrier barrier = new CyclicBarrier(2);
            int[] phase2 = new int[2];
            int[] seenByOther = new int[2];
            Runnable[] workers = new Runnable[2];
            for (int i = 0; i < 2; i++) {
                int me = i;
                workers[i] = () -> {
                    try {
                        barrier.await(); // phase 1 done by both
                        phase2[me] = 1;
                        Thread.yield();
                        seenByOther[me] = phase2[1 - me]; // the bug: no barrier before reading phase 2
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                };
            }
            runThreads(workers);
            if (seenByOther[0] + seenByOther[1] != 2) {
                throw bug("phase 2 read before it was written: " + seenByOther[0] + seenByOther[1]);
            }
            return 2;
        }, IllegalStateException.class, "race: phase 2 read before it was written");
    }

    @Test
    void phaser() {
        findsAndReplays(() -> {
            Phaser phaser = new Phaser(2);
            int[] parts = new int[2];
            int[] total = {0};
            Runnable producer = () -> {
                parts[0] = 10;
                phaser.arrive(); // the bug: arrives before it has written everything
                Thread.yield();
                parts[1] = 20;
            };
            Runnable consumer = () -> {
                phaser.arriveAndAwaitAdvance();
                total[0] = parts[0] + parts[1];
            };
            runThreads(producer, consumer);
            if (total[0] != 30) {
                throw bug("consumed a partial result: " + total[0]);
            }
            return total[0];
        }, IllegalStateException.class, "race: consumed a partial result: 10");
    }

    @Test
    void exchanger() {
        findsAndReplays(() -> {
            Exchanger<List<Integer>> exchanger = new Exchanger<>();
            int[] consumed = {0};
            Runnable producer = () -> {
                List<Integer> buffer = new ArrayList<>(List.of(1));
                try {
                    exchanger.exchange(buffer);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                buffer.add(2); // the bug: it keeps filling the buffer it handed over
            };
            Runnable consumer = () -> {
                try {
                    List<Integer> full = exchanger.exchange(new ArrayList<>());
                    Thread.yield();
                    consumed[0] = full.size();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            };
            runThreads(producer, consumer);
            if (consumed[0] != 1) {
                throw bug("the buffer changed after the exchange: " + consumed[0] + " items");
            }
            return consumed[0];
        }, IllegalStateException.class, "race: the buffer changed after the exchange: 2 items");
    }

    @Test
    void linkedBlockingQueue() {
        findsAndReplays(() -> {
            LinkedBlockingQueue<Integer> queue = new LinkedBlockingQueue<>();
            List<Integer> got = new ArrayList<>();
            Runnable[] producers = new Runnable[2];
            for (int p = 0; p < 2; p++) {
                int base = p * 10;
                producers[p] = () -> {
                    queue.add(base + 1);
                    Thread.yield();
                    queue.add(-1); // the bug: each producer sends the poison pill
                };
            }
            Runnable consumer = () -> {
                try {
                    for (int x = queue.take(); x != -1; x = queue.take()) {
                        got.add(x);
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            };
            runThreads(producers[0], producers[1], consumer);
            if (got.size() != 2) {
                throw bug("items lost after the first poison pill: got " + got);
            }
            return got.size();
        }, IllegalStateException.class, "race: items lost after the first poison pill: got [");
    }

    @Test
    void arrayBlockingQueue() {
        findsAndReplays(() -> {
            ArrayBlockingQueue<Integer> queue = new ArrayBlockingQueue<>(1);
            Runnable producer = () -> {
                if (queue.remainingCapacity() > 0) {
                    Thread.yield();
                    queue.add(1); // the bug: check-then-act; "Queue full" when the other producer filled it
                }
            };
            TaskGroup.with(tg -> {
                tg.spawn("producer-1", producer::run);
                tg.spawn("producer-2", producer::run);
                return null;
            });
            return queue.size();
        }, IllegalStateException.class, "Queue full");
    }

    @Test
    void synchronousQueue() {
        findsAndReplays(() -> {
            SynchronousQueue<String> handOff = new SynchronousQueue<>();
            String[] got = {null};
            Runnable consumer = () -> {
                try {
                    got[0] = handOff.take();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            };
            Runnable producer = () -> {
                // the bug: offer only succeeds when a consumer is already waiting
                if (!handOff.offer("job")) {
                    throw bug("no consumer was waiting: the job was dropped");
                }
            };
            runThreads(consumer, producer);
            return got[0];
        }, IllegalStateException.class, "race: no consumer was waiting: the job was dropped");
    }

    @Test
    void concurrentHashMapComputeIfAbsent() {
        findsAndReplays(() -> {
            ConcurrentHashMap<String, List<Integer>> byKey = new ConcurrentHashMap<>();
            AtomicInteger created = new AtomicInteger();
            Runnable[] adders = new Runnable[3];
            for (int i = 0; i < 3; i++) {
                int v = i;
                adders[i] = () -> {
                    // the bug: get-then-put instead of computeIfAbsent; the computeIfAbsent below is right
                    List<Integer> list = byKey.get("k");
                    if (list == null) {
                        Thread.yield();
                        list = new java.util.concurrent.CopyOnWriteArrayList<>();
                        created.incrementAndGet();
                        byKey.put("k", list);
                    }
                    list.add(v);
                    byKey.computeIfAbsent("other", k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(v);
                };
            }
            runThreads(adders);
            if (byKey.get("other").size() != 3) {
                throw new AssertionError("computeIfAbsent lost a value: " + byKey.get("other"));
            }
            if (byKey.get("k").size() != 3) {
                throw bug("get-then-put lost values: " + byKey.get("k") + ", " + created.get() + " lists created");
            }
            return created.get();
        }, IllegalStateException.class, "race: get-then-put lost values: ");
    }
}
