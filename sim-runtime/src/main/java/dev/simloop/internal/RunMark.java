package dev.simloop.internal;

/**
 * The run whose tasks last used a primitive ({@code Event}, {@code Semaphore}, {@code Channel}), so
 * that a simulation never starts from what another run left in one: an event kept set, permits kept
 * taken, values kept buffered, a channel kept closed. Such a primitive sits in a static field, or
 * passes from one run to the next; a run that begins from its state does what the runs before it in
 * this JVM decided, and its replay line, run alone, does not repeat it. So the use is refused where
 * it happens, naming both runs. A primitive that every run leaves as it found it may be shared, and
 * real loops (production code, where an object's state outliving a run is ordinary Java) are never
 * refused among themselves.
 *
 * <p>A mark is a run's identity and nothing else: a primitive in a static field keeps its last run's
 * mark, not its loop, whose tasks and trace would then outlive the run.
 */
public final class RunMark {
    private final boolean simulated;
    private final long seed;

    RunMark(boolean simulated, long seed) {
        this.simulated = simulated;
        this.seed = seed;
    }

    /**
     * A task is about to use a primitive.
     *
     * @param last the mark of the run that used {@code primitive} last, or null before its first use
     * @param me the task
     * @param atRest whether {@code primitive} is as it was made (an event not set, every permit there,
     *     a channel empty and open)
     * @param primitive what is used, as its {@code toString} describes it (with its state)
     * @return the mark to keep: the task's run's
     * @throws IllegalStateException when a simulation would go on from what another run left
     */
    public static RunMark enter(RunMark last, TaskImpl<?> me, boolean atRest, Object primitive) {
        RunMark now = me.loop.mark();
        if (last == now || last == null || atRest || !(now.simulated || last.simulated)) {
            return now;
        }
        throw new IllegalStateException(primitive + " was left that way by another run (" + last + "), and " + me
                + " of this one (" + now + ") would go on from it: what a run does would then depend on the runs"
                + " before it in this JVM, and its replay line, run alone, would not repeat it. A primitive belongs"
                + " to the one run that uses it: create it inside the program the run runs (in a @SimulatedLoop"
                + " test, in a field of the test instance or in @BeforeEach, which each schedule makes anew), not in"
                + " a static field. One that every run leaves as it found it (an event never set, every permit"
                + " given back, a channel drained and open) may be shared.");
    }

    @Override
    public String toString() {
        return simulated ? "a simulation of seed " + seed : "a real loop";
    }
}
