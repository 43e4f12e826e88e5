package dev.simloop;

import java.time.Duration;

/**
 * Raised in a task by {@link Loop#taskTimeout} when its deadline passes. Unlike a cancel scope's
 * deadline, it is an exception thrown in at the task's blocking point (see
 * {@link Task#throwIn}), not a {@link Cancelled}: no cancel scope sees it, and a shield does not
 * stop it.
 */
public class TaskTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The task that ran past its timeout. */
    private final String taskName;

    /** The timeout that passed. */
    private final Duration timeout;

    /**
     * @param taskName the task that ran past its timeout
     * @param timeout the timeout
     */
    public TaskTimeoutException(String taskName, Duration timeout) {
        super("Loop.taskTimeout: task '" + taskName + "' ran past its timeout of "
                + (timeout == null ? null : dev.simloop.internal.Nanos.format(dev.simloop.internal.Nanos.saturated(timeout))));
        this.taskName = taskName;
        this.timeout = timeout;
    }

    /** @return the name of the task that ran past its timeout */
    public String taskName() {
        return taskName;
    }

    /** @return the timeout that passed */
    public Duration timeout() {
        return timeout;
    }
}
