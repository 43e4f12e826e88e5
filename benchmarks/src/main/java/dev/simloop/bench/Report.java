package dev.simloop.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH benchmarks of this module and prints each simloop figure as a ratio to a baseline
 * measured in the same run, then the time-to-bug table and the scale figure (in a child JVM).
 *
 * <p>Arguments: {@code quick} (default: 1 fork, 3 x 1 s warm-up, 3 x 1 s measurement) or {@code full}
 * (2 forks, 5 x 2 s + 5 x 2 s); optionally {@code jmh-only} to skip time-to-bug and scale, or
 * {@code only=REGEX} to run only the benchmarks JMH's include pattern selects (and nothing else);
 * {@code first-run} prints only {@link FirstSimulation}'s figures.
 */
public final class Report {
    /** The JVM flags every forked benchmark JVM needs. */
    static final String[] JVM_FLAGS = {
        "--enable-preview",
        "--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED",
        "-Xss16m",
    };

    private Report() {
    }

    /** One line of the table: a simloop figure against a baseline, with a target on the ratio or the rate. */
    record Row(String what, String bench, String baseline, String target) {
    }

    static final List<Row> ROWS = List.of(
            new Row("1 task switch (ns/switch)", "TaskSwitchBench.simloopCheckpoint", "TaskSwitchBench.continuationYield",
                    "ratio <= 2"),
            new Row("", "TaskSwitchBench.simloopCheckpoint", "TaskSwitchBench.platformParkUnpark", ""),
            new Row("2 spawn+join, simulated, one group", "SpawnJoinBench.simulatedOneGroup",
                    "SpawnJoinBench.structuredTaskScope", "ratio < 1"),
            new Row("  simulated, group per child", "SpawnJoinBench.simulatedGroupPerChild",
                    "SpawnJoinBench.structuredTaskScope", "ratio < 1"),
            new Row("  real, one group", "SpawnJoinBench.realOneGroup", "SpawnJoinBench.structuredTaskScope", "ratio < 1"),
            new Row("  real, group per child", "SpawnJoinBench.realGroupPerChild", "SpawnJoinBench.structuredTaskScope",
                    "ratio < 1"),
            new Row("  simulated, one group", "SpawnJoinBench.simulatedOneGroup", "SpawnJoinBench.virtualThreadExecutor", ""),
            new Row("  real, one group", "SpawnJoinBench.realOneGroup", "SpawnJoinBench.virtualThreadExecutor", ""),
            new Row("3 exploration, random (ns/schedule)", "ExplorationBench.lostUpdate[random]",
                    "ExplorationBench.bareSimulation[random]", ">= 100,000/s"),
            new Row("  exploration, pct(3)", "ExplorationBench.lostUpdate[pct(3)]",
                    "ExplorationBench.bareSimulation[pct(3)]", ">= 100,000/s"),
            new Row("4 timer events (ns/event)", "TimerBench.timerEvents", "TaskSwitchBench.continuationYield",
                    ">= 2,000,000/s"),
            new Row("  one sleep per task (ns/task)", "TimerBench.sleepers", "TimerBench.checkpointers", ">= 1,000,000/s"),
            new Row("5 lock, simulated (ns/pair)", "LockBench.simulatedLock", "LockBench.reentrantLock",
                    "ratio <= 3, 0 B"),
            new Row("  lock, real", "LockBench.realLock", "LockBench.reentrantLock", "ratio <= 3, 0 B"),
            new Row("7 monitor oob round trip (ns/trip)", "MonitorBench.oobRoundTrip", "TaskSwitchBench.continuationYield",
                    "ratio <= 3"),
            new Row("  in a task", "MonitorBench.oobRoundTripInTask", "TaskSwitchBench.continuationYield", "ratio <= 3"),
            new Row("8 exploration on 2 threads (ns/schedule)", "ParallelExplorationBench.twoThreads",
                    "ParallelExplorationBench.oneThread", "speed-up >= 1.8"),
            new Row("  control: 2 independent explorations", "ParallelExplorationBench.twoIndependentExplorations",
                    "ParallelExplorationBench.oneThread", ""),
            new Row("  @SimulatedLoop(parallelism = 2)", "UserPathBench.simulatedLoopTwoThreads",
                    "UserPathBench.simulatedLoopOneThread", "speed-up >= 1.8"),
            new Row("    control: 2 independent test runs", "UserPathBench.simulatedLoopTwoIndependentRuns",
                    "UserPathBench.simulatedLoopOneThread", ""),
            new Row("  floor: bare VTs on 2 threads", "VirtualThreadFloorBench.randomSwitchesOnTwoThreads",
                    "VirtualThreadFloorBench.randomSwitchesOnOneCarrier", ""),
            new Row("9 Loop.executor() submit+get, sim.", "JdkInteropBench.executorSubmitGet",
                    "JdkInteropBench.spawnJoin", "ratio <= 3"),
            new Row("  CompletableFuture 2-stage chain", "JdkInteropBench.completableFutureChain",
                    "JdkInteropBench.spawnJoin", ""),
            new Row("11 Thread.sleep(1 h), agent (ns/run)", "AgentSleepBench.threadSleepHour",
                    "AgentSleepBench.loopSleepHour", "< 1 ms wall"));

    // ---- Runtime paths as users call them (issue 15, runtime side): ratios to one raw continuation
    // switch measured in the same run. Kept in a block of their own (other blocks add user-path rows).

    /** The rows of the runtime paths a user calls one run at a time ({@link SimulationRunBench}). */
    static final List<Row> RUNTIME_PATH_ROWS = List.of(
            new Row("10 kernel through Exploration (ns/schedule)", "ExplorationBench.lostUpdate[random]",
                    "SimulationRunBench.rawSwitch", "<= 25 switches"),
            new Row("  pct(3)", "ExplorationBench.lostUpdate[pct(3)]", "SimulationRunBench.rawSwitch", "<= 25 switches"),
            new Row("  portfolio (Exploration's default)", "ExplorationBench.lostUpdate[portfolio]",
                    "SimulationRunBench.rawSwitch", "<= 25 switches"),
            new Row("  floor: bare VTs, random's switches", "VirtualThreadFloorBench.randomSwitches",
                    "SimulationRunBench.rawSwitch", ""),
            new Row("  floor: bare VTs, no switches", "VirtualThreadFloorBench.noSwitches",
                    "SimulationRunBench.rawSwitch", ""));

    /**
     * Row 10 beside its floor ({@link VirtualThreadFloorBench}): the kernel's shape on bare virtual
     * threads, in raw switches and mounts per schedule, and what simloop's {@code random} costs over
     * it, so a target below the floor shows as one.
     */
    static String rowTenFloor(Map<String, Figure> figs) {
        if (!figs.containsKey("VirtualThreadFloorBench.randomSwitches")) {
            return ""; // not measured in this report: no need to count the floor's mounts
        }
        return rowTenFloor(figs, VirtualThreadFloorBench.mountsPerSchedule(true, 2_000),
                VirtualThreadFloorBench.mountsPerSchedule(false, 2_000));
    }

    /** As {@link #rowTenFloor(Map)}, with the floor's mounts per schedule given (with and without switches). */
    static String rowTenFloor(Map<String, Figure> figs, double randomMounts, double straightMounts) {
        Figure raw = figs.get("SimulationRunBench.rawSwitch");
        Figure floor = figs.get("VirtualThreadFloorBench.randomSwitches");
        Figure straight = figs.get("VirtualThreadFloorBench.noSwitches");
        Figure random = figs.get("ExplorationBench.lostUpdate[random]");
        if (raw == null || floor == null || straight == null || random == null) {
            return "";
        }
        return String.format(Locale.ROOT, "row 10's floor, the kernel on bare virtual threads (no simloop code): %,.0f ns ="
                + " %.1f raw switches with random's switches (%.1f mounts per schedule), %,.0f ns = %.1f without"
                + " switches (%.1f mounts); simloop's random: %.2fx that floor%n", floor.score(),
                floor.score() / raw.score(), randomMounts, straight.score(), straight.score() / raw.score(),
                straightMounts, random.score() / floor.score());
    }

    /** @return whether {@code f} meets one of the runtime-path targets, against the raw switch {@code base} */
    static String runtimePathMet(String target, Figure f, Figure base) {
        double switches = f.score() / base.score();
        return switch (target) {
            case "<= 12 switches" -> switches <= 12 ? "yes" : "NO";
            case "<= 25 switches" -> switches <= 25 && 1e9 / f.score() >= 400_000 ? "yes" : "NO";
            case ">= 200,000/s" -> 1e9 / f.score() >= 200_000 ? "yes" : "NO";
            default -> null;
        };
    }

    record Figure(double score, double error, double allocNorm) {
    }

    /** Those of random, pct(3) and portfolio (Exploration's default) that this runtime knows. */
    static String[] exploredStrategies() {
        List<String> out = new ArrayList<>();
        for (String s : List.of("random", "pct(3)", "portfolio")) {
            try {
                dev.simloop.Strategy.parse(s);
                out.add(s);
            } catch (RuntimeException e) {
                // not (yet) in the runtime
            }
        }
        return out.toArray(String[]::new);
    }

    static Map<String, Figure> runJmh(boolean full) throws RunnerException {
        return runJmh(full, "dev\\.simloop\\.bench\\..*Bench\\.");
    }

    /** @param include JMH's include pattern: which benchmarks run (all but the agent's, see {@link #runAgentJmh}) */
    static Map<String, Figure> runJmh(boolean full, String include) throws RunnerException {
        Map<String, Figure> figs = new HashMap<>();
        try {
            figs.putAll(runJmh(full, include, AGENT_BENCH + "|" + LONG_BENCH, JVM_FLAGS, false));
        } catch (org.openjdk.jmh.runner.NoBenchmarksException e) {
            // only=ParallelExplorationBench or only=AgentSleepBench: nothing but their own runs
        }
        String longOnes = longBenchmarksIn(include);
        if (longOnes != null) {
            figs.putAll(runJmh(full, longOnes, null, JVM_FLAGS, true));
        }
        return figs;
    }

    /** @return JMH's include pattern for those of {@link #LONG_BENCHMARKS} that {@code include} selects, or null */
    static String longBenchmarksIn(String include) {
        java.util.regex.Pattern selects = java.util.regex.Pattern.compile(include);
        List<String> chosen = LONG_BENCHMARKS.stream().filter(b -> selects.matcher("dev.simloop.bench." + b).find())
                .toList();
        return chosen.isEmpty() ? null : patternFor(chosen);
    }

    /** @return JMH's include pattern for exactly {@code benchmarks} ({@code Class.method} each) */
    private static String patternFor(List<String> benchmarks) {
        return String.join("|", benchmarks.stream().map(b -> b.replace(".", "\\.") + "$").toList());
    }

    /**
     * The benchmarks measured longer than the others (row 8's speed-ups): a speed-up on two cores of a
     * shared machine is a ratio of two noisy figures, and 3 x 1 s left errors as large as the
     * difference it looks for. Quick mode gives them 2 forks of 5 x 2 s of warm-up and 8 x 2 s of
     * measurement.
     */
    static final List<String> LONG_BENCHMARKS = List.of("ParallelExplorationBench.round",
            "UserPathBench.simulatedLoopParallelRound");

    /** JMH's pattern for {@link #LONG_BENCHMARKS}, left out of the other benchmarks' run. */
    static final String LONG_BENCH = patternFor(LONG_BENCHMARKS);

    /** The benchmark that needs the simloop agent in its JVM: it runs only in {@link #runAgentJmh}. */
    static final String AGENT_BENCH = "AgentSleepBench";

    /**
     * Runs {@link AgentSleepBench} in JVMs started with the agent, when the reactor has built its
     * jar (row 11); else says why it is left out.
     */
    static Map<String, Figure> runAgentJmh(boolean full) throws RunnerException {
        java.nio.file.Path jar = AgentSleepBench.agentJar();
        if (jar == null) {
            System.out.println("row 11 left out: no simloop-agent jar in ../agent/target (build the agent module first)");
            return Map.of();
        }
        List<String> flags = new ArrayList<>(List.of(JVM_FLAGS));
        flags.add("-Xshare:off");
        flags.add("-javaagent:" + jar.toAbsolutePath());
        return runJmh(full, AGENT_BENCH, null, flags.toArray(String[]::new), false);
    }

    private static Map<String, Figure> runJmh(boolean full, String include, String exclude, String[] jvmFlags,
            boolean longer) throws RunnerException {
        ChainedOptionsBuilder b = new OptionsBuilder()
                .include(include)
                .jvmArgsAppend(jvmFlags)
                .addProfiler(GCProfiler.class)
                .param("strategy", exploredStrategies())
                .shouldFailOnError(true);
        if (exclude != null) {
            b.exclude(exclude);
        }
        if (longer) {
            // two forks even in quick mode: one JVM's JIT settles near one figure and the next JVM's
            // near another, 20 % apart for the same code, and the speed-up is a ratio of two such runs
            b.forks(full ? 3 : 2).warmupIterations(5).warmupTime(TimeValue.seconds(2))
                    .measurementIterations(full ? 10 : 8).measurementTime(TimeValue.seconds(2));
        } else if (full) {
            b.forks(2).warmupIterations(5).warmupTime(TimeValue.seconds(2))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(2));
        } else {
            b.forks(1).warmupIterations(3).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(3).measurementTime(TimeValue.seconds(1));
        }
        Collection<RunResult> results = new Runner(b.build()).run();
        Map<String, Figure> out = new HashMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            String shortName = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            String strategy = r.getParams().getParam("strategy");
            if (strategy != null) {
                shortName += "[" + strategy + "]";
            }
            Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            double allocNorm = alloc == null ? Double.NaN : alloc.getScore();
            out.put(shortName, new Figure(r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError(),
                    allocNorm));
            out.putAll(interleavedFigures(shortName, r.getSecondaryResults(), allocNorm));
        }
        return out;
    }

    /**
     * The figures a benchmark measured interleaved and reported as JMH auxiliary counters, one value
     * per iteration ({@link RoundTimes}): each counter's mean over the iterations,
     * under the benchmark class's name, as if measured on its own ({@code ParallelExplorationBench.oneThread}).
     *
     * @param bench the benchmark's short name ({@code ParallelExplorationBench.round})
     * @param secondary its secondary results, by label
     * @param allocNorm the bytes per operation of the whole benchmark, given to each figure
     */
    static Map<String, Figure> interleavedFigures(String bench, Map<String, ?> secondary, double allocNorm) {
        Map<String, Figure> out = new HashMap<>();
        String owner = bench.substring(0, bench.indexOf('.') + 1);
        for (String counter : INTERLEAVED_COUNTERS) {
            if (secondary.get(counter) instanceof Result<?> r) {
                org.openjdk.jmh.util.Statistics s = r.getStatistics();
                out.put(owner + counter, new Figure(s.getMean(), s.getN() > 1 ? s.getMeanErrorAt(0.999) : Double.NaN,
                        allocNorm));
            }
        }
        return out;
    }

    /**
     * The auxiliary counters of the benchmarks measured interleaved: {@link ParallelExplorationBench#round}'s,
     * one per kind of exploration it runs, {@link VirtualThreadFloorBench#twoCarriersRound}'s and
     * {@link UserPathBench#simulatedLoopParallelRound}'s.
     */
    static final List<String> INTERLEAVED_COUNTERS = List.of("oneThread", "twoThreads", "twoIndependentExplorations",
            "randomSwitchesOnOneCarrier", "randomSwitchesOnTwoThreads", "simulatedLoopOneThread",
            "simulatedLoopTwoThreads", "simulatedLoopTwoIndependentRuns");

    /**
     * Row 8's speed-up beside its control's: two independent one-thread explorations at once show
     * what the machine gives two copies of this work, so a speed-up below 1.8 can be told apart from
     * a machine (a noisy host, a collector shared by both) that gives no more. When measured, also
     * its floor's: the kernel on bare virtual threads, two threads at once against one, what the
     * JDK's own threads get from two cores for it.
     */
    static String parallelSpeedUps(Map<String, Figure> figs) {
        Figure one = figs.get("ParallelExplorationBench.oneThread");
        Figure two = figs.get("ParallelExplorationBench.twoThreads");
        Figure control = figs.get("ParallelExplorationBench.twoIndependentExplorations");
        if (one == null || two == null || control == null) {
            return "";
        }
        String line = String.format(Locale.ROOT, "exploration on 2 threads: %.2fx the schedules/s of 1 thread; two"
                + " independent 1-thread explorations at once (the control): %.2fx", one.score() / two.score(),
                one.score() / control.score());
        Figure floorOne = figs.get("VirtualThreadFloorBench.randomSwitchesOnOneCarrier");
        Figure floorTwo = figs.get("VirtualThreadFloorBench.randomSwitchesOnTwoThreads");
        if (floorOne != null && floorTwo != null) {
            line += String.format(Locale.ROOT, "; the kernel on bare virtual threads (row 10's floor) on 2 threads: %.2fx",
                    floorOne.score() / floorTwo.score());
        }
        Figure loopOne = figs.get("UserPathBench.simulatedLoopOneThread");
        Figure loopTwo = figs.get("UserPathBench.simulatedLoopTwoThreads");
        if (loopOne != null && loopTwo != null) {
            line += String.format(Locale.ROOT,
                    "; the kernel as a @SimulatedLoop test of %,d schedules, parallelism = 2 against 1: %.2fx",
                    UserPathBench.PARALLEL_SCHEDULES, loopOne.score() / loopTwo.score());
            Figure loopControl = figs.get("UserPathBench.simulatedLoopTwoIndependentRuns");
            if (loopControl != null) {
                line += String.format(Locale.ROOT, " (its control, two independent 1-thread test runs at once: %.2fx)",
                        loopOne.score() / loopControl.score());
            }
        }
        return line + System.lineSeparator();
    }

    static String fmt(Figure f) {
        return String.format(Locale.ROOT, "%,.1f ± %,.1f", f.score(), Double.isNaN(f.error()) ? 0 : f.error());
    }

    static String table(Map<String, Figure> figs) {
        StringBuilder out = new StringBuilder();
        String h = String.format(Locale.ROOT, "%-36s %-38s %18s  %-40s %18s %8s %10s  %-16s %s", "benchmark", "simloop",
                "ns/op", "baseline (same run)", "ns/op", "ratio", "B/op", "target", "met");
        out.append(h).append('\n').append("-".repeat(h.length())).append('\n');
        List<Row> rows = new ArrayList<>(ROWS);
        rows.addAll(UserPathRows.ROWS);
        rows.addAll(RUNTIME_PATH_ROWS);
        for (Row row : rows) {
            Figure f = figs.get(row.bench());
            Figure base = figs.get(row.baseline());
            if (f == null || base == null) {
                continue;
            }
            double ratio = f.score() / base.score();
            String met = switch (row.target()) {
                case "ratio <= 2" -> ratio <= 2 ? "yes" : "NO";
                case "ratio <= 3" -> ratio <= 3 ? "yes" : "NO";
                case "ratio < 1" -> ratio < 1 ? "yes" : "NO";
                case "ratio <= 3, 0 B" -> ratio <= 3 && f.allocNorm() < 1 ? "yes" : "NO";
                case "speed-up >= 1.8" -> 1 / ratio >= 1.8 ? "yes" : "NO";
                case ">= 100,000/s" -> 1e9 / f.score() >= 100_000 ? "yes" : "NO";
                case ">= 1,000,000/s" -> 1e9 / f.score() >= 1_000_000 ? "yes" : "NO";
                case ">= 2,000,000/s" -> 1e9 / f.score() >= 2_000_000 ? "yes" : "NO";
                case "< 1 ms wall" -> f.score() < 1_000_000 ? "yes" : "NO";
                default -> {
                    String m = runtimePathMet(row.target(), f, base);
                    yield m != null ? m : UserPathRows.met(row.target(), ratio, f.score());
                }
            };
            out.append(String.format(Locale.ROOT, "%-36s %-38s %18s  %-40s %18s %7.2fx %10.1f  %-16s %s%n", row.what(),
                    row.bench(), fmt(f), row.baseline(), fmt(base), ratio, f.allocNorm(), row.target(), met));
        }
        out.append('\n');
        for (String st : exploredStrategies()) {
            Figure ex = figs.get("ExplorationBench.lostUpdate[" + st + "]");
            Figure bare = figs.get("ExplorationBench.bareSimulation[" + st + "]");
            if (ex != null && bare != null) {
                out.append(String.format(Locale.ROOT, "exploration, %s: %,.0f schedules/s of the lost-update kernel"
                        + " (a bare 1-task simulation: %,.0f runs/s, so the kernel's own work is %,.0f ns/schedule)%n",
                        st, 1e9 / ex.score(), 1e9 / bare.score(), ex.score() - bare.score()));
            }
        }
        out.append(rowTenFloor(figs));
        out.append(parallelSpeedUps(figs));
        out.append(UserPathRows.rates(figs));
        Figure te = figs.get("TimerBench.timerEvents");
        Figure sl = figs.get("TimerBench.sleepers");
        Figure cp = figs.get("TimerBench.checkpointers");
        if (te != null) {
            out.append(String.format(Locale.ROOT, "timers: %,.0f timer events/s (%,d tasks, %,d sleeps each)%n",
                    1e9 / te.score(), TimerBench.SLEEPING_TASKS, TimerBench.SLEEPS_PER_TASK));
        }
        if (sl != null && cp != null) {
            out.append(String.format(Locale.ROOT, "timers, one sleep per task: %,.0f tasks/s (tasks with one checkpoint"
                    + " instead: %,.0f tasks/s; a timer costs %,.0f ns more than a checkpoint)%n",
                    1e9 / sl.score(), 1e9 / cp.score(), sl.score() - cp.score()));
        }
        Figure lk = figs.get("LockBench.simulatedLock");
        Figure rl = figs.get("LockBench.realLock");
        Figure re = figs.get("LockBench.reentrantLock");
        if (lk != null && rl != null && re != null) {
            out.append(String.format(Locale.ROOT, "lock: gc.alloc.rate.norm = %.3f B/op simulated, %.3f B/op real,"
                    + " %.3f B/op ReentrantLock (simloop figures include each run's fixed set-up spread over %,d pairs)%n",
                    lk.allocNorm(), rl.allocNorm(), re.allocNorm(), LockBench.PAIRS));
        }
        return out.toString();
    }

    /**
     * Runs {@link ParkedTasks} in a child JVM with -Xmx2g, then its floor in another (with the JDK's
     * thread tracking off, as {@link VirtualThreadFloorBench}), and returns what they printed.
     */
    static String parkedTasksInChildJvm() throws IOException, InterruptedException {
        return parkedTasks(List.of(), List.of()) + parkedTasks(List.of("-Djdk.trackAllThreads=false"), List.of("floor"));
    }

    private static String parkedTasks(List<String> flags, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx2g");
        cmd.addAll(List.of(JVM_FLAGS));
        cmd.addAll(flags);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ParkedTasks.class.getName());
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(new File("/dev/null")).start();
        String text = new String(p.getInputStream().readAllBytes());
        int rc = p.waitFor();
        return rc == 0 ? text : "ParkedTasks failed (exit " + rc + "):\n" + text;
    }

    public static void main(String[] argv) throws Exception {
        // Maven passes -Dbench.args="quick only=X" as one argument: split it into words.
        String[] args = String.join(" ", argv).strip().split("\\s+");
        boolean full = List.of(args).contains("full");
        if (List.of(args).contains("first-run")) {
            System.out.print(FirstSimulation.table(7));
            return;
        }
        String only = List.of(args).stream().filter(a -> a.startsWith("only=")).map(a -> a.substring(5)).findFirst()
                .orElse(null);
        boolean jmhOnly = List.of(args).contains("jmh-only") || only != null;
        long t0 = System.nanoTime();
        Map<String, Figure> figs = new HashMap<>();
        figs.putAll(only == null ? runJmh(full) : runJmh(full, only));
        if (only == null || java.util.regex.Pattern.compile(only).matcher(AGENT_BENCH + ".threadSleepHour").find()) {
            figs.putAll(runAgentJmh(full));
        }
        StringBuilder out = new StringBuilder();
        out.append("\n==== simloop benchmarks (").append(full ? "full" : "quick").append(", JDK ")
                .append(System.getProperty("java.vm.version")).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" CPUs) ====\n");
        out.append(table(figs));
        System.out.print(out);
        if (!jmhOnly) {
            System.out.println();
            System.out.print(TimeToBug.table(TimeToBug.STARTS, TimeToBug.CAP));
            System.out.println();
            System.out.print(parkedTasksInChildJvm());
            System.out.println();
            System.out.print(FirstSimulation.table(7));
        }
        System.out.printf(Locale.ROOT, "%nreport took %.0f s%n", (System.nanoTime() - t0) / 1e9);
    }
}
