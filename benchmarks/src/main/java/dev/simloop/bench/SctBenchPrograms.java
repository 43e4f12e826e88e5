package dev.simloop.bench;

import dev.simloop.Loop;
import dev.simloop.TaskGroup;
import dev.simloop.ThrowingRunnable;
import dev.simloop.ThrowingSupplier;
import dev.simloop.sync.Condition;
import dev.simloop.sync.Lock;
import java.util.ArrayList;
import java.util.List;

/**
 * The CS ("concurrent software") set of SCTBench (Thomson, Donaldson, Betts, PPoPP 2014 / TOPC
 * 2016; the C programs are in the public repository mc-imperial/sctbench, directory
 * benchmarks/concurrent-software-benchmarks), written again on simloop's API.
 *
 * <p>How a pthread program maps onto tasks:
 * <ul>
 *   <li>A thread is a task; {@code pthread_create} is a spawn followed by a checkpoint (creating a
 *       thread is a scheduling point in SCTBench: the new thread may run first), and the joins at
 *       the end of {@code main} are the end of the {@link TaskGroup}.</li>
 *   <li>A mutex is a {@link Lock}, locked through {@link #lock}, which adds the scheduling point
 *       before the acquisition that SCTBench has; a condition variable is a
 *       {@link Condition}, signalled before the unlock (simloop requires holding the lock) with a
 *       checkpoint after the unlock where the C program signals.</li>
 *   <li>An access to shared memory that SCTBench's race detection reports (one not guarded by a
 *       common mutex) is preceded by {@link Loop#checkpoint()}: a preemption point, as in the
 *       study, where only synchronisation and racy accesses are scheduling points.</li>
 *   <li>ESBMC's atomic blocks are a global mutex, as SCTBench's {@code common.inc} defines them.</li>
 *   <li>An {@code assert} is {@link #check}: the program throws {@link Bug} where the C program
 *       aborts. A deadlock fails the run with simloop's own {@code DeadlockDetected}, and a thread
 *       that ends holding a mutex with {@code LeakDetected}.</li>
 * </ul>
 * Each program that SCTBench ships a fixed ({@code _ok}/{@code _unsat}) version of, and whose fix
 * keeps it a correct program here, has it as {@link Program#fixed()}.
 */
public final class SctBenchPrograms {
    private SctBenchPrograms() {
    }

    /**
     * One program of the set.
     *
     * @param name SCTBench's name, e.g. {@code CS.account_bad}
     * @param sctThreads the threads SCTBench lists for it (benchmarks/buggy.txt, main included)
     * @param sctSteps the scheduling points SCTBench lists for it (buggy.txt)
     * @param bad the buggy program: throws when the bug shows
     * @param fixed the fixed version, or null when there is none here
     */
    public record Program(String name, int sctThreads, int sctSteps, ThrowingSupplier<Object> bad,
            ThrowingSupplier<Object> fixed) {
    }

    /** What a program throws where the C program's assertion fails. */
    public static final class Bug extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Bug(String message) {
            super(message, null, false, false);
        }
    }

    static void check(boolean holds, String what) {
        if (!holds) {
            throw new Bug(what);
        }
    }

    /** A scheduling point before an access to memory that another task accesses without a common lock. */
    static void racy() {
        Loop.checkpoint();
    }

    /**
     * pthread_mutex_lock: a scheduling point, then the acquisition. (simloop's {@link Lock#acquire()}
     * takes a free lock and then yields; SCTBench's scheduler decides before the lock is taken, so
     * another thread may take it first.)
     */
    static void lock(Lock l) {
        Loop.checkpoint();
        l.acquire();
    }

    /** pthread_create: the new task may run before its creator goes on. */
    static void create(TaskGroup g, String name, ThrowingRunnable body) {
        g.spawn(name, body);
        Loop.checkpoint();
    }

    /** @return the 29 programs of the CS set, in SCTBench's order */
    public static List<Program> all() {
        List<Program> ps = new ArrayList<>();
        ps.add(new Program("CS.account_bad", 4, 8, () -> account(false), () -> account(true)));
        ps.add(new Program("CS.arithmetic_prog_bad", 3, 20, () -> arithmeticProg(false), () -> arithmeticProg(true)));
        ps.add(new Program("CS.bluetooth_driver_bad", 2, 13, SctBenchPrograms::bluetoothDriver, null));
        ps.add(new Program("CS.carter01_bad", 5, 19, SctBenchPrograms::carter01, null));
        ps.add(new Program("CS.circular_buffer_bad", 3, 31, () -> circularBuffer(false), () -> circularBuffer(true)));
        ps.add(new Program("CS.deadlock01_bad", 3, 11, SctBenchPrograms::deadlock01, null));
        int[][] dinPhil = {{2, 3, 21}, {3, 4, 32}, {4, 5, 43}, {5, 6, 39}, {6, 7, 49}, {7, 8, 59}};
        for (int[] d : dinPhil) {
            ps.add(new Program("CS.din_phil" + d[0] + "_sat", d[1], d[2], () -> dinPhil(d[0], true),
                    () -> dinPhil(d[0], false)));
        }
        ps.add(new Program("CS.fsbench_bad", 28, 155, () -> fsbench(27), () -> fsbench(26)));
        ps.add(new Program("CS.lazy01_bad", 4, 11, SctBenchPrograms::lazy01, null));
        ps.add(new Program("CS.phase01_bad", 3, 11, SctBenchPrograms::phase01, null));
        ps.add(new Program("CS.queue_bad", 3, 83, SctBenchPrograms::queue, null));
        int[][] reorder = {{10, 9, 1, 11, 40}, {20, 10, 10, 21, 89}, {3, 2, 1, 4, 12}, {4, 3, 1, 5, 16}, {5, 4, 1, 6, 20}};
        for (int[] r : reorder) {
            ps.add(new Program("CS.reorder_" + r[0] + "_bad", r[3], r[4], () -> reorder(r[1], r[2]), null));
        }
        ps.add(new Program("CS.stack_bad", 3, 43, () -> stack(false), () -> stack(true)));
        ps.add(new Program("CS.sync01_bad", 3, 9, () -> sync01(false), () -> sync01(true)));
        ps.add(new Program("CS.sync02_bad", 3, 18, SctBenchPrograms::sync02, null));
        ps.add(new Program("CS.token_ring_bad", 5, 11, SctBenchPrograms::tokenRing, null));
        ps.add(new Program("CS.twostage_100_bad", 101, 792, () -> twostage(99, 1), null));
        ps.add(new Program("CS.twostage_bad", 3, 11, () -> twostage(1, 1), null));
        ps.add(new Program("CS.wronglock_3_bad", 5, 25, () -> wronglock(1, 3), null));
        ps.add(new Program("CS.wronglock_bad", 9, 49, () -> wronglock(1, 7), null));
        return ps;
    }

    /** Deposit, withdraw and a checker under one lock; the checker's expected balance is wrong. */
    static Object account(boolean fixed) {
        Lock m = new Lock("m");
        int x = 1;
        int y = 2;
        int z = 4;
        int[] balance = {x};
        boolean[] done = new boolean[2];
        TaskGroup.with(g -> {
            create(g, "check_result", () -> {
                lock(m);
                if (done[0] && done[1]) {
                    check(balance[0] == (fixed ? x + y - z : x - y - z), "balance " + balance[0]);
                }
                m.release();
            });
            create(g, "deposit", () -> {
                lock(m);
                balance[0] += y;
                done[0] = true;
                m.release();
            });
            create(g, "withdraw", () -> {
                lock(m);
                balance[0] -= z;
                done[1] = true;
                m.release();
            });
            return null;
        });
        return balance[0];
    }

    /** A producer and a consumer of N items through a condition pair; main checks the total. */
    static Object arithmeticProg(boolean fixed) {
        int n = fixed ? 4 : 3;
        Lock m = new Lock("m");
        Condition empty = new Condition(m);
        Condition full = new Condition(m);
        int[] num = {0};
        long[] total = {0};
        boolean[] flag = {false};
        TaskGroup.with(g -> {
            create(g, "thread1", () -> {
                for (int i = 0; i < n; i++) {
                    lock(m);
                    while (num[0] > 0) {
                        empty.await();
                    }
                    num[0]++;
                    full.signal();
                    m.release();
                    Loop.checkpoint();
                }
            });
            create(g, "thread2", () -> {
                int j = 0;
                for (; j < n; j++) {
                    lock(m);
                    while (num[0] == 0) {
                        full.await();
                    }
                    total[0] += j;
                    num[0]--;
                    empty.signal();
                    m.release();
                    Loop.checkpoint();
                }
                total[0] += j;
                flag[0] = true;
            });
            return null;
        });
        if (flag[0]) {
            long sum = n * (n + 1L) / 2;
            check(fixed ? total[0] == sum : total[0] != sum, "total " + total[0]);
        }
        return total[0];
    }

    /** A driver stops while main does I/O: the I/O may run on a stopped device. */
    static Object bluetoothDriver() {
        Lock atomic = new Lock("atomic");
        int[] pendingIo = {1};
        boolean[] stoppingFlag = {false};
        boolean[] stoppingEvent = {false};
        boolean[] stopped = {false};
        Runnable decrement = () -> {
            lock(atomic);
            pendingIo[0]--;
            int left = pendingIo[0];
            atomic.release();
            if (left == 0) {
                racy();
                stoppingEvent[0] = true;
            }
        };
        TaskGroup.with(g -> {
            create(g, "BCSP_PnpStop", () -> {
                racy();
                stoppingFlag[0] = true;
                decrement.run();
                racy();
                if (stoppingEvent[0]) {
                    racy();
                    stopped[0] = true;
                }
            });
            // BCSP_PnpAdd, on main
            racy();
            boolean started = !stoppingFlag[0];
            if (started) {
                lock(atomic);
                pendingIo[0]++;
                atomic.release();
                racy();
                check(!stopped[0], "I/O on a stopped device");
            }
            decrement.run();
            return null;
        });
        return null;
    }

    /** Two counters that take a second lock on the way up and drop it on the way down: a lock-order deadlock. */
    static Object carter01() {
        Lock m = new Lock("m");
        Lock l = new Lock("l");
        int[] a = {0};
        int[] b = {0};
        TaskGroup.with(g -> {
            create(g, "t1", () -> upAndDown(m, l, a));
            create(g, "t2", () -> upAndDown(m, l, b));
            create(g, "t3", () -> { });
            create(g, "t4", () -> { });
            return null;
        });
        return null;
    }

    private static void upAndDown(Lock m, Lock l, int[] count) {
        lock(m);
        count[0]++;
        if (count[0] == 1) {
            lock(l);
        }
        m.release();
        lock(m);
        count[0]--;
        if (count[0] == 0) {
            l.release();
        }
        m.release();
    }

    /** A log buffer handed between two tasks by flags; the receiver checks its own loop index. */
    static Object circularBuffer(boolean fixed) {
        int size = 10;
        int n = 7;
        int[] buffer = new int[size];
        int[] first = {0};
        int[] next = {0};
        int[] value = {0};
        boolean[] send = {true};
        boolean[] receive = {false};
        Lock m = new Lock("m");
        TaskGroup.with(g -> {
            create(g, "t1", () -> {
                for (int i = 0; i < n; i++) {
                    lock(m);
                    if (send[0]) {
                        int inserted = -1;
                        if (next[0] < size) {
                            buffer[next[0]] = i;
                            next[0] = (next[0] + 1) % size;
                            inserted = i;
                        }
                        if (fixed) {
                            check(inserted == i, "insert " + i);
                            value[0] = i;
                        }
                        send[0] = false;
                        receive[0] = true;
                    }
                    m.release();
                }
            });
            create(g, "t2", () -> {
                for (int i = 0; i < n; i++) {
                    lock(m);
                    if (receive[0]) {
                        int removed = -1;
                        if (next[0] > 0 && first[0] < size) {
                            first[0]++;
                            removed = buffer[first[0] - 1];
                        }
                        int expected = fixed ? value[0] : i;
                        check(removed == expected, "removed " + removed + ", expected " + expected);
                        receive[0] = false;
                        send[0] = true;
                    }
                    m.release();
                }
            });
            return null;
        });
        return null;
    }

    /** Two locks taken in opposite orders. */
    static Object deadlock01() {
        Lock a = new Lock("a");
        Lock b = new Lock("b");
        int[] counter = {1};
        TaskGroup.with(g -> {
            create(g, "thread1", () -> {
                lock(a);
                lock(b);
                counter[0]++;
                b.release();
                a.release();
            });
            create(g, "thread2", () -> {
                lock(b);
                lock(a);
                counter[0]--;
                a.release();
                b.release();
            });
            return null;
        });
        return counter[0];
    }

    /**
     * N philosophers, each eating inside an atomic block; then an unguarded {@code ++phil}, and the
     * "sat" version asserts that not all of them got through (they do in most schedules).
     */
    static Object dinPhil(int n, boolean sat) {
        Lock atomic = new Lock("atomic");
        Lock[] forks = new Lock[n];
        for (int i = 0; i < n; i++) {
            forks[i] = new Lock("x" + i);
        }
        int[] phil = {0};
        TaskGroup.with(g -> {
            for (int id = 0; id < n; id++) {
                int left = id;
                int right = (id + 1) % n;
                create(g, "philosopher" + id, () -> {
                    lock(atomic);
                    lock(forks[right]);
                    lock(forks[left]);
                    forks[left].release();
                    forks[right].release();
                    atomic.release();
                    if (sat) {
                        racy();
                        int v = phil[0];
                        racy();
                        phil[0] = v + 1;
                        racy();
                        check(phil[0] != n, "all " + n + " philosophers ate");
                    }
                });
            }
            return null;
        });
        return phil[0];
    }

    /** Threads allocate blocks to inodes; with 27 threads for 26 inode locks, the last one indexes past the end. */
    static Object fsbench(int threads) {
        int numBlocks = 26;
        int numInodes = 32;
        Lock[] inodeLocks = new Lock[numBlocks];
        Lock[] blockLocks = new Lock[numBlocks];
        for (int i = 0; i < numBlocks; i++) {
            inodeLocks[i] = new Lock("locki" + i);
            blockLocks[i] = new Lock("lockb" + i);
        }
        boolean[] busy = new boolean[numBlocks];
        int[] inode = new int[numInodes];
        TaskGroup.with(g -> {
            for (int tid = 0; tid < threads; tid++) {
                int i = tid % numInodes;
                create(g, "thread" + tid, () -> {
                    check(i < numBlocks, "inode lock " + i + " out of bounds");
                    lock(inodeLocks[i]);
                    if (inode[i] == 0) {
                        int b = (i * 2) % numBlocks;
                        for (int j = 0; j < numBlocks / 2; j++) {
                            lock(blockLocks[b]);
                            if (!busy[b]) {
                                busy[b] = true;
                                inode[i] = b + 1;
                                blockLocks[b].release();
                                break;
                            }
                            blockLocks[b].release();
                            b = (b + 1) % numBlocks;
                        }
                    }
                    inodeLocks[i].release();
                });
            }
            return null;
        });
        return null;
    }

    /** Two adders and a checker that fails when it runs after both. */
    static Object lazy01() {
        Lock mutex = new Lock("mutex");
        int[] data = {0};
        TaskGroup.with(g -> {
            create(g, "thread1", () -> {
                lock(mutex);
                data[0]++;
                mutex.release();
            });
            create(g, "thread2", () -> {
                lock(mutex);
                data[0] += 2;
                mutex.release();
            });
            create(g, "thread3", () -> {
                lock(mutex);
                check(data[0] < 3, "data " + data[0]);
                mutex.release();
            });
            return null;
        });
        return data[0];
    }

    /** Each of two tasks ends holding both locks it took a second time: the other never gets them. */
    static Object phase01() {
        Lock x = new Lock("x");
        Lock y = new Lock("y");
        TaskGroup.with(g -> {
            for (int t = 1; t <= 2; t++) {
                create(g, "t" + t, () -> {
                    lock(x);
                    x.release();
                    lock(x);
                    lock(y);
                    y.release();
                    lock(y);
                });
            }
            return null;
        });
        return null;
    }

    /** A queue handed between two tasks by flags; the consumer checks against its own loop index. */
    static Object queue() {
        int size = 20;
        int[] element = new int[size + 1];
        int[] head = {0};
        int[] tail = {0};
        int[] amount = {0};
        int[] stored = new int[size];
        boolean[] enqueueFlag = {true};
        boolean[] dequeueFlag = {false};
        Lock m = new Lock("m");
        java.util.function.IntConsumer enqueue = x -> {
            element[tail[0]] = x;
            amount[0]++;
            tail[0] = tail[0] == size ? 1 : tail[0] + 1;
        };
        java.util.function.IntSupplier dequeue = () -> {
            int x = element[head[0]];
            amount[0]--;
            head[0] = head[0] == size ? 1 : head[0] + 1;
            return x;
        };
        TaskGroup.with(g -> {
            create(g, "t1", () -> {
                lock(m);
                int value = 0;
                enqueue.accept(value);
                stored[0] = value;
                check(head[0] != tail[0], "queue empty after an enqueue");
                m.release();
                for (int i = 0; i < size - 1; i++) {
                    lock(m);
                    if (enqueueFlag[0]) {
                        value++;
                        enqueue.accept(value);
                        stored[i + 1] = value;
                        enqueueFlag[0] = false;
                        dequeueFlag[0] = true;
                    }
                    m.release();
                }
            });
            create(g, "t2", () -> {
                for (int i = 0; i < size; i++) {
                    lock(m);
                    if (dequeueFlag[0]) {
                        int got = dequeue.getAsInt();
                        check(got == stored[i], "dequeued " + got + ", expected " + stored[i]);
                        dequeueFlag[0] = false;
                        enqueueFlag[0] = true;
                    }
                    m.release();
                }
            });
            return null;
        });
        return null;
    }

    /** Setters write a then b; checkers read both (as C's short-circuit does) and expect a consistent pair. */
    static Object reorder(int setters, int checkers) {
        int[] a = {0};
        int[] b = {0};
        TaskGroup.with(g -> {
            for (int i = 0; i < setters; i++) {
                create(g, "set" + i, () -> {
                    racy();
                    a[0] = 1;
                    racy();
                    b[0] = -1;
                });
            }
            for (int i = 0; i < checkers; i++) {
                create(g, "check" + i, () -> {
                    boolean consistent = read(a) == 0 && read(b) == 0 || read(a) == 1 && read(b) == -1;
                    check(consistent, "a and b seen half-written");
                });
            }
            return null;
        });
        return null;
    }

    private static int read(int[] cell) {
        racy();
        return cell[0];
    }

    /** A pusher and a popper; the popper pops whenever anything was ever pushed. */
    static Object stack(boolean fixed) {
        int size = 10;
        int[] top = {0};
        int[] arr = new int[size];
        boolean[] flag = {false};
        Lock m = new Lock("m");
        TaskGroup.with(g -> {
            create(g, "t1", () -> {
                for (int i = 0; i < size; i++) {
                    lock(m);
                    check(top[0] != size, "stack overflow");
                    arr[top[0]++] = i;
                    if (!fixed) {
                        flag[0] = true;
                    }
                    m.release();
                }
            });
            create(g, "t2", () -> {
                for (int i = 0; i < size; i++) {
                    lock(m);
                    if (fixed ? top[0] > 0 : flag[0]) {
                        check(top[0] != 0, "stack underflow");
                        top[0]--;
                    }
                    m.release();
                }
            });
            return null;
        });
        return top[0];
    }

    /** A producer that waits for an empty slot that never comes (the consumer does not consume). */
    static Object sync01(boolean fixed) {
        Lock m = new Lock("m");
        Condition empty = new Condition(m);
        Condition full = new Condition(m);
        int[] num = {fixed ? 0 : 1};
        TaskGroup.with(g -> {
            create(g, "thread1", () -> {
                lock(m);
                while (num[0] > 0) {
                    empty.await();
                }
                num[0]++;
                full.signal();
                m.release();
                Loop.checkpoint();
            });
            create(g, "thread2", () -> {
                lock(m);
                while (num[0] == 0) {
                    full.await();
                }
                if (fixed) {
                    num[0]--;
                }
                empty.signal();
                m.release();
                Loop.checkpoint();
            });
            return null;
        });
        return num[0];
    }

    /** A producer of two items into a buffer that starts full: the consumer leaves before the second. */
    static Object sync02() {
        int n = 2;
        Lock m = new Lock("m");
        Condition empty = new Condition(m);
        Condition full = new Condition(m);
        int[] num = {2};
        TaskGroup.with(g -> {
            create(g, "producer", () -> {
                for (int i = 0; i < n; i++) {
                    lock(m);
                    while (num[0] > 0) {
                        empty.await();
                    }
                    num[0]++;
                    full.signal();
                    m.release();
                    Loop.checkpoint();
                }
            });
            create(g, "consumer", () -> {
                for (int j = 0; j < n; j++) {
                    lock(m);
                    while (num[0] == 0) {
                        full.await();
                    }
                    num[0]--;
                    empty.signal();
                    m.release();
                    Loop.checkpoint();
                }
            });
            return null;
        });
        return num[0];
    }

    /** Three atomic copies around a ring and a checker that expects them equal once all have run. */
    static Object tokenRing() {
        Lock atomic = new Lock("atomic");
        int[] x = {1, 2, 1};
        boolean[] flag = new boolean[3];
        TaskGroup.with(g -> {
            create(g, "t1", () -> atomically(atomic, () -> {
                x[0] = (x[2] + 1) % 4;
                flag[0] = true;
            }));
            create(g, "t2", () -> atomically(atomic, () -> {
                x[1] = x[0];
                flag[1] = true;
            }));
            create(g, "t3", () -> atomically(atomic, () -> {
                x[2] = x[1];
                flag[2] = true;
            }));
            create(g, "t4", () -> atomically(atomic, () -> {
                if (flag[0] && flag[1] && flag[2]) {
                    check(x[0] == x[1] && x[1] == x[2], "x1=" + x[0] + " x2=" + x[1] + " x3=" + x[2]);
                }
            }));
            return null;
        });
        return null;
    }

    private static void atomically(Lock atomic, Runnable body) {
        lock(atomic);
        try {
            body.run();
        } finally {
            atomic.release();
        }
    }

    /** Writers set data1, then data2 = data1 + 1 under another lock; a reader between the two sees them apart. */
    static Object twostage(int writers, int readers) {
        Lock data1Lock = new Lock("data1Lock");
        Lock data2Lock = new Lock("data2Lock");
        int[] data1 = {0};
        int[] data2 = {0};
        TaskGroup.with(g -> {
            for (int i = 0; i < writers; i++) {
                create(g, "funcA" + i, () -> {
                    lock(data1Lock);
                    data1[0] = 1;
                    data1Lock.release();
                    lock(data2Lock);
                    racy(); // data1 read under data2Lock only
                    data2[0] = data1[0] + 1;
                    data2Lock.release();
                });
            }
            for (int i = 0; i < readers; i++) {
                create(g, "funcB" + i, () -> {
                    lock(data1Lock);
                    if (data1[0] == 0) {
                        data1Lock.release();
                        return;
                    }
                    int t1 = data1[0];
                    data1Lock.release();
                    lock(data2Lock);
                    int t2 = data2[0];
                    data2Lock.release();
                    check(t2 == t1 + 1, "data1=" + t1 + " data2=" + t2);
                });
            }
            return null;
        });
        return null;
    }

    /** An incrementer and others that increment the same value under a different lock. */
    static Object wronglock(int checkers, int others) {
        Lock dataLock = new Lock("dataLock");
        Lock thisLock = new Lock("thisLock");
        int[] data = {0};
        TaskGroup.with(g -> {
            for (int i = 0; i < checkers; i++) {
                create(g, "funcA" + i, () -> {
                    lock(dataLock);
                    int x = read(data);
                    increment(data);
                    check(read(data) == x + 1, "dataValue changed under dataLock");
                    dataLock.release();
                });
            }
            for (int i = 0; i < others; i++) {
                create(g, "funcB" + i, () -> {
                    lock(thisLock);
                    increment(data);
                    thisLock.release();
                });
            }
            return null;
        });
        return data[0];
    }

    /** {@code cell++} on racy memory: a load and a store, each a scheduling point. */
    private static void increment(int[] cell) {
        int v = read(cell);
        racy();
        cell[0] = v + 1;
    }
}
