package dev.simloop.report;

import dev.simloop.Loop;
import dev.simloop.TaskGroup;
import dev.simloop.sync.Event;
import dev.simloop.sync.Lock;
import dev.simloop.sync.Semaphore;
import java.time.Duration;

/**
 * A small run that shows everything a report draws: two tasks with the same name, a named
 * semaphore they block on, a named lock handed from one to the other, sleeps, an event, a cancel,
 * and a failure.
 */
public final class ReportProgram {
    private ReportProgram() {
    }

    public static int run() {
        Semaphore pool = new Semaphore(1, "pool");
        Lock cache = new Lock("cache");
        Event loaded = new Event("loaded");
        return TaskGroup.with(tg -> {
            for (int i = 0; i < 2; i++) {
                tg.spawn("refresh-user", () -> {
                    try (var _ = pool.hold()) {
                        Loop.sleep(Duration.ofMillis(20));
                        try (var _ = cache.hold()) {
                            Loop.sleep(Duration.ofMillis(5));
                        }
                    }
                    loaded.set();
                });
            }
            tg.spawn("watcher", () -> {
                loaded.await();
                Loop.sleep(Duration.ofMillis(100)); // cancelled when the check below fails
            });
            Loop.sleep(Duration.ofMillis(30));
            int seen = pool.availablePermits();
            if (seen != 1) {
                throw new IllegalStateException("expected a free permit at 30ms, but " + seen + " were free");
            }
            return seen;
        });
    }
}
