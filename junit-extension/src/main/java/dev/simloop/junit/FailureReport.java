package dev.simloop.junit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Builds the message of a {@link SimulatedLoopFailure}, in the order users read it: the original
 * failure, seed, strategy, schedule i of n, the schedules skipped for failing outside
 * {@code failOn} (only when there were some), virtual time, steps, the shrunk line (when shrinking
 * found one with fewer preemptions) and the replay line, each with its preemptions (and, when shrinking
 * did not show that count to be the fewest, why not), the annotation
 * to paste and the {@code -D} form (both with the shrunk line when there is one; instead, why the
 * line does not repeat the failure when it does not), then the optional trace table and Chrome-trace path (omitted when
 * the runtime does not provide them; for a file that could not be written, where it was to go and why).
 * The trace table itself is attached to the failure as a suppressed exception ({@link #build()}), so
 * that surefire prints it once.
 */
final class FailureReport {
    /**
     * The longest line offered as an annotation and a command line
     * ({@link dev.simloop.internal.SafeText#LONGEST_QUOTED_LINE}).
     */
    static final int LONGEST_PIN = dev.simloop.internal.SafeText.LONGEST_QUOTED_LINE;
    /**
     * The longest line the report shows whole ({@link dev.simloop.internal.SafeText#LONGEST_SHOWN_LINE});
     * a longer one is cut: the results file holds it whole.
     */
    static final int LONGEST_SHOWN = dev.simloop.internal.SafeText.LONGEST_SHOWN_LINE;

    private String test = "test";
    private String rerun;
    private Throwable failure;
    private long seed;
    private Long baseSeed;
    /** The shard the run was one of ({@code 2/4}), or null when the run was not sharded. */
    private String shard;
    private String strategy = "";
    private int index;
    private int of = 1;
    private boolean replay;
    private String skipped;
    private Duration virtualTime = Duration.ZERO;
    private long steps;
    private String digest = "";
    private String replayLine = "";
    private int preemptions = -1;
    private String shrunkLine;
    private int shrunkPreemptions = -1;
    private String shrunkNote;
    private String fewest;
    private String notReplayable;
    private String limitElements = "";
    private boolean everyInvocation;
    private String traceTable;
    private RuntimeSeams.ReportFile traceFile;
    private RuntimeSeams.ReportFile htmlFile;

    FailureReport test(String name) {
        this.test = name;
        return this;
    }

    /** Optional part: what a re-run of a failed test did first, shown under the first line; null for none. */
    FailureReport rerun(String note) {
        this.rerun = note;
        return this;
    }

    FailureReport failure(Throwable t) {
        this.failure = t;
        return this;
    }

    FailureReport seed(long s) {
        this.seed = s;
        return this;
    }

    /** The exploration's base seed, shown when it differs from the failing run's seed. */
    FailureReport baseSeed(long s) {
        this.baseSeed = s;
        return this;
    }

    /**
     * Optional part: the shard of a sharded exploration ({@code 2/4}), shown with the schedule: its
     * index and count are the shard's part of the exploration, and its line replays on any machine
     */
    FailureReport shard(String s) {
        this.shard = s;
        return this;
    }

    FailureReport strategy(String s) {
        this.strategy = s;
        return this;
    }

    /** @param index 0-based */
    FailureReport schedule(int index, int of, boolean replay) {
        this.index = index;
        this.of = of;
        this.replay = replay;
        return this;
    }

    /** Optional part: how many earlier schedules failed outside {@code failOn}, and with what. */
    FailureReport skipped(String text) {
        this.skipped = text;
        return this;
    }

    FailureReport virtualTime(Duration d) {
        this.virtualTime = d;
        return this;
    }

    FailureReport steps(long n) {
        this.steps = n;
        return this;
    }

    FailureReport digest(String d) {
        this.digest = d;
        return this;
    }

    FailureReport replayLine(String line) {
        this.replayLine = line;
        return this;
    }

    /** The failing run's replay line and its preemptions ({@code SimResult.preemptions()}). */
    FailureReport replayLine(String line, int preemptions) {
        this.replayLine = line;
        this.preemptions = preemptions;
        return this;
    }

    /** Optional part: the shrunk run's line, printed first and suggested to paste. */
    FailureReport shrunk(String line, int preemptions) {
        this.shrunkLine = line;
        this.shrunkPreemptions = preemptions;
        return this;
    }

    /** Optional part: why the shrunk run's count of preemptions is not shown to be the fewest; null when it is. */
    FailureReport shrunkNote(String note) {
        this.shrunkNote = note;
        return this;
    }

    /**
     * Optional part: why the failing run's own line is the simplest, when shrinking found none simpler,
     * or why that is not shown.
     */
    FailureReport fewest(String why) {
        this.fewest = why;
        return this;
    }

    /**
     * Optional part: why the replay line does not repeat the failure. The report then offers no
     * annotation or command line to paste: a pinned line that passes would be a regression test
     * that tests nothing.
     */
    FailureReport notReplayable(String why) {
        this.notReplayable = why;
        return this;
    }

    /**
     * Optional part: the annotation elements that repeat the limits that stopped the run (e.g.
     * {@code , maxSteps = 300}), appended to the annotation: a replay without them goes on past the
     * line's end and diverges. The command line needs none, as it keeps the annotation's limits.
     */
    FailureReport limitElements(String elements) {
        this.limitElements = elements;
        return this;
    }

    /**
     * Optional part: the test is one invocation of a parameterized or repeated test, so a pasted
     * line replays every invocation with it, and the others, which it does not fit, fail.
     */
    FailureReport everyInvocation(boolean template) {
        this.everyInvocation = template;
        return this;
    }

    /** Optional part: the last trace events as a per-task table. */
    FailureReport traceTable(String table) {
        this.traceTable = table;
        return this;
    }

    /** Optional part: the Chrome-trace JSON file, written or not ({@link RuntimeSeams.ReportFile#describe}). */
    FailureReport traceFile(RuntimeSeams.ReportFile file) {
        this.traceFile = file;
        return this;
    }

    /** Optional part: the HTML report file, written or not ({@link RuntimeSeams.ReportFile#describe}). */
    FailureReport htmlFile(RuntimeSeams.ReportFile file) {
        this.htmlFile = file;
        return this;
    }

    /**
     * The failure, whose message is the short report. The trace table travels as a suppressed
     * exception: surefire prints a failure's message twice (in the test's stack trace and in the
     * summary at the end) but its suppressed exceptions once, so the long table appears once.
     */
    SimulatedLoopFailure build() {
        SimulatedLoopFailure f = new SimulatedLoopFailure(message(), failure, seed, strategy, index, of, virtualTime,
                steps, replayLine, digest, preemptions, shrunkLine, shrunkPreemptions);
        if (traceTable != null && !traceTable.isBlank()) {
            f.addSuppressed(new TraceTable(traceTable));
        }
        return f;
    }

    /** The trace table of a failure report, shown where a stack trace shows suppressed exceptions. */
    static final class TraceTable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TraceTable(String table) {
            super(table, null, false, false);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("simloop trace (the last events, one column per task):\n");
            for (String l : getMessage().strip().split("\n", -1)) {
                sb.append("    ").append(l).append('\n');
            }
            return sb.toString().stripTrailing();
        }
    }

    /** @return {@code line}, or its start when it is too long to show ({@link #LONGEST_SHOWN}); the merge's XML shows lines so too */
    static String shown(String line) {
        return dev.simloop.internal.SafeText.line(line, IN_THE_RESULTS_FILE);
    }

    /** Where a line too long to show is whole, after its length (the results file, {@link Results}). */
    static final String IN_THE_RESULTS_FILE = ", too long to show: the test's line in the results file holds it whole";

    /** @return what the schedule line says after "N of M": a replay, the exploration's base seed, the shard */
    private String scheduleNote() {
        List<String> parts = new ArrayList<>(2);
        if (replay) {
            parts.add("replay");
        } else if (baseSeed != null && baseSeed != seed) {
            parts.add("exploration base seed " + baseSeed);
        }
        if (shard != null) {
            parts.add("shard " + shard);
        }
        return parts.isEmpty() ? "" : " (" + String.join("; ", parts) + ")";
    }

    String message() {
        StringBuilder sb = new StringBuilder();
        sb.append("simloop: ").append(test).append(" failed in a simulated run\n");
        if (rerun != null) {
            line(sb, "re-run", rerun);
        }
        line(sb, "failure", dev.simloop.internal.SafeText.brief(failure));
        line(sb, "seed", Long.toString(seed));
        line(sb, "strategy", strategy);
        line(sb, "schedule", (index + 1) + " of " + of + scheduleNote());
        if (skipped != null) {
            line(sb, "skipped", skipped);
        }
        line(sb, "virtual time", formatDuration(virtualTime));
        line(sb, "steps", steps + (digest.isEmpty() ? "" : " (trace digest " + digest + ")"));
        if (shrunkLine != null) {
            line(sb, "shrunk", shown(shrunkLine) + " (" + preemptionsText(shrunkPreemptions)
                    + (shrunkNote == null ? "" : "; " + shrunkNote) + ")");
        }
        line(sb, "replay", shown(replayLine) + (preemptions < 0 ? ""
                : " (" + preemptionsText(preemptions) + (fewest == null || notReplayable != null ? "" : "; " + fewest)
                        + ")"));
        if (notReplayable != null) {
            line(sb, "not a pin", notReplayable);
        } else if ((shrunkLine != null ? shrunkLine : replayLine).length() > LONGEST_PIN) {
            String suggested = shrunkLine != null ? shrunkLine : replayLine;
            line(sb, "not a pin", "the line is " + suggested.length() + " characters long (a run of many steps):"
                    + " longer than a Java annotation's string (65,535 bytes) or one command-line argument can"
                    + " hold; it replays from code, Simulation.builder().replay(line).run(program)");
        } else {
            String suggested = shrunkLine != null ? shrunkLine : replayLine;
            line(sb, "annotation", "@SimulatedLoop(replay = \"" + suggested + "\"" + limitElements + ")"
                    + (everyInvocation ? " (it replays every invocation of this test with this line: the others,"
                            + " which it does not fit, then fail with ReplayDiverged; pin it while you debug this one)"
                            : ""));
            // quoted: a line may hold parentheses (pct(2)), which a shell would take for syntax
            line(sb, "command line", "-Dsimloop.replay=\"" + suggested + "\"");
        }
        if (htmlFile != null) {
            line(sb, "html report", htmlFile.describe());
        }
        if (traceFile != null) {
            line(sb, "chrome trace", traceFile.describe());
        }
        if (traceTable != null && !traceTable.isBlank()) {
            line(sb, "trace table", "below, under Suppressed");
        }
        return sb.toString().stripTrailing();
    }

    private static String preemptionsText(int n) {
        return n + (n == 1 ? " preemption" : " preemptions");
    }

    private static void line(StringBuilder sb, String label, String value) {
        String pad = " ".repeat(Math.max(1, 14 - label.length() - 1));
        String indent = "\n" + " ".repeat(2 + label.length() + 1 + pad.length());
        sb.append("  ").append(label).append(':').append(pad).append(value.replace("\n", indent)).append('\n');
    }

    static String formatDuration(Duration d) {
        return d.toString().substring(2).toLowerCase(Locale.ROOT);
    }
}
