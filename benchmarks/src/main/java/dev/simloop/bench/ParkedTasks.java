package dev.simloop.bench;

import dev.simloop.Loop;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import dev.simloop.sync.Event;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayDeque;
import java.util.concurrent.locks.LockSupport;
import java.util.Locale;

/**
 * Benchmark 6, scale: {@value #TASKS} simulated tasks all parked on one {@link Event}; prints the
 * heap each parked task costs (used heap after a full GC, with all of them parked, minus the same
 * before the run, divided by the number of tasks). Meant for its own JVM with {@code -Xmx2g}. With
 * the argument {@code floor}, measures row 6's floor instead ({@link #measureFloor}).
 *
 * <p>{@code java -Xmx2g --add-opens java.base/java.lang=ALL-UNNAMED ... dev.simloop.bench.ParkedTasks [tasks | floor]}
 */
public final class ParkedTasks {
    static final int TASKS = 1_000_000;

    private ParkedTasks() {
    }

    static long usedAfterGc() {
        MemoryMXBean m = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return m.getHeapMemoryUsage().getUsed();
    }

    /** @return {bytes before, bytes with all parked, wall nanos to spawn and park them all} */
    static long[] measure(int tasks) {
        long before = usedAfterGc();
        long[] out = new long[3];
        out[0] = before;
        // the full GCs inside the step take seconds with a million parked stacks on a loaded machine
        Simulation.builder().seed(1).strategy(Strategy.fifo()).maxSteps(Long.MAX_VALUE)
                .maxStepWallTime(java.time.Duration.ofMinutes(5)).run(() -> {
            Event e = new Event();
            TaskGroup.with(g -> {
                long t0 = System.nanoTime();
                for (int i = 0; i < tasks; i++) {
                    g.spawn(e::await);
                }
                Loop.checkpoint(); // every spawned task runs up to its await
                out[2] = System.nanoTime() - t0;
                out[1] = usedAfterGc();
                e.set();
                return null;
            });
            return null;
        }).value();
        return out;
    }

    /**
     * Row 6's floor: {@code threads} bare JDK virtual threads (no simloop code) parked in
     * {@code LockSupport.park}, on a one-thread scheduler as a simloop driver runs tasks, each named
     * as simloop names a task ({@code task-N}) when {@code named}. An array holds them (4 bytes each,
     * counted), since nothing else would: simloop's tasks are held by the wait queue they park in.
     * Meant for a JVM with {@code -Djdk.trackAllThreads=false}, as simloop's own thread container
     * avoids the JDK's tracking set; with it, each thread would also cost its entry there.
     *
     * @return {bytes before, bytes with all parked, how many were parked then, how many had ended after}
     */
    static long[] measureFloor(int threads, boolean named) {
        long before = usedAfterGc();
        ArrayDeque<Runnable> ready = new ArrayDeque<>();
        Thread.Builder.OfVirtual unnamed = VirtualThreadFloorBench.builderOn(ready::add);
        Thread.Builder.OfVirtual builder = named ? unnamed.name("task-", 0) : unnamed;
        Thread[] parked = new Thread[threads];
        Object blocker = new Object();
        Runnable body = () -> LockSupport.park(blocker);
        for (int i = 0; i < threads; i++) {
            parked[i] = builder.start(body);
            VirtualThreadFloorBench.drain(ready); // it runs up to its park
        }
        long all = usedAfterGc();
        long waiting = 0;
        for (Thread t : parked) {
            waiting += t.getState() == Thread.State.WAITING ? 1 : 0;
            LockSupport.unpark(t);
        }
        VirtualThreadFloorBench.drain(ready);
        long ended = 0;
        for (Thread t : parked) {
            ended += t.getState() == Thread.State.TERMINATED ? 1 : 0;
        }
        return new long[] {before, all, waiting, ended};
    }

    public static void main(String[] args) {
        boolean floor = args.length > 0 && args[0].equals("floor");
        int tasks = args.length > 0 && !floor ? Integer.parseInt(args[0]) : TASKS;
        if (floor) {
            long[] plain = measureFloor(tasks, false);
            long[] named = measureFloor(tasks, true);
            System.out.printf(Locale.ROOT, "Row 6's floor: %,d bare virtual threads parked in LockSupport.park (no simloop"
                    + " code, one carrier): %,.0f bytes each unnamed, %,.0f bytes each named task-N%n", tasks,
                    (plain[1] - plain[0]) / (double) tasks, (named[1] - named[0]) / (double) tasks);
            return;
        }
        long[] r = measure(tasks);
        System.out.printf(Locale.ROOT, "Scale: %,d simulated tasks parked on one Event: %,.0f bytes of heap per parked task"
                + " (used heap after GC %,d MB before, %,d MB with all parked; -Xmx %,d MB); spawn+park took %,.0f ns/task%n",
                tasks, (r[1] - r[0]) / (double) tasks, r[0] >> 20, r[1] >> 20, Runtime.getRuntime().maxMemory() >> 20,
                r[2] / (double) tasks);
    }
}
