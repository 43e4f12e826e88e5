package dev.simloop.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The events of one simulated run, recorded only when tracing is on (the loop then holds a
 * {@code Trace}; otherwise the hooks cost one null check). Renders as a per-task table for failure
 * reports and as Chrome Trace Event JSON for Perfetto or chrome://tracing.
 */
public final class Trace {
    /** What happened. */
    public enum Kind { SPAWN, RUN, YIELD, BLOCK, WAKE, CANCEL_REQUESTED, CANCEL_DELIVERED, ACQUIRE, RELEASE, PRIORITY,
        FINISH, FAIL }

    /** One event; {@code task} is the task it happened to, {@code detail} a short description. */
    public record Event(long nanos, long step, int taskId, String task, Kind kind, String detail) {
    }

    /** Keeps memory bounded for runaway runs; later events are counted, not kept. */
    static final int MAX_EVENTS = 200_000;
    private final List<Event> events;
    private long dropped;
    /**
     * How many events belong to the run: when an aborted run's tasks are unwound, the events after
     * its failure are tear-down, not the run, and the views leave them out. -1 while the run goes on.
     */
    private int runEvents = -1;

    Trace() {
        this(new ArrayList<>());
    }

    private Trace(List<Event> events) {
        this.events = events;
    }

    void add(long nanos, long step, TaskImpl<?> t, Kind kind, String detail) {
        if (events.size() < MAX_EVENTS) {
            events.add(new Event(nanos, step, t.id, t.name(), kind, detail));
        } else {
            dropped++;
        }
    }

    /** The run has failed: what is recorded from now on unwinds its tasks. */
    void runEnded() {
        if (runEvents < 0) {
            runEvents = events.size();
        }
    }

    /** @return the run's events so far, as a trace of their own (for a report made while the run cannot go on) */
    Trace copy() {
        Trace t = new Trace(new ArrayList<>(run()));
        t.dropped = dropped;
        return t;
    }

    /** The events of the run itself, without tear-down. */
    private List<Event> run() {
        return runEvents < 0 ? events : events.subList(0, runEvents);
    }

    /** @return the recorded events of the run, in order (without the tear-down of an aborted run) */
    public List<Event> events() {
        return List.copyOf(run());
    }

    /**
     * A table with one column per task (Lincheck-style) of the last {@code last} events: each row is
     * one event, in the column of the task it happened to, with the virtual time and step on the left.
     */
    public String table(int last) {
        List<Event> events = run();
        List<Event> tail = events.subList(Math.max(0, events.size() - last), events.size());
        Map<Integer, String> columns = new LinkedHashMap<>();
        tail.stream().sorted((a, b) -> Integer.compare(a.taskId, b.taskId)).forEach(e -> columns.putIfAbsent(e.taskId, e.task));
        List<Integer> ids = new ArrayList<>(columns.keySet());
        Map<Integer, Integer> widths = new LinkedHashMap<>();
        for (int id : ids) {
            widths.put(id, Math.min(MAX_CELL, columns.get(id).length()));
        }
        for (Event e : tail) {
            widths.merge(e.taskId, Math.min(MAX_CELL, cell(e).length()), Math::max);
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-12s %6s", "time", "step"));
        for (int id : ids) {
            sb.append(" | ").append(fit(columns.get(id), widths.get(id)));
        }
        sb.append('\n');
        if (events.size() > tail.size()) {
            sb.append("(").append(events.size() - tail.size()).append(" earlier events not shown)\n");
        }
        for (Event e : tail) {
            sb.append(String.format(Locale.ROOT, "%-12s %6d", Scheduler.formatNanos(e.nanos), e.step));
            for (int id : ids) {
                sb.append(" | ").append(fit(id == e.taskId ? cell(e) : "", widths.get(id)));
            }
            sb.append('\n');
        }
        if (dropped > 0) {
            sb.append("(").append(dropped).append(" events after the first ").append(MAX_EVENTS).append(" not recorded)\n");
        }
        if (runEvents >= 0 && this.events.size() > runEvents) {
            sb.append("(the run failed here; ").append(this.events.size() - runEvents)
                    .append(" more events unwound its tasks and are not shown)\n");
        }
        return sb.toString();
    }

    private static final int MAX_CELL = 40;

    private static String cell(Event e) {
        return e.kind.name().toLowerCase(Locale.ROOT).replace('_', ' ') + (e.detail.isEmpty() ? "" : " " + e.detail);
    }

    private static String fit(String s, int width) {
        String t = s.length() > width ? s.substring(0, width - 1) + "…" : s;
        return String.format(Locale.ROOT, "%-" + width + "s", t);
    }

    /**
     * The run as Chrome Trace Event JSON: one thread per task, a complete event ({@code "ph":"X"})
     * per step it ran, instant events ({@code "ph":"i"}) for wake-ups, cancellations, lock
     * acquisitions and hand-offs, releases and priority changes. Time is
     * virtual, in microseconds; because many steps happen at the same virtual instant, step {@code s}
     * is drawn at virtual time plus {@code s} nanoseconds, so steps stay visible and in order.
     */
    public String chromeJson() {
        List<Event> events = run();
        StringBuilder sb = new StringBuilder("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[");
        Map<Integer, String> names = new LinkedHashMap<>();
        for (Event e : events) {
            names.putIfAbsent(e.taskId, e.task);
        }
        boolean first = true;
        for (Map.Entry<Integer, String> n : names.entrySet()) {
            first = comma(sb, first);
            sb.append("{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":1,\"tid\":").append(n.getKey())
                    .append(",\"args\":{\"name\":\"").append(escape(n.getValue())).append("\"}}");
        }
        for (Event e : events) {
            double ts = e.nanos / 1000.0 + e.step / 1000.0;
            switch (e.kind) {
                case RUN -> {
                    first = comma(sb, first);
                    sb.append(String.format(Locale.ROOT,
                            "{\"ph\":\"X\",\"name\":\"step %d\",\"pid\":1,\"tid\":%d,\"ts\":%.3f,\"dur\":0.001,"
                                    + "\"args\":{\"virtual_ns\":%d}}", e.step, e.taskId, ts, e.nanos));
                }
                case WAKE, CANCEL_REQUESTED, CANCEL_DELIVERED, ACQUIRE, RELEASE, PRIORITY, SPAWN, FINISH, FAIL, BLOCK -> {
                    first = comma(sb, first);
                    sb.append(String.format(Locale.ROOT,
                            "{\"ph\":\"i\",\"s\":\"t\",\"name\":\"%s\",\"pid\":1,\"tid\":%d,\"ts\":%.3f,"
                                    + "\"args\":{\"detail\":\"%s\"}}", e.kind.name().toLowerCase(Locale.ROOT), e.taskId,
                            ts, escape(e.detail)));
                }
                default -> { }
            }
        }
        return sb.append("]}").toString();
    }

    private static boolean comma(StringBuilder sb, boolean first) {
        if (!first) {
            sb.append(',');
        }
        return false;
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
