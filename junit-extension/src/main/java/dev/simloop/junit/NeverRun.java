package dev.simloop.junit;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Optional;
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

/**
 * The results lines of the simulated tests of a class whose set-up before its tests failed (a
 * {@code @BeforeAll} method, another extension's {@code BeforeAllCallback}): JUnit then runs none of
 * its tests, nor those of its {@code @Nested} classes, and calls no extension for them, so without
 * these lines a merge of the shards would pass tests that never ran. Each line is an {@code ERROR}
 * line with the class's failure, under the unique id JUnit gives the test (a template's, for a
 * {@code @ParameterizedTest} or {@code @RepeatedTest}, whose invocations were never made).
 */
final class NeverRun {
    private NeverRun() {
    }

    /**
     * Appends a line for each test of the class of {@code classContext} and of its {@code @Nested}
     * classes: the extension is registered on the class, so each of them is simulated.
     */
    static void appendLines(ExtensionContext classContext, Throwable failure) {
        Function<String, Optional<String>> params = key -> classContext.getConfigurationParameter(key)
                .or(() -> Optional.ofNullable(System.getProperty(key)));
        appendLines(classContext, classContext.getRequiredTestClass(), classContext.getUniqueId(), params, failure);
    }

    private static void appendLines(ExtensionContext classContext, Class<?> c, String classId,
            Function<String, Optional<String>> params, Throwable failure) {
        for (Method m : ReflectionSupport.findMethods(c, NeverRun::isTest, HierarchyTraversalMode.TOP_DOWN)) {
            String kind = AnnotationSupport.isAnnotated(m, Test.class) ? "method" : "test-template";
            String id = classId + "/[" + kind + ":" + encode(m.getName() + "(" + parameters(m, Class::getName) + ")") + "]";
            ResultsFile.appendNeverRun(classContext, id, c, m.getName(), displayName(m), settingsOrNull(m, c, params, id),
                    failure);
        }
        for (Class<?> inner : ReflectionSupport.findNestedClasses(c, k -> AnnotationSupport.isAnnotated(k, Nested.class))) {
            appendLines(classContext, inner, classId + "/[nested-class:" + encode(inner.getSimpleName()) + "]", params,
                    failure);
        }
    }

    /** @return whether JUnit runs {@code m} as a test or a template of tests (a {@code @TestFactory}'s are not simulated) */
    private static boolean isTest(Method m) {
        int mods = m.getModifiers();
        return !Modifier.isStatic(mods) && !Modifier.isPrivate(mods) && !Modifier.isAbstract(mods)
                && (AnnotationSupport.isAnnotated(m, Test.class) || AnnotationSupport.isAnnotated(m, TestTemplate.class));
    }

    /** @return the test's settings, as {@link SimulatedLoopExtension#find} finds its annotation; null when they do not resolve */
    private static RunConfig settingsOrNull(Method m, Class<?> c, Function<String, Optional<String>> params, String id) {
        Optional<SimulatedLoop> a = AnnotationSupport.findAnnotation(m, SimulatedLoop.class);
        for (Class<?> k = c; a.isEmpty() && k != null; k = k.getEnclosingClass()) {
            a = AnnotationSupport.findAnnotation(k, SimulatedLoop.class);
        }
        try {
            return RunConfig.resolve(a.orElse(null), params, id, System.getenv());
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
                sb.append('%').append(String.format("%02X", (int) ch));
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }
}
