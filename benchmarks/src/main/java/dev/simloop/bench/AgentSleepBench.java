package dev.simloop.bench;

import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * Benchmark 11 (issue 14): with the simloop agent, a whole simulation whose task calls
 * {@code Thread.sleep(Duration.ofHours(1))}, in wall time (the goal: under 1 ms), against the same
 * simulation sleeping with simloop's own {@code Loop.sleep}. It needs the agent in the forked JVM,
 * so {@link Report} runs it in a JMH run of its own with {@code -javaagent}; each body checks that
 * the virtual clock moved by exactly one hour, so a run without the agent fails instead of
 * measuring something else.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AgentSleepBench {
    static final Duration HOUR = Duration.ofHours(1);

    /** @return the virtual nanos a simulation of {@code body} ended at; fails unless it is one hour */
    static long simulatedHour(dev.simloop.ThrowingRunnable body) {
        SimResult<Long> r = Simulation.builder().seed(1).strategy(Strategy.fifo()).run(() -> {
            body.run();
            return Loop.nanoTime();
        });
        if (r.failed() || r.value() != HOUR.toNanos()) {
            throw new IllegalStateException("the sleep did not take one virtual hour: "
                    + (r.failed() ? r.failure() : r.value() + " ns"));
        }
        return r.value();
    }

    /** {@code Thread.sleep(Duration.ofHours(1))} in a simulated task, with the agent; ns per run. */
    @Benchmark
    public long threadSleepHour() {
        return simulatedHour(() -> Thread.sleep(HOUR));
    }

    /** Baseline: {@code Loop.sleep(Duration.ofHours(1))} in the same kind of simulation; ns per run. */
    @Benchmark
    public long loopSleepHour() {
        return simulatedHour(() -> Loop.sleep(HOUR));
    }

    /** @return the agent's jar beside the benchmarks module (the reactor builds it first), or null */
    static Path agentJar() {
        Path target = Path.of(System.getProperty("simloop.agentDir", "../agent/target"));
        if (!Files.isDirectory(target)) {
            return null;
        }
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith("simloop-agent-") && n.endsWith(".jar") && !n.endsWith("-sources.jar")
                        && !n.endsWith("-javadoc.jar");
            }).findFirst().orElse(null);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** Runs one {@link #threadSleepHour} in a child JVM with the agent (the smoke test). */
    public static void main(String[] args) {
        System.out.println("virtual nanos " + new AgentSleepBench().threadSleepHour());
    }

    /** @return what a child JVM with the agent printed after one {@link #threadSleepHour} */
    static String runChildWithAgent(Path jar) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(Report.JVM_FLAGS));
        cmd.add("-Xshare:off"); // the JVM warns about class-data sharing once an agent is on the boot path
        cmd.add("-javaagent:" + jar);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(AgentSleepBench.class.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(new File("/dev/null"));
        // the launcher notes such options on stderr ("Picked up JDK_JAVA_OPTIONS"), mixed into the output read
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        int rc = p.waitFor();
        if (rc != 0) {
            throw new IllegalStateException("AgentSleepBench exited " + rc + ":\n" + out);
        }
        return out.strip();
    }
}
