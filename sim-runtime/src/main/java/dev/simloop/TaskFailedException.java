package dev.simloop;

/**
 * The one unchecked type in which simloop wraps a <em>checked</em> exception thrown by a task, a
 * task group body, a cancel scope body or a loop's main, whose signatures cannot declare it. Unchecked exceptions and errors are never wrapped: they are
 * rethrown unchanged. The checked exception is the {@linkplain #getCause() cause}.
 */
public class TaskFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The task in which the exception was thrown. */
    private final String taskName;

    /**
     * @param taskName the task in which the exception was thrown
     * @param cause the checked exception
     */
    public TaskFailedException(String taskName, Throwable cause) {
        // the cause's toString() is user code: one that throws must not stop the failing task from
        // ending (its group would wait for it forever) nor take the place of the failure
        super("checked exception thrown in task '" + taskName + "': " + dev.simloop.internal.SafeText.of(cause), cause);
        this.taskName = taskName;
    }

    /** @return the name of the task in which the checked exception was thrown */
    public String taskName() {
        return taskName;
    }
}
