package dev.simloop.sync;

import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.ThrowingSupplier;

/** Helpers for the primitive tests. */
final class Sims {
    private Sims() {
    }

    /** Runs {@code body} in a simulation in production (FIFO) order and returns its value. */
    static <T> T fifo(ThrowingSupplier<T> body) {
        return Simulation.builder().strategy(Strategy.fifo()).run(body).value();
    }

    /** Runs {@code body} in a simulation with the random strategy and returns its value. */
    static <T> T random(long seed, ThrowingSupplier<T> body) {
        SimResult<T> r = Simulation.run(seed, body);
        return r.value();
    }

    /** Checkpoints until {@code cond} holds (at most 10,000 times). */
    static void until(java.util.function.BooleanSupplier cond) {
        for (int i = 0; i < 10_000 && !cond.getAsBoolean(); i++) {
            Loop.checkpoint();
        }
        if (!cond.getAsBoolean()) {
            throw new AssertionError("condition never became true");
        }
    }
}
