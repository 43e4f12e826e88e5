package dev.simloop.internal;

/**
 * How a loop chooses what runs next: the run-time half of a {@link dev.simloop.Strategy}. One
 * picker serves one run. The loop asks it only when there is a choice (more than one ready task,
 * or several timers due at one virtual instant) and records every answer, so a run replays from
 * the recorded answers alone.
 *
 * <p>To add a strategy: implement this interface in a file of its own (see {@link RandomPicker}
 * for the smallest, {@link PctPicker} and {@link PosPicker} for ones that keep per-task state),
 * then give {@link dev.simloop.Strategy} a factory and a text form.
 */
public interface Picker {
    /**
     * @param ready the ready tasks, in FIFO order (index 0 is the production choice); at least two
     * @param choiceIndex how many choices this run has recorded so far
     * @return the index of the task to run
     */
    int pick(ReadyQueue ready, int choiceIndex);

    /**
     * Chooses among ready tasks knowing which of them just yielded: picking another one instead is
     * a preemption (a switch away from a task that could have gone on). Strategies that do not care
     * keep the two-argument form.
     *
     * @param ready the ready tasks, in FIFO order; at least two
     * @param choiceIndex how many choices this run has recorded so far
     * @param continuing the index in {@code ready} of the task whose step just yielded, or -1 when
     *     that task blocked or ended (any pick is then free)
     * @return the index of the task to run
     */
    default int pick(ReadyQueue ready, int choiceIndex, int continuing) {
        return pick(ready, choiceIndex);
    }

    /**
     * Chooses among tied timers (see {@code Timers}): option {@code i < options - 1} fires the
     * {@code i}-th due timer; when tasks are ready, the last option lets them run first.
     *
     * @param options how many options there are; at least two
     * @param choiceIndex how many choices this run has recorded so far
     * @return the chosen option
     */
    int pickTimer(int options, int choiceIndex);

    /** Called when a task is spawned, before it first becomes ready. @param t the task */
    default void onSpawn(TaskImpl<?> t) {
    }

    /**
     * The running task is about to yield at {@code Loop.spinWait()}: it waits for another task to
     * change something, so running it again before the others would only repeat its check.
     * Strategies that would keep choosing it (PCT) lower it; the others ignore this.
     *
     * @param t the task that spin-waits
     */
    default void spinWaited(TaskImpl<?> t) {
    }

    /**
     * @return whether, after a step that ended in {@code Loop.spinWait()}, the task that goes on
     *     without a preemption (the {@code continuing} of {@link #pick(ReadyQueue, int, int)}) is the
     *     first other candidate rather than the poller: the schedule without preemptions and the
     *     bounded searches want that (a poller that goes on polls forever); spawner-first, whose
     *     spawner goes on, does not
     */
    default boolean pollersGiveWay() {
        return true;
    }

    /** @return whether {@link #touched} should be called for every object a step operates on (costly) */
    default boolean tracksObjects() {
        return false;
    }

    /** The running step operated on {@code object} (only when {@link #tracksObjects()}). @param object a primitive */
    default void touched(Object object) {
    }

    /**
     * The run ended normally after {@code choicesMade} choices (a strict replay checks that the
     * recording was used up).
     *
     * @param choicesMade how many choices the run recorded
     * @throws dev.simloop.NondeterminismDetected when the run does not fit what the picker expected
     */
    default void runEnded(int choicesMade) {
    }
}
