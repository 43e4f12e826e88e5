package dev.simloop.bench;

import dev.simloop.Exploration;
import dev.simloop.Strategy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * SCTBench's CS set ({@link SctBenchPrograms}) under each search: whether the bug is found within
 * the study's cap of {@value #CAP} schedules, after how many schedules, and the wall time of the
 * search. One exploration per program and search, from seed 0, so the table is the same on every
 * machine except for the times.
 *
 * <p>{@code java ... dev.simloop.bench.SctBench [search...]}: searches by name (a strategy's text
 * such as {@code pct(3)}, or {@code exhaustive(k)}); default {@link #SEARCHES}.
 */
public final class SctBench {
    /** The study's schedule limit per program and technique. */
    static final int CAP = 10_000;

    private SctBench() {
    }

    /**
     * A way to search: a name for the table, and how it configures an exploration.
     *
     * @param name the column's title
     * @param configure sets the exploration's strategy or search
     */
    record Search(String name, UnaryOperator<Exploration<Object>> configure) {
        static Search strategy(Strategy s) {
            return new Search(s.toString(), e -> e.strategy(s));
        }

        static Search exhaustive(int bound) {
            return new Search("exhaustive(" + bound + ")", e -> e.exhaustive(bound));
        }

        static Search preemptionBounded(int bound) {
            return new Search("preemptionBounded(" + bound + ")", e -> e.preemptionBounded(bound));
        }

        static Search delayBounded(int bound) {
            return new Search("delayBounded(" + bound + ")", e -> e.delayBounded(bound));
        }

        /**
         * @return the search named {@code name}: {@code exhaustive(k)}, {@code preemptionBounded(k)},
         *     {@code delayBounded(k)} or a strategy's text
         */
        static Search parse(String name) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(exhaustive|preemptionBounded|delayBounded)"
                    + "\\((\\d+)\\)").matcher(name);
            if (!m.matches()) {
                return strategy(Strategy.parse(name));
            }
            int bound = Integer.parseInt(m.group(2));
            return switch (m.group(1)) {
                case "exhaustive" -> exhaustive(bound);
                case "preemptionBounded" -> preemptionBounded(bound);
                default -> delayBounded(bound);
            };
        }
    }

    /** The searches of the default table; add one line per new strategy (portfolio, preemption bounding...). */
    static final List<Search> SEARCHES = List.of(
            Search.strategy(Strategy.random()),
            Search.strategy(Strategy.pct(2)),
            Search.strategy(Strategy.pct(3)),
            Search.strategy(Strategy.pos()),
            Search.strategy(Strategy.spawnerFirst()),
            Search.strategy(Strategy.portfolio()),
            Search.exhaustive(2),
            Search.preemptionBounded(2),
            Search.delayBounded(2));

    /**
     * One program under one search.
     *
     * @param schedulesToBug the number of schedules run up to and including the first failing one, or 0
     * @param schedulesRun how many schedules ran
     * @param exhausted whether a bounded search covered its bound without a failure
     * @param millis the wall time of the search
     * @param failure the first failure's exception class, or null
     */
    record Cell(int schedulesToBug, int schedulesRun, boolean exhausted, double millis, String failure) {
        boolean found() {
            return schedulesToBug > 0;
        }

        String text() {
            String what = found() ? String.format(Locale.ROOT, "%,d", schedulesToBug)
                    : exhausted ? "none/" + String.format(Locale.ROOT, "%,d", schedulesRun) : "-";
            return what + String.format(Locale.ROOT, " (%,.0f)", millis);
        }
    }

    static Cell run(SctBenchPrograms.Program p, Search s, int cap) {
        long t0 = System.nanoTime();
        Exploration.Report<Object> r = s.configure().apply(Exploration.of(p.bad())).schedules(cap).run();
        double millis = (System.nanoTime() - t0) / 1e6;
        return new Cell(r.firstFailureIndex() + 1, r.schedulesRun(), r.exhausted(), millis,
                r.firstFailure().map(f -> f.failure().getClass().getSimpleName()).orElse(null));
    }

    /** @return the table, in Markdown */
    static String table(List<Search> searches, int cap) {
        StringBuilder out = new StringBuilder();
        out.append("| program | threads | SCTBench steps | simloop steps (FIFO) | bug shows as |");
        for (Search s : searches) {
            out.append(' ').append(s.name()).append(" |");
        }
        out.append('\n').append("|---|---|---|---|---|").append("---|".repeat(searches.size())).append('\n');
        int[] found = new int[searches.size()];
        List<List<Double>> toBug = new ArrayList<>();
        searches.forEach(s -> toBug.add(new ArrayList<>()));
        for (SctBenchPrograms.Program p : SctBenchPrograms.all()) {
            var fifo = dev.simloop.Simulation.builder().strategy(Strategy.fifo()).run(p.bad());
            StringBuilder row = new StringBuilder();
            String shows = null;
            for (int i = 0; i < searches.size(); i++) {
                Cell c = run(p, searches.get(i), cap);
                if (c.found()) {
                    found[i]++;
                    toBug.get(i).add((double) c.schedulesToBug());
                    shows = shows == null ? c.failure() : shows;
                }
                row.append(' ').append(c.text()).append(" |");
            }
            out.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %s |", p.name(), p.sctThreads(), p.sctSteps(),
                    fifo.steps(), shows == null ? "not found" : shows)).append(row).append('\n');
        }
        out.append(String.format(Locale.ROOT, "| **found (of %d)** | | | | |", SctBenchPrograms.all().size()));
        for (int f : found) {
            out.append(" **").append(f).append("** |");
        }
        out.append('\n').append("| **median schedules to bug (found ones)** | | | | |");
        for (List<Double> xs : toBug) {
            out.append(' ').append(xs.isEmpty() ? "-" : String.format(Locale.ROOT, "%,.1f", median(xs))).append(" |");
        }
        out.append('\n');
        return out.toString();
    }

    static double median(List<Double> xs) {
        double[] c = xs.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(c);
        int n = c.length;
        return n % 2 == 1 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
    }

    public static void main(String[] args) {
        List<Search> searches = args.length == 0 ? SEARCHES : Arrays.stream(args).map(Search::parse).toList();
        long t0 = System.nanoTime();
        System.out.print(table(searches, CAP));
        System.out.printf(Locale.ROOT, "%nEach cell: schedules up to and including the first failing one (cap %,d; '-' = not"
                + " found; 'none/n' = a bounded search ran all its n schedules without a failure), and the search's wall"
                + " time in ms. Seed 0 for every search. Total %.0f s.%n", CAP, (System.nanoTime() - t0) / 1e9);
    }
}
