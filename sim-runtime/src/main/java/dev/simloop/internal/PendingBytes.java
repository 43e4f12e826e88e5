package dev.simloop.internal;

import java.util.ArrayDeque;

/**
 * About how much heap a bounded search's pending runs hold, as it stood when each run was taken:
 * the bytes of every run queued up to and with that run, less those dropped by the time that run's
 * own prefix was handed out. Counting the drops only up to the run's own hand-out makes the figure
 * the same on one thread or several, however far the other runs had got, so a limit on it stops a
 * search after the same schedule every time. Not thread-safe: the search's lock covers it.
 */
public final class PendingBytes {
    private long added;
    private long dropped;
    /** {@link #dropped} as each prefix still out was handed out, oldest first. */
    private final ArrayDeque<Long> droppedAtHandOuts = new ArrayDeque<>();
    private long atLastRun;

    /** @param bytes what a run (or a cursor over one) just queued holds */
    public void queued(long bytes) {
        added += bytes;
    }

    /** @param bytes what a run (or a cursor) just dropped, its successors all handed out, held */
    public void dropped(long bytes) {
        dropped += bytes;
    }

    /** A prefix was handed out: its run, when taken, counts the drops up to here. */
    public void handedOut() {
        droppedAtHandOuts.add(dropped);
    }

    /** The run of the oldest prefix handed out was taken, and what it queued counted. */
    public void runTaken() {
        atLastRun = added - droppedAtHandOuts.remove();
    }

    /** @return what the pending runs held as the last run was taken */
    public long atLastRun() {
        return atLastRun;
    }
}
