package dev.simloop.internal;

import java.time.Duration;

/** Durations as nanosecond counts, for limits and deadlines that may lie beyond {@code long}'s range. */
public final class Nanos {
    private Nanos() {
    }

    /** @return {@code d} in nanoseconds, or {@code Long.MAX_VALUE} / {@code MIN_VALUE} when it does not fit */
    public static long saturated(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
