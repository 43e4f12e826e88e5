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
import java.util.TreeMap;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Appends a simulated test's line to the results file ({@link Results} describes it). Apart from
 * {@code Results}, so that merging needs no JUnit class.
 */
final class ResultsFile {
    private ResultsFile() {
    }

    /**
     * Appends the line of one finished test invocation; a file that cannot be written is skipped, with a warning.
     *
     * @param shrunk the failure shrunk; null, or the failing run itself, when there is no simpler line
     */
    static void append(ExtensionContext context, RunConfig cfg, SimulatedLoopExtension.Progress progress,
            SimulatedLoopExtension.Judged failed, dev.simloop.SimResult<?> shrunk) {
        String where = context.getConfigurationParameter(Results.PROPERTY).or(
                () -> java.util.Optional.ofNullable(System.getProperty(Results.PROPERTY))).orElse("").strip();
        if (where.equals("none")) {
            return;
        }
        Path file = where.isEmpty() ? Path.of("target", "simloop", "results.jsonl") : Path.of(where);
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("test", context.getUniqueId());
        line.put("class", context.getRequiredTestClass().getName());
        line.put("method", context.getRequiredTestMethod().getName());
        line.put("display", context.getDisplayName());
        line.put("shard", cfg.shard().toString());
        line.put("strategy", cfg.strategyText());
        line.put("seed", cfg.isReplay() ? cfg.builderSeed() : cfg.baseSeed());
        line.put("schedules", cfg.schedules());
        line.put("run", progress.ran);
        line.put("passed", progress.ran - progress.otherCount() - (failed == null ? 0 : 1));
        line.put("stopReason", progress.why.name());
        line.put("distinct", progress.distinct());
        if (!progress.distinctExact()) {
            line.put("distinctEstimated", true); // from 262,144 distinct interleavings on: a HyperLogLog estimate
        }
        line.put("wallMillis", progress.wallTime().toMillis());
        line.put("parallelism", cfg.parallelism());
        List<Object> failures = new ArrayList<>();
        if (failed != null) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("schedule", failed.index());
            f.put("type", failed.failure().getClass().getName());
            f.put("message", String.valueOf(failed.failure().getMessage()));
            f.put("replay", failed.result().replayLine());
            f.put("preemptions", failed.result().preemptions());
            boolean fewer = shrunk != null && shrunk != failed.result();
            f.put("shrunk", fewer ? shrunk.replayLine() : null);
            f.put("shrunkPreemptions", fewer ? shrunk.preemptions() : null);
            failures.add(f);
        }
        line.put("failures", failures);
        line.put("otherFailures", new TreeMap<>(progress.others));
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
