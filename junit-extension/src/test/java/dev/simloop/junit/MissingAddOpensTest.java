package dev.simloop.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Without {@code --add-opens}, the test fails with the runtime's message naming the flag and the argLine. */
class MissingAddOpensTest {
    @Test
    void missingFlagFailsTheTestWithTheArgLineSnippet() throws Exception {
        String java = ProcessHandle.current().info().command().orElse(
                System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                PlainFixtureProbe.class.getName()))
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(out).contains("status: FAILED")
                .contains("failure: java.lang.IllegalStateException: simloop needs the JVM flag "
                        + "--add-opens java.base/java.lang=ALL-UNNAMED")
                .contains("<argLine>--add-opens java.base/java.lang=ALL-UNNAMED</argLine>")
                // a plain argLine replaces JaCoCo's, so the message says how to keep both
                .contains("if JaCoCo or another plugin sets the property argLine, write @{argLine} in front and "
                        + "declare an empty <argLine></argLine> in <properties>: docs/setup.md");
    }
}
