package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** Building schedules and the edges of their one-line form: unknown steps, zero steps, short lines, long lines. */
class ScheduleLineTest {
    /** A line with a correct checksum for {@code body} (which ends with ':'). */
    private static String signed(String body) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.US_ASCII));
        return body + String.format("%08x", crc.getValue());
    }

    @Test
    void aScheduleBuiltFromAListKeepsEveryChoice() {
        Schedule s = Schedule.of(List.of(3, 0, 5, 200));
        assertThat(s.choices()).containsExactly(3, 0, 5, 200);
        assertThat(s.size()).isEqualTo(4);
        assertThat(s.departures()).isEqualTo(3);
        assertThat(s.preemptions()).as("a built schedule has no run to say").isEqualTo(-1);
        assertThat(s.steps()).isEqualTo(-1);
        assertThat(s.seed()).isZero();
        assertThat(s.strategy()).isEqualTo("fifo");
        assertThat(Schedule.of(3, 0, 5, 200)).isEqualTo(s);
    }

    @Test
    void aNegativeOrMissingChoiceIsRejectedWithItsIndex() {
        assertThatThrownBy(() -> Schedule.of(List.of(1, -2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Schedule.of: choice 1 must not be negative, but was -2");
        assertThatThrownBy(() -> Schedule.of(java.util.Arrays.asList(0, 1, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Schedule.of: choice 2 is null");
        assertThatThrownBy(() -> Schedule.of(4, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Schedule.of: choice 1 must not be negative, but was -1");
    }

    @Test
    void aBuiltScheduleWithUnknownStepsRoundTripsThroughItsLine() {
        Schedule s = Schedule.of(1, 2, 130, 0);
        String line = s.line();
        assertThat(line).startsWith("simloop:1:fifo:0:-:");
        Schedule back = Schedule.parse(line);
        assertThat(back).isEqualTo(s);
        assertThat(back.steps()).isEqualTo(-1);
        assertThat(back.choices()).containsExactly(1, 2, 130, 0);
        assertThat(back.toString()).isEqualTo("Schedule.of(1, 2, 130, 0)");
    }

    @Test
    void zeroStepsIsWrittenAsZeroNotAsUnknown() {
        Schedule s = Schedule.recorded(new int[0], Strategy.fifo(), null, 7, 0, 0);
        assertThat(s.toString()).startsWith("simloop:1:fifo:7:0::");
        assertThat(Schedule.parse(s.toString()).steps()).isZero();
        String zero = signed("simloop:1:fifo:7:0::");
        assertThat(Schedule.parse(zero)).isEqualTo(s);
    }

    @Test
    void aShortLineWithAnotherVersionIsReportedAsTheVersion() {
        assertThatThrownBy(() -> Schedule.parse("simloop:2")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("replay line version '2' is not supported");
        assertThatThrownBy(() -> Schedule.parse("simloop:1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("malformed or truncated replay line: expected 7 fields")
                .hasMessageContaining("but found 2");
    }

    @Test
    void aSignedLineThatSimloopWouldNotWriteIsRejected() {
        String plusSeed = signed("simloop:1:fifo:+5:-::");
        assertThatThrownBy(() -> Schedule.parse(plusSeed)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("replay line is not in the canonical form simloop writes: '" + plusSeed + "'");
        String negativeSteps = signed("simloop:1:fifo:0:-2::");
        assertThatThrownBy(() -> Schedule.parse(negativeSteps)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("replay line steps field must not be negative: -2");
        String minusOne = signed("simloop:1:fifo:0:-1::");
        assertThatThrownBy(() -> Schedule.parse(minusOne)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("replay line steps field must not be negative: -1");
    }

    @Test
    void linesUpToSixtyCharactersAreQuotedWholeAndLongerOnesAreCut() {
        String sixty = "x".repeat(60);
        assertThatThrownBy(() -> Schedule.parse(sixty)).hasMessageEndingWith(": '" + sixty + "'");
        String sixtyOne = "y".repeat(61);
        assertThatThrownBy(() -> Schedule.parse(sixtyOne)).hasMessageEndingWith(": '" + "y".repeat(57) + "...'");
    }

    @Test
    void schedulesThatDifferOnlyInTheirChoicesAreNotEqual() {
        assertThat(Schedule.of(1, 2)).isNotEqualTo(Schedule.of(2, 1)).isNotEqualTo(Schedule.of(1, 2, 0));
        assertThat(Schedule.of(1, 2).hashCode()).isEqualTo(Schedule.of(List.of(1, 2)).hashCode());
    }

    /** Three tasks that each read, yield, and write a shared counter: the schedule decides the result. */
    private static int racyCount() throws Exception {
        int[] c = {0};
        TaskGroup.with(tg -> {
            for (int i = 0; i < 3; i++) {
                tg.spawn("w" + i, () -> {
                    int v = c[0];
                    Loop.checkpoint();
                    c[0] = v + 1;
                });
            }
            return null;
        });
        return c[0];
    }

    @Test
    void aLineWrappedByALogViewerIsReadAsTheLineItWas() throws Exception {
        SimResult<Integer> run = Simulation.builder().seed(3).run(ScheduleLineTest::racyCount);
        String line = run.replayLine();
        Schedule whole = Schedule.parse(line);
        // a break anywhere, the prefix and the checksum included, as a terminal or an e-mail wraps it
        for (int at = 1; at < line.length(); at++) {
            for (String brk : List.of("\n", "\r\n", "\n    ", "\t")) {
                String wrapped = line.substring(0, at) + brk + line.substring(at);
                assertThat(Schedule.parse(wrapped)).as("broken at %d by %s", at, brk.replace("\n", "\\n"))
                        .isEqualTo(whole);
            }
        }
        String wrapped = "  " + line.substring(0, 20) + "\n  " + line.substring(20) + "\n";
        SimResult<Integer> again = Simulation.builder().replay(wrapped).run(ScheduleLineTest::racyCount);
        assertThat(again.traceDigest()).isEqualTo(run.traceDigest());
        assertThat(again.value()).isEqualTo(run.value());
        assertThat(again.replayLine()).isEqualTo(line);
    }

    @Test
    void aWrappedLineWithALogsPrefixOnItsSecondPartIsRefusedSayingItsPartsWereJoined() throws Exception {
        String line = Simulation.builder().seed(3).run(ScheduleLineTest::racyCount).replayLine();
        String logged = line.substring(0, 20) + "\n[INFO] " + line.substring(20);
        assertThatThrownBy(() -> Schedule.parse(logged)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("replay line checksum mismatch")
                .hasMessageContaining("its parts were joined without the line breaks and spaces inside it")
                .hasMessageContaining("without what a log adds to each line");
        // text after a whole line is still refused, not joined to it
        assertThatThrownBy(() -> Schedule.parse(line + "\n" + line)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("replay line has text after its checksum");
        assertThatThrownBy(() -> Schedule.parse(line + " (2 preemptions)")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("replay line has text after its checksum");
    }

    @Test
    void aLineWithAnInvisibleCharacterInsideIsRefusedNamingItAndWhereItIs() throws Exception {
        String line = Simulation.builder().seed(3).run(ScheduleLineTest::racyCount).replayLine();
        int at = line.indexOf(":8:") + 2;
        for (String odd : List.of("\u200b", "\u00a0", "\u2011")) { // zero-width space, no-break space, no-break hyphen
            String pasted = line.substring(0, at) + odd + line.substring(at);
            assertThatThrownBy(() -> Schedule.parse(pasted)).as(pasted).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("replay line checksum mismatch: ")
                    .hasMessageEndingWith("; it holds <U+" + String.format("%04X", (int) odd.charAt(0)) + "> at character "
                            + (at + 1) + ", which simloop never writes in a line (copied from a web page or a chat?):"
                            + " delete it, or copy the line again");
        }
        // a line changed within printable ASCII has no such note
        String typo = line.replace(":8:", ":9:");
        assertThatThrownBy(() -> Schedule.parse(typo)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("; the line was changed or cut when copied");
    }
}
