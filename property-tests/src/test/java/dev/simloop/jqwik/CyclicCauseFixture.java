package dev.simloop.jqwik;

import dev.simloop.Schedule;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Expected to fail; run only through EngineTestKit by {@link ReplaysRunInFreshTriesTest}. A property
 * whose check passes and which then fails outside the run with an exception whose causes loop, as
 * some libraries' exceptions do ({@code printStackTrace} shows a {@code CIRCULAR REFERENCE}).
 */
class CyclicCauseFixture {
    @Property(tries = 1, seed = "1")
    void causesLoop(@ForAll Schedule schedule) {
        Simulations.check(schedule, () -> 1);
        IllegalStateException a = new IllegalStateException("a");
        IllegalArgumentException b = new IllegalArgumentException("b");
        a.initCause(b);
        b.initCause(a);
        throw a;
    }
}
