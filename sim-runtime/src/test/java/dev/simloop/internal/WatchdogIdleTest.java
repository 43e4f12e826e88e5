package dev.simloop.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.CapturedWarnings;
import dev.simloop.Loop;
import dev.simloop.TaskGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The watchdog does not look at an idle real loop (before, it looked every 25 ms while a service
 * waited for work, some 40 wake-ups a second), and a slow step after the idle spell is still
 * logged: the driver wakes the watchdog as it wakes.
 */
class WatchdogIdleTest {

    @Test
    @Timeout(60)
    void anIdleRealLoopIsNotLookedAtAndASlowStepAfterItsIdleSpellIsStillLogged() {
        CapturedWarnings captured = new CapturedWarnings();
        List<Long> looksWhileIdle = new ArrayList<>();
        try {
            Loop.run(() -> TaskGroup.with(tg -> {
                tg.spawn("service", () -> {
                    Watchdog.Probe probe = Current.task("test").loop().probe;
                    long before = probe.looks();
                    Loop.sleep(Duration.ofSeconds(2)); // idle: nothing runs (80 looks at the old 25 ms period)
                    looksWhileIdle.add(probe.looks() - before);
                    long until = System.nanoTime() + Duration.ofMillis(600).toNanos();
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait(); // a slow step right after the idle spell
                    }
                });
                return null;
            }));
        } finally {
            captured.close();
        }
        List<String> warnings = captured.messages();
        assertThat(looksWhileIdle).singleElement().asString().isIn("0", "1", "2"); // a look as the sleep began
        // the spin after the idle spell is logged (on a busy machine an earlier step may be slow too)
        assertThat(warnings).anySatisfy(w -> assertThat(w).startsWith("task 'service' has held the loop for at least ")
                .contains("WatchdogIdleTest"));
    }
}
