package dev.simloop.jqwik;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import dev.simloop.SimResult;
import dev.simloop.Simulation;
import org.junit.jupiter.api.Test;

/**
 * simloop's replays of a failed check (the one that validates its line, and shrinking's) run as
 * tries of their own, with the try's {@code @BeforeTry} and {@code @AfterTry}: a property whose
 * state is the try's gets lines that replay on fresh state. Before, the replays ran on the state
 * the last try left (a closed account: "not a pin" for a line that does replay; a spent balance: a
 * "shrunk" line that passes on fresh state).
 */
class ReplaysRunInFreshTriesTest {

    @Test
    void theLinesOfAPropertyWithTryStateReplayOnFreshState() {
        Simulations.ScheduleFailure f = runFixture("stateResetBeforeEachTry");
        assertThat(f.getMessage()).doesNotContain("not a pin").contains("  replay: Simulation.builder().replay(\"");
        assertThat(f.getSuppressed()).as("no replay went wrong").isEmpty();
        // both lines fail the same way on a fresh account, as a pinned test would run them
        for (String line : java.util.List.of(f.replayLine(), f.shrunkReplayLine().orElse(f.replayLine()))) {
            SimResult<Integer> again = Simulation.builder().replay(line)
                    .run(() -> TryLifecycleFixture.deposits(new TryLifecycleFixture.Account()));
            assertThat(again.failure()).as(line).isInstanceOf(AssertionError.class)
                    .hasMessage("balance expected 150 but was 125");
        }
        assertThat(f.shrunkPreemptions().orElse(f.chessPreemptions())).as("a lost update needs a preemption")
                .isPositive();
    }

    /** Each replay of any property, with try state or without, is a whole try: the body runs with every program. */
    @Test
    void everyPropertyReplaysByRerunningItsTries() {
        TryLifecycleFixture.BODIES.set(0);
        TryLifecycleFixture.PROGRAMS.set(0);
        runFixture(TryLifecycleFixture.class, "stateResetBeforeEachTry");
        assertThat(TryLifecycleFixture.PROGRAMS.get()).isGreaterThan(2).isEqualTo(TryLifecycleFixture.BODIES.get());
        NoTryStateFixture.BODIES.set(0);
        NoTryStateFixture.PROGRAMS.set(0);
        Simulations.ScheduleFailure f = runFixture(NoTryStateFixture.class, "noTryState");
        assertThat(f.getMessage()).doesNotContain("not a pin");
        assertThat(NoTryStateFixture.PROGRAMS.get()).isGreaterThan(2).isEqualTo(NoTryStateFixture.BODIES.get());
    }

    /**
     * A failure kept by a property that passed, and read only after the property ended: its replays
     * run the program alone, as documented. They reran whole tries (each with its {@code @BeforeTry}
     * and body) after the property had ended.
     */
    @Test
    void aFailureReadAfterThePropertyEndedRerunsNoTry() {
        ReadLaterFixture.LOG.clear();
        ReadLaterFixture.kept = null;
        org.junit.platform.testkit.engine.EngineTestKit.engine("jqwik")
                .selectors(selectMethod(ReadLaterFixture.class, "keepsTheFailure", "dev.simloop.Schedule"))
                .configurationParameter("jqwik.database", "").execute().testEvents()
                .assertStatistics(stats -> stats.succeeded(1).failed(0));
        assertThat(ReadLaterFixture.kept).as("a try's check failed").isNotNull();
        int before = ReadLaterFixture.LOG.size();
        assertThat(ReadLaterFixture.kept.getMessage()).startsWith("simulation failed with java.lang.AssertionError:");
        assertThat(ReadLaterFixture.LOG).as("tries run after the property ended").hasSize(before);
    }

    /**
     * A check made in an {@code @AfterTry}: its replay reruns the try, and jqwik passes on what the
     * {@code @AfterTry} throws, the internal end of the rerun try. That escaped the replay, and its
     * line, which does replay, was called no pin naming an internal class.
     */
    @Test
    void aCheckInAnAfterTryIsReplayedAndPinned() {
        Simulations.ScheduleFailure f = ShrinkTest.scheduleFailureOf(
                selectMethod(CheckInAfterTryFixture.class, "body", "dev.simloop.Schedule"));
        String pinned = f.shrunkReplayLine().orElse(f.replayLine());
        assertThat(f.getMessage()).doesNotContain("not a pin").doesNotContain("ReplayDone")
                .contains("@SimulatedLoop(replay = \"" + pinned + "\")");
        for (String line : java.util.List.of(f.replayLine(), pinned)) {
            SimResult<Integer> again = Simulation.builder().replay(line)
                    .run(() -> TryLifecycleFixture.deposits(new TryLifecycleFixture.Account()));
            assertThat(again.failure()).as(line).isInstanceOf(AssertionError.class)
                    .hasMessage("balance expected 150 but was 125");
        }
    }

    /**
     * A body that makes the state its program changes (a list of errors): a replay of the program
     * alone ran on the list the failing run had filled, every shrinking run failed, and a "shrunk"
     * line of 0 preemptions that passed on a fresh list was offered as a pin. Rerun as tries, the
     * replays start from a fresh list: both lines fail again on one, and the shrunk one keeps the
     * preemption a lost update needs.
     */
    @Test
    void stateTheBodyMakesIsFreshForEveryReplay() {
        Simulations.ScheduleFailure f = runFixture(NoTryStateFixture.class, "errorsCollectedInTheBody");
        assertThat(f.getMessage()).doesNotContain("not a pin");
        for (String line : java.util.List.of(f.replayLine(), f.shrunkReplayLine().orElse(f.replayLine()))) {
            SimResult<Integer> again = Simulation.builder().replay(line)
                    .run(() -> NoTryStateFixture.collect(new java.util.ArrayList<>()));
            assertThat(again.failure()).as(line).isInstanceOf(AssertionError.class)
                    .hasMessage("errors were collected");
        }
        assertThat(f.shrunkPreemptions().orElse(f.chessPreemptions())).as("a lost update needs a preemption")
                .isPositive();
    }

    /**
     * A failure that state kept across tries causes, and that only gets worse (a list an instance field grows at
     * every try), fails again on its replay with the same class and digest: that replay alone took it for a pin,
     * and the line, run on fresh state, passed. A try that passed before it is replayed too: it fails now, so the
     * message offers no pin and says why; with try state (a rerun of the tries) as without.
     */
    @Test
    void aFailureThatStateKeptAcrossTriesCausesIsNoPin() {
        for (Class<?> fixture : java.util.List.of(KeptStateFixture.class, KeptStateFixture.WithTryState.class)) {
            Simulations.ScheduleFailure f = runFixture(fixture, "listGrowsAcrossTries");
            assertThat(f.getCause()).as(fixture.getSimpleName()).hasMessageStartingWith("seen ");
            assertThat(f.getMessage()).as(fixture.getSimpleName())
                    .contains("\n  not a pin: a try that passed before it (its line simloop:")
                    .contains(") fails on its replay now (java.lang.IllegalStateException: seen ")
                    .contains("): the property keeps state across tries (a field of its instance, which jqwik makes"
                            + " once per property, that no @BeforeTry resets; a static field; a file)")
                    .doesNotContain("replay: Simulation.builder()").doesNotContain("@SimulatedLoop(replay");
            // the line, run on fresh state, passes: it was never a pin
            SimResult<Integer> alone = Simulation.builder().replay(f.replayLine())
                    .run(() -> KeptStateFixture.grow(new java.util.ArrayList<>()));
            assertThat(alone.failed()).as(fixture.getSimpleName()).isFalse();
        }
    }

    /** Try state that jqwik runs from an interface's default method, or through two annotations, is fresh for every replay too. */
    @Test
    void tryStateInAnInterfaceOrBehindTwoAnnotationsIsFreshForEveryReplay() {
        assertEachReplayIsATryOfItsOwn(TryStateShapesFixture.ViaInterface.class, TryStateShapesFixture.ViaTwoAnnotations.class);
    }

    /** Each fixture's failing property replays its program in tries of its own: as often as the bodies ran. */
    private static void assertEachReplayIsATryOfItsOwn(Class<?>... fixtures) {
        for (Class<?> fixture : fixtures) {
            TryStateShapesFixture.BODIES.set(0);
            TryStateShapesFixture.PROGRAMS.set(0);
            Simulations.ScheduleFailure f = runFixture(fixture, "deposits");
            assertThat(f.getMessage()).as(fixture.getSimpleName()).doesNotContain("not a pin");
            assertThat(TryStateShapesFixture.PROGRAMS.get()).as(fixture.getSimpleName()).isGreaterThan(2)
                    .isEqualTo(TryStateShapesFixture.BODIES.get());
        }
    }

    private static Simulations.ScheduleFailure runFixture(String property) {
        return runFixture(TryLifecycleFixture.class, property);
    }

    private static Simulations.ScheduleFailure runFixture(Class<?> fixture, String property) {
        return ShrinkTest.scheduleFailureOf(selectMethod(fixture, property, "dev.simloop.Schedule"));
    }

    /** Guards that try state in a class the property's @Group is nested in, or in a @BeforeTry field, is fresh for every replay too. */
    @Test
    void tryStateInAnEnclosingClassOrAFieldIsFreshForEveryReplay() {
        assertEachReplayIsATryOfItsOwn(TryStateShapesFixture.InAnEnclosingClass.Deposits.class, TryStateShapesFixture.ViaAField.class);
    }

    /**
     * Guards that the failure jqwik reports as the "Original Error" (the first failing sample's) is
     * settled (validated and shrunk) with its replays as tries of their own, on a fresh account: its
     * line is offered to pin, where a replay of the program alone would meet the account the
     * {@code @AfterTry} closed.
     */
    @Test
    void theOriginalErrorIsSettledWhileTheTriesCanStillRun() {
        String report = org.junit.platform.testkit.engine.EngineTestKit.engine("jqwik")
                .selectors(selectMethod(TryLifecycleFixture.class, "stateResetBeforeEachTry", "dev.simloop.Schedule"))
                .configurationParameter("jqwik.database", "")
                .configurationParameter("jqwik.reporting.usejunitplatform", "true")
                .execute().allEvents().reportingEntryPublished().stream()
                .flatMap(e -> e.getPayload(org.junit.platform.engine.reporting.ReportEntry.class).orElseThrow()
                        .getKeyValuePairs().values().stream())
                .filter(v -> v.contains("Original Error"))
                .findFirst().orElseThrow();
        String original = report.substring(report.indexOf("Original Error"));
        assertThat(original).contains("simulation failed with java.lang.AssertionError: balance expected 150 but was 125")
                .contains("  found:  simloop:1:").contains("  replay: Simulation.builder().replay(\"simloop:1:")
                .doesNotContain("not a pin");
    }

    /**
     * A failure whose line could not be replayed to validate it (a rerun of its try did not reach the
     * check) offers no line to pin: the line is not shown to repeat the failure. Before, the message
     * offered it as a pin ("value() throws the failure again") with the reason it was not validated
     * only among the suppressed exceptions.
     */
    @Test
    void aLineThatCouldNotBeReplayedIsNoPin() {
        TryLifecycleFixture.FIRST_BODY_ONLY.set(0);
        Simulations.ScheduleFailure f = runFixture("checksInItsFirstBodyOnly");
        assertThat(f.getSuppressed()).hasSize(1);
        assertThat(f.getSuppressed()[0]).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("a rerun of the failing try did not reach its Simulations.check call number 1");
        assertThat(f.getMessage()).contains("\n  not a pin: its line could not be replayed to validate it, so it is not"
                        + " shown to repeat the failure: java.lang.IllegalStateException: a rerun of the failing try did not"
                        + " reach its Simulations.check call number 1")
                .doesNotContain("\n  replay: ").doesNotContain("@SimulatedLoop(replay");
        assertThat(f.shrunkReplayLine()).isEmpty();
    }

    /**
     * A property that fails with an exception whose causes loop is reported: simloop's hook, which
     * looks for check failures among the causes of every property's failure, stops at a cause it has
     * seen. Before, it walked the loop for ever and the property hung, simloop or not in its body.
     */
    @Test
    void aFailureWhoseCausesLoopIsReportedNotWalkedForEver() {
        Throwable t = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
                () -> org.junit.platform.testkit.engine.EngineTestKit.engine("jqwik")
                        .selectors(selectMethod(CyclicCauseFixture.class, "causesLoop", "dev.simloop.Schedule"))
                        .configurationParameter("jqwik.database", "").execute().testEvents().failed().stream()
                        .findFirst().orElseThrow()
                        .getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
                        .getThrowable().orElseThrow());
        assertThat(t).isExactlyInstanceOf(IllegalStateException.class).hasMessage("a");
        assertThat(t.getCause()).isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("b");
        assertThat(t.getCause().getCause()).isSameAs(t);
    }
}
