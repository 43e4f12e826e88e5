package dev.simloop;

/**
 * The run failed because every task was blocked and no timer was pending, so nothing could ever
 * wake them. The message lists each blocked task by name and what it waits on.
 */
public class DeadlockDetected extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message the list of blocked tasks */
    public DeadlockDetected(String message) {
        super(message);
    }
}
