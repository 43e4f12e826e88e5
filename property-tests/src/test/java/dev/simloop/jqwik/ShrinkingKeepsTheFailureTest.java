package dev.simloop.jqwik;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.TaskFailedException;
import dev.simloop.ThrowingSupplier;
import org.junit.jupiter.api.Test;

/**
 * jqwik's shrinking keeps a property's failure: it takes a smaller sample only if it fails with the
 * same exception class. Every failing check throws a {@link Simulations.ScheduleFailure} from its
 * line, so simloop has jqwik compare the failures of the runs instead. Before, a sample that failed
 * another way was taken: the original sample lost several updates, the shrunk one reported exactly
 * one, another exception.
 */
class ShrinkingKeepsTheFailureTest {
    @Test
    void jqwikShrinksAFailingScheduleToOneThatFailsTheSameWay() {
        Simulations.ScheduleFailure f = shrunk("twoFailures", AssertionError.class);
        assertThat(f.getCause()).isExactlyInstanceOf(AssertionError.class).hasMessageEndingWith(" updates lost");
        assertReplays(f, TwoFailuresFixture::updates, AssertionError.class);
    }

    /** A checked exception arrives wrapped in TaskFailedException: what the program threw is compared. */
    @Test
    void aCheckedFailureIsShrunkToOneOfItsOwnClass() {
        Simulations.ScheduleFailure f = shrunk("twoCheckedFailures", TaskFailedException.class);
        assertThat(f.getCause()).isExactlyInstanceOf(TaskFailedException.class).cause()
                .isExactlyInstanceOf(java.io.IOException.class).hasMessageEndingWith(" updates lost");
        assertReplays(f, TwoFailuresFixture::checkedUpdates, TaskFailedException.class);
    }

    /** @return the failure jqwik reports for the fixture's property, once its first failure is known to be {@code first} */
    private static Simulations.ScheduleFailure shrunk(String property, Class<? extends Throwable> first) {
        TwoFailuresFixture.FIRST.set(null);
        Simulations.ScheduleFailure f = ShrinkTest.scheduleFailureOf(
                selectMethod(TwoFailuresFixture.class, property, "dev.simloop.Schedule"));
        Simulations.ScheduleFailure original = TwoFailuresFixture.FIRST.get();
        assertThat(original.getCause()).as("most schedules lose several updates").isExactlyInstanceOf(first)
                .hasMessageEndingWith(" updates lost");
        assertThat(f.departures()).as("jqwik still shrinks the schedule").isLessThan(original.departures());
        return f;
    }

    /** Both lines of the shrunk sample's failure fail as it did. */
    private static void assertReplays(Simulations.ScheduleFailure f, ThrowingSupplier<Integer> program,
            Class<? extends Throwable> failure) {
        for (String line : java.util.List.of(f.replayLine(), f.shrunkReplayLine().orElse(f.replayLine()))) {
            SimResult<Integer> again = Simulation.builder().replay(line).run(program);
            assertThat(again.failure()).as(line).isExactlyInstanceOf(failure).hasMessageEndingWith(" updates lost");
        }
    }
}
