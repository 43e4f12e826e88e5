package dev.simloop.explore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.NondeterminismDetected;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import dev.simloop.sync.Event;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The determinism check names the tasks where two runs part: by the names they were spawned with,
 * at the first step that differs.
 */
class DeterminismMessagesTest {
    /** Counts runs, so that the second run of each check takes another path (state kept between runs). */
    private final AtomicInteger runs = new AtomicInteger();

    /** c wakes a then b, but b then a in every second run: step 5 runs another task. */
    private String wakeOrderFlipsInTheSecondRun() {
        boolean second = runs.getAndIncrement() % 2 == 1;
        Event first = new Event();
        Event other = new Event();
        TaskGroup.with(tg -> {
            tg.spawn("alpha", first::await);
            tg.spawn("beta", other::await);
            tg.spawn("waker", () -> {
                if (second) {
                    other.set();
                    first.set();
                } else {
                    first.set();
                    other.set();
                }
            });
            return null;
        });
        return "done";
    }

    @Test
    void theMessageNamesTheTaskOfEachRunAtTheFirstStepThatDiffers() {
        SimResult<String> r = Simulation.builder().strategy(Strategy.fifo()).checkDeterminism(true)
                .run(this::wakeOrderFlipsInTheSecondRun);
        assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class).hasMessageStartingWith(
                "nondeterminism detected at step 5 (task 'beta'): in the first run task 'alpha' ran at this step, in "
                        + "this run task 'beta' did. Something outside the simulation decides the run");
    }

    @Test
    void aSecondRunThatFailsOnlyAtItsEndIsReportedThereWithItsFailureSuppressed() {
        IllegalStateException late = new IllegalStateException("only the second run throws");
        SimResult<String> r = Simulation.builder().strategy(Strategy.fifo()).checkDeterminism(true).run(() -> {
            if (runs.getAndIncrement() % 2 == 1) {
                throw late;
            }
            return "passed";
        });
        assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageStartingWith("nondeterminism detected at the end of the run (step 1): the first run passed, "
                        + "this one failed with java.lang.IllegalStateException");
        assertThat(r.failure().getSuppressed()).containsExactly(late);
    }
}
