package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime is the module dev.simloop.runtime: it exports dev.simloop and dev.simloop.sync and
 * dev.simloop.internal only to the JUnit extension, and it works on the module path, where the add-opens flag names the
 * module (the tests themselves run on the class path).
 */
class ModuleBoundaryTest {
    private static final String MODULE = "dev.simloop.runtime";
    /** The runtime's compiled classes (target/classes), where module-info.class is. */
    private static final Path CLASSES = classesDir();

    @TempDir
    static Path work;
    /** The compiled consumer module, simloop.probe, that requires dev.simloop.runtime. */
    private static Path probe;

    private static Path classesDir() {
        try {
            return Path.of(Simulation.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The runtime's descriptor, with its packages found in the compiled classes. */
    private static ModuleDescriptor descriptor() {
        return ModuleFinder.of(CLASSES).find(MODULE).orElseThrow().descriptor();
    }

    @Test
    void theDescriptorExportsTheApiPackagesAndTheImplementationOnlyToTheJUnitExtension() {
        ModuleDescriptor d = descriptor();
        assertThat(d.name()).isEqualTo(MODULE);
        assertThat(d.isOpen()).isFalse();
        assertThat(d.exports().stream().filter(e -> !e.isQualified()).map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("dev.simloop", "dev.simloop.sync")
                .doesNotContain("dev.simloop.internal");
        assertThat(d.exports().stream().filter(ModuleDescriptor.Exports::isQualified).map(Object::toString))
                .as("the implementation is exported to the JUnit extension alone")
                .containsExactly("dev.simloop.internal to [dev.simloop.junit]");
        assertThat(d.packages()).contains("dev.simloop.internal");
        assertThat(d.opens()).isEmpty();
        assertThat(d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("java.base", "jdk.unsupported", "java.management");
        assertThat(d.requires().stream().filter(r -> r.name().equals("java.management")).findFirst().orElseThrow()
                .modifiers()).as("optional: only a report's line needs it").contains(ModuleDescriptor.Requires.Modifier.STATIC);
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** Compiles {@code files} (relative to {@code src}) into {@code out}, with the runtime on the module path. */
    private static CompileResult compile(Path src, Path out, List<String> files) throws IOException {
        // an empty class path: javac's default is this JVM's, where the runtime's classes are unnamed
        Path empty = Files.createDirectories(work.resolve("empty"));
        List<String> args = new ArrayList<>(List.of("--module-path", CLASSES.toString(), "-cp", empty.toString(),
                "-d", out.toString()));
        for (String f : files) {
            args.add(src.resolve(f).toString());
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = ToolProvider.getSystemJavaCompiler().run(null, err, err, args.toArray(String[]::new));
        return new CompileResult(rc, err.toString(StandardCharsets.UTF_8));
    }

    private record CompileResult(int exitCode, String output) {
    }

    @BeforeAll
    static void compileTheProbeModule() throws IOException {
        Path src = work.resolve("probe-src");
        probe = work.resolve("probe");
        write(src.resolve("module-info.java"), "module simloop.probe { requires dev.simloop.runtime; }\n");
        write(src.resolve("simloop/probe/Main.java"), """
                package simloop.probe;

                public final class Main {
                    public static void main(String[] args) {
                        try {
                            System.out.println("MODULE " + dev.simloop.Simulation.class.getModule().getName());
                            System.out.println("VALUE " + dev.simloop.Simulation.run(1, () -> 6 * 7).value());
                            System.out.println("REAL " + dev.simloop.Loop.run(() -> "real"));
                        } catch (Throwable t) {
                            System.out.println("ERROR " + t.getClass().getName() + ": " + t.getMessage());
                        }
                    }
                }
                """);
        CompileResult r = compile(src, probe, List.of("module-info.java", "simloop/probe/Main.java"));
        assertThat(r.exitCode()).as(r.output()).isZero();
    }

    @Test
    void aModuleCannotCompileAgainstTheInternalPackage() throws IOException {
        Path src = work.resolve("intruder-src");
        write(src.resolve("module-info.java"), "module simloop.intruder { requires dev.simloop.runtime; }\n");
        write(src.resolve("simloop/intruder/Main.java"), """
                package simloop.intruder;

                public final class Main {
                    Object loop = dev.simloop.internal.Scheduler.class;
                }
                """);
        CompileResult r = compile(src, work.resolve("intruder"), List.of("module-info.java", "simloop/intruder/Main.java"));
        assertThat(r.exitCode()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("package dev.simloop.internal is declared in module dev.simloop.runtime, "
                + "which does not export it");
    }

    private static String runProbe(String... jvmFlags) throws Exception {
        List<String> args = new ArrayList<>(List.of(jvmFlags));
        args.addAll(List.of("--module-path", CLASSES + File.pathSeparator + probe, "-m", "simloop.probe/simloop.probe.Main"));
        return ChildJvms.run(args);
    }

    @Test
    void onTheModulePathWithTheFlagNamingTheModuleASimulationRuns() throws Exception {
        String out = runProbe("--add-opens", "java.base/java.lang=" + MODULE);
        assertThat(out).as(out).contains("MODULE " + MODULE).contains("VALUE 42").contains("REAL real")
                .doesNotContain("ERROR");
    }

    @Test
    void onTheModulePathAFirstRunAnswersTheTaskLoggersQuestionWithoutStartingJavaUtilLogging() throws Exception {
        // the runtime exports jdk.internal.misc to its own module to ask whether LogManager has started
        String out = runProbe("--add-opens", "java.base/java.lang=" + MODULE, "-Xlog:class+load=info:stdout");
        assertThat(out).contains("VALUE 42").contains("dev.simloop.internal.UninitializedClasses$Probe ")
                .doesNotContain("java.util.logging.LogManager$RootLogger ")
                .doesNotContain("java.util.logging.Logger ");
    }

    @Test
    void onTheModulePathWithoutTheFlagTheMessageNamesTheModuleNotAllUnnamed() throws Exception {
        for (String[] flags : List.of(new String[0],
                new String[] {"--add-opens", "java.base/java.lang=ALL-UNNAMED"})) { // the class-path flag
            String out = runProbe(flags);
            String export = "--add-exports " + MODULE + "/dev.simloop.internal=ALL-UNNAMED";
            assertThat(out).as(out).contains("MODULE " + MODULE)
                    .contains("ERROR java.lang.IllegalStateException")
                    .contains("--add-opens java.base/java.lang=" + MODULE)
                    .contains("java --add-opens java.base/java.lang=" + MODULE + " ...")
                    // under surefire 3.5.4+ the JUnit extension is on the class path: it needs the export too
                    .contains("<argLine>--add-opens java.base/java.lang=" + MODULE + " " + export + "</argLine>")
                    .doesNotContain("VALUE");
            assertThat(out.replace(export, "")).as(out).doesNotContain("ALL-UNNAMED");
        }
    }
}
