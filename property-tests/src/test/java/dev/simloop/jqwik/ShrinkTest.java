package dev.simloop.jqwik;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.simloop.Exploration;
import dev.simloop.Shrinking;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/** Runs the failing fixtures through jqwik's real engine and checks what its shrinker reports. */
class ShrinkTest {
    static final AtomicInteger TRIES = new AtomicInteger();
    static final AtomicInteger FIRST_FAILURE = new AtomicInteger();

    @Test
    void kernelsPassUnderFifo() {
        assertThat(Simulation.builder().strategy(Strategy.fifo()).run(Kernels::lostUpdate).failed()).isFalse();
        assertThat(Simulation.builder().strategy(Strategy.fifo()).run(Kernels::depth3).failed()).isFalse();
    }

    @Test
    void lostUpdateShrinksToAtMostTwoPreemptions() {
        Simulations.ScheduleFailure f = runFixture(LostUpdateFixture.class);
        assertThat(f.getCause()).hasMessageContaining("lost update");
        assertThat(f.departures()).isLessThanOrEqualTo(2);
        assertThat(f.getMessage()).contains("replay:").contains(f.replayLine());
        assertReplays(f, Kernels::lostUpdate);
    }

    @Test
    void depth3ShrinksToAtMostFourPreemptions() {
        Simulations.ScheduleFailure f = runFixture(Depth3Fixture.class);
        assertThat(f.getCause()).hasMessageContaining("depth-3 bug");
        assertThat(f.departures()).isLessThanOrEqualTo(4);
        assertReplays(f, Kernels::depth3);
    }

    @Test
    void simloopShrinksTheReportedLostUpdateToThePreemptionsBoundingProves() {
        Simulations.ScheduleFailure f = runFixture(LostUpdateFixture.class);
        assertShrunkToTheMinimum(f, Kernels::lostUpdate);
    }

    @Test
    void simloopShrinksTheReportedDepth3BugToThePreemptionsBoundingProves() {
        Simulations.ScheduleFailure f = runFixture(Depth3Fixture.class);
        assertShrunkToTheMinimum(f, Kernels::depth3);
    }

    @Test
    void aRunWithMorePreemptionsThanNeededShrinksAndTheMessageLeadsWithTheShrunkLine() {
        // schedule choices that switch tasks at every checkpoint: more preemptions than the bug needs
        Simulations.ScheduleFailure f = null;
        for (int n = 1; f == null; n++) {
            try {
                Simulations.check(dev.simloop.Schedule.of(java.util.Collections.nCopies(n, 1)), Kernels::noisyLostUpdate);
            } catch (Simulations.ScheduleFailure e) {
                f = e;
            }
        }
        assertThat(f.chessPreemptions()).isGreaterThan(1);
        String shrunk = f.shrunkReplayLine().orElseThrow();
        assertThat(f.shrunkPreemptions()).hasValue(provenMinimum(Kernels::noisyLostUpdate, f.chessPreemptions()));
        java.util.List<String> lines = f.getMessage().lines().toList();
        assertThat(lines.get(1)).isEqualTo("  shrunk: " + shrunk + " (1 preemption)");
        assertThat(lines.get(2)).isEqualTo("  found:  " + f.replayLine() + " (" + f.chessPreemptions() + " preemptions)");
        assertThat(lines).contains("  replay: Simulation.builder().replay(\"" + shrunk + "\").run(program).value() (value() throws the failure again)");
        SimResult<?> again = Simulation.builder().replay(shrunk).run(Kernels::noisyLostUpdate);
        assertThat(again.failure()).hasMessage(f.getCause().getMessage());
        assertThat(again.preemptions()).isEqualTo(1);
    }

    /**
     * A failure whose shrinking the default budget ends before every schedule with fewer preemptions
     * was tried says that its count is not shown to be the fewest, and how to try the rest. Before,
     * the message gave the count as if it were the fewest.
     */
    @Test
    void aShrinkThatItsBudgetEndedSaysItsCountIsNotShownToBeTheFewest() {
        Exploration.Report<Integer> fewer = Exploration.of(Kernels::fourInFlight).preemptionBounded(2).schedules(1_000_000).run();
        assertThat(fewer.exhausted()).isTrue();
        assertThat(fewer.firstFailure()).as("it needs 3 preemptions").isEmpty();
        assertThat(fewer.schedulesRun()).as("more schedules below 3 than the budget has runs")
                .isGreaterThan(5 * Shrinking.DEFAULT_MAX_RUNS);

        Simulations.ScheduleFailure f = checkFailure(Kernels::fourInFlight);
        assertThat(f.chessPreemptions()).isGreaterThan(3);
        String shrunk = f.shrunkReplayLine().orElseThrow();
        int count = f.shrunkPreemptions().orElseThrow();
        String note = "not shown to be the fewest: the shrink budget (2000 runs or 2s) ran out before every schedule with"
                + " fewer was tried, so fewer may still fail; Shrinking.outcome(run, runner, maxRuns, maxTime) with a larger"
                + " budget, or Exploration.of(program).preemptionBounded(" + (count - 1) + "), tries them";
        assertThat(f.notShownFewest()).hasValue(note);
        java.util.List<String> lines = f.getMessage().lines().toList();
        assertThat(lines.get(1)).isEqualTo("  shrunk: " + shrunk + " (" + count + " preemptions; " + note + ")");
        assertThat(lines.get(2)).isEqualTo("  found:  " + f.replayLine() + " (" + f.chessPreemptions() + " preemptions)");
    }

    /** A shrink that tried every schedule with fewer preemptions has no note. */
    @Test
    void aShrinkThatTriedEveryScheduleWithFewerHasNoNote() {
        Simulations.ScheduleFailure f = checkFailure(Kernels::noisyLostUpdate);
        assertThat(f.notShownFewest()).isEmpty();
        assertThat(f.getMessage()).doesNotContain("not shown to be the fewest");
        String count = f.shrunkPreemptions().isPresent() ? "  shrunk: " + f.shrunkReplayLine().orElseThrow() + " (1 preemption)"
                : "  found:  " + f.replayLine() + " (1 preemption; shrinking found none fewer)";
        assertThat(f.getMessage().lines().toList()).contains(count);
    }

    /** @return the failure of the first random run of {@code kernel} (seeds from 1) that fails */
    private static Simulations.ScheduleFailure checkFailure(dev.simloop.ThrowingSupplier<?> kernel) {
        for (long seed = 1; seed < 10_000; seed++) {
            try {
                Simulations.check(Simulation.builder().seed(seed).strategy(Strategy.random()), kernel);
            } catch (Simulations.ScheduleFailure e) {
                return e;
            }
        }
        throw new AssertionError("no run failed");
    }

    @Test
    void aFailureThatItsReplayDoesNotRepeatIsNotShrunkAndOffersNoLineToPin() {
        AtomicInteger runs = new AtomicInteger();
        Simulations.ScheduleFailure f = null;
        try {
            Simulations.check(dev.simloop.Schedule.of(1, 1, 1), () -> {
                dev.simloop.TaskGroup.with(g -> {
                    for (int t = 0; t < 2; t++) {
                        g.spawn(() -> {
                            dev.simloop.Loop.checkpoint();
                            dev.simloop.Loop.checkpoint();
                        });
                    }
                    return null;
                });
                if (runs.incrementAndGet() == 1) {
                    throw new AssertionError("the first run only");
                }
                return null;
            });
        } catch (Simulations.ScheduleFailure e) {
            f = e;
        }
        assertThat(f).isNotNull();
        assertThat(f.getMessage()).contains("\n  not a pin: replaying it did not run the same way: the failure depends"
                + " on more than the schedule").doesNotContain("  replay: ").doesNotContain("@SimulatedLoop(replay");
        assertThat(f.shrunkReplayLine()).isEmpty();
        assertThat(f.getSuppressed()).as("no shrinking, so nothing went wrong in it").isEmpty();
        assertThat(runs.get()).as("the run, and one replay that passed").isEqualTo(2);
    }

    private static void assertShrunkToTheMinimum(Simulations.ScheduleFailure f, dev.simloop.ThrowingSupplier<?> kernel) {
        int shrunk = f.shrunkPreemptions().orElse(f.chessPreemptions());
        System.out.printf("jqwik reported %d preemptions (%d departures); simloop shrank it to %d%n", f.chessPreemptions(),
                f.departures(), shrunk);
        assertThat(shrunk).isEqualTo(provenMinimum(kernel, f.chessPreemptions()));
        String line = f.shrunkReplayLine().orElse(f.replayLine());
        assertThat(f.getMessage()).contains("  replay: Simulation.builder().replay(\"" + line + "\").run(program).value() (value() throws the failure again)");
        SimResult<?> again = Simulation.builder().replay(line).run(kernel);
        assertThat(again.failure()).isInstanceOf(f.getCause().getClass());
        assertThat(again.preemptions()).isEqualTo(shrunk);
    }

    /** The least bound at which preemption bounding fails, every bound below it exhausted clean. */
    private static int provenMinimum(dev.simloop.ThrowingSupplier<?> kernel, int atMost) {
        for (int bound = 0; bound <= atMost; bound++) {
            dev.simloop.Exploration.Report<?> r = dev.simloop.Exploration.of(kernel).preemptionBounded(bound)
                    .schedules(1_000_000).run();
            if (r.firstFailure().isPresent()) {
                return r.firstFailure().get().preemptions();
            }
            assertThat(r.exhausted()).as("bound %s: %s", bound, r).isTrue();
        }
        return -1;
    }

    private static void assertReplays(Simulations.ScheduleFailure f, dev.simloop.ThrowingSupplier<?> kernel) {
        SimResult<?> again = Simulation.builder().replay(f.replayLine()).run(kernel);
        assertThat(again.failed()).isTrue();
        assertThat(again.failure()).hasMessage(f.getCause().getMessage());
        assertThat(again.replayLine()).isEqualTo(f.replayLine());
    }

    private static Simulations.ScheduleFailure runFixture(Class<?> fixture) {
        TRIES.set(0);
        FIRST_FAILURE.set(0);
        long t0 = System.nanoTime();
        Simulations.ScheduleFailure f = scheduleFailureOf(selectClass(fixture));
        System.out.printf("%s: first failure at try %d, %d property invocations (tries+shrink steps), %d ms, shrunk to %d preemptions: %s%n",
                fixture.getSimpleName(), FIRST_FAILURE.get(), TRIES.get(), (System.nanoTime() - t0) / 1_000_000, f.departures(), f.replayLine());
        return f;
    }

    /**
     * Runs a failing fixture through jqwik's engine.
     *
     * @return the {@link Simulations.ScheduleFailure} among the causes of the failure it reported
     */
    static Simulations.ScheduleFailure scheduleFailureOf(org.junit.platform.engine.DiscoverySelector fixture) {
        // The kit does not read junit-platform.properties: switch jqwik's run database off here too.
        var events = EngineTestKit.engine("jqwik").selectors(fixture)
                .configurationParameter("jqwik.database", "").execute().testEvents();
        Event failed = events.failed().stream().findFirst().orElseThrow(() -> new AssertionError("fixture did not fail"));
        Throwable t = failed.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
        while (t != null && !(t instanceof Simulations.ScheduleFailure)) {
            t = t.getCause();
        }
        assertThat(t).as("a ScheduleFailure in the reported failure").isNotNull();
        return (Simulations.ScheduleFailure) t;
    }
}
