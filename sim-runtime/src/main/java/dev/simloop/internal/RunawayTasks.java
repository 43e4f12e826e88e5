package dev.simloop.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Tasks whose simulation stopped without them: a task that ran away (no checkpoint within
 * {@code maxStepWallTime}, see {@link Watchdog}) keeps running on its own thread after its run
 * has ended, and keeps whatever it holds, such as a monitor. A later run that waits for such a
 * monitor would otherwise be told that one of its own tasks holds it. Weakly held: a thread that
 * has ended and been dropped is forgotten.
 */
final class RunawayTasks {
    /** A runaway task's name, and when it ran away among the others (for a fixed order). */
    private record Runaway(String name, long order) {
    }

    /**
     * Each runaway task's thread; guarded by itself. A weak map's order follows identity hash codes,
     * which differ by JVM: a message lists the tasks by {@link Runaway#order} instead.
     */
    private static final Map<Thread, Runaway> THREADS = new WeakHashMap<>();
    /** How many tasks have run away in this JVM; guarded by {@link #THREADS}. */
    private static long added;
    /** At most this many are named in a message. */
    private static final int NAMED = 3;

    private RunawayTasks() {
    }

    /** {@code t} ran away: its run stops without it, and it goes on. */
    static void add(TaskImpl<?> t) {
        synchronized (THREADS) {
            THREADS.put(t.thread, new Runaway(t.name(), added++));
        }
    }

    /**
     * @return the runaway tasks still running, the latest first (the likeliest to matter to the run
     *     that reports them), named for a message ({@code 'spin', 'loop'}); empty when none is
     */
    static String stillRunning() {
        List<Runaway> running;
        synchronized (THREADS) {
            THREADS.entrySet().removeIf(e -> !e.getKey().isAlive());
            running = new ArrayList<>(THREADS.values());
        }
        running.sort(Comparator.comparingLong(Runaway::order).reversed());
        List<String> names = new ArrayList<>();
        for (Runaway r : running) {
            if (names.size() == NAMED) {
                names.add("…");
                break;
            }
            names.add("'" + r.name() + "'");
        }
        return String.join(", ", names);
    }
}
