package dev.simloop.internal;

import dev.simloop.CancelReason;

/**
 * Stops a real-mode loop from another thread the way SIGINT does: its root group is cancelled on
 * its driver, so shielded clean-up still runs. Used by {@code Workers} to end its worker loops.
 */
public final class LoopStopper {
    private LoopStopper() {
    }

    /**
     * @param call the API call, for the message
     * @return the loop of the calling task
     */
    public static Scheduler loopOf(String call) {
        return Current.task(call).loop();
    }

    /** Cancels {@code loop}'s root group at its next step. Any thread; a loop that has ended ignores it. */
    public static void stop(Scheduler loop) {
        cancelRoot(loop, CancelReason.EXPLICIT);
    }

    /**
     * Cancels {@code loop}'s root group on the loop's driver at its next step, for {@code reason}
     * (before the main task has opened the group, as the group opens: the run then ends as a
     * cancelled root group ends it, with no value, not as a cancelled main task). Any thread.
     */
    static void cancelRoot(Scheduler loop, CancelReason reason) {
        loop.post(() -> {
            if (loop.rootGroup != null) {
                CancelScopeTree.cancel(loop, loop.rootGroup.scope, reason);
            } else {
                loop.cancelRootGroupAtStart(reason);
            }
        });
    }
}
