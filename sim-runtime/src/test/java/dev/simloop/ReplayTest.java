package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.sync.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Issue 2, section 2: a replay line reproduces the identical run. */
class ReplayTest {

    /** A racy program: lost updates, timers at equal instants, random draws, an event, a timeout. */
    private static ThrowingSupplier<String> racy(List<String> trace) {
        return () -> {
            int[] counter = {0};
            Event go = new Event();
            TaskGroup.with(tg -> {
                for (int i = 0; i < 4; i++) {
                    int id = i;
                    tg.spawn("w" + i, () -> {
                        if (id % 2 == 0) {
                            go.await();
                        }
                        for (int k = 0; k < 3; k++) {
                            boolean racyStep = k == 0 && id < 2; // only w0 and w1 race, once
                            int v = counter[0];
                            if (!racyStep) {
                                counter[0] = ++v;
                            }
                            if (Loop.random().nextInt(3) == 0) {
                                Loop.sleep(Duration.ofMillis(10));
                            } else {
                                Loop.checkpoint();
                            }
                            if (racyStep) {
                                counter[0] = v + 1;
                            }
                            trace.add("w" + id + ":" + counter[0] + "@" + Loop.nanoTime());
                        }
                    });
                }
                tg.spawn("timer", () -> {
                    CancelScope.moveOnAfter(Duration.ofMillis(10), () -> {
                        Loop.sleep(Duration.ofMillis(10));
                        trace.add("timer slept");
                        return null;
                    });
                    go.set();
                });
                return null;
            });
            if (counter[0] != 12) {
                throw new IllegalStateException("lost update: counter is " + counter[0]);
            }
            return "ok@" + Loop.nanoTime();
        };
    }

    @Test
    void replayReproducesDigestFailureAndVirtualTimeOver200Seeds() {
        int failures = 0;
        Set<String> digests = new HashSet<>();
        for (long seed = 0; seed < 200; seed++) {
            List<String> trace1 = new ArrayList<>();
            SimResult<String> first = Simulation.run(seed, racy(trace1));
            List<String> trace2 = new ArrayList<>();
            SimResult<String> again = Simulation.builder().replay(first.replayLine()).run(racy(trace2));
            assertThat(again.traceDigest()).as("seed %d", seed).isEqualTo(first.traceDigest());
            assertThat(again.virtualTime()).as("seed %d", seed).isEqualTo(first.virtualTime());
            assertThat(again.steps()).as("seed %d", seed).isEqualTo(first.steps());
            assertThat(again.replayLine()).as("seed %d", seed).isEqualTo(first.replayLine());
            assertThat(again.seed()).isEqualTo(seed);
            assertThat(trace2).as("seed %d", seed).isEqualTo(trace1);
            assertThat(again.failed()).isEqualTo(first.failed());
            if (first.failed()) {
                failures++;
                assertThat(again.failure()).hasSameClassAs(first.failure()).hasMessage(first.failure().getMessage());
            } else {
                assertThat(again.value()).isEqualTo(first.value());
            }
            digests.add(first.traceDigest());
        }
        // the program is racy: some seeds lose updates, others do not, and the schedules differ
        assertThat(failures).isBetween(1, 199);
        assertThat(digests.size()).isGreaterThan(100);
    }

    @Test
    void aThousandRunsUnderEveryStrategyRoundTripThroughTheirLines() {
        // Issue 4: parse(print) is the original schedule, and replaying it gives the same run.
        Strategy[] strategies = {Strategy.random(), Strategy.pct(2), Strategy.pct(3, 60), Strategy.pos(), Strategy.fifo()};
        Set<String> digests = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            Strategy strategy = strategies[i % strategies.length];
            long seed = i * 0x9E3779B97F4A7C15L; // spread over the whole long range, negatives included
            SimResult<String> first = Simulation.builder().seed(seed).strategy(strategy).run(racy(new ArrayList<>()));
            String line = first.replayLine();
            Schedule parsed = Schedule.parse(line);
            assertThat(parsed.toString()).as("run %d", i).isEqualTo(line);
            assertThat(Schedule.parse(parsed.toString())).isEqualTo(parsed);
            assertThat(parsed.strategy()).isEqualTo(strategy.toString());
            assertThat(parsed.seed()).isEqualTo(seed);
            assertThat(parsed.steps()).isEqualTo(first.steps());
            SimResult<String> again = Simulation.builder().replay(line).run(racy(new ArrayList<>()));
            assertThat(again.traceDigest()).as("run %d: %s", i, line).isEqualTo(first.traceDigest());
            assertThat(again.steps()).isEqualTo(first.steps());
            assertThat(again.virtualTime()).isEqualTo(first.virtualTime());
            assertThat(again.replayLine()).isEqualTo(line);
            assertThat(again.failed()).isEqualTo(first.failed());
            digests.add(first.traceDigest());
        }
        assertThat(digests.size()).isGreaterThan(500);
    }

    @Test
    void sameSeedSameRun() {
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        SimResult<String> r1 = Simulation.run(77, racy(a));
        SimResult<String> r2 = Simulation.run(77, racy(b));
        assertThat(r2.traceDigest()).isEqualTo(r1.traceDigest());
        assertThat(r2.replayLine()).isEqualTo(r1.replayLine());
        assertThat(b).isEqualTo(a);
    }

    @Test
    void aFailedRunsValueThrowsSimulationFailureWithSeedAndReplayLine() {
        SimResult<String> failing = null;
        for (long seed = 0; failing == null && seed < 200; seed++) {
            SimResult<String> r = Simulation.run(seed, racy(new ArrayList<>()));
            if (r.failed()) {
                failing = r;
            }
        }
        assertThat(failing).isNotNull();
        SimResult<String> f = failing;
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(f::value);
        assertThat(t).isInstanceOf(SimulationFailure.class).isInstanceOf(AssertionError.class)
                .hasMessageContaining("seed:         " + f.seed()).hasMessageContaining(f.replayLine())
                .hasCause(f.failure());
    }

    @Test
    void replayOfAChangedProgramIsDetected() {
        SimResult<String> r = Simulation.run(5, racy(new ArrayList<>()));
        // a different program: fewer tasks, so the recorded choices no longer fit
        SimResult<Object> other = Simulation.builder().replay(r.replayLine()).run(() -> TaskGroup.with(tg -> {
            for (int i = 0; i < 2; i++) {
                tg.spawn(() -> {
                    for (int k = 0; k < 50; k++) {
                        Loop.checkpoint();
                    }
                });
            }
            return null;
        }));
        assertThat(other.failure()).isInstanceOf(NondeterminismDetected.class).hasMessageContaining("replay diverged");
    }

    @Test
    void scheduleFollowsChoicesLenientlyThenTheStrategy() {
        // Schedule.of(...) steers the first choices; with three ready tasks, choice 2 picks the third.
        SimResult<List<String>> r = Simulation.builder().strategy(Strategy.fifo()).followChoices(Schedule.of(2, 4))
                .run(() -> {
                    List<String> log = new ArrayList<>();
                    TaskGroup.with(tg -> {
                        for (String n : List.of("a", "b", "c")) {
                            tg.spawn(n, () -> log.add(n));
                        }
                        Loop.sleep(Duration.ofSeconds(1));
                        return null;
                    });
                    return log;
                });
        // ready [a, b, c]: choice 2 -> c; ready [a, b]: 4 % 2 = 0 -> a; then fifo -> b
        assertThat(r.value()).containsExactly("c", "a", "b");
    }

    @Test
    void realModeCheckpointLetsEveryOtherReadyTaskRunFirst() {
        List<String> log = Loop.run(() -> {
            List<String> l = new ArrayList<>();
            TaskGroup.with(tg -> {
                for (String n : List.of("a", "b", "c")) {
                    tg.spawn(n, () -> {
                        l.add(n + "1");
                        Loop.checkpoint();
                        l.add(n + "2");
                    });
                }
                return null;
            });
            return l;
        });
        assertThat(log).containsExactly("a1", "b1", "c1", "a2", "b2", "c2");
    }

    @Test
    void fifoStrategyIsProductionOrder() {
        SimResult<List<String>> r = Simulation.builder().strategy(Strategy.fifo()).run(() -> {
            List<String> log = new ArrayList<>();
            TaskGroup.with(tg -> {
                for (String n : List.of("a", "b", "c")) {
                    tg.spawn(n, () -> {
                        log.add(n + "1");
                        Loop.checkpoint();
                        log.add(n + "2");
                    });
                }
                return null;
            });
            return log;
        });
        assertThat(r.value()).containsExactly("a1", "b1", "c1", "a2", "b2", "c2");
        assertThat(Schedule.parse(r.replayLine()).strategy()).isEqualTo("fifo");
    }

    @Test
    void aSeedOrStrategySetAfterAReplayLineIsRefusedNotRunAsIfItWereTheReplay() {
        String line = Simulation.builder().seed(7).strategy(Strategy.random()).run(() -> 1).replayLine();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Simulation.builder().replay(line).seed(99))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Simulation.Builder.seed(99): this builder replays a line, which sets the seed and the"
                        + " strategy itself (seed 7, strategy random); drop the seed call, or use a new builder to run"
                        + " another run");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Simulation.builder().replay(line).strategy(Strategy.fifo()))
                .hasMessageStartingWith("Simulation.Builder.strategy(fifo): this builder replays a line");
        assertThat(Simulation.builder().seed(99).replay(line).run(() -> 1).replayLine())
                .as("a replay set last wins, as it says which run to run").isEqualTo(line);
    }

    /**
     * Choices given after a replay line would run another run than the line's: refused, as a seed is.
     * A priority policy given after it overrides the line's, as documented. A lenient replay without a
     * line is no replay.
     */
    @Test
    void choicesGivenAfterAReplayLineAreRefusedAndLenientReplayNeedsALine() {
        String line = Simulation.builder().seed(7).run(() -> 1).replayLine();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Simulation.builder().replay(line)
                .followChoices(Schedule.of(1, 1))).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Simulation.Builder.followChoices(").hasMessageContaining(": this builder replays"
                        + " a line, which sets the seed and the strategy itself");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Simulation.builder().lenientReplay(true).run(() -> 1))
                .isInstanceOf(IllegalStateException.class).hasMessage("Simulation.Builder.lenientReplay(true) applies to"
                        + " a replay, and this builder replays no line: give it the line with replay(line), or drop"
                        + " lenientReplay(true)");
        assertThat(Simulation.builder().replay(line).priorityPolicy(PriorityPolicy.boostAfter(5)).run(() -> 1)
                .replayLine()).contains("+priority(5)");
    }
}
