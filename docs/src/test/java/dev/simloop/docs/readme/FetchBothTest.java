package dev.simloop.docs.readme;

// snippet:readme-junit
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.simloop.Loop;
import dev.simloop.junit.SimulatedLoop;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FetchBothTest {
    @Test
    @SimulatedLoop(schedules = 1000)    // 1,000 seeded interleavings; a failure prints its replay line
    void fetchesBothInParallel() {
        assertEquals(30, FetchBoth.fetchBoth());
        assertEquals(Duration.ofMillis(20), Duration.ofNanos(Loop.nanoTime()));   // virtual time
    }
}
// end-snippet
