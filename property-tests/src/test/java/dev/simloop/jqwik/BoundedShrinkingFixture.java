package dev.simloop.jqwik;

import dev.simloop.Schedule;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeTry;

/**
 * Expected to fail; run only through EngineTestKit by {@link BoundedShrinkingTest}, with jqwik's
 * bounded shrinking cut to one second. A property with try state whose every try fails (a lost
 * update) and takes 30 ms, with a padding list that gives jqwik hundreds of shrinking steps: its
 * shrinking runs out of time, and jqwik 1.9.3 does not stop it (it shrinks on a pool thread).
 */
class BoundedShrinkingFixture {
    /** Bodies running now, of any instance. */
    static final AtomicInteger RUNNING = new AtomicInteger();
    /** Bodies that began while another was running. */
    static final AtomicInteger OVERLAPS = new AtomicInteger();
    /** Bodies that began after the property ended. */
    static final AtomicInteger AFTER_END = new AtomicInteger();
    static volatile boolean ended;

    TryLifecycleFixture.Account account;

    @BeforeTry
    void open() {
        account = new TryLifecycleFixture.Account();
    }

    @AfterProperty
    void end() {
        ended = true;
    }

    @Property(seed = "42", tries = 1000, afterFailure = AfterFailureMode.RANDOM_SEED)
    void slowAndFailing(@ForAll Schedule schedule,
            @ForAll @Size(min = 30, max = 40) List<@IntRange(min = 1, max = 1000) Integer> padding)
            throws InterruptedException {
        TryLifecycleFixture.Account acc = account;
        body(schedule, () -> acc);
    }

    /**
     * A body that counts itself, takes 30 ms (jqwik's shrinking runs out of its second) and checks
     * two deposits into the account {@code accounts} gives each run.
     */
    static void body(Schedule schedule, Supplier<TryLifecycleFixture.Account> accounts) throws InterruptedException {
        if (ended) {
            AFTER_END.incrementAndGet();
        }
        if (RUNNING.incrementAndGet() > 1) {
            OVERLAPS.incrementAndGet();
        }
        try {
            Thread.sleep(30);
            Simulations.check(schedule, () -> TryLifecycleFixture.deposits(accounts.get()));
        } finally {
            RUNNING.decrementAndGet();
        }
    }
}
