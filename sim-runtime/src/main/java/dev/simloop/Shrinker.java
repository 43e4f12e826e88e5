package dev.simloop;

import dev.simloop.internal.DeadlockReport;
import dev.simloop.internal.Limits;
import dev.simloop.internal.Nanos;
import dev.simloop.internal.SafeText;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Shrinks a failing run to a schedule with as few preemptions ({@link SimResult#preemptions()}) as
 * a budget allows, failing the same way: the same exception class and the same message shape (the
 * message with every number and identity hash read as "some number"), and a failure the caller
 * hunts ({@link Exploration#failWhen}, which may tell those numbers apart). Three passes, each run a
 * replay of the program (the first two take turns until neither removes a preemption):
 *
 * <ol>
 *   <li>cut the failing run's choices just before one of its preemptions and let the
 *       non-preemptive schedule finish it, the earliest cut that keeps the failure found by
 *       halving: a few runs drop the preemptions after the bug's;
 *   <li>drop preemptions anywhere in the run, in chunks that halve when no chunk can go (delta
 *       debugging over the set of preemptions): each one dropped lets the task that had just
 *       yielded go on there with its next steps, and the run follows the rest of its tasks in
 *       order (a schedule of task ids, so an edit does not shift what the rest means). This
 *       removes the preemptions before the bug's, which the cut cannot, in about as many runs as
 *       the bug needs preemptions times the log of how many the run had. Where none can go, the
 *       tasks are tried in another order where a switch costs nothing ({@link #reorderAtFreeChoices});
 *   <li>iterative preemption bounding ({@link BoundedSearch#preemptions}) below that bound, fewest
 *       first, so the first run that fails the same way has the fewest preemptions of all.
 * </ol>
 *
 * The budget counts runs and wall time; the run count is checked first and decides every result
 * that fits in it, so shrinking is as deterministic as the program. A schedule found is validated by
 * the caller's traced replay of its line.
 *
 * @param <T> the program's value type
 */
final class Shrinker<T> {
    /** The default budget of runs. */
    static final int DEFAULT_REPLAYS = 2_000;
    /** The default wall-clock budget. */
    static final Duration DEFAULT_TIME = Duration.ofSeconds(2);

    private final Function<Simulation.Builder, ? extends SimResult<T>> runner;
    private final int maxReplays;
    private final long deadline;
    private int replays;
    /** Whether the last {@link #shrink} showed that no schedule with fewer preemptions fails the same way. */
    private boolean fewest;
    /** Whether the last {@link #shrink}'s replay of the failing run did not fail the same way. */
    private boolean replayedOtherwise;
    /** Whether an interrupt, not the budget, ended the last {@link #shrink} before it had shown {@link #fewest}. */
    private boolean interrupted;
    /** Whether a run of the last {@link #shrink}'s search did not follow its schedule, which ended the search. */
    private boolean diverged;
    /** The failing run's priority policy, which every schedule tried keeps; null for none. */
    private PriorityPolicy policy;
    /** Whether a failure of the same way is one the caller hunts ({@link Exploration#failWhen}); one it throws on is. */
    private final Predicate<? super Throwable> hunted;

    /**
     * @param runner runs the program on a builder that says which schedule to follow, with the run
     *     limits the runs that found the failure had (a JUnit test needs a fresh instance each time)
     * @param maxReplays the budget of runs
     * @param maxTime the wall-clock budget, from now
     */
    Shrinker(Function<Simulation.Builder, ? extends SimResult<T>> runner, int maxReplays, Duration maxTime) {
        this(runner, maxReplays, maxTime, failure -> true);
    }

    /**
     * @param runner as {@link #Shrinker(Function, int, Duration)}
     * @param maxReplays the budget of runs
     * @param maxTime the wall-clock budget, from now
     * @param hunted whether a run's failure is one the caller hunts, besides failing the same way
     *     ({@link Exploration#failWhen}): a run whose failure it rejects is no smaller run of the
     *     failure, though its message differs from it in numbers only
     */
    Shrinker(Function<Simulation.Builder, ? extends SimResult<T>> runner, int maxReplays, Duration maxTime,
            Predicate<? super Throwable> hunted) {
        this.hunted = hunted;
        this.runner = runner;
        this.maxReplays = maxReplays;
        // saturated: a budget of more nanoseconds than a long holds (ChronoUnit.FOREVER) is no limit, not an overflow
        this.deadline = System.nanoTime() + Math.min(Nanos.saturated(maxTime), Long.MAX_VALUE / 4);
    }

    /** @return how many runs shrinking took */
    int replays() {
        return replays;
    }

    /**
     * @return whether the last {@link #shrink} result has the fewest preemptions of all the runs that fail the
     *     same way: it has none, or every schedule with fewer was tried; false when the budget (or an interrupt)
     *     ended the search first, or the failure did not replay
     */
    boolean fewest() {
        return fewest;
    }

    /** @return whether the last {@link #shrink}'s replay of the failing run did not fail the same way */
    boolean replayedOtherwise() {
        return replayedOtherwise;
    }

    /**
     * @return whether the last {@link #shrink} stopped because a run of its preemption-bounded search did
     *     not follow the choices its schedule prescribes: the program did not repeat the earlier run they
     *     come from (it keeps state between runs), so the search could not go on
     */
    boolean diverged() {
        return diverged;
    }

    /**
     * @return whether an interrupt of the shrinking thread ended the last {@link #shrink} before it
     *     had tried every schedule with fewer preemptions (else, when not {@link #fewest}, the budget did)
     */
    boolean interrupted() {
        return interrupted;
    }

    /**
     * @param failed a failing run of the program
     * @return the failing run with the fewest preemptions found that fails as {@code failed} does:
     *     {@code failed} itself when none has fewer (within the budget)
     */
    SimResult<T> shrink(SimResult<T> failed) {
        SimResult<T> found = search(failed);
        // an interrupt stops the search where the budget would: only the flag tells the two apart
        interrupted = !fewest && !replayedOtherwise && !diverged && Thread.currentThread().isInterrupted();
        return found;
    }

    /** {@link #shrink}, but for telling what ended it. */
    private SimResult<T> search(SimResult<T> failed) {
        String way = way(failed.failure());
        policy = Schedule.parse(failed.replayLine()).priorityPolicy().orElse(null);
        fewest = failed.preemptions() == 0;
        replayedOtherwise = false;
        diverged = false;
        if (failed.preemptions() == 0 || !budgetLeft()) {
            return failed;
        }
        SimResult<T> replayed = run(recording(Simulation.builder().replay(failed.replayLine())));
        if (Thread.currentThread().isInterrupted()) {
            return failed; // the interrupt stopped the replay short of its schedule: it did not fail otherwise
        }
        if (!failsSo(replayed, way)) {
            replayedOtherwise = true;
            return failed; // the replay passed, or failed otherwise: the failure depends on more than the schedule
        }
        SimResult<T> best = replayed;
        for (SimResult<T> before = null; before != best && best.preemptions() > 0 && budgetLeft(); ) {
            before = best; // each pass can open the way for the others: until none removes one
            best = dropPreemptions(cutBeforePreemptions(best, way), way);
            if (best == before) {
                best = reorderAtFreeChoices(best, way);
            }
        }
        if (best.preemptions() >= failed.preemptions()) {
            best = failed;
        }
        if (best.preemptions() == 0) {
            fewest = true;
            return best;
        }
        BoundedSearch search = BoundedSearch.preemptions(best.preemptions() - 1);
        while (search.hasNext() && budgetLeft()) {
            SimResult<T> r = run(search.next(failed.seed()).priorityPolicy(policy));
            if (Thread.currentThread().isInterrupted()) {
                return best; // the run was stopped by the interrupt, short of its schedule: no result for the search
            }
            if (!search.ranIfFollowed(r)) {
                // the program did not repeat the run this schedule branches from: what the search would
                // conclude is about another program, and it cannot go on (its misuse error would lose the failure)
                diverged = true;
                return best;
            }
            if (failsSo(r, way)) {
                fewest = true;
                return r; // fewest first: nothing fails this way with fewer
            }
        }
        fewest = !search.hasNext() && !Thread.currentThread().isInterrupted(); // every schedule with fewer was tried
        return best;
    }

    /**
     * Cuts the schedule short before one of its preemptions and lets the non-preemptive schedule
     * finish the run. A cut before the bug's own preemptions loses the failure and a cut after
     * them keeps it, so the earliest cut that keeps it is searched for by halving (a run found
     * with two thousand preemptions takes about a dozen runs, not two thousand).
     *
     * @param recorded a run of a {@link Simulation#recordingWidths} builder that fails as wanted
     * @return a recorded run that fails so with fewer preemptions; {@code recorded} when no cut does
     */
    private SimResult<T> cutBeforePreemptions(SimResult<T> recorded, String way) {
        int[] choices = Simulation.choices(recorded);
        int[] continuing = Simulation.continuing(recorded);
        if (choices == null || continuing == null) {
            return recorded;
        }
        int[] at = preemptionsOf(choices, continuing);
        SimResult<T> best = recorded;
        int lo = 0;
        int hi = at.length; // cutting before at[hi] (none: hi == at.length) keeps the failure
        while (lo < hi && budgetLeft()) {
            int mid = (lo + hi) >>> 1;
            SimResult<T> r = runFollowing(recorded, Arrays.copyOf(choices, at[mid]));
            if (fewerSo(r, way, best)) {
                best = r;
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return best;
    }

    /**
     * Delta debugging over the run's preemptions: tries the run with a chunk of them dropped, keeps
     * the first try that still fails so with fewer preemptions, and halves the chunks when none
     * does, down to single preemptions. The run is edited as the tasks it ran, by id
     * ({@link #letContinue}), so the rest of it still runs the same tasks after an edit.
     *
     * @param current a recorded run that fails as wanted
     * @return a recorded run that fails so with the fewest preemptions this found; {@code current}
     *     when none has fewer
     */
    private SimResult<T> dropPreemptions(SimResult<T> current, String way) {
        int chunks = 2;
        while (current.preemptions() > 0 && budgetLeft()) {
            int[] ids = Simulation.chosenIds(current);
            int[] continuing = Simulation.continuingIds(current);
            int[] at = ids == null || continuing == null ? new int[0] : preemptionsOf(ids, continuing);
            if (at.length == 0) {
                return current;
            }
            chunks = Math.min(chunks, at.length);
            SimResult<T> fewer = null;
            for (int c = 0; c < chunks && fewer == null && budgetLeft(); c++) {
                int first = at.length * c / chunks;
                int last = at.length * (c + 1) / chunks - 1;
                // edited as runs of one task: a copy of the whole schedule per dropped preemption, or a
                // shift of the long runs the later edits merged, made one try of a long run quadratic
                ScheduleEdits tried = new ScheduleEdits(ids);
                for (int i = last; i >= first; i--) {
                    tried.letContinue(at[i], continuing[at[i]]); // the latest first: earlier positions stay
                    if ((last - i) % 256 == 255 && !budgetLeft()) {
                        return current; // a long run's try must not outlast the budget before it even runs
                    }
                }
                SimResult<T> r = runIds(current, tried.toArray());
                if (fewerSo(r, way, current)) {
                    fewer = r;
                }
            }
            if (fewer != null) {
                current = fewer;
                chunks = Math.max(chunks - 1, 2);
            } else if (chunks == at.length) {
                return current; // no single preemption can go
            } else {
                chunks = Math.min(chunks * 2, at.length);
            }
        }
        return current;
    }

    /**
     * Runs task {@code a} at choice {@code k} of a schedule of task ids with the steps it took next
     * (its next run of choices in the schedule, moved to {@code k}), and everything between after
     * them. When {@code a} had just yielded at {@code k}, this drops the preemption there.
     */
    static int[] letContinue(int[] ids, int k, int a) {
        int q = k + 1;
        while (q < ids.length && ids[q] != a) {
            q++;
        }
        int[] out = new int[q < ids.length ? ids.length : ids.length + 1];
        System.arraycopy(ids, 0, out, 0, k);
        if (q == ids.length) {
            out[k] = a; // it is not chosen again (its later steps had no rival): one step of it, then the rest
            System.arraycopy(ids, k, out, k + 1, ids.length - k);
            return out;
        }
        int r = q;
        while (r < ids.length && ids[r] == a) {
            r++;
        }
        System.arraycopy(ids, q, out, k, r - q);
        System.arraycopy(ids, k, out, k + (r - q), q - k);
        System.arraycopy(ids, r, out, r, ids.length - r);
        return out;
    }

    /**
     * A schedule of task ids edited by {@link #letContinue} at positions that only go down (the
     * latest preemption first), without copying it per edit. Before the last edit's position the
     * schedule is still the original; from there it is a list of runs (a task and how many choices
     * in a row it takes), maximal: no two neighbours are of one task. An edit brings the original
     * choices from its position into the list, finds the task's next run and moves that whole run
     * to the front: a few list operations, where an array would shift every choice between.
     */
    static final class ScheduleEdits {
        private static final class Run {
            final int task;
            int count;
            Run prev;
            Run next;

            Run(int task, int count) {
                this.task = task;
                this.count = count;
            }
        }

        private final int[] original;
        /** The position of {@link #head}: before it, the schedule is {@link #original}'s. */
        private int from;
        private Run head;
        private int length;

        ScheduleEdits(int[] ids) {
            this.original = ids;
            this.from = ids.length;
            this.length = ids.length;
        }

        /** As {@link Shrinker#letContinue}{@code (schedule, k, a)}, for {@code k} at or before every earlier edit's. */
        void letContinue(int k, int a) {
            if (k > from) {
                throw new IllegalArgumentException("edit at " + k + " after one at " + from);
            }
            for (int p = from - 1; p >= k; p--) {
                pushFront(new Run(original[p], 1));
            }
            from = k;
            // the choices after k: the first of a's is where its next run starts (never at k itself)
            Run found = head == null ? null : head.task == a && head.count > 1 ? head : head.next;
            while (found != null && found.task != a) {
                found = found.next;
            }
            length += found == null ? 1 : 0;
            if (found == head) {
                return; // a at k and right after: moving a's next choices before k changes nothing
            }
            if (found == null) {
                pushFront(new Run(a, 1)); // not chosen again: one choice of it, then the rest
                return;
            }
            unlink(found);
            pushFront(found);
        }

        private void pushFront(Run r) {
            if (head != null && head.task == r.task) {
                head.count += r.count;
                return;
            }
            r.prev = null;
            r.next = head;
            if (head != null) {
                head.prev = r;
            }
            head = r;
        }

        /** Takes {@code r} (not the head) out of the list, joining its neighbours when they are of one task. */
        private void unlink(Run r) {
            Run before = r.prev;
            Run after = r.next;
            before.next = after;
            if (after != null) {
                after.prev = before;
                if (after.task == before.task) {
                    before.count += after.count;
                    before.next = after.next;
                    if (after.next != null) {
                        after.next.prev = before;
                    }
                }
            }
            r.prev = null;
            r.next = null;
        }

        int[] toArray() {
            int[] out = Arrays.copyOf(original, length);
            int p = from;
            for (Run r = head; r != null; r = r.next) {
                Arrays.fill(out, p, p + r.count, r.task);
                p += r.count;
            }
            return out;
        }
    }

    /**
     * Where no preemption can go, a different order of the tasks' runs may need fewer: at a choice
     * that costs nothing (no task had just yielded: the run's start, or the running task blocked or
     * ended), runs another task's next steps first ({@link #letContinue} with that task). A lost
     * update found with its tasks in the "wrong" order, say, needs the other task to go first.
     *
     * @param current a recorded run that fails as wanted
     * @return the first such reorder that fails so with fewer preemptions; {@code current} when none does
     */
    private SimResult<T> reorderAtFreeChoices(SimResult<T> current, String way) {
        int[] ids = Simulation.chosenIds(current);
        int[] continuing = Simulation.continuingIds(current);
        if (ids == null || continuing == null) {
            return current;
        }
        for (int k = 0; k < ids.length && budgetLeft(); k++) {
            if (continuing[k] != -1) {
                continue; // a choice where a task had just yielded (or among timers): not free
            }
            java.util.BitSet tried = new java.util.BitSet();
            for (int q = k + 1; q < ids.length && budgetLeft(); q++) {
                int other = ids[q];
                if (other < 0 || other == ids[k] || tried.get(other)) {
                    continue;
                }
                tried.set(other);
                SimResult<T> r = runIds(current, letContinue(ids, k, other));
                if (fewerSo(r, way, current)) {
                    return r;
                }
            }
        }
        return current;
    }

    /** Runs the tasks {@code ids} names, choice by choice ({@link Simulation#followingTaskIds}), then the non-preemptive schedule. */
    private SimResult<T> runIds(SimResult<T> from, int[] ids) {
        return run(Simulation.followingTaskIds(nonPreemptiveAfter(from), ids));
    }

    /** @return the indexes of the choices that preempted: another task than the one that had just yielded */
    private static int[] preemptionsOf(int[] chosen, int[] continuing) {
        int n = 0;
        int[] at = new int[chosen.length];
        for (int p = 0; p < chosen.length; p++) {
            if (continuing[p] >= 0 && chosen[p] != continuing[p]) {
                at[n++] = p;
            }
        }
        return Arrays.copyOf(at, n);
    }

    /** Runs {@code choices}, then the non-preemptive schedule. */
    private SimResult<T> runFollowing(SimResult<T> from, int[] choices) {
        return run(nonPreemptiveAfter(from).followChoices(Schedule.of(choices)));
    }

    /**
     * @return a builder of {@code from}'s seed and priority policy that finishes the run without
     *     preempting, recording what the next pass edits ({@link Simulation#recordingWidths})
     */
    private Simulation.Builder nonPreemptiveAfter(SimResult<T> from) {
        return recording(Simulation.builder().seed(from.seed()).strategy(Strategy.nonPreemptive()).priorityPolicy(policy));
    }

    private static Simulation.Builder recording(Simulation.Builder b) {
        return Simulation.recordingWidths(b);
    }

    /** @return whether {@code r} fails the same way as {@code than} with fewer preemptions */
    private boolean fewerSo(SimResult<?> r, String way, SimResult<?> than) {
        return r.preemptions() < than.preemptions() && failsSo(r, way);
    }

    private boolean failsSo(SimResult<?> r, String way) {
        return r.failed() && way.equals(way(r.failure())) && hunts(r.failure());
    }

    /** @return whether {@code failure} is one the caller hunts: its predicate matches it, or throws on it */
    boolean hunts(Throwable failure) {
        try {
            return hunted.test(failure);
        } catch (RuntimeException | Error e) {
            return true; // as the exploration counts a failure its failWhen threw on (and ended there)
        }
    }

    private SimResult<T> run(Simulation.Builder b) {
        replays++;
        return runner.apply(b);
    }

    private boolean budgetLeft() {
        // an interrupt of the thread that shrinks stops it: its runs would be stopped too
        return replays < maxReplays && System.nanoTime() - deadline < 0 && !Thread.currentThread().isInterrupted();
    }

    /**
     * @param failure a run's failure
     * @return how it failed, for comparing: its class and its message's first line with numbers
     *     blanked; for a deadlock also its wait-for cycles, since its first line is the same for
     *     every deadlock and two cycles are two bugs, or, without a cycle, its blocked tasks and
     *     what each waits on ({@link DeadlockReport#blockedWaits}); for a stop at the end of time,
     *     which reads alike too and lists its tasks as a deadlock does, its blocked tasks and waits
     */
    static String way(Throwable failure) {
        Objects.requireNonNull(failure, "failure");
        String way = SafeText.way(failure);
        if (failure instanceof LimitExceeded && way.endsWith(Limits.AS_IN_A_DEADLOCK)) {
            return way + " blocked " + DeadlockReport.blockedWaits(failure.getMessage()); // a cycle's tasks too
        }
        if (!(failure instanceof DeadlockDetected d)) {
            return way;
        }
        return d.cycles().isEmpty() ? way + " blocked " + DeadlockReport.blockedWaits(d.getMessage())
                : way + " cycles " + d.cycles();
    }
}
