package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Issue 2, section 2: {@code Loop.toThread} in real and simulated mode. */
class ToThreadTest {

    @ParameterizedTest
    @EnumSource(Modes.class)
    void returnsTheWorksValueComputedOnAPlatformThread(Modes mode) {
        AtomicReference<Thread> worker = new AtomicReference<>();
        String v = mode.run(() -> {
            String r = Loop.toThread(() -> {
                worker.set(Thread.currentThread());
                Thread.sleep(20); // real blocking is fine here
                return "computed on " + (Thread.currentThread().isVirtual() ? "virtual" : "platform") + ", in loop "
                        + Loop.inLoop();
            });
            return r + (mode.simulated() ? " at " + Loop.nanoTime() : "");
        });
        assertThat(v).isEqualTo("computed on platform, in loop false" + (mode.simulated() ? " at 0" : ""));
        assertThat(worker.get().getName()).startsWith("simloop-offload-");
    }

    /**
     * {@code Loop.toThread} is a checkpoint: in a scope cancelled before the call it raises
     * {@code Cancelled} without starting the work, so no side effect of the work happens and no
     * thread runs it. (Starting the work first, the call still raised, but the work ran on.)
     */
    @ParameterizedTest
    @EnumSource(Modes.class)
    void aCallInAScopeCancelledBeforeRaisesWithoutStartingTheWork(Modes mode) {
        AtomicReference<String> ran = new AtomicReference<>("not started");
        String v = mode.run(() -> {
            CancelScope.run(scope -> {
                scope.cancel();
                return Loop.toThread(() -> {
                    ran.set("started");
                    return null;
                });
            });
            return "returned";
        });
        assertThat(v).isEqualTo("returned");
        // a simulation waits for work it started before its run ends
        assertThat(ran.get()).isEqualTo("not started");
    }

    @ParameterizedTest
    @EnumSource(Modes.class)
    void failuresAreRethrownUncheckedUnchangedAndCheckedWrapped(Modes mode) {
        IllegalStateException unchecked = new IllegalStateException("work broke");
        List<Throwable> seen = mode.run(() -> List.of(
                catchThrowable(() -> Loop.toThread(() -> {
                    throw unchecked;
                })),
                catchThrowable(() -> Loop.toThread(() -> {
                    throw new IOException("io broke");
                })),
                catchThrowable(() -> Loop.toThread(() -> {
                    throw new OutOfMemoryError("pretend");
                }))));
        assertThat(seen.get(0)).isSameAs(unchecked);
        assertThat(seen.get(1)).isInstanceOf(TaskFailedException.class).hasMessageContaining("'main'")
                .hasCauseInstanceOf(IOException.class);
        assertThat(seen.get(2)).isInstanceOf(OutOfMemoryError.class).hasMessage("pretend");
    }

    /** A throwable of its own, neither an Exception nor an Error, as code that throws sneakily can raise. */
    private static final class OwnThrowable extends Throwable {
        private static final long serialVersionUID = 1L;

        OwnThrowable(String message) {
            super(message);
        }
    }

    @SuppressWarnings("unchecked") // the cast is what lets a checked Throwable through: nothing is converted
    private static <E extends Throwable> void throwSneakily(Throwable t) throws E {
        throw (E) t;
    }

    /** Before, such a failure was dropped and Loop.toThread returned null as if the work had returned it. */
    @ParameterizedTest
    @EnumSource(Modes.class)
    void aThrowableThatIsNeitherAnExceptionNorAnErrorIsRethrownWrappedNotLost(Modes mode) {
        OwnThrowable own = new OwnThrowable("own broke");
        Throwable seen = mode.run(() -> catchThrowable(() -> Loop.toThread(() -> {
            throwSneakily(own);
            return "never";
        })));
        assertThat(seen).isInstanceOf(TaskFailedException.class).hasMessageContaining("'main'").hasCause(own);
    }

    @Test
    void inRealModeCancellationAbandonsTheWaitButNotTheWork() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch workDone = new CountDownLatch(1);
        List<String> log = Modes.log();
        long t0 = System.nanoTime();
        Optional<String> r = Loop.run(() -> {
            Optional<String> o = CancelScope.moveOnAfter(Duration.ofMillis(50), () -> Loop.toThread(() -> {
                release.await();
                log.add("work finished");
                workDone.countDown();
                return "late";
            }));
            log.add("moved on");
            return o;
        });
        long waited = System.nanoTime() - t0;
        assertThat(r).isEmpty();
        assertThat(log).containsExactly("moved on"); // the loop did not wait for the work
        assertThat(Duration.ofNanos(waited)).isLessThan(Duration.ofSeconds(20));
        release.countDown();
        assertThat(workDone.await(10, TimeUnit.SECONDS)).isTrue(); // the work itself ran to completion
        assertThat(log).containsExactly("moved on", "work finished");
    }

    @Test
    void inASimulationNoVirtualTimePassesAndNothingElseRunsWhileTheWorkRuns() {
        for (long seed = 0; seed < 10; seed++) {
            java.util.concurrent.atomic.AtomicBoolean working = new java.util.concurrent.atomic.AtomicBoolean();
            SimResult<List<String>> r = Simulation.run(seed, () -> {
                List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
                TaskGroup.with(tg -> {
                    tg.spawn("other", () -> {
                        for (int i = 0; i < 3; i++) {
                            log.add("other ran at " + Loop.nanoTime() + " while work runs: " + working.get());
                            Loop.checkpoint();
                        }
                    });
                    Optional<String> o = CancelScope.moveOnAfter(Duration.ofNanos(1), () -> Loop.toThread(() -> {
                        working.set(true);
                        Thread.sleep(30); // real time passes; virtual time does not
                        working.set(false);
                        return "value";
                    }));
                    log.add("toThread " + o.orElse("timed out") + " at " + Loop.nanoTime());
                    return null;
                });
                return log;
            });
            assertThat(r.value()).as("seed %d", seed).hasSize(4).contains("toThread value at 0")
                    .containsOnly("toThread value at 0", "other ran at 0 while work runs: false");
        }
    }

    @Test
    void replayOfAProgramWithOffloadedWorkIsExact() {
        ThrowingSupplier<Integer> program = () -> TaskGroup.with(tg -> {
            int[] sum = {0};
            for (int i = 0; i < 4; i++) {
                int k = i;
                tg.spawn(() -> {
                    int v = Loop.toThread(() -> k * 10);
                    Loop.checkpoint();
                    sum[0] += v;
                });
            }
            return null;
        });
        for (long seed = 0; seed < 20; seed++) {
            SimResult<Integer> a = Simulation.run(seed, program);
            SimResult<Integer> b = Simulation.builder().replay(a.replayLine()).run(program);
            assertThat(b.traceDigest()).isEqualTo(a.traceDigest());
            assertThat(b.failed()).isFalse();
        }
    }

    /**
     * Offloaded work that completes a future and counts a latch down, each waited on by a task parked
     * outside simloop: the loop's own work woke them, while nothing else ran, so the run is the seed's,
     * not a wake-up from a thread the simulation does not own. Before, every run failed saying so, and
     * advised the Loop.toThread call that made it.
     */
    @Test
    void tasksWokenByOffloadedWorkAreReadyInTheOrderTheWorkWokeThem() {
        ThrowingSupplier<String> program = () -> {
            java.util.concurrent.CompletableFuture<String> value = new java.util.concurrent.CompletableFuture<>();
            CountDownLatch done = new CountDownLatch(1);
            List<String> log = new java.util.ArrayList<>();
            TaskGroup.with(tg -> {
                tg.spawn("reader", () -> log.add("reader got " + value.get()));
                tg.spawn("waiter", () -> {
                    done.await();
                    log.add("waiter");
                });
                tg.spawn("other", () -> {
                    Loop.checkpoint();
                    log.add("other");
                    Loop.checkpoint();
                });
                tg.spawn("offloader", () -> {
                    Loop.checkpoint();
                    Loop.toThread(() -> {
                        value.complete("x");
                        done.countDown();
                        Thread.sleep(2); // the work goes on after waking them: the wake-ups came before its result
                        return 0;
                    });
                    log.add("offloader");
                });
                return null;
            });
            return String.join(", ", log);
        };
        java.util.Set<String> orders = new java.util.TreeSet<>();
        for (Strategy s : List.of(Strategy.fifo(), Strategy.random(), Strategy.pct(3), Strategy.pos())) {
            for (long seed = 0; seed < 8; seed++) {
                SimResult<String> r = Simulation.builder().seed(seed).strategy(s).run(program);
                assertThat(r.failed()).as(s + " seed " + seed + ": " + r.failure()).isFalse();
                SimResult<String> again = Simulation.builder().replay(r.replayLine()).run(program);
                assertThat(again.value()).isEqualTo(r.value());
                assertThat(again.traceDigest()).isEqualTo(r.traceDigest());
                orders.add(r.value());
            }
        }
        assertThat(orders).allMatch(o -> o.contains("reader got x") && o.contains("waiter") && o.contains("offloader"))
                .hasSizeGreaterThan(1);
        assertThat(Simulation.builder().seed(0).strategy(Strategy.fifo()).run(program).value())
                .isEqualTo("other, reader got x, waiter, offloader");
    }

    /**
     * Offloaded work that interrupts its caller (or unparks it) finds the caller waiting for it in
     * every run: the work starts once the caller's step has ended. Before, it started at once, and an
     * interrupt that came while the caller was still on its way to its wait cancelled it inside that
     * step, one that came after in a step of its own: the same seed gave two traces, by real timing.
     */
    @Test
    void workThatInterruptsItsCallerEndsTheSameWayInEveryRunOfTheSeed() {
        SimResult<String> onceWaiting = Simulation.run(0, interruptsItsCaller(true));
        assertThat(onceWaiting.failure()).isInstanceOf(TaskCancelledException.class)
                .hasMessage("task 'main' was cancelled");
        assertThat(onceWaiting.failure().getCause()).hasMessageContaining("the task's thread was interrupted");
        for (int run = 0; run < 30; run++) {
            SimResult<String> atOnce = Simulation.run(0, interruptsItsCaller(false));
            assertThat(atOnce.failure()).as("run %d", run).isInstanceOf(TaskCancelledException.class);
            assertThat(atOnce.traceDigest()).as("run %d", run).isEqualTo(onceWaiting.traceDigest());
        }
    }

    /**
     * A caller that carries an interrupt into the call is cancelled as its wait begins, in its own
     * step, before the work has started: so the work never starts, in every run.
     */
    @Test
    void inASimulationACallerThatCarriesAnInterruptInIsCancelledBeforeTheWorkStarts() {
        java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
        SimResult<String> r = Simulation.run(0, () -> {
            Thread.currentThread().interrupt();
            try {
                return Loop.toThread(() -> {
                    started.set(true);
                    return "work";
                });
            } catch (Cancelled c) {
                return "cancelled: " + c.getMessage();
            }
        });
        assertThat(r.value()).startsWith("cancelled: ").contains("interrupted");
        assertThat(started).isFalse();
    }

    /**
     * A program whose offloaded work interrupts the task that called it, at once or once that task is
     * seen waiting (when it surely is), while another task sleeps.
     */
    private static ThrowingSupplier<String> interruptsItsCaller(boolean onceWaiting) {
        return () -> {
            Thread caller = Thread.currentThread();
            TaskGroup.with(tg -> {
                tg.spawn("other", () -> Loop.sleep(java.time.Duration.ofMillis(1)));
                Loop.toThread(() -> {
                    while (onceWaiting && caller.getState() != Thread.State.WAITING) {
                        Thread.onSpinWait();
                    }
                    caller.interrupt();
                    Thread.sleep(5); // the interrupt comes well before the work's result
                    return "work";
                });
                return null;
            });
            return "not cancelled";
        };
    }

    /** Before, the message said only that the offload thread is not a task, not that toThread's work may not call the loop. */
    @Test
    void aLoopCallFromOffloadedWorkSaysSuchWorkMayNotCallTheLoop() {
        SimResult<Throwable> r = Simulation.run(1, () -> Loop.toThread(() -> {
            try {
                Loop.sleep(java.time.Duration.ofSeconds(1));
                return null;
            } catch (IllegalStateException e) {
                return e;
            }
        }));
        assertThat(r.value()).hasMessageStartingWith("Loop.sleep must be called from a simloop task, but it was called"
                + " from work offloaded with Loop.toThread, which runs on ").hasMessageEndingWith(", outside the loop,"
                + " while its task waits for it: such work may not call the loop (no sleeps, locks or spawns). Return"
                + " what it computed, and act on it in the task that called Loop.toThread.");
    }
}
