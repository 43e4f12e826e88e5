package dev.simloop.internal;

/**
 * The loop's optional priority policy (issue 3): among the ready tasks, only those with the most
 * urgent effective priority ({@link Priorities#effective}) may run next, FIFO among them; a task
 * that has been ready for {@code boostAfter} scheduling steps or more without running is boosted,
 * i.e. counts as most urgent, so no ready task starves. The strategy (FIFO in production, an
 * exploring one in a simulation) then chooses among these candidates only, so a simulation
 * explores only interleavings that the policy allows in production.
 */
public final class PriorityScheduling {
    private final int boostAfter;
    /** The candidates of the current step, in ready order; reused, so a step does not allocate. */
    private final ReadyQueue candidates = new ReadyQueue(false);
    /** The ready tasks of the current step, copied out of the queue in its order; empty between steps. */
    private TaskImpl<?>[] readyTasks = new TaskImpl<?>[16];
    /** indexInReady[k] is the index in the ready queue of candidates.get(k). */
    private int[] indexInReady = new int[16];
    /** effective[i]: the effective priority of ready.get(i) in the current step. */
    private int[] effective = new int[16];
    /** boosted[i]: whether ready.get(i) has waited long enough to be boosted. */
    private boolean[] boosted = new boolean[16];

    /** @param boostAfter scheduling steps a ready task may be passed over before it is boosted; at least 1 */
    public PriorityScheduling(int boostAfter) {
        if (boostAfter < 1) {
            throw new IllegalArgumentException("boostAfter must be at least 1, but was " + boostAfter);
        }
        this.boostAfter = boostAfter;
    }

    /**
     * Collects the tasks that may run next.
     *
     * @param ready the ready queue; not empty
     * @return the candidates in ready order; valid until the next call
     */
    ReadyQueue narrow(ReadyQueue ready) {
        int n = ready.size();
        if (effective.length < n) {
            int len = Math.max(n, effective.length * 2);
            effective = new int[len];
            boosted = new boolean[len];
            indexInReady = new int[len];
        }
        TaskImpl<?>[] tasks = readyTasks = ready.copyTo(readyTasks);
        int best = Integer.MAX_VALUE;
        boolean anyBoosted = false;
        for (int i = 0; i < n; i++) {
            TaskImpl<?> t = tasks[i];
            boosted[i] = ready.waitedSteps(t) >= boostAfter;
            if (boosted[i]) {
                anyBoosted = true;
            } else {
                // A lone ready task runs whatever its priority: walking what it inherits would visit
                // every task waiting behind it at each step, quadratic as a long chain of holders unwinds.
                effective[i] = n == 1 ? 0 : Priorities.effective(t);
                best = Math.min(best, effective[i]);
            }
        }
        int count = 0;
        for (int i = 0; i < n; i++) {
            // Boosted tasks run first (in ready order); otherwise the most urgent ones.
            if (anyBoosted ? boosted[i] : effective[i] == best) {
                indexInReady[count++] = i;
            }
        }
        candidates.refill(tasks, indexInReady, count);
        java.util.Arrays.fill(tasks, 0, n, null); // keeps no task reachable until the next step
        return candidates;
    }

    /**
     * @param candidateIndex an index into the last {@link #narrow} result
     * @return the same task's index in the ready queue
     */
    int readyIndex(int candidateIndex) {
        return indexInReady[candidateIndex];
    }

    @Override
    public String toString() {
        return "priority policy (boost after " + boostAfter + " steps)";
    }
}
