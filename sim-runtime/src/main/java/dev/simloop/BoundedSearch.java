package dev.simloop;

import dev.simloop.internal.CostBoundedSearch;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;

/**
 * A systematic search through a program's schedules, fewest first, in one of three measures:
 *
 * <ul>
 *   <li>{@link #preemptions(int)}: every schedule with at most {@code k} preemptions as CHESS
 *       counts them ({@link SimResult#preemptions()}), starting from the schedule without any
 *       ({@link Strategy#nonPreemptive()}): iterative preemption bounding (Musuvathi and Qadeer,
 *       PLDI 2007), which {@link Exploration#preemptionBounded(int)} runs;
 *   <li>{@link #delays(int)}: every schedule at most {@code k} delays away from the
 *       non-preemptive one, where a choice that skips {@code j} tasks of the ready queue (in cyclic
 *       order from the non-preemptive choice) costs {@code j}, whether or not the task that ran last
 *       could go on: iterative delay bounding (Emmi, Qadeer and Rakamarić, POPL 2011), which
 *       {@link Exploration#delayBounded(int)} runs;
 *   <li>{@link #upTo(int)}: every schedule with at most {@code k} departures from FIFO order
 *       ({@link Schedule#departures()}), the FIFO schedule first, which
 *       {@link Exploration#exhaustive(int)} runs.
 * </ul>
 *
 * Drive a search yourself when each run needs set-up of its own (the JUnit extension gives every
 * schedule a fresh test instance):
 *
 * <pre>{@code
 * BoundedSearch search = BoundedSearch.preemptions(2);
 * while (search.hasNext()) {
 *     SimResult<Integer> r = search.next(0).run(() -> transfer());
 *     search.ran(r);
 *     if (r.failed()) { ... r.replayLine() replays it ... }
 * }
 * // search.exhausted(): every schedule within the bound ran
 * }</pre>
 *
 * <p>Each schedule is a prefix of choices followed by FIFO order. Running it also records how many
 * candidates each choice point had; its successors change one FIFO choice after the prefix to
 * another candidate, so each has one preemption more, and every schedule within the bound comes up
 * exactly once. The search keeps one record per run whose successors have not all run yet (its
 * non-zero choices, and how many candidates each choice point after its prefix had, a byte each
 * for fewer than 256), and makes each successor when it is handed out: memory grows by about a
 * byte per choice point per schedule (some 400 bytes for a hundred tasks passing two checkpoints
 * each). Not thread-safe: one search, one caller.
 */
public final class BoundedSearch {
    private final int maxPreemptions;
    /** The preemption- or delay-bounded search, or null for a search bounding departures from FIFO order. */
    private final CostBoundedSearch engine;
    /** How the search names itself in reports: {@code exhaustive(2)}, {@code preemptionBounded(1)}. */
    private final String name;
    /**
     * Runs whose successors have not all run yet, oldest first. Each holds its choices and widths
     * once and hands out its successors one at a time, so pending schedules cost a few bytes per
     * choice point of a run, not a copied choice list per successor (which grew to megabytes per run
     * on a hundred-task program). Handing out the head's successors in order, then the next run's,
     * gives every level after the one before, as a queue of all successors would.
     */
    private final ArrayDeque<Branches> pending = new ArrayDeque<>();
    /** Whether the FIFO schedule (the empty prefix) is still to run. */
    private boolean fifoPending = true;
    /** The prefix handed out by the last {@link #next}, until {@link #ran} takes its result; else null. */
    private int[] outstanding;
    private int schedulesRun;

    private BoundedSearch(int bound, CostBoundedSearch engine, String name) {
        this.maxPreemptions = bound;
        this.engine = engine;
        this.name = name;
    }

    /**
     * A search bounding departures from FIFO order ({@link Schedule#departures()}): the FIFO
     * schedule, then every schedule with one choice other than the FIFO head, then two, and so on.
     * Round-robin FIFO is simloop's production order, so this finds the bugs a few reorderings of
     * production order expose; to bound preemptions as CHESS counts them, use {@link #preemptions}.
     *
     * @param maxPreemptions the bound on departures; 0 searches the FIFO schedule only
     * @return a search that has not run anything yet
     * @throws IllegalArgumentException when {@code maxPreemptions} is negative
     */
    public static BoundedSearch upTo(int maxPreemptions) {
        return new BoundedSearch(checkBound(maxPreemptions, "BoundedSearch.upTo: maxPreemptions"), null,
                "exhaustive(" + maxPreemptions + ")");
    }

    /**
     * Iterative preemption bounding: every schedule with at most {@code maxPreemptions} preemptions
     * ({@link SimResult#preemptions()}), fewest first; choices made after a task blocked or ended
     * are free, so bound 0 already runs every schedule without preemptions.
     *
     * @param maxPreemptions the bound; at least 0
     * @return a search that has not run anything yet
     * @throws IllegalArgumentException when {@code maxPreemptions} is negative
     */
    public static BoundedSearch preemptions(int maxPreemptions) {
        return new BoundedSearch(checkBound(maxPreemptions, "BoundedSearch.preemptions: maxPreemptions"),
                new CostBoundedSearch(CostBoundedSearch.Cost.PREEMPTIONS, maxPreemptions),
                "preemptionBounded(" + maxPreemptions + ")");
    }

    /**
     * Iterative delay bounding: every schedule at most {@code maxDelays} delays away from the
     * non-preemptive schedule ({@link Strategy#nonPreemptive()}), fewest first; a choice that skips
     * {@code j} ready tasks (counting cyclically from the non-preemptive choice, in the ready
     * queue's order) or {@code j} tied-timer options costs {@code j}. Bound 0 runs one schedule.
     *
     * @param maxDelays the bound; at least 0
     * @return a search that has not run anything yet
     * @throws IllegalArgumentException when {@code maxDelays} is negative
     */
    public static BoundedSearch delays(int maxDelays) {
        return new BoundedSearch(checkBound(maxDelays, "BoundedSearch.delays: maxDelays"),
                new CostBoundedSearch(CostBoundedSearch.Cost.DELAYS, maxDelays), "delayBounded(" + maxDelays + ")");
    }

    private static int checkBound(int bound, String what) {
        if (bound < 0) {
            throw new IllegalArgumentException(what + " must not be negative, but was " + bound);
        }
        return bound;
    }

    /** @return the bound: on departures, preemptions or delays, as the search was made */
    public int maxPreemptions() {
        return maxPreemptions;
    }

    /** @return the search as reports name it, e.g. {@code preemptionBounded(2)} or {@code exhaustive(2)} */
    @Override
    public String toString() {
        return name;
    }

    /** @return whether a schedule within the bound has not run yet (known once the previous one's result came back) */
    public boolean hasNext() {
        return engine != null ? engine.hasNext() : fifoPending || !pending.isEmpty();
    }

    /**
     * The next schedule, as a builder: the schedule's choices, then strategy FIFO (or
     * {@link Strategy#nonPreemptive()} for a preemption- or delay-bounded search), recording what
     * the search needs. Set limits, a priority policy or tracing on it as on any builder, run it, and pass
     * the result to {@link #ran} before asking for the next one.
     *
     * @param seed the run's seed; it only seeds {@link Loop#random()}, so use the same one throughout
     * @return the builder
     * @throws java.util.NoSuchElementException when {@link #hasNext()} is false
     * @throws IllegalStateException when the previous schedule's result was not passed to {@link #ran}
     */
    public Simulation.Builder next(long seed) {
        if (outstanding != null || (engine != null && engine.isOutstanding())) {
            throw new IllegalStateException("BoundedSearch.next: pass the result of the previous schedule to ran() first"
                    + " (its successors come from it)");
        }
        if (!hasNext()) {
            throw new java.util.NoSuchElementException("BoundedSearch.next: every schedule within "
                    + maxPreemptions + (engine == null ? " preemptions" : " " + unit()) + " has run");
        }
        if (engine != null) {
            return Simulation.recordingWidths(Simulation.builder().seed(seed).strategy(Strategy.nonPreemptive())
                    .followChoices(Schedule.of(engine.next())));
        }
        int[] prefix = nextPrefix();
        outstanding = prefix;
        return Simulation.recordingWidths(Simulation.builder().seed(seed).strategy(Strategy.fifo())
                .followChoices(Schedule.of(prefix)));
    }

    /**
     * Takes the result of the schedule {@link #next} handed out last, and queues its successors.
     *
     * @param result what running that builder returned
     * @throws IllegalStateException when no schedule is outstanding
     * @throws IllegalArgumentException when {@code result} did not come from that builder
     */
    public void ran(SimResult<?> result) {
        Objects.requireNonNull(result, "BoundedSearch.ran: result");
        if (outstanding == null && (engine == null || !engine.isOutstanding())) {
            throw new IllegalStateException("BoundedSearch.ran: no schedule is outstanding; call next() first");
        }
        int[] widths = Simulation.widths(result);
        int[] choices = Simulation.choices(result);
        boolean fits = widths != null && (engine != null
                ? engine.ran(choices, widths, Simulation.continuing(result)) : startsWith(choices, outstanding));
        if (!fits) {
            throw new IllegalArgumentException("BoundedSearch.ran: the result is not from the builder next() returned"
                    + " (run that builder and pass its result), or the program did not repeat its earlier run up to"
                    + " the choices the schedule prescribes (state kept between runs?)");
        }
        if (engine != null) {
            return;
        }
        int[] prefix = outstanding;
        outstanding = null;
        schedulesRun++;
        if (Schedule.departures(prefix) < maxPreemptions) {
            Branches b = Branches.of(choices, widths, prefix.length);
            if (b != null) {
                pending.add(b);
            }
        }
    }

    /** Takes the next schedule's prefix: the FIFO schedule first, then the oldest run's next successor. */
    private int[] nextPrefix() {
        if (fifoPending) {
            fifoPending = false;
            return new int[0];
        }
        Branches head = pending.element();
        int[] prefix = head.successor();
        if (!head.advance()) {
            pending.remove();
        }
        return prefix;
    }

    /**
     * An estimate of the heap the pending schedules hold, for the memory test: the payload of their
     * arrays plus {@value Branches#OVERHEAD_BYTES} bytes per run for object headers, fields and the
     * queue's slot.
     */
    long retainedBytes() {
        long bytes = 0;
        for (Branches b : pending) {
            bytes += b.payloadBytes() + Branches.OVERHEAD_BYTES;
        }
        return bytes;
    }

    /** @return how many schedules have run (results passed to {@link #ran}) */
    public int schedulesRun() {
        return engine != null ? engine.schedulesRun() : schedulesRun;
    }

    /** @return whether every schedule within the bound has run */
    public boolean exhausted() {
        return engine != null ? engine.exhausted() : !fifoPending && pending.isEmpty() && outstanding == null;
    }

    /** @return the strategy that continues each schedule after its prescribed choices */
    Strategy strategyAfterPrefix() {
        return engine != null ? Strategy.nonPreemptive() : Strategy.fifo();
    }

    private String unit() {
        return name.startsWith("delay") ? "delays" : "preemptions";
    }

    /**
     * The successors of one run: its choices with the choice at one position {@code i} at or after
     * its prefix changed to another candidate, and cut after {@code i}; ordered by position, then
     * candidate. The choices are kept sparsely (after the prefix they are FIFO's zeros, so a run
     * has at most a bound's worth of non-zero choices), and the widths from the prefix on, one byte
     * each when every width fits in one (any program with fewer than 256 tasks ready at once).
     */
    private static final class Branches {
        /** Estimated bytes per instance besides its arrays' payload: headers, fields, queue slot. */
        static final int OVERHEAD_BYTES = 96;

        /** Pairs (position, value) of the run's non-zero choices, by position. */
        private final int[] nonZero;
        /** The position of {@code narrowWidths[0]} / {@code wideWidths[0]}: the prefix's length. */
        private final int from;
        /** The widths from {@code from} on, unsigned, when all fit in a byte; else null. */
        private final byte[] narrowWidths;
        /** The widths from {@code from} on, when some does not fit in a byte; else null. */
        private final int[] wideWidths;
        /** The cursor: the next successor changes the choice at {@code position} to {@code alternative}. */
        private int position;
        private int alternative = 1;

        private Branches(int[] nonZero, int from, byte[] narrowWidths, int[] wideWidths) {
            this.nonZero = nonZero;
            this.from = from;
            this.narrowWidths = narrowWidths;
            this.wideWidths = wideWidths;
            this.position = from;
        }

        /** @return the successors of a run that followed a prefix of {@code from} choices, or null if it has none */
        static Branches of(int[] choices, int[] widths, int from) {
            int max = 1;
            for (int i = from; i < widths.length; i++) {
                max = Math.max(max, widths[i]);
            }
            if (max < 2) {
                return null; // no choice point after the prefix had a second candidate
            }
            byte[] narrow = null;
            int[] wide = null;
            if (max <= 0xFF) {
                narrow = new byte[widths.length - from];
                for (int i = from; i < widths.length; i++) {
                    narrow[i - from] = (byte) widths[i];
                }
            } else {
                wide = Arrays.copyOfRange(widths, from, widths.length);
            }
            Branches b = new Branches(nonZeroPairs(choices), from, narrow, wide);
            b.skipSingleCandidatePositions();
            return b;
        }

        private static int[] nonZeroPairs(int[] choices) {
            int[] pairs = new int[2 * Schedule.departures(choices)];
            int k = 0;
            for (int i = 0; i < choices.length; i++) {
                if (choices[i] != 0) {
                    pairs[k++] = i;
                    pairs[k++] = choices[i];
                }
            }
            return pairs;
        }

        private int width(int i) {
            return narrowWidths != null ? narrowWidths[i - from] & 0xFF : wideWidths[i - from];
        }

        private int end() {
            return from + (narrowWidths != null ? narrowWidths.length : wideWidths.length);
        }

        /** Moves the cursor to the first position at or after it with a second candidate. */
        private void skipSingleCandidatePositions() {
            while (position < end() && width(position) < 2) {
                position++;
            }
        }

        /** @return the successor at the cursor: the run's choices up to the position, with the alternative there */
        int[] successor() {
            int[] prefix = new int[position + 1];
            for (int k = 0; k < nonZero.length && nonZero[k] < position; k += 2) {
                prefix[nonZero[k]] = nonZero[k + 1];
            }
            prefix[position] = alternative;
            return prefix;
        }

        /** @return whether another successor follows (the cursor moved on to it) */
        boolean advance() {
            if (++alternative < width(position)) {
                return true;
            }
            alternative = 1;
            position++;
            skipSingleCandidatePositions();
            return position < end();
        }

        long payloadBytes() {
            return 4L * nonZero.length + (narrowWidths != null ? narrowWidths.length : 4L * wideWidths.length);
        }
    }

    private static boolean startsWith(int[] choices, int[] prefix) {
        return choices != null && choices.length >= prefix.length
                && Arrays.equals(choices, 0, prefix.length, prefix, 0, prefix.length);
    }
}
