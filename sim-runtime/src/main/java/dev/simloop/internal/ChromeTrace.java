package dev.simloop.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The trace as Chrome Trace Event JSON (Perfetto, chrome://tracing): one track per task
 * ({@code thread_name} metadata, named {@code name#id}), a complete event ({@code "ph":"X"}) per
 * span — running, ready, blocked on what, sleeping until when — and instant events
 * ({@code "ph":"i"}) for wake-ups, cancellations, lock acquisitions and releases, priority changes,
 * spawns and failures.
 *
 * <p>Time is virtual, in microseconds. Many steps happen at one virtual instant, so each event is
 * drawn at its virtual time plus its step position ({@link Trace.Event#position()}) in nanoseconds:
 * a step is one nanosecond wide, and steps stay visible and in order.
 */
final class ChromeTrace {
    private ChromeTrace() {
    }

    /**
     * @param head the run's first events
     * @param tail its last events, after {@code skipped} more that the trace let go; empty when it kept all
     * @param skipped how many events lie between the two
     * @return the trace as JSON: spans of each part on their own (none spans the gap), and at the
     *     gap a global mark that says how many events it leaves out
     */
    static String json(List<Trace.Event> head, List<Trace.Event> tail, long skipped) {
        List<Trace.Event> events = new ArrayList<>(head);
        events.addAll(tail);
        StringBuilder sb = new StringBuilder("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[");
        Map<Integer, String> names = new LinkedHashMap<>();
        for (Trace.Event e : events) {
            names.putIfAbsent(e.taskId(), e.label());
        }
        List<String> out = new ArrayList<>();
        names.forEach((id, name) -> out.add("{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":1,\"tid\":" + id
                + ",\"args\":{\"name\":\"" + Trace.escape(name) + "\"}}"));
        List<Timed> timed = new ArrayList<>();
        List<TraceSpans.Span> spans = new ArrayList<>(TraceSpans.of(head));
        spans.addAll(TraceSpans.of(tail));
        if (skipped > 0 && !tail.isEmpty()) {
            Trace.Event first = tail.get(0);
            timed.add(new Timed(drawn(first.nanos(), first.position()), String.format(Locale.ROOT,
                    "{\"ph\":\"i\",\"s\":\"g\",\"name\":\"%d events not recorded\",\"pid\":1,\"ts\":%s,"
                            + "\"args\":{\"step\":%d}}", skipped, micros(drawn(first.nanos(), first.position())),
                    first.step())));
        }
        for (TraceSpans.Span s : spans) {
            long ts = drawn(s.startNanos(), s.startPos());
            long dur = Math.max(0, drawn(s.endNanos(), s.endPos()) - ts);
            timed.add(new Timed(ts, String.format(Locale.ROOT,
                    "{\"ph\":\"X\",\"cat\":\"%s\",\"name\":\"%s\",\"pid\":1,\"tid\":%d,\"ts\":%s,\"dur\":%s,"
                            + "\"args\":{\"virtual_ns\":%d}}", s.state().name().toLowerCase(Locale.ROOT),
                    Trace.escape(s.label()), s.taskId(), micros(ts), micros(dur), s.startNanos())));
        }
        for (Trace.Event e : events) {
            if (e.kind() != Trace.Kind.RUN && e.kind() != Trace.Kind.YIELD) {
                long ts = drawn(e.nanos(), e.position());
                timed.add(new Timed(ts, String.format(Locale.ROOT,
                        "{\"ph\":\"i\",\"s\":\"t\",\"name\":\"%s\",\"pid\":1,\"tid\":%d,\"ts\":%s,"
                                + "\"args\":{\"detail\":\"%s\",\"step\":%d}}", e.kind().name().toLowerCase(Locale.ROOT),
                        e.taskId(), micros(ts), Trace.escape(e.detail()), e.step())));
            }
        }
        timed.sort(Comparator.comparingLong(Timed::ts)); // stable: spans before the marks at their start
        timed.forEach(t -> out.add(t.json));
        return sb.append(String.join(",", out)).append("]}").toString();
    }

    /** @return the drawing time of a point in nanoseconds: its virtual time plus its step position */
    static long drawn(long nanos, long position) {
        return nanos + position;
    }

    /**
     * @return {@code nanos} as microseconds, exactly, with three decimals: computed in a
     *     {@code double}, a time past 2^43 µs (about 102 days) would lose its last nanoseconds, and
     *     the steps of one instant would fall on one point
     */
    static String micros(long nanos) {
        long frac = nanos % 1000;
        return nanos / 1000 + (frac < 10 ? ".00" : frac < 100 ? ".0" : ".") + frac;
    }

    private record Timed(long ts, String json) {
    }
}
