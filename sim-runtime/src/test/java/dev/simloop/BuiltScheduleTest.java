package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A built schedule (choices with no run behind them, what jqwik generates and shrinks) never prints
 * like a replay line, and a replay of one is refused with the way out instead of failing at its
 * first missing choice.
 */
class BuiltScheduleTest {

    private static int twoTasks() {
        int[] count = {0};
        TaskGroup.with(tg -> {
            for (int i = 0; i < 2; i++) {
                tg.spawn(() -> {
                    int seen = count[0];
                    Loop.sleep(Duration.ZERO);
                    count[0] = seen + 1;
                });
            }
            return null;
        });
        return count[0];
    }

    @Test
    void aBuiltSchedulePrintsAsTheJavaThatMakesIt() {
        assertThat(Schedule.of(1, 0, 2)).hasToString("Schedule.of(1, 0, 2)");
        assertThat(Schedule.fifo()).hasToString("Schedule.of()");
        assertThat(Schedule.of(java.util.List.of(7))).hasToString("Schedule.of(7)");
    }

    @Test
    void aRecordedSchedulePrintsAsItsReplayLine() {
        SimResult<Integer> r = Simulation.run(3, BuiltScheduleTest::twoTasks);
        Schedule recorded = Schedule.parse(r.replayLine());
        assertThat(recorded.toString()).isEqualTo(r.replayLine()).startsWith("simloop:1:random:3:");
    }

    @Test
    void parseReadsTheBuiltFormWithOrWithoutSpaces() {
        assertThat(Schedule.parse("Schedule.of(1,0, 2)")).isEqualTo(Schedule.of(1, 0, 2));
        assertThat(Schedule.parse(" Schedule.of() ")).isEqualTo(Schedule.fifo());
        assertThat(Schedule.parse(Schedule.of(3, 4).line())).isEqualTo(Schedule.of(3, 4));
    }

    @Test
    void parseRejectsAMalformedBuiltFormSayingWhatIsWrong() {
        assertThatThrownBy(() -> Schedule.parse("Schedule.of(1, 2")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("malformed built schedule: expected 'Schedule.of(c0, c1, ...)' with a closing parenthesis, "
                        + "but found 'Schedule.of(1, 2'");
        assertThatThrownBy(() -> Schedule.parse("Schedule.of(1, x)")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("built schedule choice 1 'x' is not a number: 'Schedule.of(1, x)'");
        assertThatThrownBy(() -> Schedule.parse("Schedule.of(1,,2)")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("built schedule choice 1 '' is not a number: 'Schedule.of(1,,2)'");
        assertThatThrownBy(() -> Schedule.parse("Schedule.of(-1)")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Schedule.of: choice 0 must not be negative, but was -1");
    }

    @Test
    void replayRefusesABuiltScheduleAndSaysWhatToDoInstead() {
        for (String text : new String[] {"Schedule.of(0, 1)", Schedule.of(0, 1).line()}) {
            assertThatThrownBy(() -> Simulation.builder().replay(text)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("'Schedule.of(0, 1)' is a built schedule (a list of choices, such as a generated "
                            + "jqwik sample), not a replay line recorded from a run, so it cannot be replayed: follow "
                            + "its choices with Simulation.builder().followChoices(Schedule.parse(\"...\")), or replay "
                            + "the line a failed run printed (SimResult.replayLine(), the 'replay:' line of a failure "
                            + "message)");
        }
    }

    @Test
    void followingTheBuiltFormRunsThoseChoicesAndRecordsAReplayableLine() {
        SimResult<Integer> followed = Simulation.builder().strategy(Strategy.fifo())
                .followChoices(Schedule.parse("Schedule.of(0, 1)")).run(BuiltScheduleTest::twoTasks);
        Schedule recorded = Schedule.parse(followed.replayLine());
        assertThat(recorded.choices()).startsWith(0, 1);
        SimResult<Integer> again = Simulation.builder().replay(followed.replayLine()).run(BuiltScheduleTest::twoTasks);
        assertThat(again.traceDigest()).isEqualTo(followed.traceDigest());
        assertThat(again.value()).isEqualTo(followed.value());
    }
}
