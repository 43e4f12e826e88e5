package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** {@link Loop#clock()}: a java.time.Clock that follows the loop clock, virtual or wall. */
class LoopClockViewTest {
    private static final Instant VIRTUAL_EPOCH = Instant.parse("2025-01-01T00:00:00Z");

    @Test
    void theVirtualClockStartsAtTheEpochInUtcAndMovesWithVirtualTime() {
        SimResult<Instant[]> r = Simulation.run(1, () -> {
            Clock c = Loop.clock();
            Instant before = c.instant();
            Loop.sleep(Duration.ofMinutes(90));
            return new Instant[] {before, c.instant()};
        });
        assertThat(r.value()).containsExactly(VIRTUAL_EPOCH, VIRTUAL_EPOCH.plus(Duration.ofMinutes(90)));
    }

    @Test
    void aZonedViewKeepsTheInstantAndTheText() {
        Object[] seen = Simulation.run(1, () -> {
            Clock utc = Loop.clock();
            Clock paris = utc.withZone(ZoneId.of("Europe/Paris"));
            Loop.sleep(Duration.ofSeconds(5));
            return new Object[] {utc.getZone(), paris.getZone(), paris.instant(), utc.toString(), paris.toString()};
        }).value();
        assertThat(seen).containsExactly(ZoneOffset.UTC, ZoneId.of("Europe/Paris"), VIRTUAL_EPOCH.plusSeconds(5),
                "simloop virtual clock", "simloop virtual clock");
    }

    @Test
    void theWallClockStartsNearZeroAndSaysWhatItIs() {
        Instant start = Instant.now();
        Object[] seen = Loop.run(() -> {
            long t0 = Loop.nanoTime();
            Clock c = Loop.clock();
            return new Object[] {t0, c.toString(), c.instant(), c.getZone()};
        });
        assertThat((long) seen[0]).isBetween(0L, Duration.ofSeconds(5).toNanos());
        assertThat(seen[1]).isEqualTo("simloop wall clock");
        assertThat((Instant) seen[2]).isBetween(start.minusSeconds(1), Instant.now().plusSeconds(1));
        assertThat(seen[3]).isEqualTo(ZoneOffset.UTC);
    }
}
