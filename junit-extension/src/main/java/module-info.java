/**
 * {@code @SimulatedLoop}: runs a JUnit Jupiter test body inside a deterministic simloop simulation.
 */
module dev.simloop.junit {
    // The API hands out runtime types (SimulationContext's task group and clock, failures that
    // extend SimulationFailure) and JUnit types (the extension implements Jupiter's extension
    // interfaces), so a user of this module reads both.
    requires transitive dev.simloop.runtime;
    requires transitive org.junit.jupiter.api;
    // AnnotationSupport and ReflectionSupport (also reachable through org.junit.jupiter.api).
    requires org.junit.platform.commons;
    // The listener that writes the results lines of simulated tests whose class failed before they ran
    // (NeverRun.Listener). Static: whatever runs tests brings the launcher, which alone loads the
    // listener, and a module path without it resolves all the same (the provides below then goes unused).
    requires static org.junit.platform.launcher;

    exports dev.simloop.junit;
    // JUnit instantiates SimulatedLoopExtension (named by @SimulatedLoop's @ExtendWith) through
    // org.junit.platform.commons' ReflectionSupport, which makes the constructor accessible.
    opens dev.simloop.junit to org.junit.platform.commons;

    // On the class path the launcher finds the listener through META-INF/services; on the module path
    // through this.
    provides org.junit.platform.launcher.TestExecutionListener with dev.simloop.junit.NeverRun.Listener;
}
