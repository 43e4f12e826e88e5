package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A trace names the objects a step touched (a {@code Shared}, {@code Loop.checkpoint(touched)}) by
 * their text, which is user code. Before, a {@code toString()} that threw ended a traced run (and so
 * {@code Exploration}, which traces a failure's replay for its report) with that exception instead
 * of the run's failure, and a {@code Shared} of a large collection stored its whole text at every
 * step that read it: megabytes per step, out of memory when a failure was reported.
 */
class TracedUserObjectsTest {
    /** Its text cannot be made yet. */
    static final class Unprintable {
        @Override
        public String toString() {
            throw new NullPointerException("field not set yet");
        }
    }

    private static int readsTwice(Shared<?> shared) {
        TaskGroup.with(tg -> {
            for (int t = 0; t < 2; t++) {
                tg.spawn(() -> {
                    shared.get();
                    shared.get();
                });
            }
            return null;
        });
        throw new AssertionError("the real bug");
    }

    @Test
    void aTouchedObjectWhoseToStringThrowsIsTracedByItsClassAndTheRunsFailureIsKept() {
        SimResult<Integer> r = Simulation.builder().seed(1).trace(true).run(() -> readsTwice(Shared.of(new Unprintable())));
        assertThat(r.failure()).isInstanceOf(AssertionError.class).hasMessage("the real bug");
        assertThat(flat(r.traceTable(200).orElseThrow())).contains("in dev.simloop.Shared (its toString() threw"
                + " java.lang.NullPointerException");
        Exploration.Report<Integer> report = Exploration.of(() -> readsTwice(Shared.of(new Unprintable()))).schedules(3).run();
        assertThat(report.firstFailure().orElseThrow().failure()).hasMessage("the real bug");
    }

    @Test
    void aLargeTouchedObjectIsTracedByTheStartOfItsText() {
        List<Integer> large = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            large.add(i);
        }
        SimResult<Integer> r = Simulation.builder().seed(1).trace(true).run(() -> readsTwice(Shared.of(large)));
        String table = r.traceTable(10_000).orElseThrow();
        assertThat(flat(table)).contains("in Shared[[0, 1, 2, 3,").contains("more characters)");
        assertThat(table.length()).as("each step's text is cut").isLessThan(50_000);
    }

    /** @return the trace table's text without its columns, which wrap a long detail over several lines */
    private static String flat(String table) {
        return table.replaceAll("[\\s|]+", " ");
    }
}
