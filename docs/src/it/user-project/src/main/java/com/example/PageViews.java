package com.example;

import dev.simloop.Loop;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Counts views per page; the round trip to storage is a checkpoint where other tasks may run. */
public final class PageViews {
    private final Map<String, Integer> views = new HashMap<>();

    public void record(String page) {
        Loop.sleep(Duration.ofMillis(5));      // the round trip to storage
        views.merge(page, 1, Integer::sum);    // read and write with no checkpoint in between
    }

    public int views(String page) {
        return views.getOrDefault(page, 0);
    }
}
