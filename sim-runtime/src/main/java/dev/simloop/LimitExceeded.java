package dev.simloop;

/**
 * A simulation stopped because it reached {@code maxSteps} or {@code maxVirtualTime}. The message
 * gives the limit and how to raise it.
 */
public class LimitExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message which limit, its value, and how to raise it */
    public LimitExceeded(String message) {
        super(message);
    }
}
