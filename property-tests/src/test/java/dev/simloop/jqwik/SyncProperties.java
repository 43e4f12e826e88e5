package dev.simloop.jqwik;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Loop;
import dev.simloop.Schedule;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import dev.simloop.sync.Event;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Primitive properties. Only {@link Event} exists on this branch; Lock, Semaphore, Channel and
 * PriorityLock properties are TODO until dev.simloop.sync gains them.
 */
class SyncProperties {

    // (3, Event part) No lost wake-ups: every waiter that is not cancelled returns after set(), even
    // when some waiters are cancelled first.
    @Property(tries = 1000, edgeCases = EdgeCasesMode.MIXIN)
    void eventWakesEveryRemainingWaiter(@ForAll @Size(min = 1, max = 5) List<Boolean> cancelWaiter,
                                        @ForAll @IntRange(max = 4) int setAfter, @ForAll Schedule schedule) {
        AtomicInteger woke = new AtomicInteger();
        long expected = cancelWaiter.stream().filter(c -> !c).count();
        Simulations.check(schedule, Strategy.fifo(), () -> {
            Event event = new Event();
            TaskGroup.with(g -> {
                List<dev.simloop.Task<Object>> waiters = new java.util.ArrayList<>();
                for (int i = 0; i < cancelWaiter.size(); i++) {
                    waiters.add(g.spawn(() -> {
                        event.await();
                        woke.incrementAndGet();
                        return null;
                    }));
                }
                for (int i = 0; i < setAfter; i++) {
                    Loop.checkpoint();
                }
                for (int i = 0; i < cancelWaiter.size(); i++) {
                    if (cancelWaiter.get(i) && !waiters.get(i).isDone()) {
                        waiters.get(i).cancel();
                    }
                }
                event.set();
                assertThat(event.isSet()).isTrue();
                return null;
            });
            return null;
        });
        assertThat((long) woke.get()).isGreaterThanOrEqualTo(expected).isLessThanOrEqualTo(cancelWaiter.size());
    }
}
