package dev.simloop.junit;

import dev.simloop.SimulationFailure;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The failure of a {@link SimulatedLoop} test. Its cause is the test's own failure, type and message
 * unchanged (an assertion error, an exception, {@code DeadlockDetected}, {@code LimitExceeded},
 * {@code NondeterminismDetected}); its message is the report: seed, strategy, which schedule out of
 * how many, virtual time, steps, the shrunk line and the replay line with their preemptions, the
 * annotation to paste and the {@code -D} form.
 */
public final class SimulatedLoopFailure extends SimulationFailure {
    private static final long serialVersionUID = 1L;

    private final long seed;
    private final String strategy;
    private final int scheduleIndex;
    private final int schedules;
    private final Duration virtualTime;
    private final long steps;
    private final String replayLine;
    private final String traceDigest;
    private final int preemptions;
    private final String shrunkReplayLine;
    private final int shrunkPreemptions;

    SimulatedLoopFailure(String message, Throwable cause, long seed, String strategy, int scheduleIndex,
            int schedules, Duration virtualTime, long steps, String replayLine, String traceDigest, int preemptions,
            String shrunkReplayLine, int shrunkPreemptions) {
        super(message, cause);
        this.seed = seed;
        this.strategy = strategy;
        this.scheduleIndex = scheduleIndex;
        this.schedules = schedules;
        this.virtualTime = virtualTime;
        this.steps = steps;
        this.replayLine = replayLine;
        this.traceDigest = traceDigest;
        this.preemptions = preemptions;
        this.shrunkReplayLine = shrunkReplayLine;
        this.shrunkPreemptions = shrunkPreemptions;
    }

    /** @return the seed of the failing run */
    public long seed() {
        return seed;
    }

    /** @return the textual form of the strategy of the failing run */
    public String strategy() {
        return strategy;
    }

    /** @return the 0-based index of the failing schedule */
    public int scheduleIndex() {
        return scheduleIndex;
    }

    /** @return how many schedules the exploration was to run */
    public int schedules() {
        return schedules;
    }

    /** @return the virtual time at the end of the failing run */
    public Duration virtualTime() {
        return virtualTime;
    }

    /** @return the scheduling steps of the failing run */
    public long steps() {
        return steps;
    }

    /** @return the replay line; {@code @SimulatedLoop(replay = it)} reproduces the failing run */
    public String replayLine() {
        return replayLine;
    }

    /** @return the trace digest of the failing run: a replay has the same one */
    public String traceDigest() {
        return traceDigest;
    }

    /** @return the preemptions of the failing run, as {@code SimResult.preemptions()} counts them */
    public int preemptions() {
        return preemptions;
    }

    /**
     * @return the replay line of the shrunk failure: a run with fewer preemptions that fails the same
     *     way (validated by replay), which the report suggests to paste; empty when shrinking was off
     *     or found none with fewer ({@link SimulatedLoop#shrink()})
     */
    public Optional<String> shrunkReplayLine() {
        return Optional.ofNullable(shrunkReplayLine);
    }

    /** @return the preemptions of the shrunk failure; empty when there is none ({@link #shrunkReplayLine()}) */
    public OptionalInt shrunkPreemptions() {
        return shrunkReplayLine == null ? OptionalInt.empty() : OptionalInt.of(shrunkPreemptions);
    }
}
