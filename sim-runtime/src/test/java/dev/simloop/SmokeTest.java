package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.sync.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void sleepAnHourInVirtualTime() {
        long t0 = System.nanoTime();
        SimResult<Long> r = Simulation.run(1, () -> {
            Loop.sleep(Duration.ofHours(1));
            return Loop.nanoTime();
        });
        assertThat(r.value()).isEqualTo(Duration.ofHours(1).toNanos());
        assertThat(System.nanoTime() - t0).isLessThan(Duration.ofSeconds(5).toNanos());
    }

    @Test
    void raceAndReplay() {
        ThrowingSupplier<Integer> race = () -> {
            int[] counter = {0};
            TaskGroup.with(tg -> {
                for (int i = 0; i < 2; i++) {
                    tg.spawn("w" + i, () -> {
                        int v = counter[0];
                        Loop.checkpoint();
                        counter[0] = v + 1;
                    });
                }
                return null;
            });
            if (counter[0] != 2) throw new AssertionError("lost update: " + counter[0]);
            return counter[0];
        };
        SimResult<Integer> failing = null;
        for (long seed = 0; seed < 100 && failing == null; seed++) {
            SimResult<Integer> r = Simulation.run(seed, race);
            if (r.failed()) failing = r;
        }
        assertThat(failing).isNotNull();
        SimResult<Integer> again = Simulation.builder().replay(failing.replayLine()).run(race);
        assertThat(again.failed()).isTrue();
        assertThat(again.traceDigest()).isEqualTo(failing.traceDigest());
        assertThat(again.failure()).hasMessage(failing.failure().getMessage());
        System.out.println(failing);
    }

    @Test
    void realLoop() {
        List<String> log = new ArrayList<>();
        int v = Loop.run(() -> {
            Event e = new Event();
            TaskGroup.with(tg -> {
                tg.spawn("a", () -> { e.await(); log.add("a"); });
                tg.spawn("b", () -> { Loop.sleep(Duration.ofMillis(10)); log.add("b"); e.set(); });
                return null;
            });
            return 7;
        });
        assertThat(v).isEqualTo(7);
        assertThat(log).containsExactly("b", "a");
    }

    @Test
    void deadlock() {
        SimResult<Object> r = Simulation.run(3, () -> {
            new Event().await();
            return null;
        });
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class).hasMessageContaining("task 'main' waits for Event");
    }

    @Test
    void threadSleepDetected() {
        SimResult<Object> r = Simulation.run(3, () -> {
            Thread.sleep(5);
            return null;
        });
        assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class).hasMessageContaining("task 'main'");
        System.out.println(r.failure().getMessage());
    }
}
