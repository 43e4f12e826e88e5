package dev.simloop.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The text of a deadlock report, from the wait-for graph of the blocked tasks: its elementary
 * cycles first, then the other blocked tasks in spawn order (the first {@link #MAX_LISTED_TASKS}
 * one per line, the rest counted by what they wait for). A pure function of its input (the
 * loop gathers the graph, see {@code Scheduler}), so the same graph always gives the same text.
 *
 * @param message the report
 * @param cycles the task names of each cycle reported, in order; each starts at its earliest-spawned task
 */
public record DeadlockReport(String message, List<List<String>> cycles) {
    /** Begins the line of a listed task, and of a cycle's first task ({@link #blockedWaits} reads it). */
    private static final String TASK_LINE = "\n  ";
    /** Begins the line of each later task of a cycle ({@link #blockedWaits} reads it). */
    private static final String NEXT_IN_CYCLE_LINE = "\n  → ";
    /** At most this many cycles are printed (and returned). */
    static final int MAX_REPORTED_CYCLES = 20;
    /** At most this many blocked tasks outside the cycles are listed one per line; the rest are counted. */
    static final int MAX_LISTED_TASKS = 50;
    /** Edge visits the cycle search may make before it gives up on finding more. */
    static final int CYCLE_SEARCH_BUDGET = 200_000;
    /** A longer cycle shows its first tasks and its last few, and counts those between. */
    static final int MAX_SHOWN_CYCLE_MEMBERS = 20;
    /** Of a longer cycle, how many of its last tasks are shown. */
    private static final int SHOWN_CYCLE_TAIL = 5;

    /** @return the report's first sentence: what is blocked, when */
    static String header(boolean simulated, long now, long steps, boolean noTimer) {
        return simulated
                ? "deadlock: every task is blocked and " + (noTimer ? "no timer is pending"
                        : "the only timers pending are the time-outs of java.util.concurrent waits an hour or more "
                                + "away, which count as untimed (ExecutorService.close() waits a day at a time)")
                        + " (virtual time " + Nanos.format(now) + ", step " + steps + ")."
                : "deadlock: every task is blocked in simloop and no timer or offloaded call is pending (step "
                        + steps + ").";
    }

    /**
     * Builds the report of the live tasks from {@code liveHead} on (in spawn order): the wait-for
     * graph is task → what it waits on → the tasks that could end the wait (see {@link WaitTarget}).
     *
     * @param header the first sentence
     * @param liveHead the first live task
     * @return the report
     */
    static DeadlockReport ofLiveTasks(String header, TaskImpl<?> liveHead) {
        return ofLiveTasks(header, liveHead, "Blocked tasks:");
    }

    /**
     * As {@link #ofLiveTasks(String, TaskImpl)}, with {@code listed} naming the list when there is no
     * cycle (a run stopped from outside lists its tasks still alive, not only blocked ones).
     */
    static DeadlockReport ofLiveTasks(String header, TaskImpl<?> liveHead, String listed) {
        LiveTaskIndex live = new LiveTaskIndex(liveHead);
        int n = live.size();
        List<String> names = new ArrayList<>(n);
        for (int v = 0; v < n; v++) {
            names.add(live.task(v).name());
        }
        int[][] edges = new int[n][];
        List<TaskImpl<?>> targets = new ArrayList<>();
        for (int v = 0; v < n; v++) {
            waitedFor(live.task(v), live, targets);
            edges[v] = new int[targets.size()];
            for (int k = 0; k < targets.size(); k++) {
                edges[v][k] = live.indexOf(targets.get(k));
            }
        }
        // a line is made only for the tasks the report lists (a run may end with a million blocked)
        return of(header, listed, names, (v, brief) -> {
            waitedFor(live.task(v), live, targets);
            return describeWait(live.task(v), targets, brief);
        }, edges);
    }

    /** Puts into {@code out} the unfinished tasks that could end {@code t}'s wait. */
    private static void waitedFor(TaskImpl<?> t, LiveTaskIndex live, List<TaskImpl<?>> out) {
        out.clear();
        if (t.blockedOn instanceof WaitTarget w) {
            w.addWaitedFor(t, live, out);
            out.removeIf(u -> live.indexOf(u) < 0); // only unfinished tasks are nodes
        } else if (t.parkedOutside()) {
            TaskImpl<?> holder = live.ofThread(LockOwners.holderOfWhatBlocks(t.thread));
            if (holder != null && holder != t) {
                out.add(holder); // a ReentrantLock (or a write lock) another task holds
            }
        }
    }

    /**
     * One line of a deadlock report: {@code task 'x' waits for ...}, or where it is parked.
     *
     * @param brief the line is only counted by its wait, past the listed ones: a ready task's stack is not read
     */
    private static String describeWait(TaskImpl<?> t, List<TaskImpl<?>> targets, boolean brief) {
        String prefix = t.quoted() + " ";
        if (t.blockedOn instanceof WaitTarget w) {
            return prefix + "waits for " + w.describeWait(t, targets) + where(t, brief);
        }
        if (t.blockedOn != null) {
            return prefix + "waits for " + t.blockedOn + where(t, brief);
        }
        if (t.inReady) {
            // a run stopped from outside or at maxSteps lists its ready tasks too, a spinning one among
            // them: where each stands is the line to look at
            return prefix + (brief ? "is ready to run" : !t.started() ? "is ready to run and has not started"
                    : "is ready to run, at " + Frames.userFrame(t));
        }
        String outside = prefix + OutsideWaits.describe(t, targets.isEmpty() ? null : targets.get(0));
        // A cancel ends a simloop wait, but only interrupts a JDK one: say why this one goes on
        return CancelScopeTree.cancelledScopeOf(t) == null ? outside : outside + "; its scope is cancelled, but this"
                + " wait does not end on the interrupt a cancel sends (an uninterruptible wait such as"
                + " CompletableFuture.join, or code that caught InterruptedException and waited again); where a cancel"
                + " must end the wait, wait with get() or lockInterruptibly()";
    }

    /**
     * @return {@code , at Class.method(File.java:line)}, the line where a listed task waits (a program
     *     may take one lock at several calls), or nothing for a line that is only counted, or a task
     *     with no frame of the user's (one spawned with a method reference such as {@code event::await})
     */
    private static String where(TaskImpl<?> t, boolean brief) {
        String frame = brief ? null : Frames.userFrameOrNull(t);
        return frame == null ? "" : ", at " + frame;
    }

    /**
     * Builds the report from a graph.
     *
     * @param header the first sentence (what is blocked, when)
     * @param names each task's name, in spawn order (node {@code i} is {@code names.get(i)})
     * @param waits each task's line: {@code task 'x' waits for ...}
     * @param edges {@code edges[i]}: the nodes task {@code i} waits for, in a deterministic order
     * @return the report
     */
    static DeadlockReport of(String header, List<String> names, String[] waits, int[][] edges) {
        return of(header, "Blocked tasks:", names, (v, brief) -> waits[v], edges);
    }

    /** Makes task {@code v}'s line of a report, when it is printed or counted. */
    private interface Lines {
        /** @param brief the line is only counted by its wait (past the listed ones), not printed */
        String line(int v, boolean brief);
    }

    /** As {@link #of(String, List, String[], int[][])}, asking for a task's line only when it is printed or counted. */
    private static DeadlockReport of(String header, String listed, List<String> names, Lines waits,
            int[][] edges) {
        int n = names.size();
        List<int[]> found = findCycles(edges);
        boolean[] inCycle = new boolean[n];
        for (int[] c : found) {
            for (int v : c) {
                inCycle[v] = true;
            }
        }
        boolean others = false;
        for (int v = 0; v < n; v++) {
            others |= !inCycle[v];
        }
        StringBuilder sb = new StringBuilder(header);
        sb.append(header.endsWith("\n") ? "" : " "); // a header may end its line (Limits.maxSteps)
        if (found.isEmpty()) {
            sb.append(listed);
        } else {
            // the search stops at the cap, so a capped count is a lower bound, not the number of cycles
            sb.append(found.size() == MAX_REPORTED_CYCLES ? "At least " : "").append(found.size())
                    .append(found.size() == 1 ? " wait-for cycle" : " wait-for cycles")
                    .append(found.size() == MAX_REPORTED_CYCLES ? " (the first " + MAX_REPORTED_CYCLES + " found are shown)" : "")
                    .append(others ? ", then the other blocked tasks:" : ":");
        }
        List<List<String>> cycles = new ArrayList<>(found.size());
        for (int[] c : found) {
            List<String> cycle = new ArrayList<>(c.length);
            for (int v : c) {
                cycle.add(names.get(v));
            }
            appendCycle(sb, c, names, waits);
            cycles.add(List.copyOf(cycle));
        }
        if (!found.isEmpty() && others) {
            sb.append("\nother blocked tasks:");
        }
        appendOthers(sb, names, waits, inCycle);
        return new DeadlockReport(sb.toString(), List.copyOf(cycles));
    }

    /**
     * Appends one cycle: its tasks in a line, then each one's wait. A cycle of more than {@link
     * #MAX_SHOWN_CYCLE_MEMBERS} + 1 tasks (a ring of a thousand locks) shows its first tasks and its
     * last {@link #SHOWN_CYCLE_TAIL}, and counts those between (two or more), so the report stays short.
     */
    private static void appendCycle(StringBuilder sb, int[] c, List<String> names, Lines waits) {
        // a cycle one longer than the limit shows its one task between rather than a count of one
        int head = c.length <= MAX_SHOWN_CYCLE_MEMBERS + 1 ? c.length : MAX_SHOWN_CYCLE_MEMBERS - SHOWN_CYCLE_TAIL;
        int skipped = c.length - head - Math.min(SHOWN_CYCLE_TAIL, c.length - head);
        String between = "… " + String.format(Locale.ROOT, "%,d", skipped) + " more " + (skipped == 1 ? "task" : "tasks") + " of this cycle …";
        sb.append("\ncycle: ");
        for (int k = 0; k < c.length; k++) {
            if (k == head && skipped > 0) {
                sb.append(between).append(" → ");
                k += skipped - 1;
                continue;
            }
            sb.append('\'').append(SafeText.name(names.get(c[k]))).append("' → ");
        }
        sb.append('\'').append(SafeText.name(names.get(c[0]))).append('\'');
        for (int k = 0; k < c.length; k++) {
            if (k == head && skipped > 0) {
                sb.append("\n  → ").append(between);
                k += skipped - 1;
                continue;
            }
            sb.append(k == 0 ? TASK_LINE : NEXT_IN_CYCLE_LINE).append(waits.line(c[k], false));
        }
    }

    /**
     * Lists the blocked tasks outside the cycles, in spawn order: the first {@link #MAX_LISTED_TASKS}
     * one per line, the rest counted by what they wait for, so that a run that ends with a million
     * blocked tasks gives a report a reader can take in.
     */
    private static void appendOthers(StringBuilder sb, List<String> names, Lines waits, boolean[] inCycle) {
        int listed = 0;
        int rest = 0;
        Map<String, Integer> restByWait = new LinkedHashMap<>();
        for (int v = 0; v < inCycle.length; v++) {
            if (inCycle[v]) {
                continue;
            }
            String line = waits.line(v, listed == MAX_LISTED_TASKS);
            if (listed < MAX_LISTED_TASKS) {
                sb.append(TASK_LINE).append(line);
                listed++;
            } else {
                rest++;
                restByWait.merge(waitKind(line, names.get(v)), 1, Integer::sum);
            }
        }
        if (rest == 0) {
            return;
        }
        sb.append("\n  and ").append(rest).append(" more, counted by their wait:");
        int groups = 0;
        for (Map.Entry<String, Integer> e : restByWait.entrySet()) {
            if (groups++ == MAX_LISTED_TASKS) {
                sb.append("\n    (and ").append(restByWait.size() - MAX_LISTED_TASKS).append(" other kinds of wait)");
                break;
            }
            sb.append("\n    ").append(e.getValue()).append(" × ").append(e.getKey());
        }
    }

    /** The tasks a wait names ({@code task 'a'}, {@code tasks 'a', 'b' and 3 more}), for {@link #waitKind}. */
    private static final java.util.regex.Pattern NAMED_TASKS =
            java.util.regex.Pattern.compile("\\b(tasks? )'[^']*'(?:(?:, | and )'[^']*')*(?: and \\d+ more)?");

    /**
     * @return {@code line} without its leading {@code task 'name' } and with the tasks it names
     *     written {@code task …}, so that tasks waiting alike (each owner of a group for its own
     *     child, say) count together
     */
    private static String waitKind(String line, String name) {
        String prefix = "task '" + SafeText.name(name) + "' ";
        String wait = line.startsWith(prefix) ? line.substring(prefix.length()) : line;
        return NAMED_TASKS.matcher(wait).replaceAll("$1…");
    }

    /**
     * The elementary cycles of a graph whose nodes are in spawn order, each starting at its
     * earliest node and found in edge order, so the result is the same in every run: for each
     * start node, a depth-first search through the later nodes of its strongly connected
     * component. Stops at {@link #MAX_REPORTED_CYCLES} cycles or when the search budget is spent.
     *
     * @param edges {@code edges[v]}: the successors of node {@code v}
     * @return the cycles, each as its nodes in order
     */
    static List<int[]> findCycles(int[][] edges) {
        int n = edges.length;
        int[] comp = stronglyConnectedComponents(edges);
        int[] compSize = new int[n];
        for (int v = 0; v < n; v++) {
            compSize[comp[v]]++;
        }
        List<int[]> cycles = new ArrayList<>();
        boolean[] onPath = new boolean[n];
        int[] path = new int[n];
        int[] next = new int[n];
        int budget = CYCLE_SEARCH_BUDGET;
        for (int s = 0; s < n && cycles.size() < MAX_REPORTED_CYCLES && budget > 0; s++) {
            if (compSize[comp[s]] < 2 && !hasSelfLoop(edges, s)) {
                continue;
            }
            int depth = 0;
            path[0] = s;
            next[0] = 0;
            onPath[s] = true;
            while (depth >= 0) {
                int v = path[depth];
                if (next[depth] < edges[v].length && budget > 0 && cycles.size() < MAX_REPORTED_CYCLES) {
                    int w = edges[v][next[depth]++];
                    budget--;
                    if (w == s) {
                        cycles.add(Arrays.copyOf(path, depth + 1));
                    } else if (w > s && comp[w] == comp[s] && !onPath[w]) {
                        depth++;
                        path[depth] = w;
                        next[depth] = 0;
                        onPath[w] = true;
                    }
                } else {
                    onPath[v] = false;
                    depth--;
                }
            }
        }
        if (cycles.isEmpty()) {
            // The budget ran out before any cycle closed (a ring of hundreds of thousands of tasks):
            // a deadlock with a cycle still shows one, found in time linear in its component.
            for (int s = 0; s < n; s++) {
                if (compSize[comp[s]] >= 2 || hasSelfLoop(edges, s)) {
                    cycles.add(cycleThrough(s, edges, comp));
                    break;
                }
            }
        }
        return cycles;
    }

    /**
     * @return a cycle through {@code s}, the earliest node of a component with a cycle: a depth-first
     *     search within the component that never visits a node twice, so it is linear in the
     *     component, and ends at the first edge back to {@code s} (every node of the component
     *     reaches {@code s}, so one is found)
     */
    private static int[] cycleThrough(int s, int[][] edges, int[] comp) {
        int n = edges.length;
        boolean[] visited = new boolean[n];
        int[] path = new int[n];
        int[] next = new int[n];
        int depth = 0;
        path[0] = s;
        visited[s] = true;
        while (depth >= 0) {
            int v = path[depth];
            if (next[depth] < edges[v].length) {
                int w = edges[v][next[depth]++];
                if (w == s) {
                    return Arrays.copyOf(path, depth + 1);
                }
                if (comp[w] == comp[s] && !visited[w]) {
                    visited[w] = true;
                    path[++depth] = w;
                    next[depth] = 0;
                }
            } else {
                depth--;
            }
        }
        throw new IllegalStateException("simloop internal error: no cycle through node " + s + " of its component");
    }

    private static boolean hasSelfLoop(int[][] edges, int v) {
        for (int w : edges[v]) {
            if (w == v) {
                return true;
            }
        }
        return false;
    }

    /**
     * Tarjan's algorithm, iteratively (a chain of joins may be long).
     *
     * @return the component number of each node
     */
    static int[] stronglyConnectedComponents(int[][] edges) {
        int n = edges.length;
        int[] order = new int[n];
        int[] low = new int[n];
        int[] comp = new int[n];
        Arrays.fill(order, -1);
        boolean[] onStack = new boolean[n];
        int[] stack = new int[n];
        int sp = 0;
        int[] callNode = new int[n];
        int[] callEdge = new int[n];
        int counter = 0;
        int comps = 0;
        for (int r = 0; r < n; r++) {
            if (order[r] != -1) {
                continue;
            }
            int depth = 0;
            callNode[0] = r;
            callEdge[0] = 0;
            order[r] = low[r] = counter++;
            stack[sp++] = r;
            onStack[r] = true;
            while (depth >= 0) {
                int v = callNode[depth];
                if (callEdge[depth] < edges[v].length) {
                    int w = edges[v][callEdge[depth]++];
                    if (order[w] == -1) {
                        order[w] = low[w] = counter++;
                        stack[sp++] = w;
                        onStack[w] = true;
                        depth++;
                        callNode[depth] = w;
                        callEdge[depth] = 0;
                    } else if (onStack[w]) {
                        low[v] = Math.min(low[v], order[w]);
                    }
                } else {
                    if (low[v] == order[v]) {
                        int w;
                        do {
                            w = stack[--sp];
                            onStack[w] = false;
                            comp[w] = comps;
                        } while (w != v);
                        comps++;
                    }
                    depth--;
                    if (depth >= 0) {
                        int u = callNode[depth];
                        low[u] = Math.min(low[u], low[v]);
                    }
                }
            }
        }
        return comp;
    }

    /** Where a task's line stops naming what it waits on: its details, or its frame. */
    private static final java.util.regex.Pattern WAIT_DETAILS = java.util.regex.Pattern.compile(" \\(|;|,? at ");

    /**
     * Reads back who is blocked on what from a report's text (a {@code DeadlockDetected}'s, or a
     * {@code LimitExceeded}'s that lists its tasks as one): shrinking tells two deadlocks whose first
     * lines read alike apart by it. Each task's line ({@code task 'q' waits for Event 'y' (not set, 1
     * waiting); ..., at App.run(App.java:14)}), a cycle's included, counts up to its details or its
     * frame, which a simpler run of the same bug may change (how many wait, where the code waits),
     * with numbers and identity hashes blanked; as a set, as tasks spawned by different tasks may be
     * listed in another order in another run.
     *
     * @param message a report's text, or null
     * @return the blocked tasks' waits
     */
    public static java.util.Set<String> blockedWaits(String message) {
        java.util.Set<String> waits = new java.util.TreeSet<>();
        if (message == null) {
            return waits;
        }
        String task = TASK_LINE.substring(1) + "task '";
        String nextInCycle = NEXT_IN_CYCLE_LINE.substring(1) + "task '";
        message.lines().map(l -> l.startsWith(nextInCycle) ? task + l.substring(nextInCycle.length()) : l)
                .filter(l -> l.startsWith(task)).forEach(l -> {
                    java.util.regex.Matcher m = WAIT_DETAILS.matcher(l);
                    waits.add(SafeText.blankVarying((m.find() ? l.substring(0, m.start()) : l).strip()));
                });
        return waits;
    }
}
