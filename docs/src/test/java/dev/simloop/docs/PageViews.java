package dev.simloop.docs;

import dev.simloop.Loop;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** The service of the JUnit walk-through (docs/junit.md), with its lost-update bug. */
// snippet:page-views-buggy
public final class PageViews {
    private final Map<String, Integer> db = new HashMap<>();

    public void recordView(String page) {
        int views = db.getOrDefault(page, 0);  // read
        Loop.sleep(Duration.ofMillis(5));      // round trip to the database
        db.put(page, views + 1);               // write: overwrites a view recorded meanwhile
    }

    public int views(String page) {
        return db.getOrDefault(page, 0);
    }
}
// end-snippet
