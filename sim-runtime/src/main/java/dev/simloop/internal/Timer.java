package dev.simloop.internal;

/**
 * An entry in the loop's {@link TimerHeap}. Each sleeping task and each cancel scope with a
 * deadline owns exactly one reusable timer, so arming, moving and disarming never allocate.
 */
public abstract class Timer {
    /** Deadlines fire before wake-ups at the same instant, so a timeout "wins" a tie (as in trio). */
    static final int KIND_DEADLINE = 0;
    static final int KIND_WAKEUP = 1;

    /** Loop-clock nanos at which the timer fires; meaningful only while armed. */
    long deadline;
    /** Arming order; breaks ties between timers of the same kind at the same instant. */
    long seq;
    /** Position in the heap array, or -1 when not armed. Maintained only by {@link TimerHeap}. */
    int heapIndex = -1;
    final int kind;

    Timer(int kind) {
        this.kind = kind;
    }

    /** @return whether the timer is in the heap */
    public final boolean isArmed() {
        return heapIndex >= 0;
    }

    /** Runs on the driver thread when the loop clock reaches {@link #deadline}; already disarmed. */
    abstract void fire(Scheduler loop);

    /** @return a short description for deadlock reports */
    abstract String describe();
}
