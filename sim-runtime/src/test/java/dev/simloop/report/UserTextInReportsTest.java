package dev.simloop.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Exploration;
import dev.simloop.LimitExceeded;
import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.SimulationFailure;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import dev.simloop.ThrowingSupplier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What users write ends up in reports: task names, failure messages, and the failure objects
 * themselves. None of it may change the report's structure (the HTML page's placeholders and its
 * script data), and a failure whose {@code toString()} or {@code getMessage()} throws must not
 * lose the run's report, turn a failed task into a deadlock, or crash an exploration.
 */
class UserTextInReportsTest {

    /** A failure whose text cannot be had: both its toString() and its getMessage() throw. */
    static final class Unprintable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        @Override
        public String getMessage() {
            throw new IllegalStateException("getMessage boom");
        }

        @Override
        public String toString() {
            throw new IllegalStateException("toString boom");
        }
    }

    private static SimResult<String> failingRun(String taskName, String message, boolean traced) {
        return Simulation.builder().seed(3).strategy(Strategy.fifo()).trace(traced).run(() -> TaskGroup.with(tg -> {
            tg.spawn(taskName, () -> {
                throw new IllegalStateException(message);
            });
            Loop.sleep(Duration.ofSeconds(1));
            return "main done";
        }));
    }

    /** @return the HTML report of a traced run whose task {@code taskName} failed with {@code message} */
    private static String htmlReport(String taskName, String message, Path dir) throws java.io.IOException {
        Path page = dir.resolve("report.html");
        failingRun(taskName, message, true).writeHtmlReport(page);
        return Files.readString(page);
    }

    @Test
    void placeholdersInANameOrMessageStayText(@TempDir Path dir) throws Exception {
        String html = htmlReport("$DATA <b>$TITLE</b>", "balance wrong: $LINES $FAILURE", dir);
        // the message shows as escaped text in the failure section, its placeholders not replaced
        assertThat(html).contains("balance wrong: $LINES $FAILURE");
        assertThat(html).contains("$DATA &lt;b&gt;$TITLE&lt;/b&gt;");
        assertThat(html).doesNotContain("<b>$TITLE</b>");
        // the replay line's copy button appears once, in the page's lines section only
        assertThat(count(html, "class=\"copy\"")).isEqualTo(1);
    }

    @Test
    void aNameThatWouldOpenAnHtmlCommentOrScriptInTheDataStaysInsideIt(@TempDir Path dir) throws Exception {
        String html = htmlReport("<!--<script>", "x </script><script>document.title='PWNED'</script>", dir);
        String script = html.substring(html.indexOf("<script"), html.lastIndexOf("</script>"));
        // inside the page's script, a "<" of the data is written \u003c, so nothing ends or comments it early
        assertThat(script).doesNotContain("<!--").doesNotContain("<script>document").contains("\\u003c!--\\u003cscript>");
        assertThat(count(html, "</script>")).isEqualTo(count(TEMPLATE_SCRIPTS_CLOSED, "</script>"));
    }

    /**
     * A terminal's escape code and a NUL in a failure's message (a coloured log line it quotes): HTML
     * allows no control character but a tab and a line break, and a browser dropped the NUL unseen.
     * The page writes each as the trace table does, {@code \\u001b}, in the failure and in the title.
     */
    @Test
    void controlCharactersInAMessageOrTitleShowAsEscapesAndThePageHoldsNone(@TempDir Path dir) throws Exception {
        String message = "balance \u001b[31mwrong\u001b[0m\u0000 by 7\u007f\u0085";
        Path page = dir.resolve("report.html");
        failingRun("t", message, true).writeHtmlReport(page, "audit \u0007test", null);
        String html = Files.readString(page);
        assertThat(html).contains("<pre>java.lang.IllegalStateException: balance \\u001b[31mwrong\\u001b[0m\\u0000 by 7"
                + "\\u007f\\u0085\n");
        assertThat(html).contains("<title>simloop: audit \\u0007test</title>");
        assertThat(html.chars().filter(c -> Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t'))
                .as("control characters in the page").isEmpty();
    }

    /** The page's template closes its scripts this many times (one data block, one program). */
    private static final String TEMPLATE_SCRIPTS_CLOSED = "</script></script>";

    /** Spans of the same program after a sleep of {@code days}: each {@code tid ts dur}. */
    private static List<String[]> spansAfter(int days) {
        ThrowingSupplier<Void> late = () -> {
            Loop.sleep(Duration.ofDays(days));
            TaskGroup.with(tg -> {
                for (int t = 0; t < 2; t++) {
                    tg.spawn(() -> {
                        for (int i = 0; i < 5; i++) {
                            Loop.checkpoint();
                        }
                    });
                }
                return null;
            });
            return null;
        };
        String json = Simulation.builder().seed(1).strategy(Strategy.random()).trace(true).run(late)
                .chromeTraceJson().orElseThrow();
        Matcher m = Pattern.compile("\"ph\":\"X\",[^}]*\"tid\":(\\d+),\"ts\":([0-9.]+),\"dur\":([0-9.]+)").matcher(json);
        List<String[]> spans = new ArrayList<>();
        while (m.find()) {
            spans.add(new String[] {m.group(1), m.group(2), m.group(3)});
        }
        return spans;
    }

    /**
     * A step is drawn one nanosecond after the one before it at the same instant; past 2^43 µs of
     * virtual time (about 102 days) a {@code double} of microseconds lost those nanoseconds, and a
     * run's steps fell on one point. The file now writes each time exactly: the same run after 300
     * days has the spans it has after one day, each moved by exactly 299 days.
     */
    @Test
    void chromeTraceTimesStayExactAfterMonthsOfVirtualTime() {
        List<String[]> early = spansAfter(1);
        List<String[]> late = spansAfter(300);
        assertThat(late).hasSameSizeAs(early).hasSizeGreaterThan(10);
        java.math.BigDecimal shift = java.math.BigDecimal.valueOf(Duration.ofDays(299).toNanos()).movePointLeft(3);
        for (int i = 0; i < early.size(); i++) {
            String[] e = early.get(i);
            String[] l = late.get(i);
            assertThat(l[1]).matches("\\d+\\.\\d{3}");
            assertThat(l[0]).isEqualTo(e[0]);
            if (!e[1].startsWith("0.")) { // the spans that start before the sleep ends (the sleep's) do not move
                assertThat(l[2]).as("span %d's duration", i).isEqualTo(e[2]);
                assertThat(new java.math.BigDecimal(l[1]).subtract(new java.math.BigDecimal(e[1])))
                        .as("span %d's start", i).isEqualByComparingTo(shift);
            }
        }
    }

    @Test
    void aTracedRunKeepsTheFailureOfATaskWhoseToStringThrows() {
        for (boolean traced : List.of(false, true)) {
            SimResult<String> r = Simulation.builder().seed(3).strategy(Strategy.fifo()).trace(traced)
                    .run(() -> TaskGroup.with(tg -> {
                        tg.spawn("evil", () -> {
                            throw new Unprintable();
                        });
                        Loop.sleep(Duration.ofSeconds(1));
                        return "main done";
                    }));
            assertThat(r.failure()).as("traced %s", traced).isInstanceOf(Unprintable.class);
        }
    }

    /** The page's stack trace printed the failure with its own toString(), which threw: no page was written. */
    @Test
    void theHtmlReportOfARunWhoseFailureCannotBePrintedIsWritten(@TempDir Path dir) throws Exception {
        SimResult<Object> r = Simulation.builder().seed(4).trace(true).run(() -> {
            throw new IllegalStateException("wrapped", new Unprintable());
        });
        Path page = dir.resolve("run.html");
        r.writeHtmlReport(page);
        String html = Files.readString(page);
        assertThat(html).contains("java.lang.IllegalStateException: wrapped")
                .contains("Caused by: " + Unprintable.class.getName() + " (its toString() threw java.lang.IllegalStateException)")
                .contains("at dev.simloop.report.UserTextInReportsTest.lambda$theHtmlReportOfARunWhoseFailureCannotBePrintedIsWritten");
    }

    @Test
    void valueThrowsSimulationFailureWithItsReportWhenTheFailureCannotBePrinted() {
        SimResult<Object> r = Simulation.builder().seed(4).run(() -> {
            throw new Unprintable();
        });
        try {
            r.value();
            throw new AssertionError("value() returned");
        } catch (SimulationFailure f) {
            assertThat(f.getCause()).isInstanceOf(Unprintable.class);
            assertThat(f.getMessage()).startsWith("simulated run failed: " + Unprintable.class.getName()
                    + " (its toString() threw java.lang.IllegalStateException)").contains("replay:       simloop:1:");
        }
    }

    @Test
    void anExplorationReportsAFailureWhoseMessageCannotBeHad() {
        var report = Exploration.of(() -> {
            int[] balance = {0};
            TaskGroup.with(tg -> {
                for (int i = 0; i < 2; i++) {
                    tg.spawn(() -> {
                        int b = balance[0];
                        Loop.checkpoint();
                        balance[0] = b + 1;
                    });
                }
                return null;
            });
            if (balance[0] != 2) {
                throw new Unprintable();
            }
            return null;
        }).schedules(200).seed(1).run();
        assertThat(report.firstFailure()).isPresent();
        assertThat(report.firstFailure().orElseThrow().failure()).isInstanceOf(Unprintable.class);
        assertThat(report.shrunkFailure()).isPresent();
    }

    @Test
    void aRunStoppedByALimitSaysToReplayItWithThatLimit() {
        ThrowingSupplier<Void> spins = () -> {
            while (true) {
                Loop.checkpoint();
            }
        };
        SimResult<Void> r = Simulation.builder().seed(29).maxSteps(300).run(spins);
        assertThat(r.failure()).isInstanceOf(LimitExceeded.class);
        String message = messageOf(r);
        assertThat(message).contains("(Simulation.builder().maxSteps(300).replay(\"" + r.replayLine()
                + "\") or @SimulatedLoop(replay = \"" + r.replayLine() + "\", maxSteps = 300) reproduces it: with the"
                + " limit that stopped the run, so that the replay stops where it did)");
        // and the advice works: the replay with the limit stops where the run did
        SimResult<Void> again = Simulation.builder().maxSteps(300).replay(r.replayLine()).run(spins);
        assertThat(again.failure()).isInstanceOf(LimitExceeded.class);
        assertThat(again.traceDigest()).isEqualTo(r.traceDigest());
        // a run stopped by the default limit needs none: the advice is the plain one
        SimResult<Void> plain = Simulation.builder().seed(29).maxVirtualTime(Duration.ofDays(365)).run(() -> {
            Loop.sleep(Duration.ofDays(400));
            return null;
        });
        assertThat(plain.failure()).isInstanceOf(LimitExceeded.class);
        assertThat(messageOf(plain)).contains("(Simulation.builder().replay(\"" + plain.replayLine() + "\") or");
    }

    @Test
    void aRunStoppedByALimitKeepsTheFailureItsGroupWaitedToRethrow() {
        SimResult<Void> r = Simulation.builder().seed(1).strategy(Strategy.fifo()).maxSteps(10_000).run(() -> {
            TaskGroup.with(tg -> {
                tg.spawn("poller", () -> {
                    while (true) {
                        try {
                            Loop.sleep(Duration.ofMillis(100));
                        } catch (Exception swallowed) {
                            // a retry loop that swallows the group's cancel
                        }
                    }
                });
                tg.spawn("handler", () -> {
                    Loop.sleep(Duration.ofSeconds(1));
                    throw new IllegalStateException("the real bug");
                });
                return null;
            });
            return null;
        });
        assertThat(r.failure()).isInstanceOf(LimitExceeded.class);
        assertThat(r.failure().getSuppressed()).hasSize(1);
        assertThat(r.failure().getSuppressed()[0]).isInstanceOf(IllegalStateException.class).hasMessage("the real bug");
    }

    private static String messageOf(SimResult<?> r) {
        try {
            r.value();
            throw new AssertionError("value() returned");
        } catch (SimulationFailure f) {
            return f.getMessage();
        }
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /** An emoji: one code point, two chars (a surrogate pair) in a Java string. */
    private static final String SMILE = "\uD83D\uDE42";

    /** A pattern reads a pair as one code point, so this matches only a half of a pair alone. */
    private static final Pattern LONE_HALF = Pattern.compile("[\\uD800-\\uDFFF]");

    /** @return the halves of surrogate pairs in {@code s} that have lost their partner, each as {@code \\uXXXX} */
    private static List<String> loneSurrogates(String s) {
        return LONE_HALF.matcher(s).results().map(m -> hex(m.group())).toList();
    }

    /**
     * @return {@code s} with each lone half as {@code \\uXXXX}, for an assertion's message: Surefire's
     *     report of a failure ends at the first lone half (it writes UTF-8 too)
     */
    private static String shown(String s) {
        return LONE_HALF.matcher(s).replaceAll(m -> Matcher.quoteReplacement(hex(m.group())));
    }

    private static String hex(String half) {
        return String.format(java.util.Locale.ROOT, "\\u%04x", (int) half.charAt(0));
    }

    private static long count(String s, int codePoint) {
        return s.codePoints().filter(c -> c == codePoint).count();
    }

    /**
     * A name and a message of emoji, with no space to break at: the trace table wraps them between
     * emoji, never between the two halves of one. Before, a cell cut inside a pair gave the table a
     * lone half, and writing the HTML report as UTF-8 failed with UnmappableCharacterException: no
     * report at all.
     */
    @Test
    void emojiInANameOrMessageWrapWholeInTheTraceTableAndTheHtmlReport(@TempDir Path dir) throws Exception {
        String emoji = SMILE.repeat(60);
        for (String before : List.of("", "x")) { // the pairs start at even, then at odd places of the cell
            SimResult<String> r = failingRun(before + emoji, before + "!" + emoji, true);
            String table = r.traceTable(40).orElseThrow();
            assertThat(loneSurrogates(table)).as(shown(table)).isEmpty();
            // none lost to the wrap: the name's (cut at 60 chars) in the header, the message's in the task's
            // failure, the name's whole in main's "cancel requested" (the task that failed) and "cancel delivered
            // by", the message's in main's failure
            assertThat(count(table, SMILE.codePointAt(0))).as(shown(table))
                    .isEqualTo((before.isEmpty() ? 30 : 29) + 60 + 60 + 60 + 60);
            assertThat(r.chromeTraceJson().orElseThrow()).contains(before + "!" + emoji).doesNotContain("\\ud83d");
            Path page = dir.resolve("report" + before + ".html");
            r.writeHtmlReport(page);
            String html = Files.readString(page);
            assertThat(html).contains("java.lang.IllegalStateException: " + before + "!" + emoji)
                    .doesNotContain("\uFFFD");
        }
    }

    /**
     * Half of a pair alone in a name or a message (a string cut by the user's own code): the trace's
     * JSON writes it escaped (a backslash, {@code u} and its four hex digits), the HTML report shows
     * it as U+FFFD, the replacement character. Before, both files failed to be written as UTF-8.
     */
    @Test
    void aLoneHalfOfAPairIsEscapedInTheTraceAndReplacedInTheHtmlReport(@TempDir Path dir) throws Exception {
        String name = "half \uD83D name";
        String message = "low \uDE42 first, then high at the end \uD83D";
        SimResult<String> r = failingRun(name, message, true);
        assertThat(r.traceTable(40).orElseThrow()).contains(name + "#"); // the table is the user's text, as given
        String json = r.chromeTraceJson().orElseThrow();
        assertThat(loneSurrogates(json)).isEmpty();
        assertThat(json).contains("half \\ud83d name#").contains("low \\ude42 first, then high at the end \\ud83d");
        Path page = dir.resolve("report.html");
        r.writeHtmlReport(page, "title \uDE42", null);
        String html = Files.readString(page); // as UTF-8: a lone half could not even have been written
        assertThat(loneSurrogates(html)).isEmpty();
        assertThat(html).contains("<title>simloop: title \uFFFD</title>")
                .contains("java.lang.IllegalStateException: low \uFFFD first, then high at the end \uFFFD")
                .contains("half \uFFFD name#") // the trace table
                .contains("\"label\":\"half \\ud83d name#"); // the page's data, JSON like the trace's
    }

    /**
     * A lane's label shows the first 23 characters of a task's {@code name#id} and an ellipsis. The
     * page's script cut it by UTF-16 units, so an emoji at the cut kept only its first half, and the
     * label ended in a replacement character. The page's data now holds each lane's label, cut
     * between code points.
     */
    @Test
    void aLaneLabelIsCutBetweenEmojiNeverInsideOne(@TempDir Path dir) throws Exception {
        String html = htmlReport("x".repeat(22) + SMILE + "tail", "m", dir);
        assertThat(html).contains("\"lane\":\"" + "x".repeat(22) + SMILE + "\u2026\"")
                .contains("\"lane\":\"main#0\"") // a short label whole
                .doesNotContain("\\ud83d");
    }

    /** Before, a 50 KB message filled about 2,600 lines of the trace table's 38-character column. */
    @Test
    void aHugeFailureMessageTakesAFewLinesOfTheTraceTableAndTheTraceKeepsItsBriefText() {
        SimResult<String> r = failingRun("worker", "state: " + "y".repeat(50_000), true);
        String table = r.traceTable(40).orElseThrow();
        assertThat(table.lines().count()).as(table).isLessThan(40);
        assertThat(table).contains("IllegalStateException").contains("characters)"); // "... (N more characters)"
        assertThat(r.chromeTraceJson().orElseThrow().length()).as("the trace holds the brief text, not 50 KB")
                .isLessThan(10_000);
        assertThat(r.failure().getMessage()).hasSize(50_007); // the failure itself keeps it all
    }
}
