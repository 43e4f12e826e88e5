package dev.simloop.internal;

import dev.simloop.SimResult;

/**
 * A run that passed, failed afterwards by what the test checked outside it: the JUnit extension
 * fails a schedule whose {@code @AfterEach} method throws after its run passed, and shrinks that
 * failure as it shrinks a run's own, which needs the run as a failed {@link SimResult} (shrinking
 * compares the failures of runs). Only {@code Simulation} can make a {@code SimResult}, so it
 * registers how when it is loaded (any run's existence means it is).
 */
public final class FailedAfterRun {
    private static volatile Results results;

    private FailedAfterRun() {
    }

    /** Makes the failed copy of a run; implemented by {@code Simulation}. */
    public interface Results {
        /**
         * @param run a run that passed, made by {@code Simulation}
         * @param failure what failed it afterwards
         * @return the same run (its line, steps, preemptions, digest and trace) with {@code failure} as its failure
         */
        SimResult<?> of(SimResult<?> run, Throwable failure);
    }

    /** Called once, by {@code Simulation}'s initialiser. @param r how to make results */
    public static void register(Results r) {
        results = r;
    }

    /**
     * @param run a run that passed
     * @param failure what failed it after it ended (an {@code @AfterEach} method's exception)
     * @return {@code run}, failed with {@code failure}
     * @throws IllegalArgumentException when {@code run} failed already or was not made by {@code Simulation}
     */
    public static SimResult<?> of(SimResult<?> run, Throwable failure) {
        return results.of(run, failure);
    }
}
