package dev.simloop.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A trace's events turned into spans: for every task, the intervals it spent running, ready
 * (waiting for its turn), blocked (on what) and sleeping, back to back from its spawn to its end.
 * A span is placed both in virtual time and on the step axis ({@link Trace.Event#position()}), since
 * many steps share one virtual instant. The Chrome trace and the HTML report draw these.
 */
final class TraceSpans {
    /** What a task was doing. */
    enum State { RUNNING, READY, BLOCKED, SLEEPING }

    /** One interval of one task. {@code label} says what it waited on; the end of a span left open is the run's end. */
    record Span(int taskId, State state, String label, long startNanos, long startPos, long endNanos, long endPos) {
    }

    private TraceSpans() {
    }

    /** @return the spans of {@code events}, each task's in time order, tasks in the order they first appear */
    static List<Span> of(List<Trace.Event> events) {
        Map<Integer, Open> open = new HashMap<>();
        List<Span> spans = new ArrayList<>();
        long endNanos = 0;
        long endPos = 0;
        for (Trace.Event e : events) {
            endNanos = Math.max(endNanos, e.nanos());
            endPos = Math.max(endPos, e.position());
            State next = switch (e.kind()) {
                case SPAWN, YIELD, WAKE, CANCEL_DELIVERED -> State.READY;
                case RUN -> State.RUNNING;
                case BLOCK -> State.BLOCKED;
                case SLEEP -> State.SLEEPING;
                default -> null; // marks inside a span (acquire, cancel requested, ...), or the end (finish, fail)
            };
            boolean ends = e.kind() == Trace.Kind.FINISH || e.kind() == Trace.Kind.FAIL;
            if (next == null && !ends) {
                continue;
            }
            Open o = open.remove(e.taskId());
            if (o != null) {
                spans.add(new Span(e.taskId(), o.state, o.label, o.nanos, o.pos, e.nanos(), e.position()));
            }
            if (next != null) {
                open.put(e.taskId(), new Open(next, label(next, e), e.nanos(), e.position()));
            }
        }
        for (Map.Entry<Integer, Open> o : open.entrySet()) {
            Open s = o.getValue();
            spans.add(new Span(o.getKey(), s.state, s.label, s.nanos, s.pos, endNanos, endPos));
        }
        return spans;
    }

    private static String label(State state, Trace.Event e) {
        return switch (state) {
            case RUNNING -> "running (step " + e.step() + ")";
            case READY -> "ready";
            case BLOCKED -> "blocked in " + e.detail();
            case SLEEPING -> "sleeping " + e.detail();
        };
    }

    private record Open(State state, String label, long nanos, long pos) {
    }
}
