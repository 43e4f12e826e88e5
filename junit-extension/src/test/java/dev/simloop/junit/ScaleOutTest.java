package dev.simloop.junit;

import static dev.simloop.junit.SimulatedLoopExtensionTest.onlySimFailure;
import static dev.simloop.junit.SimulatedLoopExtensionTest.reportEntries;
import static dev.simloop.junit.SimulatedLoopExtensionTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.simloop.junit.fixtures.ScaleOutFixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** {@code @SimulatedLoop(parallelism)}, {@code -Dsimloop.shard} and the results file, in one JVM. */
class ScaleOutTest {
    @TempDir
    Path dir;

    @BeforeEach
    void clearLog() {
        ScaleOutFixtures.LOG.clear();
    }

    private EngineExecutionResults runWith(Class<?> fixture, String... keyValues) {
        Map<String, String> params = new HashMap<>();
        params.put(Results.PROPERTY, dir.resolve("results.jsonl").toString());
        for (int i = 0; i < keyValues.length; i += 2) {
            params.put(keyValues[i], keyValues[i + 1]);
        }
        return run(selectClass(fixture), params);
    }

    private static List<String> sortedLog() {
        List<String> log = new ArrayList<>(ScaleOutFixtures.LOG);
        Collections.sort(log);
        return log;
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4})
    void parallelSchedulesFailWithTheFailureOneThreadFinds(int threads) {
        SimulatedLoopFailure one = onlySimFailure(runWith(ScaleOutFixtures.FixedSeed.class));
        assertThat(one.scheduleIndex()).as("a failure some way into the exploration").isGreaterThan(10);
        for (int repeat = 0; repeat < 3; repeat++) {
            SimulatedLoopFailure many = onlySimFailure(runWith(ScaleOutFixtures.FixedSeed.class,
                    "simloop.parallelism", Integer.toString(threads)));
            assertThat(many.scheduleIndex()).isEqualTo(one.scheduleIndex());
            assertThat(many.replayLine()).isEqualTo(one.replayLine());
            assertThat(many.getCause()).hasMessage(one.getCause().getMessage());
        }
    }

    @Test
    void parallelSchedulesOfAPassingTestEachGetFreshStateAndTheSameSummary() {
        EngineExecutionResults r1 = runWith(ScaleOutFixtures.Passing.class, "simloop.seed", "8");
        List<String> sequential = sortedLog();
        ScaleOutFixtures.LOG.clear();
        EngineExecutionResults r3 = runWith(ScaleOutFixtures.Passing.class, "simloop.seed", "8", "simloop.parallelism", "3");
        assertThat(r3.testEvents().failed().count()).isZero();
        assertThat(sortedLog()).hasSize(120).isEqualTo(sequential);
        assertThat(reportEntries(r3, "simloop")).isEqualTo(reportEntries(r1, "simloop"))
                .containsExactly("passed 120 of 120 schedules (strategy random, seed 8)");
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void shardsOfASampledTestRunExactlyItsSchedulesNoneTwice(int count) {
        runWith(ScaleOutFixtures.Passing.class, "simloop.seed", "21");
        List<String> whole = sortedLog();
        List<String> union = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            int shard = i;
            ScaleOutFixtures.LOG.clear();
            EngineExecutionResults r = runWith(ScaleOutFixtures.Passing.class, "simloop.seed", "21",
                    "simloop.shard", i + "/" + count);
            int share = (120 - (i - 1) + count - 1) / count;
            assertThat(ScaleOutFixtures.LOG).hasSize(share)
                    .allSatisfy(line -> assertThat(Integer.parseInt(line.split(" ")[1]) % count).isEqualTo(shard - 1));
            assertThat(reportEntries(r, "simloop")).containsExactly("passed " + share + " of " + share
                    + " schedules, shard " + i + "/" + count + " of 120 (strategy random, seed 21)");
            union.addAll(ScaleOutFixtures.LOG);
        }
        Collections.sort(union);
        assertThat(union).isEqualTo(whole);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void shardsOfABoundedSearchSplitItBySubtrees(int count) {
        runWith(ScaleOutFixtures.Searched.class);
        List<String> whole = new ArrayList<>(ScaleOutFixtures.LOG);
        String fifo = whole.get(0);
        List<String> union = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            ScaleOutFixtures.LOG.clear();
            EngineExecutionResults r = runWith(ScaleOutFixtures.Searched.class, "simloop.shard", i + "/" + count);
            assertThat(ScaleOutFixtures.LOG.get(0)).isEqualTo(fifo);
            union.addAll(i == 1 ? ScaleOutFixtures.LOG : ScaleOutFixtures.LOG.subList(1, ScaleOutFixtures.LOG.size()));
            int ran = i == 1 ? ScaleOutFixtures.LOG.size() : ScaleOutFixtures.LOG.size() - 1;
            assertThat(reportEntries(r, "simloop")).containsExactly("passed all " + ran
                    + " schedules within 2 preemptions in shard " + i + "/" + count
                    + " (strategy exhaustive(2), seed 4)");
        }
        Collections.sort(union);
        Collections.sort(whole);
        assertThat(union).isEqualTo(whole);
    }

    /**
     * A bounded search's shards number their own subtrees' schedules; the merge still names the
     * failure an unsharded run meets first, by each failure's place in the unsplit search's order.
     */
    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void theMergeOfABoundedSearchsShardsNamesTheFailureTheUnshardedSearchMeetsFirst(int count) throws Exception {
        Path whole = dir.resolve("whole.jsonl");
        run(selectClass(ScaleOutFixtures.SearchedFailing.class), Map.of(Results.PROPERTY, whole.toString()));
        List<Path> shards = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            Path file = dir.resolve("shard" + i + "of" + count + ".jsonl");
            run(selectClass(ScaleOutFixtures.SearchedFailing.class),
                    Map.of(Results.PROPERTY, file.toString(), "simloop.shard", i + "/" + count));
            shards.add(file);
        }
        List<Object> unsharded = merge(whole.toString());
        List<Object> sharded = merge(shards.stream().map(Path::toString).toArray(String[]::new));
        assertThat(unsharded.get(0)).isEqualTo(1);
        assertThat(sharded.get(0)).isEqualTo(1);
        List<String> firstReplays = replays((String) unsharded.get(1));
        assertThat(firstReplays).hasSize(3);
        assertThat(replays((String) sharded.get(1))).as(sharded.get(1).toString()).isEqualTo(firstReplays);
    }

    /** @return the first failure's replay line of each row of a merge's table, in row order */
    private static List<String> replays(String table) {
        List<String> out = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("replay (\\S+)").matcher(table);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void shardsOfATestWithAFreshSeedShareOneSeed() throws Exception {
        for (int i = 1; i <= 2; i++) {
            runWith(ScaleOutFixtures.Passing.class, "simloop.shard", i + "/2");
        }
        List<Map<String, Object>> lines = resultLines();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).get("seed")).isEqualTo(lines.get(1).get("seed"));
        assertThat(lines).extracting(l -> l.get("shard")).containsExactly("1/2", "2/2");
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> resultLines() throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("results.jsonl"))) {
            out.add((Map<String, Object>) Json.read(line));
        }
        return out;
    }

    @Test
    void pastTheExactCountTheResultsLineSaysItsDistinctCountIsAnEstimate() throws Exception {
        runWith(ScaleOutFixtures.Passing.class);
        runWith(ScaleOutFixtures.ManyDistinct.class);
        List<Map<String, Object>> lines = resultLines();
        assertThat(lines.get(0)).as("exact: no flag").doesNotContainKey("distinctEstimated");
        assertThat(lines.get(1)).containsEntry("run", 300_000L).containsEntry("distinctEstimated", true);
        assertThat((Long) lines.get(1).get("distinct")).isBetween(285_000L, 300_000L);
    }

    @Test
    void everySimulatedTestAppendsItsResultsAndTheMergeFailsWhenAShardFailed() throws Exception {
        runWith(ScaleOutFixtures.FixedSeed.class);
        runWith(ScaleOutFixtures.Passing.class, "simloop.seed", "2", "simloop.shard", "1/2");
        runWith(ScaleOutFixtures.Passing.class, "simloop.seed", "2", "simloop.shard", "2/2");
        List<Map<String, Object>> lines = resultLines();
        assertThat(lines).hasSize(3);
        Map<String, Object> failing = lines.get(0);
        assertThat(failing).containsEntry("class", ScaleOutFixtures.FixedSeed.class.getName())
                .containsEntry("method", "lostUpdate").containsEntry("shard", "1/1").containsEntry("seed", 3L)
                .containsEntry("strategy", "random").containsEntry("stopReason", "FAILURE_FOUND")
                .containsKeys("wallMillis", "distinct", "run", "passed");
        @SuppressWarnings("unchecked")
        Map<String, Object> failure = ((List<Map<String, Object>>) failing.get("failures")).get(0);
        assertThat((String) failure.get("replay")).startsWith("simloop:1:random:");
        assertThat(failure).containsEntry("type", "org.opentest4j.AssertionFailedError").containsKey("shrunk");
        assertThat(lines.get(1)).containsEntry("run", 60L).containsEntry("passed", 60L)
                .containsEntry("stopReason", "ALL_SCHEDULES_RUN");

        Path xml = dir.resolve("merged.xml");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = Results.run(new String[] {"merge", "--xml", xml.toString(), dir.resolve("results.jsonl").toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        String table = out.toString(StandardCharsets.UTF_8);
        assertThat(status).as(table).isEqualTo(1);
        assertThat(table).contains("FixedSeed.lostUpdate").contains("Passing.records")
                .contains("replay " + failure.get("replay")).contains("2 of 2").contains("2 tests, ")
                .endsWith(": FAILED\n" + "JUnit XML: " + xml.toAbsolutePath() + "\n");
        assertThat(table.lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(200));
        String report = Files.readString(xml);
        assertThat(report).contains("<testsuite name=\"simloop\" tests=\"2\" failures=\"1\"")
                .contains("<testcase classname=\"" + ScaleOutFixtures.FixedSeed.class.getName() + "\" name=\"lostUpdate\"")
                .contains("replay: " + failure.get("replay"))
                .contains("shard 1/2: 60 of 120 schedules").contains("shard 2/2: 60 of 120 schedules");
    }

    @Test
    void theResultsFileCutsAFailuresMessageAsTheReportDoes() throws Exception {
        runWith(ScaleOutFixtures.BigMessage.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> failure = ((List<Map<String, Object>>) resultLines().get(0).get("failures")).get(0);
        assertThat((String) failure.get("message")).hasSizeLessThan(2_100).startsWith("mmmm")
                .endsWith("... (1098000 more characters: the test's own report has them all)");
        assertThat((String) failure.get("replay")).startsWith("simloop:1:");
    }

    @Test
    void theMergeCutsLongLinesInItsTableAndLongMessagesInItsXml() throws Exception {
        String huge = "simloop:1:random:1:9000000:" + "A".repeat(1_100_000) + ":abc";
        String pastable = "simloop:1:random:1:9000000:" + "B".repeat(60_000) + ":abc";
        String tooLongToPaste = "simloop:1:random:1:9000000:" + "C".repeat(70_000) + ":abc";
        String message = "m".repeat(1_100_000);
        Path results = dir.resolve("long.jsonl");
        Files.writeString(results, resultsLine("huge", "1/1", 7, 100).replace("\"failures\": []",
                "\"failures\": [{\"schedule\": 3, \"type\": \"java.lang.AssertionError\", \"message\": \"" + message
                        + "\", \"replay\": \"" + huge + "\", \"shrunk\": \"" + tooLongToPaste + "\"}]")
                + resultsLine("pastable", "1/1", 7, 100).replace("\"failures\": []",
                "\"failures\": [{\"schedule\": 3, \"type\": \"E\", \"message\": \"x\", \"replay\": \"" + pastable + "\"}]")
                + resultsLine("long", "1/1", 7, 100).replace("\"failures\": []",
                "\"failures\": [{\"schedule\": 3, \"type\": \"E\", \"message\": \"x\", \"replay\": \""
                        + tooLongToPaste + "\"}]"));
        Path xml = dir.resolve("long.xml");
        List<Object> r = merge("--xml", xml.toString(), results.toString());
        assertThat(r.get(0)).isEqualTo(1);
        String table = (String) r.get(1);
        assertThat(table).contains("replay " + pastable + "\n")
                .contains("replay " + huge.substring(0, 100) + "… (" + huge.length() + " characters, too long for the"
                        + " table: the test's line in the results file holds it whole)\n")
                .contains("replay " + tooLongToPaste.substring(0, 100) + "… (" + tooLongToPaste.length() + " characters,"
                        + " too long for the table: the test's line in the results file holds it whole)\n")
                .doesNotContain(tooLongToPaste).hasSizeLessThan(70_000);
        String report = Files.readString(xml);
        assertThat(report).contains("<failure message=\"java.lang.AssertionError: " + "m".repeat(2_000)
                        + "... (1098000 more characters: the test&apos;s own report has them all)\"".replace("&apos;", "'"))
                .contains("\nreplay: " + huge.substring(0, 100) + "… (" + huge.length() + " characters, too long to show:"
                        + " the test's line in the results file holds it whole)\n")
                .contains("\nshrunk: " + tooLongToPaste + "\n").contains("\nreplay: " + pastable + "\n")
                .doesNotContain(huge).doesNotContain("m".repeat(2_001)).hasSizeLessThan(300_000);
    }

    /**
     * A sharded test's report names its shard beside the schedule, whose index and count are that
     * shard's part; a portfolio member's "alone" settings set {@code simloop.shard=1/1}, since in a
     * job of a shard they would run that shard's part alone, which need not hold the first schedule:
     * run as given, they fail at once with the seed and strategy of the schedule that failed.
     */
    @Test
    void aShardedReportNamesItsShardAndItsAloneSettingsRunTheScheduleInAnyJob() {
        String report = SimulatedLoopExtensionTest.onlyFailure(runWith(ScaleOutFixtures.Failing.class,
                "simloop.shard", "2/4", "simloop.strategy", "portfolio", "simloop.seed", "2")).getMessage();
        assertThat(report).contains("  schedule:     2 of 400 (exploration base seed 2; shard 2/4)\n");
        java.util.regex.Matcher alone = java.util.regex.Pattern.compile("\\(this schedule: pos; alone: -Dsimloop.seed=(-?\\d+)"
                + " -Dsimloop.strategy=\"pos\" -Dsimloop.schedules=1 -Dsimloop.shard=1/1\\)\n").matcher(report);
        assertThat(alone.find()).as(report).isTrue();
        assertThat(report).contains("  seed:         " + alone.group(1) + "\n");

        String again = SimulatedLoopExtensionTest.onlyFailure(runWith(ScaleOutFixtures.Failing.class, "simloop.shard",
                "1/1", "simloop.seed", alone.group(1), "simloop.strategy", "pos", "simloop.schedules", "1")).getMessage();
        assertThat(again).contains("  seed:         " + alone.group(1) + "\n").contains("  strategy:     pos\n")
                .contains("  schedule:     1 of 1\n").doesNotContain("shard");
        EngineExecutionResults inShard = runWith(ScaleOutFixtures.Failing.class, "simloop.shard", "2/4", "simloop.seed",
                alone.group(1), "simloop.strategy", "pos", "simloop.schedules", "1");
        assertThat(reportEntries(inShard, "simloop")).as("without simloop.shard=1/1, in the job of shard 2/4")
                .containsExactly("passed 0 of 0 schedules, shard 2/4 of 1 (strategy pos, seed " + alone.group(1) + ")");
    }

    /**
     * A failing test's row and test case name its missing shards too (a shard that sent nothing may
     * have failed as well), and the columns stay aligned when a shards text or the stop reasons are
     * wider than their heading.
     */
    @Test
    void theMergeNamesTheMissingShardsOfAFailingTestInAlignedColumns() throws Exception {
        Path results = dir.resolve("failing.jsonl");
        String failure = "{\"schedule\": 3, \"type\": \"java.lang.AssertionError\", \"message\": \"boom\", \"replay\":"
                + " \"simloop:1:random:7:5:AA:00000000\"}";
        Files.writeString(results, resultsLine("fails", "1/12", 7, 50).replace("ALL_SCHEDULES_RUN", "FAILURE_FOUND")
                .replace("\"failures\": []", "\"failures\": [" + failure + "]")
                + resultsLine("fails", "3/12", 7, 50) + resultsLine("passes", "1/1", 7, 100));
        Path xml = dir.resolve("failing.xml");
        List<Object> r = merge("--xml", xml.toString(), results.toString());
        assertThat(r.get(0)).as(r.toString()).isEqualTo(1);
        String missing = "2/12, 4/12, 5/12, 6/12, 7/12, 8/12, 9/12, 10/12, 11/12, 12/12";
        List<String> rows = ((String) r.get(1)).lines().toList();
        assertThat(rows.get(1)).endsWith("  replay simloop:1:random:7:5:AA:00000000; missing shards " + missing);
        int stopped = rows.get(0).indexOf("stopped");
        int first = rows.get(0).indexOf("first failure");
        assertThat(rows.get(1).indexOf("all_schedules_run,failure_found")).isEqualTo(stopped);
        assertThat(rows.get(1).indexOf("replay ")).isEqualTo(first);
        assertThat(rows.get(2).indexOf("all_schedules_run")).isEqualTo(stopped);
        assertThat(rows.get(1).indexOf("2 of 12")).isEqualTo(rows.get(0).indexOf("shards"));
        assertThat(Files.readString(xml)).contains("\nreplay: simloop:1:random:7:5:AA:00000000\nno results from shards "
                + missing + "\n</failure>");
    }

    /** A failure's message of several lines shows its first in the table's row, which stays one line; the XML has it whole. */
    @Test
    void aMessageOfSeveralLinesKeepsItsRowOnOneLine() throws Exception {
        Path results = dir.resolve("lines.jsonl");
        String failure = "{\"schedule\": null, \"type\": \"java.lang.IllegalStateException\", \"message\": \"line one\\nline"
                + " two\\r\\n\\tat x\", \"replay\": null}";
        String ended = "{\"schedule\": null, \"type\": \"java.lang.IllegalStateException\", \"message\": \"ends\\n\","
                + " \"replay\": null}";
        Files.writeString(results, resultsLine("err", "1/1", 7, 0).replace("ALL_SCHEDULES_RUN", "ERROR")
                .replace("\"failures\": []", "\"failures\": [" + failure + "]")
                + resultsLine("ends", "1/1", 7, 0).replace("ALL_SCHEDULES_RUN", "ERROR")
                        .replace("\"failures\": []", "\"failures\": [" + ended + "]")
                + resultsLine("ok", "1/1", 7, 100));
        Path xml = dir.resolve("lines.xml");
        List<Object> r = merge("--xml", xml.toString(), results.toString());
        assertThat(r.get(0)).as(r.toString()).isEqualTo(1);
        assertThat(((String) r.get(1)).lines().toList()).hasSize(6).satisfies(rows -> {
            assertThat(rows.get(1)).startsWith("T.ends ").endsWith("failed outside its schedules:"
                    + " java.lang.IllegalStateException: ends");
            assertThat(rows.get(2)).startsWith("T.err ").endsWith("failed outside its schedules:"
                    + " java.lang.IllegalStateException: line one … (2 more lines: in the JUnit XML and the results file)");
            assertThat(rows.get(3)).startsWith("T.ok ");
        });
        assertThat(Files.readString(xml)).contains("java.lang.IllegalStateException: line one\nline two&#13;\n\tat x\n");
    }

    /**
     * A file named twice (a glob and a name that overlap) is read once, and the lines of a copy of a
     * file count once: neither adds a failure nor reads as a re-run that replaced a line.
     */
    @Test
    void aFileNamedTwiceOrCopiedCountsOnce() throws Exception {
        Path results = dir.resolve("one.jsonl");
        String unresolved = "{\"test\": \"[engine:x]/err\", \"class\": \"a.T\", \"method\": \"err\", \"display\": \"err()\","
                + " \"shard\": null, \"strategy\": \"random\", \"seed\": null, \"schedules\": 100, \"run\": 0,"
                + " \"stopReason\": \"ERROR\", \"failures\": [{\"schedule\": null, \"type\": \"java.lang.IllegalArgumentException\","
                + " \"message\": \"bad shard\", \"replay\": null}]}\n";
        Files.writeString(results, resultsLine("t", "1/2", 7, 50) + unresolved);
        Path copy = Files.copy(results, dir.resolve("copy.jsonl"));
        Path again = dir.resolve(".").resolve("one.jsonl");
        List<Object> r = merge(results.toString(), again.toString(), copy.toString());
        assertThat(r.get(0)).as(r.toString()).isEqualTo(1);
        assertThat((String) r.get(1)).contains("note: " + again + ": named twice (as " + results + " too): read once\n")
                .contains("note: " + copy + ": 2 lines the same as in " + results + " (a copy of it?): counted once\n")
                .contains("missing shards 2/2").doesNotContain("replaced")
                .endsWith("2 tests, 50 schedules, 1 failing: FAILED\n");
    }

    @Test
    void theMergeReportsAMissingShardAndMalformedInput() throws Exception {
        runWith(ScaleOutFixtures.Passing.class, "simloop.seed", "2", "simloop.shard", "2/3");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = Results.run(new String[] {"merge", dir.resolve("results.jsonl").toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(status).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("missing shards 1/3, 3/3");

        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, resultsLine("x", "1/1", 7, 100) + "{oops\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(Results.run(new String[] {"merge", bad.toString()}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("simloop Results: " + bad + ":2: not JSON: expected a member name at character 2\n");
        err.reset();
        Files.writeString(bad, resultsLine("x", "5/4", 7, 100));
        assertThat(Results.run(new String[] {"merge", bad.toString()}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("simloop Results: " + bad + ":1: shard '5/4': the index"
                + " 5 is past the count 4 (INDEX/COUNT counts from 1: simloop.shard=1/4 to simloop.shard=4/4)\n");
        err.reset();
        assertThat(Results.run(new String[] {"mege"}, System.out, new PrintStream(err, true, StandardCharsets.UTF_8)))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("simloop Results: unknown command 'mege'\nusage: ");
    }

    @Test
    void aTestThatFailsOutsideItsSchedulesStillLeavesALineThatFailsTheMerge() throws Exception {
        dev.simloop.junit.fixtures.BatchFixtures.CheckedExceptionInALaterBeforeEach.SET_UPS.set(0);
        long seed = setUpSeed(SimulatedLoopExtensionTest.onlyFailure(
                runWith(dev.simloop.junit.fixtures.BatchFixtures.CheckedExceptionInALaterBeforeEach.class)), 2, 3);
        SimulatedLoopExtensionTest.onlyFailure(runWith(ScaleOutFixtures.Passing.class, "simloop.shard", "5/4"));
        runWith(dev.simloop.junit.fixtures.BatchFixtures.TimeoutOnTwoWorkers.class);
        List<Map<String, Object>> lines = resultLines();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).as("the second schedule's set-up threw").containsEntry("stopReason", "ERROR")
                .containsEntry("shard", "1/1").containsEntry("run", 2L).containsEntry("passed", 1L)
                .containsEntry("failures", List.of(setUpFailure(1, seed, "java.io.IOException",
                        "no fixture for the second schedule")));
        assertThat(lines.get(1)).as("its settings did not resolve: no shard").containsEntry("stopReason", "ERROR")
                .containsEntry("shard", null).containsEntry("run", 0L)
                .containsEntry("failures", List.of(failure("java.lang.IllegalArgumentException", "-Dsimloop.shard=5/4:"
                        + " the index 5 is past the count 4 (INDEX/COUNT counts from 1: simloop.shard=1/4 to"
                        + " simloop.shard=4/4)")));
        assertThat(lines.get(2)).as("written although the @Timeout interrupted the test thread")
                .containsEntry("stopReason", "FAILURE_FOUND");
        @SuppressWarnings("unchecked")
        Map<String, Object> stopped = ((List<Map<String, Object>>) lines.get(2).get("failures")).get(0);
        assertThat(stopped).containsEntry("schedule", 1L).containsEntry("type", "dev.simloop.LimitExceeded");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Path xml = dir.resolve("merged.xml");
        int status = Results.run(new String[] {"merge", "--xml", xml.toString(), dir.resolve("results.jsonl").toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        String table = out.toString(StandardCharsets.UTF_8);
        assertThat(status).as(table).isEqualTo(1);
        assertThat(table).contains("failed setting up schedule index 1 (seed " + seed + "): java.io.IOException: no"
                        + " fixture for the second schedule")
                .contains("failed outside its schedules: java.lang.IllegalArgumentException: -Dsimloop.shard=5/4")
                .contains("replay " + stopped.get("replay")).contains("3 tests, ");
        assertThat(Files.readString(xml)).contains("tests=\"3\" failures=\"3\"")
                .contains("outside its schedules (shard ?): java.lang.IllegalArgumentException");
    }

    /**
     * JUnit runs a @BeforeEach before the first schedule and the first schedule's @AfterEach after the
     * exploration, outside the extension's interception: both still leave the line of what happened.
     */
    @Test
    void aFirstSchedulesBeforeEachOrAfterEachThatFailsLeavesItsLine() throws Exception {
        Throwable setUp = SimulatedLoopExtensionTest.onlyFailure(runWith(
                dev.simloop.junit.fixtures.BatchFixtures.BeforeEachAlwaysFails.class));
        assertThat(setUp).isExactlyInstanceOf(IllegalStateException.class);
        SimulatedLoopFailure later = onlySimFailure(runWith(dev.simloop.junit.fixtures.BatchFixtures.AfterEachChecksTheRun.class));
        SimulatedLoopFailure first = onlySimFailure(runWith(dev.simloop.junit.fixtures.BatchFixtures.AfterEachChecksTheRun.class,
                "simloop.replay", later.replayLine()));
        List<Map<String, Object>> lines = resultLines();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).containsEntry("stopReason", "ERROR").containsEntry("shard", "1/1").containsEntry("run", 0L)
                .containsEntry("failures", List.of(failure("java.lang.IllegalStateException", "the fixture's database is down")));
        assertThat(lines.get(2)).as("the exploration passed: JUnit calls the @AfterEach after it")
                .containsEntry("stopReason", "ALL_SCHEDULES_RUN").containsEntry("passed", 1L);
        assertThat(lines.get(3)).as("then the line of its failure, which replaces that one in a merge")
                .containsEntry("stopReason", "FAILURE_FOUND").containsEntry("run", 1L).containsEntry("passed", 0L);
        @SuppressWarnings("unchecked")
        Map<String, Object> failed = ((List<Map<String, Object>>) lines.get(3).get("failures")).get(0);
        assertThat(failed).containsEntry("schedule", 0L).containsEntry("replay", first.replayLine())
                .containsEntry("type", "org.opentest4j.AssertionFailedError");
        assertThat(first.replayLine()).isEqualTo(later.replayLine());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = Results.run(new String[] {"merge", dir.resolve("results.jsonl").toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(status).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("failed outside its schedules: java.lang.IllegalStateException: the fixture's database is down")
                .contains("replay " + first.replayLine());
    }

    /**
     * The set-up of a later schedule (its fresh instance's {@code @BeforeEach}) throws: the schedules
     * before it ran and passed, and the line's failure names that schedule and its seed, as the note
     * on the exception does. The fifth is the second of a worker's chunk of schedules [3, 7).
     */
    @Test
    void aLaterSchedulesSetUpThatThrowsCountsTheSchedulesBeforeItAndNamesItsIndexAndSeed() throws Exception {
        ScaleOutFixtures.FifthSetUpFails.SET_UPS.set(0);
        Throwable thrown = SimulatedLoopExtensionTest.onlyFailure(runWith(ScaleOutFixtures.FifthSetUpFails.class));
        assertThat(thrown).isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("database container failed to start (attempt 5)");
        long seed = setUpSeed(thrown, 5, 10);
        assertThat(ScaleOutFixtures.FifthSetUpFails.SET_UPS).hasValue(5);

        List<Map<String, Object>> lines = resultLines();
        assertThat(lines).singleElement().satisfies(line -> assertThat(line).containsEntry("stopReason", "ERROR")
                .containsEntry("run", 5L).containsEntry("passed", 4L).containsEntry("aborted", 0L)
                .containsEntry("distinct", 1L).containsEntry("failures", List.of(setUpFailure(4, seed,
                        "java.lang.IllegalStateException", "database container failed to start (attempt 5)"))));

        Path xml = dir.resolve("merged.xml");
        List<Object> merged = merge("--xml", xml.toString(), dir.resolve("results.jsonl").toString());
        assertThat(merged.get(0)).as("%s", merged).isEqualTo(1);
        assertThat((String) merged.get(1)).contains("  error              failed setting up schedule index 4 (seed "
                + seed + "): java.lang.IllegalStateException: database container failed to start (attempt 5)\n")
                .contains("\n1 tests, 5 schedules, 1 failing: FAILED\n");
        assertThat(Files.readString(xml)).contains("setting up schedule index 4 (seed " + seed + ") (shard 1/1):"
                + " java.lang.IllegalStateException: database container failed to start (attempt 5)\n</failure>");
    }

    /**
     * @return the seed that the note on {@code thrown}, the exception of a schedule's set-up, gives
     *     for schedule {@code number} (from 1) of {@code of}
     */
    private static long setUpSeed(Throwable thrown, int number, int of) {
        assertThat(thrown.getSuppressed()).hasSize(1);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^simloop: thrown while setting up schedule "
                + number + " of " + of + " \\(seed (-?\\d+)\\) on a fresh test instance")
                .matcher(thrown.getSuppressed()[0].getMessage());
        assertThat(m.find()).as(thrown.getSuppressed()[0].getMessage()).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static Map<String, Object> setUpFailure(long schedule, long seed, String type, String message) {
        Map<String, Object> f = new java.util.LinkedHashMap<>();
        f.put("schedule", schedule);
        f.put("seed", seed);
        f.put("type", type);
        f.put("message", message);
        f.put("replay", null);
        return f;
    }

    private static Map<String, Object> failure(String type, String message) {
        Map<String, Object> f = new java.util.LinkedHashMap<>();
        f.put("schedule", null);
        f.put("type", type);
        f.put("message", message);
        f.put("replay", null);
        return f;
    }

    /**
     * Guards that the merge's XML gives each invocation of a template its own test case name, also when
     * its display name starts with the method's name: both repetitions of a method r were named "r".
     */
    @Test
    void theMergesXmlNamesEachInvocationOfATemplate() throws Exception {
        Path results = dir.resolve("invocations.jsonl");
        Files.writeString(results, resultsLine("r", "1/1", 7, 100)
                .replace("/r\"", "/r/[test-template-invocation:#1]\"").replace("\"r()\"", "\"repetition 1 of 2\"")
                + resultsLine("r", "1/1", 7, 100)
                .replace("/r\"", "/r/[test-template-invocation:#2]\"").replace("\"r()\"", "\"repetition 2 of 2\""));
        Path xml = dir.resolve("invocations.xml");
        assertThat(merge("--xml", xml.toString(), results.toString()).get(0)).isEqualTo(0);
        assertThat(Files.readString(xml)).contains("<testcase classname=\"a.T\" name=\"r [repetition 1 of 2]\"")
                .contains("<testcase classname=\"a.T\" name=\"r [repetition 2 of 2]\"");
    }

    /** Runs the merge on {@code files}: @return its exit status, then what it printed and what it printed as errors */
    private static List<Object> merge(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] command = new String[args.length + 1];
        command[0] = "merge";
        System.arraycopy(args, 0, command, 1, args.length);
        int status = Results.run(command, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return List.of(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String resultsLine(String test, String shard, long seed, int run) {
        return "{\"test\": \"[engine:x]/" + test + "\", \"class\": \"a.T\", \"method\": \"" + test + "\", \"display\": \""
                + test + "()\", \"shard\": \"" + shard + "\", \"strategy\": \"random\", \"seed\": " + seed
                + ", \"schedules\": 100, \"run\": " + run + ", \"stopReason\": \"ALL_SCHEDULES_RUN\", \"failures\": []}\n";
    }

    /**
     * Guards that the merge's JUnit XML stays well-formed, and says what the lines say, whatever a
     * test's name or failure's message holds: markup, quotes, line breaks and tabs (which an attribute
     * keeps only as character references), text beyond ASCII, and characters that XML 1.0 does not
     * allow at all (U+FFFF, which a message may hold and the results file keeps, and a surrogate
     * without its partner), which become {@code ?} rather than make the whole report unreadable.
     */
    @Test
    void theMergesXmlIsWellFormedAndKeepsWhatTheNamesAndMessagesSay() throws Exception {
        Path results = dir.resolve("odd.jsonl");
        String failure = "{\"schedule\": 3, \"type\": \"a.E<&>\", \"message\": \"expected <a & b> \\\"q\\\"\\nline 2\\r\\tend"
                + " \u00e9 \ud83d\ude00 \uffff \\ud800 x\", \"replay\": \"simloop:1:random:7:5:AA:00000000\"}";
        Files.writeString(results, resultsLine("t<&>\u00e9", "1/2", 7, 50)
                + resultsLine("t<&>\u00e9", "2/2", 7, 50).replace("\"failures\": []", "\"failures\": [" + failure + "]"));
        Path xml = dir.resolve("odd.xml");
        List<Object> r = merge("--xml", xml.toString(), results.toString());
        assertThat(r.get(0)).as(r.toString()).isEqualTo(1);

        String report = Files.readString(xml); // UTF-8: a lone surrogate would not even have been written
        String said = "a.E&lt;&amp;&gt;: expected &lt;a &amp; b&gt; &quot;q&quot;";
        assertThat(report).contains("<testcase classname=\"a.T\" name=\"t&lt;&amp;&gt;\u00e9\" time=")
                .contains("<failure message=\"" + said + "&#10;line 2&#13;&#9;end \u00e9 \ud83d\ude00 ? ? x\""
                        + " type=\"a.E&lt;&amp;&gt;\">schedule index 3 (shard 2/2): " + said
                        + "\nline 2&#13;\tend \u00e9 \ud83d\ude00 ? ? x\nreplay: simloop:1:random:7:5:AA:00000000\n</failure>")
                .doesNotContain("\uffff");
    }

    /**
     * Guards that {@code merge --xml shard-*.jsonl} (the report's own name left out, so that the shell
     * puts the first shard's file after {@code --xml}) does not overwrite that file with the report,
     * losing its results and blaming a missing shard: the command is refused and every file kept.
     */
    @Test
    void theMergeRefusesToWriteItsXmlOverAResultsFile() throws Exception {
        Path one = dir.resolve("shard-1.jsonl");
        Path two = dir.resolve("shard-2.jsonl");
        Files.writeString(one, resultsLine("t", "1/2", 7, 50));
        Files.writeString(two, resultsLine("t", "2/2", 7, 50));
        List<Object> r = merge("--xml", one.toString(), two.toString());
        assertThat(r.get(0)).as(r.toString()).isEqualTo(2);
        assertThat((String) r.get(2)).startsWith("simloop Results: --xml " + one + " is a results file, which the"
                + " JUnit XML report would overwrite: name the report's own file after --xml, e.g. --xml simloop.xml\n"
                + "usage: ");
        assertThat(Files.readString(one)).isEqualTo(resultsLine("t", "1/2", 7, 50));
        r = merge("--xml", dir.resolve("shard-2.jsonl/../report.xml").toString(), one.toString(),
                dir.resolve("report.xml").toString());
        assertThat(r.get(0)).as("the XML named as a file to merge too").isEqualTo(2);
        assertThat(dir.resolve("report.xml")).doesNotExist();
        assertThat(merge("--xml", dir.resolve("report.xml").toString(), one.toString(), two.toString()).get(0))
                .isEqualTo(0);
    }

    /**
     * Guards that a line replacing an earlier one of its test and shard (a retry that explored
     * another seed and passed, a run appended to the same file) does not drop the earlier line's
     * failure: the merge fails with it, and says why; a failure both lines hold counts once.
     */
    @Test
    void aLaterLineOfATestAndShardKeepsTheFailureOfTheLineItReplaces() throws Exception {
        Path a = dir.resolve("a.jsonl");
        String failure = "{\"schedule\": 3, \"type\": \"java.lang.AssertionError\", \"message\": \"lost update\","
                + " \"replay\": \"simloop:1:random:7:5:AA:00000000\"}";
        String failed = resultsLine("t", "1/1", 7, 4).replace("\"failures\": []", "\"failures\": [" + failure + "]");
        Files.writeString(a, failed + resultsLine("t", "1/1", 8, 100));
        Path xml = dir.resolve("m.xml");
        List<Object> r = merge("--xml", xml.toString(), a.toString());
        assertThat(r.get(0)).as(r.toString()).isEqualTo(1);
        assertThat((String) r.get(1)).isEqualTo("""
                test  shards    schedules  failing  stopped            first failure
                T.t   1               100        1  all_schedules_run  replay simloop:1:random:7:5:AA:00000000
                note: T.t shard 1/1: an earlier line replaced by a later one, which keeps its failure (a failure that\
                 a run found fails the merge while its line is in a file: give each run its own files)
                1 tests, 100 schedules, 1 failing: FAILED
                JUnit XML:\s""" + xml.toAbsolutePath() + "\n");
        assertThat(Files.readString(xml)).contains("failures=\"1\"")
                .contains("schedule index 3 (shard 1/1): java.lang.AssertionError: lost update\nreplay: simloop:1:random:7:5:AA:00000000\n");

        Files.writeString(a, failed + failed.replace("\"run\": 4", "\"run\": 5"));
        r = merge(a.toString());
        assertThat(r.get(0)).as(r.toString()).isEqualTo(1);
        assertThat((String) r.get(1)).contains("  1  all_schedules_run  replay simloop:1:random:7:5:AA:00000000\n"
                + "note: T.t shard 1/1: an earlier line replaced by a later one\n1 tests, 5 schedules, 1 failing: FAILED\n");
    }

    /**
     * Guards that a test that is never split (a {@code replay}), which runs whole in each shard's JVM
     * and so writes the same {@code 1/1} line to each shard's file, merges as one run without a note
     * that a later run replaced it; the same line twice in one file, or whole runs with different
     * seeds, still get the note.
     */
    @Test
    void aReplayThatRanWholeInEveryShardMergesAsOneRunWithoutANote() throws Exception {
        Path one = dir.resolve("shard-1.jsonl");
        Path two = dir.resolve("shard-2.jsonl");
        String replay = resultsLine("r", "1/1", 7, 1).replace("\"schedules\": 100", "\"schedules\": 1");
        Files.writeString(one, resultsLine("t", "1/2", 7, 50) + replay);
        Files.writeString(two, resultsLine("t", "2/2", 7, 50) + replay);
        List<Object> r = merge(one.toString(), two.toString());
        assertThat(r.get(0)).as(r.toString()).isEqualTo(0);
        assertThat((String) r.get(1)).doesNotContain("note:").endsWith("2 tests, 101 schedules, 0 failing: passed\n");

        Files.writeString(one, resultsLine("t", "1/2", 7, 50) + replay + replay);
        assertThat((String) merge(one.toString(), two.toString()).get(1))
                .as("two lines in one file are two runs appended to it")
                .contains("note: T.r shard 1/1: an earlier line replaced by a later one\n");
        Files.writeString(one, resultsLine("t", "1/2", 7, 50) + replay.replace("\"seed\": 7", "\"seed\": 8"));
        assertThat((String) merge(one.toString(), two.toString()).get(1))
                .as("whole runs with different seeds are different runs")
                .contains("note: T.r shard 1/1: an earlier line replaced by a later one\n");
    }

    @Test
    void theMergeCountsATestsShardOnceAndRefusesFilesThatAreNotOfOneRun() throws Exception {
        Path a = dir.resolve("a.jsonl");
        Path b = dir.resolve("b.jsonl");
        Files.writeString(a, resultsLine("t", "1/2", 7, 40) + resultsLine("t", "1/2", 7, 50));
        Files.writeString(b, resultsLine("t", "2/2", 7, 50));
        List<Object> r = merge(a.toString(), b.toString());
        assertThat(r.get(0)).as(r.toString()).isEqualTo(0);
        assertThat((String) r.get(1)).contains("note: T.t shard 1/2: an earlier line replaced by a later one")
                .endsWith("1 tests, 100 schedules, 0 failing: passed\n");

        Files.writeString(b, resultsLine("t", "2/2", 7, 50).replace("ALL_SCHEDULES_RUN", "INTERRUPTED"));
        Path xml = dir.resolve("m.xml");
        r = merge("--xml", xml.toString(), a.toString(), b.toString());
        assertThat(r.get(0)).as("an interrupted shard (a @Timeout) did not run its schedules").isEqualTo(1);
        assertThat((String) r.get(1)).contains("interrupted (a @Timeout?): not every schedule ran");
        assertThat(Files.readString(xml)).contains("failures=\"1\"").contains("type=\"Interrupted\"");

        Files.writeString(b, resultsLine("t", "2/2", 8, 50));
        r = merge(a.toString(), b.toString());
        assertThat(r.get(0)).isEqualTo(2);
        assertThat(r.get(2)).isEqualTo("simloop Results: T.t: its shards ran with different seeds (7, 8), so they are"
                + " not one exploration; merge the files of one run, whose shards all got the same settings\n");
        Files.writeString(b, resultsLine("t", "2/2", 7, 50).replace("\"random\"", "\"pct(3)\""));
        assertThat((String) merge(a.toString(), b.toString()).get(2)).startsWith("simloop Results: T.t: its shards ran"
                + " with different strategies (pct(3), random), so");
        Files.writeString(b, resultsLine("t", "2/2", 7, 50).replace("\"schedules\": 100", "\"schedules\": 400"));
        assertThat((String) merge(a.toString(), b.toString()).get(2)).startsWith("simloop Results: T.t: its shards ran"
                + " with different schedule counts (100, 400), so");

        Files.writeString(b, resultsLine("t", "1/1", 7, 100) + resultsLine("t", "2/2", 7, 50));
        r = merge(a.toString(), b.toString());
        assertThat(r.get(0)).isEqualTo(2);
        assertThat(r.get(2)).isEqualTo("simloop Results: T.t: lines of runs split into 1 and 2 shards; merge the files"
                + " of one run (a file that an earlier run appended to?)\n");
    }

    @Test
    void aLineWithoutTheMembersThatPassOrFailATestIsMalformedNotAPass() throws Exception {
        Path bad = dir.resolve("bad.jsonl");
        String good = resultsLine("t", "1/1", 7, 100);
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put(good.replace("\"failures\": []", "\"failures\": \"oops\""), "its \"failures\" is not a list");
        cases.put(good.replace(", \"failures\": []", ""), "its \"failures\" is missing");
        cases.put(good.replace("\"run\": 100", "\"run\": \"many\""), "its \"run\" is not a number");
        cases.put(good.replace(", \"stopReason\": \"ALL_SCHEDULES_RUN\"", ""), "its \"stopReason\" is missing");
        cases.put(good.replace("\"class\": \"a.T\"", "\"class\": 3"), "its \"class\" is not a string");
        cases.put(good.replace("\"failures\": []", "\"failures\": [{\"schedule\": \"3\", \"type\": \"E\"}]"),
                "a member of its \"failures\" is not an object with a \"type\" and a \"schedule\"");
        cases.put(good.replace("\"failures\": []", "\"failures\": [7]"),
                "a member of its \"failures\" is not an object with a \"type\" and a \"schedule\"");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Files.writeString(bad, good + c.getKey());
            List<Object> r = merge(bad.toString());
            assertThat(r.get(0)).as(c.getKey()).isEqualTo(2);
            assertThat(r.get(2)).isEqualTo("simloop Results: " + bad + ":2: not a simloop results line (" + c.getValue()
                    + ")\n");
        }
    }

    /**
     * A bounded search is split by subtree, and each shard numbers its own schedules: their indices
     * are not comparable. The failures' order keys are (the cheaper schedule first, whatever its
     * shard or index); lines without them are listed by shard, and the table says whose the first is.
     */
    @Test
    void aShardedBoundedSearchListsItsFailuresByTheirOrderKeysElseByShardAndSaysWhenAShardStoppedAtTheCap()
            throws Exception {
        Path a = dir.resolve("a.jsonl");
        Path b = dir.resolve("b.jsonl");
        String bounded = resultsLine("t", "1/2", 7, 50).replace("\"random\"", "\"preemptionBounded(2)\"");
        Files.writeString(a, bounded.replace("\"failures\": []",
                "\"failures\": [{\"schedule\": 46, \"type\": \"java.lang.AssertionError\", \"message\": \"one\","
                        + " \"replay\": \"simloop:1:a:46\"}]").replace("ALL_SCHEDULES_RUN", "FAILURE_FOUND"));
        Files.writeString(b, bounded.replace("1/2", "2/2").replace("\"failures\": []",
                "\"failures\": [{\"schedule\": 9, \"type\": \"java.lang.AssertionError\", \"message\": \"two\","
                        + " \"replay\": \"simloop:1:b:9\"}]").replace("ALL_SCHEDULES_RUN", "FAILURE_FOUND"));
        Path xml = dir.resolve("m.xml");
        for (List<String> order : List.of(List.of(a.toString(), b.toString()), List.of(b.toString(), a.toString()))) {
            List<Object> r = merge("--xml", xml.toString(), order.get(0), order.get(1));
            assertThat(r.get(0)).isEqualTo(1);
            assertThat((String) r.get(1)).contains("(shard 1/2) replay simloop:1:a:46").doesNotContain("replay simloop:1:b:9");
            String x = Files.readString(xml);
            assertThat(x.indexOf("schedule index 46 (shard 1/2)")).isPositive()
                    .isLessThan(x.indexOf("schedule index 9 (shard 2/2)"));
        }

        Files.writeString(a, Files.readString(a).replace("\"replay\"", "\"order\": [2, 1, 0, -1, 0, 1, 3, 1], \"replay\""));
        Files.writeString(b, Files.readString(b).replace("\"replay\"", "\"order\": [1, 0, -1, 4, 1], \"replay\""));
        List<Object> byOrder = merge("--xml", xml.toString(), a.toString(), b.toString());
        assertThat((String) byOrder.get(1)).contains("(shard 2/2) replay simloop:1:b:9");
        String x = Files.readString(xml);
        assertThat(x.indexOf("schedule index 9 (shard 2/2)")).isPositive()
                .isLessThan(x.indexOf("schedule index 46 (shard 1/2)"));
        Files.writeString(b, Files.readString(b).replace("[1, 0, -1, 4, 1]", "[1, \"x\"]"));
        assertThat(merge(a.toString(), b.toString()).get(2)).isEqualTo("simloop Results: " + b
                + ":1: not a simloop results line (a failure's \"order\" is not a list of numbers)\n");

        Files.writeString(a, bounded);
        Files.writeString(b, bounded.replace("1/2", "2/2").replace("ALL_SCHEDULES_RUN", "EXHAUSTED"));
        List<Object> r = merge(a.toString(), b.toString());
        assertThat(r.get(0)).as("a capped search that found nothing passes").isEqualTo(0);
        assertThat((String) r.get(1)).contains("a shard stopped at the schedule count before its part of the bounded"
                + " search was exhausted: raise -Dsimloop.schedules to search it all");
        Files.writeString(a, bounded.replace("ALL_SCHEDULES_RUN", "EXHAUSTED"));
        assertThat((String) merge(a.toString(), b.toString()).get(1)).doesNotContain("raise -Dsimloop.schedules");
    }

    /** The table's first failure is the earliest schedule's of all shards, the one an unsharded run reports. */
    @Test
    void theMergesFirstFailureIsTheEarliestScheduleOfAnyShard() throws Exception {
        Path a = dir.resolve("a.jsonl");
        Path b = dir.resolve("b.jsonl");
        Files.writeString(a, resultsLine("t", "1/2", 7, 50).replace("\"failures\": []",
                "\"failures\": [{\"schedule\": 46, \"type\": \"java.lang.AssertionError\", \"message\": \"late\","
                        + " \"replay\": \"simloop:1:pos:46\"}]").replace("ALL_SCHEDULES_RUN", "FAILURE_FOUND"));
        Files.writeString(b, resultsLine("t", "2/2", 7, 50).replace("\"failures\": []",
                "\"failures\": [{\"schedule\": 9, \"type\": \"java.lang.AssertionError\", \"message\": \"early\","
                        + " \"replay\": \"simloop:1:pct(2):9\"}]").replace("ALL_SCHEDULES_RUN", "FAILURE_FOUND"));
        for (List<String> order : List.of(List.of(a.toString(), b.toString()), List.of(b.toString(), a.toString()))) {
            List<Object> r = merge(order.toArray(String[]::new));
            assertThat(r.get(0)).isEqualTo(1);
            assertThat((String) r.get(1)).contains("replay simloop:1:pct(2):9").doesNotContain("replay simloop:1:pos:46");
        }
    }

    @Test
    void theMergeFailsOnAFileWithoutResultsAndNamesFilesItCannotRead() throws Exception {
        Path a = dir.resolve("a.jsonl");
        Path empty = dir.resolve("empty.jsonl");
        Files.writeString(a, resultsLine("t", "1/1", 7, 100));
        Files.writeString(empty, "\n");
        Path xml = dir.resolve("m.xml");
        List<Object> r = merge("--xml", xml.toString(), a.toString(), empty.toString());
        assertThat(r.get(0)).isEqualTo(1);
        assertThat((String) r.get(1)).contains(empty + ": no results in it (its shard ran no simulated test)")
                .contains("1 tests, 100 schedules, 0 failing: FAILED");
        assertThat(Files.readString(xml)).contains("tests=\"2\" failures=\"1\"").contains("type=\"NoResults\"");
        r = merge(empty.toString());
        assertThat(r.get(0)).isEqualTo(1);
        assertThat((String) r.get(1)).endsWith("0 tests, 0 schedules, 0 failing: FAILED\n");

        Path none = dir.resolve("none.jsonl");
        assertThat(merge(none.toString())).containsExactly(2, "", "simloop Results: " + none + ": no such file\n");
        assertThat(merge(dir.toString())).containsExactly(2, "", "simloop Results: " + dir
                + " is a directory: give the results files in it (" + dir.resolve("*.jsonl") + ")\n");
        List<Object> misspelt = merge("--xlm", "m.xml", none.toString());
        assertThat(misspelt.get(0)).isEqualTo(2);
        assertThat((String) misspelt.get(2)).startsWith("simloop Results: unknown option --xlm (merge takes --xml FILE"
                + " and results files)\nusage: ");
        List<Object> help = merge("--help");
        assertThat(help.get(0)).isEqualTo(0);
        assertThat((String) help.get(1)).startsWith("usage: java -cp simloop-junit.jar:simloop-runtime.jar"
                + " dev.simloop.junit.Results merge").contains("2 when the command or the files are malformed");
    }

    @Test
    void aMalformedShardOrParallelismFailsTheTestNamingTheSetting() {
        Throwable t = SimulatedLoopExtensionTest.onlyFailure(runWith(ScaleOutFixtures.Passing.class,
                "simloop.shard", "5/4"));
        assertThat(t).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-Dsimloop.shard=5/4: the index 5 is past the count 4 (INDEX/COUNT counts from 1:"
                        + " simloop.shard=1/4 to simloop.shard=4/4)");
        t = SimulatedLoopExtensionTest.onlyFailure(runWith(ScaleOutFixtures.Passing.class, "simloop.parallelism", "0"));
        assertThat(t).hasMessage("-Dsimloop.parallelism=0: must be at least 1 (schedules run one at a time with 1)");
    }

    /**
     * Schedules an assumption aborted are not passes in the results file, and a shard whose every
     * schedule was aborted (JUnit skips the test there) still leaves its line: the merge of the two
     * shards agrees with the unsharded run instead of failing a shard as missing.
     */
    @Test
    void abortedSchedulesCountAsAbortedAndAShardOfOnlyAbortedOnesIsNotMissing() throws Exception {
        runWith(ScaleOutFixtures.AssumesEven.class);
        Map<String, Object> whole = resultLines().get(0);
        assertThat(whole).containsEntry("run", 20L).containsEntry("passed", 10L).containsEntry("aborted", 10L);
        Files.delete(dir.resolve("results.jsonl"));
        EngineExecutionResults first = runWith(ScaleOutFixtures.AssumesEven.class, "simloop.shard", "1/2");
        EngineExecutionResults second = runWith(ScaleOutFixtures.AssumesEven.class, "simloop.shard", "2/2");
        first.testEvents().assertStatistics(st -> st.succeeded(1).aborted(0).failed(0));
        second.testEvents().assertStatistics(st -> st.succeeded(0).aborted(1).failed(0));
        List<Map<String, Object>> lines = resultLines();
        assertThat(lines).extracting(l -> l.get("shard")).containsExactly("1/2", "2/2");
        assertThat(lines.get(1)).containsEntry("run", 10L).containsEntry("passed", 0L).containsEntry("aborted", 10L);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Path xml = dir.resolve("merged.xml");
        int status = Results.run(new String[] {"merge", "--xml", xml.toString(), dir.resolve("results.jsonl").toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        String table = out.toString(StandardCharsets.UTF_8);
        assertThat(status).as(table).isZero();
        assertThat(table).doesNotContain("missing").contains("1 tests, 20 schedules, 0 failing: passed");
        // a test that an assumption skipped is reported skipped in the XML
        Files.delete(dir.resolve("results.jsonl"));
        runWith(dev.simloop.junit.fixtures.Fixtures.AssumesNever.class);
        status = Results.run(new String[] {"merge", "--xml", xml.toString(), dir.resolve("results.jsonl").toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), System.err);
        String report = Files.readString(xml);
        assertThat(status).isZero();
        assertThat(report).contains("skipped=\"1\"").contains("<skipped message=\"an assumption aborted every schedule\"/>");
    }

    /**
     * A test that takes its input from the schedule's seed: the extension's own replays (the
     * determinism check's second run, the traced replay, shrinking) get the schedule's context, so
     * the failure is found, reproduced and offered as a pin; its line replays as a test.
     */
    @Test
    void theExtensionsOwnReplaysSeeTheSchedulesContext() {
        SimulatedLoopFailure f = onlySimFailure(runWith(ScaleOutFixtures.InputFromTheSeed.class));
        assertThat(f.getCause()).isInstanceOf(AssertionError.class).hasMessageStartingWith("input 3 loses an update");
        assertThat(f.getMessage()).doesNotContain("not a pin").doesNotContain("NondeterminismDetected");
        EngineExecutionResults passing = runWith(ScaleOutFixtures.ContextWithDeterminismCheck.class);
        passing.testEvents().assertStatistics(st -> st.succeeded(1).failed(0));
    }

    /**
     * Guards a shard's pass summary when the schedules do not split evenly: 10 schedules in 3 shards
     * are 4, 3 and 3, the first shard taking the one left over.
     */
    @Test
    void theShardsOfAnUnevenSplitEachSayTheirOwnShare() {
        int[] shares = {4, 3, 3};
        int total = 0;
        for (int i = 1; i <= 3; i++) {
            ScaleOutFixtures.LOG.clear();
            EngineExecutionResults r = runWith(ScaleOutFixtures.Passing.class, "simloop.seed", "21",
                    "simloop.schedules", "10", "simloop.shard", i + "/3");
            int share = shares[i - 1];
            assertThat(ScaleOutFixtures.LOG).hasSize(share);
            assertThat(reportEntries(r, "simloop")).containsExactly("passed " + share + " of " + share
                    + " schedules, shard " + i + "/3 of 10 (strategy random, seed 21)");
            total += share;
        }
        assertThat(total).isEqualTo(10);
    }

    @Test
    void pctLearnsItsChoiceCountAsExplorationDoesWhateverTheThreadsAndShards() throws Exception {
        // the schedules after the first run PCT with the choice count learned from the first 32, as
        // Exploration's do: the failing schedule's line names pct(2,k), where it named pct(2) (k = 50)
        SimulatedLoopFailure one = onlySimFailure(runWith(ScaleOutFixtures.PctLearning.class));
        assertThat(one.scheduleIndex()).isPositive();
        String ran = dev.simloop.Schedule.parse(one.replayLine()).strategy();
        assertThat(ran).matches("pct\\(2,[1-9][0-9]*\\)");
        assertThat(one.strategy()).startsWith("pct(2) (this schedule: " + ran + "; alone: -Dsimloop.seed=")
                .endsWith(" -Dsimloop.strategy=\"" + ran + "\" -Dsimloop.schedules=1)");
        SimulatedLoopFailure alone = onlySimFailure(runWith(ScaleOutFixtures.PctLearning.class,
                "simloop.seed", Long.toString(one.seed()), "simloop.strategy", ran, "simloop.schedules", "1"));
        assertThat(alone.replayLine()).as("the settings the report gives run that schedule alone").isEqualTo(one.replayLine());
        SimulatedLoopFailure two = onlySimFailure(runWith(ScaleOutFixtures.PctLearning.class, "simloop.parallelism", "2"));
        assertThat(two.replayLine()).isEqualTo(one.replayLine());
        // every shard learns from all of the first schedules, so the one that owns the failing schedule finds it
        SimulatedLoopFailure inItsShard = onlySimFailure(runWith(ScaleOutFixtures.PctLearning.class,
                "simloop.shard", (one.scheduleIndex() % 3 + 1) + "/3"));
        assertThat(inItsShard.scheduleIndex()).isEqualTo(one.scheduleIndex());
        assertThat(inItsShard.replayLine()).isEqualTo(one.replayLine());
    }
}
