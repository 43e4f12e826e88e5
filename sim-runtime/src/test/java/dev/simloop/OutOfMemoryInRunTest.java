package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose tasks fill the heap ends with the {@code OutOfMemoryError}, and the JVM can go on.
 * Before, the driver thread died of it in its bookkeeping after the run, without telling the caller:
 * the caller waited for ever (an interrupt did not help, nor did SIGTERM), keeping the run's objects
 * reachable, and the watchdog died too.
 */
class OutOfMemoryInRunTest {

    @Test
    void aRunThatFillsTheHeapEndsWithTheErrorAndTheNextRunWorks(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.txt");
        ProcessBuilder pb = new ProcessBuilder(List.of(System.getProperty("java.home") + File.separator + "bin"
                + File.separator + "java", "-Xmx48m", "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), OutOfMemoryMain.class.getName()));
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.redirectErrorStream(true).redirectOutput(out.toFile());
        Process p = pb.start();
        boolean ended = p.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        String printed = Files.readString(out);
        assertThat(ended).as("the child JVM ended; it printed:%n%s", printed).isTrue();
        assertThat(printed).containsPattern("simulation: (threw OutOfMemoryError|returned, failure OutOfMemoryError)")
                .containsPattern("real loop: threw OutOfMemoryError").contains("next run: 7");
    }
}
