package dev.simloop.internal;

/**
 * The index of a {@link WaitQueue} whose waiters are served by priority (a {@code PriorityLock}, a
 * {@code PriorityCondition}), so that finding the one to serve does not look at every waiter: with
 * thousands of waiters, a scan at every hand-over made a queue of N takers cost N² (20,000 tasks
 * queued on one lock took 1.1 s, 100,000 took 116 s; with the index, 20 ms and 0.46 s).
 *
 * <p>The waiter to serve is the one with the most urgent {@linkplain Priorities#effective effective
 * priority}, the longest-waiting among equals: the least (effective priority, arrival) pair, where
 * arrival is the order in which the waiters were linked into the queue (so it is the queue's own
 * order, and a choice made here is the one a scan of the queue made).
 *
 * <p>The waiters fall in two kinds, fixed when a waiter is linked:
 * <ul>
 *   <li><b>plain</b>: it holds no resource that lends priorities ({@link HeldResource#inheritanceWaiters}),
 *       so its effective priority is its own one. These are the many, and they are kept in a binary
 *       heap by (own priority, arrival); {@link TaskImpl#setPriority} tells the queue when one changes
 *       ({@link #priorityChanged}). A parked task takes no resource, so a plain waiter stays plain.
 *   <li><b>lending</b>: it holds such a resource, so it inherits from whoever waits on it, which
 *       changes while it waits. These are few (a holder of a priority lock that waits on another),
 *       kept in a list and walked at each choice, as every waiter was before.
 * </ul>
 *
 * <p>A waiter's slot and arrival live in its {@link TaskExtras} ({@code prioritySlot},
 * {@code arrival}): a heap index {@code >= 0}, or {@code -1 - i} for index i of the lending list.
 * Used on the loop's driver thread only, as its queue.
 */
final class PriorityWaiters {
    /** Plain waiters, a binary min-heap by (own priority, arrival). */
    private TaskImpl<?>[] heap = new TaskImpl<?>[8];
    private int heapSize;
    /** Lending waiters, in no order (a removal moves the last one into the gap). */
    private TaskImpl<?>[] lending = new TaskImpl<?>[2];
    private int lendingSize;
    /** The arrival of the next waiter linked: the queue's order as a number. */
    private long nextArrival;

    /** {@code t} was linked at the tail of the queue. */
    void added(TaskImpl<?> t) {
        TaskExtras x = t.extras();
        x.arrival = nextArrival++;
        if (lendsPriority(t)) {
            if (lendingSize == lending.length) {
                lending = java.util.Arrays.copyOf(lending, lendingSize * 2);
            }
            x.prioritySlot = -1 - lendingSize;
            lending[lendingSize++] = t;
        } else {
            if (heapSize == heap.length) {
                heap = java.util.Arrays.copyOf(heap, heapSize * 2);
            }
            heap[heapSize] = t;
            x.prioritySlot = heapSize;
            heapSize++;
            siftUp(heapSize - 1);
        }
    }

    /** {@code t} was unlinked from the queue (unparked, cancelled, or its run unwound). */
    void removed(TaskImpl<?> t) {
        TaskExtras x = t.extras();
        int slot = x.prioritySlot;
        if (slot < 0) {
            int i = -1 - slot;
            TaskImpl<?> last = lending[--lendingSize];
            lending[lendingSize] = null;
            if (i < lendingSize) {
                lending[i] = last;
                last.extras().prioritySlot = -1 - i;
            }
        } else {
            TaskImpl<?> last = heap[--heapSize];
            heap[heapSize] = null;
            if (slot < heapSize) {
                place(last, slot);
                resettle(slot);
            }
        }
    }

    /** The own priority of {@code t}, linked in the queue, changed. */
    void priorityChanged(TaskImpl<?> t) {
        int slot = t.extras().prioritySlot;
        if (slot >= 0) {
            resettle(slot); // a lending waiter's priority is read afresh at each choice
        }
    }

    /** @return the waiter to serve first, or null when none waits */
    TaskImpl<?> mostUrgent() {
        TaskImpl<?> best = heapSize == 0 ? null : heap[0];
        int bestPriority = best == null ? Integer.MAX_VALUE : best.priority();
        for (int i = 0; i < lendingSize; i++) {
            TaskImpl<?> w = lending[i];
            int p = Priorities.effective(w);
            if (best == null || p < bestPriority || p == bestPriority && arrival(w) < arrival(best)) {
                best = w;
                bestPriority = p;
            }
        }
        return best;
    }

    /** @return the most urgent own priority among the plain waiters, or {@code Integer.MAX_VALUE} when there are none */
    int mostUrgentPlainPriority() {
        return heapSize == 0 ? Integer.MAX_VALUE : heap[0].priority();
    }

    /** @return how many waiters lend priority */
    int lendingCount() {
        return lendingSize;
    }

    /** @return the i-th waiter that lends priority, in no particular order */
    TaskImpl<?> lending(int i) {
        return lending[i];
    }

    /** Whether {@code t} holds a resource whose waiters lend it their priority. */
    private static boolean lendsPriority(TaskImpl<?> t) {
        for (HeldResource r = t.heldHead; r != null; r = r.heldNext) {
            if (r.inheritanceWaiters() != null) {
                return true;
            }
        }
        return false;
    }

    private static long arrival(TaskImpl<?> t) {
        return t.extras().arrival;
    }

    /** Whether {@code a} is served before {@code b}, both plain. */
    private static boolean before(TaskImpl<?> a, TaskImpl<?> b) {
        int pa = a.priority();
        int pb = b.priority();
        return pa < pb || pa == pb && arrival(a) < arrival(b);
    }

    /** Moves the waiter at {@code slot} up or down to where the heap order wants it. */
    private void resettle(int slot) {
        if (slot > 0 && before(heap[slot], heap[(slot - 1) / 2])) {
            siftUp(slot);
        } else {
            siftDown(slot);
        }
    }

    private void siftUp(int slot) {
        TaskImpl<?> t = heap[slot];
        while (slot > 0) {
            int parent = (slot - 1) / 2;
            if (!before(t, heap[parent])) {
                break;
            }
            place(heap[parent], slot);
            slot = parent;
        }
        place(t, slot);
    }

    private void siftDown(int slot) {
        TaskImpl<?> t = heap[slot];
        while (true) {
            int child = 2 * slot + 1;
            if (child >= heapSize) {
                break;
            }
            if (child + 1 < heapSize && before(heap[child + 1], heap[child])) {
                child++;
            }
            if (!before(heap[child], t)) {
                break;
            }
            place(heap[child], slot);
            slot = child;
        }
        place(t, slot);
    }

    private void place(TaskImpl<?> t, int slot) {
        heap[slot] = t;
        t.extras().prioritySlot = slot;
    }
}
