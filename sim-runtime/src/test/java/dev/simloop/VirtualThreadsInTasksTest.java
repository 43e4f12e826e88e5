package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A virtual thread created inside a task without a scheduler inherits the task's scheduler (a JDK
 * rule); it must not be scheduled as if it were the task (the JDK's I/O sub-pollers are created that
 * way on the first I/O of the process).
 */
class VirtualThreadsInTasksTest {

    @ParameterizedTest
    @EnumSource(Modes.class)
    @Timeout(60)
    void aVirtualThreadStartedInATaskRunsOffTheLoop(Modes mode) {
        AtomicReference<Thread> inner = new AtomicReference<>();
        String v = mode.run(() -> TaskGroup.with(tg -> {
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

    @ParameterizedTest
    @EnumSource(Modes.class)
    @Timeout(60)
    void aVirtualThreadPerTaskExecutorInATaskWorks(Modes mode) {
        int v = mode.run(() -> {
            try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<Integer> f = ex.submit(() -> 21 * 2);
                // Wait for the executor's thread to end off the loop too: otherwise close() below may
                // find it still finishing and make a timed (real-clock) wait inside the task.
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
}
