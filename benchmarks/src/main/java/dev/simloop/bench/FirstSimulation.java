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
 * <p>{@code main} with no argument measures and prints; with {@code empty}, {@code sts} or
 * {@code simulation} it is the child.
 */
public final class FirstSimulation {
    /** What a child runs, by name; in the order they are printed. */
    static final List<String> PROGRAMS = List.of("empty", "sts", "simulation");

    private FirstSimulation() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.out.print(table(7));
            return;
        }
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
    }

    private static void check(boolean ok) {
        if (!ok) {
            throw new AssertionError("FirstSimulation: the program computed a wrong value");
        }
    }

    /** @return the median wall time in ms of each program's whole process, over {@code rounds} rounds */
    static Map<String, Double> medians(int rounds) throws Exception {
        Map<String, double[]> times = new LinkedHashMap<>();
        PROGRAMS.forEach(p -> times.put(p, new double[rounds]));
        for (int r = 0; r < rounds; r++) {
            for (String p : PROGRAMS) {
                times.get(p)[r] = runChild(p);
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        times.forEach((p, t) -> {
            Arrays.sort(t);
            out.put(p, t[t.length / 2]);
        });
        return out;
    }

    /** @return the wall time in ms from starting a child JVM that runs {@code program} to its exit */
    static double runChild(String program) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(Report.JVM_FLAGS));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(FirstSimulation.class.getName());
        cmd.add(program);
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(new File("/dev/null")).start();
        String out = new String(p.getInputStream().readAllBytes());
        int rc = p.waitFor();
        double ms = (System.nanoTime() - t0) / 1e6;
        if (rc != 0) {
            throw new IllegalStateException("FirstSimulation " + program + " exited " + rc + ":\n" + out);
        }
        return ms;
    }

    /** @return the first-simulation figures, as the report prints them */
    static String table(int rounds) throws Exception {
        Map<String, Double> m = medians(rounds);
        double empty = m.get("empty");
        double sim = m.get("simulation");
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "First run in a fresh JVM (whole process, median of %d, JVM flags as the benchmarks'):%n", rounds));
        sb.append(String.format(Locale.ROOT, "  empty main:                          %6.0f ms%n", empty));
        sb.append(String.format(Locale.ROOT, "  first StructuredTaskScope fork+join: %6.0f ms (%+.0f ms over the empty main)%n",
                m.get("sts"), m.get("sts") - empty));
        sb.append(String.format(Locale.ROOT, "  first Simulation.run (lost-update kernel): %6.0f ms (%+.0f ms over the empty main)"
                + "  target <= 150 ms: %s%n", sim, sim - empty, sim <= 150 ? "yes" : "NO"));
        return sb.toString();
    }
}
