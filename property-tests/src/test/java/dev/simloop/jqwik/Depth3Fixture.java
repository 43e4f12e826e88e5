package dev.simloop.jqwik;

import dev.simloop.Schedule;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** Expected to fail; run only through EngineTestKit by {@link ShrinkTest}. */
class Depth3Fixture {
    @Property(tries = 1000, seed = "42", afterFailure = AfterFailureMode.RANDOM_SEED)
    void depth3(@ForAll Schedule schedule) {
        ShrinkTest.TRIES.incrementAndGet();
        try {
            Simulations.check(schedule, Kernels::depth3);
        } catch (AssertionError e) {
            ShrinkTest.FIRST_FAILURE.compareAndSet(0, ShrinkTest.TRIES.get());
            throw e;
        }
    }
}
