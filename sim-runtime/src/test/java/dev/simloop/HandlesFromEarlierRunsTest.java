package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A task, group or scope kept from an earlier run (a static field, a test fixture) and used in a
 * later one: the message says whose it is, that its run has ended, and what to do. Before, it said
 * only "belongs to another loop", which reads wrong when that loop's run is over.
 */
class HandlesFromEarlierRunsTest {

    @Test
    void handlesKeptFromAnEndedRunAreRefusedSayingSo() {
        AtomicReference<Task<Integer>> task = new AtomicReference<>();
        AtomicReference<TaskGroup> group = new AtomicReference<>();
        AtomicReference<CancelScope> scope = new AtomicReference<>();
        Simulation.run(1, () -> TaskGroup.with(tg -> {
            group.set(tg);
            task.set(tg.spawn("kept", () -> 1));
            return CancelScope.run(s -> {
                scope.set(s);
                return null;
            });
        }));
        List<String> seen = Simulation.run(2, () -> {
            List<String> messages = new ArrayList<>();
            for (Runnable call : List.<Runnable>of(() -> task.get().join(), () -> group.get().spawn(() -> 2),
                    () -> scope.get().setShielded(true))) {
                try {
                    call.run();
                } catch (IllegalStateException e) {
                    messages.add(e.getMessage());
                }
            }
            return messages;
        }).value();
        String rest = " belongs to another loop, whose run has ended, than the calling task 'main'; use it from its own"
                + " loop's tasks only (keep no task, group or scope of a run, in a static field or a test fixture, for"
                + " later runs)";
        assertThat(seen).containsExactly("Task.join: task 'kept'" + rest, "TaskGroup.spawn: this task group" + rest,
                "CancelScope.setShielded: the scope" + rest);
    }
}
