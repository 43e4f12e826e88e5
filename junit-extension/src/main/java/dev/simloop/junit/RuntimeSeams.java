package dev.simloop.junit;

import dev.simloop.NondeterminismDetected;
import dev.simloop.SimResult;
import dev.simloop.PriorityPolicy;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * The few places where the extension meets runtime features that are still being built (the
 * exploration engine: PCT/POS strategies, traces, Chrome-trace files, the engine's own determinism
 * check, the priority policy). Each is one small method, so wiring a feature in changes only that
 * method.
 */
final class RuntimeSeams {
    private RuntimeSeams() {
    }

    /** Maps a {@link SimulatedLoop.Kind} to a runtime strategy. */
    static Strategy strategy(SimulatedLoop.Kind kind, int pctDepth) {
        return switch (kind) {
            case RANDOM -> Strategy.random();
            case FIFO -> Strategy.fifo();
            case PCT -> Strategy.pct(pctDepth);
            case POS -> Strategy.pos();
        };
    }

    /** Turns the runtime's standard priority policy on or off for one run. */
    static void priorityPolicy(Simulation.Builder b, boolean on) {
        b.priorityPolicy(on ? PriorityPolicy.standard() : null);
    }

    /**
     * The last trace events of a run as a per-task table, for the failure report.
     *
     * <p>SEAM: empty until the runtime records traces; the report then simply omits the table.
     */
    static Optional<String> traceTable(SimResult<?> r) {
        return Optional.empty();
    }

    /**
     * Writes the run's trace as Chrome-trace JSON under {@code target/simloop/} and returns its path.
     *
     * <p>SEAM: empty until the runtime records traces; the report then simply omits the path.
     *
     * @param fileStem a file-name-safe name for the test and schedule
     */
    static Optional<Path> chromeTrace(SimResult<?> r, String fileStem) {
        return Optional.empty();
    }

    /**
     * Checks that a run is deterministic: {@code rerun} replays it (given a builder configured with
     * the run's replay line) and the two runs must agree on digest and outcome.
     *
     * <p>SEAM: done here by replaying through the public API; when the engine checks determinism
     * itself, configure it on the builder instead and drop the rerun.
     *
     * @return the failure to report when the runs differ
     */
    static Optional<Throwable> checkDeterminism(SimResult<?> first, Function<Simulation.Builder, SimResult<?>> rerun) {
        SimResult<?> again = rerun.apply(Simulation.builder().replay(first.schedule()));
        boolean sameOutcome = first.failed() == again.failed()
                && (!first.failed() || first.failure().getClass() == again.failure().getClass());
        if (sameOutcome && first.traceDigest().equals(again.traceDigest())) {
            return Optional.empty();
        }
        NondeterminismDetected d = new NondeterminismDetected("checkDeterminism: replaying the run gave a different "
                + "result, so the test depends on something outside the simulation (static state, wall time, real "
                + "I/O, unseeded randomness). First run: " + describe(first) + ". Replay: " + describe(again) + ".");
        if (again.failure() != null) {
            d.addSuppressed(again.failure());
        }
        return Optional.of(d);
    }

    private static String describe(SimResult<?> r) {
        return (r.failed() ? "failed with " + r.failure() : "passed") + ", " + r.steps() + " steps, digest "
                + r.traceDigest();
    }
}
