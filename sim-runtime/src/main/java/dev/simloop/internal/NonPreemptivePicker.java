package dev.simloop.internal;

/**
 * CHESS's schedule without preemptions: the task that just yielded goes on; when it blocked or
 * ended, the FIFO head runs; tied timers fire in order. The preemption- and delay-bounded searches
 * continue every schedule with it after the choices they prescribe.
 */
public final class NonPreemptivePicker implements Picker {
    /** The one instance; it keeps no state. */
    public static final NonPreemptivePicker INSTANCE = new NonPreemptivePicker();

    private NonPreemptivePicker() {
    }

    @Override
    public int pick(ReadyQueue ready, int choiceIndex) {
        return 0;
    }

    @Override
    public int pick(ReadyQueue ready, int choiceIndex, int continuing) {
        return Math.max(continuing, 0);
    }

    @Override
    public int pickTimer(int options, int choiceIndex) {
        return 0;
    }
}
