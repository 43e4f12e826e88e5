package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

/**
 * A run called from every worker of the common pool at once (a parallel stream over seeds, jqwik's
 * shrinking) whose program itself uses the common pool ({@code supplyAsync(..).get()}). The callers
 * wait for their runs as {@code CompletableFuture.get} waits on a pool worker, so the pool starts
 * spare workers for the programs' work. Before, that work queued behind its own callers: a real loop
 * hung for good, and a simulation failed after {@code maxStepWallTime} with a false
 * {@code NondeterminismDetected}, whatever the seed.
 */
class CommonPoolCallersTest {
    private static final int CALLERS = ForkJoinPool.commonPool().getParallelism();

    /** Runs {@code run} on as many common-pool workers as the pool has, all at once; returns what each gave. */
    private static List<String> fromEveryWorker(java.util.function.IntFunction<String> run) {
        List<CompletableFuture<String>> calls = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            int index = i;
            calls.add(CompletableFuture.supplyAsync(() -> run.apply(index)));
        }
        return assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> calls.stream().map(CompletableFuture::join).toList(), "the callers hung");
    }

    private static int usesTheCommonPool() throws Exception {
        return CompletableFuture.supplyAsync(() -> 2).get();
    }

    @Test
    void simulationsCalledFromEveryCommonPoolWorkerRunTheirProgramsCommonPoolWork() {
        List<String> seen = fromEveryWorker(i -> {
            SimResult<Integer> r = Simulation.builder().seed(i).maxStepWallTime(Duration.ofSeconds(5))
                    .run(CommonPoolCallersTest::usesTheCommonPool);
            return r.failed() ? "failed: " + r.failure() : "value " + r.value() + " at " + r.virtualTime();
        });
        assertThat(seen).hasSize(CALLERS).containsOnly("value 2 at PT0S");
    }

    @Test
    void realLoopsCalledFromEveryCommonPoolWorkerEnd() {
        List<String> seen = fromEveryWorker(i -> "value " + Loop.run(CommonPoolCallersTest::usesTheCommonPool));
        assertThat(seen).hasSize(CALLERS).containsOnly("value 2");
    }
}
