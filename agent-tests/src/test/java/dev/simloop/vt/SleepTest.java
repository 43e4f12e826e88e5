package dev.simloop.vt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.SimResult;
import dev.simloop.Simulation;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SleepTest {
    @Test
    void threadSleepOfAnHourAdvancesTheVirtualClockByAnHour() {
        SimResult<Long> r = Simulation.run(1, () -> {
            long start = System.nanoTime();
            Thread.sleep(Duration.ofHours(1));
            return System.nanoTime() - start;
        });
        assertThat(r.failure()).isNull();
        assertThat(r.value()).isEqualTo(Duration.ofHours(1).toNanos());
        assertThat(r.virtualTime()).isEqualTo(Duration.ofHours(1));
    }
}
