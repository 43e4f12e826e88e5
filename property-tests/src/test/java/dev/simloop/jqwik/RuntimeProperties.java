package dev.simloop.jqwik;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.CancelScope;
import dev.simloop.Cancelled;
import dev.simloop.Loop;
import dev.simloop.Schedule;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The runtime's invariants, checked under generated schedules. */
class RuntimeProperties {

    /** One task: checkpoints before acting; action 0 = return, 1 = throw, 2 = cancel its group; children nested. */
    record Node(int steps, int action, List<Node> children) {}

    @Provide
    Arbitrary<List<Node>> trees() {
        Arbitrary<Node> leaf = node(Arbitraries.just(List.of()));
        Arbitrary<Node> mid = node(leaf.list().ofMaxSize(3));
        return node(mid.list().ofMaxSize(3)).list().ofMinSize(1).ofMaxSize(3);
    }

    private static Arbitrary<Node> node(Arbitrary<List<Node>> children) {
        return net.jqwik.api.Combinators.combine(
                        Arbitraries.integers().between(0, 3),
                        Arbitraries.integers().between(0, 2),
                        children)
                .as(Node::new);
    }

    // (1) No failure is ever lost, and none is reported twice.
    @Property(tries = 1000, edgeCases = EdgeCasesMode.MIXIN)
    void noFailureIsLost(@ForAll("trees") List<Node> tree, @ForAll Schedule schedule) {
        List<Throwable> thrown = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger ids = new AtomicInteger();
        SimResult<Object> r = Simulation.builder().followChoices(schedule).strategy(Strategy.fifo())
                .run(() -> { runGroup(tree, thrown, ids); return null; });
        Map<Throwable, Integer> seen = new IdentityHashMap<>();
        if (r.failed()) {
            collect(r.failure(), seen, 0);
        }
        for (Throwable t : thrown) {
            assertThat(seen.getOrDefault(t, 0)).as("occurrences of %s in outcome %s", t, r.failure()).isEqualTo(1);
        }
        assertThat(seen.keySet()).as("outcome holds only thrown failures").allMatch(thrown::contains);
        assertThat(r.failed()).isEqualTo(!thrown.isEmpty());
    }

    private static void runGroup(List<Node> nodes, List<Throwable> thrown, AtomicInteger ids) throws Exception {
        TaskGroup.with(g -> {
            for (Node n : nodes) {
                g.spawn(() -> {
                    if (!n.children().isEmpty()) {
                        runGroup(n.children(), thrown, ids);
                    }
                    for (int i = 0; i < n.steps(); i++) {
                        Loop.checkpoint();
                    }
                    if (n.action() == 1) {
                        RuntimeException e = new RuntimeException("failure " + ids.incrementAndGet());
                        thrown.add(e);
                        throw e;
                    }
                    if (n.action() == 2) {
                        g.cancel();
                    }
                    return null;
                });
            }
            return null;
        });
    }

    private static void collect(Throwable t, Map<Throwable, Integer> seen, int depth) {
        if (t == null || depth > 50) {
            return;
        }
        if (!(t instanceof Cancelled) && t.getMessage() != null && t.getMessage().startsWith("failure ")) {
            seen.merge(t, 1, Integer::sum);
        }
        for (Throwable s : t.getSuppressed()) {
            collect(s, seen, depth + 1);
        }
        if (t.getCause() != t) {
            collect(t.getCause(), seen, depth + 1);
        }
    }

    // (2) Cancel-scope invariants.
    @Property(tries = 1000, edgeCases = EdgeCasesMode.MIXIN)
    void cancelScopeInvariants(@ForAll @IntRange(max = 4) int cancelAfter, @ForAll @IntRange(max = 4) int bodySteps,
                               @ForAll boolean shieldSome, @ForAll boolean cancel, @ForAll Schedule schedule) {
        SimResult<Object> r = Simulation.builder().followChoices(schedule).strategy(Strategy.fifo()).run(() -> {
            AtomicBoolean shieldedSawCancel = new AtomicBoolean();
            CancelScope[] holder = new CancelScope[1];
            TaskGroup.with(g -> {
                g.spawn(() -> {
                    for (int i = 0; i < cancelAfter; i++) {
                        Loop.checkpoint();
                    }
                    if (cancel && holder[0] != null) {
                        holder[0].cancel();
                    }
                    return null;
                });
                CancelScope.run(scope -> {
                    holder[0] = scope;
                    for (int i = 0; i < bodySteps; i++) {
                        if (shieldSome && i % 2 == 0) {
                            CancelScope.shielded(() -> {
                                try {
                                    Loop.checkpoint();
                                } catch (Cancelled c) {
                                    shieldedSawCancel.set(true);
                                    throw c;
                                }
                                return null;
                            });
                        } else {
                            Loop.checkpoint();
                        }
                    }
                    return null;
                });
                CancelScope s = holder[0];
                assertThat(!s.cancelledCaught() || s.cancelCalled()).as("cancelledCaught implies cancelCalled").isTrue();
                Loop.checkpoint(); // no Cancelled from the exited scope may surface here
                return null;
            });
            assertThat(shieldedSawCancel).as("shielded region observed outer cancellation").isFalse();
            return null;
        });
        if (r.failed()) {
            throw new AssertionError("replay: " + r.replayLine(), r.failure());
        }
    }

    // (4) Virtual time never goes backwards; every sleep wakes at exactly its deadline.
    @Property(tries = 1000, edgeCases = EdgeCasesMode.MIXIN)
    void sleepsWakeExactlyAtDeadline(@ForAll @Size(min = 1, max = 6) List<@IntRange(max = 5) Integer> sleeps,
                                     @ForAll @IntRange(min = 1, max = 4) int tasks, @ForAll Schedule schedule) {
        SimResult<Object> r = Simulation.builder().followChoices(schedule).strategy(Strategy.fifo()).run(() -> {
            AtomicLong last = new AtomicLong(Long.MIN_VALUE);
            TaskGroup.with(g -> {
                for (int t = 0; t < tasks; t++) {
                    int offset = t;
                    g.spawn(() -> {
                        for (int ms : sleeps) {
                            long now = Loop.nanoTime();
                            assertThat(now).as("time went backwards").isGreaterThanOrEqualTo(last.get());
                            last.set(now);
                            long deadline = now + Duration.ofMillis(ms + offset).toNanos();
                            Loop.sleep(Duration.ofMillis(ms + offset));
                            assertThat(Loop.nanoTime()).as("woke at deadline").isEqualTo(deadline);
                        }
                        return null;
                    });
                }
                return null;
            });
            return null;
        });
        if (r.failed()) {
            throw new AssertionError("replay: " + r.replayLine(), r.failure());
        }
    }

    // (5) Determinism: any generated schedule replays, through the run's replay line, to the same digest.
    @Property(tries = 500, edgeCases = EdgeCasesMode.MIXIN)
    void replayGivesSameDigest(@ForAll("trees") List<Node> tree, @ForAll Schedule schedule, @ForAll long seed) {
        SimResult<Object> first = Simulation.builder().seed(seed).followChoices(schedule)
                .run(() -> { runGroup(tree, new ArrayList<>(), new AtomicInteger()); return null; });
        SimResult<Object> again = Simulation.builder().replay(first.replayLine())
                .run(() -> { runGroup(tree, new ArrayList<>(), new AtomicInteger()); return null; });
        assertThat(again.traceDigest()).isEqualTo(first.traceDigest());
        assertThat(again.replayLine()).isEqualTo(first.replayLine());
        assertThat(again.failed()).isEqualTo(first.failed());
    }

    // (6) Parser robustness on arbitrary strings.
    @Property(tries = 1000)
    void parseArbitraryStrings(@ForAll @Size(max = 60) String text) {
        checkParse(text);
    }

    // (6) Parser robustness on mutated valid lines.
    @Property(tries = 1000)
    void parseMutatedLines(@ForAll Schedule schedule, @ForAll @IntRange(max = 200) int at,
                           @ForAll char replacement, @ForAll @IntRange(max = 2) int kind) {
        String line = Simulation.builder().followChoices(schedule).strategy(Strategy.fifo())
                .run(() -> Kernels.depth3()).replayLine();
        int i = at % (line.length() + 1);
        String mutated = switch (kind) {
            case 0 -> line.substring(0, i) + replacement + line.substring(Math.min(line.length(), i + 1));
            case 1 -> line.substring(0, i) + replacement + line.substring(i);
            default -> line.substring(0, i) + line.substring(Math.min(line.length(), i + 1));
        };
        checkParse(line);
        checkParse(mutated);
    }

    private static void checkParse(String text) {
        Schedule s;
        try {
            s = Schedule.parse(text);
        } catch (IllegalArgumentException expected) {
            return;
        }
        // Schedule.parse documents that white space around a line and inside it (a wrapped line) is ignored.
        StringBuilder joined = new StringBuilder();
        text.chars().filter(c -> !Character.isWhitespace(c)).forEach(c -> joined.append((char) c));
        assertThat(s.toString()).isEqualTo(joined.toString());
    }
}
