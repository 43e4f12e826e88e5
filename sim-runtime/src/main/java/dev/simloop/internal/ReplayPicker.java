package dev.simloop.internal;

import dev.simloop.NondeterminismDetected;
import dev.simloop.ReplayDiverged;

/**
 * Follows recorded choices, then hands over to another picker. How a recorded choice that no
 * longer fits (more candidates recorded than the run has) is treated depends on the {@link Mode}.
 */
public final class ReplayPicker extends WrappingPicker {
    /** What to do when the recording stops fitting the run. */
    public enum Mode {
        /** Fail the run with {@link NondeterminismDetected} naming the choice (exact replay). */
        STRICT,
        /** From the first choice that does not fit, let the fallback picker decide the rest. */
        LENIENT,
        /** Take every recorded choice modulo the candidates (a jqwik-generated schedule). */
        MODULO
    }

    /**
     * The failure of a strict replay that stopped fitting, leading with what the evidence says.
     *
     * @param where where the run parted from the line, e.g. {@code at step 7 (virtual time 0s), }
     * @param detail what did not fit
     * @param checked whether the run is one of a determinism check, which reports a program that is
     *     not deterministic itself; otherwise the message says how to tell one from a changed program
     * @return the failure
     */
    static ReplayDiverged diverged(String where, NondeterminismDetected detail, boolean checked) {
        return new ReplayDiverged(PROGRAM_CHANGED + "replay diverged " + where + detail.getMessage()
                + (checked ? "" : IF_UNCHANGED));
    }

    /**
     * How a divergence outside a determinism check ends: a program that did not change and still
     * parts from its line is not deterministic, and a lenient replay of it would replay nothing.
     */
    public static final String IF_UNCHANGED = " If the program did not change, it is not deterministic (state kept"
            + " between runs, the real clock, randomness not from Loop.random(), the order of identity hash codes, a"
            + " thread the simulation does not own): replay the line with checkDeterminism(true), which names the"
            + " first step at which two runs of it differ.";

    /** How {@link #diverged} leads: the likely cause, when nothing else explains the divergence. */
    public static final String PROGRAM_CHANGED = "the program or its inputs changed since this line was recorded: ";

    private final int[] choices;
    private final Mode mode;
    private int divergedAt = -1;

    /**
     * @param choices the recorded choices
     * @param mode how a choice that no longer fits is treated
     * @param fallback decides every choice after the recording (and after a lenient divergence)
     */
    public ReplayPicker(int[] choices, Mode mode, Picker fallback) {
        super(fallback);
        this.choices = choices;
        this.mode = mode;
    }

    @Override
    public int pick(ReadyQueue ready, int k) {
        return pick(ready, k, -1);
    }

    @Override
    public int pick(ReadyQueue ready, int k, int continuing) {
        int c = recorded(ready.size(), k, "ready task", ready);
        return c >= 0 ? c : inner.pick(ready, k, continuing);
    }

    @Override
    public int pickTimer(int options, int k) {
        int c = recorded(options, k, "tied-timer option", null);
        return c >= 0 ? c : inner.pickTimer(options, k);
    }

    /** @return the recorded choice {@code k}, or -1 when the fallback decides */
    private int recorded(int n, int k, String what, ReadyQueue ready) {
        if (divergedAt >= 0) {
            return -1;
        }
        if (k < choices.length) {
            int c = choices[k];
            if (c < n) {
                return c;
            }
            switch (mode) {
                case MODULO:
                    return c % n;
                case LENIENT:
                    divergedAt = k;
                    return -1;
                default:
                    throw new NondeterminismDetected("choice " + k + ": the recorded choice is "
                            + what + " #" + c + " but only " + n + " " + what + "s are candidates" + tasks(ready)
                            + ". Simulation.builder().lenientReplay(true) continues with the strategy from here.");
            }
        }
        if (mode == Mode.STRICT) {
            throw new NondeterminismDetected("choice " + k + ": the recorded schedule has only "
                    + choices(choices.length) + " but the run needs more (" + n + " " + what + "s are candidates"
                    + tasks(ready) + "). Simulation.builder().lenientReplay(true) continues with the strategy from here.");
        }
        return -1;
    }

    /** The candidates, for a message only: describing them on every choice cost more than the choice. */
    private static String tasks(ReadyQueue ready) {
        return ready == null ? "" : " " + ready;
    }

    @Override
    public void runEnded(int made) {
        if (mode == Mode.STRICT && made < choices.length) {
            throw new NondeterminismDetected("the run made " + choices(made) + " but the recorded schedule has "
                    + choices.length + ".");
        }
    }

    private static String choices(int n) {
        return n + (n == 1 ? " choice" : " choices");
    }
}
