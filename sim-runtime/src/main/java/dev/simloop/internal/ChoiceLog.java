package dev.simloop.internal;

import java.util.Arrays;

/** A growable list of recorded choices; appending does not box. */
final class ChoiceLog {
    private int[] items = new int[32];
    private int size;

    void add(int choice) {
        if (size == items.length) {
            items = Arrays.copyOf(items, size * 2);
        }
        items[size++] = choice;
    }

    int size() {
        return size;
    }

    int[] toArray() {
        return Arrays.copyOf(items, size);
    }
}
