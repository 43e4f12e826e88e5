package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Checks that need a fresh JVM: the missing --add-opens flag (issue 2 section 1), and small G1 regions. */
class ChildJvmTest {

    private static String runChild(List<String> jvmFlags, String mode) throws Exception {
        List<String> args = new java.util.ArrayList<>(jvmFlags);
        args.addAll(List.of("-cp", System.getProperty("java.class.path"), NoFlagMain.class.getName(), mode));
        return ChildJvms.run(args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"simulated", "real"})
    void withTheFlagTheSameChildRuns(String mode) throws Exception {
        // the control: the child setup itself works, so the failure below is the missing flag's
        assertThat(runChild(List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED"), mode)).contains("NO ERROR");
    }

    @ParameterizedTest
    @ValueSource(strings = {"simulated", "real"})
    void withoutTheFlagTheFirstCallNamesTheExactFlagAndTheSurefireArgLine(String mode) throws Exception {
        String out = runChild(List.of(), mode);
        assertThat(out).as(out).contains("ERROR java.lang.IllegalStateException")
                .contains("--add-opens java.base/java.lang=ALL-UNNAMED")
                .contains("<argLine>--add-opens java.base/java.lang=ALL-UNNAMED</argLine>")
                .contains("java --add-opens java.base/java.lang=ALL-UNNAMED")
                .doesNotContain("NO ERROR");
    }

    @org.junit.jupiter.api.Test
    void aTaskTooDeepToParkGetsAMessageNamingTheTaskAndTheG1Flag() throws Exception {
        // ARCHITECTURE, known JDK limits: with 1 MB regions G1 refuses stack chunks over 512 KB
        String out = runChild(List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED", "-XX:+UseG1GC",
                "-XX:G1HeapRegionSize=1m", "-Xss16m"), "deep");
        assertThat(out).as(out).contains("FAILURE java.lang.StackOverflowError: Humongous stack chunk: task 'main'")
                .contains("-XX:G1HeapRegionSize=32m").contains("CAUSE java.lang.StackOverflowError: Humongous stack chunk");
    }
}
