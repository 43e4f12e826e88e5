package dev.simloop.bench;

import dev.simloop.Loop;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Benchmark 2: spawn and join one empty child. The simloop figures batch {@value #CHILDREN}
 * children in one run (one simulation, or one {@code Loop.run}); the JDK baselines do one child per
 * operation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SpawnJoinBench {
    /** Children per invocation of the simloop benchmarks. */
    public static final int CHILDREN = 2_000;

    /** One group; spawn + join of each child in turn. */
    static Object spawnJoinInOneGroup(int children) {
        return TaskGroup.with(g -> {
            Object last = null;
            for (int i = 0; i < children; i++) {
                last = g.spawn(() -> 1).join();
            }
            return last;
        });
    }

    /** A group per child, as StructuredTaskScope opens a scope per fork+join below. */
    static Object groupPerChild(int children) {
        Object last = null;
        for (int i = 0; i < children; i++) {
            last = TaskGroup.with(g -> g.spawn(() -> 1).join());
        }
        return last;
    }

    @Benchmark
    @OperationsPerInvocation(CHILDREN)
    public Object simulatedOneGroup() {
        return simulated(CHILDREN, false);
    }

    @Benchmark
    @OperationsPerInvocation(CHILDREN)
    public Object simulatedGroupPerChild() {
        return simulated(CHILDREN, true);
    }

    static Object simulated(int children, boolean groupPerChild) {
        return Simulation.builder().seed(1).strategy(Strategy.fifo())
                .run(() -> groupPerChild ? groupPerChild(children) : spawnJoinInOneGroup(children)).value();
    }

    @Benchmark
    @OperationsPerInvocation(CHILDREN)
    public Object realOneGroup() {
        return real(CHILDREN, false);
    }

    @Benchmark
    @OperationsPerInvocation(CHILDREN)
    public Object realGroupPerChild() {
        return real(CHILDREN, true);
    }

    static Object real(int children, boolean groupPerChild) {
        return Loop.run(() -> groupPerChild ? groupPerChild(children) : spawnJoinInOneGroup(children));
    }

    /** The executor of the virtual-thread baseline. */
    @State(Scope.Benchmark)
    public static class Vt {
        ExecutorService executor;

        @Setup(Level.Trial)
        public void setup() {
            executor = Executors.newVirtualThreadPerTaskExecutor();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            executor.close();
        }
    }

    /** Baseline: submit + get on {@code Executors.newVirtualThreadPerTaskExecutor()}. */
    @Benchmark
    public Object virtualThreadExecutor(Vt s) throws Exception {
        return s.executor.submit(() -> 1).get();
    }

    /**
     * Baseline with a platform-thread owner: the JMH thread runs {@code StructuredTaskScope.open()}, one
     * fork, join (JDK 25 preview API); its wait wakes a platform thread, which dominates the figure.
     */
    @Benchmark
    public Object structuredTaskScope() throws Exception {
        try (var scope = StructuredTaskScope.open()) {
            var st = scope.fork(() -> 1);
            scope.join();
            return st.get();
        }
    }

    /**
     * Baseline of the spawn+join row with a virtual-thread owner (the fair one): a virtual thread
     * runs {@code StructuredTaskScope.open()} + fork + join {@value #CHILDREN} times,
     * as a simloop task spawns and joins its children; ns per fork+join.
     */
    @Benchmark
    @OperationsPerInvocation(CHILDREN)
    public Object structuredTaskScopeVirtualOwner() throws Exception {
        return structuredTaskScopeVirtualOwner(CHILDREN);
    }

    static Object structuredTaskScopeVirtualOwner(int children) throws Exception {
        Object[] last = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread owner = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < children; i++) {
                    try (var scope = StructuredTaskScope.open()) {
                        var st = scope.fork(() -> 1);
                        scope.join();
                        last[0] = st.get();
                    }
                }
            } catch (Throwable t) {
                failure[0] = t;
            }
        });
        owner.join();
        if (failure[0] != null) {
            throw new IllegalStateException(failure[0]);
        }
        return last[0];
    }
}
