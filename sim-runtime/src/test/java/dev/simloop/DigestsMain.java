package dev.simloop;

import dev.simloop.sync.Channel;
import dev.simloop.sync.Condition;
import dev.simloop.sync.Event;
import dev.simloop.sync.Lock;
import dev.simloop.sync.PriorityLock;
import dev.simloop.sync.Semaphore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A child JVM's side of {@link CrossJvmDeterminismTest}: runs a fixed battery of programs (every
 * primitive, timers and cancel scopes, JDK locks and futures, priorities) under every strategy over
 * a range of seeds, and explorations with one and two threads, and prints one line per run: what
 * a replay in another JVM must reproduce (the trace digest, the replay line, the virtual time, the
 * steps and the failure's class).
 */
public final class DigestsMain {
    private DigestsMain() {
    }

    static final int SEEDS = 8;

    /** The programs, by name: each small, each with a schedule-dependent outcome. */
    static Map<String, ThrowingSupplier<?>> programs() {
        return Map.of(
                "lostUpdate", DigestsMain::lostUpdate,
                "lockOrder", DigestsMain::lockOrder,
                "pipeline", DigestsMain::pipeline,
                "timeouts", DigestsMain::timeouts,
                "condition", DigestsMain::condition,
                "jdk", DigestsMain::jdk,
                "priorities", DigestsMain::priorities,
                "taskSet", DigestsMain::taskSet,
                "eventSet", DigestsMain::eventSet,
                "shared", DigestsMain::shared);
    }

    static final List<String> STRATEGIES = List.of("fifo", "random", "pct(3)", "pos", "portfolio", "random+priority(4)");

    /** @return one line per run of the battery, in a fixed order */
    static List<String> battery() {
        List<String> out = new ArrayList<>();
        for (String name : programs().keySet().stream().sorted().toList()) {
            ThrowingSupplier<?> program = programs().get(name);
            for (String strategy : STRATEGIES) {
                for (long seed = 0; seed < SEEDS; seed++) {
                    Simulation.Builder b = Simulation.builder().seed(seed);
                    if (strategy.endsWith("+priority(4)")) {
                        b.strategy(Strategy.random()).priorityPolicy(PriorityPolicy.boostAfter(4));
                    } else {
                        b.strategy(Strategy.parse(strategy));
                    }
                    out.add(name + " " + strategy + " " + seed + " " + line(b.run(program)));
                }
            }
        }
        SimResult<?> big = Simulation.builder().seed(0).strategy(Strategy.fifo()).run(DigestsMain::bigCycle);
        // its replay line holds 3,300 choices: the digest and the steps stand for it
        out.add("bigCycle fifo 0 " + big.traceDigest() + " " + big.steps() + " steps message#"
                + Integer.toHexString(big.failure().getMessage().hashCode()) + " " + big.failure().getMessage().lines()
                        .filter(l -> l.contains("more tasks")).findFirst().orElse("(no count of more tasks)").strip());
        for (int threads = 1; threads <= 2; threads++) {
            Exploration.Report<?> r = Exploration.of(DigestsMain::lostUpdate).seed(11).schedules(300)
                    .parallelism(threads).run();
            out.add("exploration parallelism=" + threads + " first=" + r.firstFailureIndex() + " failing="
                    + r.failingSchedules() + " distinct=" + r.distinctDigests() + " "
                    + r.firstFailure().map(DigestsMain::line).orElse("-"));
        }
        return out;
    }

    /**
     * @return what another JVM must reproduce of a run: digest, replay line, virtual time, steps, and
     *     the failure's message (as a hash: reports are long) and class, last
     */
    private static String line(SimResult<?> r) {
        return r.traceDigest() + " " + r.replayLine() + " " + r.virtualTime().toNanos() + "ns " + r.steps() + " steps "
                + (r.failed() ? "message#" + Integer.toHexString(String.valueOf(r.failure().getMessage()).hashCode())
                        + " " + r.failure().getClass().getSimpleName() : "ok");
    }

    /** A lock cycle of 1,100 tasks: its deadlock report counts the tasks it leaves out (1,0xx, a number to format). */
    private static Object bigCycle() {
        int n = 1_100;
        List<Lock> locks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            locks.add(new Lock("l" + i));
        }
        return TaskGroup.with(g -> {
            for (int i = 0; i < n; i++) {
                Lock mine = locks.get(i);
                Lock next = locks.get((i + 1) % n);
                g.spawn("t" + i, () -> {
                    try (var _ = mine.hold()) {
                        Loop.checkpoint();
                        try (var _ = next.hold()) {
                            return;
                        }
                    }
                });
            }
            return null;
        });
    }

    private static Object lostUpdate() {
        int[] counter = {0}; // the run's own: runs of the battery may go on at once, from several threads
        TaskGroup.with(g -> {
            for (int t = 0; t < 2; t++) {
                g.spawn(() -> {
                    for (int i = 0; i < 3; i++) {
                        int v = counter[0];
                        Loop.checkpoint();
                        counter[0] = v + 1;
                    }
                });
            }
            return null;
        });
        if (counter[0] != 6) {
            throw new IllegalStateException("lost update: " + counter[0]);
        }
        return counter[0];
    }

    private static Object lockOrder() {
        Lock a = new Lock("a");
        Lock b = new Lock("b");
        return TaskGroup.with(g -> {
            g.spawn("ab", () -> {
                try (var _ = a.hold()) {
                    Loop.checkpoint();
                    try (var _ = b.hold()) {
                        Loop.sleep(Duration.ofMillis(1));
                    }
                }
            });
            g.spawn("ba", () -> {
                try (var _ = b.hold()) {
                    Loop.checkpoint();
                    try (var _ = a.hold()) {
                        Loop.sleep(Duration.ofMillis(2));
                    }
                }
            });
            return Loop.nanoTime();
        });
    }

    private static Object pipeline() {
        Channel<Integer> ch = new Channel<>(1);
        Semaphore permits = new Semaphore(2, "permits");
        Event done = new Event();
        List<Integer> got = new ArrayList<>();
        TaskGroup.with(g -> {
            for (int p = 0; p < 2; p++) {
                int base = p * 10;
                g.spawn("producer-" + p, () -> {
                    for (int i = 0; i < 3; i++) {
                        try (var _ = permits.hold()) {
                            ch.send(base + i);
                        }
                    }
                });
            }
            g.spawn("consumer", () -> {
                for (int i = 0; i < 6; i++) {
                    got.add(ch.receive());
                }
                done.set();
            });
            g.spawn("watcher", () -> done.await());
            return null;
        });
        return got;
    }

    private static Object timeouts() {
        List<String> out = new ArrayList<>();
        TaskGroup.with(g -> {
            for (int t = 0; t < 3; t++) {
                int n = t;
                g.spawn("sleeper-" + t, () -> {
                    long pause = 1 + Loop.random().nextInt(5);
                    out.add(n + ":" + CancelScope.moveOnAfter(Duration.ofMillis(3), () -> {
                        Loop.sleep(Duration.ofMillis(pause));
                        return pause;
                    }).map(String::valueOf).orElse("timed out"));
                    CancelScope.run(scope -> {
                        scope.setDeadline(Loop.nanoTime() + 1_000_000L * (n + 1));
                        Loop.sleep(Duration.ofMillis(2));
                        return null;
                    });
                });
            }
            return null;
        });
        return out;
    }

    private static Object condition() {
        Lock lock = new Lock("q");
        Condition nonEmpty = new Condition(lock, "nonEmpty");
        List<Integer> queue = new ArrayList<>();
        List<Integer> taken = new ArrayList<>();
        TaskGroup.with(g -> {
            for (int c = 0; c < 2; c++) {
                g.spawn("taker-" + c, () -> {
                    try (var _ = lock.hold()) {
                        while (queue.isEmpty()) {
                            nonEmpty.await();
                        }
                        taken.add(queue.remove(0));
                    }
                });
            }
            g.spawn("putter", () -> {
                for (int i = 0; i < 2; i++) {
                    try (var _ = lock.hold()) {
                        queue.add(i);
                        nonEmpty.signalAll();
                    }
                    Loop.checkpoint();
                }
            });
            return null;
        });
        return taken;
    }

    private static Object jdk() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        int[] shared = new int[1];
        TaskGroup.with(g -> {
            for (int t = 0; t < 3; t++) {
                g.spawn(() -> {
                    lock.lock();
                    try {
                        shared[0] = shared[0] * 3 + 1;
                        Loop.checkpoint();
                    } finally {
                        lock.unlock();
                    }
                });
            }
            return null;
        });
        CompletableFuture<Integer> f = CompletableFuture.supplyAsync(() -> shared[0], Loop.executor())
                .thenApplyAsync(v -> v + 1, Loop.executor());
        return f.get();
    }

    private static Object priorities() {
        PriorityLock lock = new PriorityLock("p");
        List<String> order = new ArrayList<>();
        TaskGroup.with(g -> {
            for (int p = 0; p < 3; p++) {
                int priority = p;
                g.spawn("p" + p, () -> {
                    Loop.currentTask().setPriority(priority);
                    Loop.checkpoint();
                    try (var _ = lock.hold()) {
                        order.add("p" + priority);
                        Loop.checkpoint();
                    }
                });
            }
            return null;
        });
        return order;
    }

    /** Tasks kept in a HashSet and cancelled in its order: the order follows the tasks' hash codes. */
    private static Object taskSet() {
        return TasksInHashSetsTest.cancelInHashSetOrder(6);
    }

    /** Events kept in a HashSet and set in its order: the order follows the events' hash codes. */
    private static Object eventSet() {
        return RuntimeObjectsInHashSetsTest.setInHashSetOrder(6);
    }

    /** A stream and a monitor that every simulation in the JVM shares, as parallel tests share System.out. */
    private static final java.io.PrintStream SHARED_OUT = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
    private static final Object SHARED_MONITOR = new Object();

    /**
     * Tasks that print to one stream and take one monitor that other simulations running at once use
     * too: a task that meets either held by another simulation's task goes on in its step.
     */
    private static Object shared() {
        List<Integer> order = new ArrayList<>();
        TaskGroup.with(g -> {
            for (int t = 0; t < 3; t++) {
                int n = t;
                g.spawn(() -> {
                    for (int i = 0; i < 8; i++) {
                        SHARED_OUT.println("task " + n + " step " + i);
                        synchronized (SHARED_MONITOR) {
                            order.add(n);
                        }
                        Loop.checkpoint();
                    }
                });
            }
            return null;
        });
        return order;
    }

    public static void main(String[] args) {
        for (String line : battery()) {
            System.out.println("RUN " + line);
        }
        System.out.println("END");
    }
}
