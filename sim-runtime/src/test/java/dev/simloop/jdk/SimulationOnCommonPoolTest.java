package dev.simloop.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.TaskGroup;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A simulation run from a worker of the common pool, as jqwik runs a property while it shrinks: a
 * task that waits on a future waits in place until the common pool has no work left (so that a
 * result the pool computes arrives at the same point of every run). The worker that waits for the
 * simulation is itself busy to the pool, so before, the pool never looked idle and each such wait
 * lasted maxStepWallTime (10 s by default) of wall time, without a word.
 */
class SimulationOnCommonPoolTest {
    static String waitOnAFutureASiblingCompletes() {
        CompletableFuture<String> f = new CompletableFuture<>();
        return TaskGroup.with(tg -> {
            tg.spawn("completer", () -> {
                Loop.checkpoint();
                f.complete("completed by a sibling");
            });
            return f.join() + " at " + Loop.nanoTime(); // parks outside simloop while the sibling is ready
        });
    }

    @Test
    void aFutureWaitDoesNotWaitForTheWorkerThatRunsTheSimulation() throws Exception {
        long t0 = System.nanoTime();
        SimResult<String> onPool = CompletableFuture.supplyAsync(() -> Simulation.builder().seed(1)
                .maxStepWallTime(Duration.ofSeconds(60)).run(SimulationOnCommonPoolTest::waitOnAFutureASiblingCompletes))
                .get();
        long wallMillis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(onPool.failure()).isNull();
        assertThat(onPool.value()).isEqualTo("completed by a sibling at 0");
        assertThat(wallMillis).as("wall time (a wait for the pool would last the 60 s limit)").isLessThan(30_000);
        SimResult<String> onMain = Simulation.builder().seed(1).run(SimulationOnCommonPoolTest::waitOnAFutureASiblingCompletes);
        assertThat(onMain.traceDigest()).isEqualTo(onPool.traceDigest());
    }
}
