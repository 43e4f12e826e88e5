package dev.simloop.jqwik;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simloop.Schedule;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import org.junit.jupiter.api.Test;

/** A null argument is rejected at once, naming the call and the argument. */
class ArgumentsTest {
    @Test
    void nullArgumentsAreNamed() {
        assertThatThrownBy(() -> Simulations.check((Schedule) null, () -> 1))
                .isInstanceOf(NullPointerException.class).hasMessage("Simulations.check: schedule");
        assertThatThrownBy(() -> Simulations.check(Schedule.fifo(), null, () -> 1))
                .isInstanceOf(NullPointerException.class).hasMessage("Simulations.check: after");
        assertThatThrownBy(() -> Simulations.check((Simulation.Builder) null, () -> 1))
                .isInstanceOf(NullPointerException.class).hasMessage("Simulations.check: builder");
        assertThatThrownBy(() -> Simulations.check(Simulation.builder(), null))
                .isInstanceOf(NullPointerException.class).hasMessage("Simulations.check: main");
        assertThatThrownBy(() -> Schedules.simulate(null, Strategy.fifo()))
                .isInstanceOf(NullPointerException.class).hasMessage("Schedules.simulate: schedule");
        assertThatThrownBy(() -> Schedules.simulate(Schedule.fifo(), null))
                .isInstanceOf(NullPointerException.class).hasMessage("Schedules.simulate: after");
    }
}
