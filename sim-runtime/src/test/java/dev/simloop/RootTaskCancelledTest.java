package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A run whose main task is cancelled ends as a join of a cancelled task does: with a
 * TaskCancelledException that carries the Cancelled as its cause. Before, the raw Cancelled left
 * Loop.run, where a caller's own catch of Cancelled took it for its own: a task that ran a loop on
 * another thread (Loop.toThread) then ended "cancelled" though nobody cancelled it.
 */
class RootTaskCancelledTest {
    private static Throwable failureOf(Modes mode, ThrowingSupplier<Object> main) {
        return catchThrowable(() -> mode.run(main));
    }

    private static void assertMainCancelled(Throwable t, CancelReason reason) {
        assertThat(t).isExactlyInstanceOf(TaskCancelledException.class).hasMessage("task 'main' was cancelled");
        assertThat(((TaskCancelledException) t).taskName()).isEqualTo("main");
        assertThat(t.getCause()).isInstanceOf(Cancelled.class);
        assertThat(((Cancelled) t.getCause()).reason()).isEqualTo(reason);
    }

    @ParameterizedTest
    @EnumSource(Modes.class)
    void mainCancellingItself(Modes mode) {
        assertMainCancelled(failureOf(mode, () -> {
            Loop.currentTask().cancel();
            Loop.checkpoint();
            return "unreached";
        }), CancelReason.EXPLICIT);
    }

    @ParameterizedTest
    @EnumSource(Modes.class)
    void aChildCancellingMain(Modes mode) {
        assertMainCancelled(failureOf(mode, () -> {
            Task<?> main = Loop.currentTask();
            Loop.rootGroup().spawn(main::cancel);
            Loop.sleep(Duration.ofSeconds(1));
            return "unreached";
        }), CancelReason.EXPLICIT);
    }

    @ParameterizedTest
    @EnumSource(Modes.class)
    void mainInterruptingItsOwnThread(Modes mode) {
        assertMainCancelled(failureOf(mode, () -> {
            Thread.currentThread().interrupt();
            Loop.sleep(Duration.ofMillis(1));
            return "unreached";
        }), CancelReason.INTERRUPTED);
    }

    @ParameterizedTest
    @EnumSource(Modes.class)
    void cancellingTheRootGroupStillEndsTheRunWithNoValue(Modes mode) {
        Object v = mode.run(() -> {
            Loop.rootGroup().cancel();
            Loop.checkpoint();
            return "unreached";
        });
        assertThat(v).isNull();
    }

    @Test
    void aLoopWhoseMainWasCancelledDoesNotCancelTheTaskThatRanIt() {
        String r = Loop.run(() -> TaskGroup.with(tg -> {
            Task<String> job = tg.spawn("job", () -> Loop.toThread(() -> {
                try {
                    return Loop.run(() -> {
                        Loop.currentTask().cancel();
                        Loop.checkpoint();
                        return "unreached";
                    });
                } catch (TaskCancelledException e) {
                    return "inner run: " + e.getMessage();
                }
            }));
            return job.join() + ", job cancelled: " + job.isCancelled();
        }));
        assertThat(r).isEqualTo("inner run: task 'main' was cancelled, job cancelled: false");
    }

    @Test
    void aSimulationReportsItAsItsFailure() {
        SimResult<Object> r = Simulation.run(1, () -> {
            Loop.currentTask().cancel();
            Loop.checkpoint();
            return "unreached";
        });
        assertMainCancelled(r.failure(), CancelReason.EXPLICIT);
        assertThat(Simulation.builder().replay(r.replayLine()).run(() -> {
            Loop.currentTask().cancel();
            Loop.checkpoint();
            return "unreached";
        }).traceDigest()).isEqualTo(r.traceDigest());
    }
}
