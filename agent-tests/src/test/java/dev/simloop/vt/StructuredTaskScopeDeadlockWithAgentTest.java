package dev.simloop.vt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.DeadlockDetected;
import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.ThrowingSupplier;
import dev.simloop.sync.Event;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import org.junit.jupiter.api.Test;

/**
 * A {@code StructuredTaskScope} whose owner waits for forks that can never finish is a deadlock
 * among tasks of the run: its {@code join()} parks in the JDK's {@code ThreadFlock} without a
 * blocker, and only the end of a fork (a task), the scope's cancel or an interrupt ends that wait.
 * It was taken for a wait on something outside the simulation: the run waited maxStepWallTime and
 * failed with a {@code NondeterminismDetected} that named neither the forks nor the scope. (The
 * same with and without the agent; this module has the preview API enabled.)
 */
class StructuredTaskScopeDeadlockWithAgentTest {
    private static final Duration LONG = Duration.ofMinutes(10);

    /** The owner joins a fork that waits on a latch nothing counts down. */
    static ThrowingSupplier<Integer> forkOnALatch() {
        return joinsAForkThat(() -> {
            new CountDownLatch(1).await();
            return 1;
        });
    }

    /** @return a program whose main task opens a scope on simloop's thread factory, forks {@code fork} and joins it */
    static ThrowingSupplier<Integer> joinsAForkThat(java.util.concurrent.Callable<Integer> fork) {
        return () -> {
            try (var scope = StructuredTaskScope.open(Joiner.<Integer>allSuccessfulOrThrow(),
                    cf -> cf.withThreadFactory(Loop.threadFactory()))) {
                scope.fork(fork);
                scope.join();
                return 0;
            }
        };
    }

    @Test
    void aJoinOnAForkThatWaitsForEverIsADeadlockNamingTheJoinAndTheFork() {
        // maxStepWallTime is long: the old code waited all of it for the outside, then failed otherwise
        SimResult<Integer> r = Simulation.builder().seed(1).maxStepWallTime(LONG).run(forkOnALatch());
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class)
                .hasMessageContaining("task 'main' waits in StructuredTaskScope.join() for the scope's forks to finish"
                        + " (tasks started by its thread factory), at dev.simloop.vt.StructuredTaskScopeDeadlockWithAgentTest.")
                .hasMessageContaining("task 'task-1' is parked outside simloop on java.util.concurrent.CountDownLatch$Sync"
                        + " at dev.simloop.vt.StructuredTaskScopeDeadlockWithAgentTest.");
        SimResult<Integer> again = Simulation.builder().seed(1).maxStepWallTime(LONG).run(forkOnALatch());
        assertThat(again.failure()).hasMessage(r.failure().getMessage());
        assertThat(again.traceDigest()).isEqualTo(r.traceDigest());
    }

    @Test
    void aJoinOnAForkBlockedInSimloopIsADeadlockWithoutTheNoteOnThreadsOutside() {
        SimResult<Integer> r = Simulation.builder().seed(1).maxStepWallTime(LONG).run(joinsAForkThat(() -> {
            new Event("never set").await();
            return 1;
        }));
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class)
                .hasMessageContaining("task 'main' waits in StructuredTaskScope.join() for the scope's forks to finish")
                .hasMessageContaining("task 'task-1' waits for Event 'never set'")
                // the owner's wait is on the run's own tasks, not on something a thread outside could end
                .hasMessageNotContaining("A thread outside the simulation could also end such a wait");
    }

    @Test
    void aScopeWhoseForksFinishStillJoinsThem() {
        SimResult<Integer> r = Sim.ok(() -> {
            try (var scope = StructuredTaskScope.open(Joiner.<Integer>allSuccessfulOrThrow(),
                    cf -> cf.withThreadFactory(Loop.threadFactory()))) {
                var a = scope.fork(() -> {
                    Thread.sleep(20);
                    return 1;
                });
                var b = scope.fork(() -> {
                    Loop.sleep(Duration.ofMillis(10));
                    return 2;
                });
                scope.join();
                return a.get() + b.get();
            }
        });
        assertThat(r.value()).isEqualTo(3);
        assertThat(r.virtualTime()).isEqualTo(Duration.ofMillis(20));
    }
}
