package dev.simloop.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The trace on its own: the per-task table (columns by task, cut cells, the count of earlier
 * events, of dropped events and of tear-down events), the copy made for a report, the event cap,
 * and the Chrome JSON's timestamps and escaping.
 */
class TraceViewsTest {
    private static TaskImpl<Object> task(int id, String name) {
        return new TaskImpl<>(null, id, name, null, () -> null, null, null);
    }

    @Test
    void theTableHasAColumnPerTaskInIdOrderAndCountsTheEventsItLeavesOut() {
        Trace t = new Trace();
        TaskImpl<Object> main = task(0, "main");
        TaskImpl<Object> worker = task(1, "worker");
        t.add(0, 1, main, Trace.Kind.RUN, "");
        t.add(0, 1, main, Trace.Kind.SPAWN, "worker");
        t.add(0, 2, worker, Trace.Kind.RUN, "");
        t.add(1_500_000_000L, 3, worker, Trace.Kind.CANCEL_DELIVERED, "by main");
        String all = t.table(10);
        // columns as wide as their widest cell: "spawn worker" (12) and "cancel delivered by main" (24)
        assertThat(all).isEqualTo(String.join("\n",
                "time           step | main         | worker                  ",
                "0s                1 | run          |                         ",
                "0s                1 | spawn worker |                         ",
                "0s                2 |              | run                     ",
                "1.5s              3 |              | cancel delivered by main",
                ""));
        String last2 = t.table(2);
        assertThat(last2.lines().toList()).element(1).isEqualTo("(2 earlier events not shown)");
        assertThat(last2.lines().toList()).hasSize(4);
        assertThat(last2.lines().toList().get(0)).startsWith("time           step | worker");
    }

    @Test
    void longCellsAreCutToFortyCharactersWithAnEllipsis() {
        Trace t = new Trace();
        TaskImpl<Object> a = task(0, "a");
        String detail = "x".repeat(60);
        t.add(0, 1, a, Trace.Kind.BLOCK, detail);
        String row = t.table(1).lines().toList().get(1);
        assertThat(row).endsWith(" | " + ("block " + detail).substring(0, 39) + "…");
    }

    @Test
    void eventsAfterTheRunEndedAreTearDownAndLeftOutOfEveryView() {
        Trace t = new Trace();
        TaskImpl<Object> a = task(0, "a");
        t.add(0, 1, a, Trace.Kind.RUN, "");
        t.add(0, 1, a, Trace.Kind.FAIL, "boom");
        t.runEnded();
        t.add(0, 2, a, Trace.Kind.WAKE, "unwinding");
        t.runEnded(); // a second end keeps the first
        t.add(0, 3, a, Trace.Kind.FINISH, "");
        assertThat(t.events()).extracting(Trace.Event::kind).containsExactly(Trace.Kind.RUN, Trace.Kind.FAIL);
        assertThat(t.table(10)).endsWith("(the run failed here; 2 more events unwound its tasks and are not shown)\n");
        Trace copy = t.copy();
        assertThat(copy.events()).isEqualTo(t.events());
        assertThat(copy.table(10)).doesNotContain("the run failed here");
        assertThat(copy.chromeJson()).isEqualTo(t.chromeJson()).doesNotContain("unwinding");
    }

    @Test
    void eventsPastTheCapAreCountedNotKept() {
        Trace t = new Trace();
        TaskImpl<Object> a = task(0, "a");
        for (int i = 0; i < Trace.MAX_EVENTS + 3; i++) {
            t.add(0, i, a, Trace.Kind.YIELD, "");
        }
        assertThat(t.events()).hasSize(Trace.MAX_EVENTS);
        assertThat(t.table(1)).endsWith("(3 events after the first 200000 not recorded)\n");
        assertThat(t.copy().table(1)).endsWith("(3 events after the first 200000 not recorded)\n");
    }

    @Test
    void chromeJsonPlacesEachStepAtItsVirtualTimePlusItsStepInNanosAndEscapesText() {
        Trace t = new Trace();
        TaskImpl<Object> a = task(3, "a \"quoted\"\ttask");
        t.add(2_000, 5, a, Trace.Kind.RUN, "");
        t.add(2_000, 5, a, Trace.Kind.WAKE, "line\nbreak \\ and \u0001");
        t.add(2_000, 6, a, Trace.Kind.YIELD, "not drawn");
        assertThat(t.chromeJson()).isEqualTo("{\"displayTimeUnit\":\"ns\",\"traceEvents\":["
                + "{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":1,\"tid\":3,\"args\":{\"name\":\"a \\\"quoted\\\"\\ttask\"}},"
                + "{\"ph\":\"X\",\"name\":\"step 5\",\"pid\":1,\"tid\":3,\"ts\":2.005,\"dur\":0.001,\"args\":{\"virtual_ns\":2000}},"
                + "{\"ph\":\"i\",\"s\":\"t\",\"name\":\"wake\",\"pid\":1,\"tid\":3,\"ts\":2.005,"
                + "\"args\":{\"detail\":\"line\\nbreak \\\\ and \\u0001\"}}]}");
        assertThat(Trace.escape("\r \u001f \u0020")).isEqualTo("\\r \\u001f  ");
    }
}
