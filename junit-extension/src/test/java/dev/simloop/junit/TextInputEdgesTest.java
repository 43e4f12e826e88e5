package dev.simloop.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The text a user gives the extension and the results merge, at its edges: every bad value fails
 * with an error that names it, nothing is silently replaced, and no line crashes or stalls the merge.
 */
class TextInputEdgesTest {
    @TempDir
    Path dir;

    private static Function<String, Optional<String>> params(Map<String, String> m) {
        return k -> Optional.ofNullable(m.get(k));
    }

    @Test
    void theFreshSeedValueIsNoSeedToAskFor() {
        assertThatThrownBy(() -> RunConfig.resolve(null, params(Map.of(RunConfig.SEED, "-9223372036854775808"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-Dsimloop.seed=-9223372036854775808 is below the smallest it takes, -9223372036854775807"
                        + " (Long.MIN_VALUE is SimulatedLoop.FRESH_SEED; leave -Dsimloop.seed out for a fresh seed)");
        assertThat(RunConfig.resolve(null, params(Map.of(RunConfig.SEED, "-9223372036854775807"))).baseSeed())
                .isEqualTo(-9223372036854775807L);
    }

    @Test
    void aBuiltScheduleToReplayFailsNamingTheSetting() {
        assertThatThrownBy(() -> RunConfig.resolve(null, params(Map.of(RunConfig.REPLAY, "Schedule.of(1, 0)"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("-Dsimloop.replay=Schedule.of(1, 0): 'Schedule.of(1, 0)' is a built schedule");
        String longLine = "simloop:1:random:1:-:" + "A".repeat(1 << 20) + ":00000000";
        assertThatThrownBy(() -> RunConfig.resolve(null, params(Map.of(RunConfig.REPLAY, longLine))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("-Dsimloop.replay=simloop:1:random:1:-:AAA").message().hasSizeLessThan(400);
    }

    /**
     * A line given with the quotes of the command it was copied from (an IDE's VM options and a pom's
     * argLine keep them) fails naming the quote, not as a line that was cut or is no simloop line.
     */
    @Test
    void aReplayLineWithItsQuotesKeptFailsNamingTheQuote() {
        String line = dev.simloop.Simulation.builder().seed(1).run(() -> 1).replayLine();
        assertThatThrownBy(() -> RunConfig.resolve(null, params(Map.of(RunConfig.REPLAY, "\"" + line + "\""))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-Dsimloop.replay=\"" + line + "\": replay line has text before it: '\"' precedes '" + line
                        + "\"'; copy the line alone, from 'simloop:' up to its 8-digit checksum");
        assertThatThrownBy(() -> RunConfig.resolve(null, params(Map.of(RunConfig.REPLAY, line + "\""))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-Dsimloop.replay=" + line + "\": replay line has text after its checksum: '\"' follows '"
                        + line + "'; copy the line alone, from 'simloop:' up to its 8-digit checksum");
    }

    /**
     * A line a CI log viewer wrapped (a CRLF and an indent inside it), passed on as it was copied:
     * the test replays the line, where the setting was refused as a checksum mismatch.
     */
    @Test
    void aReplayLineWrappedByALogViewerReplaysTheLine() {
        dev.simloop.ThrowingSupplier<Integer> racy = () -> {
            int[] c = {0};
            dev.simloop.TaskGroup.with(tg -> {
                for (int i = 0; i < 3; i++) {
                    tg.spawn(() -> {
                        int v = c[0];
                        dev.simloop.Loop.checkpoint();
                        c[0] = v + 1;
                    });
                }
                return null;
            });
            return c[0];
        };
        dev.simloop.SimResult<Integer> run = dev.simloop.Simulation.builder().seed(1).run(racy);
        String line = run.replayLine();
        String wrapped = line.substring(0, 25) + "\r\n        " + line.substring(25) + "\n";
        RunConfig cfg = RunConfig.resolve(null, params(Map.of(RunConfig.REPLAY, wrapped)));
        assertThat(cfg.isReplay()).isTrue();
        assertThat(cfg.strategyText()).isEqualTo("random");
        dev.simloop.SimResult<Integer> again = cfg.builder(0).run(racy);
        assertThat(again.replayLine()).isEqualTo(line);
        assertThat(again.traceDigest()).isEqualTo(run.traceDigest());
        assertThat(again.value()).isEqualTo(run.value());
    }

    /** Runs the merge: @return its exit status, then what it printed and what it printed as errors */
    private static List<Object> merge(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Results.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return List.of(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String resultsLine(String shard, String extra) {
        return "{\"test\": \"[engine:x]/t\", \"class\": \"a.T\", \"method\": \"t\", \"display\": \"t()\", \"shard\": " + shard
                + ", \"strategy\": \"random\", \"seed\": 7, \"schedules\": 100, \"run\": 50, \"stopReason\":"
                + " \"ALL_SCHEDULES_RUN\", \"failures\": []" + extra + "}\n";
    }

    private List<Object> mergeLine(String line) throws Exception {
        Path f = dir.resolve("r.jsonl");
        Files.writeString(f, line);
        return merge("merge", f.toString());
    }

    @Test
    void aDeeplyNestedLineIsMalformedNotAStackOverflow() throws Exception {
        List<Object> r = mergeLine("{\"test\": \"x\", \"z\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}\n");
        assertThat(r.get(0)).isEqualTo(2);
        assertThat((String) r.get(2)).endsWith("r.jsonl:1: not a results line: arrays and objects nested more than 256"
                + " deep at character 275\n");
        assertThat(mergeLine(resultsLine("\"1/1\"", ", \"z\": " + "[".repeat(200) + "]".repeat(200))).get(0))
                .isEqualTo(0);
    }

    @Test
    void aBadUnicodeEscapeIsMalformedJson() throws Exception {
        for (String escape : new String[] {"\\\\uZZZZ", "\\\\u-123", "\\\\u+123"}) {
            List<Object> r = mergeLine(resultsLine("\"1/1\"", ", \"x\": \"" + escape.substring(1) + "\""));
            assertThat(r.get(0)).as(escape).isEqualTo(2);
            assertThat((String) r.get(2)).as(escape).contains("r.jsonl:1: not JSON: expected four hex digits at character");
        }
        assertThat(mergeLine(resultsLine("\"1/1\"", ", \"x\": \"\\u00e9\"")).get(0)).isEqualTo(0);
    }

    @Test
    @Timeout(30)
    void aHugeShardCountNamesAFewMissingShards() throws Exception {
        List<Object> r = mergeLine(resultsLine("\"1/2147483647\"", ""));
        assertThat(r.get(0)).isEqualTo(1);
        assertThat((String) r.get(1)).contains("missing shards 2/2147483647, 3/2147483647, ")
                .contains(", 21/2147483647, and 2147483626 more\n");
        r = mergeLine(resultsLine("\"2/3\"", ""));
        assertThat((String) r.get(1)).contains("missing shards 1/3, 3/3\n");
    }

    @Test
    void aLineWithoutAShardSaysSo() throws Exception {
        List<Object> r = mergeLine("{\"test\": \"[engine:x]/t\"}\n");
        assertThat(r.get(0)).isEqualTo(2);
        assertThat((String) r.get(2)).endsWith("r.jsonl:1: not a simloop results line (its \"shard\" is missing, and only"
                + " a test that failed before its settings resolved, of stop reason ERROR, has none)\n");
    }

    @Test
    void anArgumentThatIsNoPathIsAUsageError() {
        List<Object> r = merge("merge", "shard\u0000.jsonl");
        assertThat(r.get(0)).isEqualTo(2);
        assertThat((String) r.get(2)).startsWith("simloop Results: 'shard\u0000.jsonl' is not a file name (Nul character"
                + " not allowed); a shell that does not expand wildcards passes them on as they are: name the files one"
                + " by one\nusage: ");
    }

    /** Before, a stop reason of another case or spelling was read as a pass, and a negative count taken as it was. */
    @Test
    void aStopReasonThatIsNoneOfTheKnownOrANegativeRunIsMalformed() throws Exception {
        List<Object> r = mergeLine(resultsLine("\"1/1\"", "").replace("\"ALL_SCHEDULES_RUN\"", "\"interrupted\""));
        assertThat(r.get(0)).isEqualTo(2);
        assertThat((String) r.get(2)).endsWith("r.jsonl:1: not a simloop results line (its \"stopReason\" 'interrupted'"
                + " is none of [FAILURE_FOUND, ALL_SCHEDULES_RUN, EXHAUSTED, TIME_LIMIT, INTERRUPTED, RAN_AWAY, ERROR])\n");
        r = mergeLine(resultsLine("\"1/1\"", "").replace("\"run\": 50", "\"run\": -50"));
        assertThat(r.get(0)).isEqualTo(2);
        assertThat((String) r.get(2)).endsWith("r.jsonl:1: not a simloop results line (its \"run\" is negative)\n");
        r = mergeLine(resultsLine("\"1/1\"", "").replace("\"ALL_SCHEDULES_RUN\"", "\"INTERRUPTED\""));
        assertThat(r.get(0)).as("an interrupted shard fails the merge").isEqualTo(1);
    }

    /** Before: an empty argument read as the working directory, a byte-order mark as bad JSON, Latin-1 as a bare exception. */
    @Test
    void anEmptyArgumentAByteOrderMarkAndAFileThatIsNotUtf8AreSaidAsSuch() throws Exception {
        List<Object> r = merge("merge", "");
        assertThat(r.get(0)).isEqualTo(2);
        assertThat((String) r.get(2)).startsWith("simloop Results: an empty file name (argument 1): a shell variable that"
                + " was not set?\nusage: ");
        assertThat(mergeLine("\uFEFF" + resultsLine("\"1/1\"", "")).get(0)).as("a byte-order mark is read past").isEqualTo(0);
        Path latin1 = dir.resolve("latin1.jsonl");
        Files.write(latin1, resultsLine("\"1/1\"", ", \"x\": \"\u00e9\"").getBytes(StandardCharsets.ISO_8859_1));
        r = merge("merge", latin1.toString());
        assertThat(r.get(0)).isEqualTo(2);
        assertThat((String) r.get(2)).contains(latin1 + " is not UTF-8 text: a results file is JSON lines in UTF-8, as"
                + " simloop writes it (was it converted, or is it another file?)");
    }

    /**
     * Before, a second {@code --xml} silently won: the report the first one named was never written
     * (a CI step that uploads it found none, or last night's), and the merge exited as if all was well.
     */
    @Test
    void twoXmlReportsAreAUsageErrorNotTheLastOneWritten() throws Exception {
        Path results = dir.resolve("r.jsonl");
        Files.writeString(results, resultsLine("\"1/1\"", ""));
        Path first = dir.resolve("first.xml");
        Path second = dir.resolve("second.xml");
        List<Object> r = merge("merge", "--xml", first.toString(), "--xml", second.toString(), results.toString());
        assertThat(r.get(0)).isEqualTo(2);
        assertThat((String) r.get(2)).startsWith("simloop Results: --xml given twice (" + first + ", then " + second
                + "): name one file for the JUnit XML report\nusage: ");
        assertThat(first).doesNotExist();
        assertThat(second).doesNotExist();
    }

    /**
     * Before, the line that a JVM killed while it appended its results leaves (the start of a line)
     * failed as "not JSON: expected '}' at character 101", which named neither the cause nor the fix.
     */
    @Test
    void aLineCutShortIsSaidToBeCutShortWithTheFix() throws Exception {
        String whole = resultsLine("\"2/2\"", "");
        Path f = dir.resolve("r.jsonl");
        Files.writeString(f, resultsLine("\"1/2\"", "") + whole.substring(0, 99));
        List<Object> r = merge("merge", f.toString());
        assertThat(r.get(0)).isEqualTo(2);
        assertThat((String) r.get(2)).isEqualTo("simloop Results: " + f + ":2: cut short, as a JVM killed while it wrote"
                + " the line leaves it (not JSON: the text ends inside its value, where the end of a string was expected"
                + " at character 100): run that shard again into a fresh file, or delete the line to merge the rest"
                + " (its test's shard then counts as missing)\n");
        Files.writeString(f, resultsLine("\"1/2\"", "") + whole.substring(0, whole.length() - 2));
        assertThat((String) merge("merge", f.toString()).get(2)).contains(f + ":2: cut short, as a JVM killed while it"
                + " wrote the line leaves it (not JSON: the text ends inside its value, where '}' was expected at character "
                + (whole.length() - 1) + ")");
        Files.writeString(f, resultsLine("\"1/2\"", "") + "{oops\n");
        assertThat((String) merge("merge", f.toString()).get(2)).as("a line that is not cut short, but wrong")
                .isEqualTo("simloop Results: " + f + ":2: not JSON: expected a member name at character 2\n");
    }

    /**
     * Before, lines were told apart by their shard's text: a shard written {@code 01/02} (by hand, or
     * by another tool) beside {@code 1/2} counted as a third of two shards, its schedules twice, and
     * the merge passed with "3 of 2" shards and 150 schedules of 100.
     */
    @Test
    void aShardWrittenAnotherWayIsTheSameShard() throws Exception {
        Path f = dir.resolve("r.jsonl");
        Files.writeString(f, resultsLine("\"01/02\"", "") + resultsLine("\"1/2\"", "") + resultsLine("\" 2/2\"", ""));
        List<Object> r = merge("merge", f.toString());
        assertThat(r.get(0)).isEqualTo(0);
        assertThat((String) r.get(1)).contains("T.t   2 of 2          100        0  all_schedules_run")
                .contains("note: T.t shard 1/2: an earlier line replaced by a later one")
                .endsWith("1 tests, 100 schedules, 0 failing: passed\n");
    }

    /** Before, a {@code run} of 2.5 counted 2 schedules, and one of 1e300 made the total negative, and passed. */
    @Test
    void aRunThatIsNoWholeCountIsMalformed() throws Exception {
        for (String run : new String[] {"2.5", "1e300", "2147483648", "50.0"}) {
            List<Object> r = mergeLine(resultsLine("\"1/1\"", "").replace("\"run\": 50", "\"run\": " + run));
            assertThat(r.get(0)).as(run).isEqualTo(2);
            assertThat((String) r.get(2)).as(run).endsWith("r.jsonl:1: not a simloop results line (its \"run\" "
                    + (run.contains(".") || run.contains("e") ? String.valueOf(Double.parseDouble(run)) : run)
                    + " is not a count of schedules, a whole number from 0 to 2147483647)\n");
        }
        assertThat(mergeLine(resultsLine("\"1/1\"", "").replace("\"run\": 50", "\"run\": 2147483647")).get(0))
                .isEqualTo(0);
    }

    /**
     * Before, a report that could not be written named its path alone ("cannot write a/r.xml:
     * /tmp/…/a"): not that a file stood where a directory should, nor what to give instead.
     */
    @Test
    void anXmlReportThatCannotBeWrittenSaysWhyAndWhatToGive() throws Exception {
        Path results = dir.resolve("r.jsonl");
        Files.writeString(results, resultsLine("\"1/1\"", ""));
        Path underAFile = results.resolveSibling("a.txt").resolve("report.xml");
        Files.writeString(underAFile.getParent(), "a file");
        List<Object> r = merge("merge", "--xml", underAFile.toString(), results.toString());
        assertThat(r.get(0)).isEqualTo(2);
        assertThat((String) r.get(2)).isEqualTo("simloop Results: cannot write the JUnit XML report " + underAFile + ": "
                + underAFile.getParent().toAbsolutePath() + " is a file, not a directory; give --xml a file in a directory"
                + " that can be written, e.g. --xml simloop.xml\n");
        r = merge("merge", "--xml", dir.toString(), results.toString());
        assertThat(r.get(0)).isEqualTo(2);
        assertThat((String) r.get(2)).isEqualTo("simloop Results: cannot write the JUnit XML report " + dir
                + ": it is a directory; give --xml a file's name, e.g. --xml " + dir.resolve("simloop.xml") + "\n");
    }
}
