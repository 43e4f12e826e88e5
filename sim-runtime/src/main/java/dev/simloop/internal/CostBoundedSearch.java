package dev.simloop.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

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
 * cursors over the run they come from, so a run's successors are made when handed out.
 *
 * <p>Several schedules may be out at once (a parallel exploration), their runs taken back in the
 * order they were handed out. A schedule is handed out only when no run still out could queue a
 * cheaper one before it, so the order is the one a single caller meets. A shard
 * ({@code shardIndex} of {@code shardCount}) hands out only the first run's successors {@code j}
 * with {@code j % shardCount == shardIndex} (in hand-out order), and so only their subtrees. Not
 * thread-safe: call it under one lock.
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
    /**
     * {@code pending.get(c)}: cursors whose successors cost {@code c} in all. Grown to the costs that
     * come up, not to the bound: a bound of {@code Integer.MAX_VALUE} means "no bound".
     */
    private final List<ArrayDeque<Cursor>> pending = new ArrayList<>();
    private boolean rootPending = true;
    /** The costs of the prefixes handed out whose runs {@link #ran} has not taken yet, oldest first. */
    private final ArrayDeque<Integer> outstandingCosts = new ArrayDeque<>();
    private final int shardIndex;
    private final int shardCount;
    /** How many of the first run's successors were handed out or skipped as another shard's. */
    private int rootSuccessors;
    /** The heap the pending cursors hold, by {@link #bytesOf} (a run counts while it is itself pending). */
    private final PendingBytes held = new PendingBytes();

    /**
     * @param cost what a change costs
     * @param bound the largest total cost searched; at least 0
     * @param shardIndex the shard this search runs, from 0
     * @param shardCount how many shards the search is split into; 1 for all of it
     */
    public CostBoundedSearch(Cost cost, int bound, int shardIndex, int shardCount) {
        this.cost = cost;
        this.bound = bound;
        this.shardIndex = shardIndex;
        this.shardCount = shardCount;
    }

    /** @return the queue of cost {@code c}, made (with those below it) when first needed */
    private ArrayDeque<Cursor> pendingAt(int c) {
        while (pending.size() <= c) {
            pending.add(new ArrayDeque<>());
        }
        return pending.get(c);
    }

    /** @return whether a schedule within the bound is still to be handed out, now or once runs out come back */
    public boolean hasPending() {
        return rootPending || cheapest() >= 0;
    }

    /** @return whether {@link #take} hands out a schedule now */
    public boolean canTake() {
        skipOtherShards();
        int c = cheapest();
        return rootPending || c >= 0 && !cheaperMayCome(c);
    }

    /**
     * @return the next schedule's prefix of choices, cheapest first (the empty prefix first), or
     *     null when none can be handed out before runs still out come back
     */
    public int[] take() {
        if (rootPending) {
            rootPending = false;
            outstandingCosts.add(0);
            held.handedOut();
            return new int[0];
        }
        if (!canTake()) {
            return null;
        }
        int c = cheapest();
        Cursor head = pending.get(c).element();
        int[] prefix = head.successor();
        if (head.run().from == 0) {
            rootSuccessors++;
        }
        if (!head.advance(cost)) {
            removeHead(c);
        }
        outstandingCosts.add(c);
        held.handedOut();
        return prefix;
    }

    /** @return whether a run still out costs less than {@code c}: its successors could come before cost {@code c}'s */
    private boolean cheaperMayCome(int c) {
        for (int out : outstandingCosts) {
            if (out < c) {
                return true;
            }
        }
        return false;
    }

    /** Moves past the first run's successors that belong to other shards (always at the heads of the queues). */
    private void skipOtherShards() {
        for (int c; shardCount > 1 && (c = cheapest()) >= 0 && pending.get(c).element().run().from == 0
                && rootSuccessors % shardCount != shardIndex; ) {
            rootSuccessors++;
            if (!pending.get(c).element().advance(cost)) {
                removeHead(c);
            }
        }
    }

    /**
     * Takes the run of the oldest prefix handed out whose run it has not taken, and queues its
     * successors.
     *
     * @param prefix that prefix
     * @param choices the run's choices (they start with the prefix)
     * @param widths how many candidates each choice had
     * @param continuing for each choice, the candidate that had just yielded, -1, or
     *     {@link WidthRecorder#TIMER_CHOICE}
     * @return false when the run does not start with the prefix (nothing is queued then)
     */
    public boolean ran(int[] prefix, int[] choices, int[] widths, int[] continuing) {
        if (outstandingCosts.isEmpty() || choices.length < prefix.length
                || !Arrays.equals(choices, 0, prefix.length, prefix, 0, prefix.length)) {
            return false;
        }
        int runCost = outstandingCosts.remove();
        Run run = new Run(choices, widths, continuing, prefix.length);
        int mostExtra = Math.min(bound - runCost, cost == Cost.PREEMPTIONS ? 1 : run.maxWidth() - 1);
        boolean runQueued = false;
        for (int extra = cost == Cost.DELAYS ? 1 : 0; extra <= mostExtra; extra++) { // a delay costs at least 1
            // the run is the cursor of the first cost it has successors of; another cost gets a cursor of its own
            Cursor cursor = runQueued ? new MoreCursor(run) : run;
            cursor.extra = extra;
            if (cursor.seekFrom(cost, prefix.length, 0)) {
                pendingAt(runCost + extra).add(cursor);
                held.queued(bytesOf(cursor));
                runQueued = true;
            }
        }
        held.runTaken();
        return true;
    }

    /**
     * An estimate of the heap the pending schedules hold, for the memory test: each pending run's
     * array payload and {@value Run#OVERHEAD_BYTES} bytes of headers, fields and queue slot (a run
     * whose own cursor is done is kept by its further cursors), and
     * {@value MoreCursor#OVERHEAD_BYTES} bytes per further cursor of a run, with its queue slot.
     */
    public long retainedBytes() {
        Set<Run> runs = Collections.newSetFromMap(new IdentityHashMap<>());
        long bytes = 0;
        for (ArrayDeque<Cursor> queue : pending) {
            for (Cursor cursor : queue) {
                if (cursor instanceof MoreCursor) {
                    bytes += MoreCursor.OVERHEAD_BYTES;
                }
                if (runs.add(cursor.run())) {
                    bytes += cursor.run().payloadBytes() + Run.OVERHEAD_BYTES;
                }
            }
        }
        return bytes;
    }

    /** Drops the head of cost {@code c}'s queue, whose successors have all been handed out. */
    private void removeHead(int c) {
        held.dropped(bytesOf(pending.get(c).remove()));
    }

    private static long bytesOf(Cursor cursor) {
        return cursor instanceof Run run ? run.payloadBytes() + Run.OVERHEAD_BYTES : MoreCursor.OVERHEAD_BYTES;
    }

    /**
     * @return about how much heap the pending runs held as the last run was taken ({@link #ran}), as
     *     {@link PendingBytes} counts it. Cheaper than {@link #retainedBytes}, and a little lower: a run
     *     kept only by a later cost's cursor is not counted.
     */
    public long heldBytes() {
        return held.atLastRun();
    }

    private int cheapest() {
        for (int c = 0; c < pending.size(); c++) {
            if (!pending.get(c).isEmpty()) {
                return c;
            }
        }
        return -1;
    }

    /**
     * Where one run's successors of one cost have got to: the next changes the choice at
     * {@code position} to candidate {@code alternative}. A run is its own first cursor (most runs
     * have successors of one cost only), so that a pending run is two objects, itself and its array.
     */
    private abstract static sealed class Cursor permits Run, MoreCursor {
        /** What the successors cost more than the run. */
        int extra;
        int position;
        int alternative;

        /** @return the run whose successors these are */
        abstract Run run();

        /**
         * Moves to the first change at or after ({@code i}, {@code a}) that costs {@link #extra}; false
         * when none is left. Each choice's candidates of that cost are known without trying them all
         * ({@link #firstCosting}): a run of a thousand tasks has a thousand candidates at most choices,
         * and trying each made every run's successors cost the square of its tasks.
         */
        final boolean seekFrom(Cost cost, int i, int a) {
            Run run = run();
            for (int length = run.length(); i < length; i++, a = 0) {
                int found = firstCosting(cost, run, i, a);
                if (found >= 0) {
                    position = i;
                    alternative = found;
                    return true;
                }
            }
            return false;
        }

        /**
         * @return the first candidate {@code >= a} of choice {@code i}, other than the run's own, whose
         *     change costs {@link #extra} (the class comment says what a change costs), or -1
         */
        private int firstCosting(Cost cost, Run run, int i, int a) {
            int width = run.width(i);
            int own = run.choice(i);
            if (cost == Cost.DELAYS) {
                // floorMod(a - own, width) == extra has one solution below the width, none for 0 (the run's own)
                int only = extra >= 1 && extra < width ? (own + extra) % width : -1;
                return only >= a ? only : -1;
            }
            // passing over the task that had just yielded costs 1; choosing it, or any choice where none had, 0
            int yielded = run.continuing(i);
            if (yielded >= 0 && extra == 0) {
                return yielded >= a && yielded != own && yielded < width ? yielded : -1;
            }
            if ((yielded >= 0 ? 1 : 0) != extra) {
                return -1;
            }
            for (int c = a; c < width; c++) {
                if (c != own && c != yielded) {
                    return c; // at most two candidates skipped
                }
            }
            return -1;
        }

        final int[] successor() {
            int[] prefix = run().choicesUpTo(position + 1);
            prefix[position] = alternative;
            return prefix;
        }

        final boolean advance(Cost cost) {
            return seekFrom(cost, position, alternative + 1);
        }
    }

    /**
     * A run whose successors are pending, and the cursor of the first cost it has successors of:
     * its choices, and each choice's width and continuing candidate from its prefix on. They are
     * packed into one array, a byte each when every value fits in one (fewer than 128 tasks ready at
     * once), so a pending run costs about three bytes per choice point after its prefix and one per
     * choice point of the prefix: a bounded search keeps every run whose successors are still to
     * come, and a run of three {@code int[]}s and a cursor object per cost made its memory grow by
     * about 180 bytes per schedule on a small program.
     */
    private static final class Run extends Cursor {
        /** Estimated bytes per run besides its array: its header and fields, a queue slot. */
        static final int OVERHEAD_BYTES = 36;

        /**
         * {@code choices[0, n)}, then {@code widths[from, n)}, then {@code continuing[from, n)}: a
         * {@code byte[]}, or an {@code int[]} when some value does not fit in a byte. Its length is
         * {@code 3n - 2 from}, so {@code n} is not kept.
         */
        private final Object packed;
        /** The prefix's length: where the widths and continuing candidates start. */
        final int from;

        Run(int[] choices, int[] widths, int[] continuing, int from) {
            this.from = from;
            int length = choices.length;
            int[] values = new int[3 * length - 2 * from];
            System.arraycopy(choices, 0, values, 0, length);
            System.arraycopy(widths, from, values, length, length - from);
            System.arraycopy(continuing, from, values, 2 * length - from, length - from);
            packed = fitsInBytes(values) ? toBytes(values) : values;
        }

        private static boolean fitsInBytes(int[] values) {
            for (int v : values) {
                if (v != (byte) v) {
                    return false;
                }
            }
            return true;
        }

        private static byte[] toBytes(int[] values) {
            byte[] bytes = new byte[values.length];
            for (int k = 0; k < values.length; k++) {
                bytes[k] = (byte) values[k];
            }
            return bytes;
        }

        @Override
        Run run() {
            return this;
        }

        private int size() {
            return packed instanceof byte[] bytes ? bytes.length : ((int[]) packed).length;
        }

        private int get(int slot) {
            return packed instanceof byte[] bytes ? bytes[slot] : ((int[]) packed)[slot];
        }

        /** @return how many choices the run made */
        int length() {
            return (size() + 2 * from) / 3;
        }

        int choice(int i) {
            return get(i);
        }

        /** @param i a position at or after {@link #from} */
        int width(int i) {
            return get(length() + i - from);
        }

        /** @param i a position at or after {@link #from} */
        int continuing(int i) {
            return get(2 * length() - from + i - from);
        }

        int maxWidth() {
            int max = 1;
            for (int i = from, length = length(); i < length; i++) {
                max = Math.max(max, width(i));
            }
            return max;
        }

        int[] choicesUpTo(int end) {
            int[] prefix = new int[end];
            for (int i = 0; i < end; i++) {
                prefix[i] = choice(i);
            }
            return prefix;
        }

        /** @return the array's size on the heap: 16 bytes of header, its values, rounded up to 8 */
        long payloadBytes() {
            long values = packed instanceof byte[] bytes ? bytes.length : 4L * ((int[]) packed).length;
            return (16 + values + 7) / 8 * 8;
        }
    }

    /** The cursor of a run's successors of a second (or later) cost. */
    private static final class MoreCursor extends Cursor {
        /** Estimated bytes per instance: its header and fields, and a queue slot. */
        static final int OVERHEAD_BYTES = 36;

        private final Run run;

        MoreCursor(Run run) {
            this.run = run;
        }

        @Override
        Run run() {
            return run;
        }
    }
}
