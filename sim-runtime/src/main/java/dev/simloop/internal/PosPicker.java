package dev.simloop.internal;

import java.util.SplittableRandom;

/**
 * Partial Order Sampling (Yuan, Yang, Gu, CAV 2018), adapted to a loop of tasks. Each ready task
 * holds a random priority; the highest runs. After a step, the priorities of the steps that race
 * with it are drawn again: here, a task that was made ready by the step that just ran (it touched
 * the same runtime object: a lock released, an event set, a channel written, a task joined) and
 * the task that ran itself get fresh priorities, while tasks that stayed ready keep theirs. Unlike
 * a uniform random walk, this samples partial orders far more evenly.
 */
final class PosPicker implements Strategies.Picker {
    /** Marks a task whose priority must be drawn (it became ready since it last ran). */
    private static final long UNDRAWN = Long.MIN_VALUE;
    private final SplittableRandom rng;

    PosPicker(long seed) {
        this.rng = new SplittableRandom(seed);
    }

    @Override
    public void onSpawn(TaskImpl<?> t) {
        t.strategyPriority = UNDRAWN;
    }

    @Override
    public int pick(ReadyQueue ready, int choiceIndex) {
        int best = 0;
        for (int i = 0; i < ready.size(); i++) {
            TaskImpl<?> t = ready.get(i);
            if (t.strategyPriority == UNDRAWN) {
                t.strategyPriority = rng.nextLong() >>> 1;
            }
            if (t.strategyPriority > ready.get(best).strategyPriority) {
                best = i;
            }
        }
        // The chosen step runs now: whatever it makes ready next time is a new, racing step.
        ready.get(best).strategyPriority = UNDRAWN;
        return best;
    }

    /** Tied timers are independent events here; their order is drawn uniformly. */
    @Override
    public int pickTimer(int due, int choiceIndex) {
        return rng.nextInt(due);
    }
}
