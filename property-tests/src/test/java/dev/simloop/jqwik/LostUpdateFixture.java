package dev.simloop.jqwik;

import dev.simloop.Schedule;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** Expected to fail; run only through EngineTestKit by {@link ShrinkTest}. */
class LostUpdateFixture {
    static final String SEED = "42";

    @Property(tries = 1000, seed = SEED, afterFailure = AfterFailureMode.RANDOM_SEED)
    void lostUpdate(@ForAll Schedule schedule) {
        ShrinkTest.TRIES.incrementAndGet();
        try {
            Simulations.check(schedule, Kernels::lostUpdate);
        } catch (AssertionError e) {
            ShrinkTest.FIRST_FAILURE.compareAndSet(0, ShrinkTest.TRIES.get());
            throw e;
        }
    }
}
