package dev.simloop.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.simloop.junit.fixtures.Fixtures;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Run by {@link ModulePathTest} in a JVM with the runtime on the module path and this extension on
 * the class path (surefire 3.5.4 and newer with a {@code module-info.java}): runs a fixture and
 * prints how its test ended, with the failure's suppressed exceptions.
 */
public final class ModulePathProbe {
    private ModulePathProbe() {
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
