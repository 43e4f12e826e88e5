package dev.simloop.internal;

import java.util.SplittableRandom;

/** A seeded uniform choice among the candidates, every time. */
public final class RandomPicker implements Picker {
    private final SplittableRandom rng;

    /** @param seed the run's seed */
    public RandomPicker(long seed) {
        this.rng = new SplittableRandom(seed);
    }

    @Override
    public int pick(ReadyQueue ready, int choiceIndex) {
        return rng.nextInt(ready.size());
    }

    @Override
    public int pickTimer(int options, int choiceIndex) {
        return rng.nextInt(options);
    }
}
