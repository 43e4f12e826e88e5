package dev.simloop;

/**
 * A simulation failed because something outside the simulation's control would have decided the
 * outcome: a task was woken by a thread the simulation does not own (real I/O, {@code Thread.sleep},
 * a timed wait, a foreign executor), or a replay diverged from its recorded schedule. The message
 * names the task and the likely cause.
 */
public class NondeterminismDetected extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message the task, the step and the likely cause */
    public NondeterminismDetected(String message) {
        super(message);
    }
}
