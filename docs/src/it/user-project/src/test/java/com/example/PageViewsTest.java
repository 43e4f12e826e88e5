package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.simloop.Loop;
import dev.simloop.TaskGroup;
import dev.simloop.junit.SimulatedLoop;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PageViewsTest {
    @Test
    @SimulatedLoop(schedules = 200, seed = 1)
    void concurrentViewsAreAllCounted() {
        PageViews views = new PageViews();
        TaskGroup.with(tg -> {
            for (int i = 0; i < 3; i++) {
                tg.spawn(() -> {
                    Loop.sleep(Duration.ofMillis(Loop.random().nextInt(10)));  // arrive at random times
                    views.record("home");
                });
            }
            return null;
        });
        assertEquals(3, views.views("home"));
    }
}
