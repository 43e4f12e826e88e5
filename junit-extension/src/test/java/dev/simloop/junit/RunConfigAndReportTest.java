package dev.simloop.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simloop.Simulation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Unit tests of the settings resolution and of the report's optional parts (the trace seams). */
class RunConfigAndReportTest {
    private static Function<String, Optional<String>> params(Map<String, String> m) {
        return k -> Optional.ofNullable(m.get(k));
    }

    @Test
    void durationsReadUnitsAndIso() {
        assertThat(RunConfig.parseDuration("")).isEqualTo(Simulation.DEFAULT_MAX_VIRTUAL_TIME);
        assertThat(RunConfig.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(RunConfig.parseDuration("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(RunConfig.parseDuration("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(RunConfig.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(RunConfig.parseDuration("3us")).isEqualTo(Duration.ofNanos(3000));
        assertThat(RunConfig.parseDuration("PT1M")).isEqualTo(Duration.ofMinutes(1));
        assertThatThrownBy(() -> RunConfig.parseDuration("soon"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxVirtualTime = \"soon\"");
    }

    @Test
    void firstScheduleUsesTheBaseSeedAndLaterOnesDistinctDerivedSeeds() {
        RunConfig c = RunConfig.resolve(null, params(Map.of(RunConfig.SEED, "42", RunConfig.SCHEDULES, "1000")));
        assertThat(c.seedFor(0)).isEqualTo(42);
        Set<Long> seeds = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            seeds.add(c.seedFor(i));
        }
        assertThat(seeds).hasSize(1000);
        assertThat(c.schedules()).isEqualTo(1000);
        assertThat(c.freshSeed()).isFalse();
    }

    @Test
    void withoutASeedEveryResolutionDrawsAFreshOne() {
        Set<Long> seeds = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            RunConfig c = RunConfig.resolve(null, k -> Optional.empty());
            assertThat(c.freshSeed()).isTrue();
            seeds.add(c.baseSeed());
        }
        assertThat(seeds).hasSizeGreaterThan(15);
    }

    @Test
    void replayRunsOneSchedule() {
        String line = Simulation.run(3, () -> 1).replayLine();
        RunConfig c = RunConfig.resolve(null, params(Map.of(RunConfig.REPLAY, line, RunConfig.SCHEDULES, "50")));
        assertThat(c.schedules()).isEqualTo(1);
        assertThat(c.builderSeed()).isEqualTo(3);
        assertThat(c.builder(0).run(() -> 1).replayLine()).isEqualTo(line);
    }

    private static FailureReport report() {
        return new FailureReport().test("T.m").failure(new AssertionError("boom")).seed(5).strategy("random")
                .schedule(2, 10, false).baseSeed(1).virtualTime(Duration.ofSeconds(3)).steps(7).digest("abc")
                .replayLine("simloop:1:x");
    }

    /** A line too long for an annotation or a command-line argument is not offered as either. */
    @Test
    void aLineTooLongToPasteIsNotOfferedAsAnAnnotation() {
        String longLine = "simloop:1:random:1:10000000:" + "A".repeat(FailureReport.LONGEST_PIN) + ":abc";
        String m = report().replayLine(longLine).message();
        assertThat(m).contains("  not a pin:    the line is " + longLine.length() + " characters long (a run of many"
                + " steps): longer than a Java annotation's string (65,535 bytes) or one command-line argument can hold")
                .doesNotContain("annotation:").doesNotContain("command line:");
    }

    /** A line of megabytes (a run stopped at the default maxSteps) is cut: the results file holds it. */
    @Test
    void aLineOfMegabytesIsCutInTheReport() {
        String hugeLine = "simloop:1:random:1:10000000:" + "A".repeat(FailureReport.LONGEST_SHOWN) + ":abc";
        String m = report().replayLine(hugeLine).message();
        assertThat(m).hasSizeLessThan(2_000).contains("  replay:       " + hugeLine.substring(0, 100) + "… ("
                + hugeLine.length() + " characters, too long to show: the test's line in the results file holds it"
                + " whole)\n  not a pin:    the line is " + hugeLine.length() + " characters long");
    }

    @Test
    void reportOmitsTraceTableAndFileWhenAbsent() {
        String m = report().message();
        assertThat(m).isEqualTo("""
                simloop: T.m failed in a simulated run
                  failure:      java.lang.AssertionError: boom
                  seed:         5
                  strategy:     random
                  schedule:     3 of 10 (exploration base seed 1)
                  virtual time: 3s
                  steps:        7 (trace digest abc)
                  replay:       simloop:1:x
                  annotation:   @SimulatedLoop(replay = "simloop:1:x")
                  command line: -Dsimloop.replay="simloop:1:x\"""");
    }

    private static RuntimeSeams.ReportFile written(String path) {
        return new RuntimeSeams.ReportFile(Path.of(path), null);
    }

    /** A file that could not be written: the report says where it was to go and why, in the file's own line. */
    @Test
    void reportSaysWhereAFileThatCouldNotBeWrittenWasToGoAndWhy() {
        String m = report().htmlFile(new RuntimeSeams.ReportFile(Path.of("/w/target/simloop/T-m-3.html"),
                        new java.nio.file.FileAlreadyExistsException("/w/target/simloop")))
                .traceFile(written("/w/target/simloop/T-m-3.json")).message();
        assertThat(m).endsWith("\n  html report:  could not write /w/target/simloop/T-m-3.html"
                + " (java.nio.file.FileAlreadyExistsException: /w/target/simloop); the failure above is the test's own"
                + "\n  chrome trace: /w/target/simloop/T-m-3.json");
    }

    @Test
    void reportNamesTheFilesAfterTheReplayFormsAndAttachesTheTableOnceAsSuppressed() {
        SimulatedLoopFailure f = report().traceTable("task  event\na     checkpoint")
                .htmlFile(written("target/simloop/T-m-3.html")).traceFile(written("target/simloop/T-m-3.json")).build();
        assertThat(f.getMessage()).endsWith("\n  command line: -Dsimloop.replay=\"simloop:1:x\""
                + "\n  html report:  target/simloop/T-m-3.html"
                + "\n  chrome trace: target/simloop/T-m-3.json"
                + "\n  trace table:  below, under Suppressed");
        assertThat(f.getSuppressed()).hasSize(1);
        assertThat(f.getSuppressed()[0]).hasToString("simloop trace (the last events, one column per task):"
                + "\n    task  event"
                + "\n    a     checkpoint");
        assertThat(f.getSuppressed()[0].getStackTrace()).isEmpty();
        java.io.StringWriter printed = new java.io.StringWriter();
        f.printStackTrace(new java.io.PrintWriter(printed));
        assertThat(printed.toString().split("a     checkpoint", -1)).as("the table is printed once").hasSize(2);
        assertThat(f.getCause()).hasMessage("boom");
        assertThat(f.scheduleIndex()).isEqualTo(2);
        assertThat(f.schedules()).isEqualTo(10);
    }

    @Test
    void multiLineFailuresStayIndentedUnderTheirLabel() {
        String m = new FailureReport().failure(new IllegalStateException("line1\nline2")).message();
        assertThat(m).contains("  failure:      java.lang.IllegalStateException: line1\n                line2\n");
    }

    /**
     * A setting takes every number of its range, the ends included, however many digits they have:
     * a long's extremes have 19, as many as a number read at its value before it is compared.
     */
    @Test
    void aNumberAtEitherEndOfItsRangeIsTaken() {
        assertThat(RunConfig.resolve(null, params(Map.of(RunConfig.SEED, "9223372036854775807"))).baseSeed())
                .isEqualTo(Long.MAX_VALUE);
        assertThat(RunConfig.resolve(null, params(Map.of(RunConfig.SEED, "-9223372036854775807"))).baseSeed())
                .isEqualTo(Long.MIN_VALUE + 1);
        assertThat(RunConfig.resolve(null, params(Map.of(RunConfig.SEED, "1000000000000000000"))).baseSeed())
                .as("19 digits").isEqualTo(1_000_000_000_000_000_000L);
        assertThatThrownBy(() -> RunConfig.resolve(null, params(Map.of(RunConfig.SEED, "9223372036854775808"))))
                .hasMessage("-Dsimloop.seed=9223372036854775808 is above the largest it takes, " + Long.MAX_VALUE);
        // the smallest long is a long: refused as the annotation's fresh seed, not as out of range
        assertThatThrownBy(() -> RunConfig.resolve(null, params(Map.of(RunConfig.SEED, "-9223372036854775808"))))
                .hasMessageStartingWith("-Dsimloop.seed=-9223372036854775808 is below the smallest it takes, "
                        + (Long.MIN_VALUE + 1) + " (Long.MIN_VALUE is SimulatedLoop.FRESH_SEED");
        // and the smallest int is an int: refused as fewer than one schedule
        assertThatThrownBy(() -> RunConfig.resolve(null, params(Map.of(RunConfig.SCHEDULES, "-2147483648"))))
                .hasMessageStartingWith("-Dsimloop.schedules=-2147483648: must be at least 1");
    }

    @Test
    void aNumberOutOfRangeIsNamedAsSuchNotAsNoNumber() {
        assertThat(RunConfig.resolve(null, params(Map.of(RunConfig.SCHEDULES, " 2147483647 "))).schedules())
                .isEqualTo(Integer.MAX_VALUE);
        assertThatThrownBy(() -> RunConfig.resolve(null, params(Map.of(RunConfig.SCHEDULES, "10000000000"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-Dsimloop.schedules=10000000000 is above the largest it takes, 2147483647");
        assertThatThrownBy(() -> RunConfig.resolve(null, params(Map.of(RunConfig.SCHEDULES, "lots"))))
                .hasMessage("-Dsimloop.schedules=lots is not a number");
        // other scripts' digits are refused as a replay line and a shard refuse them, saying which digits to use
        assertThatThrownBy(() -> RunConfig.resolve(null, params(Map.of(RunConfig.SEED, "\u0661\u0662"))))
                .hasMessage("-Dsimloop.seed=\u0661\u0662 is not a number in the digits 0-9");
        assertThatThrownBy(() -> RunConfig.resolve(null, params(Map.of("simloop.parallelism", "\u0968"))))
                .hasMessage("-Dsimloop.parallelism=\u0968 is not a number in the digits 0-9");
        assertThat(RunConfig.resolve(null, params(Map.of(RunConfig.SEED, "+12"))).baseSeed()).isEqualTo(12);
        // a value of megabytes (a mistaken substitution in a CI script) is quoted cut, not whole
        String long_ = "9".repeat(1_000_000);
        assertThatThrownBy(() -> RunConfig.resolve(null, params(Map.of(RunConfig.SEED, long_))))
                .hasMessage("-Dsimloop.seed=" + "9".repeat(57) + "... (1000000 characters) is above the largest it takes, "
                        + Long.MAX_VALUE);
        assertThatThrownBy(() -> RunConfig.resolve(null, params(Map.of(RunConfig.SEED, "-" + long_))))
                .hasMessage("-Dsimloop.seed=-" + "9".repeat(56) + "... (1000001 characters) is below the smallest it takes, "
                        + Long.MIN_VALUE);
        assertThat(RunConfig.resolve(null, params(Map.of(RunConfig.SEED, "0".repeat(100) + "7"))).baseSeed()).isEqualTo(7);
        assertThatThrownBy(() -> RunConfig.resolve(null, params(Map.of(RunConfig.SCHEDULES, "x".repeat(100_000)))))
                .hasMessage("-Dsimloop.schedules=" + "x".repeat(57) + "... (100000 characters) is not a number");
        assertThatThrownBy(() -> RunConfig.resolve(null, params(Map.of(RunConfig.SEED, "-99999999999999999999"))))
                .hasMessage("-Dsimloop.seed=-99999999999999999999 is below the smallest it takes, " + Long.MIN_VALUE);
        assertThatThrownBy(() -> RunConfig.resolve(null, params(Map.of("simloop.parallelism", "3000000000"))))
                .hasMessage("-Dsimloop.parallelism=3000000000 is above the largest it takes, 2147483647");
    }

    @Test
    void aScheduleCountPropertyBelowOneIsRejectedNamingThePropertyNotTheAnnotation() {
        for (String bad : new String[] {"0", "-5"}) {
            assertThatThrownBy(() -> RunConfig.resolve(null, params(Map.of(RunConfig.SCHEDULES, bad))))
                    .as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("-Dsimloop.schedules=" + bad + ": must be at least 1 (it sets how many schedules each"
                            + " explored test runs, the cap of a -Dsimloop.timeLimit run; leave it out for each test's"
                            + " own @SimulatedLoop(schedules))");
        }
        assertThat(RunConfig.resolve(null, params(Map.of(RunConfig.SCHEDULES, "1"))).schedules()).isEqualTo(1);
    }

    @SimulatedLoop(maxSteps = 0)
    private static void noSteps() {
    }

    @Test
    void aStepLimitBelowOneIsNamedAsTheAnnotationsAttribute() throws Exception {
        SimulatedLoop a = RunConfigAndReportTest.class.getDeclaredMethod("noSteps").getAnnotation(SimulatedLoop.class);
        assertThatThrownBy(() -> RunConfig.resolve(a, params(Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("@SimulatedLoop(maxSteps = 0): must be at least 1 (Long.MAX_VALUE for no step limit)");
    }

    @SimulatedLoop(replay = "garbage")
    private static void badReplay() {
    }

    @SimulatedLoop(maxVirtualTime = "99999999999999999999s")
    private static void hugeVirtualTime() {
    }

    @SimulatedLoop(maxVirtualTime = "9999999999999999d")
    private static void overflowingVirtualTime() {
    }

    @SimulatedLoop(bound = 5)
    private static void boundWithoutASearch() {
    }

    @SimulatedLoop(strategy = SimulatedLoop.Kind.RANDOM, maxPreemptions = 4)
    private static void maxPreemptionsWithoutASearch() {
    }

    @SimulatedLoop(strategy = SimulatedLoop.Kind.RANDOM, pctDepth = 9)
    private static void pctDepthWithoutPct() {
    }

    @SimulatedLoop(strategy = SimulatedLoop.Kind.PCT, pctDepth = 9)
    private static void pctDepthWithPct() {
    }

    @Test
    void aSettingItsOwnStrategyNeverReadsIsNamedNotIgnored() throws Exception {
        SimulatedLoop bound = annotationOf("boundWithoutASearch");
        assertThatThrownBy(() -> RunConfig.resolve(bound, params(Map.of()))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("@SimulatedLoop(bound = 5): has no effect with strategy = DEFAULT (RANDOM, or PORTFOLIO for"
                        + " several schedules): it bounds the searches EXHAUSTIVE, PREEMPTION_BOUNDED and DELAY_BOUNDED;"
                        + " name one of them as the strategy, or leave it out");
        SimulatedLoop max = annotationOf("maxPreemptionsWithoutASearch");
        assertThatThrownBy(() -> RunConfig.resolve(max, params(Map.of())))
                .hasMessageStartingWith("@SimulatedLoop(maxPreemptions = 4): has no effect with strategy = RANDOM: ");
        SimulatedLoop depth = annotationOf("pctDepthWithoutPct");
        assertThatThrownBy(() -> RunConfig.resolve(depth, params(Map.of())))
                .hasMessage("@SimulatedLoop(pctDepth = 9): has no effect with strategy = RANDOM: it is the depth of"
                        + " strategy = PCT (the portfolio's PCT schedules run pct(2) and pct(3)); name PCT as the"
                        + " strategy, or leave it out");
        assertThat(RunConfig.resolve(annotationOf("pctDepthWithPct"), params(Map.of())).strategy()).hasToString("pct(9)");
        assertThat(RunConfig.resolve(annotationOf("pctDepthWithPct"), params(Map.of(RunConfig.STRATEGY, "random")))
                .strategy()).as("overridden for a run: no mistake of the test").hasToString("random");
    }

    @SimulatedLoop(timeLimit = "PT10M")
    private static void timeLimitOnOneSchedule() {
    }

    @SimulatedLoop(schedules = 1, parallelism = 4)
    private static void parallelismOnOneSchedule() {
    }

    @SimulatedLoop(strategy = SimulatedLoop.Kind.EXHAUSTIVE, timeLimit = "PT10M", parallelism = 2)
    private static void timeLimitOnABoundedSearch() {
    }

    @SimulatedLoop(timeLimit = "PT10M", replay = "simloop:1:random:5:14:AAMBAQEAAgACAAA:4ad5da89")
    private static void timeLimitBesideAReplay() {
    }

    /**
     * Guards that a setting that spreads an exploration the annotation's own settings never make is
     * named, not ignored: {@code timeLimit = "PT10M"} alone ran one schedule and passed at once.
     */
    @Test
    void aSettingItsOwnSchedulesNeverReadIsNamedNotIgnored() throws Exception {
        assertThatThrownBy(() -> RunConfig.resolve(annotationOf("timeLimitOnOneSchedule"), params(Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("@SimulatedLoop(timeLimit = \"PT10M\"): has no effect with one schedule (schedules left out"
                        + " runs 1): it stops an exploration of many schedules once its time is up; set schedules too,"
                        + " as the cap (schedules = 100_000_000 explores until the time is up), or leave it out");
        assertThatThrownBy(() -> RunConfig.resolve(annotationOf("parallelismOnOneSchedule"), params(Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("@SimulatedLoop(parallelism = 4): has no effect with one schedule (schedules = 1): it runs"
                        + " an exploration's schedules side by side; set schedules too, or leave it out");
        RunConfig search = RunConfig.resolve(annotationOf("timeLimitOnABoundedSearch"), params(Map.of()));
        assertThat(search.schedules()).as("a bounded search's default cap").isEqualTo(SimulatedLoop.EXHAUSTIVE_SCHEDULES);
        assertThat(search.timeLimit()).isEqualTo(java.time.Duration.ofMinutes(10));
        assertThat(RunConfig.resolve(annotationOf("timeLimitBesideAReplay"), params(Map.of())).schedules())
                .as("a pasted replay runs one schedule whatever the rest says").isEqualTo(1);
        // the count may come from the command line (a nightly job's), and is judged as the run has it
        RunConfig nightly = RunConfig.resolve(annotationOf("timeLimitOnOneSchedule"),
                params(Map.of("simloop.schedules", "100000000")));
        assertThat(nightly.schedules()).isEqualTo(100_000_000);
        assertThat(nightly.timeLimit()).isEqualTo(java.time.Duration.ofMinutes(10));
        assertThat(RunConfig.resolve(annotationOf("parallelismOnOneSchedule"),
                params(Map.of("simloop.strategy", "exhaustive(2)"))).parallelism()).isEqualTo(4);
        assertThatThrownBy(() -> RunConfig.resolve(annotationOf("timeLimitOnOneSchedule"),
                params(Map.of("simloop.schedules", "1"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("@SimulatedLoop(timeLimit = \"PT10M\"): has no effect with one schedule"
                        + " (-Dsimloop.schedules=1): ");
        assertThat(RunConfig.resolve(annotationOf("timeLimitOnOneSchedule"),
                params(Map.of("simloop.replay", "simloop:1:random:5:14:AAMBAQEAAgACAAA:4ad5da89"))).schedules())
                .as("a replay from the command line runs one schedule too").isEqualTo(1);
    }

    private static SimulatedLoop annotationOf(String method) throws NoSuchMethodException {
        return RunConfigAndReportTest.class.getDeclaredMethod(method).getAnnotation(SimulatedLoop.class);
    }

    /**
     * An empty -Dsimloop.replay is most often a CI variable that was not set ({@code
     * -Dsimloop.replay="$LINE"}): read as unset, the test explored its schedules instead of replaying
     * the failure, and could pass. It is an error, as an empty -Dsimloop.shard is; an annotation's
     * replay keeps its own value then (the property does not pass for unset).
     */
    @Test
    void anEmptyReplayPropertyIsAnErrorNotAnExploration() throws Exception {
        for (String empty : new String[] {"", "  "}) {
            assertThatThrownBy(() -> RunConfig.resolve(null, params(Map.of(RunConfig.REPLAY, empty))))
                    .as("'%s'", empty).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("-Dsimloop.replay is empty: give it the replay line a failure printed"
                            + " (-Dsimloop.replay=\"simloop:1:...\"), or leave the property out to explore the test's"
                            + " schedules (an empty value is most often a CI variable that was not set)");
        }
    }

    /**
     * Before, an empty value of these properties read as unset: {@code -Dsimloop.timeLimit=$SOAK
     * -Dsimloop.schedules=100000000} with {@code $SOAK} unset explored each test for hours.
     */
    @Test
    void anEmptyPropertyIsAnErrorThatNamesItsValueAndTheFix() throws Exception {
        String ci = " (an empty value is most often a CI variable that was not set)";
        Map<String, String> expected = Map.of(
                RunConfig.TIME_LIMIT, "a duration (-Dsimloop.timeLimit=PT10M), or leave the property out for each test's"
                        + " own @SimulatedLoop(timeLimit), none by default",
                RunConfig.SCHEDULES, "a count (-Dsimloop.schedules=100000), or leave the property out for each test's"
                        + " own @SimulatedLoop(schedules)",
                RunConfig.SEED, "a seed (-Dsimloop.seed=42), or leave the property out for each test's own seed",
                RunConfig.STRATEGY, "a strategy (-Dsimloop.strategy=pct), or leave the property out for each test's own"
                        + " @SimulatedLoop(strategy)",
                RunConfig.PARALLELISM, "a count of threads (-Dsimloop.parallelism=4), or leave the property out for"
                        + " each test's own @SimulatedLoop(parallelism)",
                RunConfig.SHRINK, "true or false, or leave the property out for each test's own @SimulatedLoop(shrink)");
        SimulatedLoop explored = annotationOf("timeLimitOnABoundedSearch");
        for (var e : expected.entrySet()) {
            for (String empty : new String[] {"", " \t"}) {
                for (SimulatedLoop a : new SimulatedLoop[] {null, explored}) {
                    // beside a valid nightly setting, which must not hide it
                    Map<String, String> set = new java.util.HashMap<>(Map.of(RunConfig.SCHEDULES, "100000000",
                            RunConfig.TIME_LIMIT, "PT10M"));
                    set.put(e.getKey(), empty);
                    assertThatThrownBy(() -> RunConfig.resolve(a, params(set))).as("%s='%s' on %s", e.getKey(), empty, a)
                            .isInstanceOf(IllegalArgumentException.class)
                            .hasMessage("-D" + e.getKey() + "=\"" + empty + "\" is empty: give it " + e.getValue() + ci);
                }
            }
        }
    }

    /**
     * "Explore for ten minutes" as -Dsimloop.timeLimit alone: before, each test with no schedules of
     * its own ran one schedule and passed, unsaid, as the annotation's timeLimit there is an error.
     */
    @Test
    void aTimeLimitPropertyOnATestOfOneScheduleIsAnErrorThatNamesTheCap() throws Exception {
        String cap = ": it stops an exploration of many schedules once its time is up; set -Dsimloop.schedules too, as"
                + " the cap (-Dsimloop.schedules=100000000 explores every test until the time is up), or leave it out";
        assertThatThrownBy(() -> RunConfig.resolve(null, params(Map.of(RunConfig.TIME_LIMIT, "PT10M"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-Dsimloop.timeLimit=PT10M: has no effect on this test's one schedule (@SimulatedLoop("
                        + "schedules left out runs 1))" + cap);
        // over the annotation's own limit, the property is what the run has
        assertThatThrownBy(() -> RunConfig.resolve(annotationOf("timeLimitOnOneSchedule"),
                params(Map.of(RunConfig.TIME_LIMIT, "5m"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-Dsimloop.timeLimit=5m: has no effect on this test's one schedule (@SimulatedLoop("
                        + "schedules left out runs 1))" + cap);
        assertThatThrownBy(() -> RunConfig.resolve(annotationOf("parallelismOnOneSchedule"),
                params(Map.of(RunConfig.TIME_LIMIT, "5m"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-Dsimloop.timeLimit=5m: has no effect on this test's one schedule (@SimulatedLoop("
                        + "schedules = 1))" + cap);
        assertThatThrownBy(() -> RunConfig.resolve(null, params(Map.of(RunConfig.TIME_LIMIT, "5m",
                RunConfig.SCHEDULES, "1"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-Dsimloop.timeLimit=5m: has no effect on this test's one schedule (-Dsimloop.schedules=1)"
                        + cap);
        // with a count of its own, from the annotation or the property, or a bounded search, it stops the exploration
        assertThat(RunConfig.resolve(annotationOf("timeLimitOnABoundedSearch"), params(Map.of(RunConfig.TIME_LIMIT,
                "5m"))).timeLimit()).isEqualTo(Duration.ofMinutes(5));
        assertThat(RunConfig.resolve(null, params(Map.of(RunConfig.TIME_LIMIT, "5m", RunConfig.STRATEGY,
                "exhaustive(2)"))).timeLimit()).isEqualTo(Duration.ofMinutes(5));
        RunConfig nightly = RunConfig.resolve(null, params(Map.of(RunConfig.TIME_LIMIT, "5m", RunConfig.SCHEDULES,
                "100000000")));
        assertThat(nightly.schedules()).isEqualTo(100_000_000);
        assertThat(nightly.timeLimit()).isEqualTo(Duration.ofMinutes(5));
        // a replay runs its one schedule whatever the rest says
        assertThat(RunConfig.resolve(null, params(Map.of(RunConfig.TIME_LIMIT, "5m", RunConfig.REPLAY,
                "simloop:1:random:5:14:AAMBAQEAAgACAAA:4ad5da89"))).schedules()).isEqualTo(1);
    }

    /** A later schedule's lifecycle methods get the timeouts JUnit's configuration parameters give, read as JUnit reads them. */
    @Test
    void lifecycleTimeoutsReadAsJUnitReadsThem() throws Exception {
        assertThat(LifecycleTimeouts.parse("5")).hasToString("5 seconds");
        assertThat(LifecycleTimeouts.parse("1 s")).hasToString("1 second");
        assertThat(LifecycleTimeouts.parse("100ms")).hasToString("100 milliseconds");
        assertThat(LifecycleTimeouts.parse("2 M")).hasToString("2 minutes");
        assertThat(LifecycleTimeouts.parse("3h")).hasToString("3 hours");
        for (String unread : List.of("0", "-1 s", "5 x", "", "1.5 s", "5  s")) {
            assertThat(LifecycleTimeouts.parse(unread)).as("'%s', which JUnit ignores", unread).isNull();
        }
        java.lang.reflect.Method setUp = dev.simloop.junit.fixtures.CombinationFixtures.AfterEachTimeoutFromTheDefaults.class
                .getDeclaredMethod("tearDown");
        String prefix = "junit.jupiter.execution.timeout.";
        assertThat(LifecycleTimeouts.of(setUp, params(Map.of()))).isNull();
        assertThat(LifecycleTimeouts.of(setUp, params(Map.of(prefix + "default", "9 s")))).hasToString("9 seconds");
        assertThat(LifecycleTimeouts.of(setUp, params(Map.of(prefix + "default", "9 s", prefix
                + "lifecycle.method.default", "8 s")))).hasToString("8 seconds");
        assertThat(LifecycleTimeouts.of(setUp, params(Map.of(prefix + "default", "9 s", prefix
                + "lifecycle.method.default", "8 s", prefix + "aftereach.method.default", "7 s")))).hasToString("7 seconds");
        assertThat(LifecycleTimeouts.of(setUp, params(Map.of(prefix + "beforeeach.method.default", "7 s")))).isNull();
        assertThat(LifecycleTimeouts.of(setUp, params(Map.of(prefix + "aftereach.method.default", "soon", prefix
                + "default", "9 s")))).as("a value JUnit cannot read is passed over").hasToString("9 seconds");
        assertThat(LifecycleTimeouts.of(setUp, params(Map.of(prefix + "default", "9 s", prefix + "mode", "disabled"))))
                .isNull();
    }

    /** Before, "-Dsimloop.schedules=100_000_000 is not a number", copied from the annotation, said nothing of the fix. */
    @Test
    void aNumberWithSeparatorsSaysToWriteItsDigitsAlone() {
        assertThatThrownBy(() -> RunConfig.resolve(null, params(Map.of(RunConfig.SCHEDULES, "100_000_000"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-Dsimloop.schedules=100_000_000 is not a number: write its digits alone, 100000000");
        assertThatThrownBy(() -> RunConfig.resolve(null, params(Map.of(RunConfig.SEED, "-1,234"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-Dsimloop.seed=-1,234 is not a number: write its digits alone, -1234");
        for (String other : List.of("1e6", "1__0", "_10", "10,", "0x1F")) {
            assertThatThrownBy(() -> RunConfig.resolve(null, params(Map.of(RunConfig.PARALLELISM, other))))
                    .as(other).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("-Dsimloop.parallelism=" + other + " is not a number");
        }
    }

    @Test
    void onlyAKnownPropertySpeltInAnotherCaseIsAnError() {
        for (String name : List.of("simloop.Schedules", "SIMLOOP.SEED", "Simloop.shard", "simloop.RESULTS")) {
            String right = name.toLowerCase(java.util.Locale.ROOT);
            assertThatThrownBy(() -> RunConfig.checkPropertyNames(List.of("java.version", name)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("-D" + name + " is not read: the property is spelt " + right + " (-D" + right + "=...),"
                            + " and JUnit's configuration parameters are case-sensitive, so the run would go as without it");
        }
        RunConfig.checkPropertyNames(List.of("simloop.timeLimit", "simloop.agent.verbose", "simloop.slowStepThreshold",
                "simloop.futureSetting", "java.version"));
        // set both ways, the one read is there
        RunConfig.checkPropertyNames(List.of("simloop.timeLimit", "simloop.timelimit"));
    }

    /**
     * Guards that a property a letter or two away from one the extension reads is an error that names
     * the right one: -Dsimloop.schedule=100000 in a nightly job was ignored, and each test ran its own count.
     */
    @Test
    void aPropertyOneOrTwoLettersFromAKnownOneIsAnErrorThatNamesIt() {
        Map<String, String> misspelt = Map.of("simloop.schedule", "simloop.schedules", "simloop.seeds", "simloop.seed",
                "simloop.stratgy", "simloop.strategy", "simloop.timeLimt", "simloop.timeLimit", "simloop.shards",
                "simloop.shard", "Simloop.Sheds", "simloop.seed");
        misspelt.forEach((name, right) -> assertThatThrownBy(() -> RunConfig.checkPropertyNames(List.of("java.version", name)))
                .as(name).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-D" + name + " is not read: no simloop setting has that name, so the run would go as"
                        + " without it; did you mean -D" + right + "=...?"));
        // the other parts' properties, names far from every setting, and a misspelling beside the right one pass
        RunConfig.checkPropertyNames(List.of("simloop.agent.verbose", "simloop.idleWarning", "simloop.slowStepThreshold",
                "simloop.futureSetting", "simloop.version", "simloop.sync", "simloop.vt", "simloop.agentDir"));
        RunConfig.checkPropertyNames(List.of("simloop.schedules", "simloop.schedule"));
    }

    @Test
    void aMalformedReplayLineOrATooLongDurationNamesItsSetting() throws Exception {
        SimulatedLoop bad = annotationOf("badReplay");
        assertThatThrownBy(() -> RunConfig.resolve(bad, params(Map.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("@SimulatedLoop(replay = \"garbage\"): ");
        assertThatThrownBy(() -> RunConfig.resolve(null, params(Map.of(RunConfig.REPLAY, "simloop:1:random:5:8:AA:00000000"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("-Dsimloop.replay=simloop:1:random:5:8:AA:00000000: ");
        for (String method : new String[] {"hugeVirtualTime", "overflowingVirtualTime"}) {
            SimulatedLoop a = annotationOf(method);
            assertThatThrownBy(() -> RunConfig.resolve(a, params(Map.of()))).as(method)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("@SimulatedLoop(maxVirtualTime = \"" + a.maxVirtualTime() + "\"): too long a duration (a"
                            + " Duration holds up to about 292 billion years, and nanoseconds up to 292 years); write e.g."
                            + " \"90s\", \"2h\", \"7d\" or ISO-8601 \"PT2H\"");
        }
        assertThatThrownBy(() -> RunConfig.resolve(null, params(Map.of(RunConfig.TIME_LIMIT, "99999999999999999999s"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("-Dsimloop.timeLimit=99999999999999999999s: too long a duration");
        // ISO-8601 written right but overflowing: before, "not a duration"
        for (String iso : new String[] {"PT9999999999999999999H", "P99999999999999999D"}) {
            assertThatThrownBy(() -> RunConfig.resolve(null, params(Map.of(RunConfig.TIME_LIMIT, iso)))).as(iso)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("-Dsimloop.timeLimit=" + iso + ": too long a duration");
        }
        // negated, the most negative Duration overflows: before, an ArithmeticException that named no setting
        assertThatThrownBy(() -> RunConfig.resolve(null, params(Map.of(RunConfig.TIME_LIMIT, "-PT-9223372036854775808S"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("-Dsimloop.timeLimit=-PT-9223372036854775808S: too long a duration");
        assertThatThrownBy(() -> RunConfig.resolve(null, params(Map.of(RunConfig.TIME_LIMIT, "PT1.9999999999S"))))
                .as("too many decimals is malformed, not too long")
                .hasMessageStartingWith("-Dsimloop.timeLimit=PT1.9999999999S: not a duration");
    }

    @Test
    void timeLimitReadsIsoAndUnitsAndNamesItsSourceWhenWrong() {
        assertThat(RunConfig.resolve(null, params(Map.of())).timeLimit()).isNull();
        assertThat(RunConfig.resolve(null, params(Map.of(RunConfig.TIME_LIMIT, "PT30S", RunConfig.SCHEDULES, "9")))
                .timeLimit()).isEqualTo(Duration.ofSeconds(30));
        assertThat(RunConfig.resolve(null, params(Map.of(RunConfig.TIME_LIMIT, " 5m ", RunConfig.SCHEDULES, "9"))).timeLimit())
                .isEqualTo(Duration.ofMinutes(5));
        assertThatThrownBy(() -> RunConfig.resolve(null, params(Map.of(RunConfig.TIME_LIMIT, "soon"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-Dsimloop.timeLimit=soon: not a duration; write e.g. \"PT30S\" (ISO-8601) or \"30s\", \"5m\"");
        assertThatThrownBy(() -> RunConfig.resolve(null, params(Map.of(RunConfig.TIME_LIMIT, "PT-1S"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-Dsimloop.timeLimit=PT-1S: must be positive; leave the property out for no time limit");
        assertThatThrownBy(() -> RunConfig.resolve(null, params(Map.of(RunConfig.TIME_LIMIT, "-1s"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-Dsimloop.timeLimit=-1s: must be positive; leave the property out for no time limit");
    }

    /** A negative duration gets each setting's own rule, as its ISO spelling does: a zero maxVirtualTime is valid. */
    @Test
    void aNegativeDurationIsJudgedByTheSettingsOwnRuleInEitherSpelling() throws Exception {
        for (String text : List.of("-1s", "PT-1S")) {
            SimulatedLoop a = SimulatedLoop.class.cast(java.lang.reflect.Proxy.newProxyInstance(
                    SimulatedLoop.class.getClassLoader(), new Class<?>[] {SimulatedLoop.class}, (p, m, args) ->
                            m.getName().equals("maxVirtualTime") ? text : m.getDefaultValue()));
            assertThatThrownBy(() -> RunConfig.resolve(a, params(Map.of()))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("@SimulatedLoop(maxVirtualTime = \"" + text + "\"): must not be negative");
        }
        SimulatedLoop twice = SimulatedLoop.class.cast(java.lang.reflect.Proxy.newProxyInstance(
                SimulatedLoop.class.getClassLoader(), new Class<?>[] {SimulatedLoop.class}, (p, m, args) ->
                        m.getName().equals("maxVirtualTime") ? "--2s" : m.getDefaultValue()));
        assertThatThrownBy(() -> RunConfig.resolve(twice, params(Map.of()))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("@SimulatedLoop(maxVirtualTime = \"--2s\"): not a duration");
    }

    @SimulatedLoop(strategy = SimulatedLoop.Kind.PCT, pctDepth = 1001)
    private static void pctDepthTooDeep() {
    }

    @Test
    void aPctDepthOutOfRangeIsNamedBySetting() throws Exception {
        assertThatThrownBy(() -> RunConfig.resolve(annotationOf("pctDepthTooDeep"), params(Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("@SimulatedLoop(pctDepth = 1001): must be from 1 to 1000 (a run draws depth - 1 change"
                        + " points; bugs deeper than a handful are rare), but was 1001");
    }

    @Test
    void failOnMatchesTheNamedClassesAndTheirSubclassesAndAlwaysNondeterminism() throws Exception {
        SimulatedLoop a = dev.simloop.junit.fixtures.Fixtures.OnlyOtherFailures.class.getDeclaredMethod("noBugHere")
                .getAnnotation(SimulatedLoop.class);
        RunConfig c = RunConfig.resolve(a, params(Map.of()));
        assertThat(c.failOn()).containsExactly(AssertionError.class, dev.simloop.DeadlockDetected.class);
        assertThat(c.failsOn(new AssertionError("x"))).isTrue();
        assertThat(c.failsOn(new org.opentest4j.AssertionFailedError("a subclass"))).isTrue();
        assertThat(c.failsOn(new IllegalStateException("x"))).isFalse();
        assertThat(c.failsOn(new dev.simloop.NondeterminismDetected("the replay diverged"))).isTrue();
        assertThat(RunConfig.resolve(null, params(Map.of())).failsOn(new IllegalStateException("x")))
                .as("without failOn, every failure fails the test").isTrue();
    }

    @Test
    void reportShowsTheSkippedSchedulesAfterTheScheduleLine() {
        String m = report().skipped("2 schedules before it failed outside failOn (2 java.lang.IllegalStateException)")
                .message();
        assertThat(m).contains("""
                  schedule:     3 of 10 (exploration base seed 1)
                  skipped:      2 schedules before it failed outside failOn (2 java.lang.IllegalStateException)
                  virtual time: 3s
                """);
    }
}
