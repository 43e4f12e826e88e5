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
    /** indexInReady[k] is the index in the ready queue of candidates.get(k). */
    private int[] indexInReady = new int[16];

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
        int best = Integer.MAX_VALUE;
        boolean anyBoosted = false;
        for (int i = 0; i < n; i++) {
            TaskImpl<?> t = ready.get(i);
            if (ready.waitedSteps(t) >= boostAfter) {
                anyBoosted = true;
            } else {
                best = Math.min(best, Priorities.effective(t));
            }
        }
        candidates.clear();
        if (indexInReady.length < n) {
            indexInReady = new int[Math.max(n, indexInReady.length * 2)];
        }
        for (int i = 0; i < n; i++) {
            TaskImpl<?> t = ready.get(i);
            boolean boosted = ready.waitedSteps(t) >= boostAfter;
            // Boosted tasks run first (in ready order); otherwise the most urgent ones.
            if (anyBoosted ? boosted : Priorities.effective(t) == best) {
                indexInReady[candidates.size()] = i;
                candidates.add(t);
            }
        }
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
