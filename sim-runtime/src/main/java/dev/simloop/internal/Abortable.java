package dev.simloop.internal;

/**
 * What a blocked task waits on, as seen by cancellation: when a cancel reaches the task, the loop
 * asks the wait to forget the task. A primitive implements this for its wait queue, so a
 * cancelled waiter leaves no trace in it.
 */
public interface Abortable {
    /**
     * Removes {@code waiter} from this wait, called on the driver thread or a loop task.
     *
     * @param waiter the blocked task being cancelled
     * @return true if the wait is abandoned and the task should wake with cancellation; false if
     *     this wait cannot be interrupted (the task keeps waiting and sees the cancel later)
     */
    boolean abort(TaskImpl<?> waiter);
}
