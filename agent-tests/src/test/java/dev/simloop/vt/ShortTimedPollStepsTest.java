package dev.simloop.vt;

import static dev.simloop.vt.Sim.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Schedule;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A timed poll of {@code SynchronousQueue} or {@code LinkedTransferQueue} with less than a microsecond
 * to wait ({@code LinkedTransferQueue}'s {@code SPIN_FOR_TIMEOUT_THRESHOLD}) parks for what is left, one
 * timer of the loop, as {@code LinkedBlockingQueue}'s does. Before, it spun through it one virtual
 * nanosecond, one step, at a time: a thousand steps per {@code poll(1, MICROSECONDS)}, so that a loop
 * of such polls ran out of {@code maxSteps} where the same loop on a {@code LinkedBlockingQueue} took a
 * step per poll.
 */
class ShortTimedPollStepsTest {
    @Test
    void aSubMicrosecondTimedPollTakesOneStepOnEveryQueue() {
        List<Supplier<BlockingQueue<String>>> queues = List.of(LinkedBlockingQueue::new, SynchronousQueue::new,
                LinkedTransferQueue::new);
        for (Supplier<BlockingQueue<String>> q : queues) {
            BlockingQueue<String> queue = q.get();
            SimResult<String> r = Simulation.builder().seed(1).maxSteps(5_000).run(() -> {
                for (int i = 0; i < 1_000; i++) {
                    if (queue.poll(1, TimeUnit.MICROSECONDS) != null) {
                        return "an item";
                    }
                }
                return at(queue.poll(500, TimeUnit.NANOSECONDS));
            });
            assertThat(r.failure()).as(queue.getClass().getSimpleName()).isNull();
            assertThat(r.value()).isEqualTo("null@PT0.0010005S");
            assertThat(Schedule.parse(r.replayLine()).steps()).as(queue.getClass().getSimpleName()).isEqualTo(1_002);
        }
    }
}
