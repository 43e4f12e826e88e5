package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simloop.sync.Event;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Issue 17, item 1: aiotools' Supervisor (seed 001, "Supervisor"), in both modes. */
class SupervisorTest {

    @ParameterizedTest
    @EnumSource(Modes.class)
    @DisplayName("seed 001 Supervisor: a child's failure cancels neither its siblings nor the body; join rethrows it")
    void aFailureCancelsNothingAndStaysInItsTask(Modes mode) {
        List<String> log = Modes.log();
        List<String> handled = new ArrayList<>();
        String v = mode.run(() -> Supervisor.with((task, failure) -> handled.add(task.name()), sup -> {
            Event failed = new Event();
            Task<Void> bad = sup.spawn("bad", () -> {
                failed.set();
                throw new IllegalStateException("boom");
            });
            Task<String> good = sup.spawn("good", () -> {
                failed.await();
                Loop.sleep(mode.unit);
                log.add("good finished");
                return "ok";
            });
            failed.await();
            Loop.sleep(mode.units(2));
            log.add("body finished");
            assertThatThrownBy(bad::join).isInstanceOf(IllegalStateException.class).hasMessage("boom");
            assertThat(sup.failures()).extracting(Throwable::getMessage).containsExactly("boom");
            return good.join();
        }));
        assertThat(v).isEqualTo("ok");
        assertThat(log).containsExactly("good finished", "body finished");
        assertThat(handled).as("joined failures are not handed to the handler").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Modes.class)
    @DisplayName("seed 001 Supervisor: failures no one joined go to the handler at the end, in order (nothing lost)")
    void unjoinedFailuresGoToTheHandler(Modes mode) {
        List<String> handled = new ArrayList<>();
        mode.run(() -> Supervisor.with((task, failure) -> handled.add(task.name() + ": " + failure.getMessage()), sup -> {
            sup.spawn("first", () -> {
                throw new IllegalStateException("one");
            });
            sup.spawn("second", () -> {
                Loop.sleep(mode.unit);
                throw new java.io.IOException("two");
            });
            sup.spawn("fine", () -> "fine");
            return null;
        }));
        assertThat(handled).containsExactly("first: one", "second: checked exception thrown in task 'second': java.io.IOException: two");
    }

    @ParameterizedTest
    @EnumSource(Modes.class)
    @DisplayName("seed 001 Supervisor: the body's own failure still cancels the children and is rethrown")
    void theBodysFailureCancelsTheChildren(Modes mode) {
        List<String> log = Modes.log();
        assertThatThrownBy(() -> mode.run(() -> Supervisor.with(sup -> {
            sup.spawn("sleeper", () -> {
                try {
                    Loop.sleep(Modes.FOREVER);
                } catch (Cancelled c) {
                    log.add("sleeper cancelled: " + c.reason());
                    throw c;
                }
            });
            Loop.sleep(mode.unit);
            throw new IllegalArgumentException("body broke");
        }))).isInstanceOf(IllegalArgumentException.class).hasMessage("body broke");
        assertThat(log).containsExactly("sleeper cancelled: GROUP_FAILURE");
    }

    @ParameterizedTest
    @EnumSource(Modes.class)
    @DisplayName("seed 001 Supervisor: cancel() cancels the body and every task, and the supervisor ends normally")
    void cancelCancelsEverything(Modes mode) {
        List<String> log = Modes.log();
        Object v = mode.run(() -> Supervisor.with(sup -> {
            sup.spawn("a", () -> {
                try {
                    Loop.sleep(Modes.FOREVER);
                } catch (Cancelled c) {
                    log.add("a cancelled");
                    throw c;
                }
            });
            Loop.sleep(mode.unit);
            sup.cancel();
            assertThat(sup.isCancelled()).isTrue();
            Loop.sleep(mode.unit);
            log.add("body not cancelled");
            return "unreachable";
        }));
        assertThat(v).isNull();
        assertThat(log).containsExactly("a cancelled");
    }

    @ParameterizedTest
    @EnumSource(Modes.class)
    @DisplayName("seed 001 Supervisor: the default handler logs at WARNING and the run succeeds")
    void theDefaultHandlerLogs(Modes mode) {
        List<String> warnings = new ArrayList<>();
        TaskLogCapture.warnings(warnings, () -> {
            String v = mode.run(() -> Supervisor.with(sup -> {
                sup.spawn("lost", () -> {
                    throw new IllegalStateException("nobody joined me");
                });
                return "done";
            }));
            assertThat(v).isEqualTo("done");
        });
        assertThat(warnings).containsExactly("WARNING task 'main/lost' failed and no one joined it"
                + " [java.lang.IllegalStateException: nobody joined me]");
    }

    @ParameterizedTest
    @EnumSource(Modes.class)
    @DisplayName("the default handler logs 20 unjoined failures one by one and counts the rest by kind; a handler of one's own gets each")
    void manyUnjoinedFailuresAreCountedNotLoggedEachWithATrace(Modes mode) {
        List<String> warnings = new ArrayList<>();
        TaskLogCapture.warnings(warnings, () -> mode.run(() -> Supervisor.with(sup -> {
            for (int i = 0; i < 37; i++) {
                int k = i;
                Task<?> t = sup.spawn(k < 30 ? "w" + k : "a" + (k - 30), () -> {
                    throw k < 30 ? new IllegalStateException("boom " + k) : new ArithmeticException("zero " + (k - 30));
                });
                while (!t.isDone()) { // they fail in the order spawned, so the log's order is known
                    Loop.checkpoint();
                }
            }
            Task<?> joined = sup.spawn("joined", () -> {
                throw new IllegalArgumentException("seen");
            });
            assertThatThrownBy(joined::join).isInstanceOf(IllegalArgumentException.class);
            return null;
        })));
        assertThat(warnings).hasSize(21);
        assertThat(warnings.get(0)).isEqualTo("WARNING task 'main/w0' failed and no one joined it"
                + " [java.lang.IllegalStateException: boom 0]");
        assertThat(warnings.get(19)).isEqualTo("WARNING task 'main/w19' failed and no one joined it"
                + " [java.lang.IllegalStateException: boom 19]");
        assertThat(warnings.get(20)).isEqualTo("WARNING 17 more tasks failed and no one joined them (the first 20 were"
                + " logged one by one, above; each failure stays in its task, which join() rethrows, and a Supervisor"
                + " given a FailureHandler hands it every one): 10 × java.lang.IllegalStateException (first: task"
                + " 'main/w20': boom 20); 7 × java.lang.ArithmeticException (first: task 'main/a0': zero 0)");

        List<String> handled = new ArrayList<>();
        mode.run(() -> Supervisor.with((task, failure) -> handled.add(task.name()), sup -> {
            for (int i = 0; i < 30; i++) {
                sup.spawn("w" + i, () -> {
                    throw new IllegalStateException("boom");
                });
            }
            return null;
        }));
        assertThat(handled).containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.range(0, 30).mapToObj(i -> "w" + i).toList());
    }

    /** A supervisor kept past its end refuses work naming the calls made (they named TaskGroup's, never called). */
    @org.junit.jupiter.api.Test
    void aSupervisorKeptPastItsEndRefusesWorkNamingTheCallsMade() {
        SimResult<String> r = Simulation.run(1, () -> {
            Supervisor[] kept = new Supervisor[1];
            Supervisor.with(sup -> {
                kept[0] = sup;
                return null;
            });
            assertThatThrownBy(() -> kept[0].spawn("late", () -> "x")).isInstanceOf(IllegalStateException.class)
                    .hasMessage("Supervisor.spawn: the task group has finished (its body and all its tasks are done);"
                            + " spawn only while the body runs or while the group waits for its tasks");
            assertThatThrownBy(() -> kept[0].spawn("late", () -> { })).isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("Supervisor.spawn: the task group has finished");
            assertThatThrownBy(() -> Loop.toThread(() -> {
                kept[0].cancel();
                return null;
            })).isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("Supervisor.cancel must be called from a simloop task");
            return "refused";
        });
        assertThat(r.failure()).isNull();
        assertThat(r.value()).isEqualTo("refused");
    }

    /** A handler that throws does not hide the failure it was handed: it comes along, as the cause of a suppressed note. */
    @ParameterizedTest
    @EnumSource(Modes.class)
    void aFailureHandlerThatThrowsKeepsTheFailureItWasHanded(Modes mode) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> mode.run(() -> Supervisor.with(
                (t, f) -> {
                    throw new IllegalStateException("handler boom");
                },
                sup -> {
                    sup.spawn("x", () -> {
                        throw new RuntimeException("child");
                    });
                    return "ok";
                })));
        assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessage("handler boom");
        assertThat(thrown.getSuppressed()).singleElement().satisfies(note -> {
            assertThat(note).hasMessage("the FailureHandler threw this while it handled the failure of task 'x',"
                    + " attached as this exception's cause");
            assertThat(note.getCause()).isInstanceOf(RuntimeException.class).hasMessage("child");
        });
    }
}
