package dev.simloop.jqwik;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/** {@code @SimulatedLoop} on a jqwik property fails it with the way out, instead of running it unsimulated. */
class SimulatedLoopOnPropertyTest {
    @Test
    void aPropertyThatCarriesSimulatedLoopFailsWithoutRunningAndTheOthersRun() {
        SimulatedLoopOnPropertyFixture.BODIES_RUN.set(0);
        var events = EngineTestKit.engine("jqwik").selectors(selectClass(SimulatedLoopOnPropertyFixture.class))
                .configurationParameter("jqwik.database", "").execute().testEvents();

        Map<String, TestExecutionResult> results = events.finished().stream().collect(Collectors.toMap(
                e -> e.getTestDescriptor().getDisplayName(),
                e -> e.getPayload(TestExecutionResult.class).orElseThrow()));
        assertThat(results).containsOnlyKeys("annotatedDirectly", "annotatedThroughAnAnnotation", "notAnnotated");
        assertThat(results.get("notAnnotated").getStatus()).isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
        for (String name : new String[] {"annotatedDirectly", "annotatedThroughAnAnnotation"}) {
            TestExecutionResult r = results.get(name);
            assertThat(r.getStatus()).as(name).isEqualTo(TestExecutionResult.Status.FAILED);
            assertThat(r.getThrowable().orElseThrow()).as(name).isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("@SimulatedLoop on the jqwik property "
                            + SimulatedLoopOnPropertyFixture.class.getName() + "." + name + " has no effect")
                    .hasMessageContaining("take a @ForAll Schedule parameter and run the code with Simulations.check(schedule, () -> ...)")
                    .hasMessageContaining("or make the method a JUnit @Test");
        }
        assertThat(SimulatedLoopOnPropertyFixture.BODIES_RUN).as("only notAnnotated's 3 tries ran").hasValue(3);
        assertThat(events.finished().stream().map(Event::getTestDescriptor).count()).isEqualTo(3);
    }
}
