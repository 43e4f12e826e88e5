package dev.simloop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simloop.SimResult;
import dev.simloop.Strategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs every benchmark body once, small, and every time-to-bug kernel once under FIFO. Never asserts timings. */
@Timeout(60)
class BenchmarksSmokeTest {
    @Test
    void taskSwitch() throws Exception {
        assertEquals(100, TaskSwitchBench.simloopCheckpoint(100));
        MonitorBench.Echo echo = new MonitorBench.Echo();
        echo.setup();
        assertEquals(100, MonitorBench.oobRoundTrip(echo, 100));
        assertEquals(100, MonitorBench.oobRoundTripInTask(100));
        TaskSwitchBench.Cont c = new TaskSwitchBench.Cont();
        c.setup();
        assertEquals(100, TaskSwitchBench.continuationYield(c, 100));
        TaskSwitchBench.Threads t = new TaskSwitchBench.Threads();
        t.setup();
        try {
            assertEquals(0, TaskSwitchBench.platformParkUnpark(t, 100));
        } finally {
            t.tearDown();
        }
    }

    @Test
    void spawnJoin() throws Exception {
        assertEquals(1, SpawnJoinBench.simulated(10, false));
        assertEquals(1, SpawnJoinBench.simulated(10, true));
        assertEquals(1, SpawnJoinBench.real(10, false));
        assertEquals(1, SpawnJoinBench.real(10, true));
        SpawnJoinBench.Vt vt = new SpawnJoinBench.Vt();
        vt.setup();
        try {
            assertEquals(1, new SpawnJoinBench().virtualThreadExecutor(vt));
        } finally {
            vt.tearDown();
        }
        assertEquals(1, new SpawnJoinBench().structuredTaskScope());
    }

    @Test
    void agentSleepMeasuresOneVirtualHourOnlyWithTheAgent() throws Exception {
        // this JVM has no agent: the body refuses to measure, since Thread.sleep fails the run naming the agent
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> new AgentSleepBench().threadSleepHour());
        assertTrue(e.getMessage().contains("simloop-agent"), e.getMessage());
        assertEquals(java.time.Duration.ofHours(1).toNanos(), new AgentSleepBench().loopSleepHour());
        java.nio.file.Path jar = AgentSleepBench.agentJar();
        org.junit.jupiter.api.Assertions.assertNotNull(jar, "the reactor builds the agent before the benchmarks");
        assertEquals("virtual nanos 3600000000000", AgentSleepBench.runChildWithAgent(jar));
    }

    @Test
    void jdkInterop() {
        assertEquals(10, JdkInteropBench.simulated(() -> JdkInteropBench.executorSubmitGet(10)));
        assertEquals(10, JdkInteropBench.simulated(() -> JdkInteropBench.completableFutureChain(10)));
        assertEquals(10, JdkInteropBench.simulated(() -> JdkInteropBench.spawnJoin(10)));
    }

    @Test
    void userPaths() throws Exception {
        org.junit.platform.launcher.Launcher launcher = org.junit.platform.launcher.core.LauncherFactory.create();
        java.nio.file.Path results = java.nio.file.Files.createTempFile("smoke-results", ".jsonl");
        try {
            UserPathFixtures.reset();
            assertEquals(1, UserPathBench.simulatedLoop(launcher, results, 20));
            // a fresh instance with its @BeforeEach and @AfterEach around each of the 20 schedules
            assertEquals(20, UserPathFixtures.RUNS.sum());
            assertEquals(20, UserPathFixtures.BEFORE.sum());
            assertEquals(20, UserPathFixtures.AFTER.sum());
            assertTrue(java.nio.file.Files.readString(results).contains("\"run\":20"), "the results file has the test's line");
            UserPathFixtures.reset();
            UserPathBench.LoopTimes times = new UserPathBench.LoopTimes();
            times.clear();
            try (UserPathBench.Caller second = new UserPathBench.Caller()) {
                assertEquals(4, UserPathBench.parallelRound(launcher, results, second, 20, times));
                // 20 schedules on one thread, then 20 on two, then 20 on each of two callers at once
                assertEquals(80, UserPathFixtures.RUNS.sum());
                assertEquals(80, UserPathFixtures.AFTER.sum());
                assertTrue(times.simulatedLoopOneThread() > 0 && times.simulatedLoopTwoThreads() > 0
                        && times.simulatedLoopTwoIndependentRuns() > 0);
                assertTrue(java.nio.file.Files.readString(results).lines().filter(l -> l.contains("\"run\":20")).count() >= 4,
                        "each of this caller's runs has its line in the results file");
                assertTrue(java.nio.file.Files.readString(second.results).contains("\"run\":20"),
                        "the second caller's run has its line in its own results file");
            }
            UserPathFixtures.reset();
            assertEquals(1, UserPathBench.jqwikProperty(launcher, 20));
            assertEquals(20, UserPathFixtures.RUNS.sum());
            UserPathFixtures.reset();
            assertEquals(1, UserPathBench.jqwikAlone(launcher, 20));
            assertEquals(20, UserPathFixtures.RUNS.sum());
        } finally {
            java.nio.file.Files.deleteIfExists(results);
        }
    }

    @Test
    void stsWithAVirtualOwner() throws Exception {
        assertEquals(1, SpawnJoinBench.structuredTaskScopeVirtualOwner(10));
    }

    @Test
    void firstSimulationChildRuns() throws Exception {
        FirstSimulation.Times t = FirstSimulation.runChild("simulation");
        assertTrue(t.process() > 0 && t.inMain() > 0 && t.inMain() < t.process(), t.toString());
        FirstSimulation.Times whole = FirstSimulation.runChild(FirstSimulation.WHOLE_CLASS_PATH);
        assertTrue(whole.inMain() > 0, whole.toString());
    }

    @Test
    void parallelExplorationRunsEveryScheduleOfEachKindAndTimesEach() throws Exception {
        ParallelExplorationBench b = new ParallelExplorationBench();
        b.startSecondCaller();
        try {
            ParallelExplorationBench.Times times = new ParallelExplorationBench.Times();
            times.clear();
            assertTrue(Double.isNaN(times.oneThread()), "no round yet: no figure");
            assertEquals(ParallelExplorationBench.SCHEDULES_PER_ROUND, b.round(times));
            assertEquals(ParallelExplorationBench.SCHEDULES_PER_ROUND, b.round(times));
            for (double nsPerSchedule : new double[] {times.oneThread(), times.twoThreads(),
                    times.twoIndependentExplorations()}) {
                // a schedule of the kernel takes microseconds, never less than 100 ns or more than a second
                assertTrue(nsPerSchedule > 100 && nsPerSchedule < 1e9, String.valueOf(nsPerSchedule));
            }
        } finally {
            b.stopSecondCaller();
        }
    }

    @Test
    void theSpeedUpsRunLongerWhenTheReportSelectsThem() {
        assertEquals("ParallelExplorationBench\\.round$|UserPathBench\\.simulatedLoopParallelRound$",
                Report.longBenchmarksIn("dev\\.simloop\\.bench\\..*Bench\\."));
        assertEquals("ParallelExplorationBench\\.round$", Report.longBenchmarksIn("ParallelExplorationBench"));
        assertEquals("UserPathBench\\.simulatedLoopParallelRound$", Report.longBenchmarksIn("UserPathBench"));
        assertEquals(null, Report.longBenchmarksIn("TimerBench"));
        // the other benchmarks' run leaves them out, and only them
        java.util.regex.Pattern out = java.util.regex.Pattern.compile(Report.LONG_BENCH);
        assertTrue(out.matcher("dev.simloop.bench.UserPathBench.simulatedLoopParallelRound").find());
        assertFalse(out.matcher("dev.simloop.bench.UserPathBench.simulatedLoop").find());
        assertFalse(out.matcher("dev.simloop.bench.UserPathBench.jqwikProperty").find());
    }

    @Test
    void rowEightsFiguresAreTheRoundsCountersUnderTheirOwnNames() {
        java.util.Map<String, org.openjdk.jmh.results.ScalarResult> secondary = new java.util.HashMap<>();
        secondary.put("oneThread", new org.openjdk.jmh.results.ScalarResult("oneThread", 2400, "#",
                org.openjdk.jmh.results.AggregationPolicy.SUM));
        secondary.put("twoThreads", new org.openjdk.jmh.results.ScalarResult("twoThreads", 1250, "#",
                org.openjdk.jmh.results.AggregationPolicy.SUM));
        secondary.put("gc.alloc.rate", new org.openjdk.jmh.results.ScalarResult("gc.alloc.rate", 900, "MB/sec",
                org.openjdk.jmh.results.AggregationPolicy.AVG));
        java.util.Map<String, Report.Figure> figs = Report.interleavedFigures("ParallelExplorationBench.round", secondary, 4500);
        assertEquals(java.util.Set.of("ParallelExplorationBench.oneThread", "ParallelExplorationBench.twoThreads"),
                figs.keySet());
        assertEquals(2400, figs.get("ParallelExplorationBench.oneThread").score());
        assertEquals(1250, figs.get("ParallelExplorationBench.twoThreads").score());
        assertEquals(4500, figs.get("ParallelExplorationBench.twoThreads").allocNorm());
        assertTrue(Report.interleavedFigures("ExplorationBench.lostUpdate", java.util.Map.of(), 0).isEmpty());
    }

    @Test
    void rowEightIsPrintedBesideItsControl() {
        java.util.Map<String, Report.Figure> figs = java.util.Map.of(
                "ParallelExplorationBench.oneThread", new Report.Figure(5000, 100, 4800),
                "ParallelExplorationBench.twoThreads", new Report.Figure(2500, 100, 4800),
                "ParallelExplorationBench.twoIndependentExplorations", new Report.Figure(3125, 100, 4800));
        assertEquals("exploration on 2 threads: 2.00x the schedules/s of 1 thread; two independent 1-thread explorations"
                + " at once (the control): 1.60x\n", Report.parallelSpeedUps(figs));
        assertEquals("", Report.parallelSpeedUps(java.util.Map.of()));
        java.util.Map<String, Report.Figure> withFloor = new java.util.HashMap<>(figs);
        withFloor.put("VirtualThreadFloorBench.randomSwitchesOnOneCarrier", new Report.Figure(1500, 10, 0));
        withFloor.put("VirtualThreadFloorBench.randomSwitchesOnTwoThreads", new Report.Figure(1250, 10, 0));
        assertEquals("exploration on 2 threads: 2.00x the schedules/s of 1 thread; two independent 1-thread explorations"
                + " at once (the control): 1.60x; the kernel on bare virtual threads (row 10's floor) on 2 threads: 1.20x\n",
                Report.parallelSpeedUps(withFloor));
        withFloor.put("UserPathBench.simulatedLoopOneThread", new Report.Figure(2600, 10, 0));
        withFloor.put("UserPathBench.simulatedLoopTwoThreads", new Report.Figure(1625, 10, 0));
        assertTrue(Report.parallelSpeedUps(withFloor).endsWith("; the kernel as a @SimulatedLoop test of 100,000 schedules,"
                + " parallelism = 2 against 1: 1.60x\n"), Report.parallelSpeedUps(withFloor));
        withFloor.put("UserPathBench.simulatedLoopTwoIndependentRuns", new Report.Figure(1400, 10, 0));
        assertTrue(Report.parallelSpeedUps(withFloor).endsWith("parallelism = 2 against 1: 1.60x (its control, two"
                + " independent 1-thread test runs at once: 1.86x)\n"), Report.parallelSpeedUps(withFloor));
    }

    @Test
    void rowTenFloorRunsTheKernelOnBareVirtualThreads() {
        VirtualThreadFloorBench b = new VirtualThreadFloorBench();
        // without switches no update is lost: every schedule ends at 2 x CHECKPOINTS
        assertEquals(2L * ExplorationBench.CHECKPOINTS * ExplorationBench.RUNS, b.noSwitches());
        long withSwitches = b.randomSwitches();
        VirtualThreadFloorBench.TwoCarriers two = new VirtualThreadFloorBench.TwoCarriers();
        VirtualThreadFloorBench.CarrierTimes times = new VirtualThreadFloorBench.CarrierTimes();
        times.clear();
        two.start();
        long round;
        long oneCarrier;
        long bothCarriers;
        try {
            // one carrier's schedules, then both carriers': the same kernel, each carrier with its own seeds
            round = b.twoCarriersRound(two, times);
            oneCarrier = two.carriers.runOnFirst(1, ExplorationBench.RUNS);
            bothCarriers = two.carriers.runEach(ExplorationBench.RUNS);
        } finally {
            two.stop();
        }
        // a schedule ends with a counter of at least CHECKPOINTS (the last writer's own updates
        // follow each other: no switch between a write and its next read) and, when it lost some,
        // below 2 x CHECKPOINTS; so RUNS schedules sum to at most 2 x CHECKPOINTS x RUNS, and only
        // two carriers' together exceed it (fixed seeds: the same sums every run)
        long perRunsMin = (long) ExplorationBench.CHECKPOINTS * ExplorationBench.RUNS;
        long perRunsMax = 2 * perRunsMin;
        assertTrue(oneCarrier >= perRunsMin && oneCarrier < perRunsMax, "one carrier's schedules, some updates lost: " + oneCarrier);
        assertTrue(bothCarriers > perRunsMax && bothCarriers < 2 * perRunsMax, "both carriers' schedules: " + bothCarriers);
        long rounds = VirtualThreadFloorBench.CARRIER_RUNS / ExplorationBench.RUNS; // a round's halves run that many times RUNS
        assertTrue(round >= 3 * rounds * perRunsMin && round < 3 * rounds * perRunsMax, "a round: one carrier's, then both's: " + round);
        for (double nsPerSchedule : new double[] {times.randomSwitchesOnOneCarrier(), times.randomSwitchesOnTwoThreads()}) {
            assertTrue(nsPerSchedule > 10 && nsPerSchedule < 1e9, String.valueOf(nsPerSchedule));
        }
        assertTrue(withSwitches < 2L * ExplorationBench.CHECKPOINTS * ExplorationBench.RUNS, "random's switches lose updates");
        // root's start, each worker's one run, root's resume; random switches about half its checkpoints
        assertEquals(4.0, VirtualThreadFloorBench.mountsPerSchedule(false, 100));
        double mounts = VirtualThreadFloorBench.mountsPerSchedule(true, 1_000);
        assertTrue(mounts > 10 && mounts < 16, "mounts per schedule with random's switches: " + mounts);
    }

    @Test
    void spawnJoinFloorJoinsEveryChildOnBareVirtualThreads() {
        VirtualThreadFloorBench.SpawnJoin floor = new VirtualThreadFloorBench.SpawnJoin();
        assertEquals(300, floor.run(300));
        // the parent's start, then per child: the child's one run and the parent's resume
        assertEquals(1 + 2 * 300, floor.mounts);
        assertEquals(SpawnJoinBench.CHILDREN, new VirtualThreadFloorBench().spawnJoin());
    }

    @Test
    void spawnJoinIsPrintedBesideItsFloor() {
        java.util.Map<String, Report.Figure> figs = java.util.Map.of(
                "VirtualThreadFloorBench.spawnJoin", new Report.Figure(250, 5, 0),
                "SpawnJoinBench.structuredTaskScopeVirtualOwner", new Report.Figure(1000, 50, 0),
                "SpawnJoinBench.simulatedOneGroup", new Report.Figure(300, 5, 0));
        assertEquals("U5's floor, spawn + join on bare virtual threads (no simloop code, one carrier): 250 ns per child"
                + " = 0.25x StructuredTaskScope with a virtual-thread owner; simloop's simulated: 1.20x that floor\n",
                UserPathRows.spawnJoinFloor(figs));
        assertEquals("", UserPathRows.spawnJoinFloor(java.util.Map.of()));
    }

    @Test
    void rowTenIsPrintedBesideItsFloor() {
        java.util.Map<String, Report.Figure> figs = java.util.Map.of(
                "SimulationRunBench.rawSwitch", new Report.Figure(100, 1, 0),
                "VirtualThreadFloorBench.randomSwitches", new Report.Figure(2500, 10, 0),
                "VirtualThreadFloorBench.noSwitches", new Report.Figure(900, 10, 0),
                "ExplorationBench.lostUpdate[random]", new Report.Figure(4000, 10, 0));
        assertEquals("row 10's floor, the kernel on bare virtual threads (no simloop code): 2,500 ns = 25.0 raw switches"
                + " with random's switches (12.5 mounts per schedule), 900 ns = 9.0 without switches (4.0 mounts);"
                + " simloop's random: 1.60x that floor\n", Report.rowTenFloor(figs, 12.5, 4.0));
        assertEquals("", Report.rowTenFloor(java.util.Map.of(), 12.5, 4.0));
        assertEquals("", Report.rowTenFloor(java.util.Map.of())); // no floor measured: its mounts are not counted
        assertTrue(Report.rowTenFloor(figs).contains(" with random's switches ("), Report.rowTenFloor(figs));
    }

    @Test
    void aFirstSimulationChildHasTheProgramsClassPathOnly() throws Exception {
        // the runtime and the benchmark classes: one entry each (or one, when they share it), not JMH or JUnit
        String[] entries = FirstSimulation.programClassPath().split(java.io.File.pathSeparator);
        assertTrue(entries.length <= 2 && String.join(" ", entries).contains("sim-runtime"), String.join(" ", entries));
    }

    @Test
    void exploration() {
        int failed = ExplorationBench.lostUpdate(Strategy.random(), 0, 20);
        assertTrue(failed > 0, "random finds lost updates in 20 runs");
        assertEquals(20, ExplorationBench.bareSimulation(Strategy.random(), 0, 20));
        for (String s : Report.exploredStrategies()) {
            assertEquals(5, ExplorationBench.bareSimulation(Strategy.parse(s), 0, 5));
        }
    }

    @Test
    void timers() {
        long[] sleeps = TimerBench.sleeps(100, 42);
        long max = 0;
        for (long d : sleeps) {
            max = Math.max(max, d);
        }
        assertEquals(max, TimerBench.sleepers(sleeps));
        assertEquals(0, TimerBench.checkpointers(100));
        // timer events: each task sleeps its ten durations in a row, so the run ends at the longest sum
        long longest = 0;
        for (int t = 0; t < sleeps.length / TimerBench.SLEEPS_PER_TASK; t++) {
            long sum = 0;
            for (int i = 0; i < TimerBench.SLEEPS_PER_TASK; i++) {
                sum += sleeps[t * TimerBench.SLEEPS_PER_TASK + i];
            }
            longest = Math.max(longest, sum);
        }
        assertEquals(longest, TimerBench.timerEvents(sleeps));
    }

    @Test
    void lock() {
        assertEquals(100, dev.simloop.Simulation.run(1, () -> LockBench.lockLoop(100)).value());
        assertEquals(100, dev.simloop.Loop.run(() -> LockBench.lockLoop(100)));
        assertEquals(1, new LockBench().reentrantLock());
    }

    @Test
    void parkedTasks() {
        long[] r = ParkedTasks.measure(1_000);
        assertTrue(r[1] > 0);
    }

    @Test
    void manyReadyEndsEveryTaskUnderEachStrategy() {
        for (String s : new String[] {"fifo", "random", "pct(3)", "pos", "spawnerfirst"}) {
            assertEquals(3_000, ManyReady.run(3_000, dev.simloop.Strategy.parse(s)), s);
        }
    }

    @Test
    void parkedTasksFloorParksEveryThreadAndEndsThemAll() {
        long[] named = ParkedTasks.measureFloor(1_000, true);
        assertEquals(1_000, named[2], "parked while measured");
        assertEquals(1_000, named[3], "ended after");
    }

    @Test
    void timeToBugKernelsPassUnderFifo() {
        for (TimeToBug.Kernel k : TimeToBug.kernels()) {
            SimResult<Object> r = TimeToBug.runOnce(k, Strategy.fifo(), 0);
            assertFalse(r.failed(), () -> k.name() + " fails under FIFO: " + r);
        }
        assertTrue(TimeToBug.available().contains(Strategy.random()));
    }

    @Test
    void timeToBugTable() {
        String t = TimeToBug.table(2, 200);
        assertTrue(t.contains("lost update"), t);
    }

    @Test
    void runtimePathsOneRunAtATime() {
        SimulationRunBench b = new SimulationRunBench();
        assertEquals(1, b.trivialRun());
        int lost = 0;
        for (int i = 0; i < 50; i++) {
            int v = b.kernelPerSeed();
            assertTrue(v >= ExplorationBench.CHECKPOINTS && v <= 2 * ExplorationBench.CHECKPOINTS, "counter " + v);
            lost += v < 2 * ExplorationBench.CHECKPOINTS ? 1 : 0;
        }
        assertTrue(lost > 0, "the default strategy loses an update within 50 seeds");
        assertEquals(51, b.seed, "one seed per run");
    }
}
