package dev.simloop.bench;

import dev.simloop.Schedule;
import dev.simloop.jqwik.Simulations;
import dev.simloop.junit.SimulatedLoop;
import java.util.concurrent.atomic.LongAdder;
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
    // The counters are LongAdders added to on the calling (platform) thread: JUnit's for jqwik, a driver
    // for @SimulatedLoop, never a task's virtual thread (a new one per schedule would keep no cell of its
    // own). With parallelism = 2 both drivers count every schedule, and shared AtomicLongs would put
    // writes to one cache line from both cores into each schedule: the fixture's cost, not simloop's
    // (a user's test keeps its state per instance). Measured, the difference was within the noise
    // (docs/benchmark-notes.md); the fixture avoids it on principle.
    /** Schedules (or tries) per test run. */
    static final LongAdder RUNS = new LongAdder();
    /** {@code @BeforeEach} calls. */
    static final LongAdder BEFORE = new LongAdder();
    /** {@code @AfterEach} calls that saw their own instance's {@code @BeforeEach} state. */
    static final LongAdder AFTER = new LongAdder();
    /** Runs in which an update was lost. */
    static final LongAdder LOST = new LongAdder();

    private UserPathFixtures() {
    }

    static void reset() {
        RUNS.reset();
        BEFORE.reset();
        AFTER.reset();
        LOST.reset();
    }

    /** @return whether the kernel lost an update */
    static boolean kernel() {
        return Kernels.lostUpdate(ExplorationBench.CHECKPOINTS) != 2 * ExplorationBench.CHECKPOINTS;
    }

    /** Counts a run of the kernel, on the calling thread. */
    static void ran(boolean lost) {
        RUNS.increment();
        if (lost) {
            LOST.increment();
        }
    }

    /** The kernel under {@code @SimulatedLoop}: a fresh instance, {@code @BeforeEach} and {@code @AfterEach} per schedule. */
    public static class SimulatedLoopKernel {
        private Object state;
        /** Whether the test method ran, and whether it lost an update: set by the run's task, counted after it. */
        private boolean ran;
        private boolean lost;

        /** Created by JUnit, once per schedule. */
        public SimulatedLoopKernel() {
        }

        /** Per schedule. */
        @BeforeEach
        void setUp() {
            BEFORE.increment();
            state = new Object();
        }

        /** Per schedule; counts only when this instance was set up. */
        @AfterEach
        void tearDown() {
            if (state != null) {
                AFTER.increment();
            }
            if (ran) {
                ran(lost);
            }
        }

        /** The kernel; {@code simloop.schedules} sets how many schedules. */
        @Test
        @SimulatedLoop(seed = 1)
        void lostUpdate() {
            lost = kernel();
            ran = true;
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
            RUNS.increment();
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
            ran(Simulations.check(schedule, UserPathFixtures::kernel));
        }
    }
}
