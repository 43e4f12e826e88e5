package dev.simloop.internal;

/**
 * Chooses the task of each step among the ready ones for the run loop ({@link Scheduler}), and
 * keeps what the choices leave behind: the choice log (what a replay line holds) and the count of
 * preemptions (CHESS's measure: switches away from a task that was still ready).
 *
 * <p>At each pick, in order: a forced pick of the program ({@link Steering}; not a choice, nothing
 * is recorded); else the priority policy narrows the candidates to the most urgent ready tasks;
 * else, among more than one candidate, the strategy ({@link Picker}) chooses and the choice is
 * recorded. Tied timers are choices too ({@link #pickTimer}).
 *
 * <p>The loop picks on its driver after a step ends, or inline, on the stack of the task whose
 * checkpoint ends the step ({@code Scheduler.pickInline}). An inline pick of another task is
 * undone ({@link #undoPick}) when the task cannot yield after all, which the JVM decides (a yield
 * inside a class initializer is pinned): the recorded choice, the preemption and the ready queue
 * are put back as they were, so such a run takes the steps of the driver's path.
 *
 * <p>Driver-thread state only, like the rest of the loop.
 */
final class TaskChooser {
    final Picker picker;
    /** Every choice made among more than one candidate, in order (in a simulation; a real loop keeps none). */
    final ChoiceLog choices;
    private final Steering steering;
    /** The optional priority policy (issue 3); null: plain strategy order. */
    PriorityScheduling priorityPolicy;
    /** The task whose step just ended by yielding (still ready), or null: passing it over is a preemption. */
    TaskImpl<?> yielded;
    /**
     * Whether {@link #yielded} spin-waited ({@code Loop.spinWait()}): it waits for another task, so the
     * one that goes on without a preemption is the first other candidate.
     */
    boolean yieldedSpinning;
    /** {@link Picker#pollersGiveWay()}, asked once: the picker is the run's. */
    private final boolean pollersGiveWay;
    /** Choices that passed over {@link #yielded}. */
    int preemptions;
    /** How many candidates the last pick chose among; 1 for a forced pick or while unwinding an aborted run. */
    int pickedAmong = 1;

    // ---- the last pick, so that an inline one can be undone; valid only right after it
    private int pickedFrom;
    private boolean recorded;
    private boolean preempted;
    private TaskImpl<?> yieldedBefore;
    private boolean yieldedSpinningBefore;

    /** @param keepChoices whether the choices are kept (a simulation, for its replay line) */
    TaskChooser(Picker picker, Steering steering, boolean keepChoices) {
        this.picker = picker;
        this.choices = new ChoiceLog(keepChoices);
        this.steering = steering;
        this.pollersGiveWay = picker.pollersGiveWay();
    }

    /**
     * Takes the next step's task out of {@code ready}, which is not empty.
     *
     * @throws dev.simloop.NondeterminismDetected when the strategy (a replay) no longer fits the run
     */
    TaskImpl<?> pick(ReadyQueue ready) {
        TaskImpl<?> forced = steering.forcedPick(ready); // the program's own switch: not a choice
        if (forced != null) {
            pickedAmong = 1;
            return forced;
        }
        ReadyQueue from = priorityPolicy == null ? ready : priorityPolicy.narrow(ready);
        int n = from.size();
        int index = 0;
        recorded = n > 1;
        preempted = false;
        if (recorded) {
            int continuing = Preemptions.indexOf(from, yielded);
            if (yieldedSpinning && continuing >= 0 && pollersGiveWay) {
                continuing = continuing == 0 ? 1 : 0; // the poller lets the first other task go on
            }
            index = picker.pick(from, choices.size(), continuing);
            if (index < 0 || index >= n) {
                throw new IllegalStateException("strategy picked " + index + " of " + n + " ready tasks");
            }
            preempted = continuing >= 0 && index != continuing;
            preemptions += preempted ? 1 : 0;
            choices.add(index);
        }
        pickedAmong = n;
        pickedFrom = from == ready ? index : priorityPolicy.readyIndex(index);
        return ready.removeAt(pickedFrom);
    }

    /** As {@link #pick}, right after {@code me}'s step ended by yielding into {@code ready} (an inline pick); {@code spinning}: at {@code Loop.spinWait()}. */
    TaskImpl<?> pickAfterYield(ReadyQueue ready, TaskImpl<?> me, boolean spinning) {
        yieldedBefore = yielded;
        yieldedSpinningBefore = yieldedSpinning;
        yielded = me;
        yieldedSpinning = spinning;
        return pick(ready);
    }

    /**
     * Undoes the inline pick of {@code picked} made by {@link #pickAfterYield} for {@code me}: {@code me}
     * leaves the ready queue, {@code picked} goes back to its place, the choice and preemption are forgotten.
     * The strategy's own state (a random generator) cannot be rewound; it is deterministic all the same.
     * {@code picked} is null when the strategy failed the run instead of choosing: only {@code me} leaves.
     */
    void undoPick(ReadyQueue ready, TaskImpl<?> me, TaskImpl<?> picked) {
        ready.takeBack(ready.indexOf(me));
        if (picked == null) {
            return; // the strategy failed the run instead of choosing
        }
        ready.putBack(picked, pickedFrom);
        if (recorded) {
            choices.removeLast();
        }
        preemptions -= preempted ? 1 : 0;
        yielded = yieldedBefore;
        yieldedSpinning = yieldedSpinningBefore;
    }

    /**
     * @param options how many tied-timer options there are (see {@link Timers})
     * @return the strategy's pick, recorded
     * @throws dev.simloop.NondeterminismDetected when the strategy (a replay) no longer fits the run
     */
    int pickTimer(int options) {
        int index = picker.pickTimer(options, choices.size());
        if (index < 0 || index >= options) {
            throw new IllegalStateException("strategy picked tied-timer option " + index + " of " + options);
        }
        choices.add(index);
        return index;
    }
}
