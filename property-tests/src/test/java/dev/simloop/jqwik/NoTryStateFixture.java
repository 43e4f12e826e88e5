package dev.simloop.jqwik;

import dev.simloop.Schedule;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Expected to fail; run only through EngineTestKit by {@link ReplaysRunInFreshTriesTest}. A
 * property without try state: its replays run the lambda alone, not the whole body again.
 */
class NoTryStateFixture {
    static final AtomicInteger BODIES = new AtomicInteger();
    static final AtomicInteger PROGRAMS = new AtomicInteger();

    @Property(seed = "42", tries = 1000, afterFailure = AfterFailureMode.RANDOM_SEED)
    void noTryState(@ForAll Schedule schedule) {
        BODIES.incrementAndGet();
        Simulations.check(schedule, () -> {
            PROGRAMS.incrementAndGet();
            return TryLifecycleFixture.deposits(new TryLifecycleFixture.Account());
        });
    }
}
