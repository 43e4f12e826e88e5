package dev.simloop.jqwik;

import dev.simloop.Schedule;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import java.util.Objects;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * jqwik arbitraries of {@link Schedule}s.
 *
 * <p>A schedule is generated as a list of small non-negative ints, so jqwik's list and integer
 * shrinking moves it toward fewer choices and smaller values, i.e. toward plain FIFO order (an
 * empty schedule, or all zeros). A shorter schedule is always valid: the run continues under the
 * builder's strategy after the choices run out.
 */
public final class Schedules {
    /** Default maximum number of choices. */
    public static final int DEFAULT_MAX_LENGTH = 64;
    /** Default maximum choice value (a choice picks {@code ready[c % ready.size()]}). */
    public static final int DEFAULT_MAX_CHOICE = 7;
    /**
     * The largest {@code maxLength} accepted: a million choices. jqwik builds each sample as a list
     * of boxed ints, and a sample of ten million took seconds; near {@code Integer.MAX_VALUE} the
     * generator never returns (and ignores interrupts). A run whose bug needs a longer prefix of
     * chosen steps is better explored with {@code Exploration}.
     */
    public static final int MAX_LENGTH_LIMIT = 1_000_000;

    private Schedules() {}

    /** @return schedules of up to {@value #DEFAULT_MAX_LENGTH} choices in {@code 0..}{@value #DEFAULT_MAX_CHOICE} */
    public static Arbitrary<Schedule> schedules() {
        return schedules(DEFAULT_MAX_LENGTH, DEFAULT_MAX_CHOICE);
    }

    /**
     * @param maxLength maximum number of choices (0 to {@value #MAX_LENGTH_LIMIT})
     * @param maxChoice maximum value of one choice (at least 0)
     * @return schedules that shrink toward fewer and smaller choices
     */
    public static Arbitrary<Schedule> schedules(int maxLength, int maxChoice) {
        return schedules(0, maxLength, maxChoice);
    }

    /**
     * As {@link #schedules(int, int)}, with at least {@code minLength} choices (a {@code @Size(min = ..)}
     * on the parameter).
     */
    static Arbitrary<Schedule> schedules(int minLength, int maxLength, int maxChoice) {
        if (maxLength < 0) {
            throw new IllegalArgumentException("Schedules.schedules: maxLength must not be negative, but was " + maxLength);
        }
        if (maxLength > MAX_LENGTH_LIMIT) {
            throw new IllegalArgumentException("Schedules.schedules: maxLength must be at most " + MAX_LENGTH_LIMIT
                    + " (Schedules.MAX_LENGTH_LIMIT), but was " + maxLength + ": jqwik would build samples of up to that"
                    + " many boxed ints, and near Integer.MAX_VALUE its generator never returns. A schedule longer than"
                    + " its run's choices is never read; for longer runs, explore with Exploration instead");
        }
        if (maxChoice < 0) {
            throw new IllegalArgumentException("Schedules.schedules: maxChoice must not be negative, but was " + maxChoice);
        }
        if (minLength < 0 || minLength > maxLength) {
            throw new IllegalArgumentException("Schedules.schedules: minLength must be from 0 to maxLength ("
                    + maxLength + "), but was " + minLength);
        }
        return Arbitraries.integers().between(0, maxChoice)
                .list().ofMinSize(minLength).ofMaxSize(maxLength)
                .map(Schedule::of);
    }

    /**
     * A simulation builder that follows {@code schedule} and then continues with {@code after}.
     *
     * @param schedule the choices to follow first
     * @param after    the strategy for the part after the schedule ends
     * @return a builder to configure further and run
     */
    public static Simulation.Builder simulate(Schedule schedule, Strategy after) {
        Objects.requireNonNull(schedule, "Schedules.simulate: schedule");
        Objects.requireNonNull(after, "Schedules.simulate: after");
        return Simulation.builder().followChoices(schedule).strategy(after);
    }
}
