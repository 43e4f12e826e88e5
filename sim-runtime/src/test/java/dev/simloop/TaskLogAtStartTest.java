package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lifecycle logger in a fresh JVM (issue 15). A first run whose JVM has not started
 * {@code java.util.logging} answers "is DEBUG on?" from the JDK's logging defaults instead of
 * starting it (25–35 ms); every way a user turns the logger on still turns it on. Each case runs
 * {@link FirstRunMain} (two tasks spawned in a task group) in a child JVM.
 */
class TaskLogAtStartTest {
    @TempDir
    Path dir;

    private static String child(List<String> flags, String classPath) throws Exception {
        List<String> args = new ArrayList<>(List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED"));
        args.addAll(flags);
        args.addAll(List.of("-cp", classPath, FirstRunMain.class.getName()));
        String out = ChildJvms.run(args);
        assertThat(out).as("the child ran its simulation").containsPattern("VALUE \\d+ STEPS \\d+");
        return out;
    }

    private static String testClassPath() {
        return System.getProperty("java.class.path");
    }

    @Test
    void aFreshJvmAtTheDefaultsLogsNothingAndDoesNotStartJavaUtilLogging() throws Exception {
        String out = child(List.of("-Xlog:class+load=info:stdout"), testClassPath());
        assertThat(out).doesNotContain("spawned").doesNotContain("FINDER");
        // LogManager is loaded to ask whether it was initialized; its start would load its loggers
        assertThat(out).contains("java.util.logging.LogManager ")
                .doesNotContain("java.util.logging.LogManager$RootLogger ")
                .doesNotContain("java.util.logging.Logger ");
    }

    @Test
    void aConfigurationFileThatTurnsDebugOnStillLogs() throws Exception {
        Path config = dir.resolve("logging.properties");
        Files.writeString(config, """
                handlers=java.util.logging.ConsoleHandler
                java.util.logging.ConsoleHandler.level=FINE
                java.util.logging.SimpleFormatter.format=JUL %4$s %5$s%n
                dev.simloop.tasks.level=FINE
                """);
        String out = child(List.of("-Djava.util.logging.config.file=" + config), testClassPath());
        assertThat(out).contains("JUL FINE main spawned", "JUL FINE main/task-1 spawned", "JUL FINE main/task-2 finished");
    }

    @Test
    void aLoggerFinderOnTheClassPathStillLogs() throws Exception {
        Path services = serviceDirectory("finder");
        String out = child(List.of(), services + File.pathSeparator + testClassPath());
        assertThat(out).contains("FINDER dev.simloop.tasks DEBUG main/task-1 spawned",
                "FINDER dev.simloop.tasks DEBUG main/task-2 finished");
    }

    @Test
    void aLoggerFinderThatAJarsManifestAddsStillLogs() throws Exception {
        // as Surefire runs tests: one jar whose manifest names the class path
        Path services = serviceDirectory("finder");
        Path jar = dir.resolve("booter.jar");
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.CLASS_PATH, services.toUri().toString());
        try (OutputStream os = Files.newOutputStream(jar)) {
            new JarOutputStream(os, mf).finish(); // the manifest is all it holds
        }
        String out = child(List.of(), jar + File.pathSeparator + testClassPath());
        assertThat(out).contains("FINDER dev.simloop.tasks DEBUG main/task-1 spawned");
    }

    /** @return a class-path directory whose service file names {@link PrintingLoggerFinder} */
    private Path serviceDirectory(String name) throws Exception {
        Path services = dir.resolve(name).resolve("META-INF").resolve("services");
        Files.createDirectories(services);
        Files.writeString(services.resolve("java.lang.System$LoggerFinder"), PrintingLoggerFinder.class.getName() + "\n");
        return dir.resolve(name);
    }
}
