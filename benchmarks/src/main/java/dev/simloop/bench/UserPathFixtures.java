package dev.simloop.bench;

import dev.simloop.Schedule;
import dev.simloop.jqwik.Simulations;
import dev.simloop.junit.SimulatedLoop;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The test classes {@link UserPathBench} runs through the JUnit Platform, as a user's build runs
 * them: the lost-update kernel ({@link Kernels#lostUpdate}, 2 tasks x 10 checkpoints) as a
 * {@code @SimulatedLoop} test with a lifecycle, and as a jqwik property over {@code @ForAll Schedule}.
 * Both pass whatever the schedule (a lost update is counted, not asserted), so every schedule runs.
 * The number of schedules and tries comes from configuration parameters ({@code simloop.schedules},
 * {@code jqwik.tries.default}), so the smoke test can run them small.
 */
public final class UserPathFixtures {
    /** Schedules (or tries) per test run. */
    static final AtomicLong RUNS = new AtomicLong();
    /** {@code @BeforeEach} calls. */
    static final AtomicLong BEFORE = new AtomicLong();
    /** {@code @AfterEach} calls that saw their own instance's {@code @BeforeEach} state. */
    static final AtomicLong AFTER = new AtomicLong();
    /** Runs in which an update was lost. */
    static final AtomicLong LOST = new AtomicLong();

    private UserPathFixtures() {
    }

    static void reset() {
        RUNS.set(0);
        BEFORE.set(0);
        AFTER.set(0);
        LOST.set(0);
    }

    static void kernel() {
        RUNS.incrementAndGet();
        if (Kernels.lostUpdate(ExplorationBench.CHECKPOINTS) != 2 * ExplorationBench.CHECKPOINTS) {
            LOST.incrementAndGet();
        }
    }

    /** The kernel under {@code @SimulatedLoop}: a fresh instance, {@code @BeforeEach} and {@code @AfterEach} per schedule. */
    public static class SimulatedLoopKernel {
        private Object state;

        /** Created by JUnit, once per schedule. */
        public SimulatedLoopKernel() {
        }

        /** Per schedule. */
        @BeforeEach
        void setUp() {
            BEFORE.incrementAndGet();
            state = new Object();
        }

        /** Per schedule; counts only when this instance was set up. */
        @AfterEach
        void tearDown() {
            if (state != null) {
                AFTER.incrementAndGet();
            }
        }

        /** The kernel; {@code simloop.schedules} sets how many schedules. */
        @Test
        @SimulatedLoop(seed = 1)
        void lostUpdate() {
            kernel();
        }
    }

    /** jqwik alone: the same property with an empty body, so that jqwik's own cost per try shows. */
    public static class JqwikEmpty {
        /** Created by jqwik. */
        public JqwikEmpty() {
        }

        /** Generates a schedule as {@link JqwikKernel} does, and runs nothing. */
        @Property(seed = "42")
        void nothing(@ForAll Schedule schedule) {
            RUNS.incrementAndGet();
        }
    }

    /** The kernel under a jqwik property: one try per generated schedule ({@code jqwik.tries.default}). */
    public static class JqwikKernel {
        /** Created by jqwik. */
        public JqwikKernel() {
        }

        /** The kernel, FIFO after the generated choices. */
        @Property(seed = "42")
        void lostUpdate(@ForAll Schedule schedule) {
            Simulations.check(schedule, () -> {
                kernel();
                return null;
            });
        }
    }
}
