package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    /** An exception whose text cannot be made yet. */
    static final class UnprintableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        @Override
        public String toString() {
            throw new NullPointerException("message not set yet");
        }
    }

    /** A task waits; main throws an exception whose {@code toString()} throws into it, and it says how its wait ended. */
    private static String throwsAnUnprintableExceptionIn() {
        dev.simloop.sync.Event waiting = new dev.simloop.sync.Event();
        return TaskGroup.with(tg -> {
            Task<String> waiter = tg.spawn(() -> {
                try {
                    waiting.set();
                    Loop.sleep(java.time.Duration.ofSeconds(1));
                    return "slept";
                } catch (UnprintableException e) {
                    return "the exception thrown in ended its wait";
                }
            });
            waiting.await();
            waiter.interrupt(new UnprintableException());
            return waiter.join();
        });
    }

    private static String outcome(SimResult<String> r) {
        return r.failure() == null ? r.value() : "failed with " + r.failure().getClass().getName() + " caused by "
                + (r.failure().getCause() == null ? null : r.failure().getCause().getClass().getName());
    }

    @Test
    void anExceptionThrownInWhoseToStringThrowsIsTracedByItsClassAndTheRunEndsAsUntraced() {
        SimResult<String> untraced = Simulation.builder().seed(1).run(TracedUserObjectsTest::throwsAnUnprintableExceptionIn);
        SimResult<String> traced = Simulation.builder().seed(1).trace(true).run(TracedUserObjectsTest::throwsAnUnprintableExceptionIn);
        // the exception's class, not the exception: a test runner printing it would fail as the trace did
        assertThat(outcome(untraced)).isEqualTo("the exception thrown in ended its wait");
        assertThat(outcome(traced)).isEqualTo(outcome(untraced));
        assertThat(flat(traced.traceTable(200).orElseThrow())).contains("wake exception thrown in: dev.simloop.") // the column wraps
                .contains("$UnprintableException (its toString() threw java.lang.NullPointerException)");
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

    /** No {@code toString} of its own: it prints its class and identity hash, which differ in every run. */
    static final class Plain {
    }

    /** Two tasks touch an object without a text of its own, then a {@code Shared} of one, twice each. */
    private static int touchesObjectsWithoutText() {
        Object token = new Object();
        Shared<Plain> shared = Shared.of(new Plain());
        TaskGroup.with(tg -> {
            for (int t = 0; t < 2; t++) {
                tg.spawn(() -> {
                    Loop.checkpoint(token);
                    shared.get();
                    Loop.checkpoint(token);
                });
            }
            return null;
        });
        throw new AssertionError("the real bug");
    }

    /**
     * An object with no {@code toString} of its own prints its identity hash, which differs in every
     * run: the trace named it so, and two runs of one seed gave tables, Chrome traces and HTML
     * reports that differed. It is named by its class and the order in which the trace first met it.
     */
    @Test
    void anObjectWithoutATextOfItsOwnIsTracedTheSameInEveryRunOfTheSeed(@TempDir java.nio.file.Path dir)
            throws Exception {
        List<String> reports = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            SimResult<Integer> r = Simulation.builder().seed(7).trace(true).run(TracedUserObjectsTest::touchesObjectsWithoutText);
            assertThat(r.failure()).hasMessage("the real bug");
            java.nio.file.Path page = dir.resolve("run" + run + ".html");
            r.writeHtmlReport(page);
            reports.add(r.traceTable(200).orElseThrow() + r.chromeTraceJson().orElseThrow()
                    + java.nio.file.Files.readString(page));
        }
        assertThat(reports.get(1)).isEqualTo(reports.get(0));
        // the table's cells wrap at a dot too: read without its spaces
        assertThat(reports.get(0).replaceAll("[\\s|]+", "")).contains("injava.lang.Object@#1")
                .contains("inShared[" + Plain.class.getName() + "@#2]").doesNotContainPattern("Object@[0-9a-f]");
    }

    /** @return the trace table's text without its columns, which wrap a long detail over several lines */
    private static String flat(String table) {
        return table.replaceAll("[\\s|]+", " ");
    }
}
