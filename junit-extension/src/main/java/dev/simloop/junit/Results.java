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
 * line with fewer preemptions that fails the same way, when shrinking found one; else null). A test
 * that failed outside its schedules (a setting that does not parse, a lifecycle method that threw)
 * has the stop reason {@code ERROR} and one failure without a schedule or replay line, and no shard
 * when its settings did not resolve; one whose later schedule's set-up (a fresh instance's
 * constructor or {@code @BeforeEach}) threw has the stop reason {@code ERROR} too, and its failure
 * names that schedule and its seed, with no replay line (it never ran). The replay lines are whole,
 * however long (the report points here for a line too long to show); a failure's message is cut to
 * its first 2,000 characters, as the report cuts it.
 *
 * <p>To merge the files of several shards (CI jobs, machines) into one summary and one JUnit XML
 * report that CI servers display:
 *
 * <pre>{@code
 * java -cp simloop-junit.jar:simloop-runtime.jar dev.simloop.junit.Results merge --xml merged.xml shard-*.jsonl
 * }</pre>
 *
 * <p>It prints a table with a row per test (a replay line of more than 65,000 characters, which no
 * annotation holds, cut to its start and length), and exits with 0 when every test passed in every shard
 * that ran it, 1 when a test failed in some shard (a schedule failed, the test failed outside its
 * schedules, or its exploration was interrupted, as by a {@code @Timeout}), when a shard of a test
 * is missing, or when a file holds no results; and 2 when the command, a file or the set of files is
 * malformed (a line lacks a member that passes or fails its test; a shard's lines disagree on the
 * seed, strategy, schedules or shard count of one test: they are not of one run). A test and shard
 * with several lines (a file that several runs appended to) counts its last line, with a note, and
 * keeps the failures of the lines before it: a failure that a run found is never dropped. A file
 * named twice is read once, and lines that repeat another file's (a copy of it) count once, each
 * with a note, so that neither counts a failure twice. A failing test's row names its missing
 * shards too, since a shard that sent nothing may have failed as well. A
 * test's first failure is the one an unsharded run meets first: the lowest schedule index of any
 * shard, or, for a bounded search (split by subtree, each shard numbering its own schedules), the
 * first in the unsplit search's order, which each failure's {@code order} key gives. It needs these
 * two jars only, not JUnit's.
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
        if (args.length > 0 && HELP.contains(args[args.length - 1])) {
            out.print(USAGE);
            return 0;
        }
        if (args.length == 0 || !args[0].equals("merge")) {
            return usage(err, args.length == 0 ? "no command" : "unknown command '" + args[0] + "'");
        }
        for (int i = 1; i < args.length; i++) {
            if (args[i].isBlank()) {
                // Path.of("") is the working directory: most likely a shell variable that was not set
                return usage(err, "an empty file name (argument " + i + "): a shell variable that was not set?");
            }
            try {
                if (args[i].equals("--xml")) {
                    if (++i == args.length) {
                        return usage(err, "--xml needs a file");
                    }
                    if (xml != null) {
                        // the last one would win, and the report the first one names would silently not be written
                        return usage(err, "--xml given twice (" + xml + ", then " + args[i] + "): name one file for"
                                + " the JUnit XML report");
                    }
                    xml = Path.of(args[i]);
                } else if (args[i].startsWith("--") && !Files.exists(Path.of(args[i]))) {
                    // a misspelt --xml (or an option of another tool) would read as "no such file"
                    return usage(err, "unknown option " + args[i] + " (merge takes --xml FILE and results files)");
                } else {
                    files.add(Path.of(args[i]));
                }
            } catch (java.nio.file.InvalidPathException e) {
                // e.g. shard-*.jsonl, which cmd.exe passes on unexpanded, on Windows
                return usage(err, "'" + args[i] + "' is not a file name (" + e.getReason() + "); a shell that does"
                        + " not expand wildcards passes them on as they are: name the files one by one");
            }
        }
        if (files.isEmpty()) {
            return usage(err, "no results files given");
        }
        if (xml != null && overwritesResults(xml, files)) {
            // merge --xml shard-*.jsonl, the report's name left out: the first shard's file would be
            // overwritten with the report, its results lost, and the merge would blame a missing shard
            return usage(err, "--xml " + xml + " is a results file, which the JUnit XML report would overwrite:"
                    + " name the report's own file after --xml, e.g. --xml simloop.xml");
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
                err.println("simloop Results: cannot write the JUnit XML report " + xml + ": " + whyNotWritten(xml, e));
                return 2;
            }
            out.println("JUnit XML: " + xml.toAbsolutePath());
        }
        return merged.failed() ? 1 : 0;
    }

    /**
     * @return why the report could not be written, and what to give {@code --xml} instead: a file
     *     system's exception names the path alone for the commonest causes (no permission, no such
     *     directory, a file where a directory should be)
     */
    private static String whyNotWritten(Path xml, IOException e) {
        String fix = "; give --xml a file in a directory that can be written, e.g. --xml simloop.xml";
        if (Files.isDirectory(xml)) {
            return "it is a directory; give --xml a file's name, e.g. --xml " + xml.resolve("simloop.xml");
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException exists) {
            return exists.getFile() + " is a file, not a directory" + fix; // Files.createDirectories met it on the way
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied" + fix;
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file or directory" + fix;
        }
        if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
            return fse.getReason() + fix;
        }
        return e + fix;
    }

    /** @return whether {@code xml} names a results file: one of {@code files}, or any {@code .jsonl} file */
    private static boolean overwritesResults(Path xml, List<Path> files) {
        Path target = xml.toAbsolutePath().normalize();
        return xml.toString().toLowerCase(Locale.ROOT).endsWith(".jsonl")
                || files.stream().anyMatch(f -> f.toAbsolutePath().normalize().equals(target));
    }

    private static final List<String> HELP = List.of("--help", "-h");

    private static final String USAGE = """
            usage: java -cp simloop-junit.jar:simloop-runtime.jar dev.simloop.junit.Results merge [--xml FILE] RESULTS.jsonl...
              merges the results files that simulated tests append to (target/simloop/results.jsonl),
              prints a summary per test and, with --xml, writes a JUnit XML report;
              exits 0 when every test passed in every shard, 1 when one failed, a shard is missing or a
              file holds no results, 2 when the command or the files are malformed
            """;

    private static int usage(PrintStream err, String problem) {
        err.print("simloop Results: " + problem + "\n" + USAGE);
        return 2;
    }

    /** The results of every test, merged over shards and files. */
    static final class Merged {
        /** By test id, sorted: each test's lines, one per shard (the last), then those of no shard. */
        private final Map<String, List<Map<String, Object>>> tests = new TreeMap<>();
        /** Files that hold no results: each fails the merge (its shard ran no simulated test). */
        private final List<String> empty = new ArrayList<>();
        /**
         * What the merge did that the table does not show, one note each: a line that a later line of
         * the same test and shard replaced (the test, the shard and what was kept), a file named twice,
         * lines that another file repeats
         */
        private final List<String> notes = new ArrayList<>();

        static Merged read(List<Path> files) throws IOException {
            Reading reading = new Reading();
            for (Path f : files) {
                reading.file(f);
            }
            return reading.merged();
        }

        /** The state of one {@link #read}: the lines kept so far, by test and shard, and where each came from. */
        private static final class Reading {
            private final Merged m = new Merged();
            private final Map<String, Map<String, Map<String, Object>>> byTestAndShard = new TreeMap<>();
            private final Map<String, Path> fileOfTestAndShard = new java.util.HashMap<>();
            /** Each file read, by its real path, as it was named first. */
            private final Map<Path, Path> named = new java.util.HashMap<>();
            /** Per file, and the earlier file it repeats: how many of its lines are the same as one there. */
            private final Map<List<Path>, Integer> repeated = new LinkedHashMap<>();

            void file(Path f) throws IOException {
                List<String> lines = readable(f);
                Path first = named.putIfAbsent(f.toRealPath(), f);
                if (first != null) {
                    // a glob and a name that overlap (shard-*.jsonl shard-1.jsonl): its lines once, not as reruns
                    m.notes.add(f + ": named twice" + (first.equals(f) ? "" : " (as " + first + " too)") + ": read once");
                    return;
                }
                int results = 0;
                for (int i = 0; i < lines.size(); i++) {
                    if (!lines.get(i).isBlank()) {
                        add(f, line(f, i + 1, lines.get(i)));
                        results++;
                    }
                }
                if (results == 0) {
                    m.empty.add(f.toString());
                }
            }

            /** Keeps {@code line} of file {@code f} as its test's and shard's, noting the line it replaces. */
            private void add(Path f, Map<String, Object> line) {
                Object shard = line.get("shard");
                // lines without a shard (settings that did not resolve) are told apart by all they hold
                String key = shard == null ? "no shard " + line : shard.toString();
                Map<String, Object> earlier = byTestAndShard
                        .computeIfAbsent((String) line.get("test"), k -> new LinkedHashMap<>()).put(key, line);
                Path earlierFile = fileOfTestAndShard.put(line.get("test") + "\0" + key, f);
                if (earlier == null) {
                    return;
                }
                boolean same = earlier.equals(line);
                int kept = keepFailures(earlier, line);
                if (!earlierFile.equals(f) && sameWholeRun(earlier, line)) {
                    return; // a test that is never split (a replay) ran whole in each shard's JVM: one run, no note
                }
                if (same && !earlierFile.equals(f)) {
                    // the same line in another file: a copy of a file, not a run (a run's wall time differs)
                    repeated.merge(List.of(f, earlierFile), 1, Integer::sum);
                    return;
                }
                m.notes.add(name(line) + (shard == null ? " (no shard)" : " shard " + key)
                        + ": an earlier line replaced by a later one"
                        + (kept == 0 ? "" : ", which keeps its " + (kept == 1 ? "failure" : kept + " failures")
                        + " (a failure that a run found fails the merge while its line is in a file:"
                        + " give each run its own files)"));
            }

            Merged merged() {
                repeated.forEach((pair, n) -> m.notes.add(pair.get(0) + ": " + (n == 1 ? "1 line" : n + " lines")
                        + " the same as in " + pair.get(1) + " (a copy of it?): counted once"));
                byTestAndShard.forEach((id, lines) -> {
                    List<Map<String, Object>> sorted = new ArrayList<>(lines.values());
                    sorted.sort(java.util.Comparator.comparingInt(l -> l.get("shard") == null ? Integer.MAX_VALUE
                            : shardOf(l).index()));
                    checkOneRun(sorted);
                    m.tests.put(id, sorted);
                });
                return m;
            }
        }

        /**
         * @return whether two lines of one test, from different files, are one whole run: unsplit
         *     ({@code 1/1}) with the same seed, strategy and schedules. A test that is never sharded
         *     (a {@code replay}) runs whole in each shard's JVM and writes such a line to each shard's
         *     file; that is not a line a later run appended.
         */
        private static boolean sameWholeRun(Map<String, Object> earlier, Map<String, Object> later) {
            return "1/1".equals(later.get("shard"))
                    && List.of("seed", "strategy", "schedules").stream()
                            .allMatch(k -> java.util.Objects.equals(earlier.get(k), later.get(k)));
        }

        /**
         * Adds to {@code later}'s failures those of the {@code earlier} line it replaces that it lacks:
         * a failure that a run found (a retry that explored another seed and passed, a run appended to
         * the same file after it) is not dropped by the line that follows it.
         *
         * @return how many failures it kept
         */
        private static int keepFailures(Map<String, Object> earlier, Map<String, Object> later) {
            List<Object> failures = new ArrayList<>((List<?>) later.get("failures"));
            int kept = 0;
            for (Object f : (List<?>) earlier.get("failures")) {
                if (!failures.contains(f)) {
                    failures.add(f);
                    kept++;
                }
            }
            later.put("failures", failures);
            return kept;
        }

        /** @return the file's lines, or an exception that says why they cannot be read */
        private static List<String> readable(Path f) throws IOException {
            if (Files.isDirectory(f)) {
                throw new IOException(f + " is a directory: give the results files in it (" + f.resolve("*.jsonl") + ")");
            }
            if (!Files.exists(f)) {
                throw new IOException(f + ": no such file");
            }
            List<String> lines;
            try {
                lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new IOException(f + " is not UTF-8 text: a results file is JSON lines in UTF-8, as simloop writes"
                        + " it (was it converted, or is it another file?)", e);
            } catch (IOException e) {
                throw new IOException("cannot read " + f + ": " + e, e);
            }
            if (!lines.isEmpty() && lines.get(0).startsWith("\uFEFF")) {
                lines.set(0, lines.get(0).substring(1)); // a byte-order mark that an editor on Windows added
            }
            return lines;
        }

        /** @return line {@code number} of {@code f}, checked to be a results line */
        private static Map<String, Object> line(Path f, int number, String text) {
            Object v;
            try {
                v = Json.read(text);
            } catch (Json.CutShort e) {
                // the start of a line: what a JVM killed while it appended its line (or a full disk) leaves
                throw new IllegalArgumentException(f + ":" + number + ": cut short, as a JVM killed while it wrote the"
                        + " line leaves it (" + e.getMessage() + "): run that shard again into a fresh file, or delete"
                        + " the line to merge the rest (its test's shard then counts as missing)", e);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(f + ":" + number + ": " + e.getMessage(), e);
            }
            if (!(v instanceof Map<?, ?> map) || !(map.get("test") instanceof String)) {
                throw new IllegalArgumentException(f + ":" + number + ": not a simloop results line"
                        + " (an object with a \"test\" member)");
            }
            // a line of no shard is one whose test failed before its settings resolved (ResultsFile.appendError)
            if (map.get("shard") == null && !ResultsFile.ERROR.equals(map.get("stopReason"))) {
                throw new IllegalArgumentException(f + ":" + number + ": not a simloop results line (its \"shard\" is "
                        + (map.containsKey("shard") ? "null" : "missing") + ", and only a test that failed before its"
                        + " settings resolved, of stop reason " + ResultsFile.ERROR + ", has none)");
            }
            dev.simloop.Shard shard = null;
            if (map.get("shard") != null) {
                try {
                    shard = dev.simloop.Shard.parse(String.valueOf(map.get("shard")));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(f + ":" + number + ": " + e.getMessage(), e);
                }
            }
            String wrong = wrongMember(map);
            if (wrong != null) {
                throw new IllegalArgumentException(f + ":" + number + ": not a simloop results line (" + wrong + ")");
            }
            @SuppressWarnings("unchecked") // Json.read makes maps of String keys
            Map<String, Object> line = (Map<String, Object>) map;
            if (shard != null) {
                // lines are told apart by their shard's text: "02/04" or " 2/4" is the shard 2/4 too
                line.put("shard", shard.toString());
            }
            return line;
        }

        /** The stop reasons a results line may give: an exploration's, or a test's that failed before it explored. */
        private static final List<String> STOP_REASONS = java.util.stream.Stream.concat(
                java.util.Arrays.stream(dev.simloop.Exploration.StopReason.values()).map(Enum::name),
                java.util.stream.Stream.of(ResultsFile.ERROR)).toList();

        /**
         * @return what is missing or of the wrong type or value among the members every results line has
         *     (those the merge reads to pass or fail a test), or null when nothing is: a line that
         *     lacked its failures would otherwise count as a pass
         */
        private static String wrongMember(Map<?, ?> line) {
            for (String key : List.of("class", "method", "stopReason")) {
                if (!(line.get(key) instanceof String)) {
                    return "its \"" + key + "\" is " + (line.containsKey(key) ? "not a string" : "missing");
                }
            }
            if (!STOP_REASONS.contains(line.get("stopReason"))) {
                // a pass or a fail is read off it: "interrupted" or "Failure_Found" would count as a pass
                return "its \"stopReason\" '" + dev.simloop.internal.SafeText.input((String) line.get("stopReason"))
                        + "' is none of " + STOP_REASONS;
            }
            if (!(line.get("run") instanceof Number run)) {
                return "its \"run\" is " + (line.containsKey("run") ? "not a number" : "missing");
            }
            if (run.doubleValue() < 0) {
                return "its \"run\" is negative";
            }
            if (!(run instanceof Long n) || n > Integer.MAX_VALUE) {
                // read as a long, 2.5 would count 2 schedules, and 1e300 would overflow the totals
                return "its \"run\" " + run + " is not a count of schedules, a whole number from 0 to " + Integer.MAX_VALUE;
            }
            if (!(line.get("failures") instanceof List<?> failures)) {
                return "its \"failures\" is " + (line.containsKey("failures") ? "not a list" : "missing");
            }
            for (Object f : failures) {
                if (!(f instanceof Map<?, ?> m) || !(m.get("type") instanceof String)
                        || !(m.get("schedule") == null || m.get("schedule") instanceof Number)) {
                    return "a member of its \"failures\" is not an object with a \"type\" and a \"schedule\"";
                }
                if (m.containsKey("order") && orderKey(m) == null) {
                    return "a failure's \"order\" is not a list of numbers";
                }
            }
            return null;
        }

        /**
         * Checks that a test's shards are of one run: the same shard count, seed, strategy and
         * schedules, without which their union is not one exploration.
         */
        private static void checkOneRun(List<Map<String, Object>> lines) {
            List<Map<String, Object>> sharded = lines.stream().filter(l -> l.get("shard") != null).toList();
            for (String key : List.of("seed", "strategy", "schedules")) {
                TreeSet<String> values = new TreeSet<>();
                sharded.forEach(l -> values.add(String.valueOf(l.get(key))));
                if (values.size() > 1) {
                    throw new IllegalArgumentException(name(lines.get(0)) + ": its shards ran with different "
                            + (key.equals("strategy") ? "strategies" : key.equals("schedules") ? "schedule counts" : key + "s")
                            + " (" + String.join(", ", values) + "), so they are not one exploration;"
                            + " merge the files of one run, whose shards all got the same settings");
                }
            }
            TreeSet<Integer> counts = new TreeSet<>();
            sharded.forEach(l -> counts.add(shardOf(l).count()));
            if (counts.size() > 1) {
                throw new IllegalArgumentException(name(lines.get(0)) + ": lines of runs split into "
                        + counts.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(" and "))
                        + " shards; merge the files of one run (a file that an earlier run appended to?)");
            }
        }

        /** @return whether a test failed in some shard or misses a shard, a file held nothing, or nothing was given */
        boolean failed() {
            return tests.isEmpty() || !empty.isEmpty() || tests.values().stream().anyMatch(Merged::failing);
        }

        /** @return whether a test's lines fail it: a failure, an interrupted exploration, or a missing shard */
        private static boolean failing(List<Map<String, Object>> lines) {
            return !failures(lines).isEmpty() || interrupted(lines) || !missing(lines).isEmpty();
        }

        /** @return whether a shard's exploration was interrupted (a {@code @Timeout}: JUnit failed the test) */
        private static boolean interrupted(List<Map<String, Object>> lines) {
            return lines.stream().anyMatch(l -> "INTERRUPTED".equals(l.get("stopReason")));
        }

        /**
         * @return whether an assumption aborted every schedule the test's shards ran: JUnit skipped it
         *     (a shard that owned only such schedules is there, and skipped, not missing)
         */
        private static boolean allAborted(List<Map<String, Object>> lines) {
            long run = lines.stream().mapToLong(l -> number(l, "run")).sum();
            return run > 0 && lines.stream().mapToLong(l -> number(l, "aborted")).sum() == run;
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
                String alsoMissing = missing.isEmpty() ? "" : "; missing shards " + String.join(", ", missing);
                String note = !failures.isEmpty() ? failureNote(failures.get(0), lines) + alsoMissing
                        : interrupted(lines) ? "interrupted (a @Timeout?): not every schedule ran" + alsoMissing
                        : !missing.isEmpty() ? "missing shards " + String.join(", ", missing)
                        : allAborted(lines) ? "skipped: an assumption aborted every schedule"
                        : cappedBoundedSearch(lines) ? "a shard stopped at the schedule count before its part of the"
                                + " bounded search was exhausted: raise -Dsimloop.schedules to search it all" : "";
                rows.add(new Row(name(lines.get(0)), shardsText(lines), run, failures.size(), String.join(",", stops),
                        note));
            });
            return rows;
        }

        /**
         * @return what the table says of a failure: its replay line, or the error of a test that failed
         *     outside its schedules or while setting one up (which has a schedule but no replay line)
         */
        private static String failureNote(Map<String, Object> f, List<Map<String, Object>> lines) {
            if (f.get("replay") == null) {
                String where = f.get("schedule") == null ? "failed outside its schedules: "
                        : "failed setting up schedule index " + f.get("schedule") + " (seed " + f.get("seed") + "): ";
                return where + f.get("type") + ": " + firstLine(message(f));
            }
            return (shardCount(lines) > 1 && isBoundedSearch(lines.get(0)) ? "(shard " + f.get("shard") + ") " : "")
                    // a row per test, not a row of megabytes: longer than a pin holds, the line is cut
                    + "replay " + dev.simloop.internal.SafeText.line(String.valueOf(f.get("replay")),
                            FailureReport.LONGEST_PIN, ", too long for the table: the test's line in the results file"
                                    + " holds it whole");
        }

        /**
         * @return the first line of a message, and how many more it has: a row of the table is one
         *     line, which a message's line breaks (a stack trace's, a multi-line assertion's) would
         *     break into pieces that no longer line up with the columns; the XML report has it whole
         */
        private static String firstLine(String message) {
            List<String> lines = message.lines().toList();
            return lines.isEmpty() ? "" : lines.size() == 1 ? lines.get(0) : lines.get(0) + " … (" + (lines.size() - 1)
                    + (lines.size() == 2 ? " more line" : " more lines") + ": in the JUnit XML and the results file)";
        }

        /**
         * @return a failure's message as the report cuts it (2,000 characters): a file a shard of an
         *     earlier version wrote may hold it whole
         */
        private static String message(Map<String, Object> failure) {
            return dev.simloop.internal.SafeText.brief(String.valueOf(failure.get("message")), ResultsFile.MESSAGE_NOTE);
        }


        /** @return the summary: a row per test, then the totals */
        String table() {
            StringBuilder sb = new StringBuilder();
            List<Row> rows = rows();
            int width = Math.max(4, rows.stream().mapToInt(r -> r.name().length()).max().orElse(4));
            width = Math.min(width, 60);
            // a shards text ("12 of 128") or a stop reasons' list ("all_schedules_run,failure_found")
            // may be wider than its heading: each column is as wide as its widest cell
            int shardsWidth = Math.max(7, rows.stream().mapToInt(r -> r.shards().length()).max().orElse(7));
            int stopsWidth = Math.max(17, rows.stream().mapToInt(r -> r.stops().length()).max().orElse(17));
            String format = "%-" + width + "s  %-" + shardsWidth + "s  %10s  %7s  %-" + stopsWidth + "s  %s%n";
            sb.append(String.format(Locale.ROOT, format, "test", "shards", "schedules", "failing", "stopped", "first failure"));
            long run = 0;
            long failing = 0;
            for (Row r : rows) {
                sb.append(String.format(Locale.ROOT, format, cut(r.name(), width), r.shards(), r.run(), r.failing(),
                        r.stops().toLowerCase(Locale.ROOT), r.note()));
                run += r.run();
                failing += r.failing();
            }
            for (String f : empty) {
                sb.append(f).append(": no results in it (its shard ran no simulated test)\n");
            }
            if (tests.isEmpty() && empty.isEmpty()) {
                sb.append("no results in any file\n");
            }
            for (String r : notes) {
                sb.append("note: ").append(r).append('\n');
            }
            sb.append(String.format(Locale.ROOT, "%d tests, %d schedules, %d failing: %s%n", rows.size(), run, failing,
                    failed() ? "FAILED" : "passed"));
            return sb.toString();
        }

        /** @return a JUnit XML report: a test case per test, failing with the replay lines of its failures */
        String junitXml() {
            StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            long failures = tests.values().stream().filter(Merged::failing).count() + empty.size();
            double total = tests.values().stream().flatMap(List::stream).mapToLong(l -> number(l, "wallMillis")).sum()
                    / 1000.0;
            long skipped = tests.values().stream().filter(l -> !failing(l) && allAborted(l)).count();
            sb.append(String.format(Locale.ROOT, "<testsuite name=\"simloop\" tests=\"%d\" failures=\"%d\" errors=\"0\""
                    + " skipped=\"%d\" time=\"%.3f\">%n", tests.size() + empty.size(), failures, skipped, total));
            for (String f : empty) {
                sb.append("  <testcase classname=\"simloop.merge\" name=\"").append(attribute(f)).append("\" time=\"0\">\n")
                        .append("    <failure message=\"no results in it (its shard ran no simulated test)\""
                                + " type=\"NoResults\"/>\n  </testcase>\n");
            }
            tests.forEach((id, lines) -> {
                Map<String, Object> first = lines.get(0);
                double time = lines.stream().mapToLong(l -> number(l, "wallMillis")).sum() / 1000.0;
                sb.append(String.format(Locale.ROOT, "  <testcase classname=\"%s\" name=\"%s\" time=\"%.3f\">%n",
                        attribute(String.valueOf(first.get("class"))), attribute(testName(first)), time));
                List<Map<String, Object>> fs = failures(lines);
                List<String> missing = missing(lines);
                if (!fs.isEmpty()) {
                    Map<String, Object> f = fs.get(0);
                    sb.append("    <failure message=\"").append(attribute(f.get("type") + ": " + message(f)))
                            .append("\" type=\"").append(attribute(String.valueOf(f.get("type")))).append("\">");
                    for (Map<String, Object> each : fs) {
                        String where = each.get("schedule") == null ? "outside its schedules"
                                : each.get("replay") == null ? "setting up schedule index " + each.get("schedule")
                                        + " (seed " + each.get("seed") + ")"
                                : "schedule index " + each.get("schedule");
                        sb.append(xml(where + " (shard " + each.get("shard") + "): " + each.get("type") + ": "
                                + message(each) + (each.get("replay") == null ? "" : "\nreplay: " + FailureReport.shown(String.valueOf(each.get("replay"))))
                                + (each.get("shrunk") == null ? "" : "\nshrunk: " + FailureReport.shown(String.valueOf(each.get("shrunk")))) + "\n"));
                    }
                    if (!missing.isEmpty()) {
                        sb.append(xml(noResultsFrom(missing) + "\n"));
                    }
                    sb.append("</failure>\n");
                } else if (interrupted(lines)) {
                    sb.append("    <failure message=\"interrupted (a @Timeout?): not every schedule ran\""
                            + " type=\"Interrupted\"").append(missing.isEmpty() ? "/>\n"
                                    : ">" + xml(noResultsFrom(missing)) + "</failure>\n");
                } else if (!missing.isEmpty()) {
                    sb.append("    <failure message=\"").append(attribute(noResultsFrom(missing)))
                            .append("\" type=\"MissingShards\"/>\n");
                } else if (allAborted(lines)) {
                    sb.append("    <skipped message=\"an assumption aborted every schedule\"/>\n");
                }
                sb.append("    <system-out>");
                for (Map<String, Object> l : lines) {
                    sb.append(xml((l.get("shard") == null ? "no shard (its settings did not resolve)" : "shard " + l.get("shard"))
                            + ": " + l.get("run") + " of " + l.get("schedules")
                            + " schedules, " + l.get("strategy") + ", seed " + l.get("seed") + ", "
                            + String.valueOf(l.get("stopReason")).toLowerCase(Locale.ROOT) + ", " + l.get("distinct")
                            + " distinct, " + l.get("wallMillis") + " ms\n"));
                }
                sb.append("</system-out>\n  </testcase>\n");
            });
            return sb.append("</testsuite>\n").toString();
        }

        /**
         * @return the failures of every shard of a test, each with its shard: any failure outside the
         *     schedules first, then the rest in the order an unsharded run meets them. That is by
         *     schedule index; for a bounded search, whose shards each number the schedules of their own
         *     subtrees, by each failure's {@code order} key ({@link dev.simloop.internal.SearchOrder}),
         *     or by shard, then index, when a failure has none (a run that ran away is not recorded)
         */
        private static List<Map<String, Object>> failures(List<Map<String, Object>> lines) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Map<String, Object> l : lines) {
                if (l.get("failures") instanceof List<?> fs) {
                    for (Object f : fs) {
                        if (f instanceof Map<?, ?> m) {
                            Map<String, Object> copy = new LinkedHashMap<>();
                            m.forEach((k, v) -> copy.put(k.toString(), v));
                            copy.put("shard", l.get("shard") == null ? "?" : l.get("shard"));
                            out.add(copy);
                        }
                    }
                }
            }
            java.util.Comparator<Map<String, Object>> outsideFirst =
                    java.util.Comparator.comparingInt(f -> f.get("schedule") == null ? 0 : 1);
            java.util.Comparator<Map<String, Object>> bySchedule =
                    java.util.Comparator.comparingLong(f -> f.get("schedule") instanceof Number n ? n.longValue() : -1);
            if (lines.isEmpty() || !isBoundedSearch(lines.get(0))) {
                out.sort(outsideFirst.thenComparing(bySchedule));
            } else if (out.stream().allMatch(f -> f.get("schedule") == null || orderKey(f) != null)) {
                out.sort(outsideFirst.thenComparing((x, y) -> x.get("schedule") == null ? 0
                        : dev.simloop.internal.SearchOrder.compare(orderKey(x), orderKey(y))));
            } else {
                out.sort(outsideFirst.thenComparingInt((Map<String, Object> f) -> f.get("shard") instanceof String sh
                        && !sh.equals("?") ? dev.simloop.Shard.parse(sh).index() : Integer.MAX_VALUE).thenComparing(bySchedule));
            }
            return out;
        }

        /** @return a failure's {@code order} key, or null when it has none or it is not a list of numbers */
        private static long[] orderKey(Map<?, ?> failure) {
            if (!(failure.get("order") instanceof List<?> order)) {
                return null;
            }
            long[] key = new long[order.size()];
            for (int i = 0; i < key.length; i++) {
                if (!(order.get(i) instanceof Number n)) {
                    return null;
                }
                key[i] = n.longValue();
            }
            return key;
        }

        /**
         * Whether a test's exploration is a bounded search ({@code exhaustive(k)},
         * {@code preemptionBounded(k)}, {@code delayBounded(k)}). Such a search is split by subtree,
         * not by schedule index: each shard numbers its own schedules from 0, so indices of two shards
         * cannot be compared; each failure's {@code order} key can.
         */
        private static boolean isBoundedSearch(Map<String, Object> line) {
            return line.get("strategy") instanceof String s && s.matches("(exhaustive|preemptionBounded|delayBounded)\\(\\d+\\)");
        }

        /**
         * @return whether a sharded bounded search stopped at its schedule count in some shard
         *     before its part was exhausted: the shards then ran more than, and other schedules than,
         *     an unsharded run of that count would have
         */
        private static boolean cappedBoundedSearch(List<Map<String, Object>> lines) {
            return shardCount(lines) > 1 && isBoundedSearch(lines.get(0))
                    && lines.stream().anyMatch(l -> "ALL_SCHEDULES_RUN".equals(l.get("stopReason")));
        }

        private static String noResultsFrom(List<String> missing) {
            return "no results from shards " + String.join(", ", missing);
        }

        /** The most missing shards the summary names one by one. */
        private static final int MISSING_SHOWN = 20;

        /**
         * @return the shards ({@code 3/4}) of a sharded test that none of its lines comes from: the
         *     first {@link #MISSING_SHOWN}, then how many more ({@code and 7 more})
         */
        private static List<String> missing(List<Map<String, Object>> lines) {
            TreeSet<Integer> seen = new TreeSet<>();
            lines.stream().filter(l -> l.get("shard") != null).forEach(l -> seen.add(shardOf(l).index()));
            if (seen.isEmpty()) {
                return List.of(); // only lines of tests whose settings did not resolve: their errors fail them
            }
            int count = shardCount(lines);
            List<String> missing = new ArrayList<>();
            // a line's count alone may be huge (1/2147483647): name the first few absent shards, count the rest
            long absent = count - (long) seen.size();
            for (int i = 0; i < count && missing.size() < absent && missing.size() < MISSING_SHOWN; i++) {
                if (!seen.contains(i)) {
                    missing.add(dev.simloop.Shard.of(i, count).toString());
                }
            }
            if (absent > missing.size()) {
                missing.add("and " + (absent - missing.size()) + " more");
            }
            return missing;
        }

        private static String shardsText(List<Map<String, Object>> lines) {
            int count = shardCount(lines);
            long seen = lines.stream().filter(l -> l.get("shard") != null).count();
            return seen == 0 ? "?" : count == 1 ? "1" : seen + " of " + count;
        }

        /** @return how many shards a test's lines say it was split into ({@link #read} checked that they agree) */
        private static int shardCount(List<Map<String, Object>> lines) {
            return lines.stream().filter(l -> l.get("shard") != null).mapToInt(l -> shardOf(l).count()).max().orElse(1);
        }

        /** A line's shard, of a line that has one ({@link #read} checked that it parses). */
        private static dev.simloop.Shard shardOf(Map<String, Object> line) {
            return dev.simloop.Shard.parse(String.valueOf(line.get("shard")));
        }

        private static String name(Map<String, Object> line) {
            String cls = String.valueOf(line.get("class"));
            return cls.substring(cls.lastIndexOf('.') + 1) + "." + testName(line);
        }

        private static String testName(Map<String, Object> line) {
            return ResultsFile.methodName(String.valueOf(line.get("test")), String.valueOf(line.get("method")),
                    String.valueOf(line.get("display")));
        }

        private static long number(Map<String, Object> line, String key) {
            return line.get(key) instanceof Number n ? n.longValue() : 0;
        }

        private static String cut(String s, int width) {
            return s.length() <= width ? s : s.substring(0, width - 1) + "…";
        }

        /**
         * @return {@code s} as XML text: markup escaped, a carriage return kept (a parser reads a bare
         *     one as a line feed), and every character XML 1.0 does not allow at all, escaped or not,
         *     as {@code ?}: controls, U+FFFE, U+FFFF and a surrogate without its partner (a message
         *     may hold any of them, and one would make the whole report unreadable to a CI server)
         */
        private static String xml(String s) {
            return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                    .replace("\r", "&#13;")
                    // a pattern reads a surrogate pair as one code point, so only a lone half matches
                    .replaceAll("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\uFFFE\\uFFFF\\uD800-\\uDFFF]", "?");
        }

        /**
         * @return {@code s} as an XML attribute's value: {@link #xml}, with its line feeds and tabs as
         *     character references (a parser reads them written plainly as spaces)
         */
        private static String attribute(String s) {
            return xml(s).replace("\n", "&#10;").replace("\t", "&#9;");
        }
    }
}
