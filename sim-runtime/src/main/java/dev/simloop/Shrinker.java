package dev.simloop;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Shrinks a failing run to a schedule with as few preemptions ({@link SimResult#preemptions()}) as
 * a budget allows, failing the same way: the same exception class and the same message shape (the
 * message with every number read as "some number"). Two passes, each run a replay of the program:
 *
 * <ol>
 *   <li>cut the failing run's choices just before one of its preemptions and let the
 *       non-preemptive schedule finish it, earliest cut first: a few runs give an upper bound;
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
    private static final Pattern NUMBER = Pattern.compile("\\d+");

    private final Function<Simulation.Builder, ? extends SimResult<T>> runner;
    private final int maxReplays;
    private final long deadline;
    private int replays;
    /** The failing run's priority policy, which every schedule tried keeps; null for none. */
    private PriorityPolicy policy;

    /**
     * @param runner runs the program on a builder that says which schedule to follow, with the run
     *     limits the runs that found the failure had (a JUnit test needs a fresh instance each time)
     * @param maxReplays the budget of runs
     * @param maxTime the wall-clock budget, from now
     */
    Shrinker(Function<Simulation.Builder, ? extends SimResult<T>> runner, int maxReplays, Duration maxTime) {
        this.runner = runner;
        this.maxReplays = maxReplays;
        this.deadline = System.nanoTime() + Math.min(maxTime.toNanos(), Long.MAX_VALUE / 4);
    }

    /** @return how many runs shrinking took */
    int replays() {
        return replays;
    }

    /**
     * @param failed a failing run of the program
     * @return the failing run with the fewest preemptions found that fails as {@code failed} does:
     *     {@code failed} itself when none has fewer (within the budget)
     */
    SimResult<T> shrink(SimResult<T> failed) {
        String way = way(failed.failure());
        policy = Schedule.parse(failed.replayLine()).priorityPolicy().orElse(null);
        SimResult<T> best = cutBeforePreemptions(failed, way);
        if (best == null) {
            return failed; // its replay did not fail so: the failure depends on more than the schedule
        }
        if (best.preemptions() == 0) {
            return best;
        }
        BoundedSearch search = BoundedSearch.preemptions(best.preemptions() - 1);
        while (search.hasNext() && budgetLeft()) {
            SimResult<T> r = run(search.next(failed.seed()).priorityPolicy(policy));
            search.ran(r);
            if (r.failed() && way.equals(way(r.failure()))) {
                return r; // fewest first: nothing fails this way with fewer
            }
        }
        return best;
    }

    /**
     * @return a run that fails as {@code failed} does with fewer preemptions, found by cutting the
     *     schedule before one of them; {@code failed} when none is; null when the replay of
     *     {@code failed} itself did not fail so
     */
    private SimResult<T> cutBeforePreemptions(SimResult<T> failed, String way) {
        if (failed.preemptions() == 0 || !budgetLeft()) {
            return failed;
        }
        SimResult<T> recorded = run(Simulation.recordingWidths(Simulation.builder().replay(failed.replayLine())));
        if (!recorded.failed() || !way.equals(way(recorded.failure()))) {
            return null; // the replay passed, or failed otherwise: nothing to shrink from, and no search would be
        }
        int[] choices = Simulation.choices(recorded);
        int[] continuing = Simulation.continuing(recorded);
        if (choices == null || continuing == null) {
            return failed;
        }
        int before = 0;
        for (int p = 0; p < choices.length && before < failed.preemptions() && budgetLeft(); p++) {
            if (continuing[p] >= 0 && choices[p] != continuing[p]) {
                SimResult<T> r = run(Simulation.builder().seed(failed.seed()).strategy(Strategy.nonPreemptive())
                        .priorityPolicy(policy)
                        .followChoices(Schedule.of(Arrays.copyOf(choices, p))));
                if (r.failed() && way.equals(way(r.failure())) && r.preemptions() < failed.preemptions()) {
                    return r;
                }
                before++;
            }
        }
        return failed;
    }

    private SimResult<T> run(Simulation.Builder b) {
        replays++;
        return runner.apply(b);
    }

    private boolean budgetLeft() {
        return replays < maxReplays && System.nanoTime() - deadline < 0;
    }

    /**
     * @param failure a run's failure
     * @return how it failed, for comparing: its class and its message's first line with numbers blanked
     */
    static String way(Throwable failure) {
        Objects.requireNonNull(failure, "failure");
        String message = failure.getMessage() == null ? "" : failure.getMessage().lines().findFirst().orElse("");
        return failure.getClass().getName() + ": " + NUMBER.matcher(message).replaceAll("#");
    }
}
