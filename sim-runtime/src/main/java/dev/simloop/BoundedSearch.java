package dev.simloop;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;

/**
 * A systematic search through a program's schedules: every schedule with at most a given number
 * of preemptions (recorded choices other than the FIFO head, {@link Schedule#preemptions()}), the
 * FIFO schedule first, then those with one preemption, then two, and so on (iterative preemption
 * bounding, after CHESS). {@link Exploration#exhaustive(int)} runs it for you; drive it yourself
 * when each run needs set-up of its own (the JUnit extension gives every schedule a fresh test
 * instance):
 *
 * <pre>{@code
 * BoundedSearch search = BoundedSearch.upTo(2);
 * while (search.hasNext()) {
 *     SimResult<Integer> r = search.next(0).run(() -> transfer());
 *     search.ran(r);
 *     if (r.failed()) { ... r.schedule() replays it ... }
 * }
 * // search.exhausted(): every schedule within the bound ran
 * }</pre>
 *
 * <p>Each schedule is a prefix of choices followed by FIFO order. Running it also records how many
 * candidates each choice point had; its successors change one FIFO choice after the prefix to
 * another candidate, so each has one preemption more, and every schedule within the bound comes up
 * exactly once. Not thread-safe: one search, one caller.
 */
public final class BoundedSearch {
    private final int maxPreemptions;
    /** Schedules to run, fewest preemptions first (each level is appended after the one before). */
    private final ArrayDeque<int[]> pending = new ArrayDeque<>();
    /** The prefix handed out by the last {@link #next}, until {@link #ran} takes its result; else null. */
    private int[] outstanding;
    private int schedulesRun;

    private BoundedSearch(int maxPreemptions) {
        this.maxPreemptions = maxPreemptions;
        pending.add(new int[0]);
    }

    /**
     * @param maxPreemptions the bound; 0 searches the FIFO schedule only
     * @return a search that has not run anything yet
     * @throws IllegalArgumentException when {@code maxPreemptions} is negative
     */
    public static BoundedSearch upTo(int maxPreemptions) {
        if (maxPreemptions < 0) {
            throw new IllegalArgumentException("BoundedSearch.upTo: maxPreemptions must not be negative, but was "
                    + maxPreemptions);
        }
        return new BoundedSearch(maxPreemptions);
    }

    /** @return the preemption bound */
    public int maxPreemptions() {
        return maxPreemptions;
    }

    /** @return whether a schedule within the bound has not run yet (known once the previous one's result came back) */
    public boolean hasNext() {
        return !pending.isEmpty();
    }

    /**
     * The next schedule, as a builder: strategy FIFO after the schedule's choices, recording what the
     * search needs. Set limits, a priority policy or tracing on it as on any builder, run it, and pass
     * the result to {@link #ran} before asking for the next one.
     *
     * @param seed the run's seed; it only seeds {@link Loop#random()}, so use the same one throughout
     * @return the builder
     * @throws java.util.NoSuchElementException when {@link #hasNext()} is false
     * @throws IllegalStateException when the previous schedule's result was not passed to {@link #ran}
     */
    public Simulation.Builder next(long seed) {
        if (outstanding != null) {
            throw new IllegalStateException("BoundedSearch.next: pass the result of the previous schedule to ran() first"
                    + " (its successors come from it)");
        }
        if (pending.isEmpty()) {
            throw new java.util.NoSuchElementException("BoundedSearch.next: every schedule within "
                    + maxPreemptions + " preemptions has run" + (outstanding == null ? "" : " or is running"));
        }
        int[] prefix = pending.remove();
        outstanding = prefix;
        return Simulation.recordingWidths(Simulation.builder().seed(seed).strategy(Strategy.fifo())
                .schedule(Schedule.of(prefix)));
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
        if (outstanding == null) {
            throw new IllegalStateException("BoundedSearch.ran: no schedule is outstanding; call next() first");
        }
        int[] widths = Simulation.widths(result);
        int[] choices = Simulation.choices(result);
        if (widths == null || !startsWith(choices, outstanding)) {
            throw new IllegalArgumentException("BoundedSearch.ran: the result is not from the builder next() returned"
                    + " (run that builder and pass its result), or the program did not repeat its earlier run up to"
                    + " the choices the schedule prescribes (state kept between runs?)");
        }
        int[] prefix = outstanding;
        outstanding = null;
        schedulesRun++;
        if (Schedule.preemptions(prefix) < maxPreemptions) {
            for (int i = prefix.length; i < widths.length; i++) {
                for (int alternative = 1; alternative < widths[i]; alternative++) {
                    int[] successor = Arrays.copyOf(choices, i + 1);
                    successor[i] = alternative;
                    pending.add(successor);
                }
            }
        }
    }

    /** @return how many schedules have run (results passed to {@link #ran}) */
    public int schedulesRun() {
        return schedulesRun;
    }

    /** @return whether every schedule within the bound has run */
    public boolean exhausted() {
        return pending.isEmpty() && outstanding == null;
    }

    private static boolean startsWith(int[] choices, int[] prefix) {
        return choices != null && choices.length >= prefix.length
                && Arrays.equals(choices, 0, prefix.length, prefix, 0, prefix.length);
    }
}
