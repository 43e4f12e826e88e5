package dev.simloop.internal;

/** Production order: always the longest-ready task, and tied timers in heap order. Stateless. */
public final class FifoPicker implements Picker {
    /** The one instance. */
    public static final FifoPicker INSTANCE = new FifoPicker();

    private FifoPicker() {
    }

    @Override
    public int pick(ReadyQueue ready, int choiceIndex) {
        return 0;
    }

    @Override
    public int pickTimer(int options, int choiceIndex) {
        return 0;
    }
}
