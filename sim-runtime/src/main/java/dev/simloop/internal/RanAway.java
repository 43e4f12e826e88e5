package dev.simloop.internal;

import dev.simloop.SimResult;
import dev.simloop.Simulation;

/**
 * The result of a run whose task ran away while its caller was released by the watchdog. A caller
 * that runs several simulations inside one {@link Drivers#call} (the JUnit extension runs a test's
 * schedules on one driver) gets a {@link Runaway} for the whole call; this turns its outcome into
 * the {@link SimResult} the stuck run's builder would have returned, as {@code Simulation} does for
 * a run it called itself. Only {@code Simulation} can make a {@code SimResult}, so it registers how
 * when it is loaded (any builder's existence means it is).
 */
public final class RanAway {
    private static volatile Results results;

    private RanAway() {
    }

    /** Makes a builder's result from a run's outcome; implemented by {@code Simulation}. */
    public interface Results {
        /**
         * @param builder the builder of the run
         * @param outcome the run as far as it got
         * @return its result
         */
        SimResult<?> of(Simulation.Builder builder, RunOutcome outcome);
    }

    /** Called once, by {@code Simulation}'s initialiser. @param r how to make results */
    public static void register(Results r) {
        results = r;
    }

    /**
     * @param builder the builder of the run that ran away
     * @param outcome {@link Runaway#outcome()}
     * @return the result that run's {@code builder.run(..)} would have returned
     */
    public static SimResult<?> result(Simulation.Builder builder, RunOutcome outcome) {
        return results.of(builder, outcome);
    }
}
