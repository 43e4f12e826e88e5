package dev.simloop.bench;

import java.util.List;

/**
 * The report's rows for the paths users take (issue 15), kept apart from {@link Report}'s own so
 * that the two grow without touching each other: each figure against a baseline of the same run,
 * with the target.
 */
final class UserPathRows {
    private UserPathRows() {
    }

    static final List<Report.Row> ROWS = List.of(
            new Report.Row("U1 Simulation.run, trivial (ns/run)", "SimulationRunBench.trivialRun",
                    "SimulationRunBench.rawSwitch", "<= 12 switches"),
            new Report.Row("U2 builder per seed, kernel (ns/run)", "SimulationRunBench.kernelPerSeed",
                    "SimulationRunBench.rawSwitch", ">= 200,000/s"),
            new Report.Row("U3 @SimulatedLoop kernel (ns/schedule)", "UserPathBench.simulatedLoop",
                    "ExplorationBench.lostUpdate[random]", ">= 100,000/s"),
            new Report.Row("U4 jqwik @ForAll Schedule (ns/try)", "UserPathBench.jqwikProperty",
                    "ExplorationBench.lostUpdate[random]", ">= 50,000/s"),
            new Report.Row("  (jqwik alone: empty property)", "UserPathBench.jqwikAlone",
                    "UserPathBench.jqwikProperty", ""),
            new Report.Row("U5 spawn+join, simulated, one group", "SpawnJoinBench.simulatedOneGroup",
                    "SpawnJoinBench.structuredTaskScopeVirtualOwner", "ratio <= 0.3"),
            new Report.Row("  real, one group", "SpawnJoinBench.realOneGroup",
                    "SpawnJoinBench.structuredTaskScopeVirtualOwner", "ratio <= 0.3"),
            new Report.Row("  (STS, platform owner)", "SpawnJoinBench.structuredTaskScope",
                    "SpawnJoinBench.structuredTaskScopeVirtualOwner", ""),
            new Report.Row("  floor: bare VTs, one carrier", "VirtualThreadFloorBench.spawnJoin",
                    "SpawnJoinBench.structuredTaskScopeVirtualOwner", ""));

    /**
     * @param target a target of {@link #ROWS}
     * @param ratio the figure over its baseline
     * @param nanos the figure, ns per operation
     * @return "yes" or "NO"; empty for a target these rows do not have
     */
    static String met(String target, double ratio, double nanos) {
        return switch (target) {
            case "<= 12 switches" -> ratio <= 12 ? "yes" : "NO";
            case ">= 200,000/s" -> 1e9 / nanos >= 200_000 ? "yes" : "NO";
            case ">= 100,000/s" -> 1e9 / nanos >= 100_000 ? "yes" : "NO";
            case ">= 50,000/s" -> 1e9 / nanos >= 50_000 ? "yes" : "NO";
            case "ratio <= 0.3" -> ratio <= 0.3 ? "yes" : "NO";
            default -> "";
        };
    }

    /** @return the rates of the user paths, one line each, for the lines under the table */
    static String rates(java.util.Map<String, Report.Figure> figs) {
        StringBuilder out = new StringBuilder();
        rate(out, figs, "SimulationRunBench.trivialRun", "Simulation.run of a trivial program: %,.0f runs/s%n");
        rate(out, figs, "SimulationRunBench.kernelPerSeed", "the lost-update kernel, Simulation.builder() per seed: %,.0f runs/s%n");
        rate(out, figs, "UserPathBench.simulatedLoop", "the kernel as @SimulatedLoop(schedules = "
                + UserPathBench.SCHEDULES + "), through the JUnit launcher: %,.0f schedules/s%n");
        rate(out, figs, "UserPathBench.jqwikProperty", "the kernel as a jqwik @Property (" + UserPathBench.TRIES
                + " tries), through the JUnit launcher: %,.0f tries/s%n");
        rate(out, figs, "UserPathBench.jqwikAlone", "jqwik alone (the same @ForAll Schedule property, empty body): "
                + "%,.0f tries/s%n");
        out.append(spawnJoinFloor(figs));
        return out.toString();
    }

    /**
     * U5 beside its floor ({@link VirtualThreadFloorBench#spawnJoin}): what spawn + join costs on bare
     * virtual threads, as a fraction of the baseline U5 divides by, so a target below the floor shows
     * as one.
     */
    static String spawnJoinFloor(java.util.Map<String, Report.Figure> figs) {
        Report.Figure floor = figs.get("VirtualThreadFloorBench.spawnJoin");
        Report.Figure sts = figs.get("SpawnJoinBench.structuredTaskScopeVirtualOwner");
        Report.Figure simloop = figs.get("SpawnJoinBench.simulatedOneGroup");
        if (floor == null || sts == null || simloop == null) {
            return "";
        }
        return String.format(java.util.Locale.ROOT, "U5's floor, spawn + join on bare virtual threads (no simloop code,"
                + " one carrier): %,.0f ns per child = %.2fx StructuredTaskScope with a virtual-thread owner;"
                + " simloop's simulated: %.2fx that floor%n", floor.score(), floor.score() / sts.score(),
                simloop.score() / floor.score());
    }

    private static void rate(StringBuilder out, java.util.Map<String, Report.Figure> figs, String bench, String format) {
        Report.Figure f = figs.get(bench);
        if (f != null) {
            out.append(String.format(java.util.Locale.ROOT, format, 1e9 / f.score()));
        }
    }
}
