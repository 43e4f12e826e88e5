package dev.simloop;

/**
 * Receives the failures of tasks that no one else handles: the failures of a {@link Supervisor}'s
 * tasks that no one joined, every failure of a {@link PersistentTaskGroup}'s tasks, and (with the
 * default handler) those of tasks spawned with {@link TaskOptions#bubble(boolean) bubble(false)}.
 * Runs in a task of the loop; it should not block.
 */
@FunctionalInterface
public interface FailureHandler {
    /**
     * Handles one failure.
     *
     * @param task the task that failed (finished)
     * @param failure its failure, as {@link Task#join()} would throw it
     */
    void handle(Task<?> task, Throwable failure);

    /**
     * The default handler: logs the failure at WARNING to the {@link System.Logger} named
     * {@code dev.simloop.tasks}, naming the task. Of the failures a group hands it at its end, it
     * logs the first 20 one by one, with their stack traces, and counts the rest by exception class
     * in one more record (naming the first task of each class), so thousands of tasks that fail
     * alike do not flood the log; pass a handler of your own to see every one.
     *
     * @return the default handler
     */
    static FailureHandler logging() {
        return dev.simloop.internal.GroupRules.LOGGING;
    }
}
