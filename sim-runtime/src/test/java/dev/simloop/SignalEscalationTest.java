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
 * A real loop's SIGTERM, in child JVMs: once the loop's clean-up has run, the signal ends the JVM as
 * it would without simloop; a loop whose task ignores cancellation outlives the first SIGTERM (which
 * cancels its root group), but not the second.
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

    /**
     * The child: a service with a non-daemon thread of its own (an HTTP server's dispatcher, say)
     * and a shutdown hook, whose loop sleeps until a signal cancels it.
     */
    public static final class ServiceWithAnotherThread {
        public static void main(String[] args) throws InterruptedException {
            Thread dispatcher = new Thread(() -> {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "dispatcher");
            dispatcher.start(); // not a daemon: alone, it keeps the JVM alive
            Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("HOOK")));
            Loop.run(() -> {
                System.out.println("SERVING");
                System.out.flush();
                try {
                    Loop.sleep(java.time.Duration.ofHours(1));
                } finally {
                    System.out.println("CLEANED UP");
                }
                return null;
            });
        }
    }

    /** The child: a tool whose Ctrl-C cancels one run; it says what it does after the run. */
    public static final class ToolThatGoesOnAfterCtrlC {
        public static void main(String[] args) throws Exception {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            Object probe = java.lang.reflect.Proxy.newProxyInstance(handlerType.getClassLoader(),
                    new Class<?>[] {handlerType}, (proxy, method, a) -> null);
            java.lang.reflect.Method handle = signal.getMethod("handle", signal, handlerType);
            Object sig = signal.getConstructor(String.class).newInstance("INT");
            Object jvms = handle.invoke(null, sig, probe);
            handle.invoke(null, sig, jvms);
            if (jvms == handlerType.getField("SIG_IGN").get(null)) {
                System.out.println("SIGINT IGNORED"); // started as a background job: nothing to test
                return;
            }
            Object v = Loop.run(() -> {
                System.out.println("SERVING");
                System.out.flush();
                Loop.sleep(java.time.Duration.ofHours(1));
                return "slept";
            });
            System.out.println("RUN ENDED WITH " + v);
            Thread.sleep(500); // time for a raised signal to end the JVM, if one were raised
            System.out.println("NEXT COMMAND");
        }
    }

    /** A Ctrl-C ends the run; the JVM's own SIGINT handler, which would exit, does not get it again. */
    @Test
    void aCtrlCEndsTheRunAndTheProgramGoesOn() throws Exception {
        java.nio.file.Path output = java.nio.file.Files.createTempFile("simloop-sigint", ".txt");
        Process p = start(ToolThatGoesOnAfterCtrlC.class, output);
        try {
            List<String> lines = awaitAnyLine(p, output, "SERVING", "SIGINT IGNORED");
            org.junit.jupiter.api.Assumptions.assumeFalse(lines.contains("SIGINT IGNORED"),
                    "SIGINT is ignored by this process (started as a background job?)");
            assertThat(lines).as("the child's loop started").contains("SERVING");
            assertThat(new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor()).isZero();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the child ends on its own").isTrue();
            assertThat(p.exitValue()).isZero();
            assertThat(java.nio.file.Files.readAllLines(output)).containsSubsequence("SERVING", "RUN ENDED WITH null",
                    "NEXT COMMAND");
        } finally {
            p.destroyForcibly();
            java.nio.file.Files.deleteIfExists(output);
        }
    }

    /** @return the child's output once it holds one of {@code markers} (or the child ended, or a minute passed) */
    private static List<String> awaitAnyLine(Process p, java.nio.file.Path output, String... markers)
            throws java.io.IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        List<String> lines = java.nio.file.Files.readAllLines(output);
        while (java.util.Collections.disjoint(lines, List.of(markers)) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(10);
            lines = java.nio.file.Files.readAllLines(output);
        }
        return lines;
    }

    private static Process start(Class<?> main, java.nio.file.Path output) throws java.io.IOException {
        return builder(main).redirectOutput(output.toFile()).start();
    }

    private static Process start(Class<?> main) throws java.io.IOException {
        return builder(main).start();
    }

    private static ProcessBuilder builder(Class<?> main) {
        ProcessBuilder pb = new ProcessBuilder(List.of(System.getProperty("java.home") + File.separator + "bin"
                + File.separator + "java", "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), main.getName()));
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.redirectErrorStream(true);
        return pb;
    }

    /** Reads the child's output up to {@code marker}, collecting it; returns the marker, or null at its end. */
    private static String readUpTo(BufferedReader out, String marker, List<String> seen) throws java.io.IOException {
        String line;
        while ((line = out.readLine()) != null && !line.equals(marker)) {
            seen.add(line); // the JVM's own output, if any, before the loop runs
        }
        return line;
    }

    /**
     * Before, the first SIGTERM cancelled the loop and was swallowed: the other thread kept the JVM
     * alive (and without one, the JVM exited with status 0).
     */
    @Test
    void afterItsCleanUpTheFirstSigtermEndsTheJvmAsWithoutSimloopThoughAnotherThreadIsAlive() throws Exception {
        // the output goes to a file: a pipe read while the child exits can fail with "Stream closed"
        java.nio.file.Path output = java.nio.file.Files.createTempFile("simloop-signal", ".txt");
        Process p = start(ServiceWithAnotherThread.class, output);
        try {
            assertThat(awaitAnyLine(p, output, "SERVING")).as("the child's loop started").contains("SERVING");
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("one SIGTERM ends the JVM").isTrue();
            assertThat(p.exitValue()).isEqualTo(128 + 15);
            assertThat(java.nio.file.Files.readAllLines(output)).containsSubsequence("SERVING", "CLEANED UP", "HOOK");
        } finally {
            p.destroyForcibly();
            java.nio.file.Files.deleteIfExists(output);
        }
    }

    @Test
    void aSecondSigtermEndsTheJvmWhenTheFirstCouldNotStopTheLoop() throws Exception {
        Process p = start(SpinsThroughSignals.class);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = readUpTo(out, "SPINNING", new java.util.ArrayList<>());
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
