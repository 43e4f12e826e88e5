package dev.simloop.internal;

/**
 * Preemptions as CHESS counts them (Musuvathi and Qadeer, PLDI 2007): a choice that switches away
 * from a task that could have gone on. In a loop that is the task whose step just ended at a
 * checkpoint, still ready; a task that blocked or ended leaves a free choice.
 */
final class Preemptions {
    private Preemptions() {
    }

    /**
     * @param candidates the tasks the strategy chooses among
     * @param yielded the task whose step just ended by yielding, or null
     * @return its index among {@code candidates}, or -1 when it is not one of them
     */
    static int indexOf(ReadyQueue candidates, TaskImpl<?> yielded) {
        if (yielded == null) {
            return -1;
        }
        // A yielding task joins the back of the queue, so search from there.
        for (int i = candidates.size() - 1; i >= 0; i--) {
            if (candidates.get(i) == yielded) {
                return i;
            }
        }
        return -1;
    }
}
