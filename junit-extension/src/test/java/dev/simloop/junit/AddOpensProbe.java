package dev.simloop.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.simloop.junit.fixtures.Fixtures;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Run in a JVM started without {@code --add-opens}: runs a fixture and prints how its test ended,
 * so {@link MissingAddOpensTest} can check the message users see.
 */
public final class AddOpensProbe {
    private AddOpensProbe() {
    }

    public static void main(String[] args) {
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(Fixtures.Plain.class)).execute()
                .testEvents().finished().stream()
                .map(e -> e.getPayload(TestExecutionResult.class).orElseThrow())
                .forEach(r -> {
                    System.out.println("status: " + r.getStatus());
                    r.getThrowable().ifPresent(t -> System.out.println("failure: " + t));
                });
    }
}
