package dev.simloop.bench;

import java.util.Arrays;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;

/**
 * The wall times of a benchmark that interleaves kinds of work, over one JMH iteration: each round
 * runs one of each kind and adds their times here. A subclass, an {@code @AuxCounters} state, names
 * each kind's figure with a public method, which JMH reports beside the benchmark's own figure (ns
 * per schedule of that kind in the iteration; JMH sums a counter over the iterations, and
 * {@code Report} takes the mean). Measured this way, both sides of a speed-up see the same minutes
 * of a shared host (docs/benchmark-notes.md, "Row 8 measured interleaved").
 */
public abstract class RoundTimes {
    /** Each kind's wall time over the iteration's rounds, in the kinds' order. */
    private final long[] nanos;
    /** The schedules of one kind over the iteration's rounds (each round runs as many of each). */
    private long schedules;

    /** @param kinds how many kinds of work a round runs */
    RoundTimes(int kinds) {
        nanos = new long[kinds];
    }

    /** Starts an iteration's sums. */
    @Setup(Level.Iteration)
    public void clear() {
        Arrays.fill(nanos, 0);
        schedules = 0;
    }

    /**
     * One round.
     *
     * @param schedulesEach the schedules of each kind in it
     * @param nanosOfEach each kind's wall time, in the kinds' order
     */
    void add(int schedulesEach, long... nanosOfEach) {
        for (int k = 0; k < nanos.length; k++) {
            nanos[k] += nanosOfEach[k];
        }
        schedules += schedulesEach;
    }

    /**
     * @param kind the kind, by its place in the rounds
     * @param copies how many copies of the work ran at once in that kind's time (a control of two
     *     independent explorations: 2), whose schedules all count
     * @return ns per schedule of {@code kind} in this iteration; NaN before its first round
     */
    double perSchedule(int kind, int copies) {
        return schedules == 0 ? Double.NaN : nanos[kind] / ((double) schedules * copies);
    }
}
