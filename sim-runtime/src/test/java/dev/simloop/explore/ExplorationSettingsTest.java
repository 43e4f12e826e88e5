package dev.simloop.explore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simloop.BoundedSearch;
import dev.simloop.Exploration;
import dev.simloop.LimitExceeded;
import dev.simloop.Loop;
import dev.simloop.PriorityPolicy;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.TaskGroup;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The edges of an exploration's settings: the smallest accepted values (no preemptions, one schedule,
 * one step, no virtual time), that the limits reach every schedule, and that a bound of zero still
 * searches (the FIFO schedule only) rather than samples.
 */
class ExplorationSettingsTest {
    /** Two tasks with a checkpoint each: one choice point with two candidates. */
    private static String twoTasks() {
        StringBuilder order = new StringBuilder();
        TaskGroup.with(tg -> {
            tg.spawn("a", () -> {
                order.append('a');
                Loop.checkpoint();
            });
            tg.spawn("b", () -> {
                order.append('b');
                Loop.checkpoint();
            });
            return null;
        });
        return order.toString();
    }

    @Test
    void aBoundOfZeroSearchesTheFifoScheduleOnly() {
        Exploration.Report<String> r = Exploration.of(ExplorationSettingsTest::twoTasks).exhaustive(0).run();
        assertThat(r.exhausted()).isTrue();
        assertThat(r.schedulesRun()).isEqualTo(1);
        assertThat(r.toString()).startsWith("exhaustive(0): 1 schedule (1 distinct), all within the bound, 0 failing");
        BoundedSearch search = BoundedSearch.upTo(0);
        assertThat(search.bound()).isZero();
        assertThat(search.hasNext()).isTrue();
        assertThat(search.exhausted()).isFalse();
        SimResult<String> only = search.next(0).run(ExplorationSettingsTest::twoTasks);
        search.ran(only);
        assertThat(only.value()).isEqualTo("ab");
        assertThat(search.hasNext()).isFalse();
        assertThat(search.exhausted()).isTrue();
        assertThat(search.schedulesRun()).isEqualTo(1);
    }

    @Test
    void aBoundOfOneReachesTheOtherOrder() {
        Exploration.Report<String> r = Exploration.of(ExplorationSettingsTest::twoTasks).exhaustive(1).run();
        assertThat(r.exhausted()).isTrue();
        assertThat(r.schedulesRun()).isGreaterThanOrEqualTo(2);
        assertThat(r.distinctDigests()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void negativeBoundsAndZeroCountsAreRejected() {
        assertThatThrownBy(() -> Exploration.of(() -> null).exhaustive(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Exploration.exhaustive: maxDepartures must not be negative, but was -1");
        assertThatThrownBy(() -> BoundedSearch.upTo(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("BoundedSearch.upTo: maxDepartures must not be negative, but was -1");
        assertThatThrownBy(() -> Exploration.of(() -> null).schedules(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Exploration.schedules: must be at least 1, but was 0");
        assertThatThrownBy(() -> Exploration.of(() -> null).maxSteps(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Exploration.maxSteps: must be positive, but was 0");
        assertThatThrownBy(() -> Exploration.of(() -> null).maxVirtualTime(Duration.ofNanos(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Exploration.maxVirtualTime: must not be negative, but was PT-0.000000001S");
        assertThatThrownBy(() -> Exploration.of(() -> null).maxVirtualTime(Duration.ofDays(365L * 200)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Exploration.maxVirtualTime: at most 53375 days (about 146 years), but was PT1752000H");
        assertThatThrownBy(() -> dev.simloop.Simulation.builder().maxVirtualTime(Duration.ofDays(365L * 300)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the virtual clock counts nanoseconds in a long");
    }

    @Test
    void oneScheduleIsEnough() {
        Exploration.Report<String> r = Exploration.of(ExplorationSettingsTest::twoTasks).schedules(1).run();
        assertThat(r.schedulesRun()).isEqualTo(1);
        assertThat(r.stopReason()).isEqualTo(Exploration.StopReason.ALL_SCHEDULES_RUN);
    }

    @Test
    void theStepAndTimeLimitsApplyToEverySchedule() {
        Exploration.Report<String> steps = Exploration.of(ExplorationSettingsTest::twoTasks).schedules(3).maxSteps(1).run();
        assertThat(steps.firstFailure()).hasValueSatisfying(f -> assertThat(f.failure())
                .isInstanceOf(LimitExceeded.class).hasMessageContaining("(maxSteps = 1)"));
        Exploration.Report<String> time = Exploration.<String>of(() -> {
            Loop.sleep(Duration.ofSeconds(2));
            return "slept";
        }).schedules(2).maxVirtualTime(Duration.ofSeconds(1)).run();
        assertThat(time.firstFailure()).hasValueSatisfying(f -> assertThat(f.failure())
                .isInstanceOf(LimitExceeded.class).hasMessageContaining("past maxVirtualTime = 1s"));
        SimResult<Object> forever = Simulation.run(1, () -> {
            Loop.sleep(Duration.ofSeconds(Long.MAX_VALUE));
            return null;
        });
        assertThat(forever.failure()).as("a sleep that saturates is no timer that a time limit could reach")
                .isInstanceOf(LimitExceeded.class).hasMessageStartingWith("simulation stopped at virtual time 0s: every"
                        + " task waits, and the only timer left is at the end of time (a sleep or deadline that saturated"
                        + " to Long.MAX_VALUE nanoseconds), so nothing can happen any more, as in a deadlock.\nBlocked"
                        + " tasks:\n  task 'main' waits for a sleep until never");
        Exploration.Report<String> zero = Exploration.<String>of(() -> "no time needed").schedules(2)
                .maxVirtualTime(Duration.ZERO).run();
        assertThat(zero.failingSchedules()).isZero();
    }

    @Test
    void aPriorityPolicyReachesEverySchedule() {
        Exploration.Report<String> r = Exploration.<String>of(() -> {
            throw new IllegalStateException("always");
        }).schedules(3).priorityPolicy(PriorityPolicy.boostAfter(7)).run();
        assertThat(r.firstFailure()).hasValueSatisfying(f -> assertThat(f.replayLine()).contains(":random+priority(7):"));
    }

    private static int calls;

    /** Fails on its fourth call, and runs differently on odd calls: a program that depends on a static counter. */
    private static Integer dependsOnACounter() {
        int c = calls++;
        TaskGroup.with(tg -> {
            for (int i = 0; i < 2 + c % 2; i++) {
                tg.spawn(() -> Loop.checkpoint());
            }
            return null;
        });
        if (c == 3) {
            throw new AssertionError("the bug, on call " + c);
        }
        return c;
    }

    @Test
    void aFailureWhoseReplayRunsDifferentlyIsReportedAsNondeterminismWithTheFailureItRanInto() {
        calls = 0;
        Exploration.Report<Integer> r = Exploration.of(ExplorationSettingsTest::dependsOnACounter)
                .strategy(dev.simloop.Strategy.random()).schedules(50).run();
        dev.simloop.SimResult<Integer> first = r.firstFailure().orElseThrow();
        Throwable f = first.failure();
        assertThat(f).isExactlyInstanceOf(dev.simloop.NondeterminismDetected.class)
                .hasMessage("the program is not deterministic: a schedule failed with java.lang.AssertionError: the"
                        + " bug, on call 3, but a replay of its line ran differently, so no line reproduces that"
                        + " failure. Something outside the simulation decides the run: state kept between runs, the"
                        + " real clock, randomness not from Loop.random(), the order of identity hash codes, real"
                        + " I/O, or a thread the simulation does not own (an async logger's queue, a cache's"
                        + " maintenance on the common pool) (exploring.md, \"Is the run deterministic?\")."
                        + " Suppressed here: the schedule's failure, and where the replay parted"
                        + " from the line.");
        assertThat(f.getSuppressed()).hasSize(2);
        assertThat(f.getSuppressed()[0]).isInstanceOf(AssertionError.class).hasMessage("the bug, on call 3");
        assertThat(f.getSuppressed()[1]).isInstanceOf(dev.simloop.NondeterminismDetected.class);
        // the line shown is the schedule's own (the one that failed), not the replay's cut where it parted
        assertThat(first.steps()).isGreaterThan(0);
        assertThat(r.shrunkFailure()).isEmpty();
        assertThatThrownBy(first::value).hasMessageContaining("\n  replay:       " + first.replayLine()
                + "\n  (the line of the run that failed; replayed, it ran differently, so it does not reproduce the"
                + " failure: see the failure's message)").hasMessageNotContaining("reproduces it");
        assertThat(r.toString()).contains("; first failure at schedule index " + r.firstFailureIndex() + "; replay "
                + first.replayLine() + "; failure: dev.simloop.NondeterminismDetected: the program is not"
                + " deterministic: ");
    }

    private static int runs;

    /** Fails on its third call only, with the same steps every time: its replays agree with each other, not with it. */
    private static Integer failsOnItsThirdCall() {
        int c = ++runs;
        TaskGroup.with(tg -> {
            for (int i = 0; i < 2; i++) {
                tg.spawn(() -> Loop.checkpoint());
            }
            return null;
        });
        if (c == 3) {
            throw new AssertionError("third call");
        }
        return c;
    }

    /**
     * A failure whose two checked replays both pass: they agree with each other, so the determinism
     * check finds nothing, but neither reproduces the schedule's failure. Before, the report gave the
     * schedule's AssertionError as its first failure, untraced, with a line that passes when replayed,
     * "shrinking found none fewer" and the same run as its shrunk failure.
     */
    @Test
    void aFailureWhoseReplaysBothPassIsReportedAsNondeterminism() {
        runs = 0;
        Exploration.Report<Integer> r = Exploration.of(ExplorationSettingsTest::failsOnItsThirdCall)
                .strategy(dev.simloop.Strategy.random()).schedules(50).run();
        assertThat(r.firstFailureIndex()).isEqualTo(2);
        dev.simloop.SimResult<Integer> first = r.firstFailure().orElseThrow();
        Throwable f = first.failure();
        assertThat(f).isExactlyInstanceOf(dev.simloop.NondeterminismDetected.class)
                .hasMessageStartingWith("the program is not deterministic: a schedule failed with"
                        + " java.lang.AssertionError: third call, but a replay of its line ran differently, so no line"
                        + " reproduces that failure.");
        assertThat(f.getSuppressed()).hasSize(2);
        assertThat(f.getSuppressed()[0]).isInstanceOf(AssertionError.class).hasMessage("third call");
        assertThat(f.getSuppressed()[1]).isExactlyInstanceOf(dev.simloop.NondeterminismDetected.class)
                .hasMessage("a replay of the line passed, where the schedule failed with java.lang.AssertionError:"
                        + " third call");
        assertThat(r.shrunkFailure()).isEmpty();
        assertThat(r.toString()).contains("; replay " + first.replayLine() + "; failure: dev.simloop.NondeterminismDetected:"
                + " the program is not deterministic: ").doesNotContain("shrinking found none fewer");
    }

    /** A poller at plain checkpoints and the setter it waits for: under nonpreemptive the setter never runs. */
    static Integer pollsAtPlainCheckpoints() {
        boolean[] flag = {false};
        TaskGroup.with(g -> {
            g.spawn("poller", () -> {
                while (!flag[0]) {
                    Loop.checkpoint();
                }
            });
            g.spawn("setter", () -> {
                flag[0] = true;
            });
            return null;
        });
        return 1;
    }

    @Test
    void theReportOfARunThatALimitStoppedSaysWhichLimitAReplayNeedsAndTheLineThenReplaysIt() {
        Exploration.Report<Integer> r = Exploration.of(ExplorationSettingsTest::pollsAtPlainCheckpoints)
                .strategy(dev.simloop.Strategy.nonPreemptive()).maxSteps(300).schedules(1).run();
        SimResult<Integer> first = r.firstFailure().orElseThrow();
        assertThat(first.failure()).isInstanceOf(LimitExceeded.class);
        assertThat(r.toString()).contains("; replay " + first.replayLine() + " (with Simulation.builder().maxSteps(300),"
                + " the limit that stopped it); failure: dev.simloop.LimitExceeded: simulation stopped after 300 steps");
        SimResult<Integer> replayed = Simulation.builder().maxSteps(300).replay(first.replayLine())
                .run(ExplorationSettingsTest::pollsAtPlainCheckpoints);
        assertThat(replayed.failure()).isInstanceOf(LimitExceeded.class);
        assertThat(replayed.traceDigest()).isEqualTo(first.traceDigest());
    }

    @Test
    void aReportsReplayLinesAreOnItsFirstLineAndAMultiLineFailureComesLast() {
        Exploration.Report<Integer> r = Exploration.of(() -> {
            dev.simloop.sync.Lock a = new dev.simloop.sync.Lock("a");
            dev.simloop.sync.Lock b = new dev.simloop.sync.Lock("b");
            TaskGroup.with(g -> {
                g.spawn("ab", () -> inOrder(a, b));
                g.spawn("ba", () -> inOrder(b, a));
                return null;
            });
            return 1;
        }).seed(1).schedules(200).run();
        SimResult<Integer> first = r.firstFailure().orElseThrow();
        assertThat(first.failure()).isInstanceOf(dev.simloop.DeadlockDetected.class);
        String[] lines = r.toString().split("\n");
        assertThat(lines.length).isGreaterThan(1);
        assertThat(lines[0]).contains("; replay " + first.replayLine() + "; failure: dev.simloop.DeadlockDetected:"
                + " deadlock: ");
        assertThat(lines[0]).contains("; first failure at schedule index " + r.firstFailureIndex() + "; ");
        if (!r.shrunkFailure().orElseThrow().replayLine().equals(first.replayLine())) {
            assertThat(lines[0]).contains("; shrunk to ").contains(": replay " + r.shrunkFailure().get().replayLine());
        }
        assertThat(lines[lines.length - 1]).doesNotContain("replay simloop:");
    }

    private static void inOrder(dev.simloop.sync.Lock first, dev.simloop.sync.Lock second) {
        first.acquire();
        try {
            Loop.checkpoint();
            second.acquire();
            second.release();
        } finally {
            first.release();
        }
    }

    /** Three tasks race to go first: the second's win is one bug, the third's another, of another class. */
    static Integer twoKindsOfBug() {
        java.util.List<String> order = new java.util.ArrayList<>();
        TaskGroup.with(g -> {
            for (String name : java.util.List.of("a", "b", "c")) {
                g.spawn(name, () -> {
                    Loop.checkpoint();
                    order.add(name);
                });
            }
            return null;
        });
        switch (order.get(0)) {
            case "b" -> throw new AssertionError("b went first");
            case "c" -> throw new IllegalStateException("c went first");
            default -> {
                return order.size();
            }
        }
    }

    @Test
    void anExplorationThatGoesOnAfterItsFirstFailureCountsTheFailingSchedulesByType() {
        Exploration.Report<Integer> r = Exploration.of(ExplorationSettingsTest::twoKindsOfBug)
                .strategy(dev.simloop.Strategy.random()).seed(1).schedules(200).stopAtFirstFailure(false).run();
        java.util.Map<String, Integer> byType = r.failingByType();
        assertThat(byType).containsOnlyKeys("java.lang.AssertionError", "java.lang.IllegalStateException");
        assertThat(byType.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(r.failingSchedules());
        assertThat(r.toString()).contains(", " + r.failingSchedules() + " failing (" + byType.get("java.lang.AssertionError")
                + " java.lang.AssertionError, " + byType.get("java.lang.IllegalStateException")
                + " java.lang.IllegalStateException), ");

        Exploration.Report<Integer> hunted = Exploration.of(ExplorationSettingsTest::twoKindsOfBug)
                .strategy(dev.simloop.Strategy.random()).seed(1).schedules(200).stopAtFirstFailure(false)
                .failWhen(e -> e instanceof AssertionError).run();
        assertThat(hunted.failingByType()).containsOnlyKeys("java.lang.AssertionError");
        assertThat(hunted.otherFailures()).containsOnlyKeys("java.lang.IllegalStateException");
        assertThat(hunted.toString()).contains(" failing (other failures: ");
    }

    @Test
    void parallelismIsBoundedAndNeverMoreWorkersThanSchedules() {
        assertThatThrownBy(() -> Exploration.of(() -> 1).parallelism(10_000_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Exploration.parallelism: must be from 1 to 1024, but was 10000000;"
                        + " Runtime.getRuntime().availableProcessors() is a good choice");
        Exploration.Report<Integer> r = Exploration.of(() -> {
            Loop.checkpoint();
            return 1;
        }).schedules(20).parallelism(1024).run();
        assertThat(r.schedulesRun()).isEqualTo(20);
        assertThat(r.parallelism()).isEqualTo(1024);
    }

    @Test
    void anUnboundedCostSearchIsTheWholeSearchNotACrash() {
        Exploration.Report<String> all = Exploration.of(ExplorationSettingsTest::twoTasks).preemptionBounded(5)
                .schedules(100_000).run();
        Exploration.Report<String> unbounded = Exploration.of(ExplorationSettingsTest::twoTasks)
                .preemptionBounded(Integer.MAX_VALUE).schedules(100_000).run();
        assertThat(unbounded.exhausted()).isTrue();
        assertThat(unbounded.schedulesRun()).isEqualTo(all.schedulesRun());
        Exploration.Report<String> delays = Exploration.of(ExplorationSettingsTest::twoTasks)
                .delayBounded(Integer.MAX_VALUE).schedules(100_000).run();
        assertThat(delays.exhausted()).isTrue();
    }
}
