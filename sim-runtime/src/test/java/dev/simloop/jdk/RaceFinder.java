package dev.simloop.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Exploration;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.ThrowingSupplier;

/**
 * Explores a program with a seeded race and checks what issue 14 asks of every JDK API: the race is
 * found (some schedules fail, others pass), and replaying the failing schedule's printed line
 * reproduces it exactly: the same failure, the same message, the same digest.
 */
final class RaceFinder {
    private RaceFinder() {
    }

    /**
     * @param program the program (fresh state inside); it fails with {@code expectedFailure} when
     *     the race goes wrong
     * @param expectedFailure the failure's type
     * @param messageStart how the failure's message starts
     * @return the failing run found first
     */
    static <T> SimResult<T> findsAndReplays(ThrowingSupplier<T> program, Class<? extends Throwable> expectedFailure,
            String messageStart) {
        Exploration.Report<T> report = Exploration.of(program).seed(14).schedules(300).stopAtFirstFailure(false)
                .shrinkBudget(0, java.time.Duration.ofSeconds(1)).run();
        SimResult<T> failing = report.firstFailure()
                .orElseThrow(() -> new AssertionError("the race was not found: " + report));
        assertThat(failing.failure()).isInstanceOf(expectedFailure).hasMessageStartingWith(messageStart);
        assertThat(report.failingSchedules()).as("schedules that pass: it is a race, not a bug every run has")
                .isLessThan(report.schedulesRun());
        SimResult<T> replayed = Simulation.builder().replay(failing.replayLine()).run(program);
        assertThat(replayed.failure()).isInstanceOf(failing.failure().getClass())
                .hasMessage(failing.failure().getMessage());
        assertThat(replayed.traceDigest()).isEqualTo(failing.traceDigest());
        assertThat(replayed.steps()).isEqualTo(failing.steps());
        return failing;
    }
}
