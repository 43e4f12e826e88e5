package dev.simloop.internal;

/**
 * A FIFO queue of blocked tasks, linked through the tasks themselves (a task waits on one thing
 * at a time), so enqueueing, dequeueing and removing a cancelled waiter never allocate.
 * It is the {@link Abortable} of the waits that use it: a cancelled waiter is simply unlinked.
 */
public final class WaitQueue implements Abortable {
    // Invariant: head..tail linked by TaskImpl.waitNext/waitPrev; every linked task has
    // waitQueue == this; size counts them.
    private TaskImpl<?> head;
    private TaskImpl<?> tail;
    private int size;

    /** @return whether nobody waits */
    public boolean isEmpty() {
        return head == null;
    }

    /** @return how many tasks wait */
    public int size() {
        return size;
    }

    /** @return the longest-waiting task, or null */
    public TaskImpl<?> peek() {
        return head;
    }

    /** Appends {@code t}, which must not be in any queue. */
    public void add(TaskImpl<?> t) {
        if (t.waitQueue != null) {
            throw new IllegalStateException("task '" + t.name() + "' is already waiting in a queue");
        }
        t.waitQueue = this;
        t.waitPrev = tail;
        t.waitNext = null;
        if (tail == null) {
            head = t;
        } else {
            tail.waitNext = t;
        }
        tail = t;
        size++;
    }

    /** Removes and returns the longest-waiting task, or null when empty. */
    public TaskImpl<?> poll() {
        TaskImpl<?> t = head;
        if (t != null) {
            remove(t);
        }
        return t;
    }

    /**
     * Removes {@code t} if it is in this queue.
     *
     * @return whether it was
     */
    public boolean remove(TaskImpl<?> t) {
        if (t.waitQueue != this) {
            return false;
        }
        if (t.waitPrev == null) {
            head = t.waitNext;
        } else {
            t.waitPrev.waitNext = t.waitNext;
        }
        if (t.waitNext == null) {
            tail = t.waitPrev;
        } else {
            t.waitNext.waitPrev = t.waitPrev;
        }
        t.waitPrev = null;
        t.waitNext = null;
        t.waitQueue = null;
        size--;
        return true;
    }

    @Override
    public boolean abort(TaskImpl<?> waiter) {
        remove(waiter);
        return true;
    }
}
