package dev.simloop.junit;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * The results lines of the simulated tests of a class that failed before its tests (a
 * {@code @BeforeAll} method, another extension's {@code BeforeAllCallback}, a
 * {@code @TestInstance(PER_CLASS)} constructor): JUnit then runs none of its tests, nor those of its
 * {@code @Nested} classes, so without these lines a merge of the shards would pass tests that never
 * ran. Each line is an {@code ERROR} line with the class's failure, under the unique id JUnit gives the
 * test (a template's, for a {@code @ParameterizedTest} or {@code @RepeatedTest}, whose invocations were
 * never made).
 *
 * <p>Two paths write them. The extension's {@code afterAll} ({@link #appendLines}) does when it is
 * registered on the class, since JUnit calls it once the class's {@code @BeforeAll} ran. JUnit calls no
 * extension of a test annotated on its method alone, nor any after a {@code PER_CLASS} constructor
 * threw, so the launcher's {@link Listener} writes the lines of the tests of a failed class that never
 * started, but not those the extension wrote already ({@link #written}).
 */
final class NeverRun {
    private NeverRun() {
    }

    /**
     * The tests whose line {@link #appendLines} wrote, with the value of {@link #WRITES} when it did:
     * the listener of the launcher that runs them writes no second line. A line written in a run
     * without the listener (an engine run directly, as the EngineTestKit runs it) stays here, so the
     * listener honours only those written since its test plan started.
     */
    private static final Map<String, Long> WRITTEN = new ConcurrentHashMap<>();
    private static final AtomicLong WRITES = new AtomicLong();

    /**
     * Appends a line for each test of the class of {@code classContext} and of its {@code @Nested}
     * classes: the extension is registered on the class, so each of them is simulated.
     */
    static void appendLines(ExtensionContext classContext, Throwable failure) {
        Function<String, Optional<String>> params = key -> classContext.getConfigurationParameter(key)
                .or(() -> Optional.ofNullable(System.getProperty(key)));
        List<Class<?>> classes = new ArrayList<>();
        for (Optional<ExtensionContext> k = Optional.of(classContext); k.isPresent(); k = k.get().getParent()) {
            k.get().getTestClass().ifPresent(classes::add);
        }
        appendLines(classes, classContext.getUniqueId(), params, failure);
    }

    /** @param classes the class whose tests never ran, then the classes JUnit runs it in, innermost first */
    private static void appendLines(List<Class<?>> classes, String classId, Function<String, Optional<String>> params,
            Throwable failure) {
        Class<?> c = classes.getFirst();
        for (Method m : ReflectionSupport.findMethods(c, NeverRun::isTest, HierarchyTraversalMode.TOP_DOWN)) {
            String kind = AnnotationSupport.isAnnotated(m, Test.class) ? "method" : "test-template";
            String id = classId + "/[" + kind + ":" + encode(m.getName() + "(" + parameters(m, Class::getName) + ")") + "]";
            WRITTEN.put(id, WRITES.incrementAndGet());
            append(params, id, classes, m, displayName(m), failure);
        }
        for (Class<?> inner : ReflectionSupport.findNestedClasses(c, k -> AnnotationSupport.isAnnotated(k, Nested.class))) {
            List<Class<?>> chain = new ArrayList<>(classes);
            chain.addFirst(inner);
            appendLines(chain, classId + "/[nested-class:" + encode(inner.getSimpleName()) + "]", params, failure);
        }
    }

    /**
     * Appends the line of test {@code id}, method {@code m} of {@code classes.getFirst()} (run in the others), that
     * never ran because its class failed with {@code failure}.
     */
    private static void append(Function<String, Optional<String>> params, String id, List<Class<?>> classes, Method m,
            String display, Throwable failure) {
        ResultsFile.appendNeverRun(params, id, classes.getFirst(), m.getName(), display,
                settingsOrNull(m, classes, params, id), failure);
    }

    /** @return whether JUnit runs {@code m} as a test or a template of tests (a {@code @TestFactory}'s are not simulated) */
    private static boolean isTest(Method m) {
        int mods = m.getModifiers();
        return !Modifier.isStatic(mods) && !Modifier.isPrivate(mods) && !Modifier.isAbstract(mods)
                && (AnnotationSupport.isAnnotated(m, Test.class) || AnnotationSupport.isAnnotated(m, TestTemplate.class));
    }

    /** @return the test's settings, from the annotation {@link SimulatedLoopExtension#find} finds; null when they do not resolve */
    private static RunConfig settingsOrNull(Method m, List<Class<?>> classes, Function<String, Optional<String>> params,
            String id) {
        try {
            return RunConfig.resolve(SimulatedLoopExtension.find(m, classes).orElse(null), params, id, System.getenv());
        } catch (RuntimeException e) {
            return null; // the line then has no shard, as a test's whose settings do not parse
        }
    }

    /** @return the display name JUnit gives {@code m} by default: its {@code @DisplayName}, or {@code name(Type, Type)} */
    private static String displayName(Method m) {
        return AnnotationSupport.findAnnotation(m, DisplayName.class).map(DisplayName::value)
                .orElse(m.getName() + "(" + parameters(m, Class::getSimpleName) + ")");
    }

    private static String parameters(Method m, Function<Class<?>, String> name) {
        return Arrays.stream(m.getParameterTypes()).map(name).collect(Collectors.joining(", "));
    }

    /** @return {@code value} as a segment of a JUnit unique id writes it: its delimiters and {@code %}, {@code +} escaped */
    private static String encode(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        for (char ch : value.toCharArray()) {
            if ("%+/:[]".indexOf(ch) >= 0) {
                sb.append('%').append(String.format(java.util.Locale.ROOT, "%02X", (int) ch));
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }

    /**
     * Writes the line of each simulated test of a class that failed and that never started: the
     * launcher registers it through {@code META-INF/services} (and {@code provides} on the module path),
     * so it sees every test run by Surefire, Gradle, an IDE or the console launcher. A test is simulated
     * when {@code @SimulatedLoop} is on it, its class or an enclosing class, directly or through an
     * annotation of the user's own. Public for the {@code ServiceLoader}, which instantiates it; not API,
     * since its class is not public.
     */
    public static final class Listener implements TestExecutionListener {
        /** The tests and templates that started or were skipped, of the test plan that runs: they have lines of their own, or need none. */
        private final Set<String> reached = ConcurrentHashMap.newKeySet();
        private volatile TestPlan plan;
        /** The value of {@link #WRITES} when the plan started: the extension's lines written since are this run's. */
        private volatile long since;

        /** Created by the launcher. */
        public Listener() {
        }

        @Override
        public void testPlanExecutionStarted(TestPlan testPlan) {
            reached.clear();
            since = WRITES.get();
            plan = testPlan;
        }

        @Override
        public void testPlanExecutionFinished(TestPlan testPlan) {
            reached.clear();
            plan = null;
        }

        @Override
        public void executionStarted(TestIdentifier id) {
            if (id.getSource().orElse(null) instanceof MethodSource) {
                reached.add(id.getUniqueId());
            }
        }

        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            if (id.getSource().orElse(null) instanceof MethodSource) {
                reached.add(id.getUniqueId());
            }
        }

        /** A class that failed: the lines of its simulated tests (and its {@code @Nested} classes') that never started. */
        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            TestPlan p = plan;
            Throwable failure = result.getThrowable().orElse(null);
            if (p == null || result.getStatus() != TestExecutionResult.Status.FAILED || failure == null
                    || !(id.getSource().orElse(null) instanceof ClassSource)) {
                return; // an aborted class (an assumption of its @BeforeAll) skips its tests, as JUnit reports them
            }
            Function<String, Optional<String>> params = key -> p.getConfigurationParameters().get(key)
                    .or(() -> Optional.ofNullable(System.getProperty(key)));
            for (TestIdentifier d : p.getDescendants(id)) {
                if (d.getSource().orElse(null) instanceof MethodSource source && !reached.contains(d.getUniqueId())
                        && !writtenInThisRun(d.getUniqueId())) {
                    appendIfSimulated(p, params, d, source, failure);
                }
            }
        }

        /** @return whether the extension's {@code afterAll} wrote the line of test {@code id} since the plan started */
        private boolean writtenInThisRun(String id) {
            Long at = WRITTEN.remove(id);
            return at != null && at > since;
        }

        private static void appendIfSimulated(TestPlan p, Function<String, Optional<String>> params,
                TestIdentifier test, MethodSource source, Throwable failure) {
            Method m;
            List<Class<?>> classes = new ArrayList<>();
            try {
                m = source.getJavaMethod();
                classes.add(source.getJavaClass());
                // the classes JUnit runs the test in: an inherited @Nested class's enclosing one is the subclass
                for (Optional<TestIdentifier> up = p.getParent(test); up.isPresent(); up = p.getParent(up.get())) {
                    if (up.get().getSource().orElse(null) instanceof ClassSource k && k.getJavaClass() != classes.getLast()) {
                        classes.add(k.getJavaClass());
                    }
                }
            } catch (RuntimeException e) { // JUnit found the method, so this is unlikely; say why the line is missing
                System.getLogger("dev.simloop.junit").log(System.Logger.Level.WARNING, "simloop: no results line for "
                        + test.getUniqueId() + ", which never ran because its class failed: its method did not load ("
                        + e + "); a merge of the shards does not see it");
                return;
            }
            if (isTest(m) && SimulatedLoopExtension.find(m, classes).isPresent()) {
                append(params, test.getUniqueId(), classes, m, test.getDisplayName(), failure);
            }
        }
    }
}
