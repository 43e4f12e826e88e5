package dev.simloop.bench;

import dev.simloop.Loop;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;
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
 * Benchmark 1: one task switch. Each operation is one switch from one body of code to another and
 * the figure is ns per switch: {@value #SWITCHES} switches per invocation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TaskSwitchBench {
    /** Switches per invocation. */
    public static final int SWITCHES = 20_000;

    /**
     * Two simulated tasks ping-ponging with {@link Loop#checkpoint()} under FIFO: each checkpoint
     * unmounts the caller and mounts the other task, so 2 x {@value #SWITCHES}/2 checkpoints are
     * {@value #SWITCHES} switches (plus one simulation's fixed cost, amortised).
     */
    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public long simloopCheckpoint() {
        return simloopCheckpoint(SWITCHES);
    }

    static long simloopCheckpoint(int switches) {
        int perTask = switches / 2;
        return Simulation.builder().seed(1).strategy(Strategy.fifo()).run(() -> TaskGroup.with(g -> {
            long[] n = new long[1];
            for (int t = 0; t < 2; t++) {
                g.spawn(() -> {
                    for (int i = 0; i < perTask; i++) {
                        n[0]++;
                        Loop.checkpoint();
                    }
                });
            }
            return n;
        })).value()[0];
    }

    /** State of the raw-continuation baseline: one continuation that yields forever. */
    @State(Scope.Thread)
    public static class Cont {
        static final ContinuationScope SCOPE = new ContinuationScope("bench");
        Continuation c;
        long n;

        @Setup(Level.Trial)
        public void setup() {
            c = new Continuation(SCOPE, () -> {
                for (;;) {
                    n++;
                    Continuation.yield(SCOPE);
                }
            });
        }
    }

    /**
     * Baseline: {@code c.run()} + {@code Continuation.yield(scope)} of a bare JDK continuation; one
     * resume-and-yield pair is one switch into and one back out, as a simloop switch is (task
     * unmounts to the driver, the driver mounts the next task).
     */
    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public long continuationYield(Cont s) {
        return continuationYield(s, SWITCHES);
    }

    static long continuationYield(Cont s, int switches) {
        Continuation c = s.c;
        for (int i = 0; i < switches; i++) {
            c.run();
        }
        return s.n;
    }

    /** State of the platform-thread baseline: a partner thread that answers every ping. */
    @State(Scope.Thread)
    public static class Threads {
        volatile int turn;
        volatile boolean stop;
        volatile Thread main;
        Thread partner;

        @Setup(Level.Trial)
        public void setup() {
            stop = false;
            turn = 0;
            partner = Thread.ofPlatform().daemon().name("bench-partner").start(() -> {
                while (!stop) {
                    while (turn != 1) {
                        if (stop) {
                            return;
                        }
                        LockSupport.park(this);
                    }
                    turn = 0;
                    LockSupport.unpark(main);
                }
            });
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            stop = true;
            LockSupport.unpark(partner);
            partner.join();
        }
    }

    /**
     * Baseline: a hand-off between two platform threads with {@link LockSupport#park}/unpark and a
     * volatile turn; each round trip is two switches.
     */
    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public int platformParkUnpark(Threads s) {
        return platformParkUnpark(s, SWITCHES);
    }

    static int platformParkUnpark(Threads s, int switches) {
        s.main = Thread.currentThread();
        for (int i = 0; i < switches / 2; i++) {
            s.turn = 1;
            LockSupport.unpark(s.partner);
            while (s.turn != 0) {
                LockSupport.park(s);
            }
        }
        return s.turn;
    }
}
