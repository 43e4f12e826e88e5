package dev.simloop.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.simloop.junit.fixtures.ScaleOutFixtures;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * A child JVM's main for {@link ShardJvmsTest}: runs one fixture class as a CI shard would (the
 * shard, results file or replay line come as {@code -Dsimloop.*} system properties) and prints
 * what its schedules saw ({@code LOG ...}) and how each test ended ({@code PASSED} or
 * {@code FAILED <cause>}, then {@code REPLAY <line>}).
 */
public final class ShardMain {
    private ShardMain() {
    }

    public static void main(String[] args) throws Exception {
        EngineExecutionResults r = EngineTestKit.engine("junit-jupiter").selectors(selectClass(Class.forName(args[0])))
                .execute();
        ScaleOutFixtures.LOG.forEach(line -> System.out.println("LOG " + line));
        r.testEvents().finished().stream().forEach(e -> {
            TestExecutionResult result = e.getPayload(TestExecutionResult.class).orElseThrow();
            Throwable t = result.getThrowable().orElse(null);
            if (t == null) {
                System.out.println("PASSED");
            } else {
                System.out.println("FAILED " + (t.getCause() == null ? t : t.getCause()).toString().replace('\n', ' '));
                if (t instanceof SimulatedLoopFailure f) {
                    System.out.println("REPLAY " + f.replayLine());
                    System.out.println("INDEX " + f.scheduleIndex());
                }
            }
        });
    }
}
