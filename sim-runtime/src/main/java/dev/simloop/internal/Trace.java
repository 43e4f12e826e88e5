package dev.simloop.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The events of one simulated run, recorded only when tracing is on (the loop then holds a
 * {@code Trace}; otherwise the hooks cost one null check). Renders as a per-task table for failure
 * reports ({@link TraceTable}), as Chrome Trace Event JSON for Perfetto or chrome://tracing
 * ({@link ChromeTrace}) and as a self-contained HTML page ({@link HtmlReport}).
 */
public final class Trace {
    /** What happened. */
    public enum Kind { SPAWN, RUN, YIELD, BLOCK, SLEEP, WAKE, CANCEL_REQUESTED, CANCEL_DELIVERED, ACQUIRE, RELEASE, PRIORITY,
        FINISH, FAIL }

    /**
     * One event; {@code task} is the task it happened to, {@code detail} a short description,
     * {@code byId} the task that caused it (the waker, the spawner, the lock's previous holder), or -1.
     */
    public record Event(long nanos, long step, int taskId, String task, Kind kind, String detail, int byId) {
        /** @return the task as tables and pictures name it, {@code name#id}, distinct for same-named tasks */
        public String label() {
            return task + "#" + taskId;
        }

        /** @return where the event sits on the step axis: step {@code s} runs from {@code s - 1} to {@code s} */
        public long position() {
            return kind == Kind.RUN ? step - 1 : step;
        }
    }

    /**
     * How many of a run's first events a trace keeps. With {@link #TAIL_EVENTS}, memory stays bounded
     * for runs of millions of steps, and the trace shows how the run began and how it ended (the
     * failure); the events between are counted, not kept.
     */
    static final int HEAD_EVENTS = 100_000;
    /** How many of a run's last events a trace keeps (a ring, once {@link #HEAD_EVENTS} are kept). */
    static final int TAIL_EVENTS = 100_000;
    /** The run's first events, up to {@link #HEAD_EVENTS}. */
    private final List<Event> head;
    /** The run's last events since the head filled: a ring of {@link #TAIL_EVENTS}, made when first needed. */
    private Event[] tail;
    private int tailStart;
    private int tailSize;
    /** Events between the head and the tail that the ring let go. */
    private long skipped;
    /**
     * Events recorded after the run failed ({@link #runEnded}): an aborted run's tasks are unwound,
     * which is tear-down, not the run; counted, not kept, and the count is not shown (it depends on
     * real time). -1 while the run goes on.
     */
    private long unwound = -1;

    Trace() {
        this(new ArrayList<>(), null, 0);
    }

    private Trace(List<Event> head, Event[] tail, long skipped) {
        this.head = head;
        this.tail = tail;
        this.tailSize = tail == null ? 0 : tail.length;
        this.skipped = skipped;
    }

    void add(long nanos, long step, TaskImpl<?> t, Kind kind, String detail) {
        add(nanos, step, t, kind, detail, null);
    }

    void add(long nanos, long step, TaskImpl<?> t, Kind kind, String detail, TaskImpl<?> by) {
        if (unwound >= 0) {
            unwound++;
            return;
        }
        Event e = new Event(nanos, step, t.id, t.name(), kind, detail, by == null ? -1 : by.id);
        if (head.size() < HEAD_EVENTS) {
            head.add(e);
        } else if (tailSize < TAIL_EVENTS) {
            if (tail == null) {
                tail = new Event[TAIL_EVENTS];
            }
            tail[(tailStart + tailSize++) % TAIL_EVENTS] = e;
        } else {
            tail[tailStart] = e; // the oldest of the tail goes
            tailStart = (tailStart + 1) % TAIL_EVENTS;
            skipped++;
        }
    }

    /** Records how {@code t}'s step ended: blocked (on what, by which call), asleep, or yielding (where). */
    void stepEnded(long nanos, long step, TaskImpl<?> t) {
        Object on = t.blockedOn;
        if (on == null && t.outside() != OutsideWaits.NONE) {
            // parked in JDK code (a java.util.concurrent lock, a future, a sleep with the agent): blocked,
            // not yielding, and lastObject is a simloop primitive it used before, not this wait's
            Object blocker = java.util.concurrent.locks.LockSupport.getBlocker(t.thread);
            add(nanos, step, t, Kind.BLOCK, "a wait outside simloop" + (t.outside() == OutsideWaits.MONITOR ? " for a monitor"
                    : blocker == null ? " (a park with no blocker: a sleep, or LockSupport.park)"
                    : " on " + OutsideWaits.describeBlocker(blocker)));
        } else if (on == null) {
            add(nanos, step, t, Kind.YIELD, t.lastObject == null ? "" : "in " + touched(t.lastObject));
        } else if (on != null && on == t.sleepTimerIfMade()) {
            add(nanos, step, t, Kind.SLEEP, "until " + Nanos.format(t.sleepTimerIfMade().wakeAt));
        } else {
            add(nanos, step, t, Kind.BLOCK, on instanceof WaitTarget w ? w.traceDetail() : "on " + on);
        }
    }

    /** The longest text a trace gives an object a task touched ({@link #touched}). */
    private static final int TOUCHED_CHARS = 200;

    /**
     * An identity hash in an object's text, as {@code Object.toString} writes it
     * ({@code java.lang.Object@1b6d3586}), matched as {@link SafeText#way} matches it.
     */
    private static final Pattern IDENTITY_HASH = Pattern.compile("@[0-9a-f]{1,8}\\b");
    /**
     * The identity hashes that touched objects' texts showed, each with the number the trace gave it;
     * at most {@link #HEAD_EVENTS} of them, so that a long run that touches a new object at every step
     * does not fill the memory (a hash met after that gets a new number every time).
     */
    private final Map<String, Long> hashes = new HashMap<>();
    /** How many numbers {@link #touched} has given to identity hashes. */
    private long hashesNumbered;

    /**
     * @return how the trace names an object a step touched: its text, cut and safe
     *     ({@link SafeText#object}); a {@code Shared}'s is its value's, a whole collection at every
     *     step that reads it. An identity hash in it ({@code Account@1b6d3586}: an object with no
     *     {@code toString} of its own) differs in every run, and two runs of one seed gave reports
     *     that differed: it is written {@code @#n}, the n-th such hash this trace met
     */
    private String touched(Object o) {
        String text = SafeText.object(o, TOUCHED_CHARS);
        return text.indexOf('@') < 0 ? text : IDENTITY_HASH.matcher(text).replaceAll(m -> "@#" + number(m.group()));
    }

    /** @return the number of the identity hash {@code hash} in this trace's texts, the one it got when first met */
    private long number(String hash) {
        Long n = hashes.get(hash);
        if (n == null) {
            n = ++hashesNumbered;
            if (hashes.size() < HEAD_EVENTS) {
                hashes.put(hash, n);
            }
        }
        return n;
    }

    /** Records that {@code t}'s wait ended: woken by {@code by}, or by the clock when null. */
    void woken(long nanos, long step, TaskImpl<?> t, Kind kind, TaskImpl<?> by) {
        add(nanos, step, t, kind, by == null ? "by the clock" : "by " + label(by), by);
    }

    /** @return how traces name a task: {@code name#id}, distinct for same-named tasks */
    public static String label(TaskImpl<?> t) {
        return t.name() + "#" + t.id;
    }

    /** The run has failed: what is recorded from now on unwinds its tasks. */
    void runEnded() {
        if (unwound < 0) {
            unwound = 0;
        }
    }

    /** @return the run's events so far, as a trace of their own (for a report made while the run cannot go on) */
    Trace copy() {
        List<Event> tailInOrder = tail();
        return new Trace(new ArrayList<>(head), tailInOrder.isEmpty() ? null : tailInOrder.toArray(new Event[0]), skipped);
    }

    /** @return the tail's events, oldest first */
    private List<Event> tail() {
        List<Event> out = new ArrayList<>(tailSize);
        for (int i = 0; i < tailSize; i++) {
            out.add(tail[(tailStart + i) % tail.length]);
        }
        return out;
    }

    /** The events of the run itself, kept (without the tear-down of an aborted run): the head, then the tail. */
    private List<Event> run() {
        List<Event> out = new ArrayList<>(head.size() + tailSize);
        out.addAll(head);
        out.addAll(tail());
        return out;
    }

    /**
     * @return the recorded events of the run, in order (without the tear-down of an aborted run);
     *     of a run of more than {@link #HEAD_EVENTS} + {@link #TAIL_EVENTS} events, the first and the
     *     last, {@link #skipped()} events apart
     */
    public List<Event> events() {
        return List.copyOf(run());
    }

    /** @return how many events of the run lie between the first and the last that {@link #events()} keeps */
    public long skipped() {
        return skipped;
    }

    /**
     * A table with one column per task (Lincheck-style) of the last {@code last} events, at most
     * {@link TraceTable#WIDTH} characters wide: see {@link TraceTable}.
     */
    public String table(int last) {
        List<Event> events = run();
        int shown = Math.min(last, events.size());
        StringBuilder sb = new StringBuilder();
        sb.append(TraceTable.render(events.subList(events.size() - shown, events.size()), events.size() - shown + skipped));
        if (skipped > 0) {
            sb.append("(of the run's ").append(events.size() + skipped).append(" events, the trace keeps the first ")
                    .append(head.size()).append(" and the last ").append(tailSize).append(")\n");
        }
        if (unwound > 0) {
            // not counted: how many events the tear-down takes is real time (a monitor the JVM hands on
            // as it unwinds), and runs of one seed would give tables that differ
            sb.append("(the run failed here; the events that unwound its tasks are not shown)\n");
        }
        return sb.toString();
    }

    /** @return the run as Chrome Trace Event JSON with spans: see {@link ChromeTrace} */
    public String chromeJson() {
        return ChromeTrace.json(head, tail(), skipped);
    }

    private static boolean comma(StringBuilder sb, boolean first) {
        if (!first) {
            sb.append(',');
        }
        return false;
    }

    /**
     * @return {@code s} escaped for a JSON string (quotes, backslashes, control characters, and a half
     *     of a surrogate pair alone, which a UTF-8 file cannot hold: writing the trace or the HTML
     *     report would fail); the results file uses it too
     */
    public static String escape(String s) {
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
                    if (i + 1 < s.length() && Character.isSurrogatePair(c, s.charAt(i + 1))) {
                        sb.append(c).append(s.charAt(++i)); // an emoji, say: kept as it is
                    } else if (c < 0x20 || Character.isSurrogate(c)) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c)); // JSON reads it back as it was
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
