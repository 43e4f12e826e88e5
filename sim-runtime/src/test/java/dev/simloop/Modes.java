package dev.simloop;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Runs a test body in a simulation or on a real loop, with the same code. In simulated mode the
 * time unit is one virtual second and times are asserted exactly; in real mode it is a short real
 * duration and only orders (and generous bounds) are asserted.
 */
enum Modes {
    SIMULATED(Duration.ofSeconds(1)),
    REAL(Duration.ofMillis(40));

    /** One step of loop time in this mode. */
    final Duration unit;

    Modes(Duration unit) {
        this.unit = unit;
    }

    Duration units(long n) {
        return unit.multipliedBy(n);
    }

    /** Runs {@code main}; returns its value or throws its failure unchanged, in both modes. */
    <T> T run(ThrowingSupplier<T> main) {
        if (this == REAL) {
            return Loop.run(main);
        }
        SimResult<T> r = Simulation.run(42, main);
        if (r.failed()) {
            throw sneaky(r.failure());
        }
        return r.value();
    }

    boolean simulated() {
        return this == SIMULATED;
    }

    static RuntimeException sneaky(Throwable t) {
        if (t instanceof RuntimeException e) {
            return e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new AssertionError("unexpected checked failure", t);
    }

    /** A log safe to append to from tasks and from offloaded work. */
    static List<String> log() {
        return new CopyOnWriteArrayList<>();
    }

    /** Forever, for practical purposes: a sleep that only cancellation ends. */
    static final Duration FOREVER = Duration.ofHours(1);
}
