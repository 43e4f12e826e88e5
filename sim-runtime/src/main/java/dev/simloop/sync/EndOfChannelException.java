package dev.simloop.sync;

import java.util.NoSuchElementException;

/**
 * {@link Channel#receive()} on a channel that is closed and has nothing buffered: every value sent
 * before {@link Channel#close()} has been received, and no more will come. It is how a receiver
 * loop ends; iterating the channel ({@code for (T v : channel)}) ends there without it.
 */
public class EndOfChannelException extends NoSuchElementException {
    private static final long serialVersionUID = 1L;

    /** @param message names the channel */
    public EndOfChannelException(String message) {
        super(message);
    }
}
