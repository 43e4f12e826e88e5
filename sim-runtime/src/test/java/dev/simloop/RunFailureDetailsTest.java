package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.sync.Lock;
import org.junit.jupiter.api.Test;

/**
 * What a failed run reports besides its failure: the G1 "Humongous stack chunk" error explained with
 * the task and the flag (and only that error), and a leak found in a run that failed anyway, kept as
 * a suppressed exception of the failure.
 */
class RunFailureDetailsTest {
    @Test
    void aHumongousStackChunkErrorNamesTheTaskAndTheFlagAndKeepsTheJdksErrorAsItsCause() {
        StackOverflowError jdk = new StackOverflowError("Humongous stack chunk");
        SimResult<Object> r = Simulation.builder().strategy(Strategy.fifo()).run(() -> TaskGroup.with(tg -> {
            tg.spawn("deep", () -> {
                throw jdk;
            });
            return null;
        }));
        assertThat(r.failure()).isInstanceOf(StackOverflowError.class).isNotSameAs(jdk)
                .hasMessage("Humongous stack chunk: task 'deep' blocked with a stack larger than half a G1 heap region "
                        + "(deeply nested cancel scopes or recursion). Nest less deeply, or run the JVM with "
                        + "-XX:G1HeapRegionSize=32m")
                .hasCause(jdk);
        assertThat(r.failure().getStackTrace()).isEqualTo(jdk.getStackTrace());
    }

    @Test
    void otherStackOverflowsAreLeftAsTheyAre() {
        StackOverflowError plain = new StackOverflowError();
        StackOverflowError other = new StackOverflowError("something else");
        StackOverflowError explained = new StackOverflowError("Humongous stack chunk");
        explained.initCause(new IllegalStateException("already explained"));
        for (StackOverflowError e : new StackOverflowError[] {plain, other, explained}) {
            SimResult<Object> r = Simulation.builder().strategy(Strategy.fifo()).run(() -> {
                throw e;
            });
            assertThat(r.failure()).isSameAs(e);
        }
    }

    @Test
    void aLeakInARunThatFailedAnywayIsSuppressedInTheFailure() {
        IllegalStateException boom = new IllegalStateException("boom");
        SimResult<Object> r = Simulation.builder().strategy(Strategy.fifo()).run(() -> {
            Lock lock = new Lock("cache");
            TaskGroup.with(tg -> {
                tg.spawn("careless", () -> {
                    lock.acquire();
                });
                return null;
            });
            throw boom;
        });
        assertThat(r.failure()).isSameAs(boom);
        assertThat(boom.getSuppressed()).hasSize(1);
        assertThat(boom.getSuppressed()[0]).isInstanceOf(LeakDetected.class)
                .hasMessageContaining("Lock 'cache' was still held by task 'careless' when it finished");
    }

    @Test
    void aLeakInARunThatPassedIsTheFailure() {
        SimResult<Object> r = Simulation.builder().strategy(Strategy.fifo()).run(() -> {
            Lock lock = new Lock("cache");
            TaskGroup.with(tg -> {
                tg.spawn("careless", () -> {
                    lock.acquire();
                });
                return null;
            });
            return "fine";
        });
        assertThat(r.failure()).isInstanceOf(LeakDetected.class)
                .hasMessageContaining("Lock 'cache' was still held by task 'careless' when it finished");
    }

    /** A report of a failure after a million steps: its one summary line does not carry lines of megabytes. */
    @Test
    void anExplorationReportsToStringCutsLinesOfMoreThanAMillionCharactersAsSimResultDoes() {
        Exploration.Report<Integer> report = Exploration.of(() -> switchesThenFails(800_000))
                .strategy(Strategy.random()).schedules(1).run();
        SimResult<Integer> first = report.firstFailure().orElseThrow();
        String line = first.replayLine();
        assertThat(line.length()).isGreaterThan(1_000_000);
        String text = report.toString();
        assertThat(text).hasSizeLessThan(5_000).doesNotContain(line)
                .contains("; replay " + line.substring(0, 100) + "… (" + line.length()
                        + " characters, too long to show: firstFailure().replayLine() returns it whole)");
        assertThat(text.lines().count()).isEqualTo(1);
        SimResult<Integer> shrunk = report.shrunkFailure().orElseThrow();
        if (!shrunk.replayLine().equals(line)) {
            String s = shrunk.replayLine();
            assertThat(text).contains(": replay " + (s.length() <= 1_000_000 ? s : s.substring(0, 100) + "… ("
                    + s.length() + " characters, too long to show: shrunkFailure().replayLine() returns it whole)"));
        }
        assertThat(first.toString()).doesNotContain(line)
                .contains(", replay " + line.substring(0, 100) + "… (" + line.length() + " characters)]");
    }

    /** Two tasks that switch at each of {@code n} checkpoints, then fail: a long replay line. */
    private static int switchesThenFails(int n) {
        TaskGroup.with(tg -> {
            for (int t = 0; t < 2; t++) {
                tg.spawn(() -> {
                    for (int i = 0; i < n; i++) {
                        Loop.checkpoint();
                    }
                });
            }
            return null;
        });
        throw new IllegalStateException("at the end");
    }

    @Test
    void aFailuresMessageQuotesItsLineInThePastableFormsOnlyWhenTheyCanHoldIt() {
        SimResult<Integer> shortRun = Simulation.run(4, () -> switchesThenFails(3));
        String quoted = messageOf(shortRun);
        assertThat(count(quoted, shortRun.replayLine())).isEqualTo(3);
        assertThat(quoted).endsWith("@SimulatedLoop(replay = \"" + shortRun.replayLine() + "\") reproduces it)");

        SimResult<Integer> longRun = Simulation.run(4, () -> switchesThenFails(60_000));
        assertThat(longRun.replayLine().length()).isGreaterThan(Simulation.LONGEST_QUOTED_LINE);
        String once = messageOf(longRun);
        assertThat(count(once, longRun.replayLine())).isEqualTo(1);
        assertThat(once).endsWith("(Simulation.builder().replay(line), with the line above, reproduces it; at "
                + longRun.replayLine().length() + " characters it is too long for an annotation's string or one"
                + " command-line argument)");

        // a run of a million choices: the message cuts the line and says where to get it whole
        SimResult<Integer> hugeRun = Simulation.run(4, () -> switchesThenFails(800_000));
        assertThat(hugeRun.replayLine().length()).isGreaterThan(Simulation.LONGEST_SHOWN_LINE);
        String cut = messageOf(hugeRun);
        assertThat(cut).doesNotContain(hugeRun.replayLine()).hasSizeLessThan(1_000)
                .contains("\n  replay:       " + hugeRun.replayLine().substring(0, 100) + "… (" + hugeRun.replayLine().length()
                        + " characters)\n")
                .endsWith("(the line is " + hugeRun.replayLine().length() + " characters long, too long for a message:"
                        + " the result's replayLine() returns it whole, and Simulation.builder().replay(line) reproduces it)");
        assertThat(hugeRun.toString()).hasSizeLessThan(1_000).doesNotContain(hugeRun.replayLine());
        // and a failure's message of a megabyte is cut there as in value()'s message
        SimResult<Object> bigMessage = Simulation.run(1, () -> {
            throw new IllegalStateException("m".repeat(1_000_000));
        });
        assertThat(bigMessage.toString()).hasSizeLessThan(3_000).startsWith("SimResult[failed: java.lang.IllegalStateException: mmm");
    }

    private static String messageOf(SimResult<?> r) {
        try {
            r.value();
            throw new AssertionError("the run passed");
        } catch (SimulationFailure f) {
            return f.getMessage();
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            n++;
        }
        return n;
    }
}
