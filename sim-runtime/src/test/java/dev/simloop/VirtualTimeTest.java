package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Issue 2, section 2: the virtual clock, asserted exactly. */
class VirtualTimeTest {

    @Test
    void virtualTimeStartsAtZeroAndAdvancesExactlyBySleeps() {
        SimResult<List<Long>> r = Simulation.run(7, () -> {
            List<Long> times = new ArrayList<>();
            times.add(Loop.nanoTime());
            Loop.sleep(Duration.ofMillis(1500));
            times.add(Loop.nanoTime());
            Loop.sleep(Duration.ofNanos(1));
            times.add(Loop.nanoTime());
            Loop.sleep(Duration.ZERO);
            Loop.checkpoint();
            times.add(Loop.nanoTime());
            Loop.sleepUntil(5_000_000_000L);
            times.add(Loop.nanoTime());
            Loop.sleepUntil(1_000L); // in the past: just a checkpoint
            times.add(Loop.nanoTime());
            return times;
        });
        assertThat(r.value()).containsExactly(0L, 1_500_000_000L, 1_500_000_001L, 1_500_000_001L, 5_000_000_000L,
                5_000_000_000L);
        assertThat(r.virtualTime()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void concurrentSleepersWakeAtTheirOwnDeadlinesInTimeOrder() {
        for (long seed = 0; seed < 20; seed++) {
            SimResult<List<String>> r = Simulation.run(seed, () -> {
                List<String> log = new ArrayList<>();
                TaskGroup.with(tg -> {
                    for (int ms : new int[] {300, 100, 200, 100}) {
                        tg.spawn("s" + ms, () -> {
                            Loop.sleep(Duration.ofMillis(ms));
                            log.add(ms + "@" + Loop.nanoTime() / 1_000_000);
                        });
                    }
                    return null;
                });
                log.add("end@" + Loop.nanoTime() / 1_000_000);
                return log;
            });
            assertThat(r.value()).containsExactly("100@100", "100@100", "200@200", "300@300", "end@300");
            assertThat(r.virtualTime()).isEqualTo(Duration.ofMillis(300));
        }
    }

    @Test
    void anHourOfSleepTakesWellUnderASecondOfWallTime() {
        Simulation.run(0, () -> {
            Loop.sleep(Duration.ofHours(1));
            return null;
        }); // warm-up
        long t0 = System.nanoTime();
        SimResult<Long> r = Simulation.run(1, () -> {
            TaskGroup.with(tg -> {
                for (int i = 0; i < 10; i++) {
                    tg.spawn(() -> {
                        for (int k = 0; k < 60; k++) {
                            Loop.sleep(Duration.ofMinutes(1));
                        }
                    });
                }
                return null;
            });
            return Loop.nanoTime();
        });
        long wall = System.nanoTime() - t0;
        assertThat(r.value()).isEqualTo(Duration.ofHours(1).toNanos());
        assertThat(r.virtualTime()).isEqualTo(Duration.ofHours(1));
        assertThat(Duration.ofNanos(wall)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void loopClockFollowsVirtualTimeFromAFixedEpoch() {
        SimResult<List<Instant>> r = Simulation.run(2, () -> {
            List<Instant> l = new ArrayList<>();
            l.add(Loop.clock().instant());
            Loop.sleep(Duration.ofMinutes(90));
            l.add(Loop.clock().instant());
            return l;
        });
        Instant epoch = Instant.parse("2025-01-01T00:00:00Z");
        assertThat(r.value()).containsExactly(epoch, epoch.plus(Duration.ofMinutes(90)));
    }

    @Test
    void timeDoesNotPassWhileTasksAreReady() {
        SimResult<Long> r = Simulation.run(2, () -> {
            TaskGroup.with(tg -> {
                tg.spawn("spinner", () -> {
                    for (int i = 0; i < 1000; i++) {
                        Loop.checkpoint();
                    }
                });
                return null;
            });
            return Loop.nanoTime();
        });
        assertThat(r.value()).isZero();
    }

    @Test
    void timeoutsFireAtExactVirtualInstants() {
        SimResult<String> r = Simulation.run(2, () -> {
            Loop.sleep(Duration.ofMillis(250));
            Optional<String> o = CancelScope.moveOnAfter(Duration.ofMillis(750), () -> {
                Loop.sleep(Duration.ofDays(3));
                return "x";
            });
            return o.isPresent() + "@" + Loop.nanoTime();
        });
        assertThat(r.value()).isEqualTo("false@1000000000");
    }

    @Test
    void exitedScopesAndCancelledSleepsLeaveNoTimerBehind() {
        // a leftover timer would make the loop jump the clock to it before ending
        SimResult<String> r = Simulation.run(2, () -> {
            Optional<String> quick = CancelScope.moveOnAfter(Duration.ofHours(1), () -> "quick");
            String failAfter = CancelScope.failAfter(Duration.ofDays(1), () -> "also quick");
            TaskGroup.with(tg -> {
                tg.spawn("sleeper", () -> Loop.sleep(Duration.ofDays(2)));
                Loop.sleep(Duration.ofSeconds(1));
                tg.cancel();
                return null;
            });
            return quick.orElseThrow() + ", " + failAfter;
        });
        assertThat(r.value()).isEqualTo("quick, also quick");
        assertThat(r.virtualTime()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void hugeDurationsSaturateInsteadOfOverflowing() {
        SimResult<String> r = Simulation.run(2, () -> {
            Loop.sleep(Duration.ofSeconds(5));
            Optional<String> o = CancelScope.moveOnAfter(Duration.ofSeconds(1), () -> {
                Loop.sleep(Duration.ofSeconds(Long.MAX_VALUE));
                return "x";
            });
            Optional<String> o2 = CancelScope.moveOnAfter(Duration.ofSeconds(Long.MAX_VALUE), () -> {
                Loop.sleep(Duration.ofSeconds(1));
                return "in time";
            });
            return o.isPresent() + " " + o2.orElseThrow() + " at " + Loop.nanoTime();
        });
        assertThat(r.value()).isEqualTo("false in time at 7000000000");
    }

    @Test
    void realModeClockIsTheWallClock() {
        long[] elapsed = new long[2];
        long wall0 = System.nanoTime();
        Loop.run(() -> {
            long t0 = Loop.nanoTime();
            Loop.sleep(Duration.ofMillis(30));
            elapsed[0] = Loop.nanoTime() - t0;
            elapsed[1] = Loop.isSimulated() ? 1 : 0;
            return null;
        });
        long wall = System.nanoTime() - wall0;
        assertThat(elapsed[0]).isGreaterThanOrEqualTo(Duration.ofMillis(29).toNanos()).isLessThanOrEqualTo(wall);
        assertThat(elapsed[1]).isZero();
    }
}
