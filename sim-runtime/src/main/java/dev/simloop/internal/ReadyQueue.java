package dev.simloop.internal;

import java.util.Arrays;

/**
 * The tasks that can run now, in the order they became ready (index 0 is the FIFO head).
 * A ring buffer so that FIFO removal is O(1); removal at index i shifts the shorter side.
 * Used only from the driver thread.
 */
public final class ReadyQueue {
    // Invariant: elements live at ring[(head + k) & mask] for k in [0, size); others are null.
    private TaskImpl[] ring = new TaskImpl[16];
    private int head;
    private int size;

    /** @return the number of ready tasks */
    public int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** @return the i-th ready task in FIFO order */
    public TaskImpl get(int i) {
        return ring[(head + i) & (ring.length - 1)];
    }

    void add(TaskImpl t) {
        if (size == ring.length) {
            grow();
        }
        ring[(head + size) & (ring.length - 1)] = t;
        size++;
    }

    TaskImpl removeAt(int i) {
        int mask = ring.length - 1;
        TaskImpl t = ring[(head + i) & mask];
        if (i < size - 1 - i) {
            // shift the elements before i one step towards the tail
            for (int k = i; k > 0; k--) {
                ring[(head + k) & mask] = ring[(head + k - 1) & mask];
            }
            ring[head] = null;
            head = (head + 1) & mask;
        } else {
            for (int k = i; k < size - 1; k++) {
                ring[(head + k) & mask] = ring[(head + k + 1) & mask];
            }
            ring[(head + size - 1) & mask] = null;
        }
        size--;
        return t;
    }

    private void grow() {
        TaskImpl[] bigger = new TaskImpl[ring.length * 2];
        for (int k = 0; k < size; k++) {
            bigger[k] = get(k);
        }
        ring = bigger;
        head = 0;
    }

    @Override
    public String toString() {
        TaskImpl[] copy = new TaskImpl[size];
        for (int k = 0; k < size; k++) {
            copy[k] = get(k);
        }
        return Arrays.toString(copy);
    }
}
