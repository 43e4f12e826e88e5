package dev.simloop.jqwik;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.simloop.Loop;
import dev.simloop.Schedule;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.TaskGroup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@link Simulations#check} throws, called as a property's body calls it. */
class ChecksOnTheirOwnTest {
    /** An assumption inside the run is the assumption it is (jqwik discards the try), not a schedule's failure. */
    @Test
    void anAssumptionInsideTheRunIsThrownAsItIs() {
        assertThatThrownBy(() -> Simulations.check(Schedule.of(), () -> {
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "does not apply");
            return 1;
        })).isInstanceOf(org.opentest4j.TestAbortedException.class).hasMessage("Assumption failed: does not apply");
    }

    /**
     * JUnit 4's assumptions ({@code org.junit.Assume}; AssertJ's {@code assumeThat}, which throws
     * JUnit 4's exception when JUnit 4 is on the class path, as it is here) discard the try as
     * Jupiter's do: jqwik discards a try only for a {@code TestAbortedException}, so the JUnit 4
     * exception arrives as the cause of one. Before, the run was a failing schedule, offered as a
     * {@code @SimulatedLoop} test to pin that the extension, reading the assumption, skips.
     */
    @Test
    void aJUnit4AssumptionInsideTheRunDiscardsTheTry() {
        Throwable t = catchThrowable(() -> Simulations.check(Schedule.of(), () -> TaskGroup.with(g -> {
            g.spawn(() -> {
                Loop.checkpoint();
                org.junit.Assume.assumeTrue("does not apply", false);
                return null;
            });
            return null;
        })));
        assertThat(t).isExactlyInstanceOf(org.opentest4j.TestAbortedException.class)
                .cause().isExactlyInstanceOf(org.junit.AssumptionViolatedException.class).hasMessage("does not apply");
        assertThat(catchThrowable(() -> Simulations.check(Schedule.of(), () -> {
            org.assertj.core.api.Assumptions.assumeThat(1).isEqualTo(2);
            return 1;
        }))).isExactlyInstanceOf(org.opentest4j.TestAbortedException.class)
                .hasCauseExactlyInstanceOf(org.junit.AssumptionViolatedException.class);
    }

    /** A program's stack overflow is a failing schedule like any other, with its line; only an OutOfMemoryError passes through. */
    @Test
    void aStackOverflowInATaskIsAScheduleFailureWithItsLine() {
        Throwable t = catchThrowable(() -> Simulations.check(Schedule.of(), () -> TaskGroup.with(g -> {
            g.spawn("deep", ChecksOnTheirOwnTest::recurse);
            return null;
        })));
        assertThat(t).isInstanceOf(Simulations.ScheduleFailure.class).hasCauseInstanceOf(StackOverflowError.class)
                .hasMessageContaining("simloop:1:");
        OutOfMemoryError oom = new OutOfMemoryError("by hand");
        assertThat(catchThrowable(() -> Simulations.check(Schedule.of(), () -> {
            throw oom;
        }))).isSameAs(oom);
    }

    /** A failure whose message cannot be built: its getMessage() fails an assertion. */
    static final class UnprintableFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        @Override
        public String getMessage() {
            throw new AssertionError("the message's own check failed");
        }
    }

    /**
     * A failure whose getMessage() throws an Error (an AssertionError in a message built from checked
     * state) is still a failing schedule, named by its class, with its line. Before, check threw the
     * AssertionError of getMessage() in its place: the program's failure and the replay line were lost.
     */
    @Test
    void aFailureWhoseMessageThrowsAnErrorIsAScheduleFailureWithItsLine() {
        UnprintableFailure failure = new UnprintableFailure();
        Throwable t = catchThrowable(() -> Simulations.check(Schedule.of(), () -> {
            Loop.checkpoint();
            throw failure;
        }));
        assertThat(t).isInstanceOf(Simulations.ScheduleFailure.class).hasCause(failure);
        assertThat(t.getMessage()).startsWith("simulation failed with " + UnprintableFailure.class.getName()
                + " (its toString() threw java.lang.AssertionError)\n  found:  simloop:1:")
                .contains("\n  replay: Simulation.builder().replay(\"");
    }

    private static int recurse() {
        return recurse() + 1;
    }

    /** Two tasks add "done" once between them, checking first: a check-then-act race on the list given. */
    static Object addOnce(List<String> log) {
        TaskGroup.with(g -> {
            for (int t = 0; t < 2; t++) {
                g.spawn(() -> {
                    for (int i = 0; i <= log.size(); i++) {
                        Loop.checkpoint(); // a step per entry: a run on a list it changed takes other steps
                    }
                    boolean seen = log.contains("done");
                    Loop.checkpoint();
                    if (!seen) {
                        log.add("done");
                    }
                });
            }
            return null;
        });
        if (Collections.frequency(log, "done") != 1) {
            throw new AssertionError("done " + Collections.frequency(log, "done") + " times");
        }
        return null;
    }

    /**
     * A body that changes its own input (a generated list the tasks add to) does not run the same
     * way when its line is replayed on that input (here it takes other steps): no line is offered to
     * pin. Before, shrinking on the changed input offered one that passes on the input the property
     * was given. (A change that leaves the run's steps as they were cannot be told from here:
     * property-testing.md asks to leave generated inputs as they are.)
     */
    @Test
    void aBodyThatChangesItsOwnInputIsNotOfferedALineToPin() {
        List<String> generated = new ArrayList<>();
        Throwable t = catchThrowable(() -> Simulations.check(Schedule.of(), () -> addOnce(generated)));
        assertThat(t).isInstanceOf(Simulations.ScheduleFailure.class);
        Simulations.ScheduleFailure f = (Simulations.ScheduleFailure) t;
        assertThat(f.getMessage()).contains("\n  not a pin: replaying it did not run the same way")
                .contains("a body that changes its own inputs").doesNotContain("\n  replay: ").doesNotContain("@SimulatedLoop(replay");
        assertThat(f.shrunkReplayLine()).isEmpty();
    }

    /** The failure keeps its replay line through serialization, as a test worker sends it to the build. */
    @Test
    void theReplayLineSurvivesSerialization() throws Exception {
        Simulations.ScheduleFailure f = (Simulations.ScheduleFailure) catchThrowable(
                () -> Simulations.check(Schedule.of(), () -> addOnce(new ArrayList<>())));
        String line = f.replayLine();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(f);
        }
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            Simulations.ScheduleFailure back = (Simulations.ScheduleFailure) in.readObject();
            assertThat(back.replayLine()).isEqualTo(line).startsWith("simloop:1:");
            assertThat(back.getMessage()).contains("found:  " + line);
        }
    }

    /**
     * A failure at the builder's own limit is not replayed with the default limits (which would not
     * repeat it, or for a runaway would wait out ten seconds of wall time per replay): the message
     * comes at once and says to replay with the builder's limits.
     */
    @Test
    void aFailureAtTheBuildersLimitIsNeitherReplayedNorShrunk() {
        Throwable t = catchThrowable(() -> Simulations.check(
                Schedules.simulate(Schedule.of(1, 1, 1), dev.simloop.Strategy.fifo()).maxSteps(1_000), () -> {
                    TaskGroup.with(g -> {
                        for (int i = 0; i < 2; i++) {
                            g.spawn(() -> {
                                for (;;) {
                                    Loop.checkpoint();
                                }
                            });
                        }
                        return null;
                    });
                    return null;
                }));
        assertThat(t).isInstanceOf(Simulations.ScheduleFailure.class);
        long t0 = System.nanoTime();
        String message = t.getMessage();
        assertThat(message).contains("\n  not a pin: the run ended at a limit").doesNotContain("\n  replay: ");
        assertThat(((Simulations.ScheduleFailure) t).shrunkReplayLine()).isEmpty();
        assertThat(System.nanoTime() - t0).as("no replay ran").isLessThan(5_000_000_000L);
    }

    /**
     * A run that a default limit stopped where it always stops (a lost update that leaves a poller
     * waiting for ever, out to maxVirtualTime) repeats from its line under {@code check(schedule, ..)},
     * which runs with the default limits: it is validated, shrunk and offered to pin, where the
     * message said "not a pin" and to replay it with limits the property never set.
     */
    @Test
    void aRunStoppedAtADefaultLimitIsShrunkAndOfferedToPin() {
        Throwable t = catchThrowable(() -> Simulations.check(Schedule.of(0, 0, 1), ChecksOnTheirOwnTest::pollsForBothUpdates));
        assertThat(t).isInstanceOf(Simulations.ScheduleFailure.class).hasCauseInstanceOf(dev.simloop.LimitExceeded.class);
        Simulations.ScheduleFailure f = (Simulations.ScheduleFailure) t;
        assertThat(f.chessPreemptions()).isEqualTo(2);
        assertThat(f.getMessage()).doesNotContain("not a pin")
                .contains("\n  replay: Simulation.builder().replay(\"" + f.shrunkReplayLine().orElseThrow() + "\")");
        assertThat(f.shrunkPreemptions()).hasValue(1);
        assertThat(f.getSuppressed()).as("no replay went wrong").isEmpty();
        for (String line : List.of(f.replayLine(), f.shrunkReplayLine().orElseThrow())) {
            SimResult<Integer> again = Simulation.builder().replay(line).run(ChecksOnTheirOwnTest::pollsForBothUpdates);
            assertThat(again.failure()).as(line).isInstanceOf(dev.simloop.LimitExceeded.class)
                    .hasMessageStartingWith("simulation stopped at virtual time 8760h: the next timer is at 8784h");
        }
    }

    /** {@link Kernels#lostUpdate}'s race, then a poll that waits for both updates: for ever after a lost one. */
    private static Integer pollsForBothUpdates() throws Exception {
        int[] shared = Kernels.racingUpdates();
        while (shared[0] != 2) {
            Loop.sleep(java.time.Duration.ofDays(1));
        }
        return shared[0];
    }

    /**
     * Guards the trace-digest comparison of the replay that validates the line: a replay that follows
     * the line and fails with the same exception class, but at another virtual time (another digest),
     * is not the run found, and the line is not offered to pin.
     */
    @Test
    void aReplayThatFailsTheSameWayWithAnotherDigestIsNotAPin() {
        int[] runs = {0};
        Throwable t = catchThrowable(() -> Simulations.check(Schedule.of(), () -> {
            int n = ++runs[0];
            Loop.sleep(java.time.Duration.ofSeconds(n));
            throw new AssertionError("fails after " + n + "s");
        }));
        assertThat(t).isInstanceOf(Simulations.ScheduleFailure.class).hasCauseInstanceOf(AssertionError.class);
        Simulations.ScheduleFailure f = (Simulations.ScheduleFailure) t;
        assertThat(f.getMessage()).contains("\n  not a pin: replaying it did not run the same way")
                .doesNotContain("\n  replay: ").doesNotContain("@SimulatedLoop(replay");
        assertThat(runs[0]).as("the run, and the one replay that validates its line").isEqualTo(2);
    }

    /** Guards the {@code found:} line's {@code shrinking found none fewer} when the failing run has the fewest already. */
    @Test
    void aFailureWithNoneFewerSaysShrinkingFoundNoneFewer() {
        Simulations.ScheduleFailure f = (Simulations.ScheduleFailure) catchThrowable(
                () -> Simulations.check(Schedule.of(), () -> {
                    throw new AssertionError("always");
                }));
        assertThat(f.getMessage()).contains("\n  found:  " + f.replayLine() + " (0 preemptions; shrinking found none fewer)\n");
        assertThat(f.shrunkReplayLine()).isEmpty();
    }

    /** Guards that jqwik's own exception (here {@code Statistics.collect} outside a property) is thrown from {@code check} as it is. */
    @Test
    void jqwiksOwnExceptionInsideTheRunIsThrownAsItIs() {
        Throwable t = catchThrowable(() -> Simulations.check(Schedule.of(), () -> {
            net.jqwik.api.statistics.Statistics.collect("inside");
            return 1;
        }));
        assertThat(t).isInstanceOf(net.jqwik.api.JqwikException.class);
        assertThat(t.getClass().getName()).isEqualTo("net.jqwik.engine.execution.lifecycle.OutsideJqwikException");
        assertThat(t).hasMessage("The current action must be run on a jqwik thread, i.e. container, property or hook.\n"
                + "Maybe you spawned off a thread?");
    }

    /** Guards that {@code Schedules.schedules(maxLength, maxChoice)} makes at most maxLength choices (and reaches it). */
    @Test
    void generatedSchedulesHaveAtMostMaxLengthChoices() {
        List<Schedule> samples = Schedules.schedules(3, 5).sampleStream().limit(2_000).toList();
        assertThat(samples).allSatisfy(s -> assertThat(s.size()).isLessThanOrEqualTo(3))
                .anySatisfy(s -> assertThat(s.size()).isEqualTo(3))
                .allSatisfy(s -> assertThat(s.choices()).allSatisfy(c -> assertThat(c).isBetween(0, 5)));
    }

    /**
     * A maxLength that jqwik could not generate (near Integer.MAX_VALUE its list generator never
     * returns, ignoring interrupts) is refused with the limit; the limit itself is accepted.
     */
    @Test
    void aMaxLengthAboveTheLimitIsRefusedWithTheLimitNotLeftToHang() {
        for (int tooLong : List.of(Schedules.MAX_LENGTH_LIMIT + 1, Integer.MAX_VALUE)) {
            assertThatThrownBy(() -> Schedules.schedules(tooLong, 7)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("Schedules.schedules: maxLength must be at most 1000000"
                            + " (Schedules.MAX_LENGTH_LIMIT), but was " + tooLong + ": ");
        }
        assertThatThrownBy(() -> Schedules.schedules(-1, 7)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Schedules.schedules: maxLength must not be negative, but was -1");
        assertThat(Schedules.schedules(Schedules.MAX_LENGTH_LIMIT, 7).sampleStream().limit(5).toList())
                .allSatisfy(s -> assertThat(s.size()).isLessThanOrEqualTo(Schedules.MAX_LENGTH_LIMIT));
    }

    /**
     * A run that {@code check(schedule, ..)} stopped on real time (here: its caller was interrupted)
     * is no pin, and the note says so without naming builder limits the property never set.
     */
    @Test
    void aRunStoppedOnRealTimeIsNoPinAndTheNoteNamesNoBuilderLimits() {
        Thread.currentThread().interrupt();
        Throwable t;
        try {
            t = catchThrowable(() -> Simulations.check(Schedule.of(), () -> {
                Loop.sleep(java.time.Duration.ofSeconds(1));
                return 1;
            }));
        } finally {
            Thread.interrupted();
        }
        assertThat(t).isInstanceOf(Simulations.ScheduleFailure.class).hasCauseInstanceOf(dev.simloop.LimitExceeded.class);
        assertThat(((dev.simloop.LimitExceeded) t.getCause()).repeatsOnReplay()).isFalse();
        assertThat(t.getMessage()).contains("\n  not a pin: the run was stopped on real time (the failure says how: ")
                .doesNotContain("with the same maxSteps").doesNotContain("@SimulatedLoop(replay");
    }

    /**
     * property-testing.md: every check of a schedule runs with seed 0, so what varies from try to try is
     * the schedule: Loop.random() gives the same numbers whatever the schedule, and one that should vary
     * comes from jqwik, or from a builder given a seed.
     */
    @Test
    void everyCheckOfAScheduleRunsWithSeedZeroSoLoopRandomGivesTheSameNumbers() {
        long first = Simulations.check(Schedule.of(), () -> Loop.random().nextLong());
        long second = Simulations.check(Schedule.of(1, 0, 1), () -> TaskGroup.with(g -> {
            g.spawn(() -> Loop.checkpoint());
            g.spawn(() -> Loop.checkpoint());
            return Loop.random().nextLong();
        }));
        long seeded = Simulations.check(Simulation.builder().seed(0), () -> Loop.random().nextLong());
        long otherSeed = Simulations.check(Simulation.builder().seed(7), () -> Loop.random().nextLong());
        assertThat(second).isEqualTo(first);
        assertThat(seeded).isEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first);
    }
}
