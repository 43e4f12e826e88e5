package dev.simloop.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Loop;
import dev.simloop.Priority;
import dev.simloop.PriorityPolicy;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import dev.simloop.sync.PriorityLock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The snippets of docs/priority.md, each run and checked. */
class PrioritySnippetsTest {

    /** The policy example: returns the order in which the two tasks finished. */
    private static List<String> policyExample() {
        // snippet:policy
        List<String> order = new ArrayList<>();
        TaskGroup.with(tg -> {
            tg.spawn("housekeeping", () -> {
                Loop.currentTask().setPriority(Priority.LOW); // 10; lower value = more urgent
                Loop.checkpoint();
                order.add("housekeeping");
            });
            tg.spawn("request", () -> {
                Loop.currentTask().setPriority(Priority.HIGH); // -10
                Loop.checkpoint();
                order.add("request");
            });
            return null;
        });
        // end-snippet
        return order;
    }

    @Test
    void policy() {
        assertThat(Loop.run(PriorityPolicy.standard(), PrioritySnippetsTest::policyExample))
                .containsExactly("request", "housekeeping");
        assertThat(Loop.run(PrioritySnippetsTest::policyExample)).containsExactly("housekeeping", "request");
    }

    // snippet:inversion
    /** The priority-inversion example: returns the event log. */
    static List<String> inversion() {
        List<String> log = new ArrayList<>();
        PriorityLock lock = new PriorityLock("disk");
        Loop.currentTask().setPriority(-100); // main sets the scene first
        TaskGroup.with(tg -> {
            tg.spawn("L", () -> {
                Loop.currentTask().setPriority(10); // low
                try (var _ = lock.hold()) {
                    for (int i = 0; i < 5; i++) {
                        Loop.checkpoint(); // slow work while holding the lock
                    }
                    log.add("L releases");
                }
            });
            while (!lock.isLocked()) {
                Loop.checkpoint();
            }
            for (int m = 1; m <= 3; m++) {
                String name = "M" + m;
                tg.spawn(name, () -> { // medium: busy, never touches the lock
                    for (int i = 0; i < 20; i++) {
                        Loop.checkpoint();
                    }
                    log.add(name + " done");
                });
            }
            tg.spawn("H", () -> {
                Loop.currentTask().setPriority(-10); // high
                try (var _ = lock.hold()) { // L now runs with priority -10
                    log.add("H has the lock");
                }
            });
            return null;
        });
        return log;
    }
    // end-snippet

    @Test
    void inversionIsSolvedByInheritance() {
        // snippet:inversion-run
        SimResult<List<String>> r = Simulation.builder()
                .priorityPolicy(PriorityPolicy.standard())
                .strategy(Strategy.fifo())
                .run(() -> inversion());
        // end-snippet
        assertThat(r.value()).containsExactly("L releases", "H has the lock", "M1 done", "M2 done", "M3 done");
        for (long seed = 0; seed < 20; seed++) {
            List<String> explored = Simulation.builder().seed(seed).priorityPolicy(PriorityPolicy.standard())
                    .run(PrioritySnippetsTest::inversion).value();
            assertThat(explored.subList(0, 2)).containsExactly("L releases", "H has the lock");
        }
    }

    @Test
    void boosting() {
        // snippet:boost
        PriorityPolicy policy = PriorityPolicy.boostAfter(50); // the default is 1000 steps
        // end-snippet
        List<String> log = Simulation.builder().strategy(Strategy.fifo()).priorityPolicy(policy).run(() -> {
            List<String> l = new ArrayList<>();
            TaskGroup.with(tg -> {
                tg.spawn(() -> {
                    Loop.currentTask().setPriority(10);
                    Loop.checkpoint();
                    l.add("background");
                });
                tg.spawn(() -> {
                    for (int i = 0; i < 200; i++) {
                        Loop.checkpoint();
                        l.add("busy");
                    }
                });
                return null;
            });
            return l;
        }).value();
        // passed over for 50 steps, the background task runs although the busy one is more urgent
        assertThat(log.indexOf("background")).isEqualTo(49);
    }
}
