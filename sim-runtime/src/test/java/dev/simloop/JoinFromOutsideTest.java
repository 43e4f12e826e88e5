package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simloop.sync.Event;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link Task#join()} from a thread that is no task: a finished task's outcome, as a done
 * {@code CompletableFuture}'s {@code join()} gives it from any thread (the test reading what its
 * run's tasks returned). Before, every such join threw "Task.join must be called from a simloop
 * task", although there was nothing to wait for.
 */
class JoinFromOutsideTest {

    @Test
    void afterTheRunAFinishedTaskGivesItsValueOrItsFailureAsATaskJoiningItWould() {
        IllegalArgumentException thrown = new IllegalArgumentException("bad input");
        Task<?> value = keptFrom(tg -> tg.spawn("value", () -> 42));
        Task<?> unchecked = keptFrom(tg -> tg.spawn("unchecked", (ThrowingSupplier<Integer>) () -> {
            throw thrown;
        }));
        Task<?> checked = keptFrom(tg -> tg.spawn("checked", (ThrowingSupplier<Integer>) () -> {
            throw new IOException("disk gone");
        }));
        Task<?> cancelled = keptFrom(tg -> {
            Task<Integer> t = tg.spawn("cancelled", () -> {
                Loop.sleep(Duration.ofDays(1));
                return 0;
            });
            Loop.checkpoint();
            t.cancel();
            return t;
        });
        assertThat(value.join()).isEqualTo(42);
        assertThatThrownBy(unchecked::join).isSameAs(thrown);
        assertThatThrownBy(checked::join).isInstanceOf(TaskFailedException.class)
                .hasCauseInstanceOf(IOException.class).hasRootCauseMessage("disk gone");
        assertThatThrownBy(cancelled::join).isInstanceOf(TaskCancelledException.class)
                .hasMessage("task 'cancelled' was cancelled");
        assertThat(value.join()).as("a second join gives the same").isEqualTo(42);
    }

    /** The task {@code spawn} spawns in a run of its own, kept after that run (failed or not). */
    private static Task<?> keptFrom(ThrowingFunction<TaskGroup, Task<?>> spawn) {
        Task<?>[] kept = new Task<?>[1];
        Simulation.run(1, () -> TaskGroup.with(tg -> {
            kept[0] = spawn.apply(tg);
            return null;
        }));
        assertThat(kept[0].isDone()).isTrue();
        return kept[0];
    }

    @Test
    void aTaskThatItsRunsEndUnwoundHasNoOutcomeAndSaysSo() {
        Task<?>[] kept = new Task<?>[1];
        SimResult<Object> r = Simulation.run(1, () -> {
            kept[0] = TaskGroup.current().spawn("stuck", () -> {
                new Event().await();
                return 1;
            });
            return null;
        });
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class);
        assertThat(kept[0].isDone()).isTrue();
        assertThatThrownBy(kept[0]::join).isInstanceOf(IllegalStateException.class)
                .hasMessage("Task.join: task 'stuck' has no outcome: its run ended (a failure elsewhere, a deadlock or"
                        + " a limit) before the task finished, and the task was unwound; the run's result holds what"
                        + " ended it");
    }

    /**
     * Beside a real loop, a thread of its own may join a task once it has finished; before that it
     * is refused, saying the task has not finished and how to wait, and the task is left as it was.
     */
    @Test
    void besideARealLoopATaskNotFinishedIsRefusedAndAFinishedOneGivesItsValue() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Task<String>> task = new AtomicReference<>();
        AtomicReference<Object> loopResult = new AtomicReference<>();
        Thread loopThread = Thread.ofPlatform().start(() -> loopResult.set(Loop.run(() -> {
            Task<String> t = TaskGroup.current().spawn("worker", () -> {
                release.await(); // a JDK wait a thread outside ends, as a real loop allows
                return "done";
            });
            task.set(t);
            return t.join();
        })));
        while (task.get() == null) {
            Thread.sleep(1);
        }
        assertThatThrownBy(task.get()::join).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Task.join: task 'worker' has not finished, and only a task of its loop can"
                        + " wait for it. Task.join must be called from a simloop task")
                .hasMessageEndingWith("From any thread, join gives a task's outcome once it has finished"
                        + " (Task.isDone()).");
        release.countDown();
        loopThread.join(Duration.ofSeconds(20));
        assertThat(loopResult.get()).isEqualTo("done");
        assertThat(task.get().join()).isEqualTo("done");
    }
}
