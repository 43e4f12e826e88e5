package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Issue 17, item 4: aiotools' actxgroup (seed 001, "Async Context Manager" groups), in both modes. */
class ResourceGroupTest {

    record Res(String name, List<String> log) implements AutoCloseable {
        @Override
        public void close() throws java.io.IOException {
            Loop.sleep(java.time.Duration.ofMillis(10));
            log.add("closed " + name);
            if (name.startsWith("bad-close")) {
                throw new java.io.IOException("cannot close " + name);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Modes.class)
    @DisplayName("seed 001 actxgroup: all opened concurrently, values in order, all closed on exit")
    void opensAndClosesAll(Modes mode) {
        List<String> log = Modes.log();
        long elapsed = mode.run(() -> {
            long t0 = Loop.nanoTime();
            try (ResourceGroup<Res> g = ResourceGroup.open(List.of(
                    () -> {
                        Loop.sleep(mode.units(2));
                        return new Res("a", log);
                    },
                    () -> {
                        Loop.sleep(mode.unit);
                        return new Res("b", log);
                    }))) {
                assertThat(g.values()).extracting(Res::name).containsExactly("a", "b");
                log.add("using");
            }
            return Loop.nanoTime() - t0;
        });
        assertThat(log).hasSize(3).first().isEqualTo("using");
        assertThat(log).containsExactlyInAnyOrder("using", "closed a", "closed b");
        if (mode.simulated()) {
            assertThat(elapsed).as("opened concurrently: 2s, closed concurrently: 10ms").isEqualTo(2_010_000_000L);
        }
    }

    /**
     * Guards that a second {@code close} (another task's, cancelled or not) returns only once every
     * resource is closed: it returned at once while the first still closed them, and its caller went
     * on as if they were; the closing failure goes to the first call only, and a call after both
     * returns at once.
     */
    @ParameterizedTest
    @EnumSource(Modes.class)
    @DisplayName("a close while another task's close is closing the resources waits until they are closed")
    void aSecondCloseWaitsForTheFirst(Modes mode) {
        List<String> log = Modes.log();
        List<Object> seen = mode.run(() -> {
            ResourceGroup<Res> g = ResourceGroup.open(List.of(() -> new Res("a", log), () -> new Res("bad-close-b", log)));
            long t0 = Loop.nanoTime();
            List<Object> out = new java.util.ArrayList<>();
            ThrowingRunnable closeAndSay = () -> {
                try {
                    g.close();
                    out.add("returned after " + new java.util.TreeSet<>(log));
                } catch (TaskFailedException e) {
                    out.add("failed: " + e.getCause().getMessage());
                }
                out.add(Loop.nanoTime() - t0);
            };
            TaskGroup.with(tg -> {
                tg.spawn("one", closeAndSay);
                tg.spawn("cancelled", () -> CancelScope.run(s -> {
                    s.cancel(); // a cancelled caller still waits for the resources: the closes are shielded
                    closeAndSay.run();
                    return null;
                }));
                return null;
            });
            g.close(); // after both: at once, without the failure
            out.add(Loop.nanoTime() - t0);
            return out;
        });
        assertThat(seen).filteredOn(String.class::isInstance).as("whichever called first gets the failure")
                .containsExactlyInAnyOrder("failed: cannot close bad-close-b", "returned after [closed a, closed bad-close-b]");
        if (mode.simulated()) {
            assertThat(seen).filteredOn(Long.class::isInstance).as("both waited for the 10 ms closes; the last call none")
                    .containsExactly(10_000_000L, 10_000_000L, 10_000_000L);
        }
    }

    /**
     * A group kept past its run and closed from a task of a later run closed its resources in that
     * run's loop, where a task group, an executor or a Workers handle of another loop refuse: it is
     * refused too, naming the ended run, and nothing is closed.
     */
    @Test
    void aCloseFromATaskOfALaterRunIsRefusedAndClosesNothing() {
        List<String> closed = new java.util.ArrayList<>();
        List<ResourceGroup<AutoCloseable>> kept = new java.util.ArrayList<>();
        Simulation.run(1, () -> {
            kept.add(ResourceGroup.open(List.of(() -> () -> closed.add("a"))));
            return null;
        }).value();
        SimResult<String> r = Simulation.run(2, () -> {
            try {
                kept.get(0).close();
                return "closed";
            } catch (IllegalStateException e) {
                return e.getMessage();
            }
        });
        assertThat(r.value()).isEqualTo("ResourceGroup.close: this resource group belongs to another loop, whose run"
                + " has ended, than the calling task 'main'; use it from its own loop's tasks only (keep no task, group"
                + " or scope of a run, in a static field or a test fixture, for later runs)");
        assertThat(closed).isEmpty();
    }

    /**
     * When a run is aborted (here a deadlock) while a task waits in ResourceGroup.close for a close
     * that has not ended, the close's wait lets the unwinding pass. It took what unwound it for an
     * exception thrown into the wait (a timeout, an interrupt) and waited again, which threw at once:
     * the task spun on the driver, the run returned only when the watchdog gave up on it
     * (maxStepWallTime later, a LimitExceeded saying the task did not end while the run unwound it),
     * and the driver went on spinning for ever after the run had returned.
     */
    @Test
    void aCloseWaitingWhenTheRunIsAbortedUnwinds() {
        List<String> unwound = new java.util.concurrent.CopyOnWriteArrayList<>();
        SimResult<String> r = Simulation.run(1, () -> {
            List<ResourceGroup<AutoCloseable>> self = new java.util.ArrayList<>();
            ResourceGroup<AutoCloseable> g = ResourceGroup.open(List.of(() -> () -> {
                try {
                    self.get(0).close();
                } finally {
                    unwound.add("close-0");
                }
            }));
            self.add(g);
            try {
                g.close();
            } finally {
                unwound.add("main");
            }
            return "closed";
        });
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class);
        assertThat(r.failure().getSuppressed()).isEmpty();
        assertThat(unwound).containsExactlyInAnyOrder("close-0", "main");
    }

    /**
     * A resource whose close closes its own group waits for the group's close, which waits for it.
     * The deadlock report said the task waited for "Event (not set, 1 waiting)", which names no
     * call the program made; it names ResourceGroup.close and the way out now.
     */
    @Test
    void aCloseThatWaitsForItselfIsReportedAsWaitingForTheGroupsClose() {
        SimResult<String> r = Simulation.run(1, () -> {
            List<ResourceGroup<AutoCloseable>> self = new java.util.ArrayList<>();
            ResourceGroup<AutoCloseable> g = ResourceGroup.open(List.of(() -> () -> self.get(0).close()));
            self.add(g);
            g.close();
            return "closed";
        });
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class).hasMessageContaining("task 'close-0' waits for"
                + " Event 'the end of the first ResourceGroup.close(), which waits for every resource's close (one that"
                + " closes its own group waits for itself: close it from outside its resources)' (not set, 1 waiting)");
    }

    @ParameterizedTest
    @EnumSource(Modes.class)
    @DisplayName("seed 001 actxgroup: when one open fails, the opened ones are closed and the failure thrown")
    void aFailedOpenClosesTheOthers(Modes mode) {
        List<String> log = Modes.log();
        assertThatThrownBy(() -> mode.run(() -> ResourceGroup.open(List.of(
                () -> new Res("bad-close-x", log),
                () -> {
                    Loop.sleep(mode.unit);
                    throw new IllegalStateException("cannot open y");
                },
                () -> {
                    Loop.sleep(Modes.FOREVER);
                    return new Res("never", log);
                }))))
                .isInstanceOf(IllegalStateException.class).hasMessage("cannot open y")
                .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage)
                        .containsExactly("checked exception thrown in task 'close-0': java.io.IOException: cannot close bad-close-x"));
        assertThat(log).containsExactly("closed bad-close-x");
    }

    @ParameterizedTest
    @EnumSource(Modes.class)
    @DisplayName("seed 001 actxgroup: close closes every resource even when some fail, first failure thrown")
    void closeFailures(Modes mode) {
        List<String> log = Modes.log();
        assertThatThrownBy(() -> mode.run(() -> {
            ResourceGroup<Res> g = ResourceGroup.open(List.of(() -> new Res("bad-close-1", log), () -> new Res("ok", log),
                    () -> new Res("bad-close-2", log)));
            g.close();
            return null;
        })).isInstanceOf(TaskFailedException.class).hasMessageContaining("cannot close bad-close-")
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
        assertThat(log).containsExactlyInAnyOrder("closed bad-close-1", "closed ok", "closed bad-close-2");
    }

    /** A close that throws an Error neither cancels the others' closes nor hides what they throw. */
    @ParameterizedTest
    @EnumSource(Modes.class)
    void anErrorFromOneCloseStillClosesTheOthers(Modes mode) {
        List<String> closed = new java.util.concurrent.CopyOnWriteArrayList<>();
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> mode.run(() -> {
            ResourceGroup<AutoCloseable> g = ResourceGroup.open(List.of(
                    () -> () -> {
                        throw new AssertionError("close 0 failed");
                    },
                    () -> () -> {
                        Loop.sleep(mode.units(1)); // flushes first
                        closed.add("1");
                    },
                    () -> () -> {
                        Loop.checkpoint();
                        closed.add("2");
                        throw new IllegalStateException("close 2 failed");
                    }));
            g.close();
            return null;
        }));
        assertThat(closed).containsExactlyInAnyOrder("1", "2");
        assertThat(t).isInstanceOf(AssertionError.class).hasMessage("close 0 failed");
        assertThat(t.getSuppressed()).extracting(Throwable::getMessage).containsExactly("close 2 failed");
    }

    /**
     * A close refused for its caller (work offloaded with Loop.toThread) named CancelScope.shielded,
     * and it had already marked the group closed: the task's own close then closed nothing.
     */
    @ParameterizedTest
    @EnumSource(Modes.class)
    void aCloseFromOutsideTheLoopIsRefusedNamingItselfAndLeavesTheResourcesToATasksClose(Modes mode) {
        List<String> log = Modes.log();
        long elapsed = mode.run(() -> {
            ResourceGroup<Res> g = ResourceGroup.open(List.of(() -> new Res("a", log), () -> new Res("b", log)));
            assertThatThrownBy(() -> Loop.toThread(() -> {
                g.close();
                return null;
            })).isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("ResourceGroup.close must be called from a simloop task");
            long t0 = Loop.nanoTime();
            g.close();
            log.add("close returned");
            return Loop.nanoTime() - t0;
        });
        assertThat(log).hasSize(3).last().isEqualTo("close returned");
        assertThat(log).containsExactlyInAnyOrder("closed a", "closed b", "close returned");
        if (mode.simulated()) {
            assertThat(elapsed).as("closed concurrently: 10ms").isEqualTo(10_000_000L);
        }
    }

    @org.junit.jupiter.api.Test
    void openOutsideALoopNamesItself() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ResourceGroup.open(List.of(() -> () -> { })))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("ResourceGroup.open must be called from a simloop task");
    }

    /**
     * An exception thrown into the closing caller (a task timeout that passes, an interrupt) used to
     * end the shielded wait as a failure of the closing group's body: the group cancelled the closes
     * midway, none of them finished, their outcomes were lost, and a second close() returned as if
     * all were closed. The closes now run to their end, and the exception is thrown after them, the
     * closing failure suppressed.
     */
    @ParameterizedTest
    @EnumSource(Modes.class)
    void anExceptionThrownIntoTheCloseDoesNotCutItShort(Modes mode) {
        List<String> log = Modes.log();
        List<String> outcome = mode.run(() -> {
            List<String> seen = new java.util.ArrayList<>();
            ResourceGroup<Res> g = ResourceGroup.open(List.of(() -> new Res("a", log), () -> new Res("bad-close-b", log)));
            try {
                Loop.taskTimeout(mode.unit.dividedBy(1000), () -> {
                    g.close();
                    return null;
                });
                seen.add("close returned");
            } catch (TaskTimeoutException e) {
                seen.add("timed out, suppressed: " + java.util.Arrays.stream(e.getSuppressed()).map(Throwable::getMessage).toList());
            }
            dev.simloop.sync.Event mayClose = new dev.simloop.sync.Event();
            boolean[] closing = {false};
            TaskGroup.with(tg -> {
                Task<Void> closer = tg.spawn("closer", () -> {
                    ResourceGroup<AutoCloseable> h = ResourceGroup.open(List.of(() -> () -> {
                        mayClose.await(); // until the interrupt has come
                        log.add("closed c");
                    }));
                    closing[0] = true;
                    try {
                        h.close();
                    } catch (IllegalStateException e) {
                        seen.add("interrupted: " + e.getMessage());
                    }
                });
                while (!closing[0] || !closer.isBlocked()) {
                    Loop.checkpoint();
                }
                closer.interrupt(new IllegalStateException("stop")); // the closer takes it, and waits on
                seen.add("closer done after the interrupt: " + closer.isDone());
                mayClose.set();
                return null;
            });
            return seen;
        });
        assertThat(log).containsExactlyInAnyOrder("closed a", "closed bad-close-b", "closed c");
        assertThat(outcome).containsExactly(
                "timed out, suppressed: [checked exception thrown in task 'close-1': java.io.IOException: cannot close bad-close-b]",
                "closer done after the interrupt: false", "interrupted: stop");
    }
}
