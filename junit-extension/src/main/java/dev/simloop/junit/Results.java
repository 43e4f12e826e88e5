package dev.simloop.junit;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The results of simulated tests, and the tool that merges the results of shards into one.
 *
 * <p>Every {@link SimulatedLoop} test appends one JSON line per run to
 * {@code target/simloop/results.jsonl} (relative to the working directory: the module under Maven;
 * {@code -Dsimloop.results=PATH} puts it elsewhere, {@code -Dsimloop.results=none} turns it off).
 * Several JVMs may append to one file at once. A line holds the test's id, class, method and
 * display name, its shard ({@code 2/4}), strategy, seed, the schedules asked for and run, how many
 * passed, why the exploration stopped, the distinct interleavings, the wall time, and its failures
 * with their replay lines and preemptions (and {@code shrunk} with {@code shrunkPreemptions}: a
 * line with fewer preemptions that fails the same way, when shrinking found one; else null).
 *
 * <p>To merge the files of several shards (CI jobs, machines) into one summary and one JUnit XML
 * report that CI servers display:
 *
 * <pre>{@code
 * java -cp simloop-junit.jar dev.simloop.junit.Results merge --xml merged.xml shard-*.jsonl
 * }</pre>
 *
 * <p>It prints a table with a row per test, and exits with 0 when every test passed in every shard
 * that ran it, 1 when a test failed in some shard or a shard of a test is missing, and 2 when the
 * command or a file is malformed. ({@code Results} needs nothing but this jar: the JUnit jars are
 * not read.)
 */
public final class Results {
    /** The configuration parameter (or system property) that moves the results file, or turns it off with {@code none}. */
    public static final String PROPERTY = "simloop.results";

    private Results() {
    }

    // ---- merging, from the command line

    /**
     * {@code merge [--xml FILE] FILE...}: merges results files and prints the summary; see the class
     * comment. Exits with 0, 1 or 2.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** {@link #main} without the exit: @return the exit status */
    static int run(String[] args, PrintStream out, PrintStream err) {
        List<Path> files = new ArrayList<>();
        Path xml = null;
        if (args.length == 0 || !args[0].equals("merge")) {
            return usage(err, args.length == 0 ? "no command" : "unknown command '" + args[0] + "'");
        }
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--xml")) {
                if (++i == args.length) {
                    return usage(err, "--xml needs a file");
                }
                xml = Path.of(args[i]);
            } else {
                files.add(Path.of(args[i]));
            }
        }
        if (files.isEmpty()) {
            return usage(err, "no results files given");
        }
        Merged merged;
        try {
            merged = Merged.read(files);
        } catch (IOException | IllegalArgumentException e) {
            err.println("simloop Results: " + e.getMessage());
            return 2;
        }
        out.print(merged.table());
        if (xml != null) {
            try {
                Path dir = xml.toAbsolutePath().getParent();
                if (dir != null) {
                    Files.createDirectories(dir);
                }
                Files.writeString(xml, merged.junitXml());
            } catch (IOException e) {
                err.println("simloop Results: cannot write " + xml + ": " + e.getMessage());
                return 2;
            }
            out.println("JUnit XML: " + xml.toAbsolutePath());
        }
        return merged.failed() ? 1 : 0;
    }

    private static int usage(PrintStream err, String problem) {
        err.println("simloop Results: " + problem + "\n"
                + "usage: java -cp simloop-junit.jar dev.simloop.junit.Results merge [--xml FILE] RESULTS.jsonl...\n"
                + "  merges the results files that simulated tests append to (target/simloop/results.jsonl),\n"
                + "  prints a summary per test and, with --xml, writes a JUnit XML report;\n"
                + "  exits 0 when every test passed in every shard, 1 when one failed or a shard is missing");
        return 2;
    }

    /** The results of every test, merged over shards and files. */
    static final class Merged {
        /** By test id, sorted: each test's lines. */
        private final Map<String, List<Map<String, Object>>> tests = new TreeMap<>();

        static Merged read(List<Path> files) throws IOException {
            Merged m = new Merged();
            for (Path f : files) {
                List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).isBlank()) {
                        continue;
                    }
                    Object v;
                    try {
                        v = Json.read(lines.get(i));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(f + ":" + (i + 1) + ": " + e.getMessage(), e);
                    }
                    if (!(v instanceof Map<?, ?> map) || !(map.get("test") instanceof String id)) {
                        throw new IllegalArgumentException(f + ":" + (i + 1) + ": not a simloop results line"
                                + " (an object with a \"test\" member)");
                    }
                    try {
                        dev.simloop.Shard.parse(String.valueOf(map.get("shard")));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(f + ":" + (i + 1) + ": " + e.getMessage(), e);
                    }
                    @SuppressWarnings("unchecked") // Json.read makes maps of String keys
                    Map<String, Object> line = (Map<String, Object>) map;
                    m.tests.computeIfAbsent(id, k -> new ArrayList<>()).add(line);
                }
            }
            return m;
        }

        /** @return whether a test failed in some shard or misses a shard */
        boolean failed() {
            return tests.values().stream().anyMatch(lines -> !failures(lines).isEmpty() || !missing(lines).isEmpty());
        }

        /** One test's row: what its shards ran together. */
        private record Row(String name, String shards, long run, long failing, String stops, String note) {
        }

        private List<Row> rows() {
            List<Row> rows = new ArrayList<>();
            tests.forEach((id, lines) -> {
                long run = lines.stream().mapToLong(l -> number(l, "run")).sum();
                List<Map<String, Object>> failures = failures(lines);
                List<String> missing = missing(lines);
                TreeSet<String> stops = new TreeSet<>();
                lines.forEach(l -> stops.add(String.valueOf(l.get("stopReason"))));
                String note = !failures.isEmpty() ? "replay " + failures.get(0).get("replay")
                        : !missing.isEmpty() ? "missing shards " + String.join(", ", missing) : "";
                rows.add(new Row(name(lines.get(0)), shardsText(lines), run, failures.size(), String.join(",", stops),
                        note));
            });
            return rows;
        }

        /** @return the summary: a row per test, then the totals */
        String table() {
            StringBuilder sb = new StringBuilder();
            List<Row> rows = rows();
            int width = Math.max(4, rows.stream().mapToInt(r -> r.name().length()).max().orElse(4));
            width = Math.min(width, 60);
            String format = "%-" + width + "s  %-7s  %10s  %7s  %-17s  %s%n";
            sb.append(String.format(Locale.ROOT, format, "test", "shards", "schedules", "failing", "stopped", "first failure"));
            long run = 0;
            long failing = 0;
            for (Row r : rows) {
                sb.append(String.format(Locale.ROOT, format, cut(r.name(), width), r.shards(), r.run(), r.failing(),
                        r.stops().toLowerCase(Locale.ROOT), r.note()));
                run += r.run();
                failing += r.failing();
            }
            sb.append(String.format(Locale.ROOT, "%d tests, %d schedules, %d failing: %s%n", rows.size(), run, failing,
                    failed() ? "FAILED" : "passed"));
            return sb.toString();
        }

        /** @return a JUnit XML report: a test case per test, failing with the replay lines of its failures */
        String junitXml() {
            StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            long failures = tests.values().stream()
                    .filter(l -> !failures(l).isEmpty() || !missing(l).isEmpty()).count();
            double total = tests.values().stream().flatMap(List::stream).mapToLong(l -> number(l, "wallMillis")).sum()
                    / 1000.0;
            sb.append(String.format(Locale.ROOT, "<testsuite name=\"simloop\" tests=\"%d\" failures=\"%d\" errors=\"0\""
                    + " skipped=\"0\" time=\"%.3f\">%n", tests.size(), failures, total));
            tests.forEach((id, lines) -> {
                Map<String, Object> first = lines.get(0);
                double time = lines.stream().mapToLong(l -> number(l, "wallMillis")).sum() / 1000.0;
                sb.append(String.format(Locale.ROOT, "  <testcase classname=\"%s\" name=\"%s\" time=\"%.3f\">%n",
                        xml(String.valueOf(first.get("class"))), xml(testName(first)), time));
                List<Map<String, Object>> fs = failures(lines);
                List<String> missing = missing(lines);
                if (!fs.isEmpty()) {
                    Map<String, Object> f = fs.get(0);
                    sb.append("    <failure message=\"").append(xml(f.get("type") + ": " + f.get("message")))
                            .append("\" type=\"").append(xml(String.valueOf(f.get("type")))).append("\">");
                    for (Map<String, Object> each : fs) {
                        sb.append(xml("schedule " + each.get("schedule") + " (shard " + each.get("shard") + "): "
                                + each.get("type") + ": " + each.get("message") + "\nreplay: " + each.get("replay")
                                + (each.get("shrunk") == null ? "" : "\nshrunk: " + each.get("shrunk")) + "\n"));
                    }
                    sb.append("</failure>\n");
                } else if (!missing.isEmpty()) {
                    sb.append("    <failure message=\"").append(xml("no results from shards " + String.join(", ", missing)))
                            .append("\" type=\"MissingShards\"/>\n");
                }
                sb.append("    <system-out>");
                for (Map<String, Object> l : lines) {
                    sb.append(xml("shard " + l.get("shard") + ": " + l.get("run") + " of " + l.get("schedules")
                            + " schedules, " + l.get("strategy") + ", seed " + l.get("seed") + ", "
                            + String.valueOf(l.get("stopReason")).toLowerCase(Locale.ROOT) + ", " + l.get("distinct")
                            + " distinct, " + l.get("wallMillis") + " ms\n"));
                }
                sb.append("</system-out>\n  </testcase>\n");
            });
            return sb.append("</testsuite>\n").toString();
        }

        /** @return the failures of every shard of a test, each with its shard, in shard order */
        private static List<Map<String, Object>> failures(List<Map<String, Object>> lines) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Map<String, Object> l : lines) {
                if (l.get("failures") instanceof List<?> fs) {
                    for (Object f : fs) {
                        if (f instanceof Map<?, ?> m) {
                            Map<String, Object> copy = new LinkedHashMap<>();
                            m.forEach((k, v) -> copy.put(k.toString(), v));
                            copy.put("shard", l.get("shard"));
                            out.add(copy);
                        }
                    }
                }
            }
            return out;
        }

        /** @return the shards ({@code 3/4}) of a sharded test that none of its lines comes from */
        private static List<String> missing(List<Map<String, Object>> lines) {
            TreeSet<Integer> seen = new TreeSet<>();
            lines.forEach(l -> seen.add(shardOf(l).index()));
            int count = shardCount(lines);
            List<String> missing = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                if (!seen.contains(i)) {
                    missing.add(dev.simloop.Shard.of(i, count).toString());
                }
            }
            return missing;
        }

        private static String shardsText(List<Map<String, Object>> lines) {
            int count = shardCount(lines);
            long seen = lines.stream().map(l -> shardOf(l).index()).distinct().count();
            return count == 1 ? "1" : seen + " of " + count;
        }

        /** @return how many shards a test's lines say it was split into (the largest count, if they disagree) */
        private static int shardCount(List<Map<String, Object>> lines) {
            return lines.stream().mapToInt(l -> shardOf(l).count()).max().orElse(1);
        }

        /** A line's shard; {@link #read} checked that every line has one. */
        private static dev.simloop.Shard shardOf(Map<String, Object> line) {
            return dev.simloop.Shard.parse(String.valueOf(line.get("shard")));
        }

        private static String name(Map<String, Object> line) {
            String cls = String.valueOf(line.get("class"));
            return cls.substring(cls.lastIndexOf('.') + 1) + "." + testName(line);
        }

        private static String testName(Map<String, Object> line) {
            String method = String.valueOf(line.get("method"));
            String display = String.valueOf(line.get("display"));
            return display.startsWith(method) ? method : method + " [" + display + "]";
        }

        private static long number(Map<String, Object> line, String key) {
            return line.get(key) instanceof Number n ? n.longValue() : 0;
        }

        private static String cut(String s, int width) {
            return s.length() <= width ? s : s.substring(0, width - 1) + "…";
        }

        private static String xml(String s) {
            return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                    .replaceAll("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F]", "?");
        }
    }
}
