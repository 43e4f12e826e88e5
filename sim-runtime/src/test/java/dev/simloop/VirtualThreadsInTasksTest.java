package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A virtual thread created inside a task without a scheduler inherits the task's scheduler (a JDK
 * rule). On a real loop it must not be scheduled as if it were the task: it runs off the loop (the
 * JDK's I/O sub-pollers are created that way on the first I/O of the process). In a simulation it
 * is a thread the simulation does not own, and the run fails at the step that creates it.
 */
class VirtualThreadsInTasksTest {

    @Test
    @Timeout(60)
    void onARealLoopAVirtualThreadStartedInATaskRunsOffTheLoop() {
        AtomicReference<Thread> inner = new AtomicReference<>();
        String v = Loop.run(() -> TaskGroup.with(tg -> {
            Task<String> t = tg.spawn("creator", () -> {
                AtomicReference<String> result = new AtomicReference<>();
                Thread vt = Thread.ofVirtual().name("user-vthread").start(() -> {
                    inner.set(Thread.currentThread());
                    result.set("ran in " + Thread.currentThread().getName() + ", in loop " + Loop.inLoop());
                });
                Loop.toThread(() -> {
                    vt.join();
                    return null;
                });
                Loop.sleep(Duration.ofMillis(10));
                return result.get() + "; creator is still " + Loop.currentTask().name();
            });
            return t.join();
        }));
        assertThat(v).isEqualTo("ran in user-vthread, in loop false; creator is still creator");
        assertThat(inner.get().getState()).isEqualTo(Thread.State.TERMINATED);
    }

    @Test
    @Timeout(60)
    void onARealLoopAVirtualThreadPerTaskExecutorInATaskWorks() {
        int v = Loop.run(() -> {
            try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<Integer> f = ex.submit(() -> 21 * 2);
                // Wait for the executor's thread to end off the loop too: otherwise close() below may
                // find it still finishing and make a timed wait inside the task.
                return Loop.toThread(() -> {
                    int r = f.get();
                    ex.shutdown();
                    ex.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
                    return r;
                });
            }
        });
        assertThat(v).isEqualTo(42);
    }

    @Test
    void inASimulationStartingAVirtualThreadFailsTheRunAtThatStepNamingTheTaskAndTheLine() {
        AtomicReference<Boolean> ran = new AtomicReference<>(false);
        SimResult<Object> r = Simulation.run(3, () -> TaskGroup.with(tg -> {
            tg.spawn("creator", () -> {
                Loop.checkpoint();
                Thread.ofVirtual().name("user-vthread").start(() -> ran.set(true));
            });
            return null;
        }));
        assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageStartingWith("task 'creator' created a thread the simulation does not own: a virtual "
                        + "thread (Thread.ofVirtual, Thread.startVirtualThread), at dev.simloop.VirtualThreadsInTasksTest.")
                .hasMessageContaining("Create it with Loop.threadFactory() (Loop.threadFactory().newThread(r).start() "
                        + "runs r as a task), or spawn a task instead: TaskGroup.spawn");
        assertThat(ran.get()).as("the thread was never created, so its body never ran").isFalse();
    }

    @Test
    void aVirtualThreadBuiltNotToInheritIsCaughtWhenItStarts() {
        SimResult<Object> r = Simulation.run(3, () -> {
            Thread.ofVirtual().inheritInheritableThreadLocals(false).start(() -> { });
            return null;
        });
        assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageStartingWith("task 'main' started a thread the simulation does not own: a virtual thread")
                .hasMessageContaining("VirtualThreadsInTasksTest");
    }

    /**
     * JDK 25's StructuredTaskScope is a preview API; reached by reflection (which needs no
     * --enable-preview) so this module compiles without preview features.
     */
    private static Object openScopeAndFork(java.util.concurrent.Callable<Object> work) throws Exception {
        Class<?> sts = Class.forName("java.util.concurrent.StructuredTaskScope");
        Object scope = sts.getMethod("open").invoke(null);
        try {
            sts.getMethod("fork", java.util.concurrent.Callable.class).invoke(scope, work);
            sts.getMethod("join").invoke(scope);
            return null;
        } finally {
            sts.getMethod("close").invoke(scope);
        }
    }

    @Test
    void inASimulationAForkOfAStructuredTaskScopeFailsTheRunSayingWhatItIs() {
        SimResult<Object> r = Simulation.run(3, () -> openScopeAndFork(() -> "forked"));
        assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageStartingWith("task 'main' created a thread the simulation does not own: a fork of a "
                        + "java.util.concurrent.StructuredTaskScope, at dev.simloop.VirtualThreadsInTasksTest.")
                .hasMessageContaining("Open the scope with a factory whose threads are tasks: StructuredTaskScope"
                        + ".open(joiner, cf -> cf.withThreadFactory(Loop.threadFactory())), or use simloop's own "
                        + "structured concurrency: TaskGroup.with(tg -> ...) and tg.spawn(...).");
    }

    @Test
    @Timeout(60)
    void onARealLoopAForkCallingTheLoopIsToldWhatItIs() {
        AtomicReference<Throwable> seen = new AtomicReference<>();
        Loop.run(() -> Loop.toThread(() -> null) == null ? openScopeAndFork(() -> {
            try {
                Loop.sleep(Duration.ofMillis(1));
            } catch (IllegalStateException e) {
                seen.set(e);
            }
            return null;
        }) : null);
        assertThat(seen.get()).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Loop.sleep must be called from a simloop task, but the calling thread, a fork "
                        + "of a java.util.concurrent.StructuredTaskScope (VirtualThread[#")
                .hasMessageNotContaining("thread ''");
    }

    /**
     * As {@link #openScopeAndFork}, but the scope's threads come from {@code Loop.threadFactory()}
     * (so its forks are tasks), with a time-out when {@code timeout} is not null; returns the fork's
     * value. By reflection, as there.
     */
    private static Object openScopeOfTasksAndFork(Duration timeout, java.util.concurrent.Callable<Object> work)
            throws Exception {
        Class<?> sts = Class.forName("java.util.concurrent.StructuredTaskScope");
        Class<?> joiner = Class.forName("java.util.concurrent.StructuredTaskScope$Joiner");
        Class<?> config = Class.forName("java.util.concurrent.StructuredTaskScope$Configuration");
        java.util.function.Function<Object, Object> cf = c -> {
            try {
                Object withTasks = config.getMethod("withThreadFactory", java.util.concurrent.ThreadFactory.class)
                        .invoke(c, Loop.threadFactory());
                return timeout == null ? withTasks
                        : config.getMethod("withTimeout", Duration.class).invoke(withTasks, timeout);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        };
        Object scope = sts.getMethod("open", joiner, java.util.function.Function.class)
                .invoke(null, joiner.getMethod("awaitAllSuccessfulOrThrow").invoke(null), cf);
        try {
            Object subtask = sts.getMethod("fork", java.util.concurrent.Callable.class).invoke(scope, work);
            sts.getMethod("join").invoke(scope);
            return Class.forName("java.util.concurrent.StructuredTaskScope$Subtask").getMethod("get").invoke(subtask);
        } finally {
            sts.getMethod("close").invoke(scope);
        }
    }

    /** A scope whose threads are tasks and that has no time-out runs in a simulation without the agent. */
    @Test
    void inASimulationAScopeOfTasksWithoutATimeOutRunsWithoutTheAgent() {
        SimResult<Object> r = Simulation.run(3, () -> openScopeOfTasksAndFork(null, () -> {
            Loop.sleep(Duration.ofSeconds(2));
            return "forked, done at " + Loop.nanoTime();
        }));
        assertThat(r.failed()).as("%s", r.failure()).isFalse();
        assertThat(r.value()).isEqualTo("forked, done at 2000000000");
    }

    /**
     * Its time-out, without the agent, would run on the common pool's real-time timer: the fork fails
     * the run, saying so.
     */
    @Test
    void inASimulationAScopeOfTasksWithATimeOutFailsTheRunWithoutTheAgent() {
        SimResult<Object> r = Simulation.run(3, () -> openScopeOfTasksAndFork(Duration.ofSeconds(5), () -> "forked"));
        assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageStartingWith("task 'main' forked a java.util.concurrent.StructuredTaskScope opened with a "
                        + "time-out (withTimeout), at ")
                .hasMessageContaining("bound the scope with CancelScope.failAfter / moveOnAfter instead of withTimeout.");
    }
}
