package dev.simloop.bench;

import dev.simloop.Exploration;
import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import dev.simloop.ThrowingSupplier;
import dev.simloop.internal.Drivers;
import dev.simloop.sync.Lock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Time to bug: for each kernel (a small program with a known concurrency bug, written on the
 * runtime) and each strategy the runtime knows, how many schedules a search needs until the first
 * failing one (median over {@value #STARTS} starting seeds, capped at {@value #CAP}), and the wall
 * time that took, next to the PCT guarantee 1/(n·k^(d−1)) for the kernel's n tasks, k steps (those
 * of a FIFO run) and bug depth d.
 *
 * <p>{@code java ... dev.simloop.bench.TimeToBug [starts] [cap]}
 */
public final class TimeToBug {
    static final int STARTS = 20;
    static final int CAP = 20_000;
    /** Strategies asked for; those that {@link Strategy#parse} does not know (yet) are skipped. */
    static final List<String> STRATEGIES = List.of("random", "pct(2)", "pct(3)", "pos");

    private TimeToBug() {
    }

    /** A kernel: its body throws (or deadlocks) when the bug shows. */
    record Kernel(String name, int tasks, int depth, ThrowingSupplier<Object> body) {
    }

    static final class Bug extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Bug(String message) {
            super(message, null, false, false);
        }
    }

    static void fill(int checkpoints) {
        for (int i = 0; i < checkpoints; i++) {
            Loop.checkpoint();
        }
    }

    /** Filler checkpoints around each critical step, so the bug is one schedule among many. */
    static final int FILL = 10;
    /** Filler checkpoints between the steps of the three-preemption kernel. */
    static final int PRE = 4;

    static List<Kernel> kernels() {
        List<Kernel> ks = new ArrayList<>();
        // 1. Lost update: read, checkpoint, write back + 1, in two tasks.
        ks.add(new Kernel("lost update", 2, 2, () -> {
            int[] x = new int[1];
            TaskGroup.with(g -> {
                for (int t = 0; t < 2; t++) {
                    int late = t * FILL; // FIFO runs the tasks in lockstep: offset them so that FIFO passes
                    g.spawn(() -> {
                        fill(FILL + late);
                        int v = x[0];
                        Loop.checkpoint();
                        x[0] = v + 1;
                        fill(2 * FILL - late);
                    });
                }
                return null;
            });
            if (x[0] != 2) {
                throw new Bug("lost update: " + x[0]);
            }
            return x[0];
        }));
        // 2. Check-then-act: two withdrawals of the whole balance, each checked first.
        ks.add(new Kernel("check-then-act", 2, 2, () -> {
            int[] balance = {10};
            TaskGroup.with(g -> {
                for (int t = 0; t < 2; t++) {
                    int late = t * FILL;
                    g.spawn(() -> {
                        fill(FILL + late);
                        if (balance[0] >= 10) {
                            Loop.checkpoint();
                            balance[0] -= 10;
                        }
                        fill(2 * FILL - late);
                    });
                }
                return null;
            });
            if (balance[0] < 0) {
                throw new Bug("overdrawn: " + balance[0]);
            }
            return balance[0];
        }));
        // 3. Order violation: the checker must run last of three tasks, but nothing makes it.
        ks.add(new Kernel("order violation", 3, 1, () -> {
            boolean[] done = new boolean[2];
            TaskGroup.with(g -> {
                for (int t = 0; t < 2; t++) {
                    int me = t;
                    g.spawn(() -> {
                        fill(FILL);
                        done[me] = true;
                    });
                }
                g.spawn(() -> {
                    fill(FILL + 1);
                    if (!done[0] || !done[1]) {
                        throw new Bug("checker ran before the writers finished");
                    }
                });
                return null;
            });
            return null;
        }));
        // 4. Two-variable invariant a == b, broken between the two writes of any of ten writers.
        ks.add(new Kernel("invariant, 10 writers", 11, 2, () -> {
            int[] ab = new int[2];
            TaskGroup.with(g -> {
                for (int t = 0; t < 10; t++) {
                    g.spawn(() -> {
                        fill(1);
                        ab[0]++;
                        Loop.checkpoint();
                        ab[1]++;
                    });
                }
                g.spawn(() -> {
                    fill(FILL);
                    if (ab[0] != ab[1]) {
                        throw new Bug("a=" + ab[0] + " b=" + ab[1]);
                    }
                });
                return null;
            });
            return null;
        }));
        // 5. Lock-order deadlock, only when a flag set by a third task is seen by the second one.
        ks.add(new Kernel("conditional deadlock", 3, 3, () -> {
            Lock a = new Lock("a");
            Lock b = new Lock("b");
            boolean[] flag = new boolean[1];
            TaskGroup.with(g -> {
                g.spawn(() -> {
                    fill(FILL);
                    a.acquire();
                    Loop.checkpoint();
                    b.acquire();
                    b.release();
                    a.release();
                });
                g.spawn(() -> {
                    fill(FILL);
                    Lock first = flag[0] ? b : a;
                    Lock second = flag[0] ? a : b;
                    first.acquire();
                    Loop.checkpoint();
                    second.acquire();
                    second.release();
                    first.release();
                });
                g.spawn(() -> {
                    fill(FILL);
                    flag[0] = true;
                });
                return null;
            });
            return null;
        }));
        // 6. Needs A1 < B1 < A2 < B2 < A3: three preemptions at specific points (FIFO runs A to its end first).
        ks.add(new Kernel("three preemptions", 2, 4, () -> {
            int[] stage = new int[1];
            TaskGroup.with(g -> {
                g.spawn(() -> {
                    fill(PRE);
                    if (stage[0] == 0) {
                        stage[0] = 1;
                    }
                    fill(PRE);
                    if (stage[0] == 2) {
                        stage[0] = 3;
                    }
                    fill(PRE);
                    if (stage[0] == 4) {
                        throw new Bug("A1 < B1 < A2 < B2 < A3");
                    }
                });
                g.spawn(() -> {
                    fill(3 * PRE + 2); // under FIFO, B1 comes after A3
                    if (stage[0] == 1) {
                        stage[0] = 2;
                    }
                    fill(PRE);
                    if (stage[0] == 3) {
                        stage[0] = 4;
                    }
                    fill(PRE);
                });
                return null;
            });
            return null;
        }));
        return ks;
    }

    /** The strategies of {@link #STRATEGIES} that this runtime knows. */
    static List<Strategy> available() {
        List<Strategy> out = new ArrayList<>();
        for (String s : STRATEGIES) {
            try {
                out.add(Strategy.parse(s));
            } catch (RuntimeException e) {
                // not (yet) in the runtime
            }
        }
        return out;
    }

    static SimResult<Object> runOnce(Kernel k, Strategy s, long seed) {
        return Simulation.builder().seed(seed).strategy(s).run(k.body());
    }

    /** Schedules until the first failing one, starting at {@code firstSeed}; {@code cap + 1} when none failed. */
    static int schedulesToBug(Kernel k, Strategy s, long firstSeed, int cap) {
        for (int i = 0; i < cap; i++) {
            if (runOnce(k, s, firstSeed + i).failed()) {
                return i + 1;
            }
        }
        return cap + 1;
    }

    /** The preemption bound of the exhaustive column. */
    static final int EXHAUSTIVE_BOUND = 4;

    /** Schedules an exhaustive search runs until the first failure, and its wall time: "n (ms)" or ">cap (ms)". */
    static String exhaustiveToBug(Kernel k, int cap) {
        long t0 = System.nanoTime();
        Exploration.Report<Object> r = Exploration.of(k.body()).exhaustive(EXHAUSTIVE_BOUND).schedules(cap).run();
        double millis = (System.nanoTime() - t0) / 1e6;
        String sched = r.firstFailure().isPresent() ? String.format(Locale.ROOT, "%,d", r.firstFailureIndex() + 1)
                : (r.exhausted() ? "none" : ">" + cap);
        return sched + " (" + String.format(Locale.ROOT, "%.1f", millis) + ")";
    }

    static double median(double[] xs) {
        double[] c = xs.clone();
        Arrays.sort(c);
        int n = c.length;
        return n % 2 == 1 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
    }

    /** Runs the whole measurement and returns the printed table. */
    static String table(int starts, int cap) {
        return Drivers.call(() -> {
            List<Strategy> strategies = available();
            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, "Time to bug: schedules until the first failure, median over %d starting seeds"
                    + " (cap %,d; '>cap' = not found), and median wall time per search%n", starts, cap));
            out.append("Strategies available: ").append(strategies)
                    .append(" (asked for ").append(STRATEGIES).append(")\n");
            StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-22s %3s %4s %2s %12s", "kernel", "n", "k", "d",
                    "PCT 1/bound"));
            for (Strategy s : strategies) {
                head.append(String.format(Locale.ROOT, " | %-22s", s + ": sched (ms)"));
            }
            head.append(String.format(Locale.ROOT, " | %-22s", "exhaustive(" + EXHAUSTIVE_BOUND + "): sched (ms)"));
            out.append(head).append('\n').append("-".repeat(head.length())).append('\n');
            for (Kernel k : kernels()) {
                long steps = runOnce(k, Strategy.fifo(), 0).steps();
                double bound = 1.0 / (k.tasks() * Math.pow(steps, k.depth() - 1));
                out.append(String.format(Locale.ROOT, "%-22s %3d %4d %2d %,12.0f", k.name(), k.tasks(), steps, k.depth(),
                        1 / bound));
                for (Strategy s : strategies) {
                    double[] counts = new double[starts];
                    double[] millis = new double[starts];
                    for (int i = 0; i < starts; i++) {
                        long t0 = System.nanoTime();
                        counts[i] = schedulesToBug(k, s, 1_000_003L * i, cap);
                        millis[i] = (System.nanoTime() - t0) / 1e6;
                    }
                    double m = median(counts);
                    String sched = m > cap ? ">" + cap : String.format(Locale.ROOT, "%,.0f", m);
                    out.append(String.format(Locale.ROOT, " | %-22s", sched + " (" + String.format(Locale.ROOT, "%.1f",
                            median(millis)) + ")"));
                }
                out.append(String.format(Locale.ROOT, " | %-22s", exhaustiveToBug(k, cap)));
                out.append('\n');
            }
            out.append("k = scheduling steps of a FIFO run; PCT guarantees a failing schedule with probability >= 1/(n*k^(d-1))"
                    + " per run, so 1/bound is its worst-case expected number of schedules.\n");
            out.append("exhaustive(" + EXHAUSTIVE_BOUND + ") = Exploration.exhaustive: every schedule with at most "
                    + EXHAUSTIVE_BOUND + " departures from FIFO order, fewest first; one deterministic search, so no median.\n");
            return out.toString();
        }, t -> { });
    }

    public static void main(String[] args) {
        int starts = args.length > 0 ? Integer.parseInt(args[0]) : STARTS;
        int cap = args.length > 1 ? Integer.parseInt(args[1]) : CAP;
        System.out.print(table(starts, cap));
    }
}
