package dev.simloop.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.simloop.junit.fixtures.Fixtures;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Run in a child JVM set up as a user's may be (started without {@code --add-opens}:
 * {@link MissingAddOpensTest}; the runtime on the module path and this extension on the class path:
 * {@link ModulePathTest}): runs a fixture and prints how its test ended, with the failure's
 * suppressed exceptions, so the tests can check what users see.
 */
public final class PlainFixtureProbe {
    private PlainFixtureProbe() {
    }

    public static void main(String[] args) {
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(Fixtures.Plain.class)).execute()
                .testEvents().finished().stream()
                .map(e -> e.getPayload(TestExecutionResult.class).orElseThrow())
                .forEach(r -> {
                    System.out.println("status: " + r.getStatus());
                    r.getThrowable().ifPresent(t -> {
                        System.out.println("failure: " + t);
                        for (Throwable s : t.getSuppressed()) {
                            System.out.println("suppressed: " + s);
                        }
                    });
                });
    }
}
