package dev.simloop.internal;

import java.util.ArrayList;
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
    /** Each runaway task's thread, with the task's name; guarded by itself. */
    private static final Map<Thread, String> THREADS = new WeakHashMap<>();
    /** At most this many are named in a message. */
    private static final int NAMED = 3;

    private RunawayTasks() {
    }

    /** {@code t} ran away: its run stops without it, and it goes on. */
    static void add(TaskImpl<?> t) {
        synchronized (THREADS) {
            THREADS.put(t.thread, t.name());
        }
    }

    /** @return the runaway tasks still running, named for a message ({@code 'spin', 'loop'}); empty when none is */
    static String stillRunning() {
        List<String> names = new ArrayList<>();
        synchronized (THREADS) {
            THREADS.entrySet().removeIf(e -> !e.getKey().isAlive());
            for (String name : THREADS.values()) {
                if (names.size() == NAMED) {
                    names.add("…");
                    break;
                }
                names.add("'" + name + "'");
            }
        }
        return String.join(", ", names);
    }
}
