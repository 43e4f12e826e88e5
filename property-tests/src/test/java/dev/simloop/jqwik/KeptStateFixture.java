package dev.simloop.jqwik;

import dev.simloop.Schedule;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.BeforeTry;

/**
 * Expected to fail; run only through EngineTestKit by {@link ReplaysRunInFreshTriesTest}. Properties
 * whose programs fail from the third try on, because of a list they keep across tries: every replay
 * on the state the tries left fails again, with the same class and digest.
 */
class KeptStateFixture {
    /** A field of the property's instance, which jqwik makes once per property. */
    final List<Integer> seen = new ArrayList<>();

    @Property(seed = "42", tries = 10, afterFailure = AfterFailureMode.RANDOM_SEED)
    void listGrowsAcrossTries(@ForAll Schedule schedule) {
        Simulations.check(schedule, () -> grow(seen));
    }

    static Integer grow(List<Integer> seen) {
        seen.add(seen.size());
        if (seen.size() >= 3) {
            throw new IllegalStateException("seen " + seen.size());
        }
        return seen.size();
    }

    /** The same with try state: its replays rerun the tries, whose @BeforeTry does not reset the list. */
    static class WithTryState {
        final List<Integer> seen = new ArrayList<>();
        int tries;

        @BeforeTry
        void countTry() {
            tries++;
        }

        @Property(seed = "42", tries = 10, afterFailure = AfterFailureMode.RANDOM_SEED)
        void listGrowsAcrossTries(@ForAll Schedule schedule) {
            Simulations.check(schedule, () -> grow(seen));
        }
    }
}
