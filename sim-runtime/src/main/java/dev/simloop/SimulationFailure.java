package dev.simloop;

/**
 * Thrown by {@link SimResult#value()} when the simulated run failed. The cause is the run's
 * failure; the message holds the seed and the one-line schedule that replays the run.
 */
public class SimulationFailure extends AssertionError {
    private static final long serialVersionUID = 1L;

    /**
     * @param message the report, with seed and replay line
     * @param cause the run's failure
     */
    public SimulationFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
