package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The public exception types say which task they are about, and refuse null where a null would break them later. */
class ExceptionAccessorsTest {

    @Test
    void taskFailuresAndTimeoutsNameTheirTask() {
        SimResult<Object> failed = Simulation.run(1, () -> TaskGroup.with(tg -> {
            tg.spawn("reader", () -> {
                throw new java.io.IOException("disk");
            });
            return null;
        }));
        assertThat(failed.failure()).isInstanceOfSatisfying(TaskFailedException.class,
                e -> assertThat(e.taskName()).isEqualTo("reader"));
        SimResult<Object> late = Simulation.run(1, () -> Loop.taskTimeout(Duration.ofMillis(1500), () -> {
            Loop.sleep(Duration.ofSeconds(2));
            return null;
        }));
        assertThat(late.failure()).isInstanceOfSatisfying(TaskTimeoutException.class, e -> {
            assertThat(e.taskName()).isEqualTo("main");
            assertThat(e.timeout()).isEqualTo(Duration.ofMillis(1500));
            assertThat(e).hasMessage("Loop.taskTimeout: task 'main' ran past its timeout of 1.5s");
        });
    }

    @Test
    void nullsThatWouldBreakAnExceptionLaterAreRefusedByName() {
        assertThatThrownBy(() -> new LeakDetected(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("LeakDetected: leaks");
        assertThatThrownBy(() -> new DeadlockDetected("m", null)).isInstanceOf(NullPointerException.class)
                .hasMessage("DeadlockDetected: cycles");
        java.util.ArrayList<List<String>> withNull = new java.util.ArrayList<>();
        withNull.add(null);
        assertThatThrownBy(() -> new DeadlockDetected("m", withNull)).isInstanceOf(NullPointerException.class)
                .hasMessage("DeadlockDetected: a cycle");
        assertThatThrownBy(() -> new Cancelled(null, "m")).isInstanceOf(NullPointerException.class)
                .hasMessage("Cancelled: reason");
    }

    /** A message of megabytes would push the seed and the replay line out of a CI log that cuts long output. */
    @Test
    void aHugeFailureMessageIsCutInTheReportAndKeptWholeInTheCause() {
        String huge = "x".repeat(3_000_000);
        SimResult<Object> r = Simulation.run(1, () -> {
            throw new IllegalStateException(huge);
        });
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(r::value);
        assertThat(thrown).isInstanceOf(SimulationFailure.class).hasCause(r.failure());
        assertThat(thrown.getMessage()).hasSizeLessThan(3_000).startsWith("simulated run failed: java.lang"
                + ".IllegalStateException: xxx").contains("... (" + (3_000_000 + "java.lang.IllegalStateException: ".length()
                - 2_000) + " more characters: the failure itself has them all)\n  seed:         1")
                .contains("  replay:       " + r.replayLine());
        assertThat(thrown.getCause().getMessage()).isEqualTo(huge);
    }
}
