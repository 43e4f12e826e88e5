package dev.simloop.jqwik;

import dev.simloop.Schedule;
import java.util.List;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterProperty;

/**
 * Expected to fail; run only through EngineTestKit by {@link BoundedShrinkingTest}: the property of
 * {@link BoundedShrinkingFixture} in a class without try state (its replays run the program alone),
 * sharing that fixture's counters.
 */
class BoundedShrinkingNoTryStateFixture {

    @AfterProperty
    void end() {
        BoundedShrinkingFixture.ended = true;
    }

    @Property(seed = "42", tries = 1000, afterFailure = AfterFailureMode.RANDOM_SEED)
    void slowAndFailing(@ForAll Schedule schedule,
            @ForAll @Size(min = 30, max = 40) List<@IntRange(min = 1, max = 1000) Integer> padding)
            throws InterruptedException {
        BoundedShrinkingFixture.body(schedule, TryLifecycleFixture.Account::new); // a fresh account for each run
    }
}
