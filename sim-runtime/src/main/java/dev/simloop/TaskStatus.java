package dev.simloop;

import dev.simloop.internal.StartState;

/**
 * The handle a task started with {@link TaskGroup#start} uses to say it is ready: the caller of
 * {@code start} waits until {@link #started(Object)} is called and receives the value.
 *
 * @param <T> the type of the value handed to the caller
 */
public final class TaskStatus<T> {
    private final StartState state;

    TaskStatus(StartState state) {
        this.state = state;
    }

    /**
     * Signals that the task is ready and hands {@code value} to the caller of {@code start}. Call
     * exactly once.
     *
     * @param value the value {@code start} returns
     * @throws IllegalStateException when called a second time
     */
    public void started(T value) {
        state.started(value);
    }

    /** Signals readiness without a value ({@code start} returns null). */
    public void started() {
        state.started(null);
    }
}
