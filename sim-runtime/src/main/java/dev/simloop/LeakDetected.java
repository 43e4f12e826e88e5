package dev.simloop;

import java.util.List;

/**
 * A simulated run ended with a task that had finished while still holding a lock (the lock then
 * broke, see {@link dev.simloop.sync.BrokenResourceException}), or with a task still alive. Each
 * leak is named in the message with the task that held the resource and the step and virtual time
 * at which that task finished, e.g.
 * {@code leak: Lock 'accounts' was still held by task 'worker-2' when it finished (step 41, virtual time 1.5s)}.
 * The message lists the first 50 leaks and counts the rest; {@link #leaks()} has them all.
 *
 * <p>Reported as the run's failure ({@link SimResult#failure()}) when the run otherwise succeeded,
 * and as a suppressed exception of the failure when it did not. Turned off with
 * {@link Simulation.Builder#checkLeaks(boolean)}; real-mode runs ({@link Loop#run}) do not check.
 */
public class LeakDetected extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The message lists at most this many leaks (a run may leak thousands); {@link #leaks()} has them all. */
    private static final int MAX_LISTED = 50;

    /** One line per leak; immutable. */
    @SuppressWarnings("serial") // declared as List, but always an unmodifiable List.copyOf, which serializes
    private final List<String> leaks;

    /**
     * @param leaks one line per leaked resource or task left alive, in the order they happened; not empty
     */
    public LeakDetected(List<String> leaks) {
        super(message(leaks));
        this.leaks = List.copyOf(leaks);
    }

    private static String message(List<String> leaks) {
        if (java.util.Objects.requireNonNull(leaks, "LeakDetected: leaks").isEmpty()) {
            throw new IllegalArgumentException("LeakDetected: no leaks");
        }
        if (leaks.size() == 1) {
            return "leak: " + leaks.get(0);
        }
        StringBuilder sb = new StringBuilder("leak: ").append(leaks.size()).append(" found:");
        for (String l : leaks.subList(0, Math.min(leaks.size(), MAX_LISTED))) {
            sb.append("\n  ").append(l);
        }
        if (leaks.size() > MAX_LISTED) {
            sb.append("\n  and ").append(leaks.size() - MAX_LISTED).append(" more (leaks() lists them all)");
        }
        return sb.toString();
    }

    /**
     * @return one line per leak, in the order they happened, e.g. {@code Lock 'accounts' was still
     *     held by task 'worker-2' when it finished (step 41, virtual time 1.5s)}
     */
    public List<String> leaks() {
        return leaks;
    }
}
