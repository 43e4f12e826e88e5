package dev.simloop;

/**
 * A blocking call (a checkpoint, a wait, a sleep, a spawn) was made inside {@link Loop#runSync},
 * which runs code only as long as it never needs another task to run. The message names the call;
 * the stack trace shows where it was made.
 */
public class SynchronousBlockingException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** @param call the blocking call, e.g. {@code Loop.sleep} */
    public SynchronousBlockingException(String call) {
        super(call + " blocks, but it was called inside Loop.runSync, which runs code only as long as it never "
                + "blocks; run this code in a task (Loop.run, a TaskGroup) instead, or use the non-blocking form "
                + "(Lock.tryAcquire, Channel.trySend, Event.isSet, ...)");
    }
}
