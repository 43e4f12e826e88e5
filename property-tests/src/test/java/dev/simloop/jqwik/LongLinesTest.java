package dev.simloop.jqwik;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.simloop.Loop;
import dev.simloop.Schedule;
import dev.simloop.TaskGroup;
import org.junit.jupiter.api.Test;

/**
 * A failure after many steps: the report offers no code that cannot compile (a string constant
 * holds 65,535 bytes), and cuts a line of more than a million characters, as the JUnit report does.
 */
class LongLinesTest {
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

    private static Simulations.ScheduleFailure failureOf(int checkpoints) {
        return catchThrowableOfType(Simulations.ScheduleFailure.class,
                () -> Simulations.check(Schedule.of(), () -> switchesThenFails(checkpoints)));
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void aLineTooLongForAStringConstantIsShownOnceAndOfferedAsNoCodeToPaste() {
        Simulations.ScheduleFailure f = failureOf(60_000);
        String message = f.getMessage();
        String suggested = f.shrunkReplayLine().orElse(f.replayLine());
        assertThat(suggested.length()).isBetween(Simulations.LONGEST_QUOTED_LINE + 1, Simulations.LONGEST_SHOWN_LINE);
        assertThat(count(message, suggested)).as(message.substring(0, 300)).isEqualTo(1);
        assertThat(message).doesNotContain("replay(\"").doesNotContain("@SimulatedLoop(replay")
                .contains("\n  not a pin: the line is " + suggested.length() + " characters long (a run of many steps):"
                        + " longer than a Java annotation's string or any string constant (65,535 bytes) can hold; it"
                        + " replays from code, Simulation.builder().replay(line).run(program), with the line above, which"
                        + " this ScheduleFailure's " + (f.shrunkReplayLine().isPresent() ? "shrunkReplayLine()" : "replayLine()")
                        + " returns (catch the failure Simulations.check throws to read it)");
    }

    @Test
    void aLineOfMoreThanAMillionCharactersIsCutAndTheMessageStaysShort() {
        Simulations.ScheduleFailure f = failureOf(800_000);
        String message = f.getMessage();
        String found = f.replayLine();
        assertThat(found.length()).isGreaterThan(Simulations.LONGEST_SHOWN_LINE);
        assertThat(message).hasSizeLessThan(3_000).doesNotContain("replay(\"").doesNotContain("@SimulatedLoop(replay")
                .contains("\n  found:  " + found.substring(0, 100) + "… (" + found.length() + " characters, too long to"
                        + " show: this ScheduleFailure's replayLine() returns it whole) (")
                .contains("\n  not a pin: the line is ");
        f.shrunkReplayLine().filter(s -> s.length() > Simulations.LONGEST_SHOWN_LINE).ifPresent(s ->
                assertThat(message).contains("\n  shrunk: " + s.substring(0, 100) + "… (" + s.length() + " characters,"
                        + " too long to show: this ScheduleFailure's shrunkReplayLine() returns it whole) ("));
    }

    @Test
    void theCutsAreTheRuntimes() throws ReflectiveOperationException {
        // this module cannot reach the runtime's SafeText where surefire puts it on the class path beside
        // a runtime on the module path, so it keeps its own lines: the same numbers and text. (Its tests
        // compile as the module, which does not read dev.simloop.internal: reflection, on the class path.)
        Class<?> safeText = Class.forName("dev.simloop.internal.SafeText");
        assertThat(Simulations.LONGEST_QUOTED_LINE).isEqualTo(safeText.getField("LONGEST_QUOTED_LINE").getInt(null));
        assertThat(Simulations.LONGEST_SHOWN_LINE).isEqualTo(safeText.getField("LONGEST_SHOWN_LINE").getInt(null));
        java.lang.reflect.Method line = safeText.getMethod("line", String.class, String.class);
        String huge = "simloop:1:fifo:0:9:" + "A".repeat(Simulations.LONGEST_SHOWN_LINE);
        assertThat(Simulations.shown(huge, ", where")).isEqualTo(line.invoke(null, huge, ", where"));
        String big = "simloop:1:fifo:0:9:" + "A".repeat(Simulations.LONGEST_SHOWN_LINE - 19);
        assertThat(Simulations.shown(big, ", where")).isEqualTo(line.invoke(null, big, ", where")).isEqualTo(big);
        IllegalStateException e = new IllegalStateException("y".repeat(50_000));
        assertThat(Simulations.brief(e)).isEqualTo(safeText.getMethod("brief", Throwable.class).invoke(null, e));
    }
}
