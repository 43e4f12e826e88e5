package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A real loop whose task ignores cancellation outlives the first SIGTERM (which cancels its root
 * group), but not the second: that one ends the JVM as it would without simloop.
 */
class SignalEscalationTest {
    /** The child: a real loop whose only task spins and never checkpoints. */
    public static final class SpinsThroughSignals {
        public static void main(String[] args) {
            Loop.run(() -> {
                System.out.println("SPINNING");
                System.out.flush();
                while (true) {
                    Thread.onSpinWait();
                }
            });
        }
    }

    @Test
    void aSecondSigtermEndsTheJvmWhenTheFirstCouldNotStopTheLoop() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(List.of(System.getProperty("java.home") + File.separator + "bin"
                + File.separator + "java", "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), SpinsThroughSignals.class.getName()));
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.equals("SPINNING")) {
                // the JVM's own output, if any, before the loop runs
            }
            assertThat(line).as("the child's loop started").isEqualTo("SPINNING");
            p.destroy(); // SIGTERM: cancels the root group, which the spinning task never sees
            assertThat(p.waitFor(2, TimeUnit.SECONDS)).as("the first SIGTERM cannot stop a task that ignores it").isFalse();
            p.destroy(); // the JVM's own handler now: it exits
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the second SIGTERM ends the JVM").isTrue();
            assertThat(p.exitValue()).isEqualTo(128 + 15);
        } finally {
            p.destroyForcibly();
        }
    }
}
