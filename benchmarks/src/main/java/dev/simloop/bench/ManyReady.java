package dev.simloop.bench;

import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import dev.simloop.sync.Event;
import java.time.Duration;

/**
 * Many tasks ready at once (docs/benchmarks.md, "Many tasks ready at once"): {@code tasks} tasks
 * wait for one {@link Event}, whose {@code set} makes them all ready together; each then
 * checkpoints once and ends. Prints the wall time of the whole run (spawning included) under each
 * strategy given. Not JMH: one run, meant for a JVM of its own per strategy, since the JIT's
 * warm-up is part of what a user's one large run pays.
 *
 * <p>{@code java -Xmx8g --add-opens java.base/java.lang=ALL-UNNAMED ... dev.simloop.bench.ManyReady 200000 random}
 */
public final class ManyReady {
    private ManyReady() {
    }

    /** @return how many tasks ran to their end (all of them) */
    static int run(int tasks, Strategy strategy) {
        SimResult<Integer> r = Simulation.builder().seed(1).strategy(strategy).run(() -> {
            Event ready = new Event();
            int[] ended = new int[1];
            TaskGroup.with(g -> {
                for (int i = 0; i < tasks; i++) {
                    g.spawn(() -> {
                        ready.await();
                        Loop.checkpoint();
                        ended[0]++;
                    });
                }
                Loop.sleep(Duration.ofSeconds(1));
                ready.set();
                return null;
            });
            return ended[0];
        });
        return r.value();
    }

    /**
     * @param args the number of tasks, then one or more strategies ({@link Strategy#parse} text)
     */
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: ManyReady <tasks> <strategy>... (for example: ManyReady 200000 random 'pct(3)')");
            System.exit(2);
        }
        int tasks = Integer.parseInt(args[0]);
        for (int k = 1; k < args.length; k++) {
            long t0 = System.nanoTime();
            int ended = run(tasks, Strategy.parse(args[k]));
            System.out.printf("%-14s %,d tasks woken at once, %,d ended: %.2f s%n", args[k], tasks, ended, (System.nanoTime() - t0) / 1e9);
        }
    }
}
