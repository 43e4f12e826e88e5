package dev.simloop.internal;

import java.util.SplittableRandom;

/**
 * Random choices, except that a task whose step spawned tasks goes on: a program that creates its
 * workers in a loop creates them all before any of them runs, and then they race as under
 * {@link RandomPicker}. Under plain random choice the first workers finish while the last are being
 * created, which closes windows that need all of them at once (SCTBench's twostage_100).
 */
public final class SpawnerFirstPicker implements Picker {
    private final SplittableRandom rng;
    /** Whether the step that ended spawned a task (set at the spawn, cleared at the next choice). */
    private boolean spawnedInStep;

    /** @param seed the run's seed */
    public SpawnerFirstPicker(long seed) {
        this.rng = new SplittableRandom(seed);
    }

    @Override
    public void onSpawn(TaskImpl<?> t) {
        spawnedInStep = true;
    }

    @Override
    public boolean pollersGiveWay() {
        return false; // a spawner that then polls goes on as it did, to spawn the rest
    }

    @Override
    public int pick(ReadyQueue ready, int choiceIndex) {
        return pick(ready, choiceIndex, -1);
    }

    @Override
    public int pick(ReadyQueue ready, int choiceIndex, int continuing) {
        boolean spawned = spawnedInStep;
        spawnedInStep = false;
        return spawned && continuing >= 0 ? continuing : rng.nextInt(ready.size());
    }

    @Override
    public int pickTimer(int options, int choiceIndex) {
        return rng.nextInt(options);
    }
}
