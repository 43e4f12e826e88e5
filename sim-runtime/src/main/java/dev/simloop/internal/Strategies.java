package dev.simloop.internal;

import dev.simloop.NondeterminismDetected;
import java.util.SplittableRandom;

/**
 * The strategies that choose which ready task runs next. The loop calls {@link Picker#pick} only
 * when more than one task is ready, and records the answer; the recorded answers are the schedule
 * that replays the run.
 */
public final class Strategies {
    private Strategies() {
    }

    /** Chooses among the ready tasks. One instance per run; may keep state across steps. */
    public interface Picker {
        /**
         * @param ready the ready tasks in FIFO order; more than one
         * @param choiceIndex how many choices the run has made before this one
         * @return the index in {@code ready} of the task to run next
         */
        int pick(ReadyQueue ready, int choiceIndex);

        /** Told of every task as it is spawned (strategies such as PCT assign it a priority). */
        default void onSpawn(TaskImpl<?> t) {
        }
    }

    /** Production order: always the longest-ready task. */
    public static Picker fifo() {
        return (ready, i) -> 0;
    }

    /** Uniform choice among the ready tasks, from a generator seeded with {@code seed}. */
    public static Picker random(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return (ready, i) -> rng.nextInt(ready.size());
    }

    /** PCT; see {@link PctPicker}. */
    public static Picker pct(long seed, int depth, int expectedChoices) {
        return new PctPicker(seed, depth, expectedChoices);
    }

    /** POS; see {@link PosPicker}. */
    public static Picker pos(long seed) {
        return new PosPicker(seed);
    }

    /**
     * Follows recorded choices, then hands over to {@code fallback}.
     *
     * @param choices choice {@code k} picks {@code ready[choices[k] % ready.size()]}
     * @param strict when true (exact replay), a choice that does not fit the ready tasks, or a run
     *     that needs more choices than recorded, fails the run instead of adapting
     * @param fallback the strategy after the recorded choices run out (lenient mode)
     */
    public static Picker following(int[] choices, boolean strict, Picker fallback) {
        return new Picker() {
            @Override
            public int pick(ReadyQueue ready, int k) {
                int n = ready.size();
                if (k < choices.length) {
                    int c = choices[k];
                    if (strict && c >= n) {
                        throw new NondeterminismDetected("replay diverged at choice " + k + ": the recorded choice is "
                                + "ready task #" + c + " but only " + n + " tasks are ready " + ready
                                + ". The program or its inputs changed since the line was recorded.");
                    }
                    return c % n;
                }
                if (strict) {
                    throw new NondeterminismDetected("replay diverged at choice " + k + ": the recorded schedule has "
                            + "only " + choices.length + " choices but the run needs more (ready: " + ready
                            + "). The program or its inputs changed since the line was recorded.");
                }
                return fallback.pick(ready, k);
            }

            @Override
            public void onSpawn(TaskImpl<?> t) {
                fallback.onSpawn(t);
            }
        };
    }
}
