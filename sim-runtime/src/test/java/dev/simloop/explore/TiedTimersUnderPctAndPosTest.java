package dev.simloop.explore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.CancelScope;
import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import dev.simloop.sync.Event;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Tied timers are choices under PCT and POS too: both draw among the options, so over a few seeds
 * each order of the tie happens, and every run replays from its line.
 */
class TiedTimersUnderPctAndPosTest {
    private static final Duration SECOND = Duration.ofSeconds(1);

    /** A sleep as long as its timeout: which of the two timers fires first decides the outcome. */
    private static String sleepAsLongAsTheTimeout() {
        return CancelScope.moveOnAfter(SECOND, () -> {
            Loop.sleep(SECOND);
            return "completed";
        }).orElse("timed out");
    }

    /**
     * Three timers at one instant with a task made ready by the first: besides the order of the
     * timers, the ready task may run before the rest fire (the last option).
     */
    private static String workerAnswersAtTheDeadline() {
        Event answered = new Event();
        return TaskGroup.with(tg -> {
            tg.spawn("worker", () -> {
                Loop.sleep(SECOND);
                answered.set();
            });
            tg.spawn("bystander", () -> Loop.sleep(SECOND));
            return CancelScope.moveOnAfter(SECOND, () -> {
                answered.await();
                return "answered";
            }).orElse("timed out");
        });
    }

    /** The outcomes of seeds 0..39, each with the line of its first run, checked to replay. */
    private static Map<String, String> outcomes(Strategy s, dev.simloop.ThrowingSupplier<String> program) {
        Map<String, String> lineByOutcome = new TreeMap<>();
        for (long seed = 0; seed < 40; seed++) {
            SimResult<String> r = Simulation.builder().strategy(s).seed(seed).run(program);
            assertThat(r.failure()).isNull();
            lineByOutcome.putIfAbsent(r.value(), r.replayLine());
        }
        lineByOutcome.forEach((outcome, line) -> assertThat(Simulation.builder().replay(line).run(program).value())
                .as(line).isEqualTo(outcome));
        return lineByOutcome;
    }

    @Test
    void pctDrawsEitherOrderOfATie() {
        assertThat(outcomes(Strategy.pct(2), TiedTimersUnderPctAndPosTest::sleepAsLongAsTheTimeout))
                .containsOnlyKeys("completed", "timed out");
    }

    @Test
    void posDrawsEitherOrderOfATie() {
        assertThat(outcomes(Strategy.pos(), TiedTimersUnderPctAndPosTest::sleepAsLongAsTheTimeout))
                .containsOnlyKeys("completed", "timed out");
    }

    @Test
    void pctAndPosLetAWokenWorkerAnswerBeforeTheDeadlineFires() {
        for (Strategy s : new Strategy[] {Strategy.pct(3), Strategy.pos()}) {
            assertThat(outcomes(s, TiedTimersUnderPctAndPosTest::workerAnswersAtTheDeadline)).as("%s", s)
                    .containsOnlyKeys("answered", "timed out");
        }
    }

    @Test
    void fifoAlwaysLetsTheDeadlineWin() {
        assertThat(outcomes(Strategy.fifo(), TiedTimersUnderPctAndPosTest::workerAnswersAtTheDeadline))
                .containsOnlyKeys("timed out");
    }
}
