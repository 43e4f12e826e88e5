package dev.simloop.sync;

/**
 * A {@link Channel#send} on a channel that is closed: sent after {@link Channel#close()}, or
 * still waiting for room when the channel was closed (the value was not delivered).
 */
public class ChannelClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** @param message names the channel */
    public ChannelClosedException(String message) {
        super(message);
    }
}
