package dev.simloop.steering;

import dev.simloop.Loop;
import dev.simloop.Simulation;
import dev.simloop.ThrowingSupplier;

/** Runs a program in real mode or in a simulation (seed 7), for tests parameterized by mode. */
final class BothModes {
    private BothModes() {
    }

    static <T> T run(boolean simulated, ThrowingSupplier<T> main) {
        return simulated ? Simulation.run(7, main).value() : Loop.run(main);
    }
}
