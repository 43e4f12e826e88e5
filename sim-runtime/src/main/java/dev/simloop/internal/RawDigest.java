package dev.simloop.internal;

import dev.simloop.SimResult;

/**
 * A result that has its digest as a number: what counting distinct interleavings needs, without
 * formatting {@link SimResult#traceDigest()} as text and parsing it back for every schedule.
 * The runtime's own results implement it.
 */
public interface RawDigest {
    /** @return the digest that {@link SimResult#traceDigest()} prints in hexadecimal */
    long rawDigest();

    /** @return the digest of {@code r} as a number, whatever made it */
    static long of(SimResult<?> r) {
        return r instanceof RawDigest d ? d.rawDigest() : Long.parseUnsignedLong(r.traceDigest(), 16);
    }
}
