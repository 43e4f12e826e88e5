package dev.simloop;

/**
 * Thrown by {@link CancelScope#failAfter} when its deadline cancelled the work, and by
 * {@link TaskGroup#withTimeout} when its deadline cancelled the group.
 */
public class DeadlineExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what timed out and after how long */
    public DeadlineExceeded(String message) {
        super(message);
    }
}
