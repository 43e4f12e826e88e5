package dev.simloop.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.junit.fixtures.ScaleOutFixtures;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a CI matrix does, on one machine: four shard JVMs of a passing and a failing explored test,
 * each appending to its own results file; their union is the unsharded exploration, none twice;
 * the merge fails for the failing test; and the failure one shard found replays in a fresh JVM
 * from its line.
 */
class ShardJvmsTest {
    private static final int SHARDS = 4;

    @TempDir
    Path dir;

    /** Runs {@link ShardMain} for a fixture in a fresh JVM with {@code -D} properties; @return its output lines. */
    private static String javaCommand() {
        return ProcessHandle.current().info().command().orElse(
                System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    }

    private static List<String> child(Class<?> fixture, String... properties) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(javaCommand(), "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-Xss16m"));
        for (String p : properties) {
            cmd.add("-D" + p);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ShardMain.class.getName(), fixture.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("CI_") || k.startsWith("CIRCLE_") || k.startsWith("BUILDKITE_")
                || k.equals("JOB_COMPLETION_INDEX") || k.equals("GITHUB_RUN_ID") || k.equals("JAVA_TOOL_OPTIONS"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().toList();
    }

    private static List<String> logOf(List<String> out) {
        return out.stream().filter(l -> l.startsWith("LOG ")).map(l -> l.substring(4)).toList();
    }

    private static String valueOf(List<String> out, String key) {
        return out.stream().filter(l -> l.startsWith(key + " ")).map(l -> l.substring(key.length() + 1)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + key + " line in " + out));
    }

    @Test
    void fourShardJvmsRunTheWholeExplorationOnceAndTheirFailureReplaysAnywhere() throws Exception {
        List<String> passing = new ArrayList<>();
        List<Integer> failureIndexes = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        String replay = null;
        for (int i = 1; i <= SHARDS; i++) {
            Path results = dir.resolve("shard-" + i + ".jsonl");
            files.add(results);
            String shard = "simloop.shard=" + i + "/" + SHARDS;
            List<String> p = child(ScaleOutFixtures.Passing.class, shard, "simloop.results=" + results);
            assertThat(p).contains("PASSED");
            passing.addAll(logOf(p));
            List<String> f = child(ScaleOutFixtures.Failing.class, shard, "simloop.results=" + results);
            assertThat(valueOf(f, "FAILED")).startsWith("org.opentest4j.AssertionFailedError: both increments must count");
            int index = Integer.parseInt(valueOf(f, "INDEX"));
            assertThat(index % SHARDS).as("shard %d finds a schedule of its own", i).isEqualTo(i - 1);
            failureIndexes.add(index);
            if (replay == null) {
                replay = valueOf(f, "REPLAY");
            }
        }

        // the shards agree on the seed (fresh seeds are shared when sharded), so the unsharded run
        // with that seed is the reference: the same schedules, each once
        @SuppressWarnings("unchecked")
        Map<String, Object> line = (Map<String, Object>) Json.read(Files.readAllLines(files.get(0)).get(0));
        long seed = (Long) line.get("seed");
        List<String> whole = logOf(child(ScaleOutFixtures.Passing.class, "simloop.seed=" + seed,
                "simloop.results=none"));
        assertThat(whole).hasSize(120);
        List<String> union = new ArrayList<>(passing);
        Collections.sort(union);
        List<String> sortedWhole = new ArrayList<>(whole);
        Collections.sort(sortedWhole);
        assertThat(union).isEqualTo(sortedWhole);

        // the merge, as a CI job runs it: java -cp <the simloop jars> dev.simloop.junit.Results merge ...
        Path xml = dir.resolve("merged.xml");
        List<String> args = new ArrayList<>(List.of("merge", "--xml", xml.toString()));
        files.forEach(f -> args.add(f.toString()));
        String cp = java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> e.contains("junit-extension") || e.contains("sim-runtime") || e.contains("simloop-"))
                .filter(e -> !e.contains("test-classes"))
                .collect(java.util.stream.Collectors.joining(File.pathSeparator));
        assertThat(cp).as("the merge runs on simloop's own jars, without JUnit").doesNotContain("junit-jupiter")
                .doesNotContain("junit-platform");
        List<String> cmd = new ArrayList<>(List.of(javaCommand(), "-cp", cp, Results.class.getName()));
        cmd.addAll(args);
        Process merge = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String summary = new String(merge.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(merge.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(merge.exitValue()).as(summary).isEqualTo(1);
        assertThat(summary).contains("ScaleOutFixtures$Passing.records", "ScaleOutFixtures$Failing.lostUpdate",
                "4 of 4", "2 tests, ");
        assertThat(Files.readString(xml)).contains("tests=\"2\" failures=\"1\"").contains("replay: " + replay);

        // the failure found in shard 1 replays, exactly, in a fresh JVM with no shard
        List<String> replayed = child(ScaleOutFixtures.Failing.class, "simloop.replay=" + replay, "simloop.results=none");
        assertThat(valueOf(replayed, "FAILED")).startsWith("org.opentest4j.AssertionFailedError: both increments must count");
        assertThat(valueOf(replayed, "REPLAY")).isEqualTo(replay);
        assertThat(failureIndexes).hasSize(SHARDS);
    }
}
