package dev.simloop.jqwik.internal;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.Optional;
import net.jqwik.api.lifecycle.LifecycleHook;
import net.jqwik.api.lifecycle.PropagationMode;

/**
 * A hook of this module, registered for every jqwik run through {@code META-INF/services} (and the
 * module's {@code provides}): registered on the engine, it must reach every property below it, and
 * it applies to property methods (a hook narrows that further where it has a reason to).
 */
interface EngineWideHook extends LifecycleHook {
    @Override
    default PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS;
    }

    @Override
    default boolean appliesTo(Optional<AnnotatedElement> element) {
        return element.filter(Method.class::isInstance).isPresent();
    }
}
