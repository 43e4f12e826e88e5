package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Issue 2, section 2: {@code Schedule.parse} rejects garbage clearly and round-trips. */
class ScheduleParseTest {

    /** A line with a correct checksum, so that the parser has to look at the fields. */
    private static String withChecksum(String body) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.US_ASCII));
        return body + String.format(Locale.ROOT, "%08x", crc.getValue());
    }

    private static String valid() {
        return Schedule.of(3, 0, 1, 200, 7).line();
    }

    @Test
    void theLineHasTheDocumentedForm() {
        String s = Schedule.of(1, 0, 2).line();
        assertThat(s).matches("simloop:1:fifo:0:-:[A-Za-z0-9_-]*:[0-9a-f]{8}");
        assertThat(s).isEqualTo(withChecksum("simloop:1:fifo:0:-:AQAC:"));
    }

    @Test
    void rejectsLinesThatAreNotSimloopLines() {
        assertThatThrownBy(() -> Schedule.parse("hello world")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a simloop replay line (it must start with 'simloop:') nor a built schedule (which"
                        + " starts with 'Schedule.of('): 'hello world'");
        assertThatThrownBy(() -> Schedule.parse("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a simloop replay line");
        assertThatThrownBy(() -> Schedule.parse(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("Schedule.parse: line");
    }

    @Test
    void rejectsAnotherVersion() {
        String v2 = valid().replaceFirst("^simloop:1:", "simloop:2:");
        assertThatThrownBy(() -> Schedule.parse(v2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version '2' is not supported").hasMessageContaining("reads version 1");
    }

    @Test
    void rejectsTruncatedLines() {
        String s = valid();
        // cut inside the checksum
        assertThatThrownBy(() -> Schedule.parse(s.substring(0, s.length() - 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("checksum")
                .hasMessageContaining("cut");
        // cut before the last fields
        String cut = s.substring(0, s.indexOf(":-:") + 2);
        assertThatThrownBy(() -> Schedule.parse(cut)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("truncated").hasMessageContaining("expected 7 fields");
        assertThatThrownBy(() -> Schedule.parse("simloop:1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("truncated");
        // cut right after the prefix: no version to blame
        assertThatThrownBy(() -> Schedule.parse("simloop:")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("malformed or truncated replay line: expected 7 fields separated by ':'"
                        + " (simloop:1:strategy:seed:steps:choices:checksum) but found 2: 'simloop:'");
    }

    @Test
    void rejectsABadChecksum() {
        String s = valid().replace(":fifo:0:", ":fifo:1:"); // content changed, checksum kept
        assertThatThrownBy(() -> Schedule.parse(s)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("checksum mismatch");
        String upper = valid().substring(0, valid().length() - 8) + "ABCDEF01";
        assertThatThrownBy(() -> Schedule.parse(upper)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not 8 lowercase hex digits")
                .hasMessageEndingWith("the line was changed to upper case (a replay line is case-sensitive)");
        String cut = valid().substring(0, valid().length() - 3);
        assertThatThrownBy(() -> Schedule.parse(cut)).hasMessageEndingWith("the line was probably cut when copied");
    }

    /** A whole line in upper case (a ticket title, a shouting log) fails at its prefix: it says why there too. */
    @Test
    void aLineInUpperCaseIsRefusedSayingItIsCaseSensitive() {
        String upper = valid().toUpperCase(java.util.Locale.ROOT);
        assertThatThrownBy(() -> Schedule.parse(upper)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a simloop replay line (it must start with 'simloop:')")
                .hasMessageEndingWith("; the line was changed to upper case (a replay line is case-sensitive): copy it"
                        + " again as simloop printed it");
        assertThatThrownBy(() -> Schedule.parse("replay:1:fifo")).hasMessageNotContaining("upper case");
    }

    /** A line copied with the rest of a report's line is not called cut: the message names the extra text. */
    @Test
    void rejectsTheRestOfAReportsLineCopiedWithTheLine() {
        for (String tail : List.of("(2 preemptions)", "(1 preemption; shrinking found none fewer)")) {
            assertThatThrownBy(() -> Schedule.parse(valid() + " " + tail)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("replay line has text after its checksum: '" + tail + "' follows '" + valid()
                            + "'; copy the line alone, up to its 8-digit checksum (a report prints the run's"
                            + " preemptions after it)");
        }
        // a note with a colon in it, after a tab: still the text after the line, not a line of 8 fields
        assertThatThrownBy(() -> Schedule.parse(valid() + "\t(6 preemptions; not shown to be the fewest: the shrink"
                + " budget (2000 runs or 2s) ran out")).hasMessageStartingWith("replay line has text after its checksum:"
                + " '(6 preemptions; not shown to be the fewest: the shrink bu...' follows '" + valid() + "'");
        // a line broken inside is no whole line followed by text: its parts are joined, as a wrapped line's
        assertThat(Schedule.parse(valid().replace(":fifo:", ":fi fo:"))).isEqualTo(Schedule.parse(valid()));
    }

    /**
     * A line pasted with what surrounded it in a log or a command (quotes, a full stop, an invisible
     * zero-width space) is not called cut: the message names the extra text, an invisible character
     * by its code point, and says to copy the line alone.
     */
    @Test
    void rejectsTextRightAfterTheChecksumAsTextAfterIt() {
        Map<String, String> shownAs = Map.of("\"", "\"", "'", "'", ".", ".", "),", "),", "\u200b", "<U+200B>");
        shownAs.forEach((tail, shown) -> assertThatThrownBy(() -> Schedule.parse(valid() + tail))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("replay line has text after its checksum: '" + shown + "' follows '" + valid()
                        + "'; copy the line alone, from 'simloop:' up to its 8-digit checksum"));
    }

    /**
     * Likewise before the line: a quote, a log's "replay: ", the -D option it was copied from, or an
     * invisible no-break space or byte order mark, which made the line look like no simloop line at all.
     */
    @Test
    void rejectsTextBeforeTheLineAsTextBeforeIt() {
        Map<String, String> shownAs = Map.of("\"", "\"", "replay: ", "replay: ", "-Dsimloop.replay=\"",
                "-Dsimloop.replay=\"", "\u00a0", "<U+00A0>", "\ufeff", "<U+FEFF>");
        shownAs.forEach((head, shown) -> {
            assertThatThrownBy(() -> Schedule.parse(head + valid())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("replay line has text before it: '" + shown + "' precedes '" + valid()
                            + "'; copy the line alone, from 'simloop:' up to its 8-digit checksum");
            // quoted on both sides: the text before is named, and the fix covers both ends
            assertThatThrownBy(() -> Schedule.parse(head + valid() + "\"")).hasMessageStartingWith(
                    "replay line has text before it: '" + shown + "' precedes '" + valid() + "\"'");
        });
    }

    /**
     * A seeded fuzz of pasted lines: text of the characters that surround a line in logs and commands
     * put before it, after it or both is always named as such, and a line changed inside (a character
     * dropped, replaced or added) always fails with an IllegalArgumentException, never another type.
     */
    @Test
    void fuzzedPastesAreNamedAndDamagedLinesRejected() {
        String line = Schedule.recorded(new int[] {3, 0, 1, 200, 7}, Strategy.pct(3), PriorityPolicy.boostAfter(9), -5,
                40, -1).line();
        char[] around = {'"', '\'', '`', '.', ',', ')', '(', ':', '>', 'x', '\u00a0', '\u200b', '\ufeff', '\u00ab', '='};
        java.util.Random random = new java.util.Random(20261203);
        for (int i = 0; i < 2_000; i++) {
            String head = random.nextInt(3) == 0 ? "" : affix(random, around);
            String tail = !head.isEmpty() && random.nextBoolean() ? "" : affix(random, around);
            String pasted = head + line + tail;
            assertThatThrownBy(() -> Schedule.parse(pasted)).as(pasted).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(head.isEmpty() ? "replay line has text after its checksum: '"
                            : "replay line has text before it: '")
                    .hasMessageEndingWith("; copy the line alone, from 'simloop:' up to its 8-digit checksum");
            StringBuilder damaged = new StringBuilder(line);
            int at = random.nextInt(line.length());
            switch (random.nextInt(3)) {
                case 0 -> damaged.deleteCharAt(at);
                case 1 -> damaged.setCharAt(at, around[random.nextInt(around.length)]);
                default -> damaged.insert(at, around[random.nextInt(around.length)]);
            }
            if (!damaged.toString().equals(line)) { // a ':' replaced by a ':' is no damage
                assertThatThrownBy(() -> Schedule.parse(damaged.toString())).as(damaged.toString())
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }
    }

    private static String affix(java.util.Random random, char[] around) {
        StringBuilder sb = new StringBuilder();
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            sb.append(around[random.nextInt(around.length)]);
        }
        return sb.toString();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "simloop:1:fifo:+5:-:AQ:            | not in the canonical form",
        "simloop:1:fifo:05:-:AQ:            | not in the canonical form",
        "simloop:1:fifo:0:-:AQ=:            | not valid base64url",
        "simloop:1:fifo:0:-:a!b:            | not valid base64url",
        "simloop:1:fifo:abc:-:AQ:           | seed field 'abc' is not a number",
        "simloop:1:fifo:99999999999999999999:-:AQ: | seed field '99999999999999999999' is outside the range of a long (-9223372036854775808 to 9223372036854775807)",
        "simloop:1:fifo:-9223372036854775809:-:AQ: | seed field '-9223372036854775809' is outside the range of a long",
        "simloop:1:fifo:0:99999999999999999999:AQ: | steps field '99999999999999999999' is outside the range of a long",
        "simloop:1:fifo:0x10:-:AQ:          | seed field '0x10' is not a number",
        "simloop:1:fifo:1_000:-:AQ:         | seed field '1_000' is not a number",
        "simloop:1:fifo:0:x:AQ:             | steps field 'x' is not a number",
        "simloop:1:fifo:0:-5:AQ:            | steps field must not be negative",
        "simloop:1:banana:0:-:AQ:           | unknown strategy 'banana'",
        "simloop:1:fifo:0:-:gA:             | ends in the middle of choice 0",
        "simloop:1:fifo:0:-:_____w8:        | too large",
        "simloop:1:random+priority(0):0:-:AQ: | unknown priority policy 'priority(0)'",
        "simloop:1:random+priority(x):0:-:AQ: | unknown priority policy 'priority(x)'",
        "simloop:1:random+priority(99999999999):0:-:AQ: | unknown priority policy",
        // one past an int: the message names the upper end too, where "at least 1" read as satisfied
        "simloop:1:random+priority(2147483648):0:-:AQ: | unknown priority policy 'priority(2147483648)': expected priority(N), N the boost threshold in steps, from 1 to 2147483647",
        "simloop:1:random+boost:0:-:AQ:     | unknown priority policy 'boost'",
        "simloop:1:random+:0:-:AQ:          | unknown priority policy ''",
        "simloop:1:banana+priority(5):0:-:AQ: | unknown strategy 'banana'",
    })
    void rejectsMalformedFieldsEvenWithAValidChecksum(String body, String expected) {
        String line = withChecksum(body.strip());
        assertThatThrownBy(() -> Schedule.parse(line)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(expected);
    }

    /** A forged line's megabyte policy field is quoted cut, as every other long input is (SafeText.input). */
    @Test
    void aLongUnknownPriorityPolicyIsQuotedCut() {
        String policy = "x".repeat(1_000_000);
        String line = withChecksum("simloop:1:random+" + policy + ":0:-:AQ:");
        assertThatThrownBy(() -> Schedule.parse(line)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown priority policy '" + "x".repeat(57) + "... (1000000 characters)': expected"
                        + " priority(N)")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
    }

    @Test
    void roundTripsBuiltSchedules() {
        List<Schedule> all = List.of(Schedule.fifo(), Schedule.of(), Schedule.of(0), Schedule.of(127, 128, 16383, 16384),
                Schedule.of(Integer.MAX_VALUE, 0, 5), Schedule.of(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)));
        for (Schedule s : all) {
            Schedule back = Schedule.parse(s.toString());
            assertThat(back).isEqualTo(s).hasSameHashCodeAs(s);
            assertThat(back.toString()).isEqualTo(s.toString());
            assertThat(back.choices()).isEqualTo(s.choices());
        }
        assertThat(Schedule.parse("  " + valid() + "\n")).isEqualTo(Schedule.parse(valid()));
        assertThat(Schedule.parse(valid()).choices()).containsExactly(3, 0, 1, 200, 7);
    }

    @Test
    void roundTripsRecordedSchedules() {
        for (long seed = 0; seed < 50; seed++) {
            SimResult<Object> r = Simulation.run(seed, () -> TaskGroup.with(tg -> {
                for (int i = 0; i < 4; i++) {
                    tg.spawn(() -> {
                        for (int k = 0; k < 5; k++) {
                            Loop.checkpoint();
                        }
                    });
                }
                return null;
            }));
            Schedule s = Schedule.parse(r.replayLine());
            assertThat(s.toString()).isEqualTo(r.replayLine());
            assertThat(Schedule.parse(s.toString())).isEqualTo(s);
            assertThat(s.seed()).isEqualTo(seed);
            assertThat(s.steps()).isEqualTo(r.steps());
            assertThat(s.strategy()).isEqualTo("random");
            assertThat(s.size()).isPositive();
        }
    }

    @Test
    void aLineRecordsThePriorityPolicyOfItsRun() {
        SimResult<Object> r = Simulation.builder().seed(3).priorityPolicy(dev.simloop.PriorityPolicy.boostAfter(25))
                .run(() -> TaskGroup.with(tg -> {
                    tg.spawn(() -> Loop.checkpoint());
                    tg.spawn(() -> Loop.checkpoint());
                    return null;
                }));
        assertThat(r.replayLine()).startsWith("simloop:1:random+priority(25):3:");
        Schedule s = Schedule.parse(r.replayLine());
        assertThat(s.strategy()).isEqualTo("random");
        assertThat(s.priorityPolicy()).hasValueSatisfying(p -> assertThat(p.boostAfterSteps()).isEqualTo(25))
                .contains(dev.simloop.PriorityPolicy.boostAfter(25));
        assertThat(s.priorityPolicy().orElseThrow()).isNotEqualTo(dev.simloop.PriorityPolicy.standard());
        assertThat(s.toString()).isEqualTo(r.replayLine());
        assertThat(s).isNotEqualTo(Schedule.parse(Simulation.builder().seed(3).run(() -> TaskGroup.with(tg -> {
            tg.spawn(() -> Loop.checkpoint());
            tg.spawn(() -> Loop.checkpoint());
            return null;
        })).replayLine()));
        assertThat(Schedule.of(1, 2).priorityPolicy()).isEmpty();
    }

    @Test
    void rejectsNegativeChoices() {
        assertThatThrownBy(() -> Schedule.of(1, -2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("choice 1").hasMessageContaining("-2");
    }

    @Test
    void replayRejectsGarbageBeforeRunning() {
        assertThatThrownBy(() -> Simulation.builder().replay("simloop:1:oops")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("truncated");
    }
}
