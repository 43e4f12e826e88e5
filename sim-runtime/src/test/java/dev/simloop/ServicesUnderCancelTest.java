package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.sync.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The services when their caller is cancelled or their handler throws: nothing is lost, nothing is
 * left running, nothing is reported twice, and nothing is reported that did not happen.
 */
class ServicesUnderCancelTest {
    private static final Duration SECOND = Duration.ofSeconds(1);

    /** An opened resource whose close fails. */
    private record FailingClose(String name) implements AutoCloseable {
        @Override
        public void close() {
            throw new IllegalStateException("CLOSE BUG of " + name);
        }
    }

    @Test
    void aResourceGroupWhoseCallerIsCancelledThrowsTheFailureToCloseWhatHadOpened() {
        SimResult<String> r = Simulation.builder().seed(1).strategy(Strategy.fifo()).run(() -> {
            CancelScope.moveOnAfter(Duration.ofMillis(100), () -> ResourceGroup.open(List.<ThrowingSupplier<AutoCloseable>>of(
                    () -> {
                        Loop.sleep(Duration.ofMillis(10));
                        return new FailingClose("first");
                    },
                    () -> {
                        Loop.sleep(Duration.ofSeconds(10));
                        return new FailingClose("never");
                    })));
            return "the close failure was lost";
        });
        // the scope caught no Cancelled: the close failure went on, the cancel suppressed under it
        assertThat(r.failure()).isInstanceOf(IllegalStateException.class).hasMessage("CLOSE BUG of first");
        assertThat(r.failure().getSuppressed()).singleElement().isInstanceOf(Cancelled.class);
        assertThat(r.virtualTime()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void workersRunInALoopTerminateAndCloseWhenTheirCallerIsCancelled() {
        SimResult<List<String>> r = Simulation.builder().seed(1).strategy(Strategy.fifo()).run(() -> {
            List<String> log = new ArrayList<>();
            Optional<Object> v = CancelScope.moveOnAfter(SECOND, () -> {
                Workers.run(2, i -> () -> log.add("closed worker " + i + " at " + Loop.nanoTime()));
                return "workers ended";
            });
            log.add("moveOnAfter gave " + v + " at " + Loop.nanoTime());
            return log;
        });
        assertThat(r.failure()).isNull();
        assertThat(r.value()).containsExactlyInAnyOrder("closed worker 0 at 1000000000", "closed worker 1 at 1000000000",
                "moveOnAfter gave Optional.empty at 1000000000");
        assertThat(r.value().get(2)).startsWith("moveOnAfter gave");
    }

    /**
     * The caller is cancelled while one worker still starts: the worker that had started closed only
     * after Workers.run had thrown the Cancelled, and its closing failure was logged, not thrown.
     * Now it closes before the cancel goes on, and a closing failure goes first, as when the cancel
     * comes after all have started.
     */
    @Test
    void workersWhoseCallerIsCancelledWhileTheyStartCloseTheStartedOnesBeforeTheCancelGoesOn() {
        for (long seed = 0; seed < 4; seed++) {
            SimResult<List<String>> r = Simulation.run(seed, () -> {
                List<String> log = new ArrayList<>();
                Optional<Object> v = CancelScope.moveOnAfter(SECOND, () -> {
                    Workers.run(2, i -> {
                        if (i == 1) {
                            Loop.sleep(Duration.ofSeconds(10)); // still starting when the cancel comes
                        }
                        return () -> log.add("closed worker " + i + " at " + Loop.nanoTime());
                    });
                    return "workers ended";
                });
                log.add("moveOnAfter gave " + v + " at " + Loop.nanoTime());
                return log;
            });
            assertThat(r.failure()).as("seed %d", seed).isNull();
            assertThat(r.value()).as("seed %d", seed).containsExactly("closed worker 0 at 1000000000",
                    "moveOnAfter gave Optional.empty at 1000000000");

            SimResult<String> failing = Simulation.run(seed, () -> {
                CancelScope.moveOnAfter(SECOND, () -> {
                    Workers.run(2, i -> {
                        if (i == 1) {
                            Loop.sleep(Duration.ofSeconds(10));
                        }
                        return new FailingClose("worker " + i);
                    });
                    return "workers ended";
                });
                return "the close failure was lost";
            });
            assertThat(failing.failure()).as("seed %d", seed).isInstanceOf(IllegalStateException.class)
                    .hasMessage("CLOSE BUG of worker 0");
            assertThat(failing.failure().getSuppressed()).singleElement().isInstanceOf(Cancelled.class);
            assertThat(failing.virtualTime()).isEqualTo(SECOND);
        }
    }

    /**
     * An exception thrown into the caller of Workers.run (a Loop.taskTimeout that passes, a
     * Task.interrupt) ended the call and left the workers serving, with no handle to stop them: the
     * run ended in a deadlock that asked for Handle.stop(). They terminate and close first now, as
     * for a cancel of the caller, and the exception goes on.
     */
    @Test
    void workersRunInALoopTerminateAndCloseWhenAnExceptionIsThrownIntoTheirCaller() {
        for (long seed = 0; seed < 4; seed++) {
            SimResult<List<String>> r = Simulation.run(seed, () -> {
                List<String> log = new ArrayList<>();
                try {
                    Loop.taskTimeout(Duration.ofSeconds(5), () -> {
                        Workers.run(2, i -> () -> log.add("closed worker " + i + " at " + Loop.nanoTime()));
                        return "workers ended";
                    });
                } catch (TaskTimeoutException e) {
                    log.add("Workers.run threw " + e.getMessage() + " at " + Loop.nanoTime());
                }
                Task<?> caller = Loop.currentTask();
                Loop.rootGroup().spawn("interrupter", () -> {
                    Loop.sleep(SECOND);
                    caller.interrupt(new IllegalStateException("stop serving"));
                });
                try {
                    Workers.run(1, i -> new FailingClose("worker " + i));
                } catch (IllegalStateException e) {
                    log.add("Workers.run threw " + e.getMessage() + " with " + List.of(e.getSuppressed()));
                }
                return log;
            });
            assertThat(r.failure()).as("seed %d", seed).isNull();
            assertThat(r.value()).as("seed %d", seed).hasSize(4).containsExactlyInAnyOrder(
                    "closed worker 0 at 5000000000", "closed worker 1 at 5000000000",
                    "Workers.run threw Loop.taskTimeout: task 'main' ran past its timeout of 5s at 5000000000",
                    "Workers.run threw stop serving with [java.lang.IllegalStateException: CLOSE BUG of worker 0]");
            assertThat(r.value().get(2)).as("seed %d", seed).startsWith("Workers.run threw Loop.taskTimeout");
        }
    }

    /** The same while the workers start: those that had started close before Workers.start throws. */
    @Test
    void workersWhoseCallerTimesOutWhileTheyStartCloseTheStartedOnesBeforeTheTimeoutGoesOn() {
        for (long seed = 0; seed < 4; seed++) {
            SimResult<List<String>> r = Simulation.run(seed, () -> {
                List<String> log = new ArrayList<>();
                try {
                    Loop.taskTimeout(Duration.ofSeconds(5), () -> Workers.start(2, i -> {
                        if (i == 1) {
                            Loop.sleep(Duration.ofSeconds(10)); // still starting when the timeout passes
                        }
                        return () -> log.add("closed worker " + i + " at " + Loop.nanoTime());
                    }));
                } catch (TaskTimeoutException e) {
                    log.add("Workers.start threw " + e.getMessage() + " at " + Loop.nanoTime());
                }
                return log;
            });
            assertThat(r.failure()).as("seed %d", seed).isNull();
            assertThat(r.value()).as("seed %d", seed).containsExactly("closed worker 0 at 5000000000",
                    "Workers.start threw Loop.taskTimeout: task 'main' ran past its timeout of 5s at 5000000000");
        }
    }

    /**
     * A cancel of the root group (a signal, in real mode) cancels the caller of Workers.run and the
     * workers with it: the run ends with no value, as documented, and not with "task 'workers' was
     * cancelled" as the failure of the caller.
     */
    @ParameterizedTest
    @EnumSource(Modes.class)
    void workersRunInALoopEndWithTheRunWhenTheRootGroupIsCancelled(Modes mode) {
        List<String> log = Modes.log();
        Object v = mode.run(() -> {
            Loop.rootGroup().spawn("stopper", () -> {
                Loop.sleep(mode.units(3));
                Loop.rootGroup().cancel(); // what SIGINT or SIGTERM does
            });
            Workers.run(2, i -> () -> log.add("closed worker " + i));
            return "Workers.run returned";
        });
        assertThat(v).isNull();
        assertThat(log).containsExactlyInAnyOrder("closed worker 0", "closed worker 1");
    }

    @Test
    void aPersistentGroupWhoseOpenWasCancelledIsNoLeak() {
        SimResult<String> r = Simulation.builder().seed(1).strategy(Strategy.fifo()).checkLeaks(true).run(() -> {
            CancelScope.run(s -> {
                s.cancel();
                try {
                    PersistentTaskGroup.open("never-opened");
                    return "opened";
                } catch (Cancelled c) {
                    return "open was cancelled";
                }
            });
            return "main done";
        });
        assertThat(r.failure()).isNull();
        assertThat(r.value()).isEqualTo("main done");
    }

    /**
     * As for a cancelled open: a timeout that passes while PersistentTaskGroup.open waits (an
     * exception thrown into the caller) left the group open with no one to shut it down, and the
     * leak check blamed the program for not shutting it down.
     */
    @Test
    void aPersistentGroupWhoseOpenTimedOutIsShutDownAndNoLeak() {
        SimResult<String> r = Simulation.builder().seed(1).strategy(Strategy.fifo()).checkLeaks(true).run(() -> {
            try {
                Loop.taskTimeout(Duration.ZERO, () -> PersistentTaskGroup.open("never-opened"));
                return "opened";
            } catch (TaskTimeoutException e) {
                return "open timed out";
            }
        });
        assertThat(r.failure()).isNull();
        assertThat(r.value()).isEqualTo("open timed out");
    }

    /**
     * A cancel of the root group ends a persistent group's keeper as it ends the task that shuts the
     * group down in a finally. The leak was judged as the keeper ended, so on the schedules that ran
     * the keeper first (2 of these 20 seeds) a group shut down properly was reported as leaked. It is
     * judged at the end of the run now: a leak only when nothing shut the group down.
     */
    @Test
    void aPersistentGroupShutDownInAFinallyWhenTheRootGroupIsCancelledIsNoLeakOnAnySchedule() {
        for (long seed = 0; seed < 20; seed++) {
            SimResult<String> r = Simulation.builder().seed(seed).strategy(Strategy.random()).checkLeaks(true).run(() -> {
                PersistentTaskGroup g = PersistentTaskGroup.open("svc");
                try {
                    g.spawn("idle", () -> Loop.sleep(Duration.ofDays(1)));
                    Loop.rootGroup().cancel(); // what SIGINT or SIGTERM does
                    Loop.sleep(Duration.ofDays(1));
                } finally {
                    g.shutdown();
                }
                return "main done";
            });
            assertThat(r.failure()).as("seed %d", seed).isNull();
            assertThat(r.value()).as("seed %d", seed).isNull();

            SimResult<String> neverShutDown = Simulation.builder().seed(seed).strategy(Strategy.random()).checkLeaks(true)
                    .run(() -> {
                        PersistentTaskGroup.open("forgotten").spawn("idle", () -> Loop.sleep(Duration.ofDays(1)));
                        Loop.rootGroup().cancel();
                        return "main done";
                    });
            assertThat(neverShutDown.failure()).as("seed %d", seed).isInstanceOf(LeakDetected.class)
                    .hasMessageStartingWith("leak: persistent task group 'forgotten' was still open when its loop's work"
                            + " was done; it was shut down then: call shutdown() (or close()) when the service stops (step ");
        }
    }

    @Test
    void aHandlerThatThrowsDuringShutdownReachesTheCallerOfShutdownOnly() {
        SimResult<List<String>> r = Simulation.builder().seed(1).strategy(Strategy.fifo()).run(() -> {
            List<String> log = new ArrayList<>();
            PersistentTaskGroup g = PersistentTaskGroup.open("svc", (task, failure) -> {
                throw new UnsupportedOperationException("handler bug on " + task.name());
            });
            Event started = new Event();
            g.spawn("a", () -> {
                try {
                    started.set();
                    Loop.sleep(Duration.ofDays(1));
                } catch (Cancelled c) {
                    throw new IllegalStateException("a failed in its clean-up"); // as the group shuts down
                }
            });
            started.await();
            try {
                g.shutdown();
                log.add("shutdown returned");
            } catch (UnsupportedOperationException e) {
                log.add("caught from shutdown: " + e.getMessage());
            }
            return log;
        });
        assertThat(r.failure()).as("handled by the caller of shutdown: not reported again").isNull();
        assertThat(r.value()).containsExactly("caught from shutdown: handler bug on a");
    }

    /**
     * The caller of {@code shutdown()} leaves its wait early (a {@code Loop.taskTimeout} that passes
     * while a task's clean-up takes its time): a handler that then throws, as the group shuts down,
     * has no caller waiting for its failure, so it fails the loop's root group, as when nobody
     * called {@code shutdown()}. Before, the keeper kept it for that caller, who had gone: the
     * failure was lost and the run passed.
     */
    @ParameterizedTest
    @EnumSource(Modes.class)
    void aHandlerThatThrowsAfterTheCallerOfShutdownLeftItsWaitFailsTheRun(Modes mode) {
        List<String> log = Modes.log();
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> mode.run(() -> {
            PersistentTaskGroup g = PersistentTaskGroup.open("svc", (task, failure) -> {
                log.add("handled " + task.name() + ": " + failure.getMessage());
                throw new UnsupportedOperationException("handler bug on " + task.name());
            });
            Event started = new Event();
            g.spawn("slow", () -> {
                try {
                    started.set();
                    Loop.sleep(Modes.FOREVER);
                } finally {
                    CancelScope.shielded(() -> {
                        Loop.sleep(mode.units(2)); // a clean-up that takes its time
                        return null;
                    });
                    failInCleanUp();
                }
            });
            started.await();
            try {
                Loop.taskTimeout(mode.unit, () -> {
                    g.shutdown();
                    return null;
                });
                log.add("shutdown returned");
            } catch (TaskTimeoutException e) {
                log.add("shutdown timed out" + (mode.simulated() ? " at " + Loop.nanoTime() / 1_000_000_000 + "s" : ""));
            }
            Loop.sleep(mode.units(4));
            log.add("main returns");
            return "main done";
        }));
        assertThat(log).startsWith(mode.simulated() ? "shutdown timed out at 1s" : "shutdown timed out",
                "handled slow: slow failed in its clean-up");
        assertThat(t).as("the handler's failure, which no caller of shutdown() got").isInstanceOf(
                UnsupportedOperationException.class).hasMessage("handler bug on slow");
    }

    private static void failInCleanUp() {
        throw new IllegalStateException("slow failed in its clean-up");
    }

    /**
     * services.md's echo server, its accept() as a channel receive: the acceptor gets a connection
     * in the step that shuts the group down. Its spawn of the connection's task still works (the
     * task starts cancelled), so the connection is closed, on every seed; before, the spawn threw
     * and the connection was never closed.
     */
    @Test
    void aTaskOfAPersistentGroupMaySpawnWhileItShutsDownAndTheNewTaskStartsCancelled() {
        for (long seed = 0; seed < 6; seed++) {
            SimResult<List<String>> r = Simulation.builder().seed(seed).run(() -> {
                List<String> closed = new ArrayList<>();
                dev.simloop.sync.Channel<String> accepts = new dev.simloop.sync.Channel<>(1);
                PersistentTaskGroup conns = PersistentTaskGroup.open("worker-0");
                conns.spawn("acceptor", () -> {
                    for (;;) {
                        String c = accepts.receive();
                        conns.spawn("conn-" + c, () -> {
                            try {
                                Loop.sleep(Duration.ofDays(1)); // echo until the peer or the shutdown ends it
                            } finally {
                                closed.add(c);
                            }
                        });
                    }
                });
                accepts.send("c1");
                Loop.sleep(SECOND);
                accepts.send("c2");
                conns.shutdown();
                return closed;
            });
            assertThat(r.failure()).as("seed %d", seed).isNull();
            assertThat(r.value()).as("seed %d", seed).containsExactlyInAnyOrder("c1", "c2");
        }
    }

    /**
     * A rule broken in the step that aborts the run (a thread made outside simloop) while a sibling
     * still runs: the group's pending failure is the run's failure itself. Attaching it to itself
     * threw "Self-suppression not permitted" out of Simulation.run; the run now fails as documented.
     */
    @Test
    void aRunWhoseGroupWaitsToRethrowTheRunsOwnFailureReturnsItClearly() {
        SimResult<String> r = Simulation.run(0, () -> TaskGroup.with(g -> {
            g.spawn("sibling", () -> Loop.sleep(SECOND));
            Thread.ofVirtual().start(() -> { });
            return "ok";
        }));
        assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageContaining("created a thread the simulation does not own");
        assertThat(r.failure().getSuppressed()).doesNotContain(r.failure());
    }
}
