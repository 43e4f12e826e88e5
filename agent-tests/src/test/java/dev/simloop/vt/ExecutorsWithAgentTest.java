package dev.simloop.vt;

import static dev.simloop.vt.Sim.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simloop.DeadlockDetected;
import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.TaskGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Executors on {@code Loop.threadFactory()} with the agent: {@code close()} (which waits a day at a
 * time), {@code awaitTermination(timeout)} and {@code Future.get(timeout)} on the virtual clock, at
 * exact virtual times; a close that can never end is a deadlock at once, not a clock that moves a day
 * at a time forever; and the common pool's futures, waited for in place.
 */
class ExecutorsWithAgentTest {
    /** A thread-per-task executor and a fixed pool, both on threads that are tasks. */
    private static final List<Supplier<ExecutorService>> EXECUTORS = List.of(
            () -> Executors.newThreadPerTaskExecutor(Loop.threadFactory()),
            () -> Executors.newFixedThreadPool(2, Loop.threadFactory()));

    @Test
    void aScheduledPoolOnTaskThreadsRunsItsJobsAtTheirVirtualDelays() {
        java.util.Set<String> runs = new java.util.TreeSet<>();
        for (int i = 0; i < 3; i++) {
            SimResult<List<String>> r = Sim.ok(() -> {
                List<String> ran = new ArrayList<>();
                java.util.concurrent.ScheduledExecutorService s = Executors.newScheduledThreadPool(2, Loop.threadFactory());
                List<Future<?>> jobs = List.of(
                        s.schedule(() -> ran.add("5s job at " + Sim.now()), 5, TimeUnit.SECONDS),
                        s.schedule(() -> ran.add("1s job at " + Sim.now()), 1, TimeUnit.SECONDS),
                        s.schedule(() -> ran.add("2.5s job at " + Sim.now()), 2500, TimeUnit.MILLISECONDS));
                for (Future<?> f : jobs) {
                    f.get();
                }
                s.shutdown();
                return ran;
            });
            assertThat(r.value()).containsExactly("1s job at PT1S", "2.5s job at PT2.5S", "5s job at PT5S");
            runs.add(r.replayLine() + " " + r.traceDigest());
        }
        assertThat(runs).as("one seed, one run").hasSize(1);
    }

    @Test
    void delayedExecutorFailsTheRunSayingTheAgentDoesNotCoverItAndWhatToUse() {
        SimResult<String> r = Simulation.run(1, () -> CompletableFuture.supplyAsync(() -> "late",
                CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS, Loop.executor())).get());
        // the scheduler's thread is made in the step, or (made before, in this JVM) fires on the real clock
        assertThat(r.failure()).isInstanceOf(dev.simloop.NondeterminismDetected.class)
                .hasMessageContaining("the simloop agent does not put CompletableFuture.delayedExecutor's delay on the "
                        + "virtual clock")
                .hasMessageContaining("Loop.executor().execute(() -> { Loop.sleep(delay); work.run(); })")
                .hasMessageNotContaining("Run with the simloop agent");
    }

    @Test
    void closeReturnsWhenTheLastTaskEndsNotADayLater() {
        for (Supplier<ExecutorService> executor : EXECUTORS) {
            SimResult<String> r = Sim.ok(() -> {
                try (ExecutorService ex = executor.get()) {
                    ex.submit(() -> sleep(Duration.ofSeconds(3)));
                    ex.submit(() -> sleep(Duration.ofSeconds(7)));
                }
                return at("closed");
            });
            assertThat(r.value()).isEqualTo("closed@PT7S");
            assertThat(r.virtualTime()).isEqualTo(Duration.ofSeconds(7));
        }
    }

    @Test
    void closeWaitsDaysWhileATaskSleepsDaysAndReturnsWhenItEnds() {
        for (Supplier<ExecutorService> executor : EXECUTORS) {
            SimResult<String> r = Sim.ok(() -> {
                try (ExecutorService ex = executor.get()) {
                    ex.submit(() -> sleep(Duration.ofHours(60))); // close's one-day waits time out twice meanwhile
                }
                return at("closed");
            });
            assertThat(r.value()).isEqualTo("closed@PT60H");
        }
    }

    @Test
    void aCloseThatCanNeverEndIsADeadlockAtOnceNamingTheWaits() {
        for (Supplier<ExecutorService> executor : EXECUTORS) {
            SimResult<Object> r = Simulation.run(1, () -> {
                CountDownLatch nobodyCountsDown = new CountDownLatch(1);
                try (ExecutorService ex = executor.get()) {
                    ex.submit(() -> {
                        nobodyCountsDown.await();
                        return null;
                    });
                }
                return null;
            });
            assertThat(r.failure()).isInstanceOf(DeadlockDetected.class)
                    .hasMessageStartingWith("deadlock: every task is blocked and the only timers pending are the "
                            + "time-outs of java.util.concurrent waits an hour or more away, which count as untimed "
                            + "(ExecutorService.close() waits a day at a time) (virtual time 0s, step ")
                    .hasMessageContaining("task 'main' is parked outside simloop on java.util.concurrent.")
                    .hasMessageContaining("at dev.simloop.vt.ExecutorsWithAgentTest.")
                    .hasMessageContaining("on java.util.concurrent.CountDownLatch$Sync at dev.simloop.vt.ExecutorsWithAgentTest.");
            assertThat(r.virtualTime()).as("no day went by").isEqualTo(Duration.ZERO);
        }
    }

    /**
     * A pool on task threads that is never shut down keeps its idle workers parked in
     * ThreadPoolExecutor.getTask: the run is a deadlock (main waits for them), and the report says
     * they are the pool's idle workers and how to shut it down, not that a thread outside might
     * have woken them.
     */
    @Test
    void aPoolNeverShutDownIsADeadlockNamingItsIdleWorkersAndHowToShutItDown() {
        List<Supplier<ExecutorService>> pools = List.of(
                () -> Executors.newFixedThreadPool(2, Loop.threadFactory()),
                () -> Executors.newScheduledThreadPool(2, Loop.threadFactory()));
        List<String> executors = List.of("java.util.concurrent.ThreadPoolExecutor",
                "java.util.concurrent.ScheduledThreadPoolExecutor");
        List<String> made = List.of("Executors.newFixedThreadPool(n, Loop.threadFactory())",
                "Executors.newScheduledThreadPool(n, Loop.threadFactory())");
        for (int i = 0; i < pools.size(); i++) {
            Supplier<ExecutorService> pool = pools.get(i);
            SimResult<Integer> r = Simulation.run(1, () -> {
                ExecutorService ex = pool.get();
                ex.submit(() -> 1).get();
                return ex.submit(() -> 41).get() + 1; // and no shutdown
            });
            assertThat(r.failure()).isInstanceOf(DeadlockDetected.class)
                    .hasMessageStartingWith("deadlock: every task is blocked and no timer is pending")
                    .hasMessageContaining("task 'main' waits for its task group to finish (2 tasks still running):"
                            + " tasks 'task-1' and 'task-2'")
                    .hasMessageContaining("task 'task-1' is parked outside simloop on java.util.concurrent.locks."
                            + "AbstractQueuedSynchronizer$ConditionObject as a worker of a " + executors.get(i)
                            + " waiting for its next job (in ThreadPoolExecutor.getTask) at java.base/java.util."
                            + "concurrent.ThreadPoolExecutor.getTask(")
                    .hasMessageContaining("\nTasks 'task-1' and 'task-2' are idle workers of a " + executors.get(i)
                            + " that was never shut down, waiting in ThreadPoolExecutor.getTask for a next job that no"
                            + " task will submit")
                    .hasMessageContaining("Shut the pool down when its work is done: try (var pool = " + made.get(i)
                            + ") { ... }")
                    .hasMessageContaining("or pool.shutdown() in a finally block; or submit the jobs to Loop.executor()"
                            + " instead, whose tasks end with their job.")
                    .hasMessageNotContaining("A thread outside the simulation could also end such a wait");
            assertThat(r.virtualTime()).isEqualTo(Duration.ZERO);
        }
    }

    /** An idle pool never shut down does not hide a deadlock of the rest: both are reported. */
    @Test
    void aPoolNeverShutDownBesideAWaitNoTaskEndsReportsBoth() {
        SimResult<Object> r = Simulation.run(1, () -> {
            ExecutorService ex = Executors.newFixedThreadPool(2, Loop.threadFactory());
            ex.submit(() -> 1).get();
            new CountDownLatch(1).await();
            return null;
        });
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class)
                .hasMessageContaining("task 'main' is parked outside simloop on java.util.concurrent.CountDownLatch$Sync"
                        + " at dev.simloop.vt.ExecutorsWithAgentTest.")
                .hasMessageContaining("\nTask 'task-1' is an idle worker of a java.util.concurrent.ThreadPoolExecutor"
                        + " that was never shut down")
                .hasMessageContaining("\nA task above is parked in java.util.concurrent on something no task of the run"
                        + " holds");
    }

    /**
     * A scheduled pool never shut down whose periodic job is never cancelled keeps the run going on
     * the virtual clock (JDK semantics: the job runs until the pool is shut down or the job cancelled)
     * until maxSteps stops it; the report names the pool's worker and what to do.
     */
    @Test
    void aScheduledPoolNeverShutDownWithAPeriodicJobStopsAtMaxStepsNamingItsWorker() {
        SimResult<Integer> r = Simulation.builder().seed(1).maxSteps(10_000).run(() -> {
            java.util.concurrent.ScheduledExecutorService s = Executors.newScheduledThreadPool(2, Loop.threadFactory());
            s.scheduleAtFixedRate(() -> { }, 0, 1, TimeUnit.SECONDS);
            return s.submit(() -> 42).get(); // and no shutdown, no cancel
        });
        assertThat(r.failure()).isInstanceOf(dev.simloop.LimitExceeded.class)
                .hasMessageStartingWith("simulation stopped after 10000 steps (maxSteps = 10000)")
                .hasMessageContaining(" is a worker of a java.util.concurrent.ScheduledThreadPoolExecutor waiting in"
                        + " ThreadPoolExecutor.getTask for its next job: a pool that is never shut down keeps its"
                        + " workers, and a periodic job that is never cancelled (scheduleAtFixedRate,"
                        + " scheduleWithFixedDelay)")
                .hasMessageContaining("try (var pool = Executors.newScheduledThreadPool(n, Loop.threadFactory()))")
                .hasMessageContaining("Cancel a periodic job (future.cancel(false)) when it is no longer needed.");
    }

    @Test
    void awaitTerminationTimesOutAtExactlyItsTimeOutAndReturnsTrueWhenTheLastTaskEnds() {
        for (Supplier<ExecutorService> executor : EXECUTORS) {
            SimResult<List<String>> r = Sim.ok(() -> {
                ExecutorService ex = executor.get();
                ex.submit(() -> sleep(Duration.ofSeconds(10)));
                ex.shutdown();
                String first = at(ex.awaitTermination(3, TimeUnit.SECONDS));
                String second = at(ex.awaitTermination(1, TimeUnit.MINUTES));
                return List.of(first, second);
            });
            assertThat(r.value()).containsExactly("false@PT3S", "true@PT10S");
        }
    }

    @Test
    void aTimedGetThrowsTimeoutExceptionAtExactlyItsTimeOutAndReturnsTheValueWhenItArrives() {
        for (Supplier<ExecutorService> executor : EXECUTORS) {
            SimResult<List<String>> r = Sim.ok(() -> {
                try (ExecutorService ex = executor.get()) {
                    Future<String> f = ex.submit(() -> {
                        sleep(Duration.ofSeconds(10));
                        return "value";
                    });
                    List<String> seen = new ArrayList<>();
                    assertThatThrownBy(() -> f.get(2, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
                    seen.add(at("timed out"));
                    seen.add(at(f.get(1, TimeUnit.MINUTES)));
                    return seen;
                }
            });
            assertThat(r.value()).containsExactly("timed out@PT2S", "value@PT10S");
        }
    }

    @Test
    void aLongTimedWaitStillTimesOutInOrderWhenSomethingElseCanHappen() {
        SimResult<String> r = Sim.ok(() -> TaskGroup.with(tg -> {
            LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
            tg.spawn("late producer", () -> {
                Thread.sleep(Duration.ofHours(3));
                queue.put("late");
            });
            String polled = at(queue.poll(2, TimeUnit.HOURS));
            return polled + " " + at(queue.take());
        }));
        assertThat(r.value()).isEqualTo("null@PT2H late@PT3H");
    }

    @Test
    void aLongTimedWaitThatOnlyItsTimeOutCouldEndIsADeadlockAsWithoutTheAgent() {
        SimResult<String> r = Simulation.run(1, () -> new LinkedBlockingQueue<String>().poll(2, TimeUnit.HOURS));
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class).hasMessageContaining(
                "task 'main' is parked outside simloop on java.util.concurrent.locks.AbstractQueuedSynchronizer"
                        + "$ConditionObject at dev.simloop.vt.ExecutorsWithAgentTest.");
        assertThat(r.virtualTime()).isEqualTo(Duration.ZERO);
        SimResult<String> shorter = Sim.ok(() -> at(new LinkedBlockingQueue<String>().poll(59, TimeUnit.MINUTES)));
        assertThat(shorter.value()).isEqualTo("null@PT59M");
    }

    @Test
    void theCommonPoolsFutureIsWaitedForInPlaceWithATimedGetToo() {
        for (long seed = 1; seed <= 3; seed++) {
            SimResult<String> r = Simulation.builder().seed(seed).checkDeterminism(true)
                    .run(() -> at(CompletableFuture.supplyAsync(() -> 21).get(5, TimeUnit.SECONDS) * 2));
            assertThat(r.failure()).isNull();
            assertThat(r.value()).isEqualTo("42@PT0S");
        }
    }

    private static Void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d);
        return null;
    }
}
