package dev.simloop.internal;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The engine of the preemption- and delay-bounded searches: every schedule whose cost is within a
 * bound, cheapest first. A schedule is a prefix of choices followed by CHESS's schedule without
 * preemptions ({@link NonPreemptivePicker}); its successors change one choice after the prefix to
 * another candidate, at a cost:
 *
 * <ul>
 *   <li>{@link Cost#PREEMPTIONS} (Musuvathi and Qadeer, PLDI 2007): 1 when the choice passes over
 *       the task that had just yielded, else 0 (after a task blocked or ended, and among tied
 *       timers, every candidate is free);
 *   <li>{@link Cost#DELAYS} (Emmi, Qadeer and Rakamarić, POPL 2011): the candidate's distance from
 *       the non-preemptive choice in the ready queue's cyclic order, so skipping {@code j} tasks
 *       costs {@code j} delays, wherever it happens.
 * </ul>
 *
 * <p>A schedule's cost is the sum of its changes' costs (the choices after the last change are the
 * free non-preemptive ones), and every schedule within the bound comes up exactly once: its parent
 * is the schedule without its last change. Pending successors wait in one queue per cost, as
 * cursors over the run they come from, so a run's successors are made when handed out. Not
 * thread-safe: one search, one caller.
 */
public final class CostBoundedSearch {
    /** What a change of choice costs. */
    public enum Cost {
        /** CHESS preemptions: passing over the task that just yielded. */
        PREEMPTIONS,
        /** Delays: how many candidates the choice skips, in cyclic order from the non-preemptive one. */
        DELAYS
    }

    private final Cost cost;
    private final int bound;
    /** {@code pending[c]}: cursors whose successors cost {@code c} in all. */
    private final ArrayDeque<Cursor>[] pending;
    private boolean rootPending = true;
    /** The prefix and cost handed out last, until {@link #ran} takes its run; else null. */
    private int[] outstanding;
    private int outstandingCost;
    private int schedulesRun;

    /**
     * @param cost what a change costs
     * @param bound the largest total cost searched; at least 0
     */
    @SuppressWarnings({"unchecked", "rawtypes"}) // an array of a generic type, filled with empty queues below
    public CostBoundedSearch(Cost cost, int bound) {
        this.cost = cost;
        this.bound = bound;
        this.pending = new ArrayDeque[bound + 1];
        for (int c = 0; c <= bound; c++) {
            pending[c] = new ArrayDeque<>();
        }
    }

    /** @return whether a schedule within the bound has not been handed out yet */
    public boolean hasNext() {
        return rootPending || cheapest() >= 0;
    }

    /** @return whether a prefix was handed out and its run not taken yet */
    public boolean isOutstanding() {
        return outstanding != null;
    }

    /**
     * @return the next schedule's prefix of choices, cheapest first (the empty prefix first)
     * @throws java.util.NoSuchElementException when {@link #hasNext()} is false
     */
    public int[] next() {
        if (rootPending) {
            rootPending = false;
            return handOut(new int[0], 0);
        }
        int c = cheapest();
        if (c < 0) {
            throw new java.util.NoSuchElementException("no schedule within the bound is left");
        }
        Cursor head = pending[c].element();
        int[] prefix = head.successor();
        if (!head.advance()) {
            pending[c].remove();
        }
        return handOut(prefix, c);
    }

    private int[] handOut(int[] prefix, int c) {
        outstanding = prefix;
        outstandingCost = c;
        return prefix;
    }

    /** @return the cost of the prefix handed out last */
    public int outstandingCost() {
        return outstandingCost;
    }

    /**
     * Takes the run of the prefix handed out last and queues its successors.
     *
     * @param choices the run's choices (they start with the prefix)
     * @param widths how many candidates each choice had
     * @param continuing for each choice, the candidate that had just yielded, -1, or
     *     {@link WidthRecorder#TIMER_CHOICE}
     * @return false when the run does not start with the prefix (nothing is queued then)
     */
    public boolean ran(int[] choices, int[] widths, int[] continuing) {
        int[] prefix = outstanding;
        if (prefix == null || choices.length < prefix.length
                || !Arrays.equals(choices, 0, prefix.length, prefix, 0, prefix.length)) {
            return false;
        }
        outstanding = null;
        schedulesRun++;
        Run run = new Run(choices, widths, continuing, prefix.length);
        int mostExtra = Math.min(bound - outstandingCost, cost == Cost.PREEMPTIONS ? 1 : run.maxWidth - 1);
        for (int extra = 0; extra <= mostExtra; extra++) {
            Cursor cursor = new Cursor(run, extra);
            if (cursor.seekFrom(prefix.length, 0)) {
                pending[outstandingCost + extra].add(cursor);
            }
        }
        return true;
    }

    /** @return how many runs were taken */
    public int schedulesRun() {
        return schedulesRun;
    }

    /** @return whether every schedule within the bound has run */
    public boolean exhausted() {
        return !hasNext() && outstanding == null;
    }

    private int cheapest() {
        for (int c = 0; c <= bound; c++) {
            if (!pending[c].isEmpty()) {
                return c;
            }
        }
        return -1;
    }

    /** @return what changing choice {@code i} of {@code run} to candidate {@code a} costs */
    private int costOf(Run run, int i, int a) {
        int d = run.choices[i];
        int cont = run.continuing[i - run.from];
        return switch (cost) {
            case PREEMPTIONS -> cont >= 0 && a != cont ? 1 : 0;
            case DELAYS -> Math.floorMod(a - d, run.widths[i - run.from]);
        };
    }

    /** A run whose successors are pending: its choices, and each choice's candidates from its prefix on. */
    private record Run(int[] choices, int[] widths, int[] continuing, int from, int maxWidth) {
        Run(int[] choices, int[] widths, int[] continuing, int from) {
            this(choices, Arrays.copyOfRange(widths, from, widths.length),
                    Arrays.copyOfRange(continuing, from, continuing.length), from,
                    Arrays.stream(widths, from, widths.length).max().orElse(1));
        }
    }

    /** The successors of one run that cost {@code extra} more than it, in order of position, then candidate. */
    private final class Cursor {
        private final Run run;
        private final int extra;
        private int position;
        private int alternative;

        Cursor(Run run, int extra) {
            this.run = run;
            this.extra = extra;
        }

        /** Moves to the first change at or after ({@code i}, {@code a}) that costs {@link #extra}; false when none is left. */
        boolean seekFrom(int i, int a) {
            for (; i < run.choices.length; i++, a = 0) {
                for (; a < run.widths[i - run.from]; a++) {
                    if (a != run.choices[i] && costOf(run, i, a) == extra) {
                        position = i;
                        alternative = a;
                        return true;
                    }
                }
            }
            return false;
        }

        int[] successor() {
            int[] prefix = Arrays.copyOf(run.choices, position + 1);
            prefix[position] = alternative;
            return prefix;
        }

        boolean advance() {
            return seekFrom(position, alternative + 1);
        }
    }
}
