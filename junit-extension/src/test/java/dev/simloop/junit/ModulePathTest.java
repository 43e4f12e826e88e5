package dev.simloop.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Simulation;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * simloop with the module system, in child JVMs: the runtime on the module path and this extension
 * on the class path (what surefire 3.5.4 and newer make of a project with a {@code module-info.java}),
 * and a test module with everything on the module path (an IDE's or a plain launcher's run).
 */
class ModulePathTest {
    private static final String RUNTIME = "dev.simloop.runtime";
    /** The JUnit jars a modular test project puts on the module path. */
    private static final Pattern JUNIT = Pattern.compile(
            "(junit-jupiter-(api|params|engine)|junit-platform-(engine|commons|launcher)|opentest4j|apiguardian-api"
                    + "|jspecify)-[0-9].*\\.jar"); // JUnit 6's modules require org.jspecify

    @TempDir
    Path work;

    private static String location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String run(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(
                System.getProperty("java.home") + File.separator + "bin" + File.separator + "java"));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void runtimeOnTheModulePathAndTheExtensionOnTheClassPathFailsWithTheFlagsToAdd() throws Exception {
        String runtime = location(Simulation.class);
        String cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.equals(runtime)).reduce((a, b) -> a + File.pathSeparator + b).orElseThrow();
        String exports = "--add-exports " + RUNTIME + "/dev.simloop.internal=ALL-UNNAMED";
        // the flag the runtime's message used to give alone; the results file on, whose writing needs the internals
        String out = run(List.of("--add-opens", "java.base/java.lang=" + RUNTIME, "-p", runtime, "--add-modules", RUNTIME,
                "-Dsimloop.results=" + work.resolve("results.jsonl"), "-cp", cp, PlainFixtureProbe.class.getName()));

        assertThat(out).as(out).contains("status: FAILED")
                .contains("failure: java.lang.IllegalStateException: simloop's JUnit extension (on the class path)"
                        + " cannot use the runtime's internals")
                .contains("Missing JVM flag: " + exports + ".")
                .contains("<argLine>--add-opens java.base/java.lang=" + RUNTIME + " " + exports + "</argLine>")
                .contains("(if JaCoCo or another plugin sets the property argLine, write @{argLine} in front and"
                        + " declare an empty <argLine></argLine> in <properties>: docs/setup.md).")
                .doesNotContain("failure: java.lang.IllegalAccessError");
        // the results line, which could not be written, does not replace the failure: it is kept beside it
        assertThat(out).as(out).contains("suppressed: java.lang.IllegalAccessError");
    }

    /** @return the module path of a modular test project: the runtime, this extension and the JUnit jars */
    private static String modulePath() {
        List<String> modulePath = new ArrayList<>(List.of(location(Simulation.class), location(SimulatedLoopExtension.class)));
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (JUNIT.matcher(Path.of(e).getFileName().toString()).matches()) {
                modulePath.add(e);
            }
        }
        return String.join(File.pathSeparator, modulePath);
    }

    /** Compiles the sources under {@code src} against {@code mp} into {@code out}. */
    private static void compile(Path src, Path out, String mp) throws IOException {
        List<String> javac = new ArrayList<>(List.of("--module-path", mp, "-d", out.toString()));
        try (var files = Files.walk(src)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> javac.add(f.toString()));
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        java.io.PrintStream errs = new java.io.PrintStream(err, true, StandardCharsets.UTF_8);
        // java.util.spi's tool provider: this test module does not read java.compiler
        int rc = java.util.spi.ToolProvider.findFirst("javac").orElseThrow().run(errs, errs, javac.toArray(String[]::new));
        assertThat(rc).as(err.toString(StandardCharsets.UTF_8)).isZero();
    }

    /**
     * On the module path the launcher ignores a named module's META-INF/services: the listener that
     * writes the line of a test that never ran because its class failed comes through {@code provides}.
     */
    @Test
    void onTheModulePathATestThatNeverRanBecauseItsClassFailedHasItsErrorLine() throws Exception {
        String mp = modulePath();
        Path src = work.resolve("src");
        Path out = work.resolve("out");
        write(src.resolve("module-info.java"), """
                module com.example.tests {
                    requires dev.simloop.junit;
                    requires org.junit.platform.launcher;
                    opens com.example.tests to org.junit.platform.commons;
                }
                """);
        write(src.resolve("com/example/tests/SetUpFailsTest.java"), """
                package com.example.tests;

                import dev.simloop.junit.SimulatedLoop;
                import org.junit.jupiter.api.BeforeAll;
                import org.junit.jupiter.api.Test;

                class SetUpFailsTest {
                    @BeforeAll
                    static void startDatabase() {
                        throw new IllegalStateException("the database did not start");
                    }

                    @Test
                    @SimulatedLoop(schedules = 3, seed = 1)
                    void t() {
                    }
                }
                """);
        write(src.resolve("com/example/tests/Run.java"), """
                package com.example.tests;

                import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

                import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
                import org.junit.platform.launcher.core.LauncherFactory;

                public class Run {
                    public static void main(String[] args) {
                        LauncherFactory.create().execute(
                                LauncherDiscoveryRequestBuilder.request().selectors(selectClass(SetUpFailsTest.class)).build());
                        System.out.println("ran");
                    }
                }
                """);
        compile(src, out, mp);
        Path results = work.resolve("results.jsonl");
        String output = run(List.of("--add-opens", "java.base/java.lang=" + RUNTIME, "-Dsimloop.results=" + results,
                "-p", out + File.pathSeparator + mp, "--add-modules", "ALL-MODULE-PATH",
                "-m", "com.example.tests/com.example.tests.Run"));
        assertThat(output).as(output).contains("ran");
        assertThat(results).as(output).exists();
        @SuppressWarnings("unchecked")
        Map<String, Object> line = (Map<String, Object>) Json.read(Files.readString(results).strip());
        assertThat(line).containsEntry("test", "[engine:junit-jupiter]/[class:com.example.tests.SetUpFailsTest]/[method:t()]")
                .containsEntry("stopReason", "ERROR");
    }

    @Test
    void aTestModuleThatOpensItsPackageToJUnitOnlyFailsAtOnceWithTheLineToAdd() throws Exception {
        String mp = modulePath();
        Path src = work.resolve("src");
        Path out = work.resolve("out");
        write(src.resolve("module-info.java"), """
                module com.example.tests {
                    requires dev.simloop.junit;
                    requires org.junit.jupiter.params;
                    requires org.junit.platform.launcher;
                    opens com.example.tests to org.junit.platform.commons;
                }
                """);
        write(src.resolve("com/example/tests/FieldsTest.java"), """
                package com.example.tests;

                import static org.junit.jupiter.api.Assertions.assertNotNull;

                import dev.simloop.junit.SimulatedLoop;
                import java.nio.file.Path;
                import java.util.concurrent.atomic.AtomicInteger;
                import org.junit.jupiter.api.AfterEach;
                import org.junit.jupiter.api.BeforeEach;
                import org.junit.jupiter.api.Test;
                import org.junit.jupiter.api.io.TempDir;

                class FieldsTest {
                    static final AtomicInteger BEFORE = new AtomicInteger();
                    static final AtomicInteger AFTER = new AtomicInteger();

                    @TempDir
                    Path dir;

                    @BeforeEach
                    void before() {
                        BEFORE.incrementAndGet();
                    }

                    @AfterEach
                    void after() {
                        AFTER.incrementAndGet();
                        System.out.println("lifecycle: before=" + BEFORE.get() + " after=" + AFTER.get());
                    }

                    @Test
                    @SimulatedLoop(schedules = 3, seed = 1)
                    void tempDirEverySchedule() {
                        System.out.println("schedule sees dir=" + (dir != null));
                        assertNotNull(dir, "@TempDir field is null in this schedule");
                    }
                }
                """);
        write(src.resolve("com/example/tests/ParamClassTest.java"), """
                package com.example.tests;

                import static org.junit.jupiter.api.Assertions.assertEquals;

                import dev.simloop.junit.SimulatedLoop;
                import org.junit.jupiter.api.Test;
                import org.junit.jupiter.params.Parameter;
                import org.junit.jupiter.params.ParameterizedClass;
                import org.junit.jupiter.params.provider.ValueSource;

                @ParameterizedClass
                @ValueSource(ints = 5)
                class ParamClassTest {
                    @Parameter
                    int n;

                    @Test
                    @SimulatedLoop(schedules = 3, seed = 1)
                    void seesParameter() {
                        assertEquals(5, n, "@Parameter field");
                    }
                }
                """);
        write(src.resolve("com/example/tests/Run.java"), """
                package com.example.tests;

                import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

                import java.io.PrintWriter;
                import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
                import org.junit.platform.launcher.core.LauncherFactory;
                import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

                public class Run {
                    public static void main(String[] args) {
                        var req = LauncherDiscoveryRequestBuilder.request()
                                .selectors(selectClass(FieldsTest.class), selectClass(ParamClassTest.class)).build();
                        var l = new SummaryGeneratingListener();
                        LauncherFactory.create().execute(req, l);
                        System.out.println("succeeded: " + l.getSummary().getTestsSucceededCount()
                                + " failed: " + l.getSummary().getTestsFailedCount());
                        l.getSummary().getFailures().forEach(f -> System.out.println("failure: " + f.getException()));
                    }
                }
                """);
        compile(src, out, mp);
        List<String> java = List.of("--add-opens", "java.base/java.lang=" + RUNTIME, "-Dsimloop.results=none",
                "-p", out + File.pathSeparator + mp, "--add-modules", "ALL-MODULE-PATH",
                "-m", "com.example.tests/com.example.tests.Run");

        String failing = run(java);
        assertThat(failing).as(failing).contains("succeeded: 0 failed: 2")
                .contains("failure: java.lang.IllegalStateException: @SimulatedLoop gives each schedule after the"
                        + " first a fresh instance")
                .contains("com.example.tests.FieldsTest.'dir' (@TempDir)")
                .contains("com.example.tests.ParamClassTest.'n' (@Parameter)")
                .contains("opens com.example.tests to org.junit.platform.commons, dev.simloop.junit;")
                .contains("--add-opens com.example.tests/com.example.tests=dev.simloop.junit")
                // it fails before any schedule runs, not at the second with the field null
                .doesNotContain("schedule sees dir=")
                .doesNotContain("AssertionFailedError");

        List<String> opened = new ArrayList<>(List.of("--add-opens", "com.example.tests/com.example.tests=dev.simloop.junit"));
        opened.addAll(java);
        String passing = run(opened);
        // every schedule has its field, and the lifecycle methods (invoked through JUnit's module) ran for each
        assertThat(passing).as(passing).contains("succeeded: 2 failed: 0").contains("lifecycle: before=3 after=3")
                .doesNotContain("schedule sees dir=false");
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
