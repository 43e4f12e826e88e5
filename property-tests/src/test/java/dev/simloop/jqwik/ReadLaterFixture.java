package dev.simloop.jqwik;

import dev.simloop.Schedule;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.BeforeTry;

/**
 * Passes; run only through EngineTestKit by {@link ReplaysRunInFreshTriesTest}. A property with try
 * state that catches its checks' failures, keeps the first and passes: the kept failure's message
 * is read only after the property has ended.
 */
class ReadLaterFixture {
    static final List<String> LOG = new CopyOnWriteArrayList<>();
    static volatile Simulations.ScheduleFailure kept;

    TryLifecycleFixture.Account account;

    @BeforeTry
    void freshAccount() {
        LOG.add("beforeTry");
        account = new TryLifecycleFixture.Account();
    }

    @Property(seed = "42", tries = 50)
    void keepsTheFailure(@ForAll Schedule schedule) {
        LOG.add("body");
        TryLifecycleFixture.Account acc = account;
        try {
            Simulations.check(schedule, () -> TryLifecycleFixture.deposits(acc));
        } catch (Simulations.ScheduleFailure f) {
            if (kept == null) {
                kept = f;
            }
        }
    }
}
