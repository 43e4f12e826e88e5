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

    /** @return a duration for messages, as {@link #format(long)} writes it, also when it does not fit in a long of nanoseconds */
    public static String format(Duration d) {
        if (d.compareTo(Duration.ofNanos(Long.MAX_VALUE - 1)) <= 0 && !d.isNegative()) {
            return format(d.toNanos());
        }
        return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }

    /** @return loop-clock nanos for messages, e.g. {@code 1.5s} or {@code 2h3m}; {@code never} for MAX_VALUE */
    public static String format(long nanos) {
        if (nanos == Long.MAX_VALUE) {
            return "never";
        }
        return Duration.ofNanos(nanos).toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }
}
