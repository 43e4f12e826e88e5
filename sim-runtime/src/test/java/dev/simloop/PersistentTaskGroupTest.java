package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simloop.sync.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Issue 17, item 2: aiotools' PersistentTaskGroup (seed 001, "(Persistent)TaskGroup"), in both modes. */
class PersistentTaskGroupTest {

    /** A service object holding its group in a field, as servers do. */
    static final class Service implements AutoCloseable {
        final PersistentTaskGroup tasks;
        final List<String> handled = new ArrayList<>();

        Service() {
            tasks = PersistentTaskGroup.open("service", (task, failure) -> handled.add(task.name() + ": "
                    + failure.getMessage() + " at " + Loop.nanoTime()));
        }

        @Override
        public void close() {
            tasks.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Modes.class)
    @DisplayName("seed 001 PersistentTaskGroup: a task's failure goes to the handler at once and cancels nothing")
    void failuresGoToTheHandlerAndCancelNothing(Modes mode) {
        List<String> log = Modes.log();
        List<String> handled = mode.run(() -> {
            Service s = new Service();
            Event sibling = new Event();
            s.tasks.spawn("worker", () -> {
                sibling.set();
                Loop.sleep(mode.units(2));
                log.add("worker still ran");
            });
            sibling.await();
            s.tasks.spawn("broken", () -> {
                throw new IllegalStateException("bad request");
            });
            Loop.sleep(mode.unit);
            log.add("handled before shutdown: " + s.handled.size());
            Loop.sleep(mode.units(2));
            s.close();
            assertThat(s.tasks.isOpen()).isFalse();
            return s.handled;
        });
        assertThat(log).containsExactly("handled before shutdown: 1", "worker still ran");
        assertThat(handled).hasSize(1).first().asString().startsWith("broken: bad request at ");
        if (mode.simulated()) {
            assertThat(handled).containsExactly("broken: bad request at 0");
        }
    }

    @ParameterizedTest
    @EnumSource(Modes.class)
    @DisplayName("seed 001 PersistentTaskGroup: shutdown cancels every task and waits; spawning afterwards fails")
    void shutdownCancelsAndWaits(Modes mode) {
        List<String> log = Modes.log();
        mode.run(() -> {
            PersistentTaskGroup g = PersistentTaskGroup.open("conns");
            for (int i = 0; i < 3; i++) {
                int n = i;
                g.spawn("conn-" + n, () -> {
                    try {
                        Loop.sleep(Modes.FOREVER);
                    } finally {
                        CancelScope.shielded(() -> {
                            Loop.sleep(mode.unit); // a graceful close takes time
                            log.add("conn-" + n + " closed");
                            return null;
                        });
                    }
                });
            }
            Loop.sleep(mode.unit);
            g.shutdown();
            log.add("shutdown returned");
            g.shutdown(); // idempotent
            assertThatThrownBy(() -> g.spawn("late", () -> null)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("PersistentTaskGroup.spawn: persistent task group 'conns' has been shut down; open a new one");
            return null;
        });
        assertThat(log).hasSize(4).last().isEqualTo("shutdown returned");
        assertThat(log).containsExactlyInAnyOrder("conn-0 closed", "conn-1 closed", "conn-2 closed", "shutdown returned");
    }

    @ParameterizedTest
    @EnumSource(Modes.class)
    @DisplayName("seed 001 current_ptaskgroup: all() lists the open groups, current() the one the task runs in")
    void allAndCurrent(Modes mode) {
        List<String> seen = mode.run(() -> {
            List<String> out = new ArrayList<>();
            PersistentTaskGroup a = PersistentTaskGroup.open("a");
            PersistentTaskGroup b = PersistentTaskGroup.open("b");
            out.add("all: " + PersistentTaskGroup.all().stream().map(PersistentTaskGroup::name).toList());
            out.add("main runs in: " + PersistentTaskGroup.current().map(PersistentTaskGroup::name).orElse("none"));
            b.spawn("in-b", () -> TaskGroup.with(inner -> inner.spawn("nested", () -> out.add("nested runs in: "
                    + PersistentTaskGroup.current().map(PersistentTaskGroup::name).orElse("none"))))).join();
            a.shutdown();
            out.add("after a: " + PersistentTaskGroup.all().stream().map(PersistentTaskGroup::name).toList());
            b.close();
            return out;
        });
        assertThat(seen).containsExactly("all: [a, b]", "main runs in: none", "nested runs in: b", "after a: [b]");
    }

    /**
     * A group shut down by its own task (which does not wait) is not open, and all() lists the open
     * groups: it listed this one until its keeper had ended, as "PersistentTaskGroup[g, shut down]".
     */
    @ParameterizedTest
    @EnumSource(Modes.class)
    void aGroupShutDownByItsOwnTaskIsNoLongerListedAsOpen(Modes mode) {
        String seen = mode.run(() -> {
            PersistentTaskGroup g = PersistentTaskGroup.open("g");
            PersistentTaskGroup other = PersistentTaskGroup.open("other");
            String out = g.spawn("self", () -> {
                g.shutdown(); // returns at once: it would wait for itself
                return "open: " + g.isOpen() + ", all: " + PersistentTaskGroup.all();
            }).join();
            other.shutdown();
            return out;
        });
        assertThat(seen).isEqualTo("open: false, all: [PersistentTaskGroup[other, open]]");
    }

    @Test
    @DisplayName("seed 001 PersistentTaskGroup: a group still open when the loop's work is done is shut down and the leak check reports it")
    void aGroupLeftOpenIsShutDownAndReported() {
        List<String> log = Modes.log();
        SimResult<String> r = Simulation.run(7, () -> {
            PersistentTaskGroup g = PersistentTaskGroup.open("forgotten");
            g.spawn("idler", () -> {
                try {
                    Loop.sleep(Modes.FOREVER);
                } catch (Cancelled c) {
                    log.add("idler cancelled at " + Loop.nanoTime());
                    throw c;
                }
            });
            Loop.sleep(java.time.Duration.ofSeconds(1));
            return "main done";
        });
        assertThat(log).containsExactly("idler cancelled at 1000000000");
        assertThat(r.failure()).isInstanceOf(LeakDetected.class)
                .hasMessageContaining("persistent task group 'forgotten' was still open when its loop's work was done; "
                        + "it was shut down then: call shutdown() (or close()) when the service stops (step ");
    }

    @Test
    @DisplayName("seed 001 PersistentTaskGroup: a run with a group is deterministic per seed")
    void deterministicPerSeed() {
        ThrowingSupplier<String> program = () -> {
            StringBuilder order = new StringBuilder();
            PersistentTaskGroup g = PersistentTaskGroup.open("g", (t, f) -> order.append("!").append(t.name()));
            for (int i = 0; i < 5; i++) {
                int n = i;
                g.spawn("t" + n, () -> {
                    Loop.checkpoint();
                    order.append(n);
                    if (n % 2 == 0) {
                        throw new IllegalStateException();
                    }
                });
            }
            Loop.sleep(java.time.Duration.ofSeconds(1));
            g.shutdown();
            return order.toString();
        };
        for (long seed = 0; seed < 8; seed++) {
            SimResult<String> r = Simulation.builder().seed(seed).checkDeterminism(true).run(program);
            assertThat(r.failed()).as("seed %d: %s", seed, r.failure()).isFalse();
            assertThat(r.value().replaceAll("!t[0-9]", "")).hasSize(5);
            assertThat(r.value().replaceAll("[0-9]", "").replace("!t", "!")).as("t0, t2, t4 handled").isEqualTo("!!!");
        }
    }

    /** A failure handler that throws on two failures loses neither: the first is raised, the second suppressed by it. */
    @ParameterizedTest
    @EnumSource(Modes.class)
    void aHandlerThatThrowsTwiceLosesNeitherException(Modes mode) {
        List<String> seen = new ArrayList<>();
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> mode.run(() -> {
            PersistentTaskGroup g = PersistentTaskGroup.open("p", (task, f) -> {
                seen.add(task.name() + ": " + f.getMessage());
                throw new IllegalArgumentException("handler rejects " + task.name());
            });
            g.spawn("y", () -> {
                try {
                    Loop.sleep(mode.units(3600));
                } finally {
                    fail("y cleanup failed");
                }
            });
            g.spawn("x", () -> {
                Loop.sleep(mode.units(1));
                fail("x failed");
            });
            Loop.sleep(mode.units(10));
            g.shutdown();
            return "main done";
        }));
        assertThat(seen).containsExactly("x: x failed", "y: y cleanup failed");
        assertThat(t).isInstanceOf(IllegalArgumentException.class).hasMessage("handler rejects x");
        // each handler failure carries the task failure it was handed (as a note's cause)
        assertThat(t.getSuppressed()).extracting(Throwable::getMessage).containsExactly("the FailureHandler threw this"
                + " while it handled the failure of task 'x', attached as this exception's cause", "handler rejects y");
        assertThat(t.getSuppressed()[0].getCause()).hasMessage("x failed");
        assertThat(t.getSuppressed()[1].getSuppressed()).singleElement()
                .satisfies(note -> assertThat(note.getCause()).hasMessage("y cleanup failed"));
    }

    /**
     * A handler that shuts its group down (the service cannot go on) may be handed a failure of a
     * task's clean-up as the group shuts down: its shutdown() then joined its own task and threw
     * "cannot join itself", which the caller of shutdown() got as the handler's failure.
     */
    @ParameterizedTest
    @EnumSource(Modes.class)
    void aHandlerMayShutItsGroupDownAlsoWhileTheGroupShutsDown(Modes mode) {
        List<String> log = Modes.log();
        PersistentTaskGroup[] g = new PersistentTaskGroup[1];
        mode.run(() -> {
            g[0] = PersistentTaskGroup.open("svc", (task, failure) -> {
                log.add("handled " + task.name() + ": " + failure.getMessage());
                g[0].shutdown();
                log.add("the handler's shutdown returned");
            });
            Event started = new Event();
            g[0].spawn("a", () -> {
                try {
                    started.set();
                    Loop.sleep(Modes.FOREVER);
                } catch (Cancelled c) {
                    fail("a's clean-up failed");
                }
            });
            started.await();
            g[0].shutdown();
            log.add("shutdown returned");
            return null;
        });
        assertThat(log).containsExactly("handled a: a's clean-up failed", "the handler's shutdown returned",
                "shutdown returned");
    }

    /**
     * {@code shutdown()} inside {@code Loop.runSync}, where it may not block, is refused before it
     * changes anything: the group stays open and its tasks run on, and the run's end reports the
     * group left open. Before, the group was marked shut down (isOpen() false, spawns refused)
     * before the refusal, while its tasks ran on uncancelled, and the leak check said nothing.
     */
    @Test
    void aShutdownRefusedInsideRunSyncLeavesTheGroupOpen() {
        List<String> log = new ArrayList<>();
        SimResult<Object> r = Simulation.run(1, () -> {
            PersistentTaskGroup g = PersistentTaskGroup.open("svc");
            Task<Void> slow = g.spawn("slow", () -> Loop.sleep(Duration.ofHours(1)));
            Loop.sleep(Duration.ofSeconds(1));
            try {
                Loop.runSync(() -> {
                    g.shutdown();
                    return null;
                });
            } catch (SynchronousBlockingException e) {
                log.add(e.getMessage().substring(0, e.getMessage().indexOf(',')));
            }
            log.add("open " + g.isOpen());
            Loop.sleep(Duration.ofSeconds(1));
            log.add("slow done " + slow.isDone());
            g.spawn("later", () -> { });
            log.add("spawned later");
            return null;
        });
        assertThat(log).containsExactly("PersistentTaskGroup.shutdown blocks", "open true", "slow done false",
                "spawned later");
        assertThat(r.failure()).isInstanceOf(LeakDetected.class).hasMessageContaining("persistent task group 'svc' was"
                + " still open when its loop's work was done");
    }

    /** Throws, from a method, so that a finally that calls it can complete normally to javac. */
    private static void fail(String why) {
        throw new IllegalStateException(why);
    }
}
