package dev.simloop.jqwik;

import dev.simloop.Loop;
import dev.simloop.TaskGroup;
import java.util.ArrayList;
import java.util.List;

/** Small buggy programs whose bugs need specific interleavings; both pass under plain FIFO order. */
final class Kernels {
    private Kernels() {}

    /** Two tasks read a shared int, checkpoint, write read+1; the second starts one checkpoint later, so FIFO passes. */
    static Integer lostUpdate() throws Exception {
        int[] shared = racingUpdates();
        if (shared[0] != 2) {
            throw new AssertionError("lost update: counter is " + shared[0]);
        }
        return shared[0];
    }

    /** @return the counter that {@link #lostUpdate}'s two tasks updated (2, or 1 when an update was lost) */
    static int[] racingUpdates() throws Exception {
        return racingUpdates(new int[1]);
    }

    /** As {@link #racingUpdates()}, on {@code shared}, which a property's lifecycle methods see too. */
    static int[] racingUpdates(int[] shared) throws Exception {
        TaskGroup.with(g -> {
            for (int t = 0; t < 2; t++) {
                int delay = t;
                g.spawn(() -> {
                    for (int i = 0; i < delay; i++) {
                        Loop.checkpoint();
                    }
                    int read = shared[0];
                    Loop.checkpoint();
                    shared[0] = read + 1;
                    return null;
                });
            }
            return null;
        });
        return shared;
    }

    /** The lost update after three checkpoints of noise in each of its two tasks: one preemption still suffices. */
    static Integer noisyLostUpdate() throws Exception {
        int[] shared = {0};
        TaskGroup.with(g -> {
            for (int t = 0; t < 2; t++) {
                g.spawn(() -> {
                    for (int i = 0; i < 3; i++) {
                        Loop.checkpoint();
                    }
                    int read = shared[0];
                    Loop.checkpoint();
                    shared[0] = read + 1;
                    return null;
                });
            }
            return null;
        });
        if (shared[0] != 2) {
            throw new AssertionError("lost update: counter is " + shared[0]);
        }
        return shared[0];
    }

    /**
     * Four tasks each hold an update in flight across a checkpoint, after four checkpoints of noise;
     * the bug is all four in flight at once, which needs three preemptions (a task that ends frees
     * a choice, but one in flight has not ended). The schedules with at most two preemptions number
     * some fourteen thousand, more than shrinking's default budget of runs.
     */
    static Integer fourInFlight() throws Exception {
        int[] inFlight = {0};
        int[] most = {0};
        TaskGroup.with(g -> {
            for (int t = 0; t < 4; t++) {
                g.spawn(() -> {
                    for (int i = 0; i < 4; i++) {
                        Loop.checkpoint();
                    }
                    most[0] = Math.max(most[0], ++inFlight[0]);
                    Loop.checkpoint();
                    inFlight[0]--;
                    return null;
                });
            }
            return null;
        });
        if (most[0] == 4) {
            throw new AssertionError("four updates in flight at once");
        }
        return most[0];
    }

    /** Four tasks each log one letter; the bug needs d before c, c before b and b before a. */
    static String depth3() throws Exception {
        List<String> log = new ArrayList<>();
        TaskGroup.with(g -> {
            for (String s : List.of("a", "b", "c", "d")) {
                g.spawn(() -> {
                    Loop.checkpoint();
                    log.add(s);
                    return null;
                });
            }
            return null;
        });
        String order = String.join("", log);
        if (order.indexOf('d') < order.indexOf('c') && order.indexOf('c') < order.indexOf('b')
                && order.indexOf('b') < order.indexOf('a')) {
            throw new AssertionError("depth-3 bug: order " + order);
        }
        return order;
    }
}
