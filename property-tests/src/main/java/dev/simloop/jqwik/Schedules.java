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

    private Schedules() {}

    /** @return schedules of up to {@value #DEFAULT_MAX_LENGTH} choices in {@code 0..}{@value #DEFAULT_MAX_CHOICE} */
    public static Arbitrary<Schedule> schedules() {
        return schedules(DEFAULT_MAX_LENGTH, DEFAULT_MAX_CHOICE);
    }

    /**
     * @param maxLength maximum number of choices (at least 0)
     * @param maxChoice maximum value of one choice (at least 0)
     * @return schedules that shrink toward fewer and smaller choices
     */
    public static Arbitrary<Schedule> schedules(int maxLength, int maxChoice) {
        if (maxLength < 0) {
            throw new IllegalArgumentException("Schedules.schedules: maxLength must not be negative, but was " + maxLength);
        }
        if (maxChoice < 0) {
            throw new IllegalArgumentException("Schedules.schedules: maxChoice must not be negative, but was " + maxChoice);
        }
        return Arbitraries.integers().between(0, maxChoice)
                .list().ofMaxSize(maxLength)
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
