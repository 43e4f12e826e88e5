package dev.simloop.internal;

import java.util.SplittableRandom;

/**
 * Partial Order Sampling (Yuan, Yang, Gu, CAV 2018), adapted to a loop of tasks. Each ready task
 * holds a random priority; the highest runs. After a step, the priorities of the pending steps that
 * race with it are drawn again, while the others keep theirs; this samples partial orders far more
 * evenly than a uniform random walk.
 *
 * <p>Racing, here: the step that ran operated on a runtime object (acquired or released a lock,
 * set an event, sent to or received from a channel, took or gave a permit, signalled a condition,
 * joined a task), and a ready task's pending step is at an operation on the same object: it last
 * yielded or blocked in one (a task woken from a wait resumes inside the operation it waited in).
 * The task that ran, and every task made ready since it last ran, also draw fresh priorities. A
 * task that last yielded at a plain {@code Loop.checkpoint()} touches no object and races with
 * nothing.
 */
public final class PosPicker implements Picker {
    /** Marks a task whose priority must be drawn (it became ready since it last ran). */
    private static final long UNDRAWN = Long.MIN_VALUE;
    private final SplittableRandom rng;
    /** Objects operated on since the last pick; a step touches very few. */
    private Object[] touched = new Object[4];
    private int touchedCount;
    /** The highest priority runs, ties to the first in the queue; a task without one draws it, in queue order. */
    private final ReadyQueue.Ranking ranking = new ReadyQueue.Ranking() {
        @Override
        public boolean unprepared(TaskImpl<?> t) {
            return t.strategyPriority == UNDRAWN;
        }

        @Override
        public void prepare(TaskImpl<?> t) {
            t.strategyPriority = rng.nextLong() >>> 1;
        }

        @Override
        public boolean beats(TaskImpl<?> a, TaskImpl<?> b) {
            return a.strategyPriority > b.strategyPriority;
        }
    };
    /** The ready queue of the pick under way, while its racing tasks are marked. */
    private ReadyQueue marking;
    private final ReadyQueue.Visitor undrawIfRacing = this::undrawIfRacing;

    /** @param seed the run's seed */
    public PosPicker(long seed) {
        this.rng = new SplittableRandom(seed);
    }

    @Override
    public void onSpawn(TaskImpl<?> t) {
        t.strategyPriority = UNDRAWN;
    }

    @Override
    public boolean tracksObjects() {
        return true;
    }

    @Override
    public void touched(Object object) {
        for (int i = 0; i < touchedCount; i++) {
            if (touched[i] == object) {
                return;
            }
        }
        if (touchedCount == touched.length) {
            touched = java.util.Arrays.copyOf(touched, touchedCount * 2);
        }
        touched[touchedCount++] = object;
    }

    @Override
    public int pick(ReadyQueue ready, int choiceIndex) {
        redrawRacing(ready);
        int best = ready.best(ranking);
        // The chosen step runs now: whatever it makes ready next time is a new step.
        ready.get(best).strategyPriority = UNDRAWN; // it leaves the queue now: no rank to update
        return best;
    }

    /** Ready tasks whose pending step is at an object the steps since the last pick operated on. */
    private void redrawRacing(ReadyQueue ready) {
        if (touchedCount == 0) {
            return;
        }
        marking = ready;
        ready.visitTasksAt(touched, touchedCount, undrawIfRacing);
        marking = null;
        java.util.Arrays.fill(touched, 0, touchedCount, null);
        touchedCount = 0;
    }

    /** Marks {@code t}, whose pending step is at an object touched since the last pick, for a new draw. */
    private void undrawIfRacing(TaskImpl<?> t, int index) {
        if (t.strategyPriority != UNDRAWN) {
            t.strategyPriority = UNDRAWN;
            marking.rankChanged(index);
        }
    }

    /**
     * Tied timers are independent events here; their order, and whether ready tasks run between
     * them, is drawn uniformly.
     */
    @Override
    public int pickTimer(int options, int choiceIndex) {
        return rng.nextInt(options);
    }
}
