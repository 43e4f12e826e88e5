package dev.simloop.jqwik;

import dev.simloop.Schedule;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.ThrowingSupplier;
import java.util.Objects;

/** Runs a simulation under a generated schedule and reports failures with their replay line. */
public final class Simulations {
    private Simulations() {}

    /**
     * Runs {@code main} under {@code schedule} (plain FIFO after it ends, so shrinking toward
     * fewer choices really moves toward FIFO) and returns its value.
     *
     * @throws ScheduleFailure when the run failed: its message holds the replay line of the run
     *                         and the number of preemptions among the run's recorded choices; its
     *                         cause is the original failure
     */
    public static <T> T check(Schedule schedule, ThrowingSupplier<T> main) {
        Objects.requireNonNull(schedule, "Simulations.check: schedule");
        return check(schedule, Strategy.fifo(), main);
    }

    /** As {@link #check(Schedule, ThrowingSupplier)}, continuing with {@code after} once the schedule ends. */
    public static <T> T check(Schedule schedule, Strategy after, ThrowingSupplier<T> main) {
        Objects.requireNonNull(schedule, "Simulations.check: schedule");
        Objects.requireNonNull(after, "Simulations.check: after");
        return check(Schedules.simulate(schedule, after), main);
    }

    /** As {@link #check(Schedule, ThrowingSupplier)} with a configured builder. */
    public static <T> T check(Simulation.Builder builder, ThrowingSupplier<T> main) {
        Objects.requireNonNull(builder, "Simulations.check: builder");
        Objects.requireNonNull(main, "Simulations.check: main");
        SimResult<T> r = builder.run(main);
        if (r.failed()) {
            throw new ScheduleFailure(r);
        }
        return r.value();
    }

    /**
     * @return the number of choices in a replay line that were not the FIFO head: its departures
     *     from FIFO order ({@link Schedule#departures()}), the measure generated schedules shrink
     *     toward; preemptions as CHESS counts them are {@code SimResult.preemptions()}
     */
    public static int preemptions(String replayLine) {
        return Schedule.parse(replayLine).departures();
    }

    /** The failure {@link #check} throws: an AssertionError naming the replay line. */
    public static final class ScheduleFailure extends AssertionError {
        private static final long serialVersionUID = 1L;
        private final transient String replayLine;
        private final int preemptions;

        ScheduleFailure(SimResult<?> r) {
            super(message(r), r.failure());
            this.replayLine = r.replayLine();
            this.preemptions = Simulations.preemptions(r.replayLine());
        }

        private static String message(SimResult<?> r) {
            return "simulation failed with " + r.failure() + "\n  preemptions: " + Simulations.preemptions(r.replayLine())
                    + "\n  replay: Simulation.builder().replay(\"" + r.replayLine() + "\")"
                    + "\n  or pin it as a JUnit test: @Test @SimulatedLoop(replay = \"" + r.replayLine() + "\")";
        }

        /** @return the replay line of the failed run */
        public String replayLine() {
            return replayLine;
        }

        /** @return preemptions among the failed run's recorded choices */
        public int preemptions() {
            return preemptions;
        }
    }
}
