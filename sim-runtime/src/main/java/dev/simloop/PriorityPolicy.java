package dev.simloop;

import dev.simloop.internal.PriorityScheduling;
import dev.simloop.internal.SafeText;

/**
 * The loop's optional priority scheduling. With a policy, among the ready tasks the one with the
 * most urgent {@linkplain Task#effectivePriority() effective priority} (the lowest value) runs
 * next, FIFO among equals; without one (the default) ready tasks run in FIFO order whatever their
 * priority. Effective priorities include priority inheritance through
 * {@link dev.simloop.sync.PriorityLock}, so a low-priority task holding a lock that an urgent task
 * waits for runs with the urgent task's priority.
 *
 * <p><b>Boosting.</b> A task that has been ready for {@link #boostAfterSteps()} scheduling steps
 * (one step = one task running up to its next checkpoint) without being run is boosted: it runs
 * before any task that is not boosted, so a steady stream of urgent work cannot starve it forever.
 *
 * <p>In a simulation ({@link Simulation.Builder#priorityPolicy}) the exploring strategy chooses only
 * among these candidates, so only interleavings that production can produce are explored.
 * Use it with {@link Loop#run(PriorityPolicy, ThrowingSupplier)} in production.
 */
public final class PriorityPolicy {
    /** The boost threshold of {@link #standard()}. */
    public static final int DEFAULT_BOOST_AFTER_STEPS = 1000;

    private final int boostAfterSteps;

    private PriorityPolicy(int boostAfterSteps) {
        this.boostAfterSteps = boostAfterSteps;
    }

    /** @return a policy that boosts after {@value #DEFAULT_BOOST_AFTER_STEPS} steps */
    public static PriorityPolicy standard() {
        return new PriorityPolicy(DEFAULT_BOOST_AFTER_STEPS);
    }

    /**
     * @param steps how many scheduling steps a ready task may be passed over before it is boosted; at least 1
     * @return the policy
     * @throws IllegalArgumentException when {@code steps < 1}
     */
    public static PriorityPolicy boostAfter(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("PriorityPolicy.boostAfter: steps must be at least 1, but was " + steps);
        }
        return new PriorityPolicy(steps);
    }

    /** @return scheduling steps a ready task may be passed over before it is boosted */
    public int boostAfterSteps() {
        return boostAfterSteps;
    }

    /** @return the form a replay line carries: {@code priority(N)}, N the boost threshold */
    String lineForm() {
        return "priority(" + boostAfterSteps + ")";
    }

    /**
     * Reads {@link #lineForm()}.
     *
     * @throws IllegalArgumentException when {@code text} is not {@code priority(N)} with N from 1 to
     *     {@code Integer.MAX_VALUE}
     */
    static PriorityPolicy fromLineForm(String text) {
        if (text.matches("priority\\([1-9][0-9]{0,9}\\)")) {
            long n = Long.parseLong(text.substring("priority(".length(), text.length() - 1));
            if (n <= Integer.MAX_VALUE) {
                return new PriorityPolicy((int) n);
            }
        }
        // The range names both ends: "at least 1" alone read as wrong for priority(2147483648), which is.
        throw new IllegalArgumentException("unknown priority policy '" + SafeText.input(text) + "': expected priority(N),"
                + " N the boost threshold in steps, from 1 to " + Integer.MAX_VALUE);
    }

    PriorityScheduling newScheduling() {
        return new PriorityScheduling(boostAfterSteps);
    }

    /** Policies are equal when they boost after the same number of steps. */
    @Override
    public boolean equals(Object o) {
        return o instanceof PriorityPolicy p && p.boostAfterSteps == boostAfterSteps;
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(boostAfterSteps);
    }

    @Override
    public String toString() {
        return "PriorityPolicy[boostAfterSteps=" + boostAfterSteps + "]";
    }
}
