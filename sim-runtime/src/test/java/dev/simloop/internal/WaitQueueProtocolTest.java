package dev.simloop.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simloop.CancelScope;
import dev.simloop.Cancelled;
import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parking lot every primitive waits in: FIFO unparks with replies, carried values, cancels leave no entry. */
class WaitQueueProtocolTest {

    private static <T> T fifo(dev.simloop.ThrowingSupplier<T> main) {
        SimResult<T> r = Simulation.builder().strategy(Strategy.fifo()).run(main);
        return r.value();
    }

    @Test
    void unparkFirstWakesInArrivalOrderAndParkReturnsTheReply() {
        List<String> log = fifo(() -> {
            WaitQueue q = new WaitQueue();
            List<String> out = new ArrayList<>();
            TaskGroup.with(tg -> {
                for (String name : List.of("a", "b", "c")) {
                    tg.spawn(name, () -> out.add(name + " got " + q.park(Current.task("test"), "q")));
                }
                Loop.checkpoint(); // all three park
                assertThat(q.size()).isEqualTo(3);
                assertThat(q.unparkFirst("one").name()).isEqualTo("a");
                assertThat(q.unparkAll("rest")).isEqualTo(2);
                assertThat(q.isEmpty()).isTrue();
                assertThat(q.unparkFirst()).isNull();
                return null;
            });
            return out;
        });
        assertThat(log).containsExactly("a got one", "b got rest", "c got rest");
    }

    @Test
    void anUnparkerTakesWhatAParkedTaskCarries() {
        Object got = fifo(() -> {
            WaitQueue q = new WaitQueue();
            return TaskGroup.with(tg -> {
                tg.spawn("sender", () -> q.park(Current.task("test"), "send", "the value"));
                Loop.checkpoint();
                TaskImpl<?> sender = q.peek();
                Object carried = q.carried(sender);
                q.unpark(sender, WaitQueue.UNPARKED);
                return carried;
            });
        });
        assertThat(got).isEqualTo("the value");
    }

    @Test
    void aCancelledWaiterLeavesTheQueueAndAShieldedOneStaysForItsUnpark() {
        List<String> log = fifo(() -> {
            WaitQueue q = new WaitQueue();
            List<String> out = new ArrayList<>();
            TaskGroup.with(tg -> {
                dev.simloop.Task<Void> cancelled = tg.spawn("cancelled", () -> {
                    try {
                        q.park(Current.task("test"), "q");
                    } catch (Cancelled c) {
                        out.add("cancelled left, queue size " + q.size());
                    }
                    return null;
                });
                dev.simloop.Task<Void> shielded = tg.spawn("shielded", () -> CancelScope.shielded(() -> {
                    out.add("shielded got " + q.park(Current.task("test"), "q")); // the shield hides the cancel
                    return null;
                }));
                Loop.checkpoint(); // both park
                assertThat(q.size()).isEqualTo(2);
                cancelled.cancel();
                shielded.cancel();
                Loop.checkpoint();
                out.add("queue size after the cancels " + q.size());
                q.unparkAll("late");
                return null;
            });
            return out;
        });
        assertThat(log).containsExactly("cancelled left, queue size 1", "queue size after the cancels 1",
                "shielded got late");
    }

    @Test
    void unparkingATaskThatIsNotParkedHereIsRefused() {
        SimResult<Object> r = Simulation.run(1, () -> {
            WaitQueue q = new WaitQueue();
            TaskImpl<?> me = Current.task("test");
            assertThatThrownBy(() -> q.unpark(me, WaitQueue.UNPARKED)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is not parked in this queue");
            assertThatThrownBy(() -> q.carried(me)).isInstanceOf(IllegalStateException.class);
            return null;
        });
        assertThat(r.failed()).as("%s", r.failure()).isFalse();
    }
}
