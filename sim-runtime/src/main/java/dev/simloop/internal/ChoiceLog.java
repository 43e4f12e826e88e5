package dev.simloop.internal;

import java.util.Arrays;

/** A growable list of recorded choices; appending does not box. */
final class ChoiceLog {
    private static final int[] NONE = new int[0];
    /** Grown on the first choice: many runs (one task, a replay of FIFO) make none. */
    private int[] items = NONE;
    private int size;

    void add(int choice) {
        if (size == items.length) {
            items = Arrays.copyOf(items, Math.max(16, size * 2));
        }
        items[size++] = choice;
    }

    /** Forgets the last choice (an inline pick undone, see {@link TaskChooser#undoPick}). */
    void removeLast() {
        size--;
    }

    int size() {
        return size;
    }

    int[] toArray() {
        return Arrays.copyOf(items, size);
    }
}
