package dev.simloop;

import java.util.List;

/**
 * The run failed because every task was blocked and no timer was pending, so nothing could ever
 * wake them. The message is the wait-for graph of the blocked tasks: first each cycle (task
 * {@code a} waits for a lock held by {@code b}, which waits for one held by {@code a}), then every
 * other blocked task in spawn order, each with what it waits on and who could end the wait.
 * {@link #cycles()} gives the cycles' task names for code.
 */
public class DeadlockDetected extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The task names of each cycle; immutable. */
    @SuppressWarnings("serial") // declared as List, but always an unmodifiable JDK list of them, which serializes
    private final List<List<String>> cycles;

    /**
     * A deadlock without structured cycles ({@link #cycles()} is empty).
     *
     * @param message the report of the blocked tasks
     */
    public DeadlockDetected(String message) {
        this(message, List.of());
    }

    /**
     * A deadlock whose wait-for graph has the given cycles.
     *
     * @param message the report of the blocked tasks
     * @param cycles the task names of each cycle, as {@link #cycles()} returns them; copied
     */
    public DeadlockDetected(String message, List<List<String>> cycles) {
        super(message);
        this.cycles = java.util.Objects.requireNonNull(cycles, "DeadlockDetected: cycles").stream()
                .map(c -> List.copyOf(java.util.Objects.requireNonNull(c, "DeadlockDetected: a cycle"))).toList();
    }

    /**
     * The cycles of the wait-for graph: for each, the names of its tasks in order, each waiting
     * for the next and the last for the first (a task waits for a lock's holder, a task it joins,
     * the child it starts, or the unfinished children of its task group). Each cycle starts at its
     * earliest-spawned task, and the cycles come in that order, so they are the same in every run
     * of a schedule; at most 20 are listed.
     *
     * @return the cycles, e.g. {@code [[a, b]]}; empty when no task waits for itself (for instance
     *     when every task waits on an event nobody sets)
     */
    public List<List<String>> cycles() {
        return cycles;
    }
}
