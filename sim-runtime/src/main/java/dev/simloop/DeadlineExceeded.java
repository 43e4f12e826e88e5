package dev.simloop;

/** Thrown by {@link CancelScope#failAfter} when its deadline passes before the body finishes. */
public class DeadlineExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what timed out and after how long */
    public DeadlineExceeded(String message) {
        super(message);
    }
}
