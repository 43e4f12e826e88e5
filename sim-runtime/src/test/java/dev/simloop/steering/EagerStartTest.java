package dev.simloop.steering;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Loop;
import dev.simloop.Strategy;
import dev.simloop.Task;
import dev.simloop.TaskGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** TaskGroup.spawnEager: the child runs at once until it blocks, then the caller, before anyone else. */
class EagerStartTest {
    /** asynkit's log example: the caller logs a, b, c around a child that logs 1 and 2. */
    static List<Object> logExample(boolean eager) {
        List<Object> log = new ArrayList<>();
        TaskGroup.with(tg -> {
            log.add("a");
            Task<Void> child = eager ? tg.spawnEager("test", () -> work(log)) : tg.spawn("test", () -> work(log));
            log.add("b");
            Loop.sleep(Duration.ofMillis(100));
            log.add("c");
            child.join();
            return null;
        });
        return log;
    }

    private static void work(List<Object> log) {
        log.add(1);
        Loop.sleep(Duration.ofMillis(200));
        log.add(2);
    }

    @ParameterizedTest(name = "simulated={0}")
    @ValueSource(booleans = {false, true})
    void eagerStartRunsTheChildFirstAndPlainSpawnAfterTheCallerBlocks(boolean simulated) {
        assertThat(BothModes.run(simulated, () -> logExample(true))).containsExactly("a", 1, "b", "c", 2);
        assertThat(BothModes.run(simulated, () -> logExample(false))).containsExactly("a", "b", 1, "c", 2);
    }

    @ParameterizedTest(name = "simulated={0}")
    @ValueSource(booleans = {false, true})
    void aChildThatNeverBlocksIsDoneWhenSpawnEagerReturns(boolean simulated) {
        String r = BothModes.run(simulated, () -> TaskGroup.with(tg -> {
            Task<Integer> t = tg.spawnEager("quick", () -> 42);
            return t.isDone() + " " + t.join();
        }));
        assertThat(r).isEqualTo("true 42");
    }

    @ParameterizedTest(name = "simulated={0}")
    @ValueSource(booleans = {false, true})
    void nestedEagerStartsUnwindDepthFirstBeforeOtherReadyTasks(boolean simulated) {
        List<String> log = BothModes.run(simulated, () -> {
            List<String> l = new ArrayList<>();
            TaskGroup.with(tg -> {
                tg.spawn("other", () -> l.add("other"));
                tg.spawnEager("outer", () -> {
                    l.add("outer starts");
                    tg.spawnEager("inner", () -> {
                        l.add("inner starts");
                        Loop.checkpoint();
                        l.add("inner ends");
                    });
                    l.add("outer after inner");
                    Loop.checkpoint();
                    l.add("outer ends");
                });
                l.add("caller");
                return null;
            });
            return l;
        });
        assertThat(log.subList(0, 4)).containsExactly("outer starts", "inner starts", "outer after inner", "caller");
        assertThat(log).containsExactlyInAnyOrder("outer starts", "inner starts", "outer after inner", "caller", "other",
                "inner ends", "outer ends");
    }

    /** An eager start is not a choice: under a random strategy every schedule starts the same way. */
    @Test
    void explorationDoesNotReorderAnEagerStart() {
        for (long seed = 0; seed < 40; seed++) {
            List<Object> log = dev.simloop.Simulation.builder().seed(seed).strategy(Strategy.random())
                    .run(() -> {
                        List<Object> l = new ArrayList<>();
                        TaskGroup.with(tg -> {
                            tg.spawn("noise", () -> l.add("noise"));
                            l.add("a");
                            tg.spawnEager("child", () -> l.add(1));
                            l.add("b");
                            return null;
                        });
                        return l;
                    }).value();
            assertThat(log.indexOf(1)).isEqualTo(log.indexOf("a") + 1);
            assertThat(log.indexOf("b")).isEqualTo(log.indexOf(1) + 1);
        }
    }
}
