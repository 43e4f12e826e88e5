package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code Loop.checkpoint()} checks for a cancel after its schedule point too, as trio's checkpoint
 * does: a cancel that comes while the task waits there to run again lands at that checkpoint.
 * Before, it waited for the task's next checkpoint, and a task that reached none ended normally,
 * its cancel dropped. And a {@code Cancelled}'s message names the task that cancelled.
 */
class CheckpointAfterYieldTest {

    /** The worker yields at a checkpoint; main, running meanwhile, cancels it. */
    private static String cancelWhileYielded() {
        List<String> log = new ArrayList<>();
        Task<String> worker = TaskGroup.with(tg -> {
            Task<String> w = tg.spawn("worker", () -> {
                try {
                    Loop.checkpoint();
                } catch (Cancelled c) {
                    log.add(c.getMessage());
                    throw c;
                }
                log.add("went on past the checkpoint");
                return "returned";
            });
            Loop.checkpoint(); // the worker runs up to its checkpoint and yields there
            w.cancel();
            return w;
        });
        try {
            return log + " joined: " + worker.join();
        } catch (TaskCancelledException e) {
            return log + " " + e.getMessage();
        }
    }

    @Test
    void aCancelThatComesWhileATaskIsYieldedAtACheckpointIsRaisedThere() {
        String expected = "[cancelled: cancelled explicitly (task 'worker', by task 'main')] task 'worker' was cancelled";
        SimResult<String> simulated = Simulation.builder().strategy(Strategy.fifo()).run(CheckpointAfterYieldTest::cancelWhileYielded);
        assertThat(simulated.value()).isEqualTo(expected);
        assertThat(Loop.run(CheckpointAfterYieldTest::cancelWhileYielded)).isEqualTo(expected);
    }

    /** A scope its owner cancelled names no canceller; one another task cancelled names it. */
    @Test
    void aCancelledMessageNamesTheCancellerWhenItIsAnotherTask() {
        SimResult<String> own = Simulation.run(1, () -> CancelScope.run(s -> {
            s.cancel();
            try {
                Loop.checkpoint();
                return "not raised";
            } catch (Cancelled c) {
                return c.getMessage();
            }
        }));
        assertThat(own.value()).isEqualTo("cancelled: cancelled explicitly (cancel scope opened by task 'main')");
        SimResult<String> other = Simulation.run(1, () -> TaskGroup.with(tg -> {
            Task<String> t = tg.spawn("sleeper", () -> {
                try {
                    Loop.sleep(java.time.Duration.ofSeconds(1));
                    return "slept";
                } catch (Cancelled c) {
                    return c.getMessage();
                }
            });
            Loop.checkpoint();
            t.cancel();
            return t.join();
        }));
        assertThat(other.value()).isEqualTo("cancelled: cancelled explicitly (task 'sleeper', by task 'main')");
        java.util.List<String> log = new java.util.ArrayList<>();
        Simulation.run(1, () -> TaskGroup.with(tg -> {
            tg.spawn(TaskOptions.named("background").awaited(false), () -> {
                try {
                    Loop.sleep(java.time.Duration.ofDays(1));
                } catch (Cancelled c) {
                    log.add(c.getMessage());
                    throw c;
                }
            });
            Loop.checkpoint();
            return null;
        })).value();
        assertThat(log).as("cancelled by the group's end, which main did not ask for")
                .containsExactly("cancelled: cancelled explicitly (task 'background')");
    }
}
