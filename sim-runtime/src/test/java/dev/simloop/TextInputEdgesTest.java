package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** The text a user gives the runtime, at its edges: a long value is quoted cut, and the error names the real fault. */
class TextInputEdgesTest {

    /** A line with a correct checksum, so that the parser has to look at the fields. */
    private static String withChecksum(String body) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.US_ASCII));
        return body + String.format(Locale.ROOT, "%08x", crc.getValue());
    }

    @Test
    void aLongStrategyIsQuotedCut() {
        String pasted = "x".repeat(1 << 20);
        assertThatThrownBy(() -> Strategy.parse(pasted)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown strategy '" + "x".repeat(57) + "... (1048576 characters)' (known: fifo, random,"
                        + " pos, pct(d), pct(d,k), nonpreemptive, spawnerfirst, portfolio)");
        assertThatThrownBy(() -> Strategy.parse("pct(" + "9".repeat(100_000) + ")"))
                .isInstanceOf(IllegalArgumentException.class).message().hasSizeLessThan(300);
        String line = withChecksum("simloop:1:" + "q".repeat(100_000) + ":1:-:AA:");
        assertThatThrownBy(() -> Schedule.parse(line)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("replay line names an unknown strategy 'qqq").message().hasSizeLessThan(300);
    }

    @Test
    void aPctStrategyWithAPolicyIsToldThePolicyIsNotPartOfIt() {
        assertThatThrownBy(() -> Strategy.parse("pct(3)+priority(4)")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid strategy 'pct(3)+priority(4)': 'priority(4)' is a priority policy, not part of the"
                        + " strategy (a replay line writes them together): give 'pct(3)' as the strategy and the policy"
                        + " with Simulation.builder().priorityPolicy(..), or replay the whole line");
    }

    @Test
    void aLongShardIsQuotedCut() {
        String pasted = "1/" + "4".repeat(1 << 20);
        assertThatThrownBy(() -> Shard.parse(pasted)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("shard '1/" + "4".repeat(55) + "... (1048578 characters)': write INDEX/COUNT, counting"
                        + " from 1, e.g. simloop.shard=1/4 to simloop.shard=4/4 for four shards");
        assertThatThrownBy(() -> Shard.fromEnvironment(k -> pasted, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).message().hasSizeLessThan(300);
        assertThatThrownBy(() -> Shard.fromEnvironment(k -> null, Map.of("CI_NODE_INDEX", "2", "CI_NODE_TOTAL",
                "x".repeat(1 << 20)))).isInstanceOf(IllegalArgumentException.class).message().hasSizeLessThan(400);
        assertThatThrownBy(() -> Shard.fromEnvironment(k -> null, Map.of("CI_NODE_TOTAL", "x".repeat(1 << 20))))
                .isInstanceOf(IllegalArgumentException.class).message().hasSizeLessThan(400);
    }

    @Test
    void aReplayLineWhoseStrategyParsesOnlyOnceTrimmedIsNotCanonical() {
        String nul = withChecksum("simloop:1:random\u0000:1:-:AA:");
        assertThatThrownBy(() -> Schedule.parse(nul)).as(nul).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("replay line is not in the canonical form simloop writes: ");
        // white space inside a line is read as where a log wrapped it: the parts joined, the checksum no longer fits
        for (String strategy : new String[] {" random", "random\t"}) {
            String line = withChecksum("simloop:1:" + strategy + ":1:-:AA:");
            assertThatThrownBy(() -> Schedule.parse(line)).as(line).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("replay line checksum mismatch: ");
        }
        String line = withChecksum("simloop:1:pct(3,50)+priority(5):1:-:AA:");
        assertThat(Schedule.parse(line).toString()).isEqualTo(line);
    }

    /**
     * Before, a shard with a no-break space after it (copied from a web page) failed as
     * "-Dsimloop.shard=2/4 : write INDEX/COUNT ...", though " 2/4 " is read: the character was not named.
     */
    @Test
    void aShardWithACharacterThatLooksLikeASpaceOrADigitNamesIt() {
        String unseen = "; it holds U+00A0, not a digit 0-9, a '/' or a space, though it may look like one or nothing"
                + " at all: type the value anew";
        assertThatThrownBy(() -> Shard.fromEnvironment(k -> "2/4\u00a0", Map.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-Dsimloop.shard=2/4\u00a0: write INDEX/COUNT, counting from 1, e.g. simloop.shard=1/4 to"
                        + " simloop.shard=4/4 for four shards" + unseen);
        assertThatThrownBy(() -> Shard.parse("\uff12/4")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("for four shards; it holds U+FF12, not a digit 0-9, a '/' or a space, though it may"
                        + " look like one or nothing at all: type the value anew");
        assertThatThrownBy(() -> Shard.fromEnvironment(k -> null, Map.of("CI_NODE_INDEX", "\u200b2", "CI_NODE_TOTAL",
                "4"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("CI_NODE_INDEX=\u200b2 and CI_NODE_TOTAL=4 do not name a shard: CI_NODE_INDEX is not a whole"
                        + " number: CI_NODE_INDEX counts from 1 to CI_NODE_TOTAL (set -Dsimloop.shard=INDEX/COUNT, counting from 1, to override); it holds"
                        + " U+200B, not a digit 0-9, a '/' or a space, though it may look like one or nothing at all: type"
                        + " the value anew");
        assertThatThrownBy(() -> Shard.parse("2/4/8")).as("a value of ASCII alone names no character")
                .hasMessage("shard '2/4/8': write INDEX/COUNT, counting from 1, e.g. simloop.shard=1/4 to"
                        + " simloop.shard=4/4 for four shards");
        assertThat(Shard.fromEnvironment(k -> "\t2 / 4 ", Map.of())).isEqualTo(Shard.of(1, 4));
    }
}
