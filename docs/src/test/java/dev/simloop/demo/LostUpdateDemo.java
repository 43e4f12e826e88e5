package dev.simloop.demo;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.simloop.SimResult;
import dev.simloop.Simulation;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.EngineFilter;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The demo the README runs ({@code mvn -B -DskipTests -Pdemo -pl docs -am package}): a lost-update race between
 * two deposits, hunted across seeds with {@code Simulation.run}, replayed exactly from the one line
 * the failing run printed, and then found again the way a test suite finds it, through a
 * {@code @SimulatedLoop} test run by the JUnit Platform.
 */
public final class LostUpdateDemo {
    private static final String SOURCES = "docs/src/test/java/dev/simloop/demo/";

    private final PrintStream out;

    LostUpdateDemo(PrintStream out) {
        this.out = out;
    }

    /**
     * Runs the demo.
     *
     * @param args none
     */
    public static void main(String[] args) {
        if (!new LostUpdateDemo(System.out).run()) {
            System.exit(1);
        }
    }

    /** @return whether the demo showed what it promises: a failing seed whose replay is the same run, found by JUnit too */
    boolean run() {
        out.println("simloop demo: two deposits (alice +100, bob +50) race on one account balance.");
        out.println("The program: " + SOURCES + "Account.java; this demo: " + SOURCES + "LostUpdateDemo.java");
        out.println();
        SimResult<Integer> failing = hunt();
        if (failing == null) {
            return false;
        }
        boolean same = replay(failing);
        out.println();
        boolean junit = junitRoute();
        out.println();
        out.println(same && junit
                ? "Done: one seed, one run. Paste a replay line into a test and the race is pinned until it is fixed."
                : "The demo did not go as described: see above.");
        return same && junit;
    }

    private SimResult<Integer> hunt() {
        out.println("1. Hunting with Simulation.run(seed, program), one seed after another (virtual time, "
                + "so each run takes microseconds):");
        long wallStart = System.nanoTime();
        List<String> log = new ArrayList<>();
        for (long seed = 0; seed < 10_000; seed++) {
            log.clear();
            SimResult<Integer> r = Simulation.run(seed, () -> Account.twoDeposits(log));
            if (r.failed()) {
                out.printf(java.util.Locale.ROOT, "   seed %d fails after %.0f ms of wall time%n", seed, (System.nanoTime() - wallStart) / 1e6);
                out.println("   failure:      " + r.failure());
                out.println("   virtual time: " + r.virtualTime().toMillis() + " ms, steps: " + r.steps());
                out.println("   replay line:  " + r.replayLine());
                return r;
            }
            out.println("   seed " + seed + " passes: balance " + r.value());
        }
        out.println("   no failing seed in 10,000 runs");
        return null;
    }

    private boolean replay(SimResult<Integer> failing) {
        out.println();
        out.println("2. Replaying exactly that line with Simulation.builder().replay(line), with a trace:");
        List<String> replayLog = new ArrayList<>();
        SimResult<Integer> replay = Simulation.builder().replay(failing.replayLine()).trace(true)
                .run(() -> Account.twoDeposits(replayLog));
        boolean same = replay.failed()
                && replay.failure().getMessage().equals(failing.failure().getMessage())
                && replay.traceDigest().equals(failing.traceDigest());
        out.println("   failure:      " + replay.failure());
        out.println("   same failure and trace digest (" + replay.traceDigest() + "): " + same);
        out.println();
        out.println("   What happened, in virtual time:");
        replayLog.forEach(line -> out.println("  " + line));
        out.println();
        out.println("   The replay's trace, one column per task:");
        out.println(replay.traceTable(40).orElseThrow().indent(3).stripTrailing());
        return same;
    }

    private boolean junitRoute() {
        out.println("3. The same race as a JUnit 5 test, " + SOURCES + "fixtures/TwoDepositsTest.java:");
        out.println("     @Test @SimulatedLoop(schedules = 100) void twoDepositsAddUp() { Account.twoDeposits(...); }");
        out.println("   Running it with the JUnit Platform launcher; this is the report a test run prints:");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass("dev.simloop.demo.fixtures.TwoDepositsTest"))
                .filters(EngineFilter.includeEngines("junit-jupiter")).build();
        LauncherFactory.create().execute(request, new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.isTest() && result.getStatus() == TestExecutionResult.Status.FAILED) {
                    failure.set(result.getThrowable().orElse(null));
                }
            }
        });
        Throwable t = failure.get();
        if (t == null) {
            out.println("   the test passed in all 100 schedules");
            return false;
        }
        String report = t.getMessage();
        int trace = report.indexOf("\n  trace (last events per task):");
        out.println((trace < 0 ? report : report.substring(0, trace)).indent(3).stripTrailing());
        return report.contains("@SimulatedLoop(replay = \"simloop:1:");
    }
}
