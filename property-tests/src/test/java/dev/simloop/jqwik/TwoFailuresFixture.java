package dev.simloop.jqwik;

import dev.simloop.Loop;
import dev.simloop.Schedule;
import dev.simloop.TaskGroup;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Expected to fail; run only through EngineTestKit by {@link ShrinkingKeepsTheFailureTest}. A program
 * with two failures: several lost updates (what most generated schedules meet) and exactly one (what
 * schedules closer to FIFO order meet), each with an exception class of its own.
 */
class TwoFailuresFixture {
    /** The first failing check of the property: the failure jqwik shrinks from and reports as its original one. */
    static final AtomicReference<Simulations.ScheduleFailure> FIRST = new AtomicReference<>();

    /**
     * Six tasks each add one to a counter by read, checkpoint, write, each a checkpoint after the
     * last: FIFO order loses none.
     *
     * @return 6; throws an {@code AssertionError} when several updates were lost, an
     *     {@code IllegalStateException} when one was
     */
    static Integer updates() {
        int lost = lostUpdates();
        if (lost == 1) {
            throw new IllegalStateException("one update lost");
        }
        if (lost > 1) {
            throw new AssertionError(lost + " updates lost");
        }
        return 6;
    }

    /** {@link #updates()} with checked exceptions: an {@code IOException} for several, a {@code TimeoutException} for one. */
    static Integer checkedUpdates() throws Exception {
        int lost = lostUpdates();
        if (lost == 1) {
            throw new java.util.concurrent.TimeoutException("one update lost");
        }
        if (lost > 1) {
            throw new java.io.IOException(lost + " updates lost");
        }
        return 6;
    }

    private static int lostUpdates() {
        int[] shared = {0};
        TaskGroup.with(g -> {
            for (int t = 0; t < 6; t++) {
                int delay = t;
                g.spawn(() -> {
                    for (int i = 0; i < delay; i++) {
                        Loop.checkpoint();
                    }
                    int read = shared[0];
                    Loop.checkpoint();
                    shared[0] = read + 1;
                    return null;
                });
            }
            return null;
        });
        return 6 - shared[0];
    }

    @Property(tries = 1000, seed = "42", afterFailure = AfterFailureMode.RANDOM_SEED)
    void twoFailures(@ForAll Schedule schedule) {
        check(schedule, TwoFailuresFixture::updates);
    }

    @Property(tries = 1000, seed = "42", afterFailure = AfterFailureMode.RANDOM_SEED)
    void twoCheckedFailures(@ForAll Schedule schedule) {
        check(schedule, TwoFailuresFixture::checkedUpdates);
    }

    private static void check(Schedule schedule, dev.simloop.ThrowingSupplier<Integer> program) {
        try {
            Simulations.check(schedule, program);
        } catch (Simulations.ScheduleFailure f) {
            FIRST.compareAndSet(null, f);
            throw f;
        }
    }
}
