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
 * The few places where the extension meets runtime features: strategies, the priority policy,
 * traces and Chrome-trace files, and the determinism check. Each is one small method.
 */
final class RuntimeSeams {
    private RuntimeSeams() {
    }

    /** Maps a {@link SimulatedLoop.Kind} to a runtime strategy. */
    static Strategy strategy(SimulatedLoop.Kind kind, int pctDepth) {
        return switch (kind) {
            case DEFAULT, RANDOM -> Strategy.random(); // DEFAULT is resolved by the number of schedules first
            case PORTFOLIO -> Strategy.portfolio();
            case FIFO -> Strategy.fifo();
            case PCT -> Strategy.pct(pctDepth);
            case POS -> Strategy.pos();
            case EXHAUSTIVE -> Strategy.fifo(); // what follows each searched schedule's choices
            case PREEMPTION_BOUNDED, DELAY_BOUNDED -> Strategy.nonPreemptive();
        };
    }

    /** Turns the runtime's standard priority policy on or off for one run. */
    static void priorityPolicy(Simulation.Builder b, boolean on) {
        b.priorityPolicy(on ? PriorityPolicy.standard() : null);
    }

    /** How many of the last trace events a failure report shows. */
    static final int REPORT_EVENTS = 40;

    /** The last trace events of a run as a per-task table, for the failure report. */
    static Optional<String> traceTable(SimResult<?> r) {
        return r.traceTable(REPORT_EVENTS);
    }

    /**
     * A report file: where it was written, or where it was to be written and why it could not be
     * (a file where {@code target/simloop} should be a directory, a directory that cannot be written).
     * The test's failure is reported either way; the report names the file, or says why it is missing.
     *
     * @param path the file's absolute path
     * @param failure why it could not be written, or null when it was
     */
    record ReportFile(Path path, Exception failure) {
        /** @return the path, or, when it could not be written, where it was to go and why not */
        String describe() {
            return failure == null ? path.toString() : "could not write " + path + " ("
                    + dev.simloop.internal.SafeText.of(failure) + "); the failure above is the test's own";
        }
    }

    /** What writes one report file's content to its path. */
    private interface Writer {
        void write(Path file) throws java.io.IOException;
    }

    /**
     * @return the file {@code target/simloop/<fileName>}, written, or with what stopped the writing:
     *     the report says so, and a file that cannot be written never takes the test's failure's place
     */
    private static ReportFile write(String fileName, Writer writer) {
        Path file = Path.of("target", "simloop", fileName).toAbsolutePath();
        try {
            java.nio.file.Files.createDirectories(file.getParent());
            writer.write(file);
            return new ReportFile(file, null);
        } catch (java.io.IOException | RuntimeException e) {
            return new ReportFile(file, e);
        }
    }

    /**
     * Writes the run's trace as Chrome-trace JSON to {@code target/simloop/<fileStem>.json} (relative
     * to the working directory, the module under Maven); empty when the run was not traced.
     *
     * @param fileStem a file-name-safe name for the test and schedule
     * @return the file, or where it was to go and why it could not be written
     */
    static Optional<ReportFile> chromeTrace(SimResult<?> r, String fileStem) {
        Optional<String> json = r.chromeTraceJson();
        if (json.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(write(fileStem + ".json", file -> java.nio.file.Files.writeString(file, json.get())));
    }

    /**
     * Writes the run as a self-contained HTML page to {@code target/simloop/<fileStem>.html}, beside
     * the Chrome trace; empty when the run was not traced.
     *
     * @param title the test, as the page's title
     * @param shrunkLine the replay line of a shrunk run, or null
     * @return the file, or where it was to go and why it could not be written
     */
    static Optional<ReportFile> htmlReport(SimResult<?> r, String fileStem, String title, String shrunkLine) {
        if (r.chromeTraceJson().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(write(fileStem + ".html", file -> r.writeHtmlReport(file, title, shrunkLine)));
    }

    /**
     * Checks that a run is deterministic: {@code rerun} replays it (given a builder configured with
     * the run's replay line) and the two runs must agree on digest and outcome.
     *
     * <p>Why not {@code Simulation.Builder.checkDeterminism}: that runs the same {@code main} twice,
     * but a JUnit invocation runs once, and the second run needs a fresh test instance with its
     * own {@code @BeforeEach}; so the extension replays on a fresh instance and compares.
     *
     * @return the failure to report when the runs differ
     */
    static Optional<Throwable> checkDeterminism(SimResult<?> first, Function<Simulation.Builder, SimResult<?>> rerun) {
        SimResult<?> again = rerun.apply(Simulation.builder().replay(first.replayLine()));
        boolean sameOutcome = first.failed() == again.failed()
                && (!first.failed() || first.failure().getClass() == again.failure().getClass());
        if (sameOutcome && first.traceDigest().equals(again.traceDigest())) {
            return Optional.empty();
        }
        NondeterminismDetected d = new NondeterminismDetected("checkDeterminism: replaying the run gave a different "
                + "result, so the test depends on something outside the simulation (static state, wall time, real "
                + "I/O, unseeded randomness, a queue or cache shared with a thread the simulation does not own: "
                + "docs/simulation.md, \"Libraries with threads of their own\"). First run: " + describe(first) + ". Replay: " + describe(again) + ".");
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
