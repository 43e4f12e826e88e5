package dev.simloop.jqwik;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.time.Duration;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * jqwik's bounded shrinking (1.9.3) runs on a pool thread and, when its time runs out, reports the
 * best sample so far without stopping: the shrinking goes on running tries of the property beside
 * simloop's reruns of the failing try, and after the property has ended. simloop runs no try of a
 * property whose execution has returned, so nothing of the property's runs beside its settling or
 * after it.
 */
class BoundedShrinkingTest {

    @Test
    void noTryRunsBesideTheSettlingOrAfterThePropertyWhenJqwiksShrinkingTimesOut() {
        Simulations.ScheduleFailure f = run(BoundedShrinkingFixture.class);
        assertThat(BoundedShrinkingFixture.OVERLAPS.get()).as("bodies that ran beside another").isZero();
        assertThat(BoundedShrinkingFixture.AFTER_END.get()).as("bodies that ran after the property ended").isZero();
        assertThat(f.getSuppressed()).as("no replay went wrong").isEmpty();
        assertThat(f.getMessage()).doesNotContain("not a pin")
                .contains("simulation failed with java.lang.AssertionError: balance expected 150 but was 125");
        assertThat(f.shrunkPreemptions().orElse(f.chessPreemptions())).isEqualTo(1);
    }

    /** Without try state, the replays run the program alone; jqwik's shrinking still runs no body after the property. */
    @Test
    void noTryRunsAfterThePropertyWithoutTryStateWhenJqwiksShrinkingTimesOut() {
        Simulations.ScheduleFailure f = run(BoundedShrinkingNoTryStateFixture.class);
        assertThat(BoundedShrinkingFixture.AFTER_END.get()).as("bodies that ran after the property ended").isZero();
        assertThat(f.getSuppressed()).as("no replay went wrong").isEmpty();
        assertThat(f.getMessage()).doesNotContain("not a pin");
    }

    /**
     * A try that hangs while jqwik shrinks (so its shrinking runs out of time inside it) is waited
     * for a few seconds only: the property ends with the failure jqwik reported, as it would without
     * simloop, not never.
     */
    @Test
    void aTryThatHangsWhileJqwikShrinksDoesNotHangTheProperty() {
        HangWhileShrinkingFixture.BODIES.set(0);
        HangWhileShrinkingFixture.RELEASE = new java.util.concurrent.CountDownLatch(1);
        try {
            Throwable t = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> EngineTestKit.engine("jqwik")
                    .selectors(selectMethod(HangWhileShrinkingFixture.class, "hangsWhileShrinking", "java.util.List"))
                    .configurationParameter("jqwik.database", "")
                    .configurationParameter("jqwik.shrinking.bounded.seconds", "1")
                    .execute().testEvents().failed().stream().findFirst().orElseThrow()
                    .getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow());
            assertThat(t).isInstanceOf(AssertionError.class).hasMessageStartingWith("fails for ");
            assertThat(HangWhileShrinkingFixture.BODIES.get()).as("the first try, then the shrinking's").isGreaterThan(1);
        } finally {
            HangWhileShrinkingFixture.RELEASE.countDown();
            ForkJoinPool.commonPool().awaitQuiescence(60, TimeUnit.SECONDS);
        }
    }

    /**
     * Runs the fixture's property and then waits until jqwik's shrinking thread (the common pool's)
     * has nothing left to run, so that a try it ran after the property is counted.
     */
    private static Simulations.ScheduleFailure run(Class<?> fixture) {
        BoundedShrinkingFixture.RUNNING.set(0);
        BoundedShrinkingFixture.OVERLAPS.set(0);
        BoundedShrinkingFixture.AFTER_END.set(0);
        BoundedShrinkingFixture.ended = false;
        return assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            Simulations.ScheduleFailure f = scheduleFailure(fixture);
            ForkJoinPool.commonPool().awaitQuiescence(60, TimeUnit.SECONDS);
            return f;
        });
    }

    private static Simulations.ScheduleFailure scheduleFailure(Class<?> fixture) {
        var events = EngineTestKit.engine("jqwik")
                .selectors(selectMethod(fixture, "slowAndFailing",
                        "dev.simloop.Schedule, java.util.List"))
                .configurationParameter("jqwik.database", "")
                .configurationParameter("jqwik.shrinking.bounded.seconds", "1")
                .execute().testEvents();
        Throwable t = events.failed().stream().findFirst().orElseThrow(() -> new AssertionError("fixture did not fail"))
                .getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
        while (t != null && !(t instanceof Simulations.ScheduleFailure)) {
            t = t.getCause();
        }
        assertThat(t).as("a ScheduleFailure in the reported failure").isNotNull();
        return (Simulations.ScheduleFailure) t;
    }
}
