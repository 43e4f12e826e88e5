package dev.simloop.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The trace as a text table for failure reports, at most {@link #WIDTH} characters wide: the
 * virtual time and step on the left, one column per task ({@code name#id}, so same-named tasks
 * stay apart), one row per event in the column of the task it happened to. A cell longer than its
 * column wraps onto the next lines instead of being cut. When the tasks are too many for columns
 * of a readable width, the table becomes a list: one line per event, naming the task.
 */
final class TraceTable {
    /** The widest line of a table. */
    static final int WIDTH = 120;
    /** A column narrower than this reads badly: with more tasks, the list form is used. */
    static final int MIN_COLUMN = 14;
    /**
     * A cell's text at most this long: a failure's message of many kilobytes would wrap into
     * thousands of lines of its column and push the rest of a report out of view (the failure
     * itself, in the report, keeps it all).
     */
    static final int MAX_CELL = 300;
    /**
     * A task's name at most this long in a column's header or a list line (its {@code #id} kept): a
     * name of a megabyte made a header of thousands of lines.
     */
    static final int MAX_NAME = 60;
    private static final String SEPARATOR = " | ";
    private static final int LEFT = 19; // "%-12s %6s"

    private TraceTable() {
    }

    /**
     * @param tail the events to show
     * @param earlier how many events before them are left out
     * @return the table, each line ending in a newline
     */
    static String render(List<Trace.Event> tail, long earlier) {
        Map<Integer, String> columns = new TreeMap<>();
        for (Trace.Event e : tail) {
            columns.putIfAbsent(e.taskId(), label(e));
        }
        int[] widths = widths(tail, columns);
        StringBuilder sb = new StringBuilder();
        if (widths == null) {
            list(sb, tail, earlier);
        } else {
            columns(sb, tail, earlier, new ArrayList<>(columns.keySet()), new ArrayList<>(columns.values()), widths);
        }
        return sb.toString();
    }

    /** @return each column's width, sharing {@link #WIDTH} fairly; null when the columns cannot be readable */
    private static int[] widths(List<Trace.Event> tail, Map<Integer, String> columns) {
        List<Integer> ids = new ArrayList<>(columns.keySet());
        int[] natural = new int[ids.size()];
        for (int i = 0; i < ids.size(); i++) {
            natural[i] = columns.get(ids.get(i)).length();
        }
        for (Trace.Event e : tail) {
            int i = ids.indexOf(e.taskId());
            natural[i] = Math.max(natural[i], cell(e).length());
        }
        int room = WIDTH - LEFT - SEPARATOR.length() * ids.size();
        if (ids.isEmpty() || room / ids.size() < MIN_COLUMN) {
            return ids.isEmpty() ? new int[0] : null;
        }
        // water-filling: narrow columns keep their natural width, the rest share what is left equally
        int[] widths = new int[ids.size()];
        boolean[] fixed = new boolean[ids.size()];
        int open = ids.size();
        boolean changed = true;
        while (changed && open > 0) {
            changed = false;
            int share = room / open;
            for (int i = 0; i < ids.size(); i++) {
                if (!fixed[i] && natural[i] <= share) {
                    widths[i] = natural[i];
                    fixed[i] = true;
                    room -= natural[i];
                    open--;
                    changed = true;
                }
            }
        }
        for (int i = 0; i < ids.size(); i++) {
            if (!fixed[i]) {
                widths[i] = room / open;
            }
        }
        return widths;
    }

    private static void columns(StringBuilder sb, List<Trace.Event> tail, long earlier, List<Integer> ids,
            List<String> labels, int[] widths) {
        List<List<String>> header = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            header.add(wrap(labels.get(i), widths[i]));
        }
        row(sb, "time", "step", header, widths);
        if (earlier > 0) {
            sb.append("(").append(earlier).append(" earlier events not shown)\n");
        }
        for (Trace.Event e : tail) {
            List<List<String>> cells = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                cells.add(ids.get(i) == e.taskId() ? wrap(cell(e), widths[i]) : List.of(""));
            }
            row(sb, Nanos.format(e.nanos()), Long.toString(e.step()), cells, widths);
        }
    }

    /** One row, as many lines high as its tallest cell; the time and step only on its first line. */
    private static void row(StringBuilder sb, String time, String step, List<List<String>> cells, int[] widths) {
        int height = cells.stream().mapToInt(List::size).max().orElse(1);
        for (int line = 0; line < height; line++) {
            StringBuilder l = new StringBuilder(line == 0 ? String.format(Locale.ROOT, "%-12s %6s", time, step)
                    : " ".repeat(LEFT));
            for (int i = 0; i < cells.size(); i++) {
                List<String> c = cells.get(i);
                l.append(SEPARATOR).append(pad(line < c.size() ? c.get(line) : "", widths[i]));
            }
            sb.append(l.toString().replaceAll("(\\s*\\|)*\\s*$", "")).append('\n'); // no empty cells at the end
        }
    }

    private static void list(StringBuilder sb, List<Trace.Event> tail, long earlier) {
        sb.append(String.format(Locale.ROOT, "%-12s %6s   %s%n", "time", "step", "task: event"));
        if (earlier > 0) {
            sb.append("(").append(earlier).append(" earlier events not shown)\n");
        }
        int room = WIDTH - LEFT - SEPARATOR.length();
        for (Trace.Event e : tail) {
            List<String> lines = wrap(label(e) + ": " + cell(e), room);
            for (int i = 0; i < lines.size(); i++) {
                sb.append(i == 0 ? String.format(Locale.ROOT, "%-12s %6d", Nanos.format(e.nanos()), e.step())
                        : " ".repeat(LEFT)).append(SEPARATOR).append(lines.get(i)).append('\n');
            }
        }
    }

    /** @return the event's task as the table names it: {@code name#id}, the name cut at {@link #MAX_NAME}, on one line */
    private static String label(Trace.Event e) {
        return oneLine(SafeText.object(e.task(), MAX_NAME)) + "#" + e.taskId();
    }

    /** The text of an event's cell: its kind and detail on one line. */
    static String cell(Trace.Event e) {
        String kind = e.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ');
        String detail = SafeText.object(oneLine(e.detail()).strip(), MAX_CELL);
        return detail.isEmpty() ? kind : kind + " " + detail;
    }

    /**
     * @return {@code s} as one line of the table: each line break, with the spaces around it, as one
     *     space; any other control character (a tab, a terminal's escape code, a NUL) as {@code \\uXXXX}.
     *     Raw, a break split a row or a column's header, and a console ran the escape codes.
     */
    private static String oneLine(String s) {
        return SafeText.oneLine(s);
    }

    /**
     * Breaks {@code s} into lines of at most {@code width} characters: at a space where it can, else
     * after a dot, comma, slash, hyphen or parenthesis ({@code Lock 'cache'.acquire(permits=0)}
     * breaks before {@code acquire} and {@code permits}), and inside a word only when neither is in
     * the second half of the line; never inside a surrogate pair.
     */
    static List<String> wrap(String s, int width) {
        List<String> lines = new ArrayList<>();
        String rest = s;
        while (rest.length() > width) {
            int space = rest.lastIndexOf(' ', width);
            if (space >= width / 2) {
                lines.add(rest.substring(0, space));
                rest = rest.substring(space + 1);
                continue;
            }
            int cut = afterLastBreak(rest, width);
            lines.add(rest.substring(0, cut));
            rest = rest.substring(cut);
        }
        if (!rest.isEmpty() || lines.isEmpty()) { // empty after a pair wider than its column
            lines.add(rest);
        }
        return lines;
    }

    /**
     * @return where to cut {@code s}: after its last break character in the second half of {@code width},
     *     else at it, or before the surrogate pair (an emoji, say) that a cut at it would split: half of
     *     a pair alone cannot be written as UTF-8, and the HTML report failed to be written
     */
    private static int afterLastBreak(String s, int width) {
        for (int i = width - 1; i >= width / 2; i--) {
            if (".,/(-".indexOf(s.charAt(i)) >= 0) {
                return i + 1;
            }
        }
        if (Character.isSurrogatePair(s.charAt(width - 1), s.charAt(width))) {
            return width > 1 ? width - 1 : width + 1; // a column one wide takes the pair whole
        }
        return width;
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
