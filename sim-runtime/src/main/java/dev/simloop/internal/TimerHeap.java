package dev.simloop.internal;

import java.util.Arrays;

/**
 * An indexed 4-ary min-heap of {@link Timer}s ordered by (deadline, kind, arming order).
 * Removal and re-arming are O(log n) and allocation-free because each timer knows its index.
 * The deadlines are also kept in a {@code long[]} beside the timers, so that sifting compares
 * numbers in one array and loads a {@code Timer} only on a tie (with ten thousand armed timers,
 * loading each for its deadline was a cache miss per level). Four children per node rather than two
 * halve the levels a timer passes through (7 instead of 13 among ten thousand timers): each level
 * moves a timer and writes its index, a cache miss with many timers armed, while the four
 * children's deadlines sit side by side in the array (issue 15). The order is total (arming order
 * breaks every tie), so timers fire in the same order whatever the heap's shape. Used only from the
 * driver thread.
 */
final class TimerHeap {
    // Invariant: heap[0..size) is a binary min-heap under before(); heap[i].heapIndex == i;
    // deadlines[i] == heap[i].deadline.
    /** No timers: the empty heap's array, and any empty scratch a caller grows through {@link #collectDue}. */
    static final Timer[] NONE = new Timer[0];
    private static final long[] NO_DEADLINES = new long[0];
    /** Empty until the first timer is armed: most simulations never arm one. */
    private Timer[] heap = NONE;
    private long[] deadlines = NO_DEADLINES;
    private int size;
    // Monotonic arming counter: equal deadlines fire in arming order, which keeps runs replayable.
    private long nextSeq;

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    Timer peek() {
        return size == 0 ? null : heap[0];
    }

    /** Arms {@code t} at {@code deadline}, moving it if it is already armed. */
    void arm(Timer t, long deadline) {
        if (t.isArmed()) {
            remove(t);
        }
        if (watching && deadline <= watchNow) {
            mustCollectAfresh = true;
        }
        t.deadline = deadline;
        t.seq = nextSeq++;
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, Math.max(16, size * 2));
            deadlines = Arrays.copyOf(deadlines, heap.length);
        }
        heap[size] = t;
        deadlines[size] = deadline;
        t.heapIndex = size;
        size++;
        siftUp(t.heapIndex);
    }

    /** Disarms {@code t}; harmless when it is not armed. */
    void remove(Timer t) {
        int i = t.heapIndex;
        if (i < 0) {
            return;
        }
        if (watching && t.deadline <= watchNow) {
            noteDueRemoved(t);
        }
        size--;
        Timer last = heap[size];
        heap[size] = null;
        t.heapIndex = -1;
        if (i != size) {
            heap[i] = last;
            deadlines[i] = deadlines[size];
            last.heapIndex = i;
            siftDown(i);
            siftUp(last.heapIndex);
        }
    }

    /** Children per node. */
    private static final int ARITY = 4;

    /**
     * @return whether a timer other than the earliest is also due at {@code now}; by the heap
     *     property it suffices to look at the root's children
     */
    boolean secondIsDue(long now) {
        int end = Math.min(size, ARITY + 1);
        for (int i = 1; i < end; i++) {
            if (deadlines[i] <= now) {
                return true;
            }
        }
        return false;
    }

    /**
     * Collects the armed timers due at {@code now} in firing order (deadline, deadlines before
     * wake-ups, then arming order), leaving them armed.
     *
     * @param now the loop clock
     * @param out where to put them; grown when too small
     * @return the array holding them (out, or a bigger copy) with the count in {@link #dueCount}
     */
    Timer[] collectDue(long now, Timer[] out) {
        dueCount = 0;
        out = collect(0, now, out);
        java.util.Arrays.sort(out, 0, dueCount, TimerHeap::compare);
        return out;
    }

    /** How many timers the last {@link #collectDue} found. */
    int dueCount;

    // ---- watching the due timers while one of them fires (Timers.fireTied): a fire may disarm
    // others (a deadline cancels a sleeper) or arm some; only those due at the instant matter.
    private boolean watching;
    private long watchNow;
    private Timer[] watchDue;
    private int watchCount;
    /** Positions in the watched due timers of those disarmed while watching. */
    private int[] removedDue = new int[8];
    private int removedDueCount;
    /** A timer due at the instant was armed while watching, or one disarmed was not found among the watched. */
    private boolean mustCollectAfresh;

    /** Starts noting what happens to the timers due at {@code now}, {@code due[0..count)} in firing order. */
    void watchDue(long now, Timer[] due, int count) {
        watching = true;
        watchNow = now;
        watchDue = due;
        watchCount = count;
        removedDueCount = 0;
        mustCollectAfresh = false;
    }

    /**
     * Stops watching.
     *
     * @return whether the due timers must be collected afresh: one due at the instant was armed (or
     *     moved) meanwhile; otherwise they are the watched ones less those at {@link #removedDue}
     */
    boolean endWatch() {
        watching = false;
        watchDue = null;
        return mustCollectAfresh;
    }

    /** @return how many watched due timers were disarmed; their positions are {@link #removedDue(int)} */
    int removedDueCount() {
        return removedDueCount;
    }

    int removedDue(int k) {
        return removedDue[k];
    }

    private void noteDueRemoved(Timer t) {
        int pos = Arrays.binarySearch(watchDue, 0, watchCount, t, TimerHeap::compare);
        if (pos < 0 || watchDue[pos] != t) {
            mustCollectAfresh = true; // not among those collected (cannot happen unless one was moved): collect afresh
            return;
        }
        if (removedDueCount == removedDue.length) {
            removedDue = Arrays.copyOf(removedDue, removedDueCount * 2);
        }
        removedDue[removedDueCount++] = pos;
    }

    private Timer[] collect(int i, long now, Timer[] out) {
        if (i >= size || deadlines[i] > now) {
            return out; // a heap: nothing below a timer that is not due is due
        }
        if (dueCount == out.length) {
            out = Arrays.copyOf(out, Math.max(8, out.length * 2));
        }
        out[dueCount++] = heap[i];
        for (int c = ARITY * i + 1, end = c + ARITY; c < end; c++) {
            out = collect(c, now, out);
        }
        return out;
    }

    private static int compare(Timer a, Timer b) {
        return a == b ? 0 : before(a, b) ? -1 : 1;
    }

    /** Removes and returns the earliest timer. */
    Timer poll() {
        Timer t = heap[0];
        remove(t);
        return t;
    }

    /** Copies the armed timers, for diagnostics only. */
    Timer[] snapshot() {
        return Arrays.copyOf(heap, size);
    }

    private static boolean before(Timer a, Timer b) {
        if (a.deadline != b.deadline) {
            return a.deadline < b.deadline;
        }
        if (a.kind != b.kind) {
            return a.kind < b.kind;
        }
        return a.seq < b.seq;
    }

    /** {@link #before} for the timer at heap slot {@code i} (deadline {@code di}) and {@code t} (deadline {@code dt}). */
    private boolean slotBefore(int i, long di, Timer t, long dt) {
        return di != dt ? di < dt : before(heap[i], t);
    }

    private void siftUp(int i) {
        Timer t = heap[i];
        long d = deadlines[i];
        while (i > 0) {
            int p = (i - 1) / ARITY;
            long dp = deadlines[p];
            if (!(d != dp ? d < dp : before(t, heap[p]))) {
                break;
            }
            move(p, i);
            i = p;
        }
        place(t, d, i);
    }

    private void siftDown(int i) {
        Timer t = heap[i];
        long d = deadlines[i];
        for (;;) {
            int c = earliestChild(i);
            if (c < 0 || !slotBefore(c, deadlines[c], t, d)) {
                break;
            }
            move(c, i);
            i = c;
        }
        place(t, d, i);
    }

    /** @return the slot of the earliest child of slot {@code i}, or -1 when it has none */
    private int earliestChild(int i) {
        int first = ARITY * i + 1;
        if (first >= size) {
            return -1;
        }
        int best = first;
        long bd = deadlines[first];
        for (int c = first + 1, end = Math.min(first + ARITY, size); c < end; c++) {
            long dc = deadlines[c];
            if (dc != bd ? dc < bd : before(heap[c], heap[best])) {
                best = c;
                bd = dc;
            }
        }
        return best;
    }

    /** Moves the timer at slot {@code from} to slot {@code to}. */
    private void move(int from, int to) {
        Timer m = heap[from];
        heap[to] = m;
        deadlines[to] = deadlines[from];
        m.heapIndex = to;
    }

    private void place(Timer t, long deadline, int i) {
        heap[i] = t;
        deadlines[i] = deadline;
        t.heapIndex = i;
    }
}
