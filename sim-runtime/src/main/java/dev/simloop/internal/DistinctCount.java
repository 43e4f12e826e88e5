package dev.simloop.internal;

/**
 * Counts the distinct digests of an exploration's schedules (its distinct interleavings) in
 * bounded memory: exactly, in a {@link LongSet}, up to {@link #EXACT_LIMIT}; past that, as a
 * HyperLogLog estimate (2<sup>14</sup> one-byte registers, a standard error of about 0.8 %).
 *
 * <p>Why: an exact set takes 16 bytes per distinct digest, and a time-limited soak run
 * ({@code -Dsimloop.timeLimit=PT10M}) of a program whose schedules nearly all differ reaches a
 * hundred million of them: the set ran out of heap before the time was up. The switch keeps 4 MB
 * for the first 262,144 and 16 KB after. Not thread-safe (each exploration counts under its lock).
 *
 * <p>Digests are added in batches of {@value #BATCH}: {@link #add} only appends to a buffer, and
 * the batch goes into the set when the buffer is full or the count is read. A parallel
 * exploration's workers take turns committing, and an insertion lands on a line of the set that
 * the other worker's core likely wrote last; appending fills one line after another, and a batch
 * is inserted by one thread at a time, its misses overlapping.
 */
public final class DistinctCount {
    /** Distinct digests counted exactly; the count is an estimate once this many differ. */
    public static final int EXACT_LIMIT = 1 << 18;
    private static final int P = 14;
    private static final int M = 1 << P;
    /** How many digests {@link #add} keeps before they go into the count. */
    static final int BATCH = 1024;

    /** The digests seen, while the count is exact; null after. */
    private LongSet exact = new LongSet();
    /** HyperLogLog registers, once the count is estimated: the highest rank seen per bucket. */
    private byte[] registers;
    /** Digests added, distinct or not: an estimate never exceeds it. */
    private long added;
    /** Digests added but not yet in the count: {@code pending[0, pendingSize)}. */
    private final long[] pending = new long[BATCH];
    private int pendingSize;

    /** An empty count. */
    public DistinctCount() {
    }

    /** @param digest a schedule's digest */
    public void add(long digest) {
        pending[pendingSize++] = digest;
        if (pendingSize == BATCH) {
            flush();
        }
    }

    /** Puts the pending digests into the count. */
    private void flush() {
        for (int i = 0; i < pendingSize; i++) {
            addNow(pending[i]);
        }
        pendingSize = 0;
    }

    private void addNow(long digest) {
        added++;
        if (registers != null) {
            estimate(digest);
            return;
        }
        exact.add(digest);
        if (exact.size() == EXACT_LIMIT) { // before the set doubles again (it holds 2 slots per value)
            registers = new byte[M];
            exact.forEach(this::estimate);
            exact = null;
        }
    }

    /** @return whether {@link #count} is exact */
    public boolean isExact() {
        flush();
        return registers == null;
    }

    /** @return how many distinct digests were added: exact below {@link #EXACT_LIMIT}, estimated from there on */
    public int count() {
        flush();
        if (registers == null) {
            return exact.size();
        }
        double sum = 0;
        for (byte r : registers) {
            sum += Math.scalb(1.0, -r);
        }
        double estimate = 0.7213 / (1 + 1.079 / M) * M * (double) M / sum; // far above the small-range correction here
        long bounded = Math.max(EXACT_LIMIT, Math.min(added, Math.round(estimate)));
        return (int) Math.min(Integer.MAX_VALUE, bounded);
    }

    private void estimate(long digest) {
        long h = mix(digest);
        int bucket = (int) (h >>> (64 - P));
        int rank = Long.numberOfLeadingZeros((h << P) | (1L << (P - 1))) + 1;
        if (rank > registers[bucket]) {
            registers[bucket] = (byte) rank;
        }
    }

    /** SplitMix64's finalizer: spreads the digest's bits so that buckets and ranks are independent. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
