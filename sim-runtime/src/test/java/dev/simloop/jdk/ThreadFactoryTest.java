package dev.simloop.jdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Task;
import dev.simloop.TaskGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

/** Issue 14, item 1: threads from Loop.threadFactory() are tasks. */
class ThreadFactoryTest {

    @Test
    void aStartedThreadIsATaskOfTheInnermostGroupAndKeepsItsName() {
        List<String> seen = Simulation.run(1, () -> {
            List<String> log = new ArrayList<>();
            TaskGroup.with(tg -> {
                Thread t = Loop.threadFactory().newThread(() -> {
                    log.add(Loop.currentTask().name() + " on " + Thread.currentThread().getName());
                    Loop.sleep(Duration.ofSeconds(2));
                    log.add("woke at " + Loop.nanoTime());
                });
                t.setName("worker");
                t.start();
                t.join();
                log.add("joined at " + Loop.nanoTime());
                return null;
            });
            return log;
        }).value();
        assertThat(seen).containsExactly("worker on worker", "woke at 2000000000", "joined at 2000000000");
    }

    @Test
    void anUnnamedThreadIsNamedAsATask() {
        String name = Simulation.run(1, () -> {
            Thread t = Loop.threadFactory().newThread(() -> { });
            t.start();
            t.join();
            return t.getName();
        }).value();
        assertThat(name).matches("task-\\d+");
    }

    @Test
    void aThreadsUncaughtExceptionFailsItsGroup() {
        SimResult<Object> r = Simulation.run(1, () -> TaskGroup.with(tg -> {
            tg.threadFactory().newThread(() -> {
                throw new IllegalStateException("boom in a thread");
            }).start();
            Loop.sleep(Duration.ofSeconds(10));
            return "not reached";
        }));
        assertThat(r.failure()).isInstanceOf(IllegalStateException.class).hasMessage("boom in a thread");
        assertThat(r.virtualTime()).isEqualTo(Duration.ZERO); // the failure cancelled the sleeping body
    }

    @Test
    void aCancelledThreadIsInterruptedWhereItWaitsInJdkCode() {
        List<String> seen = Simulation.run(1, () -> {
            List<String> log = new ArrayList<>();
            java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
            TaskGroup.with(tg -> {
                tg.threadFactory().newThread(() -> {
                    try {
                        never.await();
                        log.add("latch opened");
                    } catch (InterruptedException e) {
                        log.add("interrupted at " + Loop.nanoTime());
                    }
                }).start();
                Loop.sleep(Duration.ofSeconds(1));
                tg.cancel();
                return null;
            });
            log.add("group ended at " + Loop.nanoTime());
            return log;
        }).value();
        assertThat(seen).containsExactly("interrupted at 1000000000", "group ended at 1000000000");
    }

    @Test
    void aThreadPerTaskExecutorOnTheFactoryRunsItsWorkAsTasksInRealMode() {
        int sum = Loop.run(() -> {
            try (ExecutorService ex = Executors.newThreadPerTaskExecutor(Loop.threadFactory())) {
                Future<Integer> a = ex.submit(() -> {
                    Loop.sleep(Duration.ofMillis(5));
                    return Loop.inLoop() ? 20 : 0;
                });
                Future<Integer> b = ex.submit(() -> 22);
                return a.get() + b.get();
            }
        });
        assertThat(sum).isEqualTo(42);
    }

    @Test
    void theFactoryMustBeTakenInATask() {
        assertThatThrownBy(Loop::threadFactory).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Loop.threadFactory must be called from a simloop task");
    }

    @Test
    void startingAThreadOutsideTheLoopNamesTheMisuse() {
        Thread[] made = new Thread[1];
        Simulation.run(1, () -> {
            made[0] = Loop.threadFactory().newThread(() -> { });
            return null;
        });
        assertThatThrownBy(made[0]::start).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Thread.start (a thread of Loop.threadFactory()): called on ")
                .hasMessageContaining("which is not a running task of the loop that made the factory");
    }

    @Test
    void makingAThreadOutsideTheLoopNamesTheMisuse() {
        ThreadFactory[] factory = new ThreadFactory[1];
        Simulation.run(1, () -> {
            factory[0] = Loop.threadFactory();
            return null;
        });
        assertThatThrownBy(() -> factory[0].newThread(() -> { })).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("ThreadFactory.newThread (a thread of Loop.threadFactory()): called on ");
    }

    @Test
    void startingAThreadOfAFinishedGroupNamesTheMisuse() {
        SimResult<Object> r = Simulation.run(1, () -> {
            ThreadFactory[] f = new ThreadFactory[1];
            TaskGroup.with(tg -> {
                f[0] = tg.threadFactory();
                return null;
            });
            f[0].newThread(() -> { }).start();
            return null;
        });
        assertThat(r.failure()).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Thread.start (a thread of TaskGroup.threadFactory()): the task group has finished");
    }

    @Test
    void aThreadsTaskIsATaskLikeAnyOther() {
        List<String> names = Simulation.run(3, () -> TaskGroup.with(tg -> {
            tg.threadFactory().newThread(() -> Loop.sleep(Duration.ofSeconds(1))).start();
            Loop.waitAllTasksBlocked();
            List<String> blocked = new ArrayList<>();
            for (Task<?> t : Loop.blockedTasks()) {
                blocked.add(t.name());
            }
            return blocked;
        })).value();
        assertThat(names).hasSize(1).allMatch(n -> n.startsWith("task-"));
    }
}
