package dev.simloop.internal;

import dev.simloop.NondeterminismDetected;
import java.util.SplittableRandom;

/**
 * The strategies that choose which ready task runs next. The loop calls {@link Picker#pick} only
 * when more than one task is ready, and records the answer; the recorded answers are the schedule
 * that replays the run.
 */
public final class Strategies {
    private Strategies() {
    }

    /** Chooses among the ready tasks. One instance per run; may keep state across steps. */
    public interface Picker {
        /**
         * @param ready the ready tasks in FIFO order; more than one
         * @param choiceIndex how many choices the run has made before this one
         * @return the index in {@code ready} of the task to run next
         */
        int pick(ReadyQueue ready, int choiceIndex);

        /**
         * Chooses what happens next among timers due at the same virtual instant: which of them
         * fires next, or (once one has fired and made a task ready) whether the ready tasks run
         * before the rest fire.
         *
         * @param options more than one: the due timers, index 0 first in heap order (deadlines
         *     before wake-ups, then the order they were armed in), plus, when tasks are ready, a
         *     last option that lets them run first
         * @param choiceIndex how many choices the run has made before this one
         * @return an index below {@code options}
         */
        int pickTimer(int options, int choiceIndex);

        /** Told of every task as it is spawned (strategies such as PCT assign it a priority). */
        default void onSpawn(TaskImpl<?> t) {
        }

        /**
         * @return whether the strategy wants {@link #touched} calls (they cost a call per operation)
         */
        default boolean tracksObjects() {
            return false;
        }

        /**
         * The running task operated on {@code object} (only when {@link #tracksObjects}).
         *
         * @param object a lock, event, channel, semaphore, condition or task; never null
         */
        default void touched(Object object) {
        }

        /**
         * Told when the run has ended normally (not aborted).
         *
         * @param choicesMade how many choices the run made
         * @throws NondeterminismDetected when the strategy cannot accept the run as it ended (an
         *     exact replay that did not use every recorded choice)
         */
        default void runEnded(int choicesMade) {
        }
    }

    /**
     * Wraps {@code inner}, recording how many candidates each choice it makes has (for a systematic
     * search, which branches on the other candidates).
     */
    public static WidthRecorder recordingWidths(Picker inner) {
        return new WidthRecorder(inner);
    }

    /** A picker that records, beside each choice its inner picker makes, how many candidates it had. */
    public static final class WidthRecorder extends Wrapping {
        private final ChoiceLog widths = new ChoiceLog();

        WidthRecorder(Picker inner) {
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

        /** @return the candidate counts of the choices made so far, in order */
        public int[] widths() {
            return widths.toArray();
        }
    }

    /** A picker around another: the hooks other than the picks go to the inner one. */
    private abstract static class Wrapping implements Picker {
        final Picker inner;

        Wrapping(Picker inner) {
            this.inner = inner;
        }

        @Override
        public void onSpawn(TaskImpl<?> t) {
            inner.onSpawn(t);
        }

        @Override
        public boolean tracksObjects() {
            return inner.tracksObjects();
        }

        @Override
        public void touched(Object object) {
            inner.touched(object);
        }

        @Override
        public void runEnded(int choicesMade) {
            inner.runEnded(choicesMade);
        }
    }

    /** Production order: always the longest-ready task, and timers in heap order. */
    public static Picker fifo() {
        return new Picker() {
            @Override
            public int pick(ReadyQueue ready, int choiceIndex) {
                return 0;
            }

            @Override
            public int pickTimer(int options, int choiceIndex) {
                return 0;
            }
        };
    }

    /** Uniform choice among the ready tasks (and tied timers), from a generator seeded with {@code seed}. */
    public static Picker random(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return new Picker() {
            @Override
            public int pick(ReadyQueue ready, int choiceIndex) {
                return rng.nextInt(ready.size());
            }

            @Override
            public int pickTimer(int options, int choiceIndex) {
                return rng.nextInt(options);
            }
        };
    }

    /** PCT; see {@link PctPicker}. */
    public static Picker pct(long seed, int depth, int expectedChoices) {
        return new PctPicker(seed, depth, expectedChoices);
    }

    /** POS; see {@link PosPicker}. */
    public static Picker pos(long seed) {
        return new PosPicker(seed);
    }

    /** How {@link #following} treats a recorded choice that does not fit the run. */
    public enum Replay {
        /** Exact replay: a misfit, or a run needing more choices than recorded, fails the run. */
        STRICT,
        /** From the first misfit on, the fallback strategy decides; the divergence is not an error. */
        LENIENT,
        /** Every recorded choice is taken modulo the candidates (jqwik-generated and shrunk schedules). */
        MODULO
    }

    /**
     * Follows recorded choices, then hands over to {@code fallback}.
     *
     * @param choices choice {@code k} picks candidate {@code choices[k]}
     * @param mode what a choice that does not fit does
     * @param fallback the strategy once the recorded choices run out (or, leniently, no longer fit)
     */
    public static Picker following(int[] choices, Replay mode, Picker fallback) {
        return new Following(choices, mode, fallback);
    }

    private static final class Following extends Wrapping {
        private final int[] choices;
        private final Replay mode;
        /** Lenient replay only: the choice at which the run stopped fitting, or -1. */
        private int divergedAt = -1;

        Following(int[] choices, Replay mode, Picker fallback) {
            super(fallback);
            this.choices = choices;
            this.mode = mode;
        }

        @Override
        public int pick(ReadyQueue ready, int k) {
            int c = recorded(ready.size(), k, "ready task", ready);
            return c >= 0 ? c : inner.pick(ready, k);
        }

        @Override
        public int pickTimer(int options, int k) {
            int c = recorded(options, k, "tied-timer option", null);
            return c >= 0 ? c : inner.pickTimer(options, k);
        }

        /** @return the recorded choice to take, or -1 to ask the fallback */
        private int recorded(int n, int k, String what, ReadyQueue ready) {
            if (divergedAt >= 0) {
                return -1;
            }
            String tasks = ready == null ? "" : " " + ready;
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
                                + what + " #" + c + " but only " + n + " " + what + "s are candidates" + tasks
                                + ". The program or its inputs changed since the line was recorded; "
                                + "Simulation.builder().lenientReplay(true) continues with the strategy from here.");
                }
            }
            if (mode == Replay.STRICT) {
                throw new NondeterminismDetected("choice " + k + ": the recorded schedule has only "
                        + choices.length + " choices but the run needs more (" + n + " " + what + "s are candidates"
                        + tasks + "). The program or its inputs changed since the line was recorded; "
                        + "Simulation.builder().lenientReplay(true) continues with the strategy from here.");
            }
            return -1;
        }

        @Override
        public void runEnded(int made) {
            if (mode == Replay.STRICT && made < choices.length) {
                throw new NondeterminismDetected("the run made " + made + " choices but the recorded schedule has "
                        + choices.length + ". The program or its inputs changed since the line was recorded.");
            }
        }
    }
}
