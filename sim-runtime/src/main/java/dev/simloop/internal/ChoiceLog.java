package dev.simloop.internal;

import java.util.Arrays;

/**
 * A growable list of recorded choices; appending does not box. A real loop's log keeps nothing:
 * nothing replays it, and a service that runs for days would grow by four bytes per choice.
 */
final class ChoiceLog {
    private static final int[] NONE = new int[0];
    /** Whether choices are kept: a simulation's, for its replay line; not a real loop's. */
    private final boolean kept;
    /** Grown on the first choice: many runs (one task, a replay of FIFO) make none. */
    private int[] items = NONE;
    /** Choices kept; always 0 when not {@link #kept}. */
    private int size;

    /** @param kept whether choices are kept (a simulation) or dropped (a real loop) */
    ChoiceLog(boolean kept) {
        this.kept = kept;
    }

    void add(int choice) {
        if (!kept) {
            return;
        }
        if (size == items.length) {
            items = Arrays.copyOf(items, Math.max(32, size * 2));
        }
        items[size++] = choice;
    }

    /** Forgets the last choice (an inline pick undone, see {@link TaskChooser#undoPick}). */
    void removeLast() {
        if (kept) {
            size--;
        }
    }

    int size() {
        return size;
    }

    int[] toArray() {
        return Arrays.copyOf(items, size);
    }
}
