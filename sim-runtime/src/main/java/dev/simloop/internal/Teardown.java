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
                reportLeftWaiting(loop);
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

    /**
     * Every task that could unwind has: one still parked in java.util.concurrent after the interrupt
     * that unwinds it (it caught the InterruptedException and waited again, or its wait ignores
     * interrupts) never ends with the run, and its {@code finally} blocks have not run. The run's
     * failure says so, naming it and where it waits, as it does for a task that catches
     * {@link TaskAbandoned} around a wait of simloop's; before, the run returned as if it had unwound.
     */
    private static void reportLeftWaiting(Scheduler loop) {
        for (TaskImpl<?> t = loop.liveHead(); t != null; t = t.liveNext) {
            if (!t.done && !t.inReady && t.blockedOn == null && t.foreignContinuation() == null && t.killInterrupted()) {
                StackTraceElement[] stack = Frames.stackOf(t);
                StringBuilder where = new StringBuilder();
                Watchdog.appendStack(where, stack);
                dev.simloop.LimitExceeded e = new dev.simloop.LimitExceeded(t.quoted() + " did not end while the aborted"
                        + " run unwound it: it waits in java.util.concurrent (or Object.wait) again after the interrupt that unwinds"
                        + " it (it caught the InterruptedException around a wait, in a loop, say, or its wait ignores interrupts),"
                        + " so its finally blocks have not run. Let the InterruptedException pass such a catch. The task's"
                        + " thread stays parked until something outside the run ends that wait. The task is at:" + where);
                e.setStackTrace(stack);
                loop.failedWhileUnwinding(e);
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
