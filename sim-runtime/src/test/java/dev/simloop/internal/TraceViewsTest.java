package dev.simloop.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
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

    /**
     * A cell breaks at spaces, else after punctuation, and inside a word only as a last resort.
     * Before, a long call without spaces in the second half of the line broke mid-word.
     */
    @Test
    void cellsWrapAtSpacesThenAfterPunctuationThenInsideWords() {
        assertThat(TraceTable.wrap("block Semaphore 'pool'.acquire(permits=0)", 20))
                .containsExactly("block Semaphore", "'pool'.acquire(", "permits=0)");
        assertThat(TraceTable.wrap("Lock 'accounts-and-balances'.acquire", 16))
                .containsExactly("Lock 'accounts-", "and-balances'.", "acquire");
        assertThat(TraceTable.wrap("abcdefghijklmnopqrstuvwxyz", 10)).containsExactly("abcdefghij", "klmnopqrst", "uvwxyz");
        assertThat(TraceTable.wrap("short", 10)).containsExactly("short");
        // a line ends before the pair it would cut: a lone half cannot be written as UTF-8
        String smiles = "x" + "\uD83D\uDE42".repeat(6);
        assertThat(TraceTable.wrap(smiles, 4)).containsExactly("x\uD83D\uDE42", "\uD83D\uDE42\uD83D\uDE42",
                "\uD83D\uDE42\uD83D\uDE42", "\uD83D\uDE42");
        assertThat(TraceTable.wrap("\uD83D\uDE42\uD83D\uDE42", 1)).containsExactly("\uD83D\uDE42", "\uD83D\uDE42");
        for (String l : TraceTable.wrap("wake by producer#1 at Semaphore 'pool'.release(permits=1),then more", 12)) {
            assertThat(l.length()).as(l).isLessThanOrEqualTo(12);
        }
    }

    @Test
    void theTableHasAColumnPerTaskInIdOrderNamedWithItsIdAndCountsTheEventsItLeavesOut() {
        Trace t = new Trace();
        TaskImpl<Object> main = task(0, "main");
        TaskImpl<Object> worker = task(1, "worker");
        t.add(0, 1, main, Trace.Kind.RUN, "");
        t.add(0, 1, main, Trace.Kind.SPAWN, "worker");
        t.add(0, 2, worker, Trace.Kind.RUN, "");
        t.add(1_500_000_000L, 3, worker, Trace.Kind.CANCEL_DELIVERED, "by main#0");
        String all = t.table(10);
        // columns as wide as their widest cell: "spawn worker" (12) and "cancel delivered by main#0" (26)
        assertThat(all).isEqualTo(String.join("\n",
                "time           step | main#0       | worker#1",
                "0s                1 | run",
                "0s                1 | spawn worker",
                "0s                2 |              | run",
                "1.5s              3 |              | cancel delivered by main#0",
                ""));
        String last2 = t.table(2);
        assertThat(last2.lines().toList()).element(1).isEqualTo("(2 earlier events not shown)");
        assertThat(last2.lines().toList()).hasSize(4);
        assertThat(last2.lines().toList().get(0)).startsWith("time           step | worker#1");
    }

    @Test
    void sameNamedTasksGetColumnsOfTheirOwn() {
        Trace t = new Trace();
        t.add(0, 1, task(7, "refresh-user:1"), Trace.Kind.RUN, "");
        t.add(0, 2, task(8, "refresh-user:1"), Trace.Kind.RUN, "");
        assertThat(t.table(10).lines().findFirst().orElseThrow())
                .isEqualTo("time           step | refresh-user:1#7 | refresh-user:1#8");
    }

    @Test
    void longCellsWrapAtSpacesWithinTheirColumnAndTheTableStaysWithin120Columns() {
        Trace t = new Trace();
        TaskImpl<Object> a = task(0, "a");
        TaskImpl<Object> b = task(1, "b");
        t.add(0, 1, a, Trace.Kind.FAIL, "org.opentest4j.AssertionFailedError: expected: <2> but was: <1> "
                + "and a very long explanation of what went wrong in that check");
        t.add(0, 2, b, Trace.Kind.BLOCK, "Lock 'cache'.acquire \u2190 held by refresh-1#3 " + "x".repeat(90));
        List<String> lines = t.table(10).lines().toList();
        assertThat(lines).allMatch(l -> l.length() <= TraceTable.WIDTH);
        assertThat(lines.get(0)).isEqualTo("time           step | a#0" + " ".repeat(44) + " | b#1");
        assertThat(lines.get(1)).isEqualTo("0s                1 | fail org.opentest4j.AssertionFailedError:");
        assertThat(lines.get(2)).isEqualTo("                    | expected: <2> but was: <1> and a very long");
        assertThat(lines.get(3)).isEqualTo("                    | explanation of what went wrong in that check");
        // a word longer than the column is broken; the cell reads the same with the line breaks taken out
        assertThat(String.join("", lines.subList(4, lines.size())).replaceAll("[ |]+", ""))
                .isEqualTo("0s2blockLock'cache'.acquire\u2190heldbyrefresh-1#3" + "x".repeat(90));
    }

    @Test
    void withTooManyTasksForReadableColumnsTheTableIsAList() {
        Trace t = new Trace();
        for (int i = 0; i < 8; i++) {
            t.add(1_000_000, i, task(i, "worker-" + i), Trace.Kind.RUN, "");
        }
        List<String> lines = t.table(10).lines().toList();
        assertThat(lines.get(0)).isEqualTo("time           step   task: event");
        assertThat(lines.get(1)).isEqualTo("0.001s            0 | worker-0#0: run");
        assertThat(lines).hasSize(9);
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
        assertThat(t.table(10)).endsWith("(the run failed here; the events that unwound its tasks are not shown)\n");
        Trace copy = t.copy();
        assertThat(copy.events()).isEqualTo(t.events());
        assertThat(copy.table(10)).doesNotContain("the run failed here");
        assertThat(copy.chromeJson()).isEqualTo(t.chromeJson()).doesNotContain("unwinding");
    }

    /**
     * A task's name with a line break split its column's header over two lines of the table, whose
     * second began at the left margin, and a name or a detail's escape code (a terminal's colour, a
     * bell, a NUL) went to the console raw. Each now reads on its line: line breaks as a space,
     * other control characters written as {@code \\uXXXX}.
     */
    @Test
    void lineBreaksAndControlCharactersInANameOrDetailStayOnTheirLineOfTheTable() {
        Trace t = new Trace();
        TaskImpl<Object> odd = task(1, "two\nlines\r\n\tand \u001b[31mred\u0000");
        t.add(0, 1, odd, Trace.Kind.RUN, "");
        t.add(0, 2, odd, Trace.Kind.BLOCK, "on x\u001b[2J\u0007\ty");
        assertThat(t.table(10)).isEqualTo(String.join("\n",
                "time           step | two lines and \\u001b[31mred\\u0000#1",
                "0s                1 | run",
                "0s                2 | block on x\\u001b[2J\\u0007\\u0009y",
                ""));
        for (int i = 2; i < 9; i++) {
            t.add(0, 3, task(i, "w\n" + i), Trace.Kind.RUN, "\u001b");
        }
        assertThat(t.table(10)).endsWith("0s                3 | w 7#7: run \\u001b\n0s                3 | w 8#8: run \\u001b\n");
    }

    /** A task named with a megabyte: its column's header and its list lines show the first 60 characters and its id. */
    @Test
    void aHugeTaskNameIsCutInTheTable() {
        Trace t = new Trace();
        TaskImpl<Object> huge = task(1, "n".repeat(1_000_000));
        TaskImpl<Object> b = task(2, "b");
        t.add(0, 1, huge, Trace.Kind.RUN, "");
        t.add(0, 1, b, Trace.Kind.YIELD, "");
        String table = t.table(10);
        assertThat(table.lines().count()).isLessThan(20);
        assertThat(table.lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(TraceTable.WIDTH));
        assertThat(table).doesNotContain("n".repeat(61)).contains("#1");
    }

    /**
     * A run of more events than a trace keeps: the first and the last are kept, so the views end at
     * the run's end (its failure), and the events between are counted.
     */
    @Test
    void aLongRunKeepsItsFirstAndLastEventsAndCountsThoseBetween() {
        Trace t = new Trace();
        TaskImpl<Object> a = task(0, "a");
        int all = Trace.HEAD_EVENTS + Trace.TAIL_EVENTS + 3;
        for (int i = 0; i < all - 1; i++) {
            t.add(0, i, a, Trace.Kind.YIELD, "");
        }
        t.add(0, all - 1, a, Trace.Kind.FAIL, "the end");
        for (Trace trace : List.of(t, t.copy())) {
            List<Trace.Event> kept = trace.events();
            assertThat(kept).hasSize(Trace.HEAD_EVENTS + Trace.TAIL_EVENTS);
            assertThat(kept.get(Trace.HEAD_EVENTS - 1).step()).isEqualTo(Trace.HEAD_EVENTS - 1);
            assertThat(kept.get(Trace.HEAD_EVENTS).step()).as("the tail begins after the 3 let go").isEqualTo(Trace.HEAD_EVENTS + 3);
            assertThat(kept.getLast().kind()).isEqualTo(Trace.Kind.FAIL);
            assertThat(trace.skipped()).isEqualTo(3);
            assertThat(trace.table(1)).isEqualTo("time           step | a#0\n(" + (all - 1) + " earlier events not shown)\n"
                    + "0s           " + (all - 1) + " | fail the end\n"
                    + "(of the run's " + all + " events, the trace keeps the first 100000 and the last 100000)\n");
            assertThat(trace.chromeJson()).contains("{\"ph\":\"i\",\"s\":\"g\",\"name\":\"3 events not recorded\"");
        }
    }

    @Test
    void chromeJsonDrawsSpansAtVirtualTimePlusStepPositionInNanosAndEscapesText() {
        Trace t = new Trace();
        TaskImpl<Object> a = task(3, "a \"quoted\"\ttask");
        t.add(2_000, 5, a, Trace.Kind.RUN, "");
        t.add(2_000, 5, a, Trace.Kind.BLOCK, "line\nbreak \\ and \u0001");
        t.add(3_000, 5, a, Trace.Kind.WAKE, "by the clock");
        t.add(3_000, 6, a, Trace.Kind.RUN, "");
        t.add(3_000, 6, a, Trace.Kind.FINISH, "");
        // running [2µs + 4ns, + 1ns], blocked until 3µs + 5ns, ready for no time, running [3µs + 5ns, + 1ns]
        assertThat(t.chromeJson()).isEqualTo("{\"displayTimeUnit\":\"ns\",\"traceEvents\":["
                + "{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":1,\"tid\":3,\"args\":{\"name\":\"a \\\"quoted\\\"\\ttask#3\"}},"
                + "{\"ph\":\"X\",\"cat\":\"running\",\"name\":\"running (step 5)\",\"pid\":1,\"tid\":3,\"ts\":2.004,"
                + "\"dur\":0.001,\"args\":{\"virtual_ns\":2000}},"
                + "{\"ph\":\"X\",\"cat\":\"blocked\",\"name\":\"blocked in line\\nbreak \\\\ and \\u0001\",\"pid\":1,"
                + "\"tid\":3,\"ts\":2.005,\"dur\":1.000,\"args\":{\"virtual_ns\":2000}},"
                + "{\"ph\":\"i\",\"s\":\"t\",\"name\":\"block\",\"pid\":1,\"tid\":3,\"ts\":2.005,"
                + "\"args\":{\"detail\":\"line\\nbreak \\\\ and \\u0001\",\"step\":5}},"
                + "{\"ph\":\"X\",\"cat\":\"ready\",\"name\":\"ready\",\"pid\":1,\"tid\":3,\"ts\":3.005,"
                + "\"dur\":0.000,\"args\":{\"virtual_ns\":3000}},"
                + "{\"ph\":\"X\",\"cat\":\"running\",\"name\":\"running (step 6)\",\"pid\":1,\"tid\":3,\"ts\":3.005,"
                + "\"dur\":0.001,\"args\":{\"virtual_ns\":3000}},"
                + "{\"ph\":\"i\",\"s\":\"t\",\"name\":\"wake\",\"pid\":1,\"tid\":3,\"ts\":3.005,"
                + "\"args\":{\"detail\":\"by the clock\",\"step\":5}},"
                + "{\"ph\":\"i\",\"s\":\"t\",\"name\":\"finish\",\"pid\":1,\"tid\":3,\"ts\":3.006,"
                + "\"args\":{\"detail\":\"\",\"step\":6}}]}");
        assertThat(Trace.escape("\r \u001f \u0020")).isEqualTo("\\r \\u001f  ");
        // a pair stays as it is; a half alone, which UTF-8 cannot hold, becomes an escape JSON reads back
        assertThat(Trace.escape("\uD83D\uDE42 \uD83D \uDE42\uD83D")).isEqualTo("\uD83D\uDE42 \\ud83d \\ude42\\ud83d");
    }
}
