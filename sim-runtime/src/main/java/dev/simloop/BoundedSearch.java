package dev.simloop;

import dev.simloop.internal.CostBoundedSearch;
import dev.simloop.internal.PendingBytes;
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
 * <p>Each schedule is a prefix of choices followed by FIFO order (the non-preemptive schedule for
 * preemption and delay bounding). Running it also records how many candidates each choice point
 * had; its successors change one choice after the prefix to another candidate, so every schedule
 * within the bound comes up exactly once. Schedules may run on several threads at once (see
 * {@link #ran}), and a search may be split across JVMs ({@link #upTo(int, Shard)}). The departures
 * search keeps one record per run whose successors have not all run yet (its non-zero choices, and
 * how many candidates each choice point after its prefix had, a byte each for fewer than 256), and
 * makes each successor when it is handed out: memory grows by about a byte per choice point per
 * schedule (some 400 bytes for a hundred tasks passing two checkpoints each). The preemption- and
 * delay-bounded searches keep each such run's choices, and from its prefix on its widths and which
 * task had just yielded, a byte each while fewer than 128 tasks are ready at once: about 75 bytes
 * per schedule for three tasks passing eight checkpoints each. A search whose runs come to hold a
 * third of the heap stops ({@link #ran} throws), after the same schedule every time on a heap of
 * that size. Not thread-safe: call it under one lock.
 */
public final class BoundedSearch {
    private final int bound;
    /** The preemption- or delay-bounded search, or null for a search bounding departures from FIFO order. */
    private final CostBoundedSearch engine;
    /** How the search names itself in reports: {@code exhaustive(2)}, {@code preemptionBounded(1)}. */
    private final String name;
    /**
     * The part of the search this one runs: the FIFO schedule belongs to shard 0, and the subtree
     * under the FIFO schedule's {@code j}-th successor to shard {@code j % count}.
     */
    private final Shard shard;
    /**
     * Runs whose successors have not all run yet, oldest first. Each holds its choices and widths
     * once and hands out its successors one at a time, so pending schedules cost a few bytes per
     * choice point of a run, not a copied choice list per successor (which grew to megabytes per run
     * on a hundred-task program). Handing out the head's successors in order, then the next run's,
     * gives every level after the one before, as a queue of all successors would.
     */
    private final ArrayDeque<Branches> pending = new ArrayDeque<>();
    /** The heap {@link #pending} holds, by {@link #retainedBytes}'s estimate (the departures search's own). */
    private final PendingBytes held = new PendingBytes();
    /** Whether the FIFO schedule (the empty prefix) is still to run. */
    private boolean fifoPending = true;
    /** The prefixes {@link #next} handed out whose results {@link #ran} has not taken yet, oldest first. */
    private final ArrayDeque<int[]> outstanding = new ArrayDeque<>();
    private int schedulesRun;

    private BoundedSearch(int bound, CostBoundedSearch engine, String name, Shard shard) {
        this.bound = bound;
        this.engine = engine;
        this.name = name;
        this.shard = shard;
    }

    /**
     * A search bounding departures from FIFO order ({@link Schedule#departures()}): the FIFO
     * schedule, then every schedule with one choice other than the FIFO head, then two, and so on.
     * Round-robin FIFO is simloop's production order, so this finds the bugs a few reorderings of
     * production order expose; to bound preemptions as CHESS counts them, use {@link #preemptions}.
     *
     * @param maxDepartures the bound on departures; 0 searches the FIFO schedule only
     * @return a search that has not run anything yet
     * @throws IllegalArgumentException when {@code maxDepartures} is negative
     */
    public static BoundedSearch upTo(int maxDepartures) {
        return upTo(maxDepartures, Shard.all());
    }

    /**
     * One shard's part of a search: the schedules under the first schedule's successors {@code j}
     * with {@code j % shard.count() == shard.index()} (the first schedule's successors are its
     * one-step changes, in the order the search takes them). Every shard runs the first schedule
     * (FIFO, or the non-preemptive one), since its run says what those successors are; it belongs
     * to shard 0 alone ({@link #ownsLast()}). The shards together run every schedule of the unsplit
     * search once (plus the first schedule once per other shard), so a search split across JVMs or
     * machines is exhausted when every shard's part is. {@link #preemptions(int, Shard)} and
     * {@link #delays(int, Shard)} split the same way.
     *
     * @param maxDepartures the bound on departures; 0 searches the FIFO schedule only
     * @param shard the part to run; {@link Shard#all()} for all of it
     * @return a search that has not run anything yet
     * @throws IllegalArgumentException when {@code maxDepartures} is negative
     */
    public static BoundedSearch upTo(int maxDepartures, Shard shard) {
        return new BoundedSearch(checkBound(maxDepartures, "BoundedSearch.upTo: maxDepartures"), null,
                "exhaustive(" + maxDepartures + ")", checkShard(shard, "BoundedSearch.upTo"));
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
        return preemptions(maxPreemptions, Shard.all());
    }

    /**
     * {@link #preemptions(int)}, one shard's part (split as {@link #upTo(int, Shard)} says).
     *
     * @param maxPreemptions the bound; at least 0
     * @param shard the part to run; {@link Shard#all()} for all of it
     * @return a search that has not run anything yet
     * @throws IllegalArgumentException when {@code maxPreemptions} is negative
     */
    public static BoundedSearch preemptions(int maxPreemptions, Shard shard) {
        checkShard(shard, "BoundedSearch.preemptions");
        return new BoundedSearch(checkBound(maxPreemptions, "BoundedSearch.preemptions: maxPreemptions"),
                new CostBoundedSearch(CostBoundedSearch.Cost.PREEMPTIONS, maxPreemptions, shard.index(), shard.count()),
                "preemptionBounded(" + maxPreemptions + ")", checkShard(shard, "BoundedSearch.preemptions"));
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
        return delays(maxDelays, Shard.all());
    }

    /**
     * {@link #delays(int)}, one shard's part (split as {@link #upTo(int, Shard)} says).
     *
     * @param maxDelays the bound; at least 0
     * @param shard the part to run; {@link Shard#all()} for all of it
     * @return a search that has not run anything yet
     * @throws IllegalArgumentException when {@code maxDelays} is negative
     */
    public static BoundedSearch delays(int maxDelays, Shard shard) {
        checkShard(shard, "BoundedSearch.delays");
        return new BoundedSearch(checkBound(maxDelays, "BoundedSearch.delays: maxDelays"),
                new CostBoundedSearch(CostBoundedSearch.Cost.DELAYS, maxDelays, shard.index(), shard.count()),
                "delayBounded(" + maxDelays + ")", checkShard(shard, "BoundedSearch.delays"));
    }

    private static int checkBound(int bound, String what) {
        if (bound < 0) {
            throw new IllegalArgumentException(what + " must not be negative, but was " + bound);
        }
        return bound;
    }

    private static Shard checkShard(Shard shard, String call) {
        return Objects.requireNonNull(shard, call + ": shard");
    }

    /** @return the search as reports name it, e.g. {@code preemptionBounded(2)} or {@code exhaustive(2)} */
    @Override
    public String toString() {
        return name;
    }

    /** @return the part of the search this one runs */
    public Shard shard() {
        return shard;
    }

    /** @return the bound: on departures, preemptions or delays, as the search was made */
    public int bound() {
        return bound;
    }

    /**
     * @return whether a schedule within the bound is known now and not handed out yet; a schedule's
     *     successors are known once its result came back, so while schedules are out (see
     *     {@link #outstanding()}), more may come
     */
    public boolean hasNext() {
        return engine != null ? engine.canTake() : fifoPending || !pending.isEmpty();
    }

    /**
     * The next schedule, as a builder: strategy FIFO after the schedule's choices, recording what the
     * search needs. Set limits, a priority policy or tracing on it as on any builder, run it, and pass
     * the result to {@link #ran}.
     *
     * @param seed the run's seed; it only seeds {@link Loop#random()}, so use the same one throughout
     * @return the builder
     * @throws java.util.NoSuchElementException when every schedule has run
     * @throws IllegalStateException when no schedule is known until results still out come back (see {@link #ran})
     */
    public Simulation.Builder next(long seed) {
        if (!hasNext()) {
            if (!outstanding.isEmpty()) {
                throw new IllegalStateException("BoundedSearch.next: no schedule is known until the results of the "
                        + outstanding.size() + " handed out come back (their successors come from them): pass each "
                        + "result to ran() first, in the order next() handed them out");
            }
            throw new java.util.NoSuchElementException("BoundedSearch.next: every schedule within "
                    + bound + " " + unit(bound) + " has run");
        }
        int[] prefix = take();
        outstanding.add(prefix);
        return builderFor(prefix, seed);
    }

    private String unit(int count) {
        String unit = engine == null ? "departure" : name.startsWith("delay") ? "delay" : "preemption";
        return count == 1 ? unit : unit + "s";
    }

    /** @return the strategy that continues each schedule after its prescribed choices */
    Strategy strategyAfterPrefix() {
        return engine != null ? Strategy.nonPreemptive() : Strategy.fifo();
    }

    /** @return how many schedules {@link #next} handed out whose results {@link #ran} has not taken yet */
    public int outstanding() {
        return outstanding.size();
    }

    /** @return a builder for the schedule with this prefix, recording what the search needs */
    Simulation.Builder builderFor(int[] prefix, long seed) {
        return Simulation.recordingWidths(Simulation.builder().seed(seed).strategy(strategyAfterPrefix())
                .followChoices(Schedule.of(prefix)));
    }

    /**
     * Takes the result of the oldest schedule {@link #next} handed out whose result it has not taken,
     * and queues its successors. Schedules may be run on several threads at once (call {@code next}
     * and {@code ran} under one lock): pass their results in the order {@code next} handed them out,
     * and the search hands out the schedules it would have with one thread, in the same order.
     *
     * @param result what running that builder returned
     * @throws IllegalStateException when no schedule is outstanding, or when the runs the search keeps
     *     have come to hold a third of the heap: it stops before they fill it, saying how to cap it
     * @throws OutOfMemoryError when the run failed for want of heap, saying what holds it
     * @throws IllegalArgumentException when {@code result} did not come from that builder
     */
    public void ran(SimResult<?> result) {
        Objects.requireNonNull(result, "BoundedSearch.ran: result");
        if (outstanding.isEmpty()) {
            throw new IllegalStateException("BoundedSearch.ran: no schedule is outstanding; call next() first");
        }
        record(outstanding.element(), result);
        outstanding.remove();
    }

    /**
     * {@link #ran}, for a caller whose runs all come from {@link #next}'s builders ({@link Shrinker}),
     * so that a run that did not follow its schedule is the program's doing, not misuse.
     *
     * @param result what running the oldest outstanding builder returned
     * @return whether it was taken; false, taking nothing, when the run did not follow the choices its
     *     schedule prescribes: the program did not repeat the earlier run they come from (it keeps
     *     state between runs), so the search cannot go on
     */
    boolean ranIfFollowed(SimResult<?> result) {
        Objects.requireNonNull(result, "BoundedSearch.ran: result");
        if (outstanding.isEmpty() || !recordIfFollowed(outstanding.element(), result)) {
            return false;
        }
        outstanding.remove();
        return true;
    }

    /**
     * Whether the schedule passed to {@link #ran} last belongs to this search's {@link #shard}: false
     * only for the FIFO schedule in a shard other than the first, which runs there only to learn its
     * successors (count it, and report its failure, in shard 0 alone).
     *
     * @return whether the last schedule run counts in this shard
     */
    public boolean ownsLast() {
        return lastOwned;
    }

    /** Whether the last recorded run belongs to this shard. */
    private boolean lastOwned;

    /**
     * Takes a run's result and queues its successors; for an exploration with runs in flight on
     * several threads, results are recorded in the order their prefixes were {@link #take taken},
     * which hands out every schedule in the order a single caller would meet it.
     */
    void record(int[] prefix, SimResult<?> result) {
        String ran = Schedule.parse(result.replayLine()).strategy();
        String after = strategyAfterPrefix().toString();
        if (!ran.equals(after)) {
            // the successors of a schedule assume it went on by that strategy after its choices: another
            // one's run would pass for them, and the search would end "exhausted" having run a few
            throw new IllegalArgumentException("BoundedSearch.ran: the result is not from the builder next() returned,"
                    + " as it returned it: it ran strategy " + ran + ", where that builder runs " + after + " after the"
                    + " schedule's choices. Run that builder and pass its result; set limits, a priority policy or"
                    + " tracing on it, not a strategy, which runs other schedules than the search's, so that the search"
                    + " would count as exhausted having run only some");
        }
        if (!recordIfFollowed(prefix, result)) {
            throw new IllegalArgumentException("BoundedSearch.ran: the result is not from the builder next() returned"
                    + " (run that builder and pass its result), or the program did not repeat its earlier run up to"
                    + " the choices the schedule prescribes (state kept between runs?)");
        }
    }

    /**
     * {@link #record}, for a caller that ran the builder itself ({@link Exploration}), so that a run
     * that did not follow its prefix is the program's doing, not misuse.
     *
     * @return false, recording nothing, when the run did not follow {@code prefix}: the program did
     *     not repeat the earlier run it comes from
     */
    boolean recordIfFollowed(int[] prefix, SimResult<?> result) {
        ranOutOfHeap(result);
        int[] widths = Simulation.widths(result);
        int[] choices = Simulation.choices(result);
        boolean fits = widths != null && (engine != null
                ? engine.ran(prefix, choices, widths, Simulation.continuing(result)) : startsWith(choices, prefix));
        if (!fits) {
            return false;
        }
        lastOwned = owns(prefix);
        if (lastOwned) {
            schedulesRun++;
        }
        if (engine == null) {
            if (Schedule.departures(prefix) < bound) {
                Branches b = Branches.of(choices, widths, prefix.length);
                if (b != null) {
                    pending.add(b);
                    held.queued(b.bytes());
                    skipOtherShards();
                }
            }
            held.runTaken();
        }
        stopBeforeTheHeapFills();
        return true;
    }

    /**
     * The share of the heap ({@code -Xmx}) the pending runs may hold: a third, by their estimate,
     * which is about half the heap in fact (object alignment, the queues' spare slots), leaving the
     * rest to the program's runs.
     */
    static final long HEAP_BUDGET_BYTES = Runtime.getRuntime().maxMemory() / 3;

    /**
     * Stops the search when the runs it keeps pass {@link #HEAP_BUDGET_BYTES}. Left to fill the heap, a
     * search ended in an {@code OutOfMemoryError} wherever it struck, and could leave the JVM wedged
     * for good: a task whose stack could not be saved for want of heap parked pinned to its driver,
     * and nothing could allocate to find it. The estimate grows with the runs recorded, in their
     * order, so the search stops after the same schedule every time on a heap of the same size.
     *
     * @throws IllegalStateException naming the search, what its runs hold, and the ways out
     */
    private void stopBeforeTheHeapFills() {
        long bytes = engine != null ? engine.heldBytes() : held.atLastRun();
        if (bytes > HEAP_BUDGET_BYTES) {
            long mb = 1 << 20;
            throw new IllegalStateException(String.format(java.util.Locale.ROOT, "%s: after %,d schedules, the runs"
                    + " whose successors are still to come hold about %,d MB, a third of the heap (%,d MB), so the search"
                    + " stops before they fill it; %s", name, schedulesRun, bytes / mb, Runtime.getRuntime().maxMemory() / mb,
                    WAYS_OUT));
        }
    }

    /** What a search that outgrows the heap tells the user to do, in each of the ways a user runs one. */
    private static final String WAYS_OUT = "cap its schedules (Exploration.schedules(n), @SimulatedLoop(schedules = n),"
            + " -Dsimloop.schedules), search a smaller bound, or give the JVM more heap (-Xmx); exploring.md,"
            + " \"Preemption and delay bounding\", says what a search keeps";

    /** Drops the head of {@link #pending}, whose successors have all been handed out. */
    private void dropHead() {
        held.dropped(pending.remove().bytes());
    }

    /** @return whether the schedule with this prefix belongs to this shard (see {@link #upTo(int, Shard)}) */
    boolean owns(int[] prefix) {
        return prefix.length > 0 || shard.index() == 0;
    }

    /**
     * @return the next schedule's prefix, or null when none is known now (in a parallel exploration,
     *     runs still in flight may add some; the search is over when none are in flight either)
     */
    int[] take() {
        if (engine != null) {
            return engine.take();
        }
        if (fifoPending) {
            fifoPending = false;
            held.handedOut();
            return new int[0];
        }
        if (pending.isEmpty()) {
            return null;
        }
        Branches head = pending.element();
        int[] prefix = head.successor();
        if (!head.advance()) {
            dropHead();
        }
        skipOtherShards();
        held.handedOut();
        return prefix;
    }

    /**
     * Moves past the FIFO schedule's successors that belong to other shards. Only that run's
     * successors are split (everything after them descends from one of them, so it is this
     * shard's), and they are first in the queue, since that run is the first to be recorded.
     */
    private void skipOtherShards() {
        while (!shard.isAll() && !pending.isEmpty() && pending.element().from == 0
                && !shard.owns(pending.element().handedOut)) {
            if (!pending.element().advance()) {
                dropHead();
            }
        }
    }

    /**
     * An estimate of the heap the pending schedules hold, for the memory tests: the payload of their
     * arrays plus {@value Branches#OVERHEAD_BYTES} bytes per run for object headers, fields and the
     * queue's slot (for the preemption and delay bounds, {@link CostBoundedSearch#retainedBytes}).
     */
    long retainedBytes() {
        if (engine != null) {
            return engine.retainedBytes();
        }
        long bytes = 0;
        for (Branches b : pending) {
            bytes += b.bytes();
        }
        return bytes;
    }

    /** @return how many schedules have run (results passed to {@link #ran}) */
    public int schedulesRun() {
        return schedulesRun;
    }

    /** @return whether every schedule within the bound has run */
    public boolean exhausted() {
        return (engine != null ? !engine.hasPending() : !fifoPending && pending.isEmpty()) && outstanding.isEmpty();
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
        /** How many successors were handed out (or skipped as another shard's): the cursor's ordinal. */
        int handedOut;

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
            handedOut++;
            if (++alternative < width(position)) {
                return true;
            }
            alternative = 1;
            position++;
            skipSingleCandidatePositions();
            return position < end();
        }

        /** @return the estimate of what this run holds: its arrays' payload and {@link #OVERHEAD_BYTES} */
        long bytes() {
            return 4L * nonZero.length + (narrowWidths != null ? narrowWidths.length : 4L * wideWidths.length)
                    + OVERHEAD_BYTES;
        }
    }

    /**
     * Throws when {@code result}'s run failed for want of heap. The search holds most of it (every run
     * whose successors are still to come), and a run cut short by it records too few choices: taken,
     * it would drop the successors the rest of the run had, and the search would end as if exhausted;
     * refused, it read as a program that does not repeat its runs. Neither is the program's failure.
     *
     * @throws OutOfMemoryError saying so, with the run's own as its cause
     */
    private void ranOutOfHeap(SimResult<?> result) {
        Throwable t = result.failure();
        for (int depth = 0; t != null && depth < 16 && !(t instanceof OutOfMemoryError); depth++) {
            t = t.getCause();
        }
        if (t instanceof OutOfMemoryError oom) {
            OutOfMemoryError e;
            try {
                e = new OutOfMemoryError(String.format(java.util.Locale.ROOT, "%s: a run ran out of heap after %,d"
                        + " schedules, so the search cannot go on: it keeps every run whose successors are still to"
                        + " come; %s", name, schedulesRun, WAYS_OUT));
            } catch (OutOfMemoryError noRoomToSaySo) {
                throw oom;
            }
            e.initCause(oom);
            throw e;
        }
    }

    private static boolean startsWith(int[] choices, int[] prefix) {
        return choices != null && choices.length >= prefix.length
                && Arrays.equals(choices, 0, prefix.length, prefix, 0, prefix.length);
    }
}
