package dev.simloop.jqwik.internal;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Fails a jqwik property whose method carries {@code @SimulatedLoop}, which would otherwise run
 * unsimulated without a word: {@code @SimulatedLoop} is a JUnit Jupiter extension, and jqwik runs
 * its properties itself, so it never sees the annotation. Registered for every jqwik run through
 * {@code META-INF/services} (and the module's {@code provides}); it applies only to property
 * methods that carry the annotation, directly or through an annotation of the user's, and costs
 * the others one look at their annotations.
 *
 * <p>The annotation is matched by name: this module does not depend on {@code simloop-junit}.
 */
public final class SimulatedLoopOnPropertyCheck implements AroundPropertyHook, EngineWideHook {
    static final String SIMULATED_LOOP = "dev.simloop.junit.SimulatedLoop";

    /** Made by jqwik's service loader. */
    public SimulatedLoopOnPropertyCheck() {
    }

    @Override
    public boolean appliesTo(Optional<AnnotatedElement> element) {
        return element.filter(Method.class::isInstance).filter(m -> carriesSimulatedLoop(m, new HashSet<>())).isPresent();
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        Method m = context.targetMethod();
        throw new IllegalStateException("@SimulatedLoop on the jqwik property " + m.getDeclaringClass().getName() + "."
                + m.getName() + " has no effect: it is a JUnit Jupiter extension, and jqwik runs its properties"
                + " itself, so this property would run on no simulated loop at all. To explore interleavings in"
                + " a property, take a @ForAll Schedule parameter and run the code with"
                + " Simulations.check(schedule, () -> ...) (docs/property-testing.md); or make the method a"
                + " JUnit @Test, which @SimulatedLoop runs under many schedules (docs/junit.md). Then remove"
                + " @SimulatedLoop from the property.");
    }

    /** Whether {@code element} carries {@code @SimulatedLoop} itself or through its annotations' annotations. */
    private static boolean carriesSimulatedLoop(AnnotatedElement element, Set<Class<?>> seen) {
        for (Annotation a : element.getAnnotations()) {
            Class<? extends Annotation> type = a.annotationType();
            if (type.getName().equals(SIMULATED_LOOP)) {
                return true;
            }
            if (!type.getName().startsWith("java.lang.annotation.") && seen.add(type) && carriesSimulatedLoop(type, seen)) {
                return true;
            }
        }
        return false;
    }
}
