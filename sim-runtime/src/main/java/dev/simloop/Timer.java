package dev.simloop;

/**
 * Periodic timers (aiotools' {@code create_timer}), started with
 * {@link TaskGroup#spawnTimer(String, java.time.Duration, DelayPolicy, ThrowingRunnable)}.
 *
 * <pre>{@code
 * Task<Void> timer = tg.spawnTimer("stats", Duration.ofSeconds(1), Timer.DelayPolicy.ACCUMULATE, () -> report());
 * ...
 * timer.cancel(); // stops the timer; its running ticks are cancelled and waited for
 * }</pre>
 *
 * The timer starts a tick task at fixed rate, at {@code t0 + k·interval} on the loop clock (k = 0 at
 * once), whatever the ticks take; the {@link DelayPolicy} says what happens to ticks that take
 * longer than the interval.
 */
public final class Timer {
    private Timer() {
    }

    /** What happens to a tick task still running when the next one starts (aiotools' {@code TimerDelayPolicy}). */
    public enum DelayPolicy {
        /**
         * Slow ticks overlap: each runs to its end, and all ticks still running are cancelled when
         * the timer is cancelled (aiotools' {@code DEFAULT}).
         */
        ACCUMULATE,
        /** The previous tick, if still running, is cancelled when the next one starts. */
        CANCEL
    }

    /** The timer task's body: a group holding the ticks, started at fixed rate until cancelled. */
    static Void run(String name, long intervalNanos, DelayPolicy policy, ThrowingRunnable tick) {
        TaskGroup.with(ticks -> {
            long t0 = Loop.nanoTime();
            Task<Void> previous = null;
            for (long k = 0;; k++) {
                Loop.sleepUntil(at(t0, k, intervalNanos));
                if (policy == DelayPolicy.CANCEL && previous != null && !previous.isDone()) {
                    previous.cancel();
                }
                previous = ticks.spawn(name + "#" + k, tick);
            }
        });
        return null;
    }

    /** @return {@code t0 + k·interval}, saturated at {@link Long#MAX_VALUE} */
    private static long at(long t0, long k, long interval) {
        if (k != 0 && interval > (Long.MAX_VALUE - t0) / k) {
            return Long.MAX_VALUE;
        }
        return t0 + k * interval;
    }
}
