package dev.simloop.bench;

import dev.simloop.Loop;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Benchmark 4: timers. {@link #timerEvents}: timer events, {@value #SLEEPING_TASKS} tasks each sleeping
 * {@value #SLEEPS_PER_TASK} random virtual durations of up to 24 h in a row; {@link #sleepers}: {@value #TASKS}
 * simulated tasks each sleeping once, so each figure is a task's whole life (spawn, arm, fire,
 * resume and finish).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class TimerBench {
    /** Tasks per simulation. */
    public static final int TASKS = 10_000;

    final long[] sleeps = sleeps(TASKS, 42);

    static long[] sleeps(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] d = new long[n];
        long day = Duration.ofHours(24).toNanos();
        for (int i = 0; i < n; i++) {
            d[i] = 1 + r.nextLong(day);
        }
        return d;
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long sleepers() {
        return sleepers(sleeps);
    }

    static long sleepers(long[] sleeps) {
        return Simulation.builder().seed(1).strategy(Strategy.fifo()).run(() -> {
            TaskGroup.with(g -> {
                for (long d : sleeps) {
                    g.spawn(() -> Loop.sleep(Duration.ofNanos(d)));
                }
                return null;
            });
            return Loop.nanoTime();
        }).value();
    }

    /** Tasks of {@link #timerEvents}: each sleeps {@link #SLEEPS_PER_TASK} times. */
    public static final int SLEEPING_TASKS = 1_000;
    /** Sleeps per task in {@link #timerEvents}. */
    public static final int SLEEPS_PER_TASK = TASKS / SLEEPING_TASKS;

    /**
     * Timer events alone: {@value #SLEEPING_TASKS} tasks each sleep {@value #SLEEPS_PER_TASK} random
     * virtual durations of up to 24 h in a row (the same {@value #TASKS} durations), so each event is
     * an arm, a park, the clock's jump, the fire and a resume, and a task's spawn is spread over ten.
     * The figure is ns per timer event; {@link #sleepers} is the older row 4, one sleep per task.
     */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long timerEvents() {
        return timerEvents(sleeps);
    }

    static long timerEvents(long[] sleeps) {
        return Simulation.builder().seed(1).strategy(Strategy.fifo()).run(() -> {
            TaskGroup.with(g -> {
                for (int t = 0; t < sleeps.length / SLEEPS_PER_TASK; t++) {
                    int first = t * SLEEPS_PER_TASK;
                    g.spawn(() -> {
                        for (int i = first; i < first + SLEEPS_PER_TASK; i++) {
                            Loop.sleep(Duration.ofNanos(sleeps[i]));
                        }
                    });
                }
                return null;
            });
            return Loop.nanoTime();
        }).value();
    }

    /** Baseline: as many tasks, each doing one checkpoint instead of a sleep. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long checkpointers() {
        return checkpointers(TASKS);
    }

    static long checkpointers(int tasks) {
        return Simulation.builder().seed(1).strategy(Strategy.fifo()).run(() -> {
            TaskGroup.with(g -> {
                for (int i = 0; i < tasks; i++) {
                    g.spawn(() -> Loop.checkpoint());
                }
                return null;
            });
            return Loop.nanoTime();
        }).value();
    }
}
