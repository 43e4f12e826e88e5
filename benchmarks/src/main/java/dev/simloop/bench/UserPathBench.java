package dev.simloop.bench;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.platform.launcher.EngineFilter;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * The paths users take through a test framework (issue 15): the lost-update kernel as a
 * {@code @SimulatedLoop} test and as a jqwik property, both run through
 * the JUnit Platform {@link Launcher} as a build tool runs them (discovery, a fresh test instance
 * and lifecycle per schedule, reports); ns per schedule or try. {@code Simulation.run} and the
 * builder per seed, one run at a time, are {@link SimulationRunBench}'s (rows U1 and U2).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class UserPathBench {
    /** Schedules of the {@code @SimulatedLoop} test per invocation. */
    public static final int SCHEDULES = 10_000;
    /**
     * Schedules of each of {@link #simulatedLoopParallelRound}'s test runs: a test long enough to
     * be worth two threads. Each test run also pays about 3 ms that no parallelism shortens (the
     * launcher's discovery and reports, the extension's set-up, results line and summary); at
     * {@value #SCHEDULES} schedules (some 20 ms) that share alone holds the speed-up near 1.6x.
     */
    public static final int PARALLEL_SCHEDULES = 100_000;
    /** Tries of the jqwik property per invocation. */
    public static final int TRIES = 10_000;

    /** The JUnit Platform, set up once per trial as a build tool sets it up once per run. */
    @State(Scope.Thread)
    public static class Platform {
        Launcher launcher;
        Path results;

        @Setup(Level.Trial)
        public void setup() throws Exception {
            launcher = LauncherFactory.create();
            results = resultsFile();
        }
    }

    /**
     * A second caller for {@link #simulatedLoopParallelRound}'s control: a thread of its own with a
     * launcher of its own, so that its test run goes on beside the benchmark thread's, as two test
     * classes of a build run at once under JUnit's parallel execution.
     */
    @State(Scope.Thread)
    public static class Caller implements AutoCloseable {
        final Launcher launcher = LauncherFactory.create();
        final Path results = resultsFile();
        private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "user-path-second-caller");
            t.setDaemon(true);
            return t;
        });

        /** Starts {@code schedules} of the test on one thread: @return its tests that succeeded (1), when done */
        Future<Long> simulatedLoop(int schedules) {
            return thread.submit(() -> UserPathBench.simulatedLoop(launcher, results, schedules, 1));
        }

        /** Made by JMH, once per trial of {@link #simulatedLoopParallelRound}. */
        public Caller() {
        }

        @Override
        @TearDown(Level.Trial)
        public void close() {
            thread.shutdownNow();
        }
    }

    private static Path resultsFile() {
        try {
            Path file = Files.createTempFile("simloop-bench-results", ".jsonl");
            file.toFile().deleteOnExit();
            return file;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The lost-update kernel as a {@code @SimulatedLoop(schedules = 10000)} test; ns per schedule. */
    @Benchmark
    @OperationsPerInvocation(SCHEDULES)
    public long simulatedLoop(Platform p) {
        return simulatedLoop(p.launcher, p.results, SCHEDULES);
    }

    /**
     * Row 8 for {@code @SimulatedLoop}: the same test with {@code parallelism = 1}, then with
     * {@code parallelism = 2} ({@code simloop.parallelism}), then the control, two test runs with
     * {@code parallelism = 1} at once from two callers (what the machine gives two copies of the
     * work that share nothing of an exploration's), {@value #PARALLEL_SCHEDULES} schedules each, each
     * timed into {@code times}: measured interleaved, as {@link ParallelExplorationBench} measures
     * {@code Exploration}'s, so all three see the same minutes of the host. Each includes the whole
     * test run through the launcher (discovery, the extension's set-up, the summary), as a build
     * runs it.
     */
    @Benchmark
    @OperationsPerInvocation(4 * PARALLEL_SCHEDULES)
    public long simulatedLoopParallelRound(Platform p, Caller second, LoopTimes times) throws Exception {
        return parallelRound(p.launcher, p.results, second, PARALLEL_SCHEDULES, times);
    }

    /** {@link #simulatedLoopParallelRound} with {@code schedules} per run; @return tests that succeeded (4) */
    static long parallelRound(Launcher launcher, Path results, Caller second, int schedules, LoopTimes times)
            throws Exception {
        long t0 = System.nanoTime();
        long passed = simulatedLoop(launcher, results, schedules, 1);
        long t1 = System.nanoTime();
        passed += simulatedLoop(launcher, results, schedules, 2);
        long t2 = System.nanoTime();
        Future<Long> other = second.simulatedLoop(schedules);
        passed += simulatedLoop(launcher, results, schedules, 1) + other.get();
        times.add(schedules, t1 - t0, t2 - t1, System.nanoTime() - t2);
        return passed;
    }

    /**
     * The wall times of {@link #simulatedLoopParallelRound}'s three kinds of test run over one
     * iteration, reported by JMH as ns per schedule of each (see {@link RoundTimes}).
     */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class LoopTimes extends RoundTimes {
        /** Three kinds: the test on one thread, on two, and two one-thread runs at once. */
        public LoopTimes() {
            super(3);
        }

        /** @return ns per schedule of the test with {@code parallelism = 1} */
        public double simulatedLoopOneThread() {
            return perSchedule(0, 1);
        }

        /** @return ns per schedule of the test with {@code parallelism = 2} */
        public double simulatedLoopTwoThreads() {
            return perSchedule(1, 1);
        }

        /** @return ns per schedule of the control, two one-thread runs at once, their schedules together */
        public double simulatedLoopTwoIndependentRuns() {
            return perSchedule(2, 2);
        }
    }

    /** The lost-update kernel as a jqwik {@code @Property} with {@code @ForAll Schedule}; ns per try. */
    @Benchmark
    @OperationsPerInvocation(TRIES)
    public long jqwikProperty(Platform p) {
        return jqwikProperty(p.launcher, TRIES);
    }

    /** Baseline for the jqwik row: the same property with an empty body (jqwik's own work per try); ns per try. */
    @Benchmark
    @OperationsPerInvocation(TRIES)
    public long jqwikAlone(Platform p) {
        return jqwikAlone(p.launcher, TRIES);
    }

    /** Runs {@link UserPathFixtures.JqwikEmpty} with {@code tries} tries; @return tests that succeeded (1). */
    static long jqwikAlone(Launcher launcher, int tries) {
        return run(launcher, "jqwik", UserPathFixtures.JqwikEmpty.class,
                Map.of("jqwik.tries.default", Integer.toString(tries), "jqwik.database", JqwikDatabase.FILE,
                        "jqwik.reporting.onlyfailures", "true"));
    }

    /** Runs {@link UserPathFixtures.SimulatedLoopKernel} with {@code schedules} schedules; @return tests that succeeded (1). */
    static long simulatedLoop(Launcher launcher, Path results, int schedules) {
        return run(launcher, "junit-jupiter", UserPathFixtures.SimulatedLoopKernel.class,
                Map.of("simloop.schedules", Integer.toString(schedules), "simloop.results", results.toString()));
    }

    /** As {@link #simulatedLoop(Launcher, Path, int)}, on {@code parallelism} threads ({@code simloop.parallelism}). */
    static long simulatedLoop(Launcher launcher, Path results, int schedules, int parallelism) {
        return run(launcher, "junit-jupiter", UserPathFixtures.SimulatedLoopKernel.class,
                Map.of("simloop.schedules", Integer.toString(schedules), "simloop.results", results.toString(),
                        "simloop.parallelism", Integer.toString(parallelism)));
    }

    /** Runs {@link UserPathFixtures.JqwikKernel} with {@code tries} tries; @return tests that succeeded (1). */
    static long jqwikProperty(Launcher launcher, int tries) {
        return run(launcher, "jqwik", UserPathFixtures.JqwikKernel.class,
                Map.of("jqwik.tries.default", Integer.toString(tries), "jqwik.database", JqwikDatabase.FILE,
                        "jqwik.reporting.onlyfailures", "true"));
    }

    /** jqwik's failure database, in a temporary directory (not the working directory's .jqwik-database). */
    private static final class JqwikDatabase {
        static final String FILE = create();

        private static String create() {
            try {
                Path dir = Files.createTempDirectory("simloop-bench-jqwik");
                dir.toFile().deleteOnExit();
                Path file = dir.resolve("jqwik-database");
                file.toFile().deleteOnExit();
                return file.toString();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private static long run(Launcher launcher, String engine, Class<?> testClass, Map<String, String> params) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(testClass))
                .filters(EngineFilter.includeEngines(engine))
                .configurationParameters(params)
                .build();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        TestExecutionSummary s = listener.getSummary();
        if (s.getTestsSucceededCount() != 1 || s.getTotalFailureCount() != 0) {
            StringBuilder why = new StringBuilder();
            s.getFailures().forEach(f -> why.append(f.getException()).append('\n'));
            throw new IllegalStateException(testClass.getSimpleName() + ": " + s.getTestsSucceededCount()
                    + " succeeded, " + s.getTotalFailureCount() + " failed\n" + why);
        }
        return s.getTestsSucceededCount();
    }
}
