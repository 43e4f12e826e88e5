package dev.simloop.explore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Exploration;
import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import org.junit.jupiter.api.Test;

/** A report of a failure after a million steps: its one summary line does not carry lines of megabytes. */
class ExplorationLongLinesTest {
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
        throw new IllegalStateException("x".repeat(1_100_000));
    }

    @Test
    void theReportsToStringCutsLinesOfMoreThanAMillionCharactersAsSimResultDoes() {
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
        assertThat(first.toString()).doesNotContain(line) // the same cut (SimResult's failure is its own matter)
                .contains(", replay " + line.substring(0, 100) + "… (" + line.length() + " characters)]");
    }
}
