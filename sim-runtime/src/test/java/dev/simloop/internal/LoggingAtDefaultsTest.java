package dev.simloop.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How {@link LoggingAtDefaults} reads a {@code java.util.logging} level from the JDK's default configuration. */
class LoggingAtDefaultsTest {
    @Test
    void levelsThatLetFineThroughTurnDebugOn() {
        for (String on : new String[] {"FINE", "FINER", "FINEST", "ALL", "500", "300", "-2147483648"}) {
            assertThat(LoggingAtDefaults.finerThanInfo(on)).as(on).isTrue();
        }
    }

    @Test
    void coarserLevelsLeaveItOff() {
        for (String off : new String[] {"INFO", "CONFIG", "WARNING", "SEVERE", "OFF", "501", "800"}) {
            assertThat(LoggingAtDefaults.finerThanInfo(off)).as(off).isFalse();
        }
    }

    @Test
    void aLevelNameItDoesNotKnowLetsTheLoggerDecide() {
        assertThat(LoggingAtDefaults.finerThanInfo("FEIN")).isTrue();
    }

    @Test
    void inThisJvmJavaUtilLoggingHasStartedSoTheLoggerIsAsked() {
        java.util.logging.Logger.getLogger("dev.simloop.tasks"); // JUnit has usually started it already
        assertThat(LoggingAtDefaults.debugCertainlyOff()).isFalse();
    }
}
