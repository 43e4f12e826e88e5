package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Issue 17, item 3: aiotools' create_timer and TimerDelayPolicy (seed 001, "Async Timer"). */
class PeriodicTimerTest {
    private static final Duration SECOND = Duration.ofSeconds(1);

    @Test
    @DisplayName("seed 001 create_timer: ticks start at fixed rate t0 + k·interval, the first at once")
    void fixedRateInVirtualTime() {
        List<String> log = Modes.log();
        SimResult<Void> r = Simulation.run(3, () -> TaskGroup.with(tg -> {
            Loop.sleep(Duration.ofMillis(250)); // t0 = 0.25s
            Task<Void> timer = tg.spawnTimer("tick", SECOND, Timer.DelayPolicy.ACCUMULATE,
                    () -> log.add(Loop.currentTask().name() + " at " + Loop.nanoTime()));
            Loop.sleep(Duration.ofMillis(3500));
            timer.cancel();
            return null;
        }));
        assertThat(r.failed()).as("%s", r.failure()).isFalse();
        assertThat(log).containsExactly("tick#0 at 250000000", "tick#1 at 1250000000", "tick#2 at 2250000000",
                "tick#3 at 3250000000");
    }

    @Test
    @DisplayName("seed 001 TimerDelayPolicy.DEFAULT: slow ticks overlap and are all cancelled with the timer, which waits for them")
    void accumulate() {
        List<String> log = Modes.log();
        SimResult<Void> r = Simulation.run(3, () -> TaskGroup.with(tg -> {
            Task<Void> timer = tg.spawnTimer("slow", SECOND, Timer.DelayPolicy.ACCUMULATE, () -> {
                String me = Loop.currentTask().name();
                try {
                    Loop.sleep(Duration.ofMillis(2500));
                    log.add(me + " done at " + Loop.nanoTime());
                } catch (Cancelled c) {
                    log.add(me + " cancelled at " + Loop.nanoTime());
                    throw c;
                }
            });
            Loop.sleep(Duration.ofMillis(3400));
            timer.cancel();
            assertThatThrownBy(timer::join).isInstanceOf(TaskCancelledException.class);
            log.add("timer joined at " + Loop.nanoTime());
            return null;
        }));
        assertThat(r.failed()).as("%s", r.failure()).isFalse();
        assertThat(log).hasSize(5).startsWith("slow#0 done at 2500000000").endsWith("timer joined at 3400000000");
        assertThat(log.subList(1, 4)).as("ticks 1-3 overlap, and the timer's cancel reaches all (in the seed's order)")
                .containsExactlyInAnyOrder("slow#1 cancelled at 3400000000", "slow#2 cancelled at 3400000000",
                        "slow#3 cancelled at 3400000000");
    }

    @Test
    @DisplayName("seed 001 TimerDelayPolicy.CANCEL: the previous tick is cancelled when the next one starts")
    void cancelPolicy() {
        List<String> log = Modes.log();
        SimResult<Void> r = Simulation.run(3, () -> TaskGroup.with(tg -> {
            Task<Void> timer = tg.spawnTimer("slow", SECOND, Timer.DelayPolicy.CANCEL, () -> {
                String me = Loop.currentTask().name();
                try {
                    Loop.sleep(Duration.ofDays(1));
                } catch (Cancelled c) {
                    log.add(me + " cancelled at " + Loop.nanoTime());
                    throw c;
                }
            });
            Loop.sleep(Duration.ofMillis(2500));
            timer.cancel();
            return null;
        }));
        assertThat(r.failed()).as("%s", r.failure()).isFalse();
        assertThat(log).containsExactly("slow#0 cancelled at 1000000000", "slow#1 cancelled at 2000000000",
                "slow#2 cancelled at 2500000000");
    }

    @Test
    @DisplayName("seed 001 create_timer: a tick's failure stops the timer and fails its group (nothing lost)")
    void aFailingTickFailsTheGroup() {
        SimResult<Void> r = Simulation.run(3, () -> TaskGroup.with(tg -> {
            int[] n = {0};
            tg.spawnTimer("t", SECOND, Timer.DelayPolicy.ACCUMULATE, () -> {
                if (++n[0] == 3) {
                    throw new IllegalStateException("third tick failed at " + Loop.nanoTime());
                }
            });
            Loop.sleep(Duration.ofDays(1));
            return null;
        }));
        assertThat(r.failure()).isInstanceOf(IllegalStateException.class).hasMessage("third tick failed at 2000000000");
    }

    @Test
    @DisplayName("seed 001 create_timer: runs in real mode too, in order")
    void realMode() {
        List<String> log = Modes.log();
        Loop.run(() -> TaskGroup.with(tg -> {
            Task<Void> timer = tg.spawnTimer("r", Duration.ofMillis(20), Timer.DelayPolicy.ACCUMULATE,
                    () -> log.add(Loop.currentTask().name()));
            while (log.size() < 3) {
                Loop.sleep(Duration.ofMillis(5));
            }
            timer.cancel();
            return null;
        }));
        assertThat(log).startsWith("r#0", "r#1", "r#2");
    }

    @Test
    @DisplayName("seed 001 create_timer: the interval must be positive")
    void badInterval() {
        SimResult<Void> r = Simulation.run(1, () -> TaskGroup.with(tg -> tg.spawnTimer("x", Duration.ZERO,
                Timer.DelayPolicy.CANCEL, () -> { })).join());
        assertThat(r.failure()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TaskGroup.spawnTimer: the interval must be positive, but was PT0S");
    }
}
