package dev.simloop;

import java.time.Duration;

/**
 * What a simulated run produced. A simulation never throws its task's failure: it is reported here,
 * and {@link #value()} turns it into a {@link SimulationFailure} whose message holds the seed and
 * the replay line.
 *
 * @param <T> the type of the main task's value
 */
public interface SimResult<T> {
    /** @return whether the run failed (main threw, deadlock, a limit, nondeterminism, a leak) */
    boolean failed();

    /** @return the failure, or null when the run did not fail */
    Throwable failure();

    /**
     * @return the main task's value
     * @throws SimulationFailure when the run failed; its cause is the failure and its message
     *     holds the seed and the replay line
     */
    T value();

    /** @return the seed of the run */
    long seed();

    /**
     * The run as one line, {@code simloop:1:…}: {@code Simulation.builder().replay(line)} or
     * {@code @SimulatedLoop(replay = line)} reproduces it exactly. {@link Schedule#parse} reads it.
     *
     * @return the replay line
     */
    String replayLine();

    /**
     * The replay line, under its old name, which read like the {@link Schedule} type it is not.
     *
     * @return {@link #replayLine()}
     * @deprecated use {@link #replayLine()}; this name goes in 0.2
     */
    @Deprecated(since = "0.1", forRemoval = true)
    default String schedule() {
        return replayLine();
    }

    /**
     * Preemptions as CHESS counts them (Musuvathi and Qadeer, PLDI 2007): how many times the run
     * switched away from a task that could have gone on, i.e. chose another task while the one
     * whose step had just ended at a checkpoint was still ready. Switching after a task blocked or
     * ended is free, and so is the order of tied timers. FIFO order, which sends a task that
     * reaches a checkpoint to the back of the queue, preempts at every checkpoint where another task
     * is ready; {@link Schedule#departures()} counts departures from FIFO order instead.
     *
     * @return the run's preemptions
     */
    int preemptions();

    /** @return the number of scheduling steps taken */
    long steps();

    /** @return the virtual clock at the end of the run */
    Duration virtualTime();

    /** @return a digest of every scheduling decision: equal for equal runs */
    String traceDigest();

    /**
     * The last events of the run as a table with one column per task (virtual time and step on the
     * left), for failure reports. Present only when the run was traced
     * ({@link Simulation.Builder#trace(boolean)}).
     *
     * @param lastEvents how many of the last events to show; not negative
     * @return the table, or empty when the run was not traced
     * @throws IllegalArgumentException when {@code lastEvents} is negative
     */
    default java.util.Optional<String> traceTable(int lastEvents) {
        return java.util.Optional.empty();
    }

    /**
     * The run as Chrome Trace Event JSON, to open in Perfetto (ui.perfetto.dev) or chrome://tracing:
     * one track per task over virtual time. Present only when the run was traced.
     *
     * @return the JSON, or empty when the run was not traced
     */
    default java.util.Optional<String> chromeTraceJson() {
        return java.util.Optional.empty();
    }

    /**
     * Writes the run as one self-contained HTML page (no network, no external scripts, fonts or
     * styles): a lane per task over steps or virtual time, spans for running, ready, blocked and
     * sleeping, arrows for wake-ups, spawns and lock hand-offs, marks for cancels and the failure;
     * the failure with its stack, the replay line with a copy button, and the trace table. The run
     * must have been traced ({@link Simulation.Builder#trace(boolean)}).
     *
     * @param file where to write the page; its directory must exist
     * @throws java.io.IOException when the file cannot be written
     * @throws IllegalStateException when the run was not traced
     */
    default void writeHtmlReport(java.nio.file.Path file) throws java.io.IOException {
        writeHtmlReport(file, "simulated run (seed " + seed() + ")", null);
    }

    /**
     * As {@link #writeHtmlReport(java.nio.file.Path)}, with a title and, when a simpler failing run
     * was found by shrinking, its replay line shown under the run's own (with a copy button).
     *
     * @param file where to write the page; its directory must exist
     * @param title what ran, e.g. the test's name
     * @param shrunkReplayLine the replay line of the shrunk run, or null when there is none
     * @throws java.io.IOException when the file cannot be written
     * @throws IllegalStateException when the run was not traced
     */
    default void writeHtmlReport(java.nio.file.Path file, String title, String shrunkReplayLine)
            throws java.io.IOException {
        throw new IllegalStateException("SimResult.writeHtmlReport: the run was not traced; run it with "
                + "Simulation.builder().trace(true), or replay its line traced");
    }
}
