package dev.simloop.junit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Appends a simulated test's line to the results file ({@link Results} describes it). Apart from
 * {@code Results}, so that merging needs no JUnit class.
 */
final class ResultsFile {
    private ResultsFile() {
    }

    /** The stop reason of a line whose test failed outside its schedules' judgement (see {@link #appendError}). */
    static final String ERROR = "ERROR";

    /**
     * Appends the line of one finished test invocation; a file that cannot be written is skipped, with a warning.
     *
     * @param shrunk the failure shrunk; null, or the failing run itself, when there is no simpler line
     */
    static void append(ExtensionContext context, RunConfig cfg, SimulatedLoopExtension.Progress progress,
            SimulatedLoopExtension.Judged failed, dev.simloop.SimResult<?> shrunk) {
        List<Object> failures = new ArrayList<>();
        if (failed != null) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("schedule", failed.index());
            f.put("type", failed.failure().getClass().getName());
            f.put("message", message(failed.failure()));
            f.put("replay", failed.result().replayLine());
            f.put("preemptions", failed.result().preemptions());
            boolean fewer = shrunk != null && shrunk != failed.result();
            f.put("shrunk", fewer ? shrunk.replayLine() : null);
            f.put("shrunkPreemptions", fewer ? shrunk.preemptions() : null);
            long[] order = cfg.searchMeasure() == null ? null
                    : dev.simloop.internal.SearchOrder.of(cfg.searchMeasure(), failed.result());
            if (order != null) {
                // a bounded search's shards number their own subtrees' schedules: the merge compares these instead
                f.put("order", java.util.Arrays.stream(order).boxed().toList());
            }
            failures.add(f);
        }
        write(context, line(context, cfg, progress, progress.why.name(), failed == null ? 0 : 1, failures));
    }

    /**
     * Appends the line of a test invocation that ended with {@code error} before its exploration was
     * judged: a setting that does not parse, a lifecycle method that threw (the first schedule's,
     * which JUnit runs), a runtime that cannot run (a later schedule's set-up: {@link #appendSetUpError}). Its stop reason is {@value #ERROR} and its one failure has no replay
     * line, so that a merge of the shards fails as JUnit failed the test.
     *
     * @param cfg the test's settings, or null when they did not resolve
     * @param progress how far the exploration got, or null when it did not start
     */
    static void appendError(ExtensionContext context, RunConfig cfg, SimulatedLoopExtension.Progress progress,
            Throwable error) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("schedule", null);
        appendError(context, cfg, progress, error, f);
    }

    /**
     * Appends the line of a test invocation whose exploration ended when the set-up of one of its
     * schedules (a fresh instance's constructor or {@code @BeforeEach} methods) threw {@code error}:
     * as {@link #appendError}, but its failure names that schedule's index and seed, and the
     * schedules before it, which ran, count as passed. It has no replay line: the schedule never ran.
     *
     * @param progress how far the exploration got, counting that schedule as run
     */
    static void appendSetUpError(ExtensionContext context, RunConfig cfg, SimulatedLoopExtension.Progress progress,
            Throwable error, int schedule, long seed) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("schedule", schedule);
        f.put("seed", seed);
        appendError(context, cfg, progress, error, f);
    }

    /** Writes an {@value #ERROR} line whose one failure is {@code where} (its schedule) and {@code error}, with no replay line. */
    private static void appendError(ExtensionContext context, RunConfig cfg, SimulatedLoopExtension.Progress progress,
            Throwable error, Map<String, Object> where) {
        where.put("type", error.getClass().getName());
        where.put("message", message(error));
        where.put("replay", null);
        write(context, line(context, cfg, progress, ERROR, 1, List.of(where)));
    }

    /**
     * @return the failure's message ({@code "null"} for none), cut as the report cuts the failure
     *     ({@link dev.simloop.internal.SafeText#brief(String, String)}: 2,000 characters): a line holds
     *     its replay lines whole, which a merge needs, but not a message of megabytes, which the
     *     test's own report (the failure's cause) has whole
     */
    static String message(Throwable failure) {
        return dev.simloop.internal.SafeText.brief(String.valueOf(dev.simloop.internal.SafeText.message(failure)),
                MESSAGE_NOTE);
    }

    /** After the count of a cut message's characters: where they all are. */
    static final String MESSAGE_NOTE = ": the test's own report has them all";

    /**
     * Appends the line of a simulated test that JUnit never ran, because what its class runs before its
     * tests failed with {@code error} ({@link NeverRun}): as {@link #appendError}, under the test's own
     * id and names, since the test has no context of its own.
     *
     * @param params the run's configuration parameters, then system properties: where the file is
     * @param cfg the test's settings, or null when they did not resolve
     */
    static void appendNeverRun(Function<String, Optional<String>> params, String testId, Class<?> testClass,
            String method, String display, RunConfig cfg, Throwable error) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("schedule", null);
        f.put("type", error.getClass().getName());
        f.put("message", message(error));
        f.put("replay", null);
        write(params, line(testId, testClass.getName(), method, display, cfg, null, ERROR, 1, List.of(f)));
    }

    /** The end of the unique id of an invocation of a test template ({@code @ParameterizedTest}, {@code @RepeatedTest}). */
    private static final java.util.regex.Pattern TEMPLATE_INVOCATION =
            java.util.regex.Pattern.compile("/\\[test-template-invocation:#\\d+]$");

    /**
     * @return the test's method as reports name it: {@code method}, with the display name after it
     *     ({@code method [repetition 2 of 4]}) for an invocation of a template, whose display name
     *     alone tells it from its siblings (also one that starts with the method's name, as
     *     {@code "repetition 1 of 4"} does for a method {@code r}, or {@code name = "{displayName} {0}"}
     *     for any), and for a test whose display name is not the method's own: {@code method(…)}, or
     *     {@code method} alone (JUnit's {@code Simple} generator drops an empty parameter list)
     */
    static String methodName(String testId, String method, String display) {
        boolean invocation = TEMPLATE_INVOCATION.matcher(testId).find();
        boolean own = display.equals(method) || display.startsWith(method + "(");
        return invocation || !own ? method + " [" + display + "]" : method;
    }

    private static Map<String, Object> line(ExtensionContext context, RunConfig cfg,
            SimulatedLoopExtension.Progress progress, String stopReason, int failed, List<Object> failures) {
        return line(context.getUniqueId(), context.getRequiredTestClass().getName(),
                context.getRequiredTestMethod().getName(), context.getDisplayName(), cfg, progress, stopReason, failed,
                failures);
    }

    private static Map<String, Object> line(String testId, String testClass, String method, String display,
            RunConfig cfg, SimulatedLoopExtension.Progress progress, String stopReason, int failed, List<Object> failures) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("test", testId);
        line.put("class", testClass);
        line.put("method", method);
        line.put("display", display);
        line.put("shard", cfg == null ? null : cfg.shard().toString()); // null: the settings did not resolve
        line.put("strategy", cfg == null ? null : cfg.strategyText());
        line.put("seed", cfg == null ? null : cfg.isReplay() ? cfg.builderSeed() : cfg.baseSeed());
        line.put("schedules", cfg == null ? null : cfg.schedules());
        int ran = progress == null ? 0 : progress.ran;
        line.put("run", ran);
        int aborted = progress == null ? 0 : progress.aborted;
        line.put("passed", progress == null ? 0 : Math.max(0, ran - progress.otherCount() - failed - aborted));
        line.put("aborted", aborted); // schedules an assumption aborted: they do not apply, so they neither pass nor fail
        line.put("stopReason", stopReason);
        line.put("distinct", progress == null ? 0 : progress.distinct());
        if (progress != null && !progress.distinctExact()) {
            line.put("distinctEstimated", true); // from 262,144 distinct interleavings on: a HyperLogLog estimate
        }
        line.put("wallMillis", progress == null ? 0 : progress.wallTime().toMillis());
        line.put("parallelism", cfg == null ? null : cfg.parallelism());
        line.put("failures", failures);
        line.put("otherFailures", progress == null ? Map.of() : new TreeMap<>(progress.others));
        return line;
    }

    /** Appends {@code line} to the file configured for the test of {@code context}, or warns that it cannot. */
    private static void write(ExtensionContext context, Map<String, Object> line) {
        write(key -> context.getConfigurationParameter(key).or(() -> Optional.ofNullable(System.getProperty(key))), line);
    }

    /** Appends {@code line} to the file that {@code params} configure, or warns that it cannot. */
    private static void write(Function<String, Optional<String>> params, Map<String, Object> line) {
        String where = params.apply(Results.PROPERTY).orElse("").strip();
        if (where.equalsIgnoreCase("none")) { // NONE too: not a file of that name in the working directory
            return;
        }
        Path file = where.isEmpty() ? Path.of("target", "simloop", "results.jsonl") : Path.of(where);
        try {
            appendLine(file, Json.write(line));
        } catch (IOException | RuntimeException e) {
            System.getLogger("dev.simloop.junit").log(System.Logger.Level.WARNING,
                    "simloop: could not append to " + file.toAbsolutePath() + " (" + e + "); set -D" + Results.PROPERTY
                            + "=PATH to write it elsewhere, or -D" + Results.PROPERTY + "=none to turn it off");
        }
    }

    /**
     * Appends one line under an exclusive file lock, so that JVMs appending at once do not mix lines
     * (and under this class's lock: a JVM may hold one lock on a file only).
     */
    static synchronized void appendLine(Path file, String line) throws IOException {
        // A file channel closes itself when its thread is interrupted, and a test whose @Timeout fired
        // still has its interrupt set here: the line of that test would be lost, and a merge of the
        // shards would pass a test that JUnit failed. So the write runs uninterrupted, and the
        // interrupt is set again after it.
        boolean interrupted = Thread.interrupted();
        try {
            appendUninterrupted(file, line);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void appendUninterrupted(Path file, String line) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            FileLock lock = ch.lock();
            try {
                ch.write(java.nio.ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
            } finally {
                lock.release();
            }
        }
    }

}
