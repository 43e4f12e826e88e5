package dev.simloop.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.docs.readme.FetchBoth;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The README's example is a whole file ({@code readme/FetchBoth.java}, shown without its package
 * line) and prints what its comments say; its JUnit route ({@code readme/FetchBothTest}) runs as
 * an ordinary test of this module.
 */
class ReadmeSnippetsTest {
    @Test
    void theReadmeExamplePrintsWhatItsCommentsSay() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            FetchBoth.main(new String[0]);
        } finally {
            System.setOut(old);
        }
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).isEqualTo("30 = 30 after PT0.02S");
        assertThat(lines[1]).matches("replayed simloop:1:random:42:\\d+:[A-Za-z0-9_-]*:[0-9a-f]{8}: same run = true");
    }
}
