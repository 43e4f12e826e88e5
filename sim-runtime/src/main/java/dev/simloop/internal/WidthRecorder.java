package dev.simloop.internal;

/**
 * Records, for every choice of a run, how many candidates it had and which of them had just
 * yielded (a systematic search derives the next schedules and their costs from them), then lets
 * the wrapped picker choose.
 */
public final class WidthRecorder extends WrappingPicker {
    /** {@link #continuing()}'s entry for a choice among tied timers. */
    public static final int TIMER_CHOICE = -2;
    private final ChoiceLog widths = new ChoiceLog();
    private final ChoiceLog continuing = new ChoiceLog();

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
        return inner.pick(ready, choiceIndex, yielded);
    }

    @Override
    public int pickTimer(int options, int choiceIndex) {
        widths.add(options);
        continuing.add(TIMER_CHOICE);
        return inner.pickTimer(options, choiceIndex);
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
