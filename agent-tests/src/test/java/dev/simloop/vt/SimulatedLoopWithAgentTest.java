package dev.simloop.vt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.TaskGroup;
import dev.simloop.junit.SimulatedLoop;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The agent under {@code @SimulatedLoop}: JDK time-outs in a test explored over many schedules. */
class SimulatedLoopWithAgentTest {
    @Test
    @SimulatedLoop(schedules = 50)
    void aConsumerWithATimeOutGetsWhatAProducerSendsInTime() throws InterruptedException {
        LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
        long start = System.nanoTime();
        String got = TaskGroup.with(tg -> {
            tg.spawn("producer", () -> {
                Thread.sleep(Duration.ofMillis(300));
                queue.put("reply");
            });
            return queue.poll(2, TimeUnit.SECONDS);
        });
        assertThat(got).isEqualTo("reply");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isEqualTo(Duration.ofMillis(300));
    }
}
