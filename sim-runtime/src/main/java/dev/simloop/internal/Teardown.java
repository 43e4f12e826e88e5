package dev.simloop.internal;

/**
 * Ends an aborted run (a deadlock, a limit, nondeterminism) so that no task thread outlives it:
 * every task still alive is woken to unwind ({@link TaskAbandoned} at its next runtime call), its
 * {@code finally} blocks run, and the loop runs their steps in FIFO order until none is left. A
 * task parked in java.util.concurrent is interrupted, once, so that an interruptible wait ends.
 */
final class Teardown {
    /** Steps the unwinding may take at most: a task that keeps going past that is left behind. */
    private static final long BUDGET = 1_000_000;

    private Teardown() {
    }

    /** Unwinds every live task of {@code loop}, whose {@code killing} flag is set. Driver thread. */
    static void unwind(Scheduler loop, ReadyQueue ready) {
        for (TaskImpl<?> t = loop.liveHead(); t != null; t = t.liveNext) {
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
                t.thread.interrupt(); // parked in java.util.concurrent: an interruptible wait ends
            }
        }
        for (long budget = BUDGET; budget > 0; budget--) {
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
                t.thread.interrupt();
            }
        }
    }

    /** Wake-ups from outside that arrived meanwhile: while unwinding, every task may run. */
    private static void resumeHeld(Scheduler loop) {
        for (TaskImpl<?> t = loop.liveHead(); t != null; t = t.liveNext) {
            if (t.foreignContinuation() != null) {
                loop.makeReady(t, OutsideWaits.takeHeld(t));
            }
        }
    }
}
