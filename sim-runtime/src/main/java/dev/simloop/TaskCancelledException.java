package dev.simloop;

/**
 * What {@link Task#join()} throws when the joined task was cancelled (and what
 * {@code TaskGroup.start} throws when the task it starts is cancelled before it is ready). It is
 * about <em>that</em> task: unlike {@link Cancelled}, which is the calling task's own cancellation,
 * it is not a {@link java.util.concurrent.CancellationException}, so
 * {@code catch (CancellationException e)} around a {@code join()} cannot swallow the caller's own
 * cancellation by mistake, and catching this one leaves the caller's untouched.
 */
public class TaskCancelledException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String taskName;

    /**
     * @param taskName the cancelled task's name
     * @param message what happened
     */
    public TaskCancelledException(String taskName, String message) {
        super(message);
        this.taskName = taskName;
    }

    /** @return the name of the task that was cancelled */
    public String taskName() {
        return taskName;
    }
}
