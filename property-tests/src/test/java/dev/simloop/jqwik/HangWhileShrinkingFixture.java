package dev.simloop.jqwik;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/**
 * Expected to fail; run only through EngineTestKit by {@link BoundedShrinkingTest}, with jqwik's
 * bounded shrinking cut to one second. A property without simloop in it (simloop's hooks see every
 * jqwik property) whose first try fails and whose shrinking tries hang until {@link #RELEASE} is
 * counted down: jqwik's shrinking runs out of time inside a try that has not ended.
 */
class HangWhileShrinkingFixture {
    /** Holds the shrinking's tries; the test counts it down once it has seen the property end. */
    static volatile CountDownLatch RELEASE = new CountDownLatch(1);
    static final AtomicInteger BODIES = new AtomicInteger();

    @Property(seed = "1", tries = 10)
    void hangsWhileShrinking(@ForAll @Size(min = 5, max = 10) List<Integer> values) throws InterruptedException {
        if (BODIES.incrementAndGet() > 1) {
            RELEASE.await(60, TimeUnit.SECONDS); // a shrinking try: it hangs (the bound keeps the JVM's pool usable)
        }
        throw new AssertionError("fails for " + values.size() + " values");
    }
}
