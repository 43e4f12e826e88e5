package dev.simloop.internal;

/**
 * Records how many candidates each choice of a run had (a systematic search derives the next
 * schedules from them), then lets the wrapped picker choose.
 */
public final class WidthRecorder extends WrappingPicker {
    private final ChoiceLog widths = new ChoiceLog();

    /** @param inner the picker that chooses */
    public WidthRecorder(Picker inner) {
        super(inner);
    }

    @Override
    public int pick(ReadyQueue ready, int choiceIndex) {
        widths.add(ready.size());
        return inner.pick(ready, choiceIndex);
    }

    @Override
    public int pickTimer(int options, int choiceIndex) {
        widths.add(options);
        return inner.pickTimer(options, choiceIndex);
    }

    /** @return the candidates of each choice, in order */
    public int[] widths() {
        return widths.toArray();
    }
}
