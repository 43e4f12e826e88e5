package dev.simloop;

/** A runnable that may throw checked exceptions. */
@FunctionalInterface
public interface ThrowingRunnable {
    /**
     * Runs the action.
     *
     * @throws Exception any failure
     */
    void run() throws Exception;
}
