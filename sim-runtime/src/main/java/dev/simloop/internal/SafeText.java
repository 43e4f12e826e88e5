package dev.simloop.internal;

/**
 * A user's exception as text, for reports that must not fail. A failure's {@code toString()} and
 * {@code getMessage()} are user code: when one throws, the report of the run (its message, its
 * replay line, the trace that records the failure, the shrinker's comparison) would be lost to
 * that exception, or a task that failed would not finish. These say what the failure is instead.
 */
public final class SafeText {
    private SafeText() {
    }

    /** @return {@code t.toString()}, or its class and what its {@code toString()} threw */
    public static String of(Throwable t) {
        return text(t);
    }

    /** @return {@code String.valueOf(o)}, or {@code o}'s class and what its {@code toString()} threw */
    private static String text(Object o) {
        try {
            return String.valueOf(o);
        } catch (RuntimeException | Error e) {
            return o.getClass().getName() + " (its toString() threw " + userError(e).getClass().getName() + ")";
        }
    }

    /**
     * @return {@code e}, thrown by the user's {@code toString()} or {@code getMessage()} (an
     *     {@code AssertionError} in a message built from a checked state, say), which a report names
     *     in place of the text
     * @throws VirtualMachineError {@code e} itself when it is one other than a stack overflow: out of
     *     memory, the JVM comes before the report
     */
    private static Throwable userError(Throwable e) {
        if (e instanceof VirtualMachineError v && !(e instanceof StackOverflowError)) {
            throw v;
        }
        return e;
    }

    /** @return {@code s}, or its first {@code max} characters and how many more there are, with {@code note} */
    private static String cut(String s, int max, String note) {
        if (s.length() <= max) {
            return s;
        }
        int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        return s.substring(0, end) + "... (" + (s.length() - end) + " more characters" + note + ")";
    }

    /**
     * The longest text of a failure that a report's summary quotes ({@link #brief}): a message of
     * megabytes would push the report's seed and replay line out of a CI log that cuts long output.
     */
    static final int BRIEF_CHARS = 2_000;

    /**
     * @return {@link #of}{@code (t)}, cut to {@value #BRIEF_CHARS} characters with a note of how many
     *     more the failure has (the failure itself, a report's cause, keeps them all)
     */
    public static String brief(Throwable t) {
        return cut(text(t), BRIEF_CHARS, ": the failure itself has them all");
    }

    /**
     * @param failure a run's failure
     * @return how it failed, for telling two failures apart (shrinking, a re-run of a failed test):
     *     its class and its message's first line, with every number blanked, and every identity hash
     *     code and hexadecimal address too ({@code Account@1b6d3586}, {@code $$Lambda/0x7f3a0c01}):
     *     an object without a {@code toString} of its own prints its identity hash, which differs in
     *     every run of one schedule (an assertion's {@code expected: <Account@1b6d3586>}), so a replay
     *     would never seem to fail the same way
     */
    public static String way(Throwable failure) {
        String text = message(failure);
        String first = text == null ? "" : text.lines().findFirst().orElse("");
        return failure.getClass().getName() + ": " + blankVarying(first);
    }

    /** @return {@code text} with its numbers, identity hashes and {@code 0x} addresses blanked, as {@link #way} compares it */
    public static String blankVarying(String text) {
        return VARYING.matcher(text).replaceAll(SafeText::blank);
    }

    /**
     * What differs between two runs of one schedule, or is a count a simpler run changes: an
     * identity hash ({@code Object.toString}'s {@code @} and lowercase hex), a hexadecimal number
     * ({@code 0x...}: a hidden class's address), a decimal number.
     */
    private static final java.util.regex.Pattern VARYING =
            java.util.regex.Pattern.compile("@[0-9a-f]{1,8}\\b|0x[0-9a-fA-F]+|\\d+");

    private static String blank(java.util.regex.MatchResult m) {
        return m.group().startsWith("@") ? "@#" : "#";
    }

    /**
     * @return {@code text} (a failure's message, say, read back from a results file), cut to
     *     {@value #BRIEF_CHARS} characters as {@link #brief(Throwable)} cuts a failure, with {@code note}
     *     (such as {@code ": the test's report has them all"}) after the count of the characters cut
     */
    public static String brief(String text, String note) {
        return text == null ? null : cut(text, BRIEF_CHARS, note);
    }

    /**
     * The longest replay line a report quotes in the ways to paste it (an annotation, a string in
     * code, a command line), besides giving it once: a Java annotation's string, like any string
     * constant, holds 65,535 bytes of UTF-8 (a replay line is ASCII), one command-line argument some
     * 128 KB on Linux. A longer line replays from code only, {@code Simulation.builder().replay(line)}.
     */
    public static final int LONGEST_QUOTED_LINE = 65_000;

    /**
     * The longest replay line a report shows whole (a run of some 750,000 choices); a longer one (up
     * to 13 MB at the default {@code maxSteps}) is cut by {@link #line}, and the report says where to
     * get it whole.
     */
    public static final int LONGEST_SHOWN_LINE = 1_000_000;

    /**
     * A replay line as the runtime's and the extensions' reports show it: whole up to
     * {@value #LONGEST_SHOWN_LINE} characters, or its first 100 characters and its length, then
     * {@code where} (where to get it whole, such as {@code ", too long to show: replayLine() returns
     * it whole"}; empty for nothing more).
     *
     * @param line a replay line (null stays null)
     * @param where what follows the length inside the parentheses
     * @return the line, or its cut
     */
    public static String line(String line, String where) {
        return line(line, LONGEST_SHOWN_LINE, where);
    }

    /**
     * As {@link #line(String, String)}, cut above {@code longest} characters instead (a table whose
     * rows should stay shorter than a message).
     *
     * @param line a replay line (null stays null)
     * @param longest the longest line shown whole, at least 100
     * @param where what follows the length inside the parentheses
     * @return the line, or its cut
     */
    public static String line(String line, int longest, String where) {
        if (line == null || line.length() <= longest) {
            return line;
        }
        return line.substring(0, 100) + "… (" + line.length() + " characters" + where + ")";
    }

    /**
     * A user's object as a trace names it: its {@code toString()} cut to {@code max} characters, or its
     * class and what its {@code toString()} threw. A trace records such a text at every step that
     * touches the object: a text of megabytes, or one that throws, would make a traced replay (which
     * every failure's report runs) run out of memory or fail with the user's exception.
     */
    public static String object(Object o, int max) {
        return cut(text(o), max, "");
    }

    /** The most characters of a task's name a report shows ({@link #name}). */
    static final int LONGEST_SHOWN_NAME = 200;

    /**
     * A task's name as a report quotes it ({@code task 'name'}): on one line ({@link #oneLine}) and cut to
     * {@value #LONGEST_SHOWN_NAME} characters. A name is the user's text (a request, a file's line): raw,
     * a line break in it split a report's line, and what followed read as a line of the report (a stack
     * frame, another task), a terminal ran its escape codes, and a name of megabytes was quoted in full
     * on every line that named the task. {@code Task.name()} still returns it whole.
     *
     * @param name a task's name
     * @return it as a report shows it
     */
    public static String name(String name) {
        if (name.length() <= LONGEST_SHOWN_NAME && isOneLine(name)) {
            return name; // the common case, without copying: toString() and messages name tasks often
        }
        return cut(oneLine(name), LONGEST_SHOWN_NAME, "");
    }

    /** @return whether {@link #oneLine} would return {@code s} as it is: no control character, no line break */
    private static boolean isOneLine(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                return false;
            }
        }
        return true;
    }

    /**
     * @return {@code s} on one line: each line break, with the spaces around it, as one space; any
     *     other control character (a tab, a terminal's escape code, a NUL) as {@code \\uXXXX}
     */
    static String oneLine(String s) {
        return visibleControls(s.replaceAll("\\s*\\R\\s*", " "), false);
    }

    /**
     * @param keepLayout whether a tab, a line feed and a carriage return stay as they are
     * @return {@code s} with each other control character (a terminal's escape code, a NUL) as
     *     {@code \\uXXXX}; {@code s} itself, not a copy, when it has none
     */
    static String visibleControls(String s, boolean keepLayout) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean shown = Character.isISOControl(c) && !(keepLayout && (c == '\t' || c == '\n' || c == '\r'));
            if (shown && sb == null) {
                sb = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (shown) {
                sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }

    /** The longest input an error quotes whole ({@link #input}). */
    static final int LONGEST_QUOTED_INPUT = 60;

    /**
     * A user's input as an error quotes it (a strategy, a shard, a system property's value): whole
     * up to {@value #LONGEST_QUOTED_INPUT} characters, or its start and its length, so that a log
     * pasted where a value belongs does not make an error of megabytes.
     *
     * @param text the input
     * @return it, or its first 57 characters, {@code ...} and {@code (N characters)}
     */
    public static String input(String text) {
        if (text.length() <= LONGEST_QUOTED_INPUT) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(56)) ? 56 : 57;
        return text.substring(0, end) + "... (" + text.length() + " characters)";
    }

    /** @return {@code t.getMessage()} (null when it is), or what its {@code getMessage()} threw, in parentheses */
    public static String message(Throwable t) {
        try {
            return t.getMessage();
        } catch (RuntimeException | Error e) {
            return "(its getMessage() threw " + userError(e).getClass().getName() + ")";
        }
    }
}
