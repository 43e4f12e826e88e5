package dev.simloop.jqwik;

import dev.simloop.Loop;
import dev.simloop.Schedule;
import dev.simloop.TaskGroup;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeTry;

/** Run only through EngineTestKit by {@link CombinationsTest}: properties that combine a schedule with jqwik's features. */
class CombinationsFixture {
    static final List<String> LOG = new CopyOnWriteArrayList<>();

    int beforeTries;

    @BeforeTry
    void beforeTry() {
        beforeTries++;
        LOG.add("beforeTry");
    }

    @AfterTry
    void afterTry() {
        LOG.add("afterTry");
    }

    /** Two deposits of {@code amount} onto 100, racing: a lost update. */
    static int deposits(int amount) {
        int[] balance = {100};
        TaskGroup.with(g -> {
            for (int t = 0; t < 2; t++) {
                g.spawn(() -> {
                    int read = balance[0];
                    Loop.checkpoint();
                    balance[0] = read + amount;
                    return null;
                });
            }
            return null;
        });
        if (balance[0] != 100 + 2 * amount) {
            throw new AssertionError("amount " + amount + ": balance expected " + (100 + 2 * amount) + " but was "
                    + balance[0]);
        }
        return balance[0];
    }

    @Property(tries = 10, seed = "1")
    void passesWithOtherInputs(@ForAll @IntRange(min = 1, max = 50) int amount, @ForAll Schedule schedule) {
        LOG.add("body beforeTries=" + beforeTries);
        Simulations.check(schedule, () -> {
            Loop.sleep(java.time.Duration.ofMillis(amount));
            return amount;
        });
    }

    @Property(tries = 1000, seed = "42", afterFailure = AfterFailureMode.RANDOM_SEED)
    void failsWithOtherInputs(@ForAll @IntRange(min = 1, max = 50) int amount, @ForAll Schedule schedule) {
        Simulations.check(schedule, () -> deposits(amount));
    }

    @Provide
    Arbitrary<Schedule> tiny() {
        return Schedules.schedules(2, 1);
    }

    @Property(tries = 100, seed = "1")
    void tinySchedulesAreGeneratedExhaustively(@ForAll("tiny") Schedule schedule) {
        LOG.add("tiny " + schedule);
        Simulations.check(schedule, () -> deposits(0));
    }

    @Property(generation = GenerationMode.EXHAUSTIVE)
    void exhaustiveAskedOfSmallSchedules(@ForAll("small") Schedule schedule) {
        LOG.add("small " + schedule);
    }

    @Provide
    Arbitrary<Schedule> small() {
        return Schedules.schedules(6, 2); // 1 + 3 + 9 + ... + 3^6 = 1,093 schedules, beyond the 1,000 tries
    }

    @Property(generation = GenerationMode.EXHAUSTIVE)
    void exhaustiveAskedOfTheDefaultSchedules(@ForAll Schedule schedule) {
        LOG.add("default " + schedule);
    }

    @Property(tries = 5, seed = "1", edgeCases = EdgeCasesMode.FIRST)
    void edgeCasesFirst(@ForAll Schedule schedule) {
        LOG.add("edge " + schedule);
        Simulations.check(schedule, () -> 1);
    }

    /**
     * Discards every try whose amount is even with JUnit 4's {@code org.junit.Assume} inside the run;
     * the odd ones pass.
     */
    @Property(tries = 50, seed = "1")
    void junit4AssumptionsDiscardTries(@ForAll @IntRange(min = 1, max = 50) int amount) {
        Simulations.check(Schedule.of(), () -> {
            org.junit.Assume.assumeTrue("odd amounts only", amount % 2 == 1);
            Loop.checkpoint();
            LOG.add("odd " + amount);
            return amount;
        });
    }
}
