package dev.simloop.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import dev.simloop.junit.fixtures.CombinationFixtures;
import dev.simloop.junit.fixtures.NeverRunFixtures;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The results lines of simulated tests that JUnit never ran because their class failed first (a
 * {@code @BeforeAll}, a {@code PER_CLASS} constructor), with {@code @SimulatedLoop} on the test
 * methods: JUnit then calls no extension for them, so the launcher's listener writes their lines. Run
 * through the launcher, as Surefire and IDEs run tests: the EngineTestKit loads no launcher listener.
 */
class NeverRunListenerTest {
    @TempDir
    Path dir;

    private Path results;

    @BeforeEach
    void setUp() {
        NeverRunFixtures.LOG.clear();
        CombinationFixtures.LOG.clear();
        results = dir.resolve("results.jsonl");
    }

    /**
     * A class whose {@code @BeforeAll} failed, its {@code @SimulatedLoop} on the methods (directly, or
     * through an annotation of the user's own): each simulated test gets an ERROR line with that failure
     * under the id JUnit gives it, the unsimulated one none, and the merge fails. Before, no line was
     * written at all, and a merge of the shards passed tests that never ran.
     */
    @Test
    void aBeforeAllThatFailsLeavesAnErrorLineForEachTestAnnotatedOnItsMethod() throws IOException {
        TestExecutionSummary s = execute(selectClass(NeverRunFixtures.BeforeAllFailsOnMethods.class));
        assertThat(s.getTestsStartedCount()).isZero();
        assertThat(NeverRunFixtures.LOG).isEmpty();

        assertThat(results).as("no results line was written").exists();
        List<Map<String, Object>> lines = resultLines();
        assertThat(lines).extracting(l -> l.get("test")).as("%s", lines).containsExactlyInAnyOrderElementsOf(
                planIds(selectClass(NeverRunFixtures.BeforeAllFailsOnMethods.class), Set.of("t", "repeated", "meta", "nested")));
        assertThat(lines).extracting(l -> l.get("method")).containsExactlyInAnyOrder("t", "repeated", "meta", "nested");
        for (Map<String, Object> line : lines) {
            assertErrorLine(line, "java.lang.IllegalStateException", "the database did not start");
            assertThat(line).containsEntry("seed", 1L).containsEntry("schedules", 3L);
        }
        assertThat(lines).filteredOn(l -> l.get("method").equals("nested")).singleElement().satisfies(l -> assertThat(l)
                .containsEntry("class", NeverRunFixtures.BeforeAllFailsOnMethods.Inner.class.getName())
                .containsEntry("display", "nested()"));
        assertThat(merge()).isEqualTo(1);
    }

    /**
     * A {@code PER_CLASS} class whose constructor throws: JUnit calls not even the class's
     * {@code afterAll}, so {@code @SimulatedLoop} on the class wrote no line either. Each test's line has
     * its own settings, the method's annotation before the class's.
     */
    @Test
    void aPerClassConstructorThatThrowsLeavesAnErrorLineForEachSimulatedTest() throws IOException {
        TestExecutionSummary s = execute(selectClass(NeverRunFixtures.PerClassConstructorThrows.class));
        assertThat(s.getTestsStartedCount()).isZero();

        List<Map<String, Object>> lines = resultLines();
        assertThat(lines).extracting(l -> l.get("test")).as("%s", lines).containsExactlyInAnyOrderElementsOf(
                planIds(selectClass(NeverRunFixtures.PerClassConstructorThrows.class), Set.of("t", "u")));
        for (Map<String, Object> line : lines) {
            assertErrorLine(line, "java.lang.IllegalStateException", "the connection pool did not start");
        }
        assertThat(lines).filteredOn(l -> l.get("method").equals("u")).singleElement().satisfies(l -> assertThat(l)
                .containsEntry("seed", 2L).containsEntry("schedules", 5L));
        assertThat(merge()).isEqualTo(1);
    }

    /**
     * A {@code @Nested} class inherited from a superclass runs in the test class's instances, under its annotation:
     * the listener looked the annotation up on the superclass that declares it, found none, and wrote no line.
     */
    @Test
    void aNestedClassInheritedByAClassThatFailsHasTheClasssSettingsInItsLine() throws IOException {
        DiscoverySelector c = selectClass(NeverRunFixtures.PerClassConstructorThrowsInheritingANestedClass.class);
        assertThat(execute(c).getTestsStartedCount()).isZero();
        assertThat(resultLines()).singleElement().satisfies(l -> {
            assertThat(l.get("test")).isEqualTo(planIds(c, Set.of("t")).getFirst());
            assertErrorLine(l, "java.lang.IllegalStateException", "the connection pool did not start");
            assertThat(l).containsEntry("seed", 5L).containsEntry("schedules", 3L);
        });
    }

    /** One test selected of a class that fails: the line of that test alone, not of the tests left out. */
    @Test
    void aSelectedTestOfAClassThatFailsIsTheOnlyOneWithALine() throws IOException {
        DiscoverySelector one = selectMethod(NeverRunFixtures.BeforeAllFailsOnMethods.class, "repeated");
        execute(one);
        assertThat(resultLines()).singleElement().satisfies(l -> assertThat(l.get("test"))
                .isEqualTo(planIds(one, Set.of("repeated")).getFirst()));
    }

    /**
     * With {@code @SimulatedLoop} on the class, the extension's own {@code afterAll} writes the lines: the
     * listener adds none, so each test has one line.
     */
    @Test
    void aClassAnnotatedOnTheClassGetsOneLinePerTest() throws IOException {
        execute(selectClass(CombinationFixtures.BeforeAllFails.class));
        List<Map<String, Object>> lines = resultLines();
        assertThat(lines).extracting(l -> l.get("test")).as("%s", lines).containsExactlyInAnyOrderElementsOf(
                planIds(selectClass(CombinationFixtures.BeforeAllFails.class), Set.of("t", "repeated", "nested")));
    }

    /** A class whose simulated test passes has that test's line alone. */
    @Test
    void aPassingTestAnnotatedOnItsMethodHasItsOwnLineAlone() throws IOException {
        TestExecutionSummary s = execute(selectClass(NeverRunFixtures.PassesOnMethod.class));
        assertThat(s.getTestsSucceededCount()).isEqualTo(1);
        assertThat(resultLines()).singleElement().satisfies(l -> assertThat(l)
                .containsEntry("stopReason", "ALL_SCHEDULES_RUN").containsEntry("run", 3L));
        assertThat(merge()).isZero();
    }

    /** An assumption of a {@code @BeforeAll} skips the class's tests, as JUnit reports them: no line. */
    @Test
    void aBeforeAllAssumptionLeavesNoLine() {
        TestExecutionSummary s = execute(selectClass(NeverRunFixtures.BeforeAllAssumptionFails.class));
        assertThat(s.getContainersAbortedCount()).isEqualTo(1);
        assertThat(results).doesNotExist();
    }

    private static void assertErrorLine(Map<String, Object> line, String type, String message) {
        assertThat(line).containsEntry("stopReason", "ERROR").containsEntry("run", 0L).containsEntry("shard", "1/1");
        assertThat(line.get("failures")).asInstanceOf(InstanceOfAssertFactories.LIST).singleElement()
                .asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsEntry("type", type).containsEntry("message", message).containsEntry("replay", null);
    }

    private LauncherDiscoveryRequest request(DiscoverySelector selector) {
        return LauncherDiscoveryRequestBuilder.request().selectors(selector)
                .configurationParameter(Results.PROPERTY, results.toString()).build();
    }

    /** Runs {@code selector} through a launcher that registers the listeners of META-INF/services, as Surefire's does. */
    private TestExecutionSummary execute(DiscoverySelector selector) {
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        launcher.execute(request(selector), summary);
        return summary.getSummary();
    }

    /** @return the unique ids JUnit gives the tests (and templates) named {@code methods} that {@code selector} selects */
    private List<String> planIds(DiscoverySelector selector, Set<String> methods) {
        TestPlan plan = LauncherFactory.create().discover(request(selector));
        List<String> ids = new ArrayList<>();
        for (TestIdentifier root : plan.getRoots()) {
            for (TestIdentifier d : plan.getDescendants(root)) {
                if (d.getSource().orElse(null) instanceof MethodSource m && methods.contains(m.getMethodName())) {
                    ids.add(d.getUniqueId());
                }
            }
        }
        return ids;
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> resultLines() throws IOException {
        return Files.readAllLines(results).stream().map(l -> (Map<String, Object>) Json.read(l)).toList();
    }

    private int merge() {
        return Results.run(new String[] {"merge", results.toString()}, new PrintStream(OutputStream.nullOutputStream()),
                System.err);
    }
}
