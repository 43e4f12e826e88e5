package dev.simloop.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.CapturedWarnings;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code -Dsimloop.slowStepThreshold} and {@code -Dsimloop.idleWarning}: a value that is not a
 * positive duration is logged, with what is wrong with it, and the default used; never a 1 ns
 * threshold that warns of every step.
 */
class WatchdogDurationPropertyTest {
    private static final String NAME = "simloop.test.durationProperty";

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "PT0.5S     | 500000000 | ",
        "' PT2S '   | 2000000000 | ",
        "-PT1S      | 7 | -Dsimloop.test.durationProperty=-PT1S is not positive (write it like PT0.1S for 100 ms, or PT2S); using the default, 7 ns",
        "PT0S       | 7 | -Dsimloop.test.durationProperty=PT0S is not positive (write it like PT0.1S for 100 ms, or PT2S); using the default, 7 ns",
        "PT3000000H | 7 | -Dsimloop.test.durationProperty=PT3000000H is longer than the 292 years a long counts in nanoseconds (write it like PT0.1S for 100 ms, or PT2S); using the default, 7 ns",
        "100ms      | 7 | -Dsimloop.test.durationProperty=100ms is not an ISO-8601 duration (write it like PT0.1S for 100 ms, or PT2S); using the default, 7 ns",
    })
    void aValueThatIsNotAPositiveDurationIsLoggedAndTheDefaultUsed(String value, long nanos, String warning) {
        List<String> warnings;
        System.setProperty(NAME, value);
        try (CapturedWarnings captured = new CapturedWarnings()) {
            assertThat(Watchdog.durationProperty(NAME, 7, "7 ns")).isEqualTo(nanos);
            warnings = captured.messages();
        } finally {
            System.clearProperty(NAME);
        }
        assertThat(warnings).isEqualTo(warning == null ? List.of() : List.of(warning));
    }

    /**
     * {@code -Dsimloop.idleWarning} is read at every idle spell of a real loop: a bad value was logged
     * at each one, so a service whose tasks wait in JDK queues logged the same warning for every
     * request. Each bad value is logged once; another bad value is logged once too.
     */
    @Test
    void aBadValueReadAgainIsLoggedOnceAndAnotherBadValueOnceMore() {
        String name = "simloop.test.durationPropertyReadAgain";
        List<String> warnings;
        System.setProperty(name, "10s");
        try (CapturedWarnings captured = new CapturedWarnings()) {
            for (int i = 0; i < 3; i++) {
                assertThat(Watchdog.durationProperty(name, 7, "7 ns")).isEqualTo(7);
            }
            System.setProperty(name, "PT0S");
            assertThat(Watchdog.durationProperty(name, 7, "7 ns")).isEqualTo(7);
            assertThat(Watchdog.durationProperty(name, 7, "7 ns")).isEqualTo(7);
            warnings = captured.messages();
        } finally {
            System.clearProperty(name);
        }
        assertThat(warnings).containsExactly(
                "-D" + name + "=10s is not an ISO-8601 duration (write it like PT0.1S for 100 ms, or PT2S); using the"
                        + " default, 7 ns",
                "-D" + name + "=PT0S is not positive (write it like PT0.1S for 100 ms, or PT2S); using the default, 7 ns");
    }
}
