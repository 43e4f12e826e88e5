package dev.simloop.internal;

/**
 * What a finished run produced.
 *
 * @param value the root task's value
 * @param failure the run's failure, or null
 * @param steps the steps the run took
 * @param endNanos the loop clock at the end
 * @param choices every recorded choice
 * @param preemptions how many choices passed over the task whose step had just yielded (CHESS's preemptions)
 * @param digest the trace digest
 * @param trace the events, when traced; else null
 */
public record RunOutcome(Object value, Throwable failure, long steps, long endNanos, int[] choices, int preemptions,
        long digest, Trace trace) {
}
