package dev.simloop.junit;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Optional;
import org.junit.platform.commons.annotation.Testable;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * Where {@link SimulatedLoop} may stand: on a test method or a class. JUnit calls an extension
 * around test methods only, so the annotation on a {@code @BeforeEach} or on a helper method is
 * ignored without a word, and a user who put it there believes that method runs in the simulation.
 * The extension cannot see such a method unless the class also has a simulated test; then it names
 * it, once per class.
 */
final class Placement {
    /** The first method of a class (its superclasses included) that has the annotation and is no test. */
    private static final ClassValue<Optional<Method>> STRAY = new ClassValue<>() {
        @Override
        protected Optional<Method> computeValue(Class<?> type) {
            List<Method> stray = ReflectionSupport.findMethods(type,
                    m -> AnnotationSupport.isAnnotated(m, SimulatedLoop.class) && !AnnotationSupport.isAnnotated(m,
                            Testable.class), HierarchyTraversalMode.TOP_DOWN);
            return stray.stream().findFirst();
        }
    };

    private Placement() {
    }

    /**
     * @param testClass the class of a simulated test
     * @throws IllegalArgumentException when a method of it that is no test has {@code @SimulatedLoop}
     */
    static void checkMethodsOf(Class<?> testClass) {
        Optional<Method> stray = STRAY.get(testClass);
        if (stray.isPresent()) {
            Method m = stray.get();
            throw new IllegalArgumentException("@SimulatedLoop on " + m.getDeclaringClass().getName() + "." + m.getName()
                    + "(), which is not a test" + lifecycleNote(m) + ": JUnit calls the extension around test methods"
                    + " only, so there it does nothing. Put it on the test method, or on the class for all of its"
                    + " tests; a @BeforeEach or @AfterEach runs outside the simulated run (junit.md, \"Fresh state for"
                    + " every schedule\"), and a method that a simulated test calls runs in the run already.");
        }
    }

    /** @return {@code " (a @BeforeEach method)"} and the like, or empty */
    private static String lifecycleNote(Method m) {
        for (Class<? extends java.lang.annotation.Annotation> a : List.of(org.junit.jupiter.api.BeforeEach.class,
                org.junit.jupiter.api.AfterEach.class, org.junit.jupiter.api.BeforeAll.class,
                org.junit.jupiter.api.AfterAll.class)) {
            if (AnnotationSupport.isAnnotated(m, a)) {
                return " (a @" + a.getSimpleName() + " method)";
            }
        }
        return "";
    }
}
