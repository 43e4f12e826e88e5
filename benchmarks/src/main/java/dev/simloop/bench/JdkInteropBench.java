package dev.simloop.bench;

import dev.simloop.Loop;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * Benchmark 9 (issue 14): JDK concurrency run as simulated tasks, against simloop's own spawn +
 * join in the same run. Each invocation is one simulation (FIFO) of {@value #OPS} operations:
 * {@code Loop.executor().submit(..).get()}; a {@code CompletableFuture} chain of two async stages on
 * {@code Loop.executor()} ({@code supplyAsync(..).thenApplyAsync(..).join()}, two tasks per chain);
 * and the baseline, {@code TaskGroup.spawn(..).join()}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JdkInteropBench {
    /** Operations per invocation. */
    public static final int OPS = 2_000;

    static int executorSubmitGet(int ops) throws Exception {
        ExecutorService ex = Loop.executor();
        int sum = 0;
        for (int i = 0; i < ops; i++) {
            sum += ex.submit(() -> 1).get();
        }
        return sum;
    }

    static int completableFutureChain(int ops) {
        ExecutorService ex = Loop.executor();
        int sum = 0;
        for (int i = 0; i < ops; i++) {
            sum += CompletableFuture.supplyAsync(() -> 1, ex).thenApplyAsync(x -> x * 1, ex).join();
        }
        return sum;
    }

    static int spawnJoin(int ops) {
        return TaskGroup.with(g -> {
            int sum = 0;
            for (int i = 0; i < ops; i++) {
                sum += g.spawn(() -> 1).join();
            }
            return sum;
        });
    }

    static int simulated(dev.simloop.ThrowingSupplier<Integer> body) {
        return Simulation.builder().seed(1).strategy(Strategy.fifo()).run(body).value();
    }

    /** {@code Loop.executor().submit(() -> 1).get()} in a simulation, ns per submit + get. */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public int executorSubmitGet() {
        return simulated(() -> executorSubmitGet(OPS));
    }

    /** {@code supplyAsync(f, Loop.executor()).thenApplyAsync(g, Loop.executor()).join()}, ns per chain. */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public int completableFutureChain() {
        return simulated(() -> completableFutureChain(OPS));
    }

    /** Baseline: simloop's own {@code TaskGroup.spawn(() -> 1).join()}, ns per spawn + join. */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public int spawnJoin() {
        return simulated(() -> spawnJoin(OPS));
    }
}
