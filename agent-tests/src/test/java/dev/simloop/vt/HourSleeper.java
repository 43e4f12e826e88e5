package dev.simloop.vt;

import dev.simloop.Loop;
import dev.simloop.Simulation;

/** A simulation that sleeps an hour with {@code Thread.sleep}; loaded by {@link TwoRuntimeCopiesTest} in a loader of its own too. */
public final class HourSleeper {
    private HourSleeper() {
    }

    /** @return the virtual millis after a {@code Thread.sleep} of an hour in a simulated task */
    public static long sleepAnHour() {
        return Simulation.run(1, () -> {
            Thread.sleep(3_600_000);
            return Loop.nanoTime() / 1_000_000;
        }).value();
    }
}
