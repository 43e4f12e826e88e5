package dev.simloop.jqwik;

import dev.simloop.Schedule;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Expected to fail; run only through EngineTestKit by {@link ReplaysRunInFreshTriesTest}. A
 * property without try state, whose replays run the whole body again as any property's do; and one
 * whose body makes the state its program changes (a list of errors), which only a rerun of the body
 * makes fresh for a replay.
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

    @Property(seed = "42", tries = 1000, afterFailure = AfterFailureMode.RANDOM_SEED)
    void errorsCollectedInTheBody(@ForAll Schedule schedule) {
        java.util.List<String> errors = new java.util.ArrayList<>(); // fresh every try
        Simulations.check(schedule, () -> collect(errors));
    }

    /** The lost update of {@link TryLifecycleFixture#deposits}, noted in {@code errors}; fails when any error was noted. */
    static int collect(java.util.List<String> errors) {
        int[] account = {100};
        dev.simloop.TaskGroup.with(g -> {
            for (int t = 0; t < 2; t++) {
                int delay = t;
                g.spawn(() -> {
                    for (int i = 0; i < 3 * delay; i++) {
                        dev.simloop.Loop.checkpoint();
                    }
                    int read = account[0];
                    dev.simloop.Loop.checkpoint();
                    account[0] = read + 25;
                    return null;
                });
            }
            return null;
        });
        int balance = account[0];
        if (balance != 150) {
            errors.add("lost update: " + balance);
        }
        if (!errors.isEmpty()) {
            throw new AssertionError("errors were collected"); // the same message however many: a replay on a used list fails alike
        }
        return balance;
    }
}
