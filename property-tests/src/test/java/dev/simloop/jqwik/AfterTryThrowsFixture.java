package dev.simloop.jqwik;

import dev.simloop.Schedule;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeTry;

/**
 * Expected to fail; run only through EngineTestKit by {@link AfterTryThrowsTest}. An {@code @AfterTry}
 * that checks the try's state throws after the check failed on it, as a resource check would.
 */
class AfterTryThrowsFixture {
    /** Two increments of {@code counter[0]}, by read, checkpoint, write: a lost update. */
    static int increments(int[] counter) throws Exception {
        Kernels.racingUpdates(counter);
        if (counter[0] != 2) {
            throw new AssertionError("counter expected 2 but was " + counter[0]);
        }
        return counter[0];
    }

    /** The after-try check throws an exception. */
    static class ExceptionAfterTry {
        int[] counter;

        @BeforeTry
        void open() {
            counter = new int[1];
        }

        @AfterTry
        void close() {
            if (counter[0] != 2) {
                throw new IllegalStateException("after try: counter is " + counter[0]);
            }
        }

        @Property(seed = "42", tries = 1000, afterFailure = AfterFailureMode.RANDOM_SEED)
        void increments(@ForAll Schedule schedule) {
            int[] c = counter;
            Simulations.check(schedule, () -> AfterTryThrowsFixture.increments(c));
        }
    }

    /** The after-try check fails an assertion: an {@code Error}, also when the try is rerun to replay the check. */
    static class AssertionAfterTry {
        int[] counter;

        @BeforeTry
        void open() {
            counter = new int[1];
        }

        @AfterTry
        void close() {
            if (counter[0] != 2) {
                throw new AssertionError("after try: counter is " + counter[0]);
            }
        }

        @Property(seed = "42", tries = 1000, afterFailure = AfterFailureMode.RANDOM_SEED)
        void increments(@ForAll Schedule schedule) {
            int[] c = counter;
            Simulations.check(schedule, () -> AfterTryThrowsFixture.increments(c));
        }
    }
}
