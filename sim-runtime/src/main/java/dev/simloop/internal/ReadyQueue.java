package dev.simloop.internal;

import java.util.Arrays;

/**
 * The tasks that can run now, in the order they became ready (index 0 is the FIFO head).
 * A ring buffer so that FIFO removal is O(1); removal at index i shifts the shorter side.
 * Used only from the driver thread.
 */
public final class ReadyQueue {
    // Invariant: elements live at ring[(head + k) & mask] for k in [0, size); others are null.
    private TaskImpl<?>[] ring = new TaskImpl<?>[16];
    private int head;
    private int size;
    // ---- for the priority policy's boosting (issue 3): how long a task has been ready
    /** Whether this queue stamps the tasks added to it (the loop's queue does; a candidate view does not). */
    private final boolean stamps;
    /** Tasks removed so far; a task's wait is the removals since it was added. */
    private long removals;

    /** The loop's ready queue. */
    ReadyQueue() {
        this(true);
    }

    /** @param stamps whether to record in each added task when it became ready (see {@link #waitedSteps}) */
    ReadyQueue(boolean stamps) {
        this.stamps = stamps;
    }

    /** @return the number of ready tasks */
    public int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** @return the i-th ready task in FIFO order */
    public TaskImpl<?> get(int i) {
        return ring[(head + i) & (ring.length - 1)];
    }

    /** Appends {@code t}, or puts it at {@code t.insertAt()} when the program asked for a place (see {@link Steering}). */
    void add(TaskImpl<?> t) {
        if (size == ring.length) {
            grow();
        }
        ring[(head + size) & (ring.length - 1)] = t;
        size++;
        int at = t.insertAt();
        if (at >= 0) {
            moveLastTo(Math.min(at, size - 1));
            t.insertAt(-1);
        }
        if (stamps) {
            t.readyStamp = removals;
        }
    }

    /** Takes out the task at {@code i}, which was just added, as if it never had been (an inline pick undone). */
    void takeBack(int i) {
        removeAt(i);
        removals--;
    }

    /** Puts {@code t}, just removed from index {@code i}, back there as if it never had left (an inline pick undone). */
    void putBack(TaskImpl<?> t, int i) {
        if (size == ring.length) {
            grow();
        }
        ring[(head + size) & (ring.length - 1)] = t;
        size++;
        moveLastTo(i);
        removals--;
    }

    /** Moves the last task to index {@code i}, shifting those from {@code i} on one place towards the tail. */
    private void moveLastTo(int i) {
        int mask = ring.length - 1;
        TaskImpl<?> t = ring[(head + size - 1) & mask];
        for (int k = size - 1; k > i; k--) {
            ring[(head + k) & mask] = ring[(head + k - 1) & mask];
        }
        ring[(head + i) & mask] = t;
    }

    /** @return the index of {@code t} in the queue, or -1 */
    int indexOf(TaskImpl<?> t) {
        for (int k = 0; k < size; k++) {
            if (get(k) == t) {
                return k;
            }
        }
        return -1;
    }

    /** @return how many tasks were taken from this queue since {@code t}, which is in it, was added */
    long waitedSteps(TaskImpl<?> t) {
        return removals - t.readyStamp;
    }

    /** Empties the queue. */
    void clear() {
        while (size > 0) {
            ring[(head + --size) & (ring.length - 1)] = null;
        }
        head = 0;
    }

    /** Counts a step in which the only ready task ran again without passing through the queue. */
    void countRemoval() {
        removals++;
    }

    TaskImpl<?> removeAt(int i) {
        int mask = ring.length - 1;
        TaskImpl<?> t = ring[(head + i) & mask];
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
        removals++;
        return t;
    }

    private void grow() {
        TaskImpl<?>[] bigger = new TaskImpl<?>[ring.length * 2];
        for (int k = 0; k < size; k++) {
            bigger[k] = get(k);
        }
        ring = bigger;
        head = 0;
    }

    @Override
    public String toString() {
        TaskImpl<?>[] copy = new TaskImpl<?>[size];
        for (int k = 0; k < size; k++) {
            copy[k] = get(k);
        }
        return Arrays.toString(copy);
    }
}
