package dev.simloop.internal;

/**
 * The loop's timers: the heap of armed timers (sleeps and scope deadlines), and firing the ones
 * that are due. In a simulation, several timers due at one virtual instant are a recorded choice
 * ({@link #fireTied}), because their order decides races at that instant.
 *
 * <p>A timer is in exactly one of two states: armed (in the heap) or not. Firing takes it out of
 * the heap first, and a due timer stays in the heap until it fires, so disarming a timer at any
 * moment (a sleeper cancelled by a deadline that fired first at the same instant) means it never
 * fires: no stale wake-up can reach a task that has moved on to another wait.
 *
 * <p>Driver thread only (or the task mounted on it).
 */
final class Timers {
    private final Scheduler loop;
    private final TimerHeap heap = new TimerHeap();
    /**
     * Scratch for {@link #fireTied}: the timers due at one instant, in firing order. Empty between
     * uses; made at the run's first tie (most runs have none).
     */
    private Timer[] due = TimerHeap.NONE;
    /** Scratch for {@link #fireTied}: which of {@link #due} have fired; made at the run's first tie. */
    private Untaken untaken;
    /** A timer was armed already due since the driver last looked ({@link #takeArmedDue}). */
    private boolean armedDue;

    Timers(Scheduler loop) {
        this.loop = loop;
    }

    boolean isEmpty() {
        return heap.isEmpty();
    }

    /** @return how many timers are armed */
    int size() {
        return heap.size();
    }

    /** @return the deadline of the next timer; the heap must not be empty */
    long nextDeadline() {
        return heap.peek().deadline;
    }

    /** @return whether a timer is due at {@code now} */
    boolean anyDue(long now) {
        Timer t = heap.peek();
        return t != null && t.deadline <= now;
    }

    /** Blocks {@code me} until the loop clock reaches {@code deadline}: a checkpoint. */
    void sleepUntil(TaskImpl<?> me, long deadline) {
        loop.checkCancelled(me);
        if (deadline <= loop.now()) {
            loop.schedulePoint();
            return;
        }
        TaskImpl<?>.SleepTimer timer = me.sleepTimer();
        timer.wakeAt = deadline;
        while (loop.now() < deadline) {
            heap.arm(timer, deadline);
            loop.block(me, timer, timer);
        }
    }

    void arm(Timer t, long deadline) {
        heap.arm(t, deadline);
        if (deadline <= loop.now() && loop.simulated) {
            armedDue = true; // real mode's driver looks at the heap's earliest deadline before every step
        }
    }

    /**
     * Whether a timer was armed for an instant that had already come (a zero delay, a deadline in
     * the past) since the last call; clears it. A simulation's clock stands still while tasks run
     * and moves only when none can, so such a timer would otherwise wait for every task to block,
     * where in real mode it fires before the next step: the driver fires it then in both modes.
     */
    boolean takeArmedDue() {
        boolean d = armedDue;
        armedDue = false;
        return d;
    }

    /** Whether {@link #takeArmedDue} would return true, without clearing it (always false in real mode). */
    boolean armedDue() {
        return armedDue;
    }

    void disarm(Timer t) {
        heap.remove(t);
    }

    /** @return every armed timer, in no particular order (for diagnostics) */
    Timer[] snapshot() {
        return heap.snapshot();
    }

    /**
     * Fires the timers due at {@code now}, earliest first.
     *
     * @return false when some due timers were held back for the ready tasks to run first (they
     *     stay armed and fire at a later call), or the strategy failed the run
     */
    boolean fireDue(long now, boolean chooseTies) {
        Timer t;
        while ((t = heap.peek()) != null && t.deadline <= now) {
            if (chooseTies && heap.secondIsDue(now)) {
                if (!fireTied(now)) {
                    return false;
                }
                continue;
            }
            heap.poll();
            t.fire(loop);
        }
        return true;
    }

    /**
     * Several timers are due at once in a simulation. What happens next is a recorded choice,
     * because it decides races at the same virtual instant: which tied timer fires next (a sleep
     * ending exactly at its scope's deadline completes when its wake-up fires first, and is
     * cancelled when the deadline does), and, once a fired timer has made tasks ready, whether
     * they run before the rest fire (a worker woken at the instant a waiter's deadline passes can
     * then hand over its result first), as if the tied timers were an instant apart. Choice 0 is
     * the production order, every due timer at once in heap order (deadlines before wake-ups, then
     * arming order), so FIFO keeps "the timeout wins a tie". The candidates of each choice are the
     * due timers still armed, in that order: a timer disarmed by one that fired (a cancelled
     * sleeper's wake-up) is no longer one. They are collected once; a due timer that a fire
     * disarms drops out where it stands ({@link TimerHeap#watchDue}), and they are collected afresh
     * only after a fire that armed one due at the instant.
     *
     * @return false when the rest were held back (they stay armed), or the strategy failed the run
     */
    private boolean fireTied(long now) {
        try {
            boolean collect = true;
            int collected = 0;
            for (;;) {
                if (collect) {
                    due = heap.collectDue(now, due);
                    collected = heap.dueCount;
                    if (untaken == null) {
                        untaken = new Untaken();
                    }
                    untaken.reset(collected);
                }
                int n = untaken.left();
                if (n == 0) {
                    return true;
                }
                int options = loop.hasReadyTasks() ? n + 1 : n;
                int index = options == 1 ? 0 : loop.pickTimer(options);
                if (index < 0) {
                    return false; // the strategy failed the run (a replay that no longer fits)
                }
                if (index == n) {
                    return false; // hold the rest back: the ready tasks run first
                }
                Timer chosen = due[untaken.take(index)];
                heap.remove(chosen);
                heap.watchDue(now, due, collected);
                try {
                    chosen.fire(loop);
                } finally {
                    collect = heap.endWatch();
                }
                if (loop.aborted()) {
                    return false;
                }
                // The rest are still the due timers in firing order, less those the fire disarmed (a
                // deadline that cancels a sleeper due at the same instant), unless it armed one due now:
                // then collect them afresh. Collecting and sorting before every fire made a thousand tasks
                // with one deadline n² log n, and so did collecting after every fire that disarmed a timer
                // due later (a deadline around a long sleep).
                for (int k = 0; k < heap.removedDueCount() && !collect; k++) {
                    untaken.takeAt(heap.removedDue(k));
                }
            }
        } finally {
            java.util.Arrays.fill(due, null);
        }
    }

    /**
     * Which of the collected due timers {@link #fireTied} has not fired yet: the {@code k}-th of
     * them, in firing order, is found and taken in O(log n) (a Fenwick tree of counts over the
     * positions), so that the choice index means what it meant when the due timers were collected
     * afresh before each choice.
     */
    private static final class Untaken {
        /** tree[i] (1-based): how many untaken positions in (i - lowbit(i), i]. */
        private int[] tree = new int[9];
        /** taken[p]: whether position p is taken. */
        private boolean[] taken = new boolean[8];
        private int size;
        private int left;

        /** All of positions 0 to {@code n - 1} untaken. */
        void reset(int n) {
            if (tree.length <= n) {
                tree = new int[Integer.highestOneBit(n) * 2 + 1];
                taken = new boolean[tree.length];
            }
            for (int i = 1; i <= n; i++) {
                tree[i] = i & -i;
            }
            java.util.Arrays.fill(taken, 0, n, false);
            size = n;
            left = n;
        }

        /** Takes position {@code pos} (a due timer disarmed by another's fire), if it is not taken yet. */
        void takeAt(int pos) {
            if (taken[pos]) {
                return;
            }
            taken[pos] = true;
            for (int i = pos + 1; i <= size; i += i & -i) {
                tree[i]--;
            }
            left--;
        }

        int left() {
            return left;
        }

        /** @return the position of the {@code k}-th (0-based) untaken one, now taken */
        int take(int k) {
            int pos = 0;
            int rank = k + 1;
            for (int step = Integer.highestOneBit(size); step > 0; step >>= 1) {
                int next = pos + step;
                if (next <= size && tree[next] < rank) {
                    pos = next;
                    rank -= tree[next];
                }
            }
            taken[pos] = true;
            for (int i = pos + 1; i <= size; i += i & -i) {
                tree[i]--;
            }
            left--;
            return pos;
        }
    }
}
