package dev.simloop.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Loop;
import dev.simloop.TaskGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
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
        List<String> warnings = new CopyOnWriteArrayList<>();
        Logger log = Logger.getLogger("dev.simloop");
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel() == Level.WARNING) {
                    warnings.add(r.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(handler);
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
            log.removeHandler(handler);
        }
        assertThat(looksWhileIdle).singleElement().asString().isIn("0", "1", "2"); // a look as the sleep began
        // the spin after the idle spell is logged (on a busy machine an earlier step may be slow too)
        assertThat(warnings).anySatisfy(w -> assertThat(w).startsWith("task 'service' has held the loop for at least ")
                .contains("WatchdogIdleTest"));
    }
}
