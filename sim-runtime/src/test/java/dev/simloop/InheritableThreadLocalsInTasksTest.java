package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.sync.Event;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A task's {@link InheritableThreadLocal}s behave as on any thread although a simulated task that
 * is not running carries no inheritable map (issue 15: the thread guard's map is lent to a task for
 * its step only): values set in one step are there in the next, spawned tasks inherit what their
 * creator had when it spawned them, siblings do not see each other's, and the guard still sees
 * every thread a task creates, in any step.
 */
class InheritableThreadLocalsInTasksTest {
    private static final InheritableThreadLocal<String> USER = new InheritableThreadLocal<>();
    private static final InheritableThreadLocal<String> WITH_INITIAL = new InheritableThreadLocal<>() {
        @Override
        protected String initialValue() {
            return "initial";
        }

        @Override
        protected String childValue(String parentValue) {
            return parentValue + "+child";
        }
    };

    /** What each task saw, in the order the tasks ran (FIFO, in both modes). */
    private static List<String> seenAcrossStepsAndChildren() {
        List<String> seen = new ArrayList<>();
        Event go = new Event();
        TaskGroup.with(g -> {
            g.spawn(TaskOptions.named("before"), () -> {
                go.await();
                seen.add("before=" + USER.get());
            });
            USER.set("main-value");
            g.spawn(TaskOptions.named("after"), () -> {
                seen.add("after=" + USER.get());
                go.await(); // parked, then runs again: still its value
                seen.add("after again=" + USER.get());
                USER.set("after-value");
                Loop.checkpoint();
                seen.add("after set=" + USER.get());
            });
            Loop.checkpoint();
            go.set();
            Loop.checkpoint();
            seen.add("main=" + USER.get());
            return null;
        });
        return seen;
    }

    private static final List<String> EXPECTED = List.of("after=main-value", "before=null",
            "after again=main-value", "main=main-value", "after set=after-value");

    @Test
    void valuesLastAcrossStepsAndPassToTasksSpawnedLaterInASimulation() {
        SimResult<List<String>> r = Simulation.builder().seed(1).strategy(Strategy.fifo())
                .run(InheritableThreadLocalsInTasksTest::seenAcrossStepsAndChildren);
        assertThat(r.failure()).isNull();
        assertThat(r.value()).containsExactlyElementsOf(EXPECTED);
    }

    @Test
    void aValueSetInATasksLastStepIsNotSeenByTheTaskThatRunsNext() {
        // The setter's only step sets the value and ends: its thread drops the lent map as it
        // terminates, so that map (now holding the value) must not be lent to the next task.
        List<String> seen = new ArrayList<>();
        SimResult<Object> r = Simulation.builder().seed(1).strategy(Strategy.fifo()).run(() -> {
            TaskGroup.with(g -> {
                g.spawn(TaskOptions.named("setter"), () -> USER.set("setter's value"));
                g.spawn(TaskOptions.named("next"), () -> {
                    seen.add("next=" + USER.get());
                });
                g.spawn(TaskOptions.named("creator"), () -> {
                    seen.add("creator=" + USER.get());
                    new Thread(() -> { }); // the map lent instead still holds the guard
                });
                return null;
            });
            return null;
        });
        assertThat(seen).containsExactly("next=null", "creator=null");
        assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageStartingWith("task 'creator' created a thread the simulation does not own: a platform thread");
    }

    @Test
    void valuesLastAcrossStepsAndPassToTasksSpawnedLaterInARealLoop() {
        assertThat(Loop.run(InheritableThreadLocalsInTasksTest::seenAcrossStepsAndChildren))
                .containsExactlyElementsOf(EXPECTED);
    }

    @Test
    void anInitialValueReadInOneStepIsTheTasksOwnAndItsChildrenDeriveFromIt() {
        SimResult<List<String>> r = Simulation.builder().seed(1).strategy(Strategy.fifo()).run(() -> {
            List<String> seen = new ArrayList<>();
            TaskGroup.with(g -> {
                g.spawn(() -> {
                    seen.add(WITH_INITIAL.get()); // the initial value becomes this task's
                    Loop.checkpoint();
                    g.spawn(() -> seen.add("child " + WITH_INITIAL.get()));
                    Loop.checkpoint();
                    seen.add(WITH_INITIAL.get());
                });
                g.spawn(() -> seen.add("sibling " + WITH_INITIAL.get()));
                return null;
            });
            return seen;
        });
        assertThat(r.failure()).isNull();
        assertThat(r.value()).containsExactly("initial", "sibling initial", "child initial+child", "initial");
    }

    @Test
    void aThreadCreatedAfterTheTaskWasParkedStillFailsTheRun() {
        SimResult<Object> r = Simulation.run(3, () -> {
            Event e = new Event();
            TaskGroup.with(g -> {
                g.spawn(TaskOptions.named("late"), () -> {
                    e.await();
                    Loop.checkpoint();
                    new Thread(() -> { });
                });
                Loop.checkpoint();
                e.set();
                return null;
            });
            return null;
        });
        assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageStartingWith("task 'late' created a thread the simulation does not own: a platform thread");
    }

    @Test
    void aThreadCreatedByATaskWithInheritableValuesOfItsOwnFailsTheRun() {
        SimResult<Object> r = Simulation.run(3, () -> {
            USER.set("root's");
            TaskGroup.with(g -> {
                g.spawn(TaskOptions.named("heir"), () -> {
                    Loop.checkpoint();
                    assertThat(USER.get()).isEqualTo("root's");
                    new Thread(() -> { });
                });
                return null;
            });
            return null;
        });
        assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageStartingWith("task 'heir' created a thread the simulation does not own: a platform thread");
    }
}
