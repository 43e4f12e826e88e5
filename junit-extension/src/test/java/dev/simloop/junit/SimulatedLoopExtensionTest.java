package dev.simloop.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import dev.simloop.DeadlockDetected;
import dev.simloop.LeakDetected;
import dev.simloop.LimitExceeded;
import dev.simloop.NondeterminismDetected;
import dev.simloop.junit.fixtures.Fixtures;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.EventType;

/** Runs the fixtures through the JUnit Platform and checks what users would see. */
class SimulatedLoopExtensionTest {
    private static final Pattern REPLAY = Pattern.compile("replay:\\s+(simloop:1:\\S+)");

    @BeforeEach
    void clearLog() {
        Fixtures.LOG.clear();
        // Several tests run Fixtures.Racy unseeded; without this, whichever runs first leaves its failure
        // remembered for a re-run, and the others replay that one schedule instead of exploring (with
        // the methods in random order, racyTestFailsUnderExploration... saw 1 schedule of 2000 in 4 of 6 JVMs)
        SimulatedLoopExtension.forgetFailuresForRerun();
    }

    static EngineExecutionResults run(DiscoverySelector selector, Map<String, String> params) {
        return EngineTestKit.engine("junit-jupiter")
                .selectors(selector)
                .configurationParameters(params)
                .execute();
    }

    static EngineExecutionResults run(Class<?> fixture) {
        return run(selectClass(fixture), Map.of());
    }

    static Throwable onlyFailure(EngineExecutionResults r) {
        List<Event> failed = r.testEvents().failed().list();
        assertThat(failed).hasSize(1);
        return failed.getFirst().getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
    }

    static SimulatedLoopFailure onlySimFailure(EngineExecutionResults r) {
        Throwable t = onlyFailure(r);
        assertThat(t).isInstanceOf(SimulatedLoopFailure.class);
        return (SimulatedLoopFailure) t;
    }

    static String replayLineIn(String message) {
        Matcher m = REPLAY.matcher(message);
        assertThat(m.find()).as("replay line in:\n%s", message).isTrue();
        return m.group(1);
    }

    static List<String> reportEntries(EngineExecutionResults r, String key) {
        return r.allEvents().reportingEntryPublished().stream()
                .map(e -> e.getPayload(ReportEntry.class).orElseThrow().getKeyValuePairs().get(key))
                .filter(v -> v != null)
                .toList();
    }

    @Test
    void racyTestFailsUnderExplorationWithAReplayLineInTheMessage() {
        SimulatedLoopFailure f = onlySimFailure(run(Fixtures.Racy.class));

        // the original assertion is the cause, type and message unchanged
        assertThat(f.getCause()).isInstanceOf(AssertionError.class)
                .hasMessageContaining("both increments must count")
                .hasMessageContaining("expected: <2> but was: <1>");
        assertThat(f.schedules()).isEqualTo(2000);
        assertThat(f.scheduleIndex()).isBetween(0, 1999);
        String line = replayLineIn(f.getMessage());
        assertThat(line).isEqualTo(f.replayLine()).startsWith("simloop:1:random:" + f.seed() + ":");
        assertThat(f.getMessage())
                .contains("seed:         " + f.seed())
                .contains("strategy:     random")
                .contains("schedule:     " + (f.scheduleIndex() + 1) + " of 2000")
                .contains("virtual time: 0s")
                .contains("steps:        " + f.steps() + " (trace digest " + f.traceDigest() + ")")
                .contains("annotation:   @SimulatedLoop(replay = \"" + f.shrunkReplayLine().orElse(line) + "\")")
                .contains("command line: -Dsimloop.replay=\"" + f.shrunkReplayLine().orElse(line) + "\"");
    }

    /**
     * The report's files cannot be written (here a directory stands where each file goes): the
     * test's own failure is kept, and the report says where it tried to write and why it could not.
     * Before, the two lines were left out without a word, and the user looked for pages never written.
     */
    @Test
    void aReportFileThatCannotBeWrittenIsNamedWithWhyAndTheFailureIsKept() throws IOException {
        java.nio.file.Path dir = java.nio.file.Path.of("target", "simloop").toAbsolutePath();
        String stem = Fixtures.FailsAtOnce.class.getName().replace('$', '.') + "-fails-1";
        java.nio.file.Path html = dir.resolve(stem + ".html");
        java.nio.file.Path json = dir.resolve(stem + ".json");
        java.nio.file.Files.deleteIfExists(html);
        java.nio.file.Files.deleteIfExists(json);
        java.nio.file.Files.createDirectories(html);
        java.nio.file.Files.createDirectories(json);
        try {
            SimulatedLoopFailure f = onlySimFailure(run(Fixtures.FailsAtOnce.class));
            assertThat(f.getCause()).isInstanceOf(AssertionError.class).hasMessage("the test's own failure");
            assertThat(f.getMessage())
                    .contains("\n  html report:  could not write " + html + " (java.nio.file.")
                    .contains("\n  chrome trace: could not write " + json + " (java.nio.file.")
                    .contains("trace table:  below, under Suppressed");
        } finally {
            java.nio.file.Files.deleteIfExists(html);
            java.nio.file.Files.deleteIfExists(json);
        }
    }

    @Test
    void reportListsItsPartsInTheDocumentedOrder() {
        String msg = onlySimFailure(run(Fixtures.Racy.class)).getMessage();
        List<String> labels = List.of("failure:", "seed:", "strategy:", "schedule:", "virtual time:", "steps:",
                "replay:", "annotation:", "command line:");
        int at = -1;
        for (String label : labels) {
            int i = msg.indexOf("  " + label);
            assertThat(i).as("%s after position %s in:\n%s", label, at, msg).isGreaterThan(at);
            at = i;
        }
        assertThat(msg.lines().findFirst().orElseThrow())
                .isEqualTo("simloop: Racy.lostUpdate failed in a simulated run");
        assertThat(msg).contains("failure:      org.opentest4j.AssertionFailedError: both increments must count");
        // after the command line: the HTML report, the Chrome-trace file; the table travels as a suppressed exception
        int html = msg.indexOf("  html report:  ");
        int chrome = msg.indexOf("  chrome trace: ");
        assertThat(html).isGreaterThan(at);
        assertThat(chrome).isGreaterThan(html);
        assertThat(msg).doesNotContain("| main#");
        SimulatedLoopFailure failure = onlySimFailure(run(Fixtures.Racy.class));
        assertThat(failure.getSuppressed()).hasSize(1);
        assertThat(failure.getSuppressed()[0].toString()).contains("| main#").contains("| a#").contains("| b#")
                .contains("fail org.opentest4j.AssertionFailedError");
        assertThat(failure.getSuppressed()[0].toString().lines()).allMatch(l -> l.length() <= 124);
        java.nio.file.Path page = java.nio.file.Path.of(msg.substring(html + "  html report:  ".length(),
                msg.indexOf('\n', html)).strip());
        assertThat(page).exists().isAbsolute();
        try {
            assertThat(java.nio.file.Files.readString(page)).startsWith("<!DOCTYPE html>")
                    .contains("Racy.lostUpdate").doesNotContain("src=\"http", "href=\"http", "@import", "url(http");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        msg = msg.substring(0, msg.indexOf("  trace table:"));
        java.nio.file.Path json = java.nio.file.Path.of(msg.substring(chrome + "  chrome trace: ".length()).strip());
        assertThat(json).exists().isAbsolute();
        assertThat(json.getFileName().toString()).endsWith(".json");
        try {
            assertThat(java.nio.file.Files.readString(json)).startsWith("{\"displayTimeUnit\"").contains("\"traceEvents\"")
                    .contains("\"name\":\"a#").endsWith("]}");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void replayLineReproducesTheSameFailureAndDigest() {
        SimulatedLoopFailure first = onlySimFailure(run(Fixtures.Racy.class));

        for (int i = 0; i < 3; i++) {
            SimulatedLoopFailure again = onlySimFailure(
                    run(selectClass(Fixtures.Racy.class), Map.of("simloop.replay", first.replayLine())));
            assertThat(again.traceDigest()).isEqualTo(first.traceDigest());
            assertThat(again.replayLine()).isEqualTo(first.replayLine());
            assertThat(again.steps()).isEqualTo(first.steps());
            assertThat(again.seed()).isEqualTo(first.seed());
            assertThat(again.getCause()).hasSameClassAs(first.getCause())
                    .hasMessage(first.getCause().getMessage());
            assertThat(again.schedules()).isEqualTo(1);
            assertThat(again.getMessage()).contains("schedule:     1 of 1 (replay)")
                    .contains("Fixtures.Racy-lostUpdate-replay.html\n").contains("Fixtures.Racy-lostUpdate-replay.json\n");
        }
        // the replay's pages did not take the name of the first schedule's, which an earlier run may have written
        assertThat(first.getMessage()).contains("Fixtures.Racy-lostUpdate-" + (first.scheduleIndex() + 1) + ".html\n");
    }

    @Test
    void aReplayIsCheckedForDeterminismByDefault() {
        // the line of the same program run directly: one task spawned, no checkpoints in main
        String line = dev.simloop.Simulation.builder().seed(9).run(() -> dev.simloop.TaskGroup.with(tg -> {
            tg.spawn(() -> dev.simloop.Loop.checkpoint());
            return null;
        })).replayLine();
        Fixtures.Replayed.RUNS.set(0);
        Fixtures.Replayed.drift = false;
        run(selectClass(Fixtures.Replayed.class), Map.of("simloop.replay", line)).testEvents()
                .assertStatistics(s -> s.started(1).succeeded(1));
        assertThat(Fixtures.Replayed.RUNS).hasValue(2); // the replay, then the check's second run

        Fixtures.Replayed.RUNS.set(0);
        Fixtures.Replayed.drift = true; // the second run spawns another task: static state leaks in
        Throwable t = onlyFailure(run(selectClass(Fixtures.Replayed.class), Map.of("simloop.replay", line)));
        assertThat(t).isInstanceOf(SimulatedLoopFailure.class);
        assertThat(t.getCause()).isInstanceOf(NondeterminismDetected.class);
    }

    @Test
    void seedOfTheFailingScheduleAloneReproducesItToo() {
        SimulatedLoopFailure first = onlySimFailure(run(Fixtures.Racy.class));
        SimulatedLoopFailure again = onlySimFailure(run(selectClass(Fixtures.Racy.class),
                Map.of("simloop.seed", Long.toString(first.seed()), "simloop.schedules", "1")));
        assertThat(again.traceDigest()).isEqualTo(first.traceDigest());
        assertThat(again.replayLine()).isEqualTo(first.replayLine());
    }

    @Test
    void anHourOfVirtualSleepTakesWellUnderASecond() {
        run(Fixtures.Plain.class); // warm the engine up so the measurement is of the simulation
        Fixtures.LOG.clear();
        long t0 = System.nanoTime();
        EngineExecutionResults r = run(Fixtures.Sleeper.class);
        Duration wall = Duration.ofNanos(System.nanoTime() - t0);

        r.testEvents().assertStatistics(s -> s.started(1).succeeded(1).failed(0));
        assertThat(Fixtures.LOG).containsExactly("slept PT1H");
        assertThat(wall).isLessThan(Duration.ofMillis(500));
    }

    @Test
    void annotationValuesReachTheRunAndPassingExplorationReportsItsCount() {
        EngineExecutionResults r = run(Fixtures.Echo.class);
        r.testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
        assertThat(Fixtures.LOG).hasSize(3);
        assertThat(Fixtures.LOG.get(0)).isEqualTo("seed=42 index=0 of=3 strategy=random replay=false");
        assertThat(Fixtures.LOG.get(1)).startsWith("seed=").endsWith("index=1 of=3 strategy=random replay=false");
        assertThat(Fixtures.LOG.get(2)).endsWith("index=2 of=3 strategy=random replay=false");
        assertThat(Set.copyOf(Fixtures.LOG.stream().map(l -> l.split(" ")[0]).toList())).hasSize(3);
        assertThat(reportEntries(r, "simloop")).containsExactly("passed 3 of 3 schedules (strategy random, seed 42)");
        assertThat(reportEntries(r, "simloop.schedules")).containsExactly("3");
    }

    @Test
    void aPassingExplorationPrintsItsSummaryAsOneLineOnStandardOutput() {
        java.io.PrintStream out = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            run(Fixtures.Echo.class).testEvents().assertStatistics(s -> s.succeeded(1));
        } finally {
            System.setOut(out);
        }
        // surefire ignores JUnit report entries but keeps standard output: the console and the XML's system-out
        assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith("simloop: "))).containsExactly(
                        "simloop: Echo.echo passed 3 of 3 schedules (strategy random, seed 42)");
    }

    @Test
    void systemPropertiesOverrideTheAnnotation() {
        System.setProperty("simloop.seed", "1234");
        System.setProperty("simloop.schedules", "2");
        System.setProperty("simloop.strategy", "fifo");
        try {
            run(Fixtures.Echo.class).testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
        } finally {
            System.clearProperty("simloop.seed");
            System.clearProperty("simloop.schedules");
            System.clearProperty("simloop.strategy");
        }
        assertThat(Fixtures.LOG).hasSize(2);
        assertThat(Fixtures.LOG.get(0)).isEqualTo("seed=1234 index=0 of=2 strategy=fifo replay=false");
        assertThat(Fixtures.LOG.get(1)).endsWith("index=1 of=2 strategy=fifo replay=false");
    }

    @Test
    void systemPropertyReplayOverridesTheAnnotation() {
        SimulatedLoopFailure first = onlySimFailure(run(Fixtures.Racy.class));
        System.setProperty("simloop.replay", first.replayLine());
        SimulatedLoopFailure again;
        try {
            again = onlySimFailure(run(Fixtures.Racy.class));
        } finally {
            System.clearProperty("simloop.replay");
        }
        assertThat(again.traceDigest()).isEqualTo(first.traceDigest());
        assertThat(again.schedules()).isEqualTo(1);
    }

    /**
     * A bounded search over a test that keeps state between schedules (a static field) cannot go on,
     * and says so in the test's terms: the search, the schedule index, its replay line and why.
     * Before, the test failed with BoundedSearch's misuse error, which names a call the test's author
     * never made ("BoundedSearch.ran: the result is not from the builder next() returned").
     */
    @Test
    void aBoundedSearchOverATestThatKeepsStateBetweenSchedulesSaysSoInTheTestsTerms() {
        for (String search : List.of("exhaustive(2)", "preemptionBounded(2)", "delayBounded(2)")) {
            for (String parallelism : List.of("1", "2")) {
                Fixtures.StateKeptBetweenSchedules.RUNS.set(0);
                Throwable t = onlyFailure(run(selectClass(Fixtures.StateKeptBetweenSchedules.class),
                        Map.of("simloop.strategy", search, "simloop.parallelism", parallelism)));
                assertThat(t).as("%s, parallelism %s", search, parallelism).isInstanceOf(IllegalStateException.class)
                        .hasMessageStartingWith("@SimulatedLoop " + search + ": schedule index ")
                        .hasMessageContaining(" did not repeat the earlier run whose choices it followed (replay simloop:1:")
                        .hasMessageEndingWith("): the test keeps state between schedules (static fields, files) or"
                                + " depends on something else outside the simulation, so the search cannot go on; keep the"
                                + " test's state in its instance, made fresh for every schedule (junit.md)");
            }
        }
    }

    @Test
    void aBadOverrideFailsWithAClearMessage() {
        Throwable t = onlyFailure(run(selectClass(Fixtures.Echo.class), Map.of("simloop.replay", "simloop:1:garbage")));
        assertThat(t).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replay line");
        Throwable s = onlyFailure(run(selectClass(Fixtures.Echo.class), Map.of("simloop.strategy", "bogus")));
        assertThat(s).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("-Dsimloop.strategy=bogus: unknown strategy 'bogus' (known: fifo, random,")
                .hasMessageEndingWith("; it also takes the kinds of @SimulatedLoop(strategy) (random, portfolio, fifo,"
                        + " pct, pos, exhaustive, preemption_bounded, delay_bounded) and a bounded search with its bound"
                        + " (exhaustive(2), preemptionBounded(2), delayBounded(2))");
        assertThat(onlyFailure(run(selectClass(Fixtures.Echo.class), Map.of("simloop.strategy", "exhaustive(-1)"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("-Dsimloop.strategy=exhaustive(-1): the bound of"
                        + " exhaustive(k) is a count from 0 to 999999999, but was '-1'");
        assertThat(onlyFailure(run(selectClass(Fixtures.Echo.class),
                Map.of("simloop.strategy", "preemptionBounded(99999999999)")))).hasMessage("-Dsimloop.strategy="
                        + "preemptionBounded(99999999999): the bound of preemptionBounded(k) is a count from 0 to"
                        + " 999999999, but was '99999999999'");
        assertThat(onlyFailure(run(selectClass(Fixtures.Echo.class), Map.of("simloop.strategy", "Exhaustive(2)"))))
                .hasMessage("-Dsimloop.strategy=Exhaustive(2): write the search as exhaustive(2)");
    }

    @Test
    void everyScheduleStartsFromFreshInstanceState() {
        Fixtures.FreshState.CONSTRUCTED.set(0);
        EngineExecutionResults r = run(Fixtures.FreshState.class);
        r.testEvents().assertStatistics(s -> s.succeeded(1).failed(0));

        List<String> tests = Fixtures.LOG.stream().filter(l -> l.startsWith("test ")).toList();
        assertThat(tests).hasSize(5).allSatisfy(l -> assertThat(l).endsWith("counter=0 setUp=true"));
        Set<String> instances = new HashSet<>();
        tests.forEach(l -> instances.add(l.split(" ")[1]));
        assertThat(instances).as("one instance per schedule").hasSize(5);
        assertThat(Fixtures.FreshState.CONSTRUCTED).hasValue(5);
        assertThat(Fixtures.LOG.stream().filter(l -> l.startsWith("before ")))
                .hasSize(5).allSatisfy(l -> assertThat(l).endsWith("counter=0"));
        assertThat(Fixtures.LOG.stream().filter(l -> l.startsWith("after ")))
                .hasSize(5).allSatisfy(l -> assertThat(l).endsWith("counter=3"));
        // each fresh schedule runs before -> test -> after on its own instance
        for (int i = 0; i < Fixtures.LOG.size(); i++) {
            String l = Fixtures.LOG.get(i);
            if (l.startsWith("test ")) {
                String id = l.split(" ")[1];
                assertThat(Fixtures.LOG.subList(0, i)).contains("before " + id + " counter=0");
            }
        }
    }

    @Test
    void perClassLifecycleKeepsTheInstanceButReRunsBeforeEach() {
        run(Fixtures.PerClass.class).testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
        assertThat(Fixtures.LOG).hasSize(4).allSatisfy(l -> assertThat(l).endsWith("counter=0"));
        assertThat(Set.copyOf(Fixtures.LOG)).hasSize(1);
    }

    @Test
    void aFailureThatItsReplayDoesNotRepeatOffersNoLineToPin() {
        Fixtures.FailsOnItsSeventhRun.RUNS.set(0);
        SimulatedLoopFailure f = onlySimFailure(run(Fixtures.FailsOnItsSeventhRun.class));
        assertThat(f.getCause()).hasMessage("the seventh run");
        assertThat(f.getMessage()).contains("  schedule:     7 of 50").contains("  replay:       simloop:")
                .contains("  not a pin:    replaying it did not fail the same way: the failure depends on more than"
                        + " the schedule").doesNotContain("annotation:").doesNotContain("command line:")
                .doesNotContain("shrinking found none fewer");
        assertThat(f.getSuppressed()).as("shrinking met a replay that passed, and said nothing").isEmpty();
        assertThat(f.getCause().getSuppressed()).isEmpty();
    }

    /** @return the {@code html report:} line of each failed test's report, in the order they failed */
    private static List<String> htmlReportsOfFailures(Class<?> fixture) {
        return run(fixture).testEvents().failed().list().stream()
                .map(e -> e.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow().getMessage())
                .map(m -> m.lines().filter(l -> l.startsWith("  html report:")).findFirst().orElseThrow())
                .toList();
    }

    @Test
    void theInvocationsOfAParameterizedTestWriteTheirReportsToFilesOfTheirOwn() {
        List<String> pages = htmlReportsOfFailures(Fixtures.FailingTemplates.class);
        assertThat(pages).hasSize(2);
        assertThat(pages.get(0)).endsWith("/dev.simloop.junit.fixtures.Fixtures.FailingTemplates-fails-int-invocation1-1.html");
        assertThat(pages.get(1)).endsWith("/dev.simloop.junit.fixtures.Fixtures.FailingTemplates-fails-int-invocation2-1.html");
    }

    /** Before, an assumption of a later schedule's @BeforeEach skipped the whole test: 18 schedules never ran. */
    @Test
    void anAssumptionInALaterSchedulesBeforeEachMakesThatScheduleNotApplyAndTheRestRun() {
        Fixtures.AssumesInBeforeEach.SET_UPS.set(0);
        Fixtures.AssumesInBeforeEach.BODIES.set(0);
        EngineExecutionResults results = run(Fixtures.AssumesInBeforeEach.class);
        assertThat(results.testEvents().succeeded().count()).isEqualTo(1);
        assertThat(results.testEvents().aborted().count()).isZero();
        assertThat(Fixtures.AssumesInBeforeEach.SET_UPS).hasValue(20);
        assertThat(Fixtures.AssumesInBeforeEach.BODIES).as("every schedule but the second").hasValue(19);

        Fixtures.AssumesInBeforeEachOfASearch.SET_UPS.set(0);
        EngineExecutionResults search = run(Fixtures.AssumesInBeforeEachOfASearch.class);
        assertThat(search.testEvents().aborted().count()).as("skipped, as JUnit skips it").isEqualTo(1);
        assertThat(search.testEvents().failed().count()).isZero();
    }

    /** On a @TestFactory method the annotation would simulate nothing: the factory fails and says what to do. */
    @Test
    void simulatedLoopOnATestFactoryMethodIsRefusedWithTheWayToSimulateItsTests() {
        Fixtures.AnnotatedFactory.DYNAMIC_RUNS.set(0);
        EngineExecutionResults results = run(Fixtures.AnnotatedFactory.class);
        List<Throwable> failed = results.containerEvents().failed().list().stream()
                .map(e -> e.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow()).toList();
        assertThat(failed).hasSize(1);
        assertThat(failed.get(0)).isInstanceOf(IllegalArgumentException.class).hasMessage("@SimulatedLoop on the"
                + " @TestFactory method AnnotatedFactory.tests() would simulate nothing: JUnit runs a factory's dynamic"
                + " tests after it returns, and simloop does not simulate them. Put @SimulatedLoop on a @Test,"
                + " @ParameterizedTest or @RepeatedTest method instead, or have each dynamic test call"
                + " Simulation.run(seed, ...) or Exploration.of(...) itself.");
        assertThat(Fixtures.AnnotatedFactory.DYNAMIC_RUNS).hasValue(0);

        Fixtures.ClassWithAFactory.DYNAMIC_RUNS.set(0);
        EngineExecutionResults onClass = run(Fixtures.ClassWithAFactory.class);
        assertThat(onClass.testEvents().succeeded().count()).isEqualTo(1);
        assertThat(onClass.containerEvents().failed().count()).isZero();
        assertThat(Fixtures.ClassWithAFactory.DYNAMIC_RUNS).as("run once, as JUnit runs it").hasValue(1);
    }

    /**
     * {@code -Dsimloop.replay} without {@code -Dtest} replays the line in every simulated test of the
     * run: a test it was not printed for says so, and how to select the one it was, not "explore again".
     */
    @Test
    void aCommandLineReplayInAnotherTestSaysItAppliesToEveryTestAndHowToSelectTheOne() {
        SimulatedLoopFailure racy = onlySimFailure(run(Fixtures.Racy.class));
        SimulatedLoopFailure other = onlySimFailure(run(selectClass(Fixtures.Sleeper.class),
                Map.of("simloop.replay", racy.replayLine())));
        assertThat(other.getCause()).isInstanceOf(dev.simloop.ReplayDiverged.class);
        assertThat(other.getMessage()).contains("  not a pin:    the line does not fit this test: -Dsimloop.replay"
                + " replays its line in every simulated test of the run, and the line fits the one it was printed for:"
                + " select that test as well (mvn test -Dtest=TheTest#theMethod -Dsimloop.replay=\"...\"), or, if this"
                + " is that test, it changed since the line was made: explore again for a new one");
    }

    /** A line of one invocation replays every invocation of a parameterized test: the report says so, both ways. */
    @Test
    void aParameterizedTestsLineIsSaidToReplayEveryInvocationAndOneItDoesNotFitSaysWhy() {
        SimulatedLoopFailure found = onlySimFailure(run(Fixtures.RacyTemplate.class));
        String line = found.shrunkReplayLine().orElse(found.replayLine());
        assertThat(found.getMessage()).contains("  annotation:   @SimulatedLoop(replay = \"" + line + "\") (it"
                + " replays every invocation of this test with this line: the others, which it does not fit, then fail"
                + " with ReplayDiverged; pin it while you debug this one)");
        List<Throwable> pinned = run(selectClass(Fixtures.RacyTemplate.class), Map.of("simloop.replay", line))
                .testEvents().failed().list().stream()
                .map(e -> e.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow()).toList();
        assertThat(pinned).hasSize(2);
        assertThat(pinned.get(0)).isInstanceOf(SimulatedLoopFailure.class).hasCauseInstanceOf(dev.simloop.ReplayDiverged.class)
                .hasMessageContaining("  not a pin:    the line does not fit this invocation: a replay line applies to"
                        + " every invocation of a parameterized or repeated test, and fits the one it was recorded in (or"
                        + " the test changed since it was made)");
        assertThat(pinned.get(1).getCause()).isInstanceOf(org.opentest4j.AssertionFailedError.class);
    }

    /** Fresh instances get the fields JUnit's extensions set on JUnit's own (a @TempDir field here). */
    @Test
    void everyScheduleAndReplayHasTheFieldsJUnitsExtensionsSet() {
        EngineExecutionResults r = run(Fixtures.TempDirField.class);
        r.testEvents().assertStatistics(s -> s.succeeded(1).failed(1));
        SimulatedLoopFailure f = onlySimFailure(r);
        assertThat(f.getCause()).hasMessage("the real bug");
        assertThat(f.getMessage()).contains("  annotation:   @SimulatedLoop(replay = ").doesNotContain("not a pin");
    }

    @Test
    void aTempDirWithCleanupNeverIsKeptForEverySchedule() throws IOException {
        Fixtures.TempDirNeverCleaned.SEEN.clear();
        run(Fixtures.TempDirNeverCleaned.class).testEvents().assertStatistics(s -> s.succeeded(1));
        assertThat(Fixtures.TempDirNeverCleaned.SEEN).hasSize(4).doesNotHaveDuplicates()
                .allSatisfy(d -> assertThat(d).isDirectory());
        for (java.nio.file.Path d : Fixtures.TempDirNeverCleaned.SEEN) {
            java.nio.file.Files.delete(d);
        }
    }

    @Test
    void aTempDirMadeForInstancesThatCouldNotAllBeMadeIsDeleted() throws IOException {
        Fixtures.OuterWithTempDir.MADE.set(0);
        java.nio.file.Path tmp = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"));
        java.util.function.Supplier<Long> ours = () -> {
            try (var all = java.nio.file.Files.list(tmp)) {
                return all.filter(p -> p.getFileName().toString().startsWith("junit-simloop-")).count();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        long before = ours.get();
        EngineExecutionResults r = run(Fixtures.OuterWithTempDir.class);
        assertThat(r.testEvents().failed().count()).isEqualTo(1);
        assertThat(ours.get()).isEqualTo(before);
        // the constructor's failure names the schedule whose fresh instance it was making (JUnit's own instance is the first)
        Throwable t = onlyFailure(r);
        assertThat(t).hasMessage("the third inner instance");
        assertThat(t.getSuppressed()).singleElement().extracting(Throwable::getMessage).asString()
                .startsWith("simloop: thrown while setting up schedule 3 of 4 (seed ");
    }

    @Test
    void aRunawayOutsideFailOnStillFailsTheTest() {
        EngineExecutionResults r = run(Fixtures.RunawayOutsideFailOn.class);
        r.testEvents().assertStatistics(s -> s.failed(1).succeeded(0));
        SimulatedLoopFailure f = onlySimFailure(r);
        assertThat(f.getCause()).isInstanceOf(LimitExceeded.class).hasMessageContaining("without reaching a checkpoint");
    }

    @Test
    void aTestWhoseAssumptionNeverHoldsIsSkipped() {
        EngineExecutionResults r = run(Fixtures.AssumesNever.class);
        r.testEvents().assertStatistics(s -> s.aborted(1).failed(0).succeeded(0));
        assertThat(r.testEvents().aborted().list().get(0).getPayload(TestExecutionResult.class).orElseThrow()
                .getThrowable().orElseThrow()).isInstanceOf(org.opentest4j.TestAbortedException.class)
                .hasMessage("Assumption failed: never applies");
    }

    @Test
    void schedulesWhoseAssumptionFailsDoNotApplyAndTheOthersRun() {
        Fixtures.AssumesSometimes.RUNS.set(0);
        EngineExecutionResults r = run(Fixtures.AssumesSometimes.class);
        r.testEvents().assertStatistics(s -> s.succeeded(1).failed(0).aborted(0));
        assertThat(reportEntries(r, "simloop")).singleElement().asString()
                .startsWith("passed 5 of 10 schedules").endsWith("; 5 schedules aborted by an assumption");
    }

    @Test
    void aDeterminismCheckThatFindsTwoRunsDifferOffersNoLineToPin() {
        Fixtures.StaticStateChecked.RUNS.set(0);
        SimulatedLoopFailure f = onlySimFailure(run(Fixtures.StaticStateChecked.class));
        assertThat(f.getCause()).isInstanceOf(NondeterminismDetected.class);
        assertThat(f.getMessage()).contains("  not a pin:").doesNotContain("annotation:").doesNotContain("command line:");
    }

    /**
     * A test's report files are named after it, each character that a file name may not hold written
     * {@code _}: two methods named in another script with names of one length ({@code сложить},
     * {@code вычесть}) wrote to one file, the second over the first, and a name longer than a file's
     * name can be (255 bytes) had no files. Such a name's files end in a hash of the name, and a long
     * one is cut.
     */
    @Test
    void testsNamedInAnotherScriptOrAtLengthWriteTheirReportsToFilesOfTheirOwn() throws java.io.IOException {
        Map<String, String> pages = new java.util.TreeMap<>();
        for (Event e : run(Fixtures.NamesForFiles.class).testEvents().failed().list()) {
            String m = e.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow().getMessage();
            String line = m.lines().filter(l -> l.startsWith("  html report:")).findFirst().orElseThrow();
            pages.put(m.lines().filter(l -> l.startsWith("  failure:")).findFirst().orElseThrow(),
                    line.substring("  html report:".length()).strip());
        }
        assertThat(pages).hasSize(3);
        assertThat(pages.values()).doesNotHaveDuplicates().allSatisfy(p -> assertThat(p).doesNotStartWith("could not write"));
        for (Map.Entry<String, String> p : pages.entrySet()) {
            String failure = p.getKey().substring(p.getKey().indexOf("FAILURE FROM"));
            assertThat(java.nio.file.Files.readString(java.nio.file.Path.of(p.getValue()))).as(p.getValue()).contains(failure);
            assertThat(java.nio.file.Path.of(p.getValue()).getFileName().toString()).hasSizeLessThanOrEqualTo(255);
        }
    }

    /** Two failing tests whose classes share a simple name, or whose methods share a name, write reports of their own. */
    @Test
    void testsWithTheSameSimpleNamesWriteTheirReportsToFilesOfTheirOwn() throws java.io.IOException {
        List<String> pages = new java.util.ArrayList<>();
        for (Class<?> c : List.of(Fixtures.OuterOne.In.class, Fixtures.OuterTwo.In.class)) {
            run(c).testEvents().failed().list().stream()
                    .map(e -> e.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow().getMessage())
                    .map(m -> m.lines().filter(l -> l.startsWith("  html report:")).findFirst().orElseThrow())
                    .map(l -> l.substring("  html report:".length()).strip())
                    .forEach(pages::add);
        }
        assertThat(pages).hasSize(3).doesNotHaveDuplicates();
        assertThat(pages).anySatisfy(p -> assertThat(p).endsWith("Fixtures.OuterOne.In-t-1.html"))
                .anySatisfy(p -> assertThat(p).endsWith("Fixtures.OuterTwo.In-t-1.html"))
                .anySatisfy(p -> assertThat(p).endsWith("Fixtures.OuterTwo.In-t-TestInfo-1.html"));
        for (String p : pages) {
            String page = java.nio.file.Files.readString(java.nio.file.Path.of(p));
            String expected = p.contains("OuterOne") ? "FAILURE FROM OuterOne" : p.contains("TestInfo")
                    ? "FAILURE FROM OuterTwo with TestInfo" : "FAILURE FROM OuterTwo";
            assertThat(page).contains(expected);
        }
    }

    @Test
    void aPerClassTestRunsItsSchedulesOneAtATime() {
        run(selectClass(Fixtures.PerClass.class), Map.of("simloop.parallelism", "2"))
                .testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
        assertThat(Fixtures.LOG).as("the JVM-wide setting: one worker for the kept instance").hasSize(4)
                .allSatisfy(l -> assertThat(l).endsWith("counter=0"));
        assertThat(onlyFailure(run(Fixtures.PerClassOnTwoWorkers.class))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("@SimulatedLoop(parallelism = 2) on a @TestInstance(PER_CLASS) test: its schedules would run"
                        + " at once on the one instance it keeps, sharing its fields; drop PER_CLASS (each schedule then"
                        + " gets a fresh instance) or the parallelism");
    }

    @Test
    void aTestThatNeverTouchesSimloopStillRunsAsASingleTaskSimulation() {
        run(Fixtures.Plain.class).testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
        assertThat(Fixtures.LOG).containsExactly("inLoop=true virtual=true");
    }

    @Test
    void classLevelAppliesToEveryMethodAndNestedClassesAndMethodLevelWins() {
        EngineExecutionResults r = run(Fixtures.ClassLevel.class);
        r.testEvents().assertStatistics(s -> s.succeeded(3).failed(0));
        assertThat(Fixtures.LOG).contains("class seed=7 of=2", "method seed=9 of=1",
                "nested seed=7 of=2 innerCounter=0 virtual=true");
        assertThat(Fixtures.LOG.stream().filter(l -> l.startsWith("class "))).hasSize(2);
        // the nested test's second schedule gets a fresh inner instance too
        assertThat(Fixtures.LOG.stream().filter(l -> l.startsWith("nested ")))
                .hasSize(2).allSatisfy(l -> assertThat(l).contains("innerCounter=0"));
    }

    @Test
    void parameterizedAndRepeatedInvocationsAreEachTheirOwnSimulation() {
        EngineExecutionResults r = run(Fixtures.Templates.class);
        r.testEvents().assertStatistics(s -> s.succeeded(8).failed(0));
        // virtual time starts at 0 in every invocation
        assertThat(Fixtures.LOG).contains("param 1 t=1s seed=5", "param 2 t=2s seed=5", "param 3 t=3s seed=5");
        assertThat(Fixtures.LOG.stream().filter(l -> l.equals("repeated t=0 seed=11"))).hasSize(3);
        // explored parameterized invocations: every schedule gets the invocation's own arguments
        assertThat(Fixtures.LOG.stream().filter(l -> l.startsWith("explored ")).toList())
                .containsExactly("explored x 0 of 3", "explored x 1 of 3", "explored x 2 of 3",
                        "explored y 0 of 3", "explored y 1 of 3", "explored y 2 of 3");
    }

    @Test
    void timeoutStillGuardsWallClockTime() {
        long t0 = System.nanoTime();
        Throwable t = onlyFailure(run(Fixtures.Timeouts.class));
        assertThat(t).isInstanceOf(TimeoutException.class).hasMessageContaining("timed out after 300 milliseconds");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }

    /**
     * JUnit's own timeouts in a simulated test: {@code @Timeout} on a separate thread and
     * {@code assertTimeout} run as usual; {@code assertTimeoutPreemptively} runs its code on a thread
     * of JUnit's, outside the simulation, and the failure says so, where the test calls it, and what
     * to use instead. Before, it named JUnit's thread factory as the place, and advised
     * {@code Loop.threadFactory()}, which the user cannot pass to JUnit.
     */
    @Test
    void junitTimeoutsRunOrSayWhatToUseInstead() {
        EngineExecutionResults r = run(Fixtures.JUnitTimeouts.class);
        r.testEvents().assertStatistics(s -> s.started(3).succeeded(2).failed(1));
        SimulatedLoopFailure f = onlySimFailure(r);
        assertThat(f.getCause()).isInstanceOf(NondeterminismDetected.class).hasMessageStartingWith("task 'main' created a"
                + " thread the simulation does not own: the thread on which JUnit's assertTimeoutPreemptively runs the"
                + " code it is given, at dev.simloop.junit.fixtures.Fixtures$JUnitTimeouts.assertTimeoutPreemptivelyMakesAThread(")
                .hasMessageEndingWith("In a simulated test, time the code in virtual time instead: CancelScope.failAfter("
                        + "timeout, () -> code) runs it on the task and throws DeadlineExceeded when the deadline passes on"
                        + " the loop's clock (assertTimeout, not preemptive, also runs it on the task, but times it on the"
                        + " real clock).");
    }

    @Test
    void deadlockReadsLikeAnyOtherFailure() {
        SimulatedLoopFailure f = onlySimFailure(run(Fixtures.Deadlock.class));
        assertThat(f.getCause()).isInstanceOf(DeadlockDetected.class).hasMessageContaining("waiter");
        assertThat(f.getMessage()).contains("failure:      " + DeadlockDetected.class.getName())
                .contains("seed:         1").contains("annotation:   @SimulatedLoop(replay = \"simloop:1:");
        SimulatedLoopFailure again = onlySimFailure(run(selectClass(Fixtures.Deadlock.class),
                Map.of("simloop.replay", f.replayLine())));
        assertThat(again.getCause()).isInstanceOf(DeadlockDetected.class);
        assertThat(again.traceDigest()).isEqualTo(f.traceDigest());
    }

    @Test
    void aLeakedLockFailsTheTestUnlessTheCheckIsOff() {
        EngineExecutionResults r = run(Fixtures.Leaks.class);
        r.testEvents().assertStatistics(s -> s.started(2).succeeded(1).failed(1));
        Throwable t = onlyFailure(r);
        assertThat(t).isInstanceOf(SimulatedLoopFailure.class);
        assertThat(t.getCause()).isInstanceOf(LeakDetected.class)
                .hasMessageStartingWith("leak: Lock 'accounts' was still held by task 'careless' when it finished (step ");
        assertThat(r.testEvents().succeeded().list()).singleElement()
                .satisfies(e -> assertThat(e.getTestDescriptor().getDisplayName()).startsWith("returnsHoldingALockUnchecked"));
    }

    @Test
    void limitHitReadsLikeAnyOtherFailure() {
        SimulatedLoopFailure f = onlySimFailure(run(Fixtures.Limits.class));
        assertThat(f.getCause()).isInstanceOf(LimitExceeded.class);
        assertThat(f.getMessage()).contains("failure:      " + LimitExceeded.class.getName())
                .contains("replay:       simloop:1:random:1:")
                // the limit that stopped it, in a form the annotation takes
                .contains("annotation:   @SimulatedLoop(replay = \"" + f.replayLine()
                        + "\", maxVirtualTime = \"PT1H\")\n");
        assertThat(RunConfig.parseDuration("PT1H")).isEqualTo(Duration.ofHours(1));
    }

    /**
     * A run that the test's own step limit stopped: pasted without that limit, its line would go on
     * past its end and diverge, so the annotation repeats it; the command line keeps the annotation's
     * limits, so it needs none. A failure of another kind needs no limit to stop where it did.
     */
    @Test
    void theAnnotationOfARunStoppedByTheTestsOwnLimitRepeatsTheLimit() {
        SimulatedLoopFailure f = onlySimFailure(run(selectMethod(Fixtures.StepLimit.class, "pollsForever"), Map.of()));
        assertThat(f.getCause()).isInstanceOf(LimitExceeded.class).hasMessageStartingWith("simulation stopped after ");
        assertThat(f.steps()).isEqualTo(300);
        String line = f.shrunkReplayLine().orElse(f.replayLine());
        assertThat(f.getMessage()).contains("\n  annotation:   @SimulatedLoop(replay = \"" + line
                + "\", maxSteps = 300)\n  command line: -Dsimloop.replay=\"" + line + "\"\n");

        SimulatedLoopFailure replayed = onlySimFailure(run(selectMethod(Fixtures.StepLimit.class, "pollsForever"),
                Map.of("simloop.replay", line)));
        assertThat(replayed.getCause()).isInstanceOf(LimitExceeded.class);
        assertThat(replayed.replayLine()).isEqualTo(line);
        assertThat(replayed.getMessage()).contains("\n  schedule:     1 of 1 (replay)\n")
                .contains("\n  annotation:   @SimulatedLoop(replay = \"" + line + "\", maxSteps = 300)\n");

        SimulatedLoopFailure other = onlySimFailure(run(selectMethod(Fixtures.StepLimit.class, "failsWithinTheLimit"),
                Map.of()));
        assertThat(other.getCause()).isExactlyInstanceOf(IllegalStateException.class);
        assertThat(other.getMessage()).contains("\n  annotation:   @SimulatedLoop(replay = \""
                + other.shrunkReplayLine().orElse(other.replayLine()) + "\")\n");
    }

    /**
     * A field another extension sets on JUnit's instance only (as Mockito's sets a {@code @Mock}) is
     * null on the fresh instance of a later schedule: that schedule's line, pasted, would run on
     * JUnit's instance and not fail the same way, so the report names the field and offers no pin.
     * Fields set by an initializer or by the test body are not named; a failure on JUnit's own
     * instance keeps its pin.
     */
    @Test
    void aLaterScheduleLackingAFieldAnotherExtensionSetNamesItAndIsNoPin() {
        SimulatedLoopFailure f = onlySimFailure(run(selectMethod(Fixtures.FieldSetByAnotherExtension.class,
                "usesTheStub"), Map.of()));
        assertThat(f.getCause()).isExactlyInstanceOf(NullPointerException.class)
                .hasMessageContaining("\"this.storage\" is null");
        assertThat(f.scheduleIndex()).isEqualTo(1);
        assertThat(f.getMessage()).contains("\n  not a pin:    fresh instance: field 'storage' (@Stub) is set on"
                + " JUnit's instance by another extension's callback, which JUnit runs for the first schedule only,"
                + " and is null on this schedule's instance: create it in a field initializer or in the test method"
                + " (junit.md, \"Other JUnit features\")\n")
                .doesNotContain("annotation:").doesNotContain("command line:");

        SimulatedLoopFailure first = onlySimFailure(run(selectMethod(Fixtures.FieldSetByAnotherExtension.class,
                "failsOnTheFirstSchedule"), Map.of()));
        assertThat(first.scheduleIndex()).isZero();
        assertThat(first.getMessage()).contains("\n  annotation:   @SimulatedLoop(replay = \""
                + first.shrunkReplayLine().orElse(first.replayLine()) + "\")\n").doesNotContain("not a pin");
    }

    @Test
    void checkedExceptionIsTheCauseUnchanged() {
        SimulatedLoopFailure f = onlySimFailure(run(Fixtures.Checked.class));
        assertThat(f.getCause()).isExactlyInstanceOf(IOException.class).hasMessage("disk on fire");
        assertThat(f.getMessage()).contains("failure:      java.io.IOException: disk on fire");
    }

    @Test
    void checkDeterminismCatchesATestThatDependsOnOutsideState() {
        EngineExecutionResults r = run(Fixtures.Nondeterministic.class);
        r.testEvents().assertStatistics(s -> s.started(2).succeeded(1).failed(1));
        SimulatedLoopFailure f = onlySimFailure(r);
        assertThat(f.getCause()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageContaining("checkDeterminism: replaying the run gave a different result");
    }

    @Test
    void checkDeterminismCatchesATestThatDependsOnItsThreadIdWhateverTheThreadsItMakes() {
        EngineExecutionResults r = run(Fixtures.ThreadIdParity.class);
        r.testEvents().assertStatistics(s -> s.started(4).succeeded(0).failed(4));
        assertThat(r.testEvents().failed().stream()
                .map(e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                        .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).orElseThrow())
                .map(Throwable::getCause))
                .allSatisfy(c -> assertThat(c).isInstanceOf(NondeterminismDetected.class)
                        .hasMessageContaining("checkDeterminism: replaying the run gave a different result"));
    }

    @Test
    void parallelTestsEachOwnTheirLoop() {
        EngineExecutionResults r = run(selectClass(Fixtures.Parallel.class), Map.of(
                "junit.jupiter.execution.parallel.enabled", "true",
                "junit.jupiter.execution.parallel.mode.default", "concurrent",
                "junit.jupiter.execution.parallel.config.strategy", "fixed",
                "junit.jupiter.execution.parallel.config.fixed.parallelism", "4"));
        assertThat(r.testEvents().failed().stream()
                .map(e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                        .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).map(String::valueOf)
                        .orElse("?"))).isEmpty();
        r.testEvents().assertStatistics(s -> s.started(4).succeeded(4).failed(0));
        for (String p : List.of("p1", "p2", "p3", "p4")) {
            assertThat(Fixtures.LOG.stream().filter(l -> l.startsWith(p + " "))).hasSize(50);
        }
        assertThat(reportEntries(r, "simloop.schedules")).containsExactly("50", "50", "50", "50");
    }

    @Test
    void priorityPolicyRunsTheUrgentTaskFirstInEverySchedule() {
        run(Fixtures.Priority.class).testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
        // The same body without the policy: the random strategy runs the low-priority task first in some schedule.
        Throwable t = onlyFailure(run(Fixtures.NoPriority.class));
        assertThat(t).isInstanceOf(SimulatedLoopFailure.class);
        assertThat(t.getCause()).hasMessageContaining("expected: <[high, low]> but was: <[low, high]>");
    }

    @Test
    void aReplayLineBringsItsPriorityPolicyWithIt() {
        // recorded under the policy, which leaves the strategy no choice between high and low
        String line = dev.simloop.Simulation.builder().seed(3).priorityPolicy(dev.simloop.PriorityPolicy.standard())
                .run(() -> {
                    Fixtures.urgentRunsFirst();
                    return null;
                }).replayLine();
        assertThat(line).startsWith("simloop:1:random+priority(1000):3:");
        // replayed into the test without priorityPolicy = true: the line's policy applies, so the
        // urgent task still runs first and the replay (no choice recorded there) fits
        run(selectClass(Fixtures.NoPriority.class), Map.of("simloop.replay", line)).testEvents()
                .assertStatistics(s -> s.started(1).succeeded(1));
    }

    @Test
    void aLineRecordedWithoutAPolicyReplayedUnderPriorityPolicyTrueNamesThePolicyAsTheCause() {
        // recorded without the policy, in a schedule that ran the low-priority task first
        String line = null;
        for (long seed = 0; line == null; seed++) {
            dev.simloop.SimResult<Object> r = dev.simloop.Simulation.builder().seed(seed).run(() -> {
                Fixtures.urgentRunsFirst();
                return null;
            });
            line = r.failed() ? r.replayLine() : null;
        }
        // replayed into the test with priorityPolicy = true, which adds the policy the line lacks
        Throwable t = onlyFailure(run(selectClass(Fixtures.Priority.class), Map.of("simloop.replay", line)));
        assertThat(t).hasMessageContaining("the replay runs with priority(1000), but its line was recorded without a"
                + " priority policy").hasMessageContaining("in @SimulatedLoop, priorityPolicy = true adds the standard"
                        + " policy to a line recorded without one").hasMessageNotContaining("the program or its inputs changed");
    }

    @Test
    void anExhaustiveSearchFindsTheBugWithOnePreemptionAndTheLineReplaysIt() {
        Fixtures.Exhaustive.RUNS.set(0);
        SimulatedLoopFailure f = onlySimFailure(run(Fixtures.Exhaustive.class));
        assertThat(f.strategy()).isEqualTo("exhaustive(2)");
        assertThat(f.seed()).isEqualTo(5);
        assertThat(f.getCause()).isInstanceOf(AssertionError.class);
        assertThat(dev.simloop.Schedule.parse(f.replayLine()).departures()).isEqualTo(1);
        assertThat(f.scheduleIndex()).isPositive(); // FIFO, the first schedule, passed
        assertThat(f.schedules()).isEqualTo(1000);
        // every schedule up to the failing one, that one once more, traced, for the report, and the first, which
        // passed, once more, to tell a failure that state kept across schedules caused (it would fail now)
        assertThat(Fixtures.Exhaustive.RUNS.get()).isEqualTo(f.scheduleIndex() + 3);
        SimulatedLoopFailure again = onlySimFailure(run(selectClass(Fixtures.Exhaustive.class),
                Map.of("simloop.replay", f.replayLine())));
        assertThat(again.traceDigest()).isEqualTo(f.traceDigest());
    }

    @Test
    void anExhaustiveSearchThatPassesSaysTheBoundWasExhausted() {
        Fixtures.ExhaustivePasses.RUNS.set(0);
        EngineExecutionResults r = run(Fixtures.ExhaustivePasses.class);
        r.testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
        int runs = Fixtures.ExhaustivePasses.RUNS.get();
        assertThat(runs).isGreaterThan(1);
        assertThat(reportEntries(r, "simloop")).containsExactly("passed all " + runs
                + " schedules within 2 preemptions (strategy exhaustive(2), seed 5)");
        assertThat(reportEntries(run(Fixtures.ExhaustiveCapped.class), "simloop")).containsExactly(
                "passed 2 schedules, the cap, before the search through 3 preemptions ended (strategy exhaustive(3), seed 5)");
    }

    @Test
    void pctFindsTheLostUpdate() {
        SimulatedLoopFailure f = onlySimFailure(run(Fixtures.Pct.class));
        assertThat(f.strategy()).startsWith("pct");
        assertThat(f.getCause()).isInstanceOf(AssertionError.class);
        SimulatedLoopFailure again = onlySimFailure(run(selectClass(Fixtures.Pct.class),
                Map.of("simloop.replay", f.replayLine())));
        assertThat(again.traceDigest()).isEqualTo(f.traceDigest());
    }

    @Test
    void aTimeLimitEndsAPassingExplorationWithAnEntrySayingWhy() {
        Fixtures.TimeLimited.RUNS.set(0);
        EngineExecutionResults r = run(Fixtures.TimeLimited.class);
        r.testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
        int runs = Fixtures.TimeLimited.RUNS.get();
        // every schedule takes at least 5 ms, so at most 40 start within the 200 ms; all 3000 would take 15 s
        assertThat(runs).isBetween(1, 41);
        assertThat(reportEntries(r, "simloop")).containsExactly("passed " + runs
                + " of 3000 schedules (strategy random, seed 1); stopped by the time limit of PT0.2S");
        assertThat(reportEntries(r, "simloop.schedules")).containsExactly(Integer.toString(runs));
        assertThat(reportEntries(r, "simloop.stopReason")).containsExactly("TIME_LIMIT");
        assertThat(reportEntries(r, "simloop.otherFailures")).isEmpty();
    }

    @Test
    void aTimeLimitEndsAnExhaustiveSearchToo() {
        Fixtures.TimeLimitedSearch.RUNS.set(0);
        EngineExecutionResults r = run(Fixtures.TimeLimitedSearch.class);
        r.testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
        int runs = Fixtures.TimeLimitedSearch.RUNS.get();
        assertThat(runs).isBetween(1, 41); // of the 883 schedules within 4 preemptions
        assertThat(reportEntries(r, "simloop")).containsExactly("passed " + runs + " schedules of the search through"
                + " 4 preemptions (strategy exhaustive(4), seed 5); stopped by the time limit of PT0.2S");
        assertThat(reportEntries(r, "simloop.stopReason")).containsExactly("TIME_LIMIT");
    }

    @Test
    void theTimeLimitPropertyOverridesTheAnnotation() {
        Fixtures.SlowWithoutLimit.RUNS.set(0);
        EngineExecutionResults r = run(selectClass(Fixtures.SlowWithoutLimit.class), Map.of("simloop.timeLimit", "200ms"));
        r.testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
        int runs = Fixtures.SlowWithoutLimit.RUNS.get();
        assertThat(runs).isBetween(1, 41);
        assertThat(reportEntries(r, "simloop")).containsExactly("passed " + runs
                + " of 3000 schedules (strategy random, seed 1); stopped by the time limit of PT0.2S");

        Throwable t = onlyFailure(run(selectClass(Fixtures.Echo.class), Map.of("simloop.timeLimit", "bogus")));
        assertThat(t).isInstanceOf(IllegalArgumentException.class).hasMessage(
                "-Dsimloop.timeLimit=bogus: not a duration; write e.g. \"PT30S\" (ISO-8601) or \"30s\", \"5m\"");
    }

    /** Before, -Dsimloop.results=NONE wrote the results to a file named NONE in the working directory. */
    @Test
    void theResultsFileIsOffInAnyCase() throws Exception {
        for (String none : List.of("NONE", "None")) {
            java.nio.file.Path file = java.nio.file.Path.of(none);
            java.nio.file.Files.deleteIfExists(file);
            try {
                run(selectClass(Fixtures.Echo.class), Map.of("simloop.results", none)).testEvents()
                        .assertStatistics(s -> s.succeeded(1));
                assertThat(file).as(none).doesNotExist();
            } finally {
                java.nio.file.Files.deleteIfExists(file);
            }
        }
    }

    /** Before, -Dsimloop.timelimit (JUnit's parameters are case-sensitive) was ignored: the soak ran without a limit. */
    @Test
    void aPropertySpeltInAnotherCaseFailsTheTestNamingItsSpelling() {
        Fixtures.SlowWithoutLimit.RUNS.set(0);
        System.setProperty("simloop.timelimit", "200ms");
        try {
            assertThat(onlyFailure(run(Fixtures.SlowWithoutLimit.class))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("-Dsimloop.timelimit is not read: the property is spelt simloop.timeLimit"
                            + " (-Dsimloop.timeLimit=...), and JUnit's configuration parameters are case-sensitive, so the"
                            + " run would go as without it");
        } finally {
            System.clearProperty("simloop.timelimit");
        }
        assertThat(Fixtures.SlowWithoutLimit.RUNS.get()).isZero();
    }

    @Test
    void aMalformedOrNonPositiveTimeLimitFailsTheTestNamingTheAttribute() {
        EngineExecutionResults r = run(Fixtures.BadTimeLimits.class);
        r.testEvents().assertStatistics(s -> s.started(2).failed(2));
        List<String> messages = r.testEvents().failed().stream()
                .map(e -> e.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow())
                .peek(t -> assertThat(t).isInstanceOf(IllegalArgumentException.class))
                .map(Throwable::getMessage).toList();
        assertThat(messages).containsExactlyInAnyOrder(
                "@SimulatedLoop(timeLimit = \"soon\"): not a duration; write e.g. \"PT30S\" (ISO-8601) or \"30s\", \"5m\"",
                "@SimulatedLoop(timeLimit = \"PT0S\"): must be positive; leave it empty for no time limit");
    }

    /**
     * {@code @SimulatedLoop} on a method that is no test (a {@code @BeforeEach}, a helper) did nothing
     * without a word: JUnit calls extensions around test methods only, and the user believed that
     * method ran in the simulation. A simulated test of the class now fails naming it; a plain test
     * of the class is left alone (the extension never runs for it).
     */
    @Test
    void simulatedLoopOnAMethodThatIsNoTestFailsTheClasssSimulatedTestsNamingIt() {
        EngineExecutionResults r = run(Fixtures.AnnotatedSetUp.class);
        r.testEvents().assertStatistics(s -> s.started(2).failed(1).succeeded(1));
        assertThat(onlyFailure(r)).isInstanceOf(IllegalArgumentException.class).hasMessage("@SimulatedLoop on"
                + " dev.simloop.junit.fixtures.Fixtures$AnnotatedSetUp.setUp(), which is not a test (a @BeforeEach method):"
                + " JUnit calls the extension around test methods only, so there it does nothing. Put it on the test"
                + " method, or on the class for all of its tests; a @BeforeEach or @AfterEach runs outside the"
                + " simulated run (junit.md, \"Fresh state for every schedule\"), and a method that a simulated test"
                + " calls runs in the run already.");
        assertThat(onlyFailure(run(Fixtures.AnnotatedHelper.class))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("@SimulatedLoop on dev.simloop.junit.fixtures.Fixtures$AnnotatedHelperBase"
                        + ".helper(), which is not a test: JUnit calls");
    }

    /** Runs the schedules of a fixture method outside JUnit, as the extension would, and counts their failures. */
    private static Map<String, Integer> failuresByType(Class<?> fixture, String method, Runnable body, int upTo,
            int[] firstAssertion) throws NoSuchMethodException {
        RunConfig cfg = RunConfig.resolve(fixture.getDeclaredMethod(method).getAnnotation(SimulatedLoop.class),
                k -> java.util.Optional.empty());
        Map<String, Integer> others = new java.util.TreeMap<>();
        for (int i = 0; i < upTo; i++) {
            Throwable f = cfg.builder(i).run(() -> {
                body.run();
                return null;
            }).failure();
            if (f instanceof AssertionError) {
                firstAssertion[0] = i;
                break;
            }
            if (f != null) {
                others.merge(f.getClass().getName(), 1, Integer::sum);
            }
        }
        return others;
    }

    private static String countsText(Map<String, Integer> counts) {
        StringBuilder sb = new StringBuilder();
        counts.forEach((type, n) -> sb.append(sb.isEmpty() ? "" : ", ").append(n).append(' ').append(type));
        return sb.toString();
    }

    @Test
    void failOnFailsTheTestAtTheNamedFailureAndReportsTheOthersBeforeIt() throws Exception {
        int[] first = {-1};
        Map<String, Integer> others = failuresByType(Fixtures.FailsOnAssertions.class, "huntsTheBug",
                () -> Fixtures.failsSeveralWays(true), 300, first);
        assertThat(others).as("both other kinds come before the first assertion").hasSize(2);
        int skipped = others.values().stream().mapToInt(Integer::intValue).sum();

        SimulatedLoopFailure f = onlySimFailure(run(Fixtures.FailsOnAssertions.class));
        assertThat(f.getCause()).isExactlyInstanceOf(AssertionError.class).hasMessage("the bug");
        assertThat(f.scheduleIndex()).isEqualTo(first[0]);
        assertThat(f.getMessage()).contains("\n  schedule:     " + (first[0] + 1) + " of 300 (exploration base seed 7)"
                + "\n  skipped:      " + skipped + " schedules before it failed outside failOn (" + countsText(others)
                + ")\n  virtual time:");
    }

    @Test
    void failuresOutsideFailOnLetTheTestPassAndAreCountedInTheEntry() throws Exception {
        Map<String, Integer> others = failuresByType(Fixtures.OnlyOtherFailures.class, "noBugHere",
                () -> Fixtures.failsSeveralWays(false), 200, new int[1]);
        int failed = others.values().stream().mapToInt(Integer::intValue).sum();
        assertThat(failed).isBetween(1, 199);

        EngineExecutionResults r = run(Fixtures.OnlyOtherFailures.class);
        r.testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
        assertThat(reportEntries(r, "simloop")).containsExactly("passed " + (200 - failed) + " of 200 schedules"
                + " (strategy random, seed 3); " + failed + " schedules failed outside failOn (" + countsText(others) + ")");
        assertThat(reportEntries(r, "simloop.otherFailures")).containsExactly(countsText(others));
        assertThat(reportEntries(r, "simloop.schedules")).containsExactly("200");
        assertThat(reportEntries(r, "simloop.stopReason")).containsExactly("ALL_SCHEDULES_RUN");

        // a replay of a schedule that failed outside failOn passes too, and says so
        String line = null;
        for (long seed = 0; line == null; seed++) {
            dev.simloop.SimResult<Object> run = dev.simloop.Simulation.run(seed, () -> {
                Fixtures.failsSeveralWays(false);
                return null;
            });
            line = run.failure() instanceof IllegalStateException ? run.replayLine() : null;
        }
        EngineExecutionResults replayed = run(selectClass(Fixtures.OnlyOtherFailures.class),
                Map.of("simloop.replay", line));
        replayed.testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
        assertThat(reportEntries(replayed, "simloop")).containsExactly("replayed 1 schedule (strategy random, seed "
                + dev.simloop.Schedule.parse(line).seed() + "); 1 schedule failed outside failOn (1 "
                + IllegalStateException.class.getName() + ")");
    }

    @Test
    void aRuntimeCallInBeforeEachSaysThatItRunsOutsideTheSimulation() {
        Throwable t = onlyFailure(run(Fixtures.ClockInBeforeEach.class));
        assertThat(t).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Loop.clock must be called from a simloop task, but it was called from "
                        + "@BeforeEach method ClockInBeforeEach.setUp, which JUnit runs outside the simulated run")
                .hasMessageContaining("move the call into the test method");
    }

    @Test
    void aTimeoutDuringACheckedScheduleIsReportedAsATimeoutNotAsNondeterminism() {
        long t0 = System.nanoTime();
        Throwable t = onlyFailure(run(Fixtures.TimeoutDuringAReplay.class));
        assertThat(t).isInstanceOf(TimeoutException.class).hasMessageContaining("timed out after 300 milliseconds");
        assertThat(t.getSuppressed()).noneMatch(s -> s instanceof NondeterminismDetected
                || s.getCause() instanceof NondeterminismDetected);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    @org.junit.jupiter.api.Timeout(120)
    void aReentrantLockHeldAcrossSleepsPassesThreeHundredSchedules() {
        EngineExecutionResults r = run(Fixtures.ReentrantLockAcrossSleeps.class);
        r.testEvents().assertStatistics(s -> s.started(1).succeeded(1).failed(0));
        assertThat(Fixtures.LOG).hasSize(300).containsOnly("virtual time 3000000");
    }

    @Test
    void aTestThatNeedsTheAgentIsToldHowToAddIt() {
        SimulatedLoopFailure f = onlySimFailure(run(Fixtures.ThreadSleeper.class));
        assertThat(f.getCause()).isInstanceOf(NondeterminismDetected.class);
        assertThat(f.getMessage()).contains("made a timed wait outside simloop")
                .contains("run the test JVM with the simloop agent (artifact dev.simloop:simloop-agent)")
                .contains("<argLine>-javaagent:${settings.localRepository}/dev/simloop/simloop-agent/<version>/"
                        + "simloop-agent-<version>.jar --add-opens java.base/java.lang=ALL-UNNAMED</argLine>");
    }

    /**
     * Guards that a report names the invocation of a template also when its display name starts with
     * the method's name ("repetition 1 of 2" for a method r): it used to drop it, so every invocation's
     * report, summary and merged XML test case had the one name {@code Class.r}.
     */
    @Test
    void eachReportNamesItsInvocationAlsoWhenItsDisplayNameStartsWithTheMethodsName() {
        assertThat(run(Fixtures.TemplatesNamedLikeTheirMethod.class).testEvents().failed().list().stream()
                .map(e -> e.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow())
                .map(t -> t.getMessage().lines().findFirst().orElseThrow()))
                .containsExactlyInAnyOrder(
                        "simloop: TemplatesNamedLikeTheirMethod.r [repetition 1 of 2] failed in a simulated run",
                        "simloop: TemplatesNamedLikeTheirMethod.r [repetition 2 of 2] failed in a simulated run",
                        "simloop: TemplatesNamedLikeTheirMethod.transfer [transfer(int) of 5] failed in a simulated run",
                        "simloop: TemplatesNamedLikeTheirMethod.transfer [transfer(int) of 6] failed in a simulated run");
        // a plain test's display name that is the method's own, without its "()", is not repeated
        assertThat(onlySimFailure(run(Fixtures.SimpleDisplayNames.class)).getMessage())
                .startsWith("simloop: SimpleDisplayNames.fails failed in a simulated run\n");
    }

    /** Guards that a fresh instance gets a @ParameterizedClass's @Parameter field from JUnit's own instance. */
    @Test
    void everyScheduleOfAParameterizedClassHasItsParameterField() {
        List<String> failures = run(Fixtures.ParameterizedClassFixture.class).testEvents().failed().list().stream()
                .map(e -> e.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow())
                .map(t -> ((SimulatedLoopFailure) t).getCause().getMessage())
                .toList();
        assertThat(failures).containsExactly("value 7", "value 8");
        // each report's title names its invocation, as its file name does
        assertThat(run(Fixtures.ParameterizedClassFixture.class).testEvents().failed().list().stream()
                .map(e -> e.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow())
                .map(t -> t.getMessage().lines().findFirst().orElseThrow()))
                .containsExactly("simloop: ParameterizedClassFixture.logs [class [1] value=7] failed in a simulated run",
                        "simloop: ParameterizedClassFixture.logs [class [2] value=8] failed in a simulated run");
        Fixtures.LOG.clear();
        run(Fixtures.ParameterizedClassFixture.class);
        assertThat(Fixtures.LOG).startsWith("value 7 schedule 0", "value 7 schedule 1", "value 7 schedule 2")
                .containsOnly("value 7 schedule 0", "value 7 schedule 1", "value 7 schedule 2",
                        "value 8 schedule 0", "value 8 schedule 1", "value 8 schedule 2");
    }

    /** Guards that the invocations of a @ParameterizedClass write their reports to files of their own. */
    @Test
    void theInvocationsOfAParameterizedClassWriteTheirReportsToFilesOfTheirOwn() {
        List<String> pages = htmlReportsOfFailures(Fixtures.ParameterizedClassFixture.class);
        assertThat(pages).hasSize(2);
        assertThat(pages.get(0)).endsWith(
                "/dev.simloop.junit.fixtures.Fixtures.ParameterizedClassFixture-logs-SimulationContext-classInvocation1-3.html");
        assertThat(pages.get(1)).endsWith(
                "/dev.simloop.junit.fixtures.Fixtures.ParameterizedClassFixture-logs-SimulationContext-classInvocation2-3.html");
    }

    /** Guards JUnit's order of @AfterEach methods across @Nested levels (inner first) for every schedule. */
    @Test
    void aNestedTestsAfterEachMethodsRunInnerFirstForEverySchedule() {
        run(Fixtures.NestedAfterEachOrder.class).testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
        assertThat(Fixtures.LOG).containsExactly("1:inner", "1:outer", "2:inner", "2:outer", "0:inner", "0:outer");
    }

    /** Guards {@code @TempDir(cleanup = ON_SUCCESS)}: a passing schedule's directory is deleted, a failed one's kept. */
    @Test
    void aTempDirWithCleanupOnSuccessIsKeptForAFailedScheduleOnly() throws IOException {
        Fixtures.TempDirOnSuccess.SEEN.clear();
        assertThat(onlySimFailure(run(Fixtures.TempDirOnSuccess.class)).scheduleIndex()).isEqualTo(2);
        List<java.nio.file.Path> seen = Fixtures.TempDirOnSuccess.SEEN;
        assertThat(seen).hasSizeGreaterThanOrEqualTo(3).doesNotHaveDuplicates();
        assertThat(seen.get(1)).as("the second schedule passed").doesNotExist();
        assertThat(seen.get(2)).as("the third schedule failed").isDirectory();
        for (java.nio.file.Path d : seen) {
            java.nio.file.Files.deleteIfExists(d);
        }
    }

    /**
     * Guards the digest check of the traced replay: a replay that fails with the same exception class
     * at another virtual time is not the same run, so the report has no trace and offers no line to pin.
     */
    @Test
    void aReplayThatFailsTheSameWayWithAnotherDigestOffersNoLineToPin() {
        Fixtures.SameFailureAfterOtherSteps.RUNS.set(0);
        SimulatedLoopFailure f = onlySimFailure(run(Fixtures.SameFailureAfterOtherSteps.class));
        assertThat(f.getCause()).hasMessage("fails after 1s");
        assertThat(Fixtures.SameFailureAfterOtherSteps.RUNS).hasValue(2);
        assertThat(f.getMessage()).contains("  replay:       " + f.replayLine())
                .contains("  not a pin:    replaying it did not fail the same way: the failure depends on more than"
                        + " the schedule")
                .doesNotContain("annotation:").doesNotContain("command line:").doesNotContain("html report:")
                .doesNotContain("chrome trace:");
    }

    /** Guards the report's {@code skipped:} line with exactly one schedule failed outside failOn (singular). */
    @Test
    void oneScheduleFailedOutsideFailOnBeforeTheBugIsReportedSkipped() {
        SimulatedLoopFailure f = onlySimFailure(run(Fixtures.OneOtherFailureThenTheBug.class));
        assertThat(f.getCause()).isExactlyInstanceOf(AssertionError.class).hasMessage("the bug");
        assertThat(f.getMessage()).contains("\n  schedule:     2 of 3 (exploration base seed 1)"
                + "\n  skipped:      1 schedule before it failed outside failOn (1 java.lang.IllegalStateException)"
                + "\n  virtual time:");
    }
}
