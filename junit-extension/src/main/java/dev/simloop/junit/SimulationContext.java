package dev.simloop.junit;

import dev.simloop.Loop;
import dev.simloop.TaskGroup;
import java.time.Clock;

/**
 * What a {@link SimulatedLoop} test can ask about the simulated run it is in. Declare a parameter of
 * this type on the test method and JUnit passes it:
 *
 * <pre>{@code
 * @Test @SimulatedLoop(seed = 7)
 * void t(SimulationContext sim) {
 *     sim.rootGroup().spawn("background", () -> Loop.sleep(Duration.ofMinutes(1)));
 *     assertEquals(7, sim.seed());
 * }
 * }</pre>
 *
 * <p>The object passed to a schedule's run describes that schedule ({@link #seed()},
 * {@link #scheduleIndex()}); a replay of it (shrinking, the report's traced run) gets one that
 * describes the same schedule. Read it in the test, and keep no reference to it for later schedules. {@link #clock()},
 * {@link #nanoTime()} and {@link #rootGroup()} must be called from a task of the run.
 */
public final class SimulationContext {
    private volatile long seed;
    private volatile int scheduleIndex;
    private volatile int schedules;
    private volatile String strategy = "";
    private volatile boolean replay;

    SimulationContext() {
    }

    void update(long seed, int scheduleIndex, int schedules, String strategy, boolean replay) {
        this.seed = seed;
        this.scheduleIndex = scheduleIndex;
        this.schedules = schedules;
        this.strategy = strategy;
        this.replay = replay;
    }

    /** @return the seed of the schedule running now (what a failure report prints) */
    public long seed() {
        return seed;
    }

    /** @return the 0-based index of the schedule running now */
    public int scheduleIndex() {
        return scheduleIndex;
    }

    /** @return how many schedules this test explores (1 for a single run or a replay) */
    public int schedules() {
        return schedules;
    }

    /**
     * @return the textual form of the test's strategy, e.g. {@code random}; for a portfolio (several
     *     schedules and no strategy given), {@code portfolio}: with {@link #seed()} it names the
     *     schedule, since a portfolio's run takes the member its seed picks (the failure report
     *     names that member)
     */
    public String strategy() {
        return strategy;
    }

    /** @return whether this run replays a recorded line */
    public boolean isReplay() {
        return replay;
    }

    /** @return a {@link Clock} following the virtual clock of the run ({@link Loop#clock()}) */
    public Clock clock() {
        return Loop.clock();
    }

    /** @return the virtual time of the run in nanos, 0 at its start ({@link Loop#nanoTime()}) */
    public long nanoTime() {
        return Loop.nanoTime();
    }

    /**
     * @return the run's root task group ({@link Loop#rootGroup()}): tasks spawned into it may outlive
     *     the test body, and the run waits for them before the test ends
     */
    public TaskGroup rootGroup() {
        return Loop.rootGroup();
    }

    @Override
    public String toString() {
        return "SimulationContext[seed " + seed + ", schedule " + (scheduleIndex + 1) + " of " + schedules
                + ", strategy " + strategy + (replay ? ", replay" : "") + "]";
    }
}
