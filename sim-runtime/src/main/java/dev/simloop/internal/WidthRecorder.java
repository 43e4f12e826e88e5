package dev.simloop.internal;

/**
 * Records, for every choice of a run, how many candidates it had and which of them had just
 * yielded (a systematic search derives the next schedules and their costs from them), then lets
 * the wrapped picker choose.
 */
public final class WidthRecorder extends WrappingPicker {
    /** {@link #continuing()}'s entry for a choice among tied timers. */
    public static final int TIMER_CHOICE = -2;
    private final ChoiceLog widths = new ChoiceLog(true);
    private final ChoiceLog continuing = new ChoiceLog(true);
    /** Per choice: the chosen task's id, or for a choice among tied timers {@code -(index + 1)} ({@link TaskIdPicker}'s form). */
    private final ChoiceLog chosen = new ChoiceLog(true);
    /** Per choice: the id of the task that had just yielded, -1 when none had, {@link #TIMER_CHOICE} for a timer choice. */
    private final ChoiceLog continuingIds = new ChoiceLog(true);

    /** @param inner the picker that chooses */
    public WidthRecorder(Picker inner) {
        super(inner);
    }

    @Override
    public int pick(ReadyQueue ready, int choiceIndex) {
        return pick(ready, choiceIndex, -1);
    }

    @Override
    public int pick(ReadyQueue ready, int choiceIndex, int yielded) {
        widths.add(ready.size());
        continuing.add(yielded);
        continuingIds.add(yielded >= 0 ? ready.get(yielded).id : -1);
        int i = inner.pick(ready, choiceIndex, yielded);
        chosen.add(i >= 0 && i < ready.size() ? ready.get(i).id : -1);
        return i;
    }

    @Override
    public int pickTimer(int options, int choiceIndex) {
        widths.add(options);
        continuing.add(TIMER_CHOICE);
        continuingIds.add(TIMER_CHOICE);
        int i = inner.pickTimer(options, choiceIndex);
        chosen.add(-(i + 1));
        return i;
    }

    /**
     * @return for each choice, the id of the task chosen (ids count spawns, the same in every run
     *     of a program), or {@code -(index + 1)} for the index chosen among tied timers: what
     *     {@link TaskIdPicker} follows
     */
    public int[] chosenIds() {
        return chosen.toArray();
    }

    /** @return for each choice, the id of the task that had just yielded, -1 when none had, or {@link #TIMER_CHOICE} */
    public int[] continuingIds() {
        return continuingIds.toArray();
    }

    /** @return the candidates of each choice, in order */
    public int[] widths() {
        return widths.toArray();
    }

    /**
     * @return for each choice, the index of the candidate that had just yielded (passing it over
     *     is a preemption), -1 when none had, or {@link #TIMER_CHOICE} for a choice among tied timers
     */
    public int[] continuing() {
        return continuing.toArray();
    }
}
