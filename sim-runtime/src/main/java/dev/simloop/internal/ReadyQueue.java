package dev.simloop.internal;

import java.util.Arrays;

/**
 * The tasks that can run now, in the order they became ready (index 0 is the FIFO head).
 * A ring buffer so that FIFO removal is O(1); removal at index i shifts the shorter side. Beyond
 * {@link ReadyChunks#CHUNK} tasks the ring becomes the first chunk of a {@link ReadyChunks}, so
 * that a pick anywhere in a queue of a million tasks does not shift half a million of them; the
 * ring comes back when one chunk is left. Indexes mean the same in both forms.
 * Used only from the driver thread.
 */
public final class ReadyQueue {
    // Invariant: while big is null, elements live at ring[(head + k) & mask] for k in [0, size);
    // others are null. While big is not null, it holds them all (ring is null) and size is its size.
    private TaskImpl<?>[] ring = new TaskImpl<?>[16];
    private int head;
    private int size;
    /** The queue in chunks, once it outgrew one ring of {@link ReadyChunks#CHUNK}; else null. */
    private ReadyChunks big;
    /**
     * Whether this is the loop's queue, not a view of it (the priority policy's candidates). The
     * loop's queue stamps the tasks added to it (for the policy's boosting, issue 3: how long a task
     * has been ready) and takes the form of chunks past one ring. A view is refilled at every step
     * and never has a task taken out of its middle, so it stays one ring, the cheapest to refill.
     */
    private final boolean isLoopQueue;
    /** Tasks removed so far; a task's wait is the removals since it was added. */
    private long removals;

    /** The loop's ready queue. */
    ReadyQueue() {
        this(true);
    }

    /** @param isLoopQueue true for the loop's queue, false for a view of it (see {@link #isLoopQueue}) */
    ReadyQueue(boolean isLoopQueue) {
        this.isLoopQueue = isLoopQueue;
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
        ReadyChunks b = big;
        return b == null ? ring[(head + i) & (ring.length - 1)] : b.get(i);
    }

    /** Appends {@code t}, or puts it at {@code t.insertAt()} when the program asked for a place (see {@link Steering}). */
    void add(TaskImpl<?> t) {
        int at = t.insertAt();
        if (at >= 0 || big != null || size == ring.length) {
            addElsewhere(t, at);
        } else {
            ring[(head + size) & (ring.length - 1)] = t;
            size++;
        }
        if (isLoopQueue) {
            t.readyStamp = removals;
        }
    }

    /** {@link #add} off its fast path: at a place the program asked for, into chunks, or past a full ring. */
    private void addElsewhere(TaskImpl<?> t, int at) {
        if (at >= 0) {
            t.insertAt(-1);
            insert(t, Math.min(at, size));
        } else {
            insert(t, size);
        }
    }

    /**
     * Moves {@code t}, which is in the queue, to {@code pos} ({@link TaskImpl#insertAt}), as
     * {@code Loop.reinsert} and {@code Loop.switchTo} do: no task left the queue, so it counts as no
     * removal, and {@code t} did not run, so its wait goes on ({@link #waitedSteps}, a priority policy's
     * boost count). Counted anew, a task moved to the back at every step was never boosted.
     */
    void move(TaskImpl<?> t, int pos) {
        long stamp = t.readyStamp;
        removeAt(indexOf(t));
        removals--;
        t.insertAt(pos);
        add(t);
        t.readyStamp = stamp;
    }

    /** Takes out the task at {@code i}, which was just added, as if it never had been (an inline pick undone). */
    void takeBack(int i) {
        removeAt(i);
        removals--;
    }

    /** Puts {@code t}, just removed from index {@code i}, back there as if it never had left (an inline pick undone). */
    void putBack(TaskImpl<?> t, int i) {
        insert(t, i);
        removals--;
    }

    /** Puts {@code t} at index {@code i} (0..size), shifting those from {@code i} on one place towards the tail. */
    private void insert(TaskImpl<?> t, int i) {
        if (big == null && size == ring.length) {
            grow();
        }
        if (big != null) {
            big.insertAt(i, t);
            size++;
            return;
        }
        int mask = ring.length - 1;
        for (int k = size; k > i; k--) {
            ring[(head + k) & mask] = ring[(head + k - 1) & mask];
        }
        ring[(head + i) & mask] = t;
        size++;
    }

    /**
     * Copies the ready tasks, in order, into {@code into} (grown when too small) from index 0: a
     * walk over every ready task (the priority policy's) reads them from one array.
     *
     * @return the array holding them
     */
    TaskImpl<?>[] copyTo(TaskImpl<?>[] into) {
        if (into.length < size) {
            into = new TaskImpl<?>[Math.max(size, into.length * 2)];
        }
        if (big != null) {
            big.copyTo(into);
            return into;
        }
        int fromHead = Math.min(size, ring.length - head);
        System.arraycopy(ring, head, into, 0, fromHead);
        System.arraycopy(ring, 0, into, fromHead, size - fromHead);
        return into;
    }

    /**
     * Makes this view (not the loop's queue) hold {@code from[indexes[k]]} for k in [0, count), in
     * that order: the priority policy's candidates, refilled at every step. A ready task has no
     * place asked for (the loop's queue took it as the task joined), so none is looked for here.
     */
    void refill(TaskImpl<?>[] from, int[] indexes, int count) {
        if (isLoopQueue) {
            throw new IllegalStateException("simloop internal error: the loop's ready queue is not refilled");
        }
        clear();
        if (ring.length < count) {
            ring = new TaskImpl<?>[Integer.highestOneBit(count - 1) << 1];
        }
        for (int k = 0; k < count; k++) {
            ring[k] = from[indexes[k]];
        }
        size = count;
    }

    /** Looks at ready tasks, with their index. */
    interface Visitor {
        void visit(TaskImpl<?> t, int index);
    }

    /**
     * Shows {@code visitor}, in index order, every ready task whose {@link TaskImpl#lastObject} is
     * one of {@code objects[0..n)} (POS: the tasks whose next step races with the steps just taken).
     * Beyond one ring, each chunk notes the objects its tasks last operated on, so the chunks with
     * none of them are passed over.
     */
    void visitTasksAt(Object[] objects, int n, Visitor visitor) {
        if (big != null) {
            big.visitTasksAt(objects, n, visitor);
            return;
        }
        for (int k = 0; k < size; k++) {
            TaskImpl<?> t = ring[(head + k) & (ring.length - 1)];
            if (isOneOf(t.lastObject, objects, n)) {
                visitor.visit(t, k);
            }
        }
    }

    /** @return whether {@code o} is not null and one of {@code objects[0..n)} */
    static boolean isOneOf(Object o, Object[] objects, int n) {
        if (o != null) {
            for (int k = 0; k < n; k++) {
                if (objects[k] == o) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * How a strategy ranks the ready tasks (PCT, POS): its pick is the first task, in queue order,
     * that no later one beats. Beyond one ring the queue keeps each chunk's best, so a pick need not
     * look at every task; a strategy that changes a rank while the task waits in the queue says so
     * ({@link #rankChanged}).
     */
    interface Ranking {
        /** @return whether {@code t} must be {@linkplain #prepare prepared} before it is compared (POS: no priority drawn yet) */
        boolean unprepared(TaskImpl<?> t);

        /** Readies {@code t} for comparison; called on unprepared tasks in queue order. */
        void prepare(TaskImpl<?> t);

        /** @return whether {@code a} ranks strictly above {@code b} */
        boolean beats(TaskImpl<?> a, TaskImpl<?> b);

        /**
         * One step of a walk in queue order: prepares {@code t} if it needs it.
         *
         * @return whether {@code t} is the best so far: the first ({@code best} null), or beating {@code best}
         */
        default boolean takesOver(TaskImpl<?> t, TaskImpl<?> best) {
            if (unprepared(t)) {
                prepare(t);
            }
            return best == null || beats(t, best);
        }
    }

    /**
     * @return the index of the first ready task that no later one beats by {@code r}, having
     *     prepared, in queue order, those that needed it; the queue is not empty
     */
    int best(Ranking r) {
        if (big != null) {
            return big.best(r);
        }
        int best = 0;
        TaskImpl<?> b = null;
        for (int i = 0; i < size; i++) {
            TaskImpl<?> t = ring[(head + i) & (ring.length - 1)];
            if (r.takesOver(t, b)) {
                best = i;
                b = t;
            }
        }
        return best;
    }

    /** The rank of the {@code i}-th task was just changed in place (see {@link Ranking}). */
    void rankChanged(int i) {
        if (big != null) {
            big.rankChanged(i);
        }
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
        if (big != null) {
            big.clear();
            big = null;
            ring = new TaskImpl<?>[16];
            size = 0;
        }
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
        if (big != null) {
            return removeFromChunks(i);
        }
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

    private TaskImpl<?> removeFromChunks(int i) {
        TaskImpl<?> t = big.removeAt(i);
        size--;
        removals++;
        if (big.oneChunkLeft()) {
            ring = big.onlyRing();
            head = big.onlyHead();
            big = null;
        }
        return t;
    }

    /**
     * Makes room for one more task: a ring twice as long, or, once the ring is as long as a chunk,
     * the queue in chunks (the full ring is their first chunk).
     */
    private void grow() {
        if (ring.length == ReadyChunks.CHUNK && isLoopQueue) {
            big = new ReadyChunks(ring, head);
            ring = null;
            return;
        }
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
