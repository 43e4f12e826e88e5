package dev.simloop.vt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.ThrowingSupplier;
import java.time.Duration;

/** Runs a simulation that must succeed, and reads the virtual clock in the terms the tests use. */
final class Sim {
    private Sim() {
    }

    /** @return the value of a successful simulated run of {@code main} with seed 1 */
    static <T> SimResult<T> ok(ThrowingSupplier<T> main) {
        SimResult<T> r = Simulation.run(1, main);
        assertThat(r.failure()).as("the run's failure").isNull();
        return r;
    }

    /** @return the loop clock, in the calling task */
    static Duration now() {
        return Duration.ofNanos(Loop.nanoTime());
    }

    /** @return {@code what} paired with the virtual time at which it was observed, e.g. "null@PT5S" */
    static String at(Object what) {
        return what + "@" + now();
    }
}
