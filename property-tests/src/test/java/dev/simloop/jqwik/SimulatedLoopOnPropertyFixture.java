package dev.simloop.jqwik;

import dev.simloop.junit.SimulatedLoop;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** Two properties that carry @SimulatedLoop and one that does not; run only through EngineTestKit by {@link SimulatedLoopOnPropertyTest}. */
class SimulatedLoopOnPropertyFixture {
    static final java.util.concurrent.atomic.AtomicInteger BODIES_RUN = new java.util.concurrent.atomic.AtomicInteger();

    /** A user's own annotation that carries @SimulatedLoop. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @SimulatedLoop(schedules = 5)
    @interface Explored {
    }

    @Property(tries = 3)
    @SimulatedLoop(schedules = 10)
    void annotatedDirectly(@ForAll int x) {
        BODIES_RUN.incrementAndGet();
    }

    @Property(tries = 3)
    @Explored
    void annotatedThroughAnAnnotation(@ForAll int x) {
        BODIES_RUN.incrementAndGet();
    }

    @Property(tries = 3)
    void notAnnotated(@ForAll int x) {
        BODIES_RUN.incrementAndGet();
    }
}
