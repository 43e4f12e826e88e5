package dev.simloop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simloop.Exploration;
import dev.simloop.SimResult;
import dev.simloop.Strategy;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 16: on each time-to-bug kernel, the failure an exploration finds shrinks to exactly the
 * fewest preemptions any failing schedule has, as preemption-bounded search proves (it finds none
 * below that bound and one at it). The shrinking budget is a count of runs, so the result is the
 * same on every machine.
 */
class ShrinkToMinimumTest {
    /**
     * Every kernel but "invariant, 10 writers": eleven tasks choose freely whenever one blocks or
     * ends, so even its schedules without preemptions number in the millions (a million ran without
     * exhausting bound 0), and no search can prove its minimum here.
     */
    static Stream<String> kernels() {
        return TimeToBug.kernels().stream().map(TimeToBug.Kernel::name).filter(n -> !n.equals("invariant, 10 writers"));
    }

    private static TimeToBug.Kernel kernel(String name) {
        return TimeToBug.kernels().stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow();
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void theShrunkFailureHasTheFewestPreemptionsThatPreemptionBoundingProves(String name) {
        TimeToBug.Kernel k = kernel(name);
        Exploration.Report<Object> found = Exploration.of(k.body()).strategy(Strategy.random()).schedules(20_000)
                .shrinkBudget(2_000, Duration.ofMinutes(10)).run();
        SimResult<Object> first = found.firstFailure().orElseThrow();
        SimResult<Object> shrunk = found.shrunkFailure().orElseThrow();
        int minimum = provenMinimum(k, shrunk.preemptions());
        assertEquals(minimum, shrunk.preemptions(), name + ": " + found);
        assertTrue(shrunk.preemptions() <= first.preemptions(), name);
        assertEquals(first.failure().getClass(), shrunk.failure().getClass(), name);
    }

    /** The least bound at which preemption bounding finds the bug, checking every bound below it is exhausted clean. */
    private static int provenMinimum(TimeToBug.Kernel k, int atMost) {
        for (int bound = 0; bound <= atMost; bound++) {
            Exploration.Report<Object> r = Exploration.of(k.body()).preemptionBounded(bound).schedules(1_000_000).run();
            if (r.firstFailure().isPresent()) {
                return r.firstFailure().get().preemptions();
            }
            assertTrue(r.exhausted(), k.name() + " bound " + bound + ": " + r);
        }
        return -1;
    }
}
