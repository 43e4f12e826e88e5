package dev.simloop.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simloop.CancelScope;
import dev.simloop.Cancelled;
import dev.simloop.TaskGroup;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventTest {
    /** Rule 1: awaiting an event that is already set still checkpoints (others run; cancel raises). */
    @Test
    void awaitingASetEventStillCheckpoints() {
        List<String> log = Sims.fifo(() -> {
            List<String> l = new ArrayList<>();
            Event e = new Event();
            e.set();
            TaskGroup.with(tg -> {
                tg.spawn("a", () -> {
                    l.add("a: await");
                    e.await();
                    l.add("a: done");
                });
                tg.spawn("b", () -> l.add("b: runs"));
                return null;
            });
            CancelScope.run(scope -> {
                scope.cancel();
                assertThatThrownBy(e::await).isInstanceOf(Cancelled.class);
                l.add("cancelled await raised");
                return null;
            });
            return l;
        });
        assertThat(log).containsExactly("a: await", "b: runs", "a: done", "cancelled await raised");
    }

    @Test
    void setWakesWaitersInOrder() {
        List<String> log = Sims.fifo(() -> {
            List<String> l = new ArrayList<>();
            Event e = new Event();
            TaskGroup.with(tg -> {
                for (String n : List.of("x", "y", "z")) {
                    tg.spawn(n, () -> {
                        e.await();
                        l.add(n);
                    });
                }
                Sims.until(() -> e.toString().contains("3 waiting"));
                e.set();
                l.add("set");
                return null;
            });
            return l;
        });
        assertThat(log).containsExactly("set", "x", "y", "z");
    }
}
