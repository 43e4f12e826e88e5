package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The thread that calls {@code Simulation.run} and the driver that runs it: a run's loop is made on
 * the driver (issue 15: the caller's freshly made objects would each cross to the driver's core),
 * so what the caller used to check and tell the loop itself must still reach it.
 */
class SimulationCallerTest {

    /** Never ends by itself: only a stop ends it. */
    private static final ThrowingSupplier<Integer> FOREVER = () -> {
        for (;;) {
            Loop.checkpoint();
        }
    };

    @Test
    void aTaskThatCallsSimulationRunIsToldOnItsOwnThread() {
        AtomicReference<Thread> where = new AtomicReference<>();
        SimResult<Object> r = Simulation.run(1, () -> {
            try {
                return Simulation.run(2, () -> 1);
            } catch (IllegalStateException e) {
                where.set(Thread.currentThread());
                throw e;
            }
        });

        assertThat(r.failure()).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Simulation.run cannot be called from inside simloop task 'main': a loop cannot run"
                        + " inside another loop's task. Use a TaskGroup to run concurrent work in the current loop.");
        assertThat(where.get()).as("caught by the task that called").isNotNull();
        assertThat(where.get().isVirtual()).as("a task's thread").isTrue();
        assertThat(r.failure().getStackTrace()[0].getClassName())
                .as("thrown by the check on the caller's side, not by a driver").isEqualTo("dev.simloop.internal.Current");
    }

    @Test
    void anInterruptWhileTheRunRunsStopsIt() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        AtomicReference<SimResult<Integer>> result = new AtomicReference<>();
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            result.set(Simulation.builder().seed(3).maxSteps(Long.MAX_VALUE).run(() -> {
                running.countDown();
                return FOREVER.get();
            }));
            interruptedAfter.set(Thread.currentThread().isInterrupted());
        }, "simulation-caller");
        caller.start();
        assertThat(running.await(60, TimeUnit.SECONDS)).as("the run started").isTrue();
        caller.interrupt();
        caller.join(TimeUnit.SECONDS.toMillis(60));

        assertThat(caller.isAlive()).as("run() returned").isFalse();
        assertStoppedByTheInterrupt(result.get());
        assertThat(interruptedAfter.get()).as("the caller's interrupt status is set again").isTrue();
    }

    @Test
    void aCallerInterruptedBeforeItCallsStopsItsRunToo() throws Exception {
        AtomicReference<SimResult<Integer>> result = new AtomicReference<>();
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            Thread.currentThread().interrupt(); // before the driver has made the run's loop
            result.set(Simulation.builder().seed(4).maxSteps(Long.MAX_VALUE).run(FOREVER));
            interruptedAfter.set(Thread.currentThread().isInterrupted());
        }, "interrupted-caller");
        caller.start();
        caller.join(TimeUnit.SECONDS.toMillis(60));

        assertThat(caller.isAlive()).as("run() returned").isFalse();
        assertStoppedByTheInterrupt(result.get());
        assertThat(interruptedAfter.get()).as("the caller's interrupt status is set again").isTrue();
    }

    /**
     * An interrupt that came before the call stops even a short run, before its first step, every
     * time; an exploration stops after its first schedule. Before, a run that ended while the caller
     * still spun for it went on as if nothing had come (190 of 200 short runs), and an exploration
     * ran hundreds of schedules.
     */
    @Test
    void aCallerInterruptedBeforeItCallsStopsEvenAShortRunEveryTime() throws Exception {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread caller = new Thread(() -> {
            for (int i = 0; i < 50; i++) {
                Thread.currentThread().interrupt();
                SimResult<String> r = Simulation.run(i, () -> {
                    Loop.sleep(java.time.Duration.ofMillis(1));
                    return "x";
                });
                seen.add(r.steps() + " " + (r.failure() == null ? "passed" : r.failure().getClass().getSimpleName())
                        + " " + Thread.interrupted());
            }
            Thread.currentThread().interrupt();
            var report = Exploration.of(() -> 1).schedules(1_000).run();
            seen.add(report.schedulesRun() + " " + report.stopReason() + " " + Thread.interrupted());
        }, "interrupted-caller");
        caller.start();
        caller.join(TimeUnit.SECONDS.toMillis(60));
        assertThat(seen).hasSize(51);
        assertThat(seen.subList(0, 50)).containsOnly("0 LimitExceeded true");
        assertThat(seen.get(50)).isEqualTo("1 INTERRUPTED true");
    }

    private static void assertStoppedByTheInterrupt(SimResult<Integer> r) {
        assertThat(r).as("a result").isNotNull();
        assertThat(r.failure()).isInstanceOf(LimitExceeded.class)
                .hasMessageContaining("the run was stopped because the thread waiting for it was interrupted");
    }
}
