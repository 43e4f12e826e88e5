package dev.simloop.junit;

import static dev.simloop.junit.SimulatedLoopExtensionTest.onlyFailure;
import static dev.simloop.junit.SimulatedLoopExtensionTest.onlySimFailure;
import static dev.simloop.junit.SimulatedLoopExtensionTest.replayLineIn;
import static dev.simloop.junit.SimulatedLoopExtensionTest.reportEntries;
import static dev.simloop.junit.SimulatedLoopExtensionTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.simloop.junit.fixtures.CombinationFixtures;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * {@code @SimulatedLoop} combined with the JUnit features a user combines it with: inheritance,
 * {@code @Nested}, templates, {@code @Disabled}, {@code @Timeout} with {@code timeLimit},
 * {@code @BeforeAll}, an extension registered twice, parallel classes.
 */
class JUnitFeatureCombinationsTest {
    private static final List<String> LOG = CombinationFixtures.LOG;

    @BeforeEach
    void clearLog() {
        LOG.clear();
        SimulatedLoopExtension.forgetFailuresForRerun();
    }

    private static List<String> failures(EngineExecutionResults r) {
        return r.testEvents().failed().stream()
                .map(e -> e.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable)
                        .map(String::valueOf).orElse("?"))
                .toList();
    }

    /** @return the distinct values of {@code key=} in the lines that start with {@code prefix} */
    private static Set<String> distinct(String prefix, String key) {
        Set<String> ids = new HashSet<>();
        for (String l : LOG) {
            if (l.startsWith(prefix)) {
                for (String part : l.split(" ")) {
                    if (part.startsWith(key + "=")) {
                        ids.add(part);
                    }
                }
            }
        }
        return ids;
    }

    /**
     * Guards that JUnit 4's assumptions abort a simulated test, or skip its schedule, as JUnit Jupiter
     * aborts a plain test that makes one: they failed it with a report and a replay line.
     */
    @Test
    void aJUnit4AssumptionThatFailsAbortsTheTestOrSkipsItsSchedule() {
        EngineExecutionResults r = run(CombinationFixtures.JUnit4Assumptions.class);
        r.testEvents().assertStatistics(s -> s.aborted(3).succeeded(1).failed(0));
        assertThat(r.testEvents().aborted().list().stream()
                .map(e -> e.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow())
                .map(t -> t.getClass().getName() + ": " + t.getMessage().lines().findFirst().orElseThrow()))
                .containsExactlyInAnyOrder("org.junit.AssumptionViolatedException: no database here",
                        "org.junit.AssumptionViolatedException: no database here",
                        "org.junit.AssumptionViolatedException: assumption was not met due to: ");
        assertThat(reportEntries(r, "simloop")).contains("passed 2 of 4 schedules (strategy portfolio, seed 1);"
                + " 2 schedules aborted by an assumption");

        EngineExecutionResults later = run(CombinationFixtures.JUnit4AssumptionInALaterBeforeEach.class);
        later.testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
        assertThat(reportEntries(later, "simloop")).containsExactly("passed 2 of 3 schedules (strategy portfolio,"
                + " seed 1); 1 schedule aborted by an assumption");
    }

    @Test
    void aNestedTestGetsFreshOuterAndInnerInstancesWithTheirBeforeEachForEverySchedule() {
        EngineExecutionResults r = run(CombinationFixtures.NestedWithOuterSetUp.class);
        assertThat(failures(r)).isEmpty();
        assertThat(LOG.stream().filter(l -> l.startsWith("run "))).as("%s", LOG).hasSize(3)
                .allMatch(l -> l.contains(" outerSetUps=1 innerSetUps=1 "));
        assertThat(distinct("run ", "outer")).as("%s", LOG).hasSize(3);
        assertThat(distinct("run ", "inner")).as("%s", LOG).hasSize(3);
        assertThat(LOG.stream().filter(l -> l.startsWith("after "))).hasSize(3);
    }

    @Test
    void aNestedTestOfAPerClassOuterClassKeepsThatOuterInstanceForEverySchedule() {
        run(CombinationFixtures.PerClassOuter.class).testEvents().assertStatistics(s -> s.started(1).succeeded(1));

        // every schedule (and the traced replay of none) runs on the one outer instance its @BeforeAll set
        // up, with a fresh inner instance, and the outer @BeforeEach runs around each schedule
        assertThat(LOG).hasSize(3).allMatch(l -> l.contains(" server=up "));
        assertThat(distinct("run ", "outer")).hasSize(1);
        assertThat(distinct("run ", "inner")).hasSize(3);
        assertThat(LOG).extracting(l -> l.substring(l.indexOf("outerSetUps="), l.indexOf(" inner=")))
                .containsExactly("outerSetUps=1", "outerSetUps=2", "outerSetUps=3");
    }

    /**
     * A PER_CLASS test keeps its instance for every schedule (as junit.md promises), so a failure that depends on a
     * field no {@code @BeforeEach} resets does not replay: the report offers no pin, and names that field's kind as
     * the likely cause, where it named only static fields, the real clock and other threads.
     */
    @Test
    void aPerClassTestsFailureThatDependsOnItsKeptInstanceNamesThatAsTheCause() {
        SimulatedLoopFailure f = onlySimFailure(run(CombinationFixtures.PerClassCountNotReset.class));
        assertThat(f.getCause()).hasMessage("the third run");
        assertThat(f.getMessage()).contains("  schedule:     3 of 5")
                .contains("  not a pin:    replaying it did not fail the same way: the failure depends on more than the"
                        + " schedule (a field of the @TestInstance(PER_CLASS) instance that every schedule shares and no"
                        + " @BeforeEach resets, a static field kept across schedules, the real clock, another thread), so"
                        + " the line is no test to pin")
                .doesNotContain("annotation:");
    }

    /**
     * A failure that depends on the schedule's index (from its SimulationContext) is no pin: the pasted line runs
     * as schedule 1 of 1 and passes. The report's replay now runs as the pasted line does, so it says so, where it
     * replayed with the failing schedule's index, failed again, and offered the line to paste.
     */
    @Test
    void aFailureThatDependsOnTheScheduleIndexIsNoPin() {
        SimulatedLoopFailure f = onlySimFailure(run(CombinationFixtures.FailsByScheduleIndex.class));
        assertThat(f.getCause()).hasMessageStartingWith("index 2");
        assertThat(f.getMessage()).contains("  schedule:     3 of 5")
                .contains("  not a pin:    replaying it did not fail the same way: the failure depends on more than the"
                        + " schedule (the schedule's index or count that its SimulationContext gives, which are 0 and 1"
                        + " for a replay, a static field kept across schedules")
                .doesNotContain("annotation:");
        assertThat(LOG).containsExactly("index 0 of 5", "index 1 of 5", "index 2 of 5", "index 0 of 1");
    }

    /**
     * A failure that state kept across schedules causes, and that only gets worse (a list that grows at every
     * schedule), fails again on its replay with the same class and digest: that replay alone took it for a pin, and
     * the pasted line, run on fresh state, passed. The report replays the first schedule, which passed, too: it fails
     * now, so the line is no pin, and the report says why (for a PER_CLASS field and for a static one).
     */
    @Test
    void aFailureThatStateKeptAcrossSchedulesCausesIsNoPinEvenWhenItsReplayFailsAgain() {
        SimulatedLoopFailure perClass = onlySimFailure(run(CombinationFixtures.PerClassListNotReset.class));
        assertThat(perClass.getCause()).hasMessage("seen 3");
        assertThat(perClass.getMessage()).contains("  schedule:     3 of 5")
                .contains("  not a pin:    schedule 1 passed, and its replay after the exploration failed"
                        + " (java.lang.IllegalStateException: seen ")
                .contains("): the test keeps state across schedules (a field of the @TestInstance(PER_CLASS) instance"
                        + " that every schedule shares and no @BeforeEach resets, a static field, a file), so the failure"
                        + " depends on the schedules run before it and its line, run alone, does not repeat it; make that"
                        + " state fresh for every schedule")
                .doesNotContain("annotation:").doesNotContain("command line:");

        CombinationFixtures.StaticListKept.SEEN.clear();
        SimulatedLoopFailure kept = onlySimFailure(run(CombinationFixtures.StaticListKept.class));
        assertThat(kept.getCause()).hasMessage("seen 3");
        assertThat(kept.getMessage()).contains("  not a pin:    schedule 1 passed, and its replay after the exploration"
                + " failed (java.lang.IllegalStateException: seen ").contains("): the test keeps state across schedules"
                + " (a static field, a file)").doesNotContain("annotation:");

        // the line the report did offer before: pasted, it runs on fresh state and passes
        CombinationFixtures.StaticListKept.SEEN.clear();
        String line = replayLineIn(kept.getMessage());
        run(selectClass(CombinationFixtures.StaticListKept.class), Map.of("simloop.replay", line))
                .testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
    }

    /**
     * The kept-state check does not run for a test with an {@code @AfterEach}: its first schedule ran on JUnit's own
     * instance without it, so that schedule's replay, which runs it, may fail for its own seed and call a pin "not a
     * pin". Here the {@code @AfterEach} always fails and nothing is kept: schedule 2's line is a pin.
     */
    @Test
    void aTestWhoseAfterEachFailsGetsAPinNotAKeptStateNote() {
        SimulatedLoopFailure f = onlySimFailure(run(CombinationFixtures.AfterEachAlwaysFails.class));
        assertThat(f.getCause()).hasMessage("after each fails");
        assertThat(f.getMessage()).contains("  schedule:     2 of 5 (exploration base seed 3)")
                .contains("  annotation:   @SimulatedLoop(replay = \"simloop:").doesNotContain("not a pin");
    }

    /**
     * A {@code TestExecutionExceptionHandler} gets the {@code SimulatedLoopFailure}, once per test (after the
     * exploration), with the test's own exception as its cause: the handler junit.md shows, which looks at that cause,
     * swallows an {@code IOException} and passes the rest on with their reports.
     */
    @Test
    void anExceptionHandlerGetsTheReportWithTheTestsExceptionAsItsCause() {
        EngineExecutionResults r = run(CombinationFixtures.HandledFailures.class);
        r.testEvents().assertStatistics(s -> s.succeeded(1).failed(1));
        assertThat(LOG).containsExactlyInAnyOrder("handler got SimulatedLoopFailure caused by IOException",
                "handler got SimulatedLoopFailure caused by IllegalStateException");
        SimulatedLoopFailure f = onlySimFailure(r);
        assertThat(f.getCause()).isInstanceOf(IllegalStateException.class).hasMessage("bad state");
        assertThat(f.getMessage()).contains("  replay:       simloop:");
    }

    /** A @Nested test's report names the classes it is nested in, as JUnit's tree shows them: two outer classes may each nest an Inner. */
    @Test
    void aNestedTestsReportNamesItsOuterClass() {
        SimulatedLoopFailure f = onlySimFailure(run(CombinationFixtures.OuterOfAFailingNestedTest.class));
        assertThat(f.getMessage()).startsWith("simloop: OuterOfAFailingNestedTest.Inner.fails failed in a simulated run\n");
    }

    @Test
    void aNestedTestOfAPerClassOuterClassRunsItsSchedulesOneAtATime() {
        assertThat(onlyFailure(run(CombinationFixtures.PerClassOuterOnTwoWorkers.class)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("@SimulatedLoop(parallelism = 2) on a @TestInstance(PER_CLASS) test: its"
                        + " schedules would run at once on the one instance it keeps");
    }

    @Test
    void anInheritedSimulatedTestRunsEverySheduleOnAFreshInstanceOfTheSubclass() {
        EngineExecutionResults r = run(CombinationFixtures.InheritsASimulatedTest.class);
        assertThat(failures(r)).isEmpty();
        assertThat(LOG).as("%s", LOG).hasSize(3).allMatch(l -> l.startsWith("inherited InheritsASimulatedTest ")
                && l.contains(" setUps=1 "));
        assertThat(distinct("inherited", "id")).hasSize(3);
    }

    @Test
    void aSimulatedDefaultMethodOfAnInterfaceRunsEveryScheduleOnAFreshInstanceWithItsBeforeEach() {
        EngineExecutionResults r = run(CombinationFixtures.ImplementsTheContract.class);
        assertThat(failures(r)).isEmpty();
        List<String> runs = LOG.stream().filter(l -> l.startsWith("contract ImplementsTheContract ")).toList();
        assertThat(runs).as("%s", LOG).hasSize(3);
        assertThat(LOG.stream().filter(l -> l.startsWith("contract before "))).hasSize(3);
        assertThat(distinct("contract ImplementsTheContract", "id")).hasSize(3);
    }

    @Test
    void theAnnotationOnASuperclassOrAnInterfaceAppliesToTheTestsOfTheClass() {
        assertThat(failures(run(CombinationFixtures.InheritsTheClassAnnotation.class))).isEmpty();
        assertThat(failures(run(CombinationFixtures.ImplementsTheAnnotatedInterface.class))).isEmpty();
        // the first schedule's seed is the annotation's; the second's is derived from it
        assertThat(LOG).as("%s", LOG).hasSize(4);
        assertThat(LOG.get(0)).isEqualTo("class-inherited 3 0 of 2");
        assertThat(LOG.get(1)).startsWith("class-inherited ").endsWith(" 1 of 2");
        assertThat(LOG.get(2)).isEqualTo("interface-annotated 4 0 of 2");
        assertThat(LOG.get(3)).startsWith("interface-annotated ").endsWith(" 1 of 2");
    }

    @Test
    void anInheritedRacyTestFailsWithAReplayLineThatReplaysIt() {
        SimulatedLoopFailure f = onlySimFailure(run(CombinationFixtures.InheritsARacyTest.class));
        assertThat(f.getMessage()).contains("simloop: InheritsARacyTest.lostUpdate failed in a simulated run")
                .contains("both increments must count");
        String line = replayLineIn(f.getMessage());
        SimulatedLoopFailure again = onlySimFailure(run(selectClass(CombinationFixtures.InheritsARacyTest.class),
                Map.of("simloop.replay", line)));
        assertThat(again.getCause()).hasMessageContaining("both increments must count");
        assertThat(replayLineIn(again.getMessage())).isEqualTo(line);
    }

    @Test
    void aCustomTestTemplatesInvocationsAreEachAnExploration() {
        EngineExecutionResults r = run(CombinationFixtures.CustomTemplate.class);
        assertThat(failures(r)).isEmpty();
        r.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        assertThat(LOG).as("%s", LOG).hasSize(6).allMatch(l -> l.contains(" setUps=1 "));
        assertThat(distinct("template", "id")).hasSize(6);
    }

    /**
     * A SimulationContext asked for in a {@code @BeforeEach} is refused saying that only the test method
     * gets one and why, where JUnit said "No ParameterResolver registered for parameter".
     */
    @Test
    void aSimulationContextAskedForOutsideTheTestMethodIsRefusedSayingWhy() {
        Throwable t = onlyFailure(run(CombinationFixtures.ContextInBeforeEach.class));
        assertThat(t).isInstanceOf(org.junit.jupiter.api.extension.ParameterResolutionException.class)
                .hasMessage("a SimulationContext is given to a @SimulatedLoop test method only, and the method"
                        + " ContextInBeforeEach.setUp() is not that: its clock and root group are those of the schedule's"
                        + " run, whose root task is the test method's body. Take it as a parameter of the test method.");
        assertThat(LOG).isEmpty();
    }

    /**
     * A class whose instances a {@code TestInstanceFactory} makes, from a constructor parameter no resolver
     * supplies: its second schedule failed with JUnit's bare {@code ParameterResolutionException} ("No
     * ParameterResolver registered for parameter [java.lang.String arg0] in constructor ..."), though the test
     * runs without {@code @SimulatedLoop}. It now says why and what to do; the PER_CLASS it suggests works.
     */
    @Test
    void aClassThatATestInstanceFactoryMakesSaysHowToKeepItsInstance() {
        // the factory is named before the constructor is tried: a ParameterResolver would not make it as the factory did
        Throwable t = onlyFailure(run(CombinationFixtures.MadeByAFactory.class));
        assertThat(t).isInstanceOf(IllegalStateException.class).hasMessage(byTheFactory(
                CombinationFixtures.MadeByAFactory.class, "the TestInstanceFactory NamingFactory, which @ExtendWith"));
        assertThat(t.getSuppressed()).singleElement().satisfies(s -> assertThat(s)
                .hasMessageStartingWith("simloop: thrown while setting up schedule 2 of 3 "));
        assertThat(LOG).containsExactly("factory 0 made by the factory");

        // a constructor JUnit could call: before, the later schedules ran on instances the factory never made
        // ("resolvable 1 made by its constructor"), and passed
        LOG.clear();
        assertThat(onlyFailure(run(CombinationFixtures.ResolvableMadeByAFactory.class))).hasMessage(byTheFactory(
                CombinationFixtures.ResolvableMadeByAFactory.class, "the TestInstanceFactory SettingFactory, which"
                        + " @ExtendWith"));
        assertThat(LOG).containsExactly("resolvable 0 made by the factory");
        LOG.clear();
        assertThat(onlyFailure(run(CombinationFixtures.RegisteredFactoryMakes.class))).hasMessage(byTheFactory(
                CombinationFixtures.RegisteredFactoryMakes.class, "the TestInstanceFactory in the field FACTORY, which"
                        + " @RegisterExtension"));
        assertThat(LOG).containsExactly("registered 0 made by the factory");

        LOG.clear();
        assertThat(onlyFailure(run(CombinationFixtures.TwoConstructorsMadeByAFactory.class)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("@SimulatedLoop needs a fresh instance of " + CombinationFixtures.TwoConstructorsMadeByAFactory.class
                        .getName() + " for each schedule after the first, and makes it with the class's constructor, as"
                        + " JUnit does; but the class declares 2 constructors, so JUnit's own instance was made otherwise"
                        + " (by the TestInstanceFactory NamingFactory, which @ExtendWith registers and which JUnit alone"
                        + " calls). Keep that one instance for every schedule with @TestInstance(Lifecycle.PER_CLASS)"
                        + " (reset its state in @BeforeEach), or run one schedule.");
        assertThat(LOG).containsExactly("two 0 made by the factory");

        LOG.clear();
        run(CombinationFixtures.KeptFromAFactory.class).testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        assertThat(LOG).containsExactly("kept 0 made by the factory", "kept 1 made by the factory",
                "kept 2 made by the factory");
    }

    private static String byTheFactory(Class<?> c, String factory) {
        return "@SimulatedLoop needs a fresh instance of " + c.getName() + " for each schedule after the first, and makes"
                + " it with the class's constructor; but JUnit's own instance, which the first schedule ran on, was made"
                + " by " + factory + " registers and which JUnit alone calls, so the later ones would not be made as it"
                + " was. Keep that one instance for every schedule with @TestInstance(Lifecycle.PER_CLASS) (reset its"
                + " state in @BeforeEach), or run one schedule.";
    }

    /**
     * As junit.md says where it advises taking mocks as constructor parameters: those are resolved anew for every
     * schedule's fresh instance, while a test method parameter is resolved once and shared by every schedule.
     */
    @Test
    void aConstructorParameterIsResolvedForEveryScheduleAndATestMethodParameterOnce() {
        assertThat(failures(run(CombinationFixtures.ResolvedParameters.class))).isEmpty();
        assertThat(LOG).containsExactly("resolved 0 c m", "resolved 1 c mm", "resolved 2 c mmm");
    }

    /**
     * An {@code @AutoClose} field was copied from JUnit's instance to every fresh one, as fields that JUnit's
     * extensions set are: every schedule used the first schedule's resource (its state carried over), and the
     * resource each fresh instance's initializer made was never closed. Each schedule now has its own, closed
     * after it, as JUnit closes its own instance's after the test.
     */
    @Test
    void anAutoCloseFieldIsEverySchedulesOwnAndClosedAfterIt() {
        CombinationFixtures.Resource.resetIds();
        assertThat(failures(run(CombinationFixtures.AutoClosedField.class))).isEmpty();
        assertThat(LOG).containsExactly("schedule 0 resource1 rows=1",
                "schedule 1 resource2 rows=1", "close resource2 rows=1",
                "schedule 2 resource3 rows=1", "close resource3 rows=1",
                "close resource1 rows=1");
    }

    /**
     * An {@code @AutoClose} field that the test method fills with a {@code Loop.executor()} it never shuts
     * down: its close after the schedule (simloop's, and JUnit's for its own instance) threw an
     * IllegalStateException, "must be called from a simloop task", failing every schedule of a passing
     * test. Once its run is over the executor is terminated, and the close has nothing to do.
     */
    @Test
    void anAutoCloseFieldHoldingTheLoopsExecutorIsClosedAfterItsRunWithoutAFailure() {
        assertThat(failures(run(CombinationFixtures.AutoClosedExecutor.class))).isEmpty();
        assertThat(LOG).containsExactly("schedule 0 got 42", "schedule 1 got 42", "schedule 2 got 42");
    }

    @Test
    void aDisabledSimulatedTestOrClassIsSkippedWithoutRunning() {
        run(CombinationFixtures.DisabledMethod.class).testEvents().assertStatistics(s -> s.skipped(1).started(0));
        run(CombinationFixtures.DisabledClass.class).containerEvents().assertStatistics(s -> s.skipped(1));
        assertThat(LOG).isEmpty();
    }

    @Test
    void aTimeoutShorterThanTheTimeLimitFailsTheTestAsATimeout() {
        Throwable t = onlyFailure(run(CombinationFixtures.TimeoutBeforeTimeLimit.class));
        assertThat(t).isInstanceOf(TimeoutException.class).hasMessageContaining("timed out after 300 milliseconds");
    }

    /**
     * A later schedule's lifecycle methods are the extension's to call, not JUnit's: before, their
     * timeouts held on the first schedule only, and a @BeforeEach that hung on the second ran on.
     */
    @Test
    void aLifecycleMethodsTimeoutHoldsOnEverySchedule() {
        CombinationFixtures.BeforeEachTimeoutOnALaterSchedule.CALLS.set(0);
        long start = System.nanoTime();
        Throwable t = onlyFailure(run(CombinationFixtures.BeforeEachTimeoutOnALaterSchedule.class));
        assertThat(t).isInstanceOf(TimeoutException.class).hasMessage("setUp() timed out after 200 milliseconds (a"
                + " lifecycle method of " + CombinationFixtures.BeforeEachTimeoutOnALaterSchedule.class.getName()
                + ", which simloop calls around every schedule after the first, with the timeout JUnit gives it)");
        assertThat(LOG).containsExactly("setUp 0", "test", "setUp 1", "setUp 1 interrupted");
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(4));

        // an @AfterEach without one of its own gets the configuration parameters' default, as JUnit's own does
        LOG.clear();
        CombinationFixtures.AfterEachTimeoutFromTheDefaults.CALLS.set(0);
        EngineExecutionResults r = SimulatedLoopExtensionTest.run(
                org.junit.platform.engine.discovery.DiscoverySelectors.selectClass(
                        CombinationFixtures.AfterEachTimeoutFromTheDefaults.class),
                Map.of("junit.jupiter.execution.timeout.aftereach.method.default", "200 ms"));
        Throwable after = onlyFailure(r);
        assertThat(after).isInstanceOf(dev.simloop.junit.SimulatedLoopFailure.class);
        assertThat(after.getCause()).isInstanceOf(TimeoutException.class)
                .hasMessageStartingWith("tearDown() timed out after 200 milliseconds");
        // schedule 3's tearDown (the fresh instances' second call) was stopped; then the report's traced replay
        // of that schedule, and JUnit's own tearDown of the first, after the exploration
        assertThat(LOG).containsExactly("test", "test", "tearDown 0", "test", "tearDown 1", "tearDown 1 interrupted",
                "test", "tearDown 2", "tearDown 3");
        // turned off, as JUnit's are
        LOG.clear();
        CombinationFixtures.BeforeEachTimeoutOnALaterSchedule.CALLS.set(0);
        assertThat(failures(SimulatedLoopExtensionTest.run(
                org.junit.platform.engine.discovery.DiscoverySelectors.selectClass(
                        CombinationFixtures.BeforeEachTimeoutOnALaterSchedule.class),
                Map.of("junit.jupiter.execution.timeout.mode", "disabled")))).isEmpty();
        assertThat(LOG).contains("setUp 1 slept on");
    }

    @Test
    void aTimeLimitShorterThanTheTimeoutEndsAPassingExploration() {
        EngineExecutionResults r = run(CombinationFixtures.TimeLimitBeforeTimeout.class);
        assertThat(failures(r)).isEmpty();
        assertThat(reportEntries(r, "simloop.stopReason")).containsExactly("TIME_LIMIT");
    }

    @Test
    void aSimulationInBeforeAllRunsAndTheSimulatedTestsStillRunInTheirOwn() {
        EngineExecutionResults r = run(CombinationFixtures.SimulationInBeforeAll.class);
        assertThat(failures(r)).isEmpty();
        assertThat(LOG).containsExactly("beforeAll PT1H", "test 0 PT1M", "test 1 PT1M");
    }

    @Test
    void aRuntimeCallInBeforeAllSaysThatItRunsOutsideAnyRun() {
        EngineExecutionResults r = run(CombinationFixtures.RuntimeCallInBeforeAll.class);
        Throwable t = r.containerEvents().failed().list().getFirst().getPayload(TestExecutionResult.class).orElseThrow()
                .getThrowable().orElseThrow();
        assertThat(t).isInstanceOf(IllegalStateException.class).hasMessageStartingWith("Loop.nanoTime must be called from a"
                + " simloop task, but it was called from @BeforeAll method RuntimeCallInBeforeAll.clock, which JUnit runs"
                + " outside the simulated run");
        assertThat(LOG).isEmpty();
    }

    /**
     * A {@code @BeforeAll} that fails (or another extension's {@code BeforeAllCallback}: a container that did
     * not start) makes JUnit run none of the class's tests. Its simulated tests left no results line, so a
     * merge of the shards passed them, with {@code -Dmaven.test.failure.ignore=true} as scale-out.md runs
     * them: a failure lost. Each now leaves an ERROR line with that failure, under the id JUnit gives it.
     */
    @Test
    void aBeforeAllThatFailsLeavesAnErrorLineForEachSimulatedTestOfTheClass(@TempDir Path dir) throws IOException {
        Path results = dir.resolve("results.jsonl");
        EngineExecutionResults r = run(selectClass(CombinationFixtures.BeforeAllFails.class),
                Map.of("simloop.results", results.toString()));
        r.testEvents().assertStatistics(s -> s.started(0));
        assertThat(LOG).isEmpty();

        assertThat(results).as("no results line was written").exists();
        List<Map<String, Object>> lines = resultLines(results);
        assertThat(lines).extracting(l -> l.get("test")).as("%s", lines)
                .containsExactlyInAnyOrderElementsOf(testIds(CombinationFixtures.BeforeAllFails.class));
        assertThat(lines).extracting(l -> l.get("method")).containsExactlyInAnyOrder("t", "repeated", "nested");
        for (Map<String, Object> line : lines) {
            assertThat(line).containsEntry("stopReason", "ERROR").containsEntry("run", 0L).containsEntry("shard", "1/1")
                    .containsEntry("seed", 1L).containsEntry("schedules", 3L);
            assertThat(line.get("failures")).asInstanceOf(InstanceOfAssertFactories.LIST).singleElement()
                    .asInstanceOf(InstanceOfAssertFactories.MAP)
                    .containsEntry("type", "java.lang.IllegalStateException")
                    .containsEntry("message", "the database did not start").containsEntry("replay", null);
        }
        assertThat(Results.run(new String[] {"merge", results.toString()}, new PrintStream(OutputStream.nullOutputStream()),
                System.err)).isEqualTo(1);
    }

    /**
     * A {@code @Nested} class declared in a superclass runs in an instance of the test class that inherits it, whose
     * {@code @SimulatedLoop} applies to it as to its own {@code @Nested} classes. The annotation was looked up on the
     * declaring superclass instead: the test ran one schedule with a fresh seed, or the superclass's count and seed
     * when it had an annotation of its own; and a failed {@code @BeforeAll} left a line with those settings.
     */
    @Test
    void aNestedClassInheritedFromASuperclassRunsWithTheTestClasssAnnotation(@TempDir Path dir) throws IOException {
        assertThat(failures(run(CombinationFixtures.InheritsANestedClass.class))).isEmpty();
        // the first schedule's seed is the annotation's; the later ones' are derived from it
        assertThat(LOG).as("%s", LOG).hasSize(3);
        assertThat(LOG.get(0)).isEqualTo("inherited-nested InheritsANestedClass 5 0 of 3");
        assertThat(LOG.get(1)).startsWith("inherited-nested InheritsANestedClass ").endsWith(" 1 of 3");
        assertThat(LOG.get(2)).startsWith("inherited-nested InheritsANestedClass ").endsWith(" 2 of 3");

        LOG.clear();
        assertThat(failures(run(CombinationFixtures.InheritsAnAnnotatedNestedClass.class))).isEmpty();
        assertThat(LOG).hasSize(3).first().isEqualTo("inherited-annotated 7 0 of 3");

        Path results = dir.resolve("results.jsonl");
        run(selectClass(CombinationFixtures.InheritsANestedClassBeforeAllFails.class),
                Map.of("simloop.results", results.toString())).testEvents().assertStatistics(s -> s.started(0));
        assertThat(resultLines(results)).singleElement().satisfies(l -> assertThat(l).containsEntry("method", "t")
                .containsEntry("stopReason", "ERROR").containsEntry("seed", 5L).containsEntry("schedules", 3L));
    }

    /** An {@code @AfterAll} that fails after the class's simulated tests ran adds no line: theirs stand. */
    @Test
    void anAfterAllThatFailsLeavesTheLinesOfTheTestsThatRan(@TempDir Path dir) throws IOException {
        Path results = dir.resolve("results.jsonl");
        EngineExecutionResults r = run(selectClass(CombinationFixtures.AfterAllFails.class),
                Map.of("simloop.results", results.toString()));
        r.testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        assertThat(resultLines(results)).singleElement().satisfies(l -> assertThat(l)
                .containsEntry("stopReason", "ALL_SCHEDULES_RUN").containsEntry("run", 3L));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> resultLines(Path results) throws IOException {
        return Files.readAllLines(results).stream().map(l -> (Map<String, Object>) Json.read(l)).toList();
    }

    /** @return the unique ids JUnit gives the test methods (and templates) of {@code fixture} and its @Nested classes */
    private static List<String> testIds(Class<?> fixture) {
        List<String> ids = new java.util.ArrayList<>();
        collect(EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).discover().getEngineDescriptor(), ids);
        return ids;
    }

    private static void collect(org.junit.platform.engine.TestDescriptor d, List<String> ids) {
        if (d.getSource().filter(org.junit.platform.engine.support.descriptor.MethodSource.class::isInstance).isPresent()) {
            ids.add(d.getUniqueId().toString());
        }
        d.getChildren().forEach(c -> collect(c, ids));
    }

    @Test
    void theExtensionNamedTwiceRunsTheDocumentedSchedulesOnce() {
        EngineExecutionResults r = run(CombinationFixtures.ExtendedTwice.class);
        assertThat(failures(r)).isEmpty();
        assertThat(LOG).hasSize(3).allMatch(l -> l.contains(" setUps=1 "));
    }

    @Test
    void theExtensionRegisteredInAFieldAsWellAsByTheAnnotation() {
        EngineExecutionResults r = run(CombinationFixtures.RegisteredTwice.class);
        assertThat(failures(r)).isEmpty();
        assertThat(LOG).hasSize(3).allMatch(l -> l.contains(" setUps=1 "));
    }

    @Test
    void theExtensionRegisteredInAFieldAlone() {
        EngineExecutionResults r = run(CombinationFixtures.RegisteredOnly.class);
        assertThat(failures(r)).isEmpty();
        assertThat(LOG).containsExactly("registered-only 0 of 1 0");
    }

    @Test
    void theExtensionAutoDetectedAsWellAsByTheAnnotation() {
        EngineExecutionResults r = run(selectClass(CombinationFixtures.ExtendedTwice.class),
                Map.of("junit.jupiter.extensions.autodetection.enabled", "true"));
        assertThat(failures(r)).isEmpty();
        assertThat(LOG).hasSize(3).allMatch(l -> l.contains(" setUps=1 "));
    }

    /**
     * An instance of the extension in a {@code @RegisterExtension} field is registered beside the one that
     * {@code @SimulatedLoop} on the class names (JUnit drops only a second registration by class). Both
     * simulated the test: the second inside the first one's first schedule, which failed with a
     * NondeterminismDetected (its task "woken by thread 'simloop-driver-…', which the simulation does not
     * own") and no line to pin; with a SimulationContext parameter, JUnit failed it for "multiple competing
     * ParameterResolvers". Now one of them simulates the test, and the other lets it through.
     */
    @Test
    void theExtensionInAFieldBesideTheAnnotationOnTheClassSimulatesTheTestOnce() {
        EngineExecutionResults r = run(CombinationFixtures.AnnotatedClassAndRegisteredFieldNoParameter.class);
        assertThat(failures(r)).isEmpty();
        assertThat(LOG).hasSize(3).allMatch(l -> l.contains(" setUps=1 ")).allMatch(l -> l.contains("@simloop-driver-"));
        assertThat(distinct("class+field-noparam", "id")).hasSize(3);
        assertThat(reportEntries(r, "simloop.schedules")).containsExactly("3");
        r = run(CombinationFixtures.AnnotatedClassAndRegisteredField.class);
        assertThat(failures(r)).isEmpty();
        assertThat(LOG.stream().filter(l -> l.startsWith("class+field "))).hasSize(3)
                .allMatch(l -> l.contains(" setUps=1 "));
        assertThat(distinct("class+field ", "id")).hasSize(3);
    }

    /** A failure of a test whose extension is registered twice is reported once, with a line that replays it. */
    @Test
    void aFailureOfATestWithTheExtensionRegisteredTwiceHasItsReplayLineAndOneResultsLine(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Path results = dir.resolve("results.jsonl");
        SimulatedLoopFailure f = onlySimFailure(run(selectClass(CombinationFixtures.RacyRegisteredTwice.class),
                Map.of("simloop.results", results.toString())));
        assertThat(f.getCause()).isInstanceOf(org.opentest4j.AssertionFailedError.class)
                .hasMessageContaining("both increments must count");
        assertThat(f.getMessage()).doesNotContain("not a pin");
        String line = replayLineIn(f.getMessage());
        SimulatedLoopFailure again = onlySimFailure(run(selectClass(CombinationFixtures.RacyRegisteredTwice.class),
                Map.of("simloop.replay", line, "simloop.results", "none")));
        assertThat(replayLineIn(again.getMessage())).isEqualTo(line);
        List<String> lines = java.nio.file.Files.readAllLines(results);
        assertThat(lines).as("%s", lines).hasSize(1);
        assertThat(lines.getFirst()).contains(line).doesNotContain("ERROR");
    }

    @Test
    void theAnnotationOnTheClassAndTheExtensionAutoDetected() {
        EngineExecutionResults r = run(selectClass(CombinationFixtures.AnnotatedClass.class),
                Map.of("junit.jupiter.extensions.autodetection.enabled", "true"));
        assertThat(failures(r)).isEmpty();
        assertThat(LOG).hasSize(3).allMatch(l -> l.contains(" setUps=1 "));
    }

    @Test
    void twoSimulatedClassesRunAtOnceFindTheSameFailuresAsOneAfterTheOther() {
        EngineExecutionResults sequential = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(CombinationFixtures.RacyA.class), selectClass(CombinationFixtures.RacyB.class))
                .execute();
        EngineExecutionResults parallel = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(CombinationFixtures.RacyA.class), selectClass(CombinationFixtures.RacyB.class))
                .configurationParameters(Map.of(
                        "junit.jupiter.execution.parallel.enabled", "true",
                        "junit.jupiter.execution.parallel.mode.default", "concurrent",
                        "junit.jupiter.execution.parallel.mode.classes.default", "concurrent",
                        "junit.jupiter.execution.parallel.config.strategy", "fixed",
                        "junit.jupiter.execution.parallel.config.fixed.parallelism", "4"))
                .execute();
        for (EngineExecutionResults r : List.of(sequential, parallel)) {
            r.testEvents().assertStatistics(s -> s.started(4).succeeded(2).failed(2));
        }
        assertThat(lines(parallel)).isEqualTo(lines(sequential)).hasSize(2);
        assertThat(reportEntries(parallel, "simloop.schedules")).containsExactly("200", "200");
    }

    private static Set<String> lines(EngineExecutionResults r) {
        Set<String> lines = new HashSet<>();
        r.testEvents().failed().stream().forEach(e -> lines.add(replayLineIn(e.getPayload(TestExecutionResult.class)
                .orElseThrow().getThrowable().orElseThrow().getMessage())));
        return lines;
    }
}
