package dev.simloop.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.LimitExceeded;
import dev.simloop.Schedule;
import dev.simloop.junit.fixtures.BatchFixtures;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A test's schedules run one after another on one driver thread (issue 15): what must still hold
 * when a schedule's task runs away, when a {@code @Timeout} fires during a later schedule, and for
 * the lifecycle methods around each schedule.
 */
class BatchedSchedulesTest {
    @BeforeEach
    void clear() {
        BatchFixtures.LOG.clear();
    }

    @Test
    void aScheduleThatRunsAwayFailsTheTestWithItsOwnReplayLineAndNoLaterScheduleRuns() {
        SimulatedLoopFailure f = SimulatedLoopExtensionTest.onlySimFailure(
                SimulatedLoopExtensionTest.run(BatchFixtures.RunsAwayInTheThirdSchedule.class));
        assertThat(f.getCause()).isInstanceOf(LimitExceeded.class)
                .hasMessageStartingWith("task 'main' ran for ").hasMessageContaining("maxStepWallTime");
        assertThat(f.scheduleIndex()).isEqualTo(2);
        assertThat(f.schedules()).isEqualTo(5);
        RunConfig cfg = RunConfig.resolve(null, k -> Optional.ofNullable(Map.of("simloop.seed", "3", "simloop.schedules",
                "5").get(k)));
        assertThat(f.seed()).isEqualTo(cfg.seedFor(2));
        assertThat(Schedule.parse(f.replayLine()).seed()).isEqualTo(f.seed());
        assertThat(BatchFixtures.LOG).containsExactly("schedule 0", "schedule 1", "schedule 2");
    }

    @Test
    void aTimeoutDuringALaterScheduleStopsThatScheduleAndTheExploration() {
        Throwable t = SimulatedLoopExtensionTest.onlyFailure(
                SimulatedLoopExtensionTest.run(BatchFixtures.TimeoutInTheFourthSchedule.class));
        assertThat(t).isInstanceOf(TimeoutException.class).hasMessageContaining("timed out after 300 milliseconds");
        assertThat(BatchFixtures.LOG).containsExactly("schedule 0", "schedule 1", "schedule 2", "schedule 3");
    }

    @Test
    void aCheckedExceptionOfALaterSchedulesBeforeEachFailsTheTestUnwrapped() {
        BatchFixtures.CheckedExceptionInALaterBeforeEach.SET_UPS.set(0);
        Throwable t = SimulatedLoopExtensionTest.onlyFailure(
                SimulatedLoopExtensionTest.run(BatchFixtures.CheckedExceptionInALaterBeforeEach.class));
        assertThat(t).isExactlyInstanceOf(java.io.IOException.class).hasMessage("no fixture for the second schedule");
        assertThat(BatchFixtures.CheckedExceptionInALaterBeforeEach.SET_UPS).hasValue(2);
    }

    @Test
    void eachSchedulesBeforeEachAndAfterEachRunOnOneThread() {
        SimulatedLoopExtensionTest.run(BatchFixtures.ThreadLocalAcrossTheLifecycle.class).testEvents()
                .assertStatistics(s -> s.succeeded(1).failed(0));
        assertThat(BatchFixtures.LOG).isEqualTo(List.of("same", "same", "same", "same"));
    }
}
