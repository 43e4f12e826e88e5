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

    /** A property whose {@code @AfterTry} fails with {@link #afterTry(int)} when the counter is not 2. */
    abstract static class CheckedAfterTry {
        int[] counter;

        @BeforeTry
        void open() {
            counter = new int[1];
        }

        @AfterTry
        void close() throws Throwable {
            if (counter[0] != 2) {
                throw afterTry(counter[0]);
            }
        }

        /** @return what the after-try check throws for a counter of {@code value} */
        abstract Throwable afterTry(int value);

        @Property(seed = "42", tries = 1000, afterFailure = AfterFailureMode.RANDOM_SEED)
        void increments(@ForAll Schedule schedule) {
            int[] c = counter;
            Simulations.check(schedule, () -> AfterTryThrowsFixture.increments(c));
        }
    }

    /** The after-try check throws an exception. */
    static class ExceptionAfterTry extends CheckedAfterTry {
        @Override
        Throwable afterTry(int value) {
            return new IllegalStateException("after try: counter is " + value);
        }
    }

    /** The after-try check fails an assertion: an {@code Error}, also when the try is rerun to replay the check. */
    static class AssertionAfterTry extends CheckedAfterTry {
        @Override
        Throwable afterTry(int value) {
            return new AssertionError("after try: counter is " + value);
        }
    }
}
