package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.simloop.Schedule;
import dev.simloop.TaskGroup;
import dev.simloop.jqwik.Simulations;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class PageViewsPropertyTest {
    @Property(tries = 100, seed = "1")
    void everyViewIsCounted(@ForAll @IntRange(min = 1, max = 4) int visitors, @ForAll Schedule schedule) {
        Simulations.check(schedule, () -> {
            PageViews views = new PageViews();
            TaskGroup.with(tg -> {
                for (int i = 0; i < visitors; i++) {
                    tg.spawn(() -> views.record("home"));
                }
                return null;
            });
            assertEquals(visitors, views.views("home"));  // inside check: a failure carries its replay line
            return null;
        });
    }
}
