package dev.simloop.docs;

import dev.simloop.Loop;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** The service of the JUnit walk-through (docs/junit.md), fixed. */
// snippet:page-views-fixed
public final class FixedPageViews {
    private final Map<String, Integer> db = new HashMap<>();

    public void recordView(String page) {
        Loop.sleep(Duration.ofMillis(5));      // round trip to the database
        db.merge(page, 1, Integer::sum);       // read and write with no checkpoint in between
    }

    public int views(String page) {
        return db.getOrDefault(page, 0);
    }
}
// end-snippet
