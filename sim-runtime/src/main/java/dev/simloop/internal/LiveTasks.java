package dev.simloop.internal;

/**
 * The unfinished tasks of one loop, in spawn order, linked through the tasks themselves
 * ({@link TaskImpl#liveNext}): deadlock reports, the leak check, outside waits and the tear-down of
 * an aborted run walk it. Driver thread only.
 */
final class LiveTasks {
    // Invariant: head..tail linked by liveNext/livePrev, in spawn order; count is their number.
    private TaskImpl<?> head;
    private TaskImpl<?> tail;
    private int count;

    void add(TaskImpl<?> t) {
        t.livePrev = tail;
        if (tail == null) {
            head = t;
        } else {
            tail.liveNext = t;
        }
        tail = t;
        count++;
    }

    void remove(TaskImpl<?> t) {
        if (t.livePrev == null) {
            head = t.liveNext;
        } else {
            t.livePrev.liveNext = t.liveNext;
        }
        if (t.liveNext == null) {
            tail = t.livePrev;
        } else {
            t.liveNext.livePrev = t.livePrev;
        }
        t.livePrev = null;
        t.liveNext = null;
        count--;
    }

    /** @return the first unfinished task (follow {@code liveNext}), or null */
    TaskImpl<?> head() {
        return head;
    }

    int count() {
        return count;
    }
}
