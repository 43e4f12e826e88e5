package dev.simloop.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The graph algorithms behind deadlock reports, against plain references on random small graphs:
 * strongly connected components (two nodes share one exactly when each reaches the other), and the
 * elementary cycles in their documented order (by earliest node, then edge order), at most
 * {@link DeadlockReport#MAX_REPORTED_CYCLES} of them and within the search budget.
 */
class DeadlockGraphTest {
    private static int[][] randomGraph(SplittableRandom rnd, int n, int percent) {
        int[][] edges = new int[n][];
        for (int v = 0; v < n; v++) {
            List<Integer> out = new ArrayList<>();
            for (int w = 0; w < n; w++) {
                if (rnd.nextInt(100) < percent) {
                    out.add(w);
                }
            }
            java.util.Collections.shuffle(out, new java.util.Random(rnd.nextLong()));
            edges[v] = out.stream().mapToInt(Integer::intValue).toArray();
        }
        return edges;
    }

    private static boolean[][] reach(int[][] edges) {
        int n = edges.length;
        boolean[][] r = new boolean[n][n];
        for (int v = 0; v < n; v++) {
            r[v][v] = true;
            for (int w : edges[v]) {
                r[v][w] = true;
            }
        }
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    r[i][j] |= r[i][k] && r[k][j];
                }
            }
        }
        return r;
    }

    /** Every elementary cycle whose smallest node is its first, by start node, then depth-first in edge order. */
    private static List<int[]> referenceCycles(int[][] edges) {
        List<int[]> out = new ArrayList<>();
        for (int s = 0; s < edges.length; s++) {
            dfs(edges, s, new ArrayList<>(List.of(s)), out);
        }
        return out;
    }

    private static void dfs(int[][] edges, int s, List<Integer> path, List<int[]> out) {
        int v = path.get(path.size() - 1);
        for (int w : edges[v]) {
            if (w == s) {
                out.add(path.stream().mapToInt(Integer::intValue).toArray());
            } else if (w > s && !path.contains(w)) {
                path.add(w);
                dfs(edges, s, path, out);
                path.remove(path.size() - 1);
            }
        }
    }

    private static List<String> text(List<int[]> cycles) {
        return cycles.stream().map(Arrays::toString).toList();
    }

    @Test
    void componentsJoinExactlyTheNodesThatReachEachOther() {
        for (long seed = 0; seed < 200; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            int n = 1 + rnd.nextInt(9);
            int[][] edges = randomGraph(rnd, n, 5 + rnd.nextInt(30));
            int[] comp = DeadlockReport.stronglyConnectedComponents(edges);
            boolean[][] r = reach(edges);
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < n; b++) {
                    assertThat(comp[a] == comp[b]).as("seed %d: %d and %d in %s", seed, a, b, Arrays.deepToString(edges))
                            .isEqualTo(r[a][b] && r[b][a]);
                }
            }
        }
    }

    @Test
    void cyclesAreEveryElementaryCycleInTheirDocumentedOrder() {
        int compared = 0;
        for (long seed = 0; seed < 300; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            int n = 1 + rnd.nextInt(6);
            int[][] edges = randomGraph(rnd, n, 10 + rnd.nextInt(40));
            List<int[]> expected = referenceCycles(edges);
            if (expected.size() > DeadlockReport.MAX_REPORTED_CYCLES) {
                expected = expected.subList(0, DeadlockReport.MAX_REPORTED_CYCLES);
            }
            assertThat(text(DeadlockReport.findCycles(edges))).as("seed %d: %s", seed, Arrays.deepToString(edges))
                    .isEqualTo(text(expected));
            compared += expected.size();
        }
        assertThat(compared).as("the graphs had cycles to compare").isGreaterThan(300);
    }

    @Test
    void aSelfLoopIsACycleOfOneAndALoneNodeIsNone() {
        assertThat(text(DeadlockReport.findCycles(new int[][] {{}, {1}, {2, 1}}))).containsExactly("[1]", "[2]");
        assertThat(DeadlockReport.findCycles(new int[][] {{1}, {}})).isEmpty();
        assertThat(text(DeadlockReport.findCycles(new int[][] {{1}, {0}}))).containsExactly("[0, 1]");
    }

    @Test
    void atMostTwentyCyclesAreReported() {
        int n = 6;
        int[][] complete = new int[n][];
        for (int v = 0; v < n; v++) {
            int me = v;
            complete[v] = java.util.stream.IntStream.range(0, n).filter(w -> w != me).toArray();
        }
        List<int[]> cycles = DeadlockReport.findCycles(complete);
        assertThat(cycles).hasSize(DeadlockReport.MAX_REPORTED_CYCLES);
        assertThat(text(cycles)).isEqualTo(text(referenceCycles(complete).subList(0, DeadlockReport.MAX_REPORTED_CYCLES)));

        // a complete graph of 6 tasks has hundreds of cycles: the report gives its count as a lower bound
        List<String> names = List.of("a", "b", "c", "d", "e", "f");
        String[] waits = names.stream().map(x -> "task '" + x + "' waits").toArray(String[]::new);
        String text = DeadlockReport.of("Deadlock.", names, waits, complete).message();
        assertThat(text).startsWith("Deadlock. At least 20 wait-for cycles (the first 20 found are shown):\n")
                .doesNotContain("at most");
        String two = DeadlockReport.of("Deadlock.", names, waits, new int[][] {{1}, {0}, {3}, {2}, {}, {}}).message();
        assertThat(two).startsWith("Deadlock. 2 wait-for cycles, then the other blocked tasks:\n");
    }

    @Test
    void aSearchThatSpendsItsBudgetBeforeAnyCycleStillShowsOne() {
        // 0 -> 1; 1 -> 2..10, then 11; 2..10 form a complete graph and each leads back to 1; 11 -> 0.
        // From 0 the search walks every path through 2..10 (about a million edges) before it tries
        // 1 -> 11 -> 0, so the budget of 200,000 edges runs out first, and no later start is tried.
        // A deadlock with a cycle still shows one: a search that visits each task once finds it.
        int n = 12;
        int[][] edges = new int[n][];
        edges[0] = new int[] {1};
        edges[1] = new int[] {2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
        for (int v = 2; v <= 10; v++) {
            int me = v;
            edges[v] = java.util.stream.IntStream.concat(java.util.stream.IntStream.rangeClosed(2, 10).filter(w -> w != me),
                    java.util.stream.IntStream.of(1)).toArray();
        }
        edges[11] = new int[] {0};
        assertThat(DeadlockReport.stronglyConnectedComponents(edges)).containsOnly(0);
        assertThat(DeadlockReport.findCycles(edges)).as("0 -> 1 -> 11 -> 0, found past the budget")
                .containsExactly(new int[] {0, 1, 11});
    }
}
