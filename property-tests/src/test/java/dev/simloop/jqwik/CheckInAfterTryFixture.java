package dev.simloop.jqwik;

import dev.simloop.Schedule;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterTry;

/**
 * Expected to fail; run only through EngineTestKit by {@link ReplaysRunInFreshTriesTest}. The
 * failing {@code Simulations.check} is made in an {@code @AfterTry} (a check of what the try left),
 * on a schedule that loses an update: its replays rerun the try, and the check in the
 * {@code @AfterTry} runs the replay.
 */
class CheckInAfterTryFixture {
    @AfterTry
    void verify() {
        Simulations.check(Schedule.of(0, 0, 1, 1, 1),
                () -> TryLifecycleFixture.deposits(new TryLifecycleFixture.Account()));
    }

    @Property(seed = "42", tries = 1, shrinking = ShrinkingMode.OFF)
    void body(@ForAll Schedule schedule) {
        // the check that fails is the @AfterTry's
    }
}
