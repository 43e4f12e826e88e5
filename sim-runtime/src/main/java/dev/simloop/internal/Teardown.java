package dev.simloop.internal;

/**
 * Ends an aborted run (a deadlock, a limit, nondeterminism) so that no task thread outlives it:
 * every task still alive is woken to unwind ({@link TaskAbandoned} at its next runtime call), its
 * {@code finally} blocks run, and the loop runs their steps in FIFO order until none is left. A
 * task parked in java.util.concurrent is interrupted, once, so that an interruptible wait ends.
 */
final class Teardown {
    /**
     * Steps the unwinding may take at most, besides {@link #STEPS_PER_TASK} per task: a task that
     * keeps going past that is left behind.
     */
    private static final long BUDGET = 1_000_000;
    /** Each task alive at the abort adds this many steps to the budget: a million parked tasks all unwind. */
    private static final long STEPS_PER_TASK = 4;

    private Teardown() {
    }

    /** Unwinds every live task of {@code loop}, whose {@code killing} flag is set. Driver thread. */
    static void unwind(Scheduler loop, ReadyQueue ready) {
        long budget = BUDGET;
        for (TaskImpl<?> t = loop.liveHead(); t != null; t = t.liveNext) {
            budget += STEPS_PER_TASK;
            if (t.blockedOn != null) {
                if (t.waitQueue != null) {
                    t.waitQueue.remove(t);
                }
                if (t.sleepTimerIfMade() != null) {
                    loop.disarm(t.sleepTimerIfMade());
                }
                loop.wake(t, TaskImpl.WAKE_KILLED);
            } else if (t.foreignContinuation() != null) {
                loop.makeReady(t, OutsideWaits.takeHeld(t));
            } else if (!t.inReady) {
                t.interruptToUnwind(); // parked in java.util.concurrent: an interruptible wait ends
            }
        }
        for (; budget > 0; budget--) {
            loop.drainInbox();
            resumeHeld(loop);
            if (ready.isEmpty()) {
                return;
            }
            TaskImpl<?> t = ready.removeAt(0);
            loop.runUnwindingStep(t);
            if (!t.done && !t.inReady && t.blockedOn == null && t.foreignContinuation() == null && !t.killInterrupted()) {
                // it parked in java.util.concurrent while unwinding (e.g. in a finally): end that wait too,
                // once: a wait that ignores interrupts (ReentrantLock.lock) would otherwise spin here
                t.killInterrupted(true);
                t.interruptToUnwind();
            }
        }
    }

    /** Wake-ups from outside that arrived meanwhile: while unwinding, every task may run. */
    private static void resumeHeld(Scheduler loop) {
        if (!loop.outside.anyWakeHeld()) {
            return; // no scan of every live task at every step: a tear-down of n tasks stays O(n)
        }
        for (TaskImpl<?> t = loop.liveHead(); t != null; t = t.liveNext) {
            if (t.foreignContinuation() != null) {
                loop.makeReady(t, OutsideWaits.takeHeld(t));
            }
        }
    }
}
