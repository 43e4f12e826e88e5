package dev.simloop.vt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Simulation;
import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

/**
 * Two copies of the runtime in one JVM, each in a class loader of its own (a test framework's
 * isolated loaders): both connect to the agent's one bridge, and each keeps its own tasks on its
 * own virtual clock. A second copy used to replace the first's hooks, so the first's simulated
 * {@code Thread.sleep} fell through to the real clock and failed as a timed wait outside simloop.
 */
class TwoRuntimeCopiesTest {

    @Test
    void eachCopyOfTheRuntimeKeepsItsTasksOnItsOwnVirtualClock() throws Exception {
        assertThat(HourSleeper.sleepAnHour()).isEqualTo(3_600_000L); // this copy connects first
        URL runtime = Simulation.class.getProtectionDomain().getCodeSource().getLocation();
        URL tests = HourSleeper.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader other = new URLClassLoader(new URL[] {runtime, tests}, ClassLoader.getPlatformClassLoader())) {
            Class<?> sleeper = other.loadClass(HourSleeper.class.getName());
            assertThat(sleeper).isNotSameAs(HourSleeper.class);
            assertThat(sleeper.getMethod("sleepAnHour").invoke(null)).isEqualTo(3_600_000L); // the second copy
            assertThat(HourSleeper.sleepAnHour()).as("the first copy after the second connected").isEqualTo(3_600_000L);
        }
    }
}
