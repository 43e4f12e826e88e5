package dev.simloop.internal;

/**
 * Sets the thread ids of a determinism check's second run apart from its first run's by a prime
 * larger than 64, so that code which picks something by {@code Thread.currentThread().threadId()}
 * modulo a small number (a stripe, a shard, a parity) picks differently in the two runs, and the
 * check sees the difference.
 *
 * <p>Why: the JVM counts thread ids over all its threads, so a run's tasks get ids that depend on
 * the runs before it, and no replay line repeats them in another JVM. Left alone, the second run's
 * ids are the first run's plus the number of threads the first run made: a run that makes two
 * threads gave {@code threadId() % 2} the same value in both runs, and the check passed a program
 * that was not deterministic. A prime offset over 64 is a multiple of no modulus from 2 to 64.
 *
 * <p>The ids are taken by creating virtual threads that are never started (an id each, and
 * nothing else). Threads that other code makes meanwhile shift the offset, which then differs
 * from the prime; the skew is a best effort that makes the check likelier to see, never a source
 * of a false report.
 */
public final class ThreadIdSkew {
    /** The smallest offset: the first prime above 64. */
    private static final long SMALLEST = 67;
    private static final Runnable NOTHING = () -> { };

    private ThreadIdSkew() {
    }

    /**
     * Called just before the first run.
     *
     * @return a mark to give {@link #after} once that run has ended
     */
    public static long mark() {
        return takeId();
    }

    /**
     * Called between the two runs: takes thread ids until the next one made is {@code mark + 1 + p},
     * {@code p} the smallest prime above 64 that is not smaller than what the first run took.
     *
     * @param mark what {@link #mark} gave before the first run
     */
    public static void after(long mark) {
        long id = takeId();
        long offset = smallestPrimeAtLeast(Math.max(SMALLEST, id - mark));
        while (id < mark + offset) { // the next thread made, the second run's first, gets mark + 1 + offset
            id = takeId();
        }
    }

    /** @return the id of a new thread, never started */
    private static long takeId() {
        return Thread.ofVirtual().unstarted(NOTHING).threadId();
    }

    static long smallestPrimeAtLeast(long n) {
        long p = Math.max(2, n);
        while (!isPrime(p)) {
            p++;
        }
        return p;
    }

    private static boolean isPrime(long n) {
        if (n % 2 == 0) {
            return n == 2;
        }
        for (long d = 3; d * d <= n; d += 2) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }
}
