package dev.simloop.internal;

/**
 * Thrown inside the tasks of a run that has already ended abnormally (deadlock, a limit,
 * nondeterminism) to unwind their stacks so that no task thread outlives its run. An
 * {@link Error} so that {@code catch (Exception e)} in user code does not swallow it.
 */
public final class TaskAbandoned extends Error {
    private static final long serialVersionUID = 1L;

    TaskAbandoned(String why) {
        super(why, null, false, false);
    }
}
