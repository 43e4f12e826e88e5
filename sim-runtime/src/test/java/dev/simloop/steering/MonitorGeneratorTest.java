package dev.simloop.steering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simloop.CancelScope;
import dev.simloop.Generator;
import dev.simloop.Loop;
import dev.simloop.Monitor;
import dev.simloop.OobData;
import dev.simloop.Simulation;
import dev.simloop.TaskGroup;
import dev.simloop.sync.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Monitor and Generator: in tasks of both modes, and outside any loop. */
class MonitorGeneratorTest {
    /** asynkit's readline example: the parser asks for more data with oob(null) until it has a whole line. */
    static final class Buffer {
        private final StringBuilder data = new StringBuilder();

        void fill(String s) {
            data.append(s);
        }

        String readline() {
            int nl = data.indexOf("\n");
            int end = nl < 0 ? data.length() : nl + 1;
            String line = data.substring(0, end);
            data.delete(0, end);
            return line;
        }
    }

    static String readline(Monitor<Object, Object> m, Buffer buffer) {
        String l = buffer.readline();
        while (!l.endsWith("\n")) {
            m.oob(null); // ask for more data in the buffer
            l += buffer.readline();
        }
        return l;
    }

    static String manager(Buffer buffer, List<String> io) {
        Monitor<Object, Object> m = new Monitor<>();
        Monitor.Run<Object, Object, String> a = m.start(() -> readline(m, buffer));
        int reads = 0;
        while (true) {
            try {
                return a.await();
            } catch (OobData oob) {
                buffer.fill(io.get(reads++));
            }
        }
    }

    @ParameterizedTest(name = "simulated={0}")
    @ValueSource(booleans = {false, true})
    void theReadlineParserKeepsItsStateWhileTheCallerFillsTheBuffer(boolean simulated) {
        String line = BothModes.run(simulated, () -> manager(new Buffer(), List.of("hel", "lo wor", "ld\nrest")));
        assertThat(line).isEqualTo("hello world\n");
        assertThat(manager(new Buffer(), List.of("outside ", "any loop\n"))).isEqualTo("outside any loop\n");
    }

    @Test
    void stepsCarryOobValuesSentValuesAndTheResult() {
        Monitor<String, Integer> m = new Monitor<>();
        Monitor.Run<String, Integer, Integer> run = m.start(() -> m.oob("a") + m.oob("b"));
        assertThatThrownBy(() -> run.send(1)).isInstanceOf(IllegalStateException.class)
                .hasMessage("Monitor.Run.send: the body has not started; start it with next() (a value or exception can "
                        + "only answer an oob value)");
        assertThat(run.next().oob()).isEqualTo("a");
        assertThat(run.send(2).oob()).isEqualTo("b");
        Monitor.Step<String, Integer> end = run.send(40);
        assertThat(end.isOob()).isFalse();
        assertThat(end.result()).isEqualTo(42);
        assertThat(run.isDone()).isTrue();
    }

    @Test
    void throwInRaisesAtTheOobCallAndCloseRunsTheBodysFinally() {
        List<String> log = new ArrayList<>();
        Monitor<String, String> m = new Monitor<>();
        Monitor.Run<String, String, String> run = m.start(() -> {
            try {
                m.oob("first");
            } catch (IllegalArgumentException e) {
                log.add("caught " + e.getMessage());
            }
            try {
                m.oob("second");
                return "never";
            } finally {
                log.add("finally");
            }
        });
        run.next();
        assertThat(run.throwIn(new IllegalArgumentException("bad input")).oob()).isEqualTo("second");
        run.close();
        assertThat(log).containsExactly("caught bad input", "finally");
        assertThat(run.isDone()).isTrue();
    }

    @Test
    void oobOutsideABodyIsRejected() {
        Monitor<String, String> m = new Monitor<>();
        assertThatThrownBy(() -> m.oob("x")).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Monitor.oob: called outside the body of a run of this monitor");
    }

    /** Driving a monitor is not a scheduling point; a body that sleeps blocks the driving task as a whole. */
    @ParameterizedTest(name = "simulated={0}")
    @ValueSource(booleans = {false, true})
    void drivingIsNotASchedulingPointButABlockingBodyBlocksItsTask(boolean simulated) {
        List<String> log = BothModes.run(simulated, () -> {
            List<String> l = new ArrayList<>();
            TaskGroup.with(tg -> {
                tg.spawn("other", () -> l.add("other ran"));
                Monitor<Integer, Void> m = new Monitor<>();
                Monitor.Run<Integer, Void, String> run = m.start(() -> {
                    for (int i = 0; i < 3; i++) {
                        m.oob(i);
                    }
                    Loop.sleep(Duration.ofMillis(5));
                    return "slept";
                });
                for (int i = 0; i < 3; i++) {
                    l.add("oob " + run.next().oob());
                }
                l.add(run.next().result());
                return null;
            });
            return l;
        });
        assertThat(log).containsExactly("oob 0", "oob 1", "oob 2", "other ran", "slept");
    }

    static void generator(Generator<Integer> g) {
        g.yield(1); // yield directly
        TaskGroup.with(tg -> tg.spawn("helper", () -> {
            g.yield(2); // have someone else yield
        }).join());
        g.yield(3);
    }

    @ParameterizedTest(name = "simulated={0}")
    @ValueSource(booleans = {false, true})
    void aGeneratorYieldsFromItsBodyAndFromTasksItHandsItTo(boolean simulated) {
        List<Integer> values = BothModes.run(simulated, () -> {
            List<Integer> v = new ArrayList<>();
            try (Generator<Integer> g = Generator.of(MonitorGeneratorTest::generator)) {
                for (int x : g) {
                    v.add(x);
                }
            }
            return v;
        });
        assertThat(values).containsExactly(1, 2, 3);
    }

    @Test
    void aGeneratorThatNeverBlocksRunsOutsideAnyLoopAndInRunSync() {
        List<Integer> plain = new ArrayList<>();
        for (int x : Generator.<Integer>of(g -> {
            g.yield(1);
            g.yield(2);
        })) {
            plain.add(x);
        }
        assertThat(plain).containsExactly(1, 2);
        List<Integer> sync = Loop.runSync(() -> {
            List<Integer> v = new ArrayList<>();
            Generator.<Integer>of(g -> {
                for (int i = 0; i < 3; i++) {
                    g.yield(i);
                }
            }).forEach(v::add);
            return v;
        });
        assertThat(sync).containsExactly(0, 1, 2);
    }

    @Test
    void sendThrowInAndCloseOnAGeneratorIterator() {
        List<Object> log = new ArrayList<>();
        Generator<String> gen = Generator.of(g -> {
            try {
                Object got = g.yield("first");
                log.add("got " + got);
                try {
                    g.yield("second");
                } catch (IllegalStateException e) {
                    log.add("caught " + e.getMessage());
                }
                g.yield("third");
                g.yield("never taken");
            } finally {
                log.add("finally");
            }
        });
        Generator.Iterator<String> it = gen.iterator();
        assertThat(it.next()).isEqualTo("first");
        assertThat(it.send("hello")).isEqualTo("second");
        assertThat(it.throwIn(new IllegalStateException("stop"))).isEqualTo("third");
        it.close();
        assertThat(it.hasNext()).isFalse();
        assertThat(log).containsExactly("got hello", "caught stop", "finally");
        assertThatThrownBy(gen::iterator).isInstanceOf(IllegalStateException.class)
                .hasMessage("Generator.iterator: a generator iterates once; make another with Generator.of");
    }

    /**
     * send() while values are still buffered: they come first, and the body's own pending yield
     * gets the sent value when it is resumed (before, the value was dropped and the yield got null).
     */
    @ParameterizedTest(name = "simulated={0}")
    @ValueSource(booleans = {false, true})
    void aValueSentWhileOthersAreBufferedReachesTheBodysYield(boolean simulated) {
        List<String> log = BothModes.run(simulated, () -> {
            List<String> l = new ArrayList<>();
            Generator<String> gen = Generator.of(g -> {
                TaskGroup.with(tg -> tg.spawn("helper", () -> {
                    g.yield("from helper");
                }).join());
                l.add("body's yield returned " + g.yield("from body"));
            });
            Generator.Iterator<String> it = gen.iterator();
            l.add(it.next());
            l.add(it.send("SENT"));
            l.add("more: " + it.hasNext());
            return l;
        });
        assertThat(log).containsExactly("from helper", "from body", "body's yield returned SENT", "more: false");
    }

    /** An iterator made in one task and consumed in another: the body still stops at each yield, and send reaches it. */
    @ParameterizedTest(name = "simulated={0}")
    @ValueSource(booleans = {false, true})
    void aGeneratorIteratedByAnotherTaskThanTheOneThatMadeItsIterator(boolean simulated) {
        List<String> log = BothModes.run(simulated, () -> {
            List<String> l = new ArrayList<>();
            Generator<Integer> g = Generator.of(x -> {
                for (int i = 0; i < 3; i++) {
                    l.add("yield " + i + " returned " + x.yield(i));
                }
            });
            Generator.Iterator<Integer> it = g.iterator();
            TaskGroup.with(tg -> tg.spawn("consumer", () -> {
                l.add("next() = " + it.next());
                l.add("send(hello) = " + it.send("hello"));
            }).join());
            return l;
        });
        assertThat(log).containsExactly("next() = 0", "yield 0 returned hello", "send(hello) = 1");
    }

    /** A body that iterates its own generator is told so, not that another task resumed it. */
    @ParameterizedTest(name = "simulated={0}")
    @ValueSource(booleans = {false, true})
    void aBodyThatIteratesItsOwnGeneratorIsToldSo(boolean simulated) {
        List<String> log = BothModes.run(simulated, () -> {
            List<String> l = new ArrayList<>();
            List<Generator.Iterator<Integer>> self = new ArrayList<>(1);
            Generator<Integer> g = Generator.of(x -> {
                try {
                    self.get(0).next();
                } catch (IllegalStateException e) {
                    l.add(e.getMessage());
                }
                x.yield(1);
            });
            self.add(g.iterator());
            l.add("next() = " + self.get(0).next());
            return l;
        });
        assertThat(log).containsExactly("Generator.Iterator: the body is running, and it resumed its own generator (a"
                + " call of next(), send or throwIn inside the body): a body yields its values with yield, and is"
                + " resumed by whoever iterates it", "next() = 1");
    }

    /** A second task's call while the body runs for the first is refused, naming it, and the first task's iteration goes on. */
    @ParameterizedTest(name = "simulated={0}")
    @ValueSource(booleans = {false, true})
    void aSecondTaskIteratingWhileTheBodyRunsIsRefusedAndChangesNothing(boolean simulated) {
        List<String> log = BothModes.run(simulated, () -> {
            List<String> l = new ArrayList<>();
            Event bodyRunning = new Event();
            Event nextTried = new Event();
            Generator<Integer> g = Generator.of(x -> {
                x.yield(1);
                bodyRunning.set();
                nextTried.await(); // B calls in meanwhile (events: with sleeps, a loaded real loop could run B late)
                x.yield(2);
            });
            Generator.Iterator<Integer> it = g.iterator();
            TaskGroup.with(tg -> {
                tg.spawn("A", () -> {
                    l.add("A " + it.next());
                    l.add("A " + it.next());
                    l.add("A hasNext " + it.hasNext());
                });
                tg.spawn("B", () -> {
                    bodyRunning.await();
                    try {
                        it.next();
                    } catch (IllegalStateException e) {
                        l.add("B: " + e.getMessage());
                    }
                    nextTried.set();
                });
                return null;
            });
            return l;
        });
        assertThat(log).containsExactly("A 1", "B: Generator.Iterator: the body is running, resumed by another task (A);"
                + " a generator is iterated by one task at a time: wait until its next() returns there", "A 2",
                "A hasNext false");
    }

    /**
     * send and throwIn while the body runs are refused as next() is: by the body on its own generator,
     * and by a second task while it runs for the first. Before, they were told "the body has not yielded
     * yet; start it with next()" and "the body is not waiting in a yield", though it had yielded and ran.
     */
    @ParameterizedTest(name = "simulated={0}")
    @ValueSource(booleans = {false, true})
    void sendAndThrowInWhileTheBodyRunsAreRefusedAsNextIs(boolean simulated) {
        List<String> log = BothModes.run(simulated, () -> {
            List<String> l = new ArrayList<>();
            List<Generator.Iterator<Integer>> self = new ArrayList<>(1);
            Event bodyRunning = new Event();
            Event triedAll = new Event();
            Generator<Integer> g = Generator.of(x -> {
                x.yield(1);
                attempt(l, "own send", () -> self.get(0).send("x"));
                attempt(l, "own throwIn", () -> self.get(0).throwIn(new IllegalArgumentException("x")));
                bodyRunning.set();
                triedAll.await(); // the body runs for A, blocked, while B tries (events, not timing)
                x.yield(2);
            });
            self.add(g.iterator());
            Generator.Iterator<Integer> it = self.get(0);
            TaskGroup.with(tg -> {
                tg.spawn("A", () -> {
                    l.add("A " + it.next());
                    l.add("A " + it.next());
                    l.add("A hasNext " + it.hasNext());
                });
                tg.spawn("B", () -> {
                    bodyRunning.await();
                    attempt(l, "B send", () -> it.send("y"));
                    attempt(l, "B throwIn", () -> it.throwIn(new IllegalArgumentException("y")));
                    triedAll.set();
                });
                return null;
            });
            return l;
        });
        String own = "Generator.Iterator: the body is running, and it resumed its own generator (a call of next(), send"
                + " or throwIn inside the body): a body yields its values with yield, and is resumed by whoever iterates it";
        String other = "Generator.Iterator: the body is running, resumed by another task (A); a generator is iterated by"
                + " one task at a time: wait until its next() returns there";
        assertThat(log).containsExactly("A 1", "own send: " + own, "own throwIn: " + own, "B send: " + other,
                "B throwIn: " + other, "A 2", "A hasNext false");
    }

    private static void attempt(List<String> log, String what, Runnable call) {
        try {
            call.run();
            log.add(what + ": accepted");
        } catch (IllegalStateException e) {
            log.add(what + ": " + e.getMessage());
        }
    }

    /**
     * close() from a second task while the body runs for the first is refused, naming the call made,
     * and changes nothing. Before, the refused close had already marked the generator finished, so the
     * running body's next yield failed ("the generator is finished"), and with it the first task's
     * iteration; the body never yielded its other values.
     */
    @ParameterizedTest(name = "simulated={0}")
    @ValueSource(booleans = {false, true})
    void aCloseFromAnotherTaskWhileTheBodyRunsIsRefusedAndChangesNothing(boolean simulated) {
        List<String> log = BothModes.run(simulated, () -> {
            List<String> l = new ArrayList<>();
            Event bodyRunning = new Event();
            Event closeTried = new Event();
            Generator<Integer> g = Generator.of(x -> {
                try {
                    x.yield(1);
                    bodyRunning.set();
                    closeTried.await(); // the body runs for A, blocked, while B closes (events, not timing)
                    x.yield(2);
                    x.yield(3);
                } finally {
                    l.add("body finally");
                }
            });
            Generator.Iterator<Integer> it = g.iterator();
            TaskGroup.with(tg -> {
                tg.spawn("A", () -> {
                    for (int v : (Iterable<Integer>) () -> it) {
                        l.add("A " + v);
                    }
                });
                tg.spawn("B", () -> {
                    bodyRunning.await();
                    try {
                        g.close();
                    } catch (IllegalStateException e) {
                        l.add("B: " + e.getMessage());
                    }
                    closeTried.set();
                });
                return null;
            });
            return l;
        });
        assertThat(log).containsExactly("A 1", "B: Generator.close: the body is running, resumed by another task (A);"
                + " a generator is closed by the task iterating it, or once its next() returns there", "A 2", "A 3",
                "body finally");
    }

    /** A body that closes its own generator is told so, and goes on yielding: the refused close changed nothing. */
    @ParameterizedTest(name = "simulated={0}")
    @ValueSource(booleans = {false, true})
    void aBodyThatClosesItsOwnGeneratorIsToldSoAndGoesOn(boolean simulated) {
        List<String> log = BothModes.run(simulated, () -> {
            List<String> l = new ArrayList<>();
            List<Generator.Iterator<Integer>> self = new ArrayList<>(1);
            Generator<Integer> g = Generator.of(x -> {
                x.yield(1);
                try {
                    self.get(0).close();
                } catch (IllegalStateException e) {
                    l.add(e.getMessage());
                }
                x.yield(2);
            });
            self.add(g.iterator());
            while (self.get(0).hasNext()) {
                l.add("next() = " + self.get(0).next());
            }
            return l;
        });
        assertThat(log).containsExactly("next() = 1", "Generator.Iterator.close: the body is running, and it closed its"
                + " own generator: a body ends by returning, and is closed by whoever iterates it", "next() = 2");
    }

    /**
     * Monitor.Run.close from a second task while the body runs for the first is refused and changes
     * nothing. Before, the run was marked as closing all the same, so the body's next oob failed with
     * "the run is being closed; let its exception pass", though nothing was closing it.
     */
    @Test
    void aMonitorRunClosedByAnotherTaskWhileItRunsIsRefusedAndChangesNothing() {
        List<String> log = Simulation.run(1, () -> {
            List<String> l = new ArrayList<>();
            Monitor<String, Object> m = new Monitor<>();
            Monitor.Run<String, Object, String> run = m.start(() -> {
                Loop.sleep(Duration.ofMillis(20)); // B closes meanwhile
                m.oob("value");
                return "done";
            });
            TaskGroup.with(tg -> {
                tg.spawn("A", () -> {
                    l.add("A oob " + run.next().oob());
                    l.add("A result " + run.next().result());
                });
                tg.spawn("B", () -> {
                    Loop.sleep(Duration.ofMillis(10));
                    try {
                        run.close();
                    } catch (IllegalStateException e) {
                        l.add("B: " + e.getMessage());
                    }
                });
                return null;
            });
            return l;
        }).value();
        assertThat(log).containsExactly("B: Monitor.Run.close: the body is running, driven by another task ('A'); a run"
                + " is driven by one task at a time: wait until next() returns there", "A oob value", "A result done");
    }

    /**
     * A body that catches what its yield threw on close and yields again is told that the generator is
     * being closed, and close() throws that. Before, the message said the generator "is finished" and to
     * "yield from its body", which the body was doing.
     */
    @Test
    void aBodyThatYieldsAgainWhileItIsClosedIsToldSo() {
        List<String> log = new ArrayList<>();
        Generator<Integer> g = Generator.of(x -> {
            try {
                x.yield(1);
            } catch (RuntimeException swallowed) {
                log.add("caught " + swallowed.getMessage());
            }
            x.yield(2);
        });
        Generator.Iterator<Integer> it = g.iterator();
        assertThat(it.next()).isEqualTo(1);
        assertThatThrownBy(g::close).isInstanceOf(IllegalStateException.class).hasMessage("Generator.yield: the"
                + " generator is being closed; let the exception its yield threw pass (its finally blocks run), rather"
                + " than yield again");
        assertThat(log).containsExactly("caught Monitor.Run.close: the run was closed");
        assertThat(it.hasNext()).isFalse();
    }

    @Test
    void aGeneratorClosedBeforeItIsIteratedNeverRunsItsBody() {
        List<String> log = new ArrayList<>();
        Generator<Integer> g = Generator.of(x -> {
            log.add("body ran");
            x.yield(1);
        });
        g.close();
        List<Integer> values = new ArrayList<>();
        g.forEach(values::add);
        assertThat(values).isEmpty();
        assertThat(log).isEmpty();
    }

    /** A Monitor run driven by another task names that task, not the body. */
    @Test
    void aMonitorRunDrivenByAnotherTaskSaysSo() {
        String msg = Simulation.run(1, () -> {
            Monitor<Object, Object> m = new Monitor<>();
            Monitor.Run<Object, Object, String> run = m.start(() -> {
                Loop.sleep(java.time.Duration.ofMillis(20));
                return "done";
            });
            return TaskGroup.with(tg -> {
                tg.spawn("A", () -> run.next());
                return tg.spawn("B", () -> {
                    Loop.sleep(java.time.Duration.ofMillis(10));
                    try {
                        run.next();
                        return "accepted";
                    } catch (IllegalStateException e) {
                        return e.getMessage();
                    }
                }).join();
            });
        }).value();
        assertThat(msg).isEqualTo("Monitor.Run.next: the body is running, driven by another task ('A'); a run is driven"
                + " by one task at a time: wait until next() returns there");
    }

    /** A yielded null is a value like any other, from the body and from another task. Before: a bare NPE from ArrayDeque. */
    @Test
    void nullIsAValueToYield() {
        List<String> seen = Simulation.run(1, () -> {
            Generator<String> gen = Generator.of(g -> {
                g.yield("a");
                g.yield(null);
                TaskGroup.with(tg -> {
                    tg.spawn(() -> {
                        g.yield(null); // from another task: buffered
                        g.yield("b");
                    });
                    return null;
                });
            });
            List<String> values = new ArrayList<>();
            for (String v : gen) {
                values.add(String.valueOf(v));
            }
            return values;
        }).value();
        assertThat(seen).containsExactly("a", "null", "null", "b");
    }
    /**
     * A body that hands out a value inside a cancel scope it opened would leave that scope open
     * around its driver's code: refused at the yield, naming the scope and what to do, and the
     * driver's scopes stay as they were. Before, the driver's own scope then failed to exit with
     * "cancel scopes of task 'main' exited out of order", the body's deadline cancelled the driver's
     * later code, and the run failed with that message at its end, its value lost.
     */
    @ParameterizedTest(name = "simulated={0}")
    @ValueSource(booleans = {false, true})
    void aBodyThatHandsOutAValueInsideACancelScopeItOpenedIsRefusedThereNamingTheScope(boolean simulated) {
        List<String> log = BothModes.run(simulated, () -> {
            List<String> l = new ArrayList<>();
            try (Generator<Integer> g = Generator.of(gen -> CancelScope.moveOnAfter(Duration.ofMillis(10), () -> {
                gen.yield(1);
                return null;
            }))) {
                Generator.Iterator<Integer> it = g.iterator();
                try {
                    l.add("got " + CancelScope.run(driverScope -> it.next()));
                } catch (IllegalStateException e) {
                    l.add(e.getMessage());
                }
            }
            Loop.sleep(Duration.ofMillis(20)); // past the body's deadline: nothing of the body's is left to cancel it
            l.add("slept");
            return l;
        });
        assertThat(log).containsExactly("Generator.yield: the body handed out a value inside a cancel scope it opened"
                + " (cancel scope opened by task 'main'), which would stay open around the code that drives it: close"
                + " the cancel scopes and task groups a body opens (CancelScope.run, moveOnAfter, failAfter, shielded,"
                + " TaskGroup.with) before it hands out a value, or open them around the driving code instead",
                "slept");
    }

    /**
     * The same for a {@code Loop.taskTimeout} the body called: its timer stayed armed while the body
     * was suspended, and raised its TaskTimeoutException in the driver's code (here a sleep no
     * timeout of the driver's surrounds). Now the hand-out is refused, naming the timeout, and the
     * driver's code runs on untouched; a taskTimeout around the driving code is fine.
     */
    @ParameterizedTest(name = "simulated={0}")
    @ValueSource(booleans = {false, true})
    void aBodyThatHandsOutAValueInsideATaskTimeoutItCalledIsRefusedThere(boolean simulated) {
        List<String> log = BothModes.run(simulated, () -> {
            List<String> l = new ArrayList<>();
            Monitor<String, String> m = new Monitor<>();
            Monitor.Run<String, String, String> run = m.start(() -> Loop.taskTimeout(Duration.ofMillis(10), () -> m.oob("x")));
            try {
                l.add("step " + run.next());
            } catch (IllegalStateException e) {
                l.add(e.getMessage());
            }
            Loop.sleep(Duration.ofMillis(20)); // past the body's timeout: nothing of the body's is left to raise it
            l.add("slept");
            Monitor.Run<String, String, String> around = m.start(() -> m.oob("y"));
            l.add("around: " + Loop.taskTimeout(Duration.ofSeconds(1), () -> around.next().oob()));
            l.add("then " + around.next().result());
            return l;
        });
        assertThat(log).containsExactly("Monitor.oob: the body handed out a value inside a Loop.taskTimeout(PT0.01S) it"
                + " called, whose TaskTimeoutException would be raised in the code that drives it: return from the"
                + " taskTimeout before the body hands out a value, or call it around the driving code instead",
                "slept", "around: y", "then null");
    }

    /**
     * A yield from a thread that is no task of the iterating run (here a thread of {@code Loop.toThread})
     * is refused: it would add to the generator's buffer while the iterating task reads it, unguarded.
     * Before, the value was buffered as a task's is, and the iteration took it.
     */
    @ParameterizedTest(name = "simulated={0}")
    @ValueSource(booleans = {false, true})
    void aYieldFromAThreadThatIsNoTaskOfTheRunIsRefused(boolean simulated) {
        List<String> log = BothModes.run(simulated, () -> {
            List<String> out = new ArrayList<>();
            try (Generator<Integer> numbers = Generator.of(g -> {
                g.yield(0);
                try {
                    Loop.toThread(() -> g.yield(1));
                } catch (IllegalStateException e) {
                    out.add(e.getMessage());
                }
                g.yield(2);
            })) {
                for (int n : numbers) {
                    out.add("got " + n);
                }
            }
            return out;
        });
        assertThat(log).hasSize(3);
        assertThat(log.get(0)).isEqualTo("got 0");
        assertThat(log.get(1)).startsWith("Generator.yield: called by thread '")
                .endsWith("', which is no task of the run that iterates the generator (task 'main' does): a value"
                        + " yielded from there would race with the iteration; yield from the body, or from a task"
                        + " of that run the body hands the generator to");
        assertThat(log.get(2)).isEqualTo("got 2");
    }
}
