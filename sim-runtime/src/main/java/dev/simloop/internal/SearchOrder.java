package dev.simloop.internal;

import dev.simloop.SimResult;
import java.util.Arrays;

/**
 * Where a schedule of a bounded search stands in the order the unsplit search runs its schedules,
 * as a key that compares across shards: a shard numbers only the schedules of its own subtrees, so
 * the merge of a split search orders their failures by this key instead, and its first is the one
 * an unsplit search meets first.
 *
 * <p>Why a key can be read off one run: a schedule of a search is its parent's with one choice
 * changed (the parent is the schedule without its last change), and the parent continued, after
 * its own prefix, with the search's default choices (FIFO's 0 for the departures search, the
 * non-preemptive choice for the preemption and delay searches). So a run's changes are the
 * choices where it departs from that default, in order, and each change's cost follows from what
 * the run recorded at that choice, as {@link CostBoundedSearch} computes it (a departure costs 1). The search hands out its schedules cheapest first, and among equal costs
 * in the order of their parents, then by the changed choice's position and candidate; so with
 * {@code c(n)} the cost of schedule {@code n} and {@code (i, a)} its last change, the order is
 * that of the tuples {@code (c(n), key(parent), i, a)}, the empty schedule's key being {@code (0)}.
 * Flattened, a key is the costs from the schedule back to the empty one, then {@code -1}, then the
 * changes from the first: {@code [c(n), c(parent), ..., 0, -1, i1, a1, ..., in, an]}. Compared as
 * sequences of numbers (a sequence before any longer one it begins), keys order schedules as the
 * tuples do: two schedules of different depths part at the costs or at the {@code -1}, never at a
 * change.
 */
public final class SearchOrder {
    /** What a bounded search counts. */
    public enum Measure {
        /** {@code exhaustive(k)}: departures from FIFO order, each costing 1. */
        DEPARTURES,
        /** {@code preemptionBounded(k)}: CHESS preemptions. */
        PREEMPTIONS,
        /** {@code delayBounded(k)}: delays. */
        DELAYS
    }

    /** A run that recorded, per choice, its candidates and which had just yielded (a bounded search's runs). */
    public interface Recorded {
        /** @return the run's choices */
        int[] recordedChoices();

        /** @return what the run recorded per choice, or null when it recorded nothing */
        WidthRecorder recordedWidths();
    }

    private SearchOrder() {
    }

    /**
     * @param measure what the search that ran {@code result} counts
     * @param result a run of that search
     * @return the run's key (see the class comment), or null when the run recorded no widths (it
     *     was not a search's)
     */
    public static long[] of(Measure measure, SimResult<?> result) {
        if (!(result instanceof Recorded r) || r.recordedWidths() == null) {
            return null;
        }
        return of(measure, r.recordedChoices(), r.recordedWidths().widths(), r.recordedWidths().continuing());
    }

    /**
     * {@link #of(Measure, SimResult)} from the recorded arrays.
     *
     * @param measure what the search counts
     * @param choices the run's choices
     * @param widths per choice, how many candidates it had
     * @param continuing per choice, the candidate that had just yielded, -1, or {@link WidthRecorder#TIMER_CHOICE}
     * @return the key
     */
    public static long[] of(Measure measure, int[] choices, int[] widths, int[] continuing) {
        int n = Math.min(choices.length, widths.length);
        long[] changes = new long[2 * n];
        long[] costs = new long[n];
        int depth = 0;
        long cost = 0;
        for (int i = 0; i < n; i++) {
            int byDefault = measure == Measure.DEPARTURES ? 0 : Math.max(continuing[i], 0);
            int a = choices[i];
            if (a == byDefault) {
                continue;
            }
            cost += switch (measure) {
                case DEPARTURES -> 1;
                case PREEMPTIONS -> continuing[i] >= 0 && a != continuing[i] ? 1 : 0;
                case DELAYS -> Math.floorMod(a - byDefault, widths[i]);
            };
            costs[depth] = cost;
            changes[2 * depth] = i;
            changes[2 * depth + 1] = a;
            depth++;
        }
        long[] key = new long[depth + 2 + 2 * depth];
        for (int d = 0; d < depth; d++) {
            key[d] = costs[depth - 1 - d]; // from the schedule's own cost back to its first change's
        }
        key[depth] = 0; // the empty schedule's
        key[depth + 1] = -1;
        System.arraycopy(changes, 0, key, depth + 2, 2 * depth);
        return key;
    }

    /** Compares two keys as sequences of numbers, a sequence first before any longer one it begins. */
    public static int compare(long[] a, long[] b) {
        return Arrays.compare(a, b);
    }
}
