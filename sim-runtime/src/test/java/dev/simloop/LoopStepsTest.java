package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.sync.Lock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Steps, choices and the trace digest: a zero sleep is still a checkpoint, a lone task makes no
 * choices, the step limit stops a task that spins alone on uncontended calls, and the digest tells
 * apart runs that differ only in who ran or how far the clock moved.
 */
class LoopStepsTest {
    private static SimResult<List<String>> fifo(ThrowingSupplier<List<String>> main) {
        return Simulation.builder().strategy(Strategy.fifo()).run(main);
    }

    @Test
    void aZeroOrPastSleepLetsTheOtherReadyTasksRunFirst() {
        {
            List<String> log = fifo(() -> {
                List<String> l = new ArrayList<>();
                TaskGroup.with(tg -> {
                    tg.spawn("a", () -> {
                        l.add("a before");
                        Loop.sleep(Duration.ZERO);
                        l.add("a after at " + Loop.nanoTime());
                    });
                    tg.spawn("b", () -> {
                        l.add("b");
                    });
                    return null;
                });
                return l;
            }).value();
            assertThat(log).containsExactly("a before", "b", "a after at 0");
        }
        List<String> past = fifo(() -> {
            List<String> l = new ArrayList<>();
            Loop.sleep(Duration.ofSeconds(2));
            TaskGroup.with(tg -> {
                tg.spawn("a", () -> {
                    l.add("a before");
                    Loop.sleepUntil(Duration.ofSeconds(1).toNanos());
                    l.add("a after at " + Loop.nanoTime());
                });
                tg.spawn("b", () -> {
                    l.add("b");
                });
                return null;
            });
            return l;
        }).value();
        assertThat(past).containsExactly("a before", "b", "a after at 2000000000");
    }

    @Test
    void aLoneTaskMakesNoChoices() {
        SimResult<List<String>> r = Simulation.run(5, () -> {
            for (int i = 0; i < 20; i++) {
                Loop.checkpoint();
            }
            return List.of();
        });
        assertThat(Schedule.parse(r.replayLine()).size()).isZero();
        assertThat(Simulation.choices(r)).isEmpty();
    }

    @Test
    void theStepLimitStopsATaskSpinningAloneOnAnUncontendedLock() {
        SimResult<Object> r = Simulation.builder().strategy(Strategy.fifo()).maxSteps(1000).run(() -> {
            Lock lock = new Lock();
            while (true) {
                lock.acquire();
                lock.release();
            }
        });
        assertThat(r.failure()).isInstanceOf(LimitExceeded.class)
                .hasMessageStartingWith("simulation stopped after 1000 steps (maxSteps = 1000) at virtual time 0s");
    }

    /** Two tasks with one checkpoint each: FIFO runs a first, the choice 1 runs b first; the outcome is the same. */
    private static List<String> symmetric() {
        TaskGroup.with(tg -> {
            tg.spawn("a", () -> Loop.checkpoint());
            tg.spawn("b", () -> Loop.checkpoint());
            return null;
        });
        return List.of("done");
    }

    @Test
    void theDigestTellsApartRunsThatDifferOnlyInWhoRanFirst() {
        SimResult<List<String>> aFirst = Simulation.builder().strategy(Strategy.fifo()).run(LoopStepsTest::symmetric);
        SimResult<List<String>> bFirst = Simulation.builder().strategy(Strategy.fifo()).followChoices(Schedule.of(1))
                .run(LoopStepsTest::symmetric);
        assertThat(bFirst.value()).isEqualTo(aFirst.value());
        assertThat(bFirst.steps()).isEqualTo(aFirst.steps());
        assertThat(bFirst.traceDigest()).isNotEqualTo(aFirst.traceDigest());
    }

    @Test
    void theDigestTellsApartRunsThatDifferOnlyInHowFarTheClockMoved() {
        SimResult<String> one = Simulation.builder().strategy(Strategy.fifo()).run(() -> {
            Loop.sleep(Duration.ofSeconds(1));
            return "slept";
        });
        SimResult<String> two = Simulation.builder().strategy(Strategy.fifo()).run(() -> {
            Loop.sleep(Duration.ofSeconds(2));
            return "slept";
        });
        assertThat(two.steps()).isEqualTo(one.steps());
        assertThat(two.traceDigest()).isNotEqualTo(one.traceDigest());
        assertThat(Simulation.builder().strategy(Strategy.fifo()).run(() -> {
            Loop.sleep(Duration.ofSeconds(1));
            return "slept";
        }).traceDigest()).isEqualTo(one.traceDigest());
    }

    @Test
    void theDigestTellsApartRunsThatDifferOnlyInHowTheyEnded() {
        SimResult<String> passed = Simulation.builder().strategy(Strategy.fifo()).run(() -> "fine");
        SimResult<String> failed = Simulation.builder().strategy(Strategy.fifo()).run(() -> {
            throw new IllegalStateException("not fine");
        });
        SimResult<String> otherFailure = Simulation.builder().strategy(Strategy.fifo()).run(() -> {
            throw new UnsupportedOperationException("not fine either");
        });
        assertThat(failed.steps()).isEqualTo(passed.steps());
        assertThat(failed.traceDigest()).isNotEqualTo(passed.traceDigest()).isNotEqualTo(otherFailure.traceDigest());
    }
}
