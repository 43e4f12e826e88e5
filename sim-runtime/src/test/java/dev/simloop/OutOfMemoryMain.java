package dev.simloop;

import java.util.ArrayList;
import java.util.List;

/**
 * Run by {@link OutOfMemoryInRunTest} in a child JVM with a small heap: a simulation (then a run
 * that must still work), or a real loop, whose tasks fill the heap with what they share; or a
 * bounded exploration whose pending runs would fill it.
 */
public final class OutOfMemoryMain {
    private OutOfMemoryMain() {
    }

    /** Tasks that add to one list until the heap is full. */
    private static int fillTheHeap() {
        return TaskGroup.with(tg -> {
            List<long[]> hog = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                tg.spawn("w" + i, () -> {
                    while (true) {
                        hog.add(new long[100_000]);
                        Loop.checkpoint();
                    }
                });
            }
            return 1;
        });
    }

    /**
     * @param args {@code simulation} (then a run that must work), {@code real}, or {@code bounded-N} or
     *     {@code exhaustive-N} (a preemption-bounded or exhaustive exploration on {@code N} threads)
     */
    public static void main(String[] args) {
        if (args[0].startsWith("bounded-") || args[0].startsWith("exhaustive-")) {
            try {
                Exploration<Integer> x = Exploration.of(() -> BoundedSearchMemoryTest.checkpointing(3, 8))
                        .parallelism(Integer.parseInt(args[0].substring(args[0].indexOf('-') + 1)))
                        .schedules(50_000_000);
                Exploration.Report<Integer> r = (args[0].startsWith("bounded") ? x.preemptionBounded(8)
                        : x.exhaustive(8)).run();
                System.out.println("bounded: returned " + r);
            } catch (IllegalStateException | OutOfMemoryError e) {
                System.out.println("bounded: threw " + e.getMessage());
            }
        } else if (args[0].equals("simulation")) {
            try {
                SimResult<Integer> r = Simulation.run(1, OutOfMemoryMain::fillTheHeap);
                System.out.println("simulation: returned, failure " + r.failure().getClass().getSimpleName());
            } catch (OutOfMemoryError e) {
                System.out.println("simulation: threw OutOfMemoryError");
            }
            System.out.println("next run: " + Simulation.run(2, () -> 7).value());
        } else {
            try {
                Loop.run(OutOfMemoryMain::fillTheHeap);
                System.out.println("real loop: returned");
            } catch (OutOfMemoryError e) {
                System.out.println("real loop: threw OutOfMemoryError");
            }
        }
    }
}
