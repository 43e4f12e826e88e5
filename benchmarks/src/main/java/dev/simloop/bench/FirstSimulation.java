package dev.simloop.bench;

import dev.simloop.Simulation;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.StructuredTaskScope;

/**
 * The first simulation in a fresh JVM, class loading included, measured as a whole process: a
 * child JVM that runs one program and exits, timed from its start to its end, next to the same JVM
 * running an empty main and a first {@code StructuredTaskScope} fork+join. Each is run several times,
 * interleaved, and the median reported. No class-data sharing archive of simloop's own (the JDK's
 * default CDS archive is on, as it is for every user).
 *
 * <p>A child's class path is the program's: the runtime and these benchmark classes, as a user's
 * {@code java -cp app:simloop-runtime.jar Main} would have, not the report's whole class path
 * (JMH, JUnit, jqwik, AssertJ). One more row runs the simulation with that whole class path, to
 * show what unrelated jars cost a first run: a JVM looks in every jar of its class path for a
 * {@code System.LoggerFinder} before its first logger (or simloop does, to answer the task
 * logger's question without starting the JDK's logging), which means opening each jar.
 *
 * <p>{@code main} with no argument measures and prints; with {@code empty}, {@code sts} or
 * {@code simulation} it is the child.
 */
public final class FirstSimulation {
    /** The simulation again, with the report's whole class path. */
    static final String WHOLE_CLASS_PATH = "simulation-whole-class-path";
    /** What a child runs, by name; in the order they are printed. */
    static final List<String> PROGRAMS = List.of("empty", "sts", "simulation", WHOLE_CLASS_PATH);

    private FirstSimulation() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.out.print(table(7));
            return;
        }
        long start = System.nanoTime();
        switch (args[0]) {
            case "empty" -> {
            }
            case "sts" -> {
                try (var scope = StructuredTaskScope.open()) {
                    var child = scope.fork(() -> 1);
                    scope.join();
                    check(child.get() == 1);
                }
            }
            case "simulation" -> check(Simulation.run(1, () -> Kernels.lostUpdate(ExplorationBench.CHECKPOINTS)).value()
                    <= 2 * ExplorationBench.CHECKPOINTS);
            default -> throw new IllegalArgumentException("FirstSimulation: unknown program " + args[0]
                    + "; one of " + PROGRAMS);
        }
        System.out.println(IN_MAIN + (System.nanoTime() - start));
    }

    /** What a child prints before the nanos its program took inside main (class loading of the program included). */
    private static final String IN_MAIN = "in-main-nanos ";

    /** A child's whole-process and in-main times, in ms. */
    record Times(double process, double inMain) {
    }

    private static String describe(String program) {
        return switch (program) {
            case "empty" -> "empty main";
            case "sts" -> "first StructuredTaskScope fork+join";
            case "simulation" -> "first Simulation.run (lost-update kernel)";
            default -> "  same, the report's class path (" + System.getProperty("java.class.path").split(File.pathSeparator).length
                    + " entries)";
        };
    }

    private static void check(boolean ok) {
        if (!ok) {
            throw new AssertionError("FirstSimulation: the program computed a wrong value");
        }
    }

    /** @return the median wall time in ms of each program's whole process, over {@code rounds} rounds */
    static Map<String, Times> medians(int rounds) throws Exception {
        Map<String, double[]> process = new LinkedHashMap<>();
        Map<String, double[]> inMain = new LinkedHashMap<>();
        PROGRAMS.forEach(p -> {
            process.put(p, new double[rounds]);
            inMain.put(p, new double[rounds]);
        });
        for (int r = 0; r < rounds; r++) {
            for (String p : PROGRAMS) {
                Times t = runChild(p);
                process.get(p)[r] = t.process();
                inMain.get(p)[r] = t.inMain();
            }
        }
        Map<String, Times> out = new LinkedHashMap<>();
        for (String p : PROGRAMS) {
            out.put(p, new Times(median(process.get(p)), median(inMain.get(p))));
        }
        return out;
    }

    private static double median(double[] t) {
        Arrays.sort(t);
        return t[t.length / 2];
    }

    /** @return the wall time from starting a child JVM that runs {@code program} to its exit, and its time in main */
    static Times runChild(String program) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(Report.JVM_FLAGS));
        cmd.add("-cp");
        boolean whole = program.equals(WHOLE_CLASS_PATH);
        cmd.add(whole ? System.getProperty("java.class.path") : programClassPath());
        cmd.add(FirstSimulation.class.getName());
        cmd.add(whole ? "simulation" : program);
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(new File("/dev/null")).start();
        String out = new String(p.getInputStream().readAllBytes());
        int rc = p.waitFor();
        double ms = (System.nanoTime() - t0) / 1e6;
        if (rc != 0) {
            throw new IllegalStateException("FirstSimulation " + program + " exited " + rc + ":\n" + out);
        }
        double inMain = out.lines().filter(l -> l.startsWith(IN_MAIN)).mapToDouble(
                l -> Long.parseLong(l.substring(IN_MAIN.length()).strip()) / 1e6).findFirst().orElse(Double.NaN);
        return new Times(ms, inMain);
    }

    /** @return the program's own class path: where the runtime and these benchmarks were loaded from */
    static String programClassPath() throws java.net.URISyntaxException {
        String runtime = Path.of(Simulation.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        String program = Path.of(FirstSimulation.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        return program.equals(runtime) ? program : program + File.pathSeparator + runtime;
    }

    /** @return the first-simulation figures, as the report prints them */
    static String table(int rounds) throws Exception {
        Map<String, Times> m = medians(rounds);
        double empty = m.get("empty").process();
        double sim = m.get("simulation").process();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "First run in a fresh JVM (median of %d child JVMs each, JVM flags as the benchmarks'):%n", rounds));
        sb.append(String.format(Locale.ROOT, "  %-43s %8s %15s %12s%n", "program", "process", "over empty main", "in main"));
        for (String p : PROGRAMS) {
            Times t = m.get(p);
            sb.append(String.format(Locale.ROOT, "  %-43s %5.0f ms %12.0f ms %9.1f ms%n", describe(p), t.process(),
                    t.process() - empty, t.inMain()));
        }
        sb.append(String.format(Locale.ROOT, "  first simulation, whole process <= 150 ms: %s%n", sim <= 150 ? "yes" : "NO"));
        return sb.toString();
    }
}
