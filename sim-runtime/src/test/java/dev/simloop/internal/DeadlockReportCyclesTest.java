package dev.simloop.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The deadlock report as a pure function of a wait-for graph: cycles, their order and the text. */
class DeadlockReportCyclesTest {

    private static List<List<Integer>> cycles(int[][] edges) {
        List<List<Integer>> out = new ArrayList<>();
        for (int[] c : DeadlockReport.findCycles(edges)) {
            List<Integer> l = new ArrayList<>();
            for (int v : c) {
                l.add(v);
            }
            out.add(l);
        }
        return out;
    }

    @Test
    void noEdgesNoCycles() {
        assertThat(cycles(new int[][] {{}, {}, {}})).isEmpty();
        assertThat(cycles(new int[][] {{1}, {2}, {}})).as("a chain").isEmpty();
    }

    @Test
    void aSelfLoopIsACycleOfOne() {
        assertThat(cycles(new int[][] {{}, {1}})).containsExactly(List.of(1));
    }

    @Test
    void eachCycleStartsAtItsEarliestNodeAndFollowsTheEdges() {
        // 2 → 0 → 1 → 2, reported from 0
        assertThat(cycles(new int[][] {{1}, {2}, {0}})).containsExactly(List.of(0, 1, 2));
    }

    @Test
    void everyElementaryCycleOfAComponentIsFoundOnceInEdgeOrder() {
        // 0 ⇄ 1, 1 ⇄ 2, and 0 → 2: cycles [0,1], [0,2,1], [1,2] (each elementary cycle once)
        int[][] g = {{1, 2}, {0, 2}, {1}};
        assertThat(cycles(g)).containsExactly(List.of(0, 1), List.of(0, 2, 1), List.of(1, 2));
    }

    @Test
    void separateComponentsAreReportedInTheOrderOfTheirEarliestNode() {
        int[][] g = {{}, {4}, {3}, {2}, {1}, {}};
        assertThat(cycles(g)).containsExactly(List.of(1, 4), List.of(2, 3));
    }

    @Test
    void aLongChainOfWaitsDoesNotOverflowTheStack() {
        int n = 100_000; // a ring of 100,000 joins: iterative, so no StackOverflowError
        int[][] g = new int[n][];
        for (int v = 0; v < n; v++) {
            g[v] = new int[] {(v + 1) % n};
        }
        List<int[]> found = DeadlockReport.findCycles(g);
        assertThat(found).hasSize(1);
        assertThat(found.get(0)).hasSize(n).startsWith(0, 1, 2);
    }

    @Test
    void aRingLongerThanTheSearchBudgetStillShowsItsCycle() {
        int n = DeadlockReport.CYCLE_SEARCH_BUDGET + 50_000; // the budgeted search gives up before the ring closes
        int[][] g = new int[n + 1][];
        g[0] = new int[] {1}; // a task outside the ring waits for it
        for (int v = 1; v <= n; v++) {
            g[v] = new int[] {v == n ? 1 : v + 1};
        }
        List<int[]> found = DeadlockReport.findCycles(g);
        assertThat(found).hasSize(1);
        assertThat(found.get(0)).hasSize(n).startsWith(1, 2, 3).endsWith(n);
    }

    @Test
    void aLongCycleShowsItsFirstAndLastTasksAndCountsTheRest() {
        int n = 60;
        List<String> names = new ArrayList<>();
        String[] waits = new String[n];
        int[][] edges = new int[n][];
        for (int v = 0; v < n; v++) {
            names.add("t" + v);
            waits[v] = "task 't" + v + "' waits for L" + (v + 1) % n + " held by 't" + (v + 1) % n + "'";
            edges[v] = new int[] {(v + 1) % n};
        }
        DeadlockReport r = DeadlockReport.of("deadlock:", names, waits, edges);
        String[] lines = r.message().split("\n");
        assertThat(lines[0]).isEqualTo("deadlock: 1 wait-for cycle:");
        assertThat(lines[1]).isEqualTo("cycle: 't0' → 't1' → 't2' → 't3' → 't4' → 't5' → 't6' → 't7' → 't8' → 't9' → 't10' → 't11'"
                + " → 't12' → 't13' → 't14' → … 40 more tasks of this cycle … → 't55' → 't56' → 't57' → 't58' → 't59' → 't0'");
        assertThat(lines).hasSize(2 + DeadlockReport.MAX_SHOWN_CYCLE_MEMBERS + 1);
        assertThat(lines[2]).isEqualTo("  task 't0' waits for L1 held by 't1'");
        assertThat(lines[16]).isEqualTo("  → task 't14' waits for L15 held by 't15'");
        assertThat(lines[17]).isEqualTo("  → … 40 more tasks of this cycle …");
        assertThat(lines[18]).isEqualTo("  → task 't55' waits for L56 held by 't56'");
        assertThat(lines[22]).isEqualTo("  → task 't59' waits for L0 held by 't0'");
        assertThat(r.cycles()).hasSize(1);
        assertThat(r.cycles().get(0)).as("the cycle itself is whole").hasSize(n).startsWith("t0").endsWith("t59");
    }

    @Test
    void aCycleOfTwentyOneIsShownWholeRatherThanWithOneTaskCounted() {
        int n = DeadlockReport.MAX_SHOWN_CYCLE_MEMBERS + 1;
        List<String> names = new ArrayList<>();
        String[] waits = new String[n];
        int[][] edges = new int[n][];
        for (int v = 0; v < n; v++) {
            names.add("t" + v);
            waits[v] = "task 't" + v + "' waits";
            edges[v] = new int[] {(v + 1) % n};
        }
        String message = DeadlockReport.of("deadlock:", names, waits, edges).message();
        assertThat(message).doesNotContain("of this cycle").contains("'t19' → 't20' → 't0'");
        assertThat(message.split("\n")).hasSize(2 + n);
    }

    @Test
    void theTextListsCyclesFirstThenTheOtherTasksInSpawnOrder() {
        DeadlockReport r = DeadlockReport.of("deadlock:", List.of("main", "a", "b", "idle"),
                new String[] {"task 'main' waits for its group", "task 'a' waits for L2 held by 'b'",
                    "task 'b' waits for L1 held by 'a'", "task 'idle' waits for an event"},
                new int[][] {{1, 2, 3}, {2}, {1}, {}});
        assertThat(r.message()).isEqualTo("deadlock: 1 wait-for cycle, then the other blocked tasks:\n"
                + "cycle: 'a' → 'b' → 'a'\n"
                + "  task 'a' waits for L2 held by 'b'\n"
                + "  → task 'b' waits for L1 held by 'a'\n"
                + "other blocked tasks:\n"
                + "  task 'main' waits for its group\n"
                + "  task 'idle' waits for an event");
        assertThat(r.cycles()).containsExactly(List.of("a", "b"));
    }

    /**
     * @return the report's lines for {@code n} blocked tasks {@code t0, t1, ...} in no cycle, task
     *     {@code tv} waiting for {@code waitOf.apply(v)}
     */
    private static String[] reportOfUnrelated(int n, java.util.function.IntFunction<String> waitOf) {
        List<String> names = new ArrayList<>();
        String[] waits = new String[n];
        int[][] edges = new int[n][];
        for (int v = 0; v < n; v++) {
            names.add("t" + v);
            waits[v] = "task 't" + v + "' waits for " + waitOf.apply(v);
            edges[v] = new int[0];
        }
        return DeadlockReport.of("deadlock:", names, waits, edges).message().split("\n");
    }

    @Test
    void pastFiftyTasksTheRestAreCountedByTheirWaitInTheOrderFirstSeen() {
        // after the fifty listed: t50, t52 and t54 wait on a lock, t51 and t53 on an event
        String[] lines = reportOfUnrelated(DeadlockReport.MAX_LISTED_TASKS + 5,
                v -> v % 2 == 0 ? "Lock 'L' held by 'x'" : "Event 'e'");
        assertThat(lines).hasSize(1 + DeadlockReport.MAX_LISTED_TASKS + 3);
        assertThat(lines[DeadlockReport.MAX_LISTED_TASKS]).isEqualTo("  task 't49' waits for Event 'e'");
        assertThat(Arrays.copyOfRange(lines, DeadlockReport.MAX_LISTED_TASKS + 1, lines.length)).containsExactly(
                "  and 5 more, counted by their wait:",
                "    3 × waits for Lock 'L' held by 'x'",
                "    2 × waits for Event 'e'");
    }

    @Test
    void theRestAreCountedByTheirWaitWithTheTasksTheyNameLeftOut() {
        String[] lines = reportOfUnrelated(DeadlockReport.MAX_LISTED_TASKS + 4, v -> switch (v % 4) {
            case 0 -> "Lock 'L' held by task 'h" + v + "' (1 waiting)";
            case 1 -> "its task group to finish (3 tasks still running): tasks 'a" + v + "', 'b' and 'c'";
            case 2 -> "its task group to finish (3 tasks still running): tasks 'a', 'b" + v + "' and 7 more";
            default -> "task 'x" + v + "' to call TaskStatus.started()";
        });
        assertThat(Arrays.copyOfRange(lines, DeadlockReport.MAX_LISTED_TASKS + 1, lines.length)).containsExactly(
                "  and 4 more, counted by their wait:",
                "    2 × waits for its task group to finish (3 tasks still running): tasks …", // two names, and "7 more"
                "    1 × waits for task … to call TaskStatus.started()",
                "    1 × waits for Lock 'L' held by task … (1 waiting)");
    }

    @Test
    void withoutACycleTheTextSaysBlockedTasks() {
        DeadlockReport r = DeadlockReport.of("deadlock:", List.of("main"), new String[] {"task 'main' waits"},
                new int[][] {{}});
        assertThat(r.message()).isEqualTo("deadlock: Blocked tasks:\n  task 'main' waits");
        assertThat(r.cycles()).isEmpty();
    }

    @Test
    void theHeaderSaysTheModeAndWhen() {
        assertThat(DeadlockReport.header(true, 1_500_000_000L, 7, true))
                .isEqualTo("deadlock: every task is blocked and no timer is pending (virtual time 1.5s, step 7).");
        assertThat(DeadlockReport.header(true, 0, 2, false)).isEqualTo("deadlock: every task is blocked and the only "
                + "timers pending are the time-outs of java.util.concurrent waits an hour or more away, which count as "
                + "untimed (ExecutorService.close() waits a day at a time) (virtual time 0s, step 2).");
        assertThat(DeadlockReport.header(false, 0, 3, true)).isEqualTo(
                "deadlock: every task is blocked in simloop and no timer or offloaded call is pending (step 3).");
    }
}
