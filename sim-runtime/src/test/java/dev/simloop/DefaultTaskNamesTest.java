package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A task spawned without a name is {@code task-<n>}, n its spawn order in its loop (the root is
 * {@code main}), and its thread has the same name: below and above the ids whose names the runtime
 * keeps from one run to the next, and again in a second run.
 */
class DefaultTaskNamesTest {

    @ParameterizedTest
    @EnumSource(Modes.class)
    void anUnnamedTaskAndItsThreadAreNamedAfterItsSpawnOrderInEveryRun(Modes mode) {
        for (int run = 0; run < 2; run++) {
            List<String> seen = mode.run(() -> TaskGroup.with(g -> {
                List<Task<String>> tasks = new ArrayList<>();
                for (int i = 0; i < 300; i++) {
                    tasks.add(g.spawn(() -> Thread.currentThread().getName()));
                }
                List<String> out = new ArrayList<>();
                for (int i : new int[] {0, 1, 254, 255, 256, 299}) {
                    out.add(tasks.get(i).name() + " on " + tasks.get(i).join());
                }
                out.add(Thread.currentThread().getName());
                return out;
            }));
            assertThat(seen).containsExactly("task-1 on task-1", "task-2 on task-2", "task-255 on task-255",
                    "task-256 on task-256", "task-257 on task-257", "task-300 on task-300", "main");
        }
    }

    /** Names are not unique (Task.name()'s Javadoc): a given name is kept as given, even one that another task has. */
    @ParameterizedTest
    @EnumSource(Modes.class)
    void aGivenNameIsKeptEvenWhenAnotherTaskHasIt(Modes mode) {
        List<String> seen = mode.run(() -> TaskGroup.with(g -> {
            List<Task<Integer>> tasks = List.of(g.spawn("worker", () -> 1), g.spawn("worker", () -> 2),
                    g.spawn("task-4", () -> 3), g.spawn(() -> 4));
            List<String> out = new ArrayList<>();
            for (Task<Integer> t : tasks) {
                out.add(t.name() + "=" + t.join());
            }
            return out;
        }));
        assertThat(seen).containsExactly("worker=1", "worker=2", "task-4=3", "task-4=4");
    }
}
