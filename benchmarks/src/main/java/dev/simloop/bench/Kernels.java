package dev.simloop.bench;

import dev.simloop.Loop;
import dev.simloop.TaskGroup;

/** Small concurrent programs written on the runtime, shared by the benchmarks and {@link TimeToBug}. */
final class Kernels {
    private Kernels() {
    }

    /**
     * Lost update: two tasks each do {@code checkpoints} read-checkpoint-write increments of a
     * shared counter. Returns the counter; it is below {@code 2 * checkpoints} when an update was lost.
     */
    static int lostUpdate(int checkpoints) {
        int[] counter = new int[1];
        TaskGroup.with(g -> {
            for (int t = 0; t < 2; t++) {
                g.spawn(() -> {
                    for (int i = 0; i < checkpoints; i++) {
                        int v = counter[0];
                        Loop.checkpoint();
                        counter[0] = v + 1;
                    }
                });
            }
            return null;
        });
        return counter[0];
    }
}
