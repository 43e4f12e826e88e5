package dev.simloop.bench;

import dev.simloop.Loop;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import dev.simloop.sync.Event;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;

/**
 * Benchmark 6, scale: {@value #TASKS} simulated tasks all parked on one {@link Event}; prints the
 * heap each parked task costs (used heap after a full GC, with all of them parked, minus the same
 * before the run, divided by the number of tasks). Meant for its own JVM with {@code -Xmx2g}.
 *
 * <p>{@code java -Xmx2g --add-opens java.base/java.lang=ALL-UNNAMED ... dev.simloop.bench.ParkedTasks [tasks]}
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

    public static void main(String[] args) {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : TASKS;
        long[] r = measure(tasks);
        System.out.printf(Locale.ROOT, "Scale: %,d simulated tasks parked on one Event: %,.0f bytes of heap per parked task"
                + " (used heap after GC %,d MB before, %,d MB with all parked; -Xmx %,d MB); spawn+park took %,.0f ns/task%n",
                tasks, (r[1] - r[0]) / (double) tasks, r[0] >> 20, r[1] >> 20, Runtime.getRuntime().maxMemory() >> 20,
                r[2] / (double) tasks);
    }
}
