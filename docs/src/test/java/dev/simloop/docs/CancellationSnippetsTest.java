package dev.simloop.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.CancelReason;
import dev.simloop.CancelScope;
import dev.simloop.Cancelled;
import dev.simloop.DeadlineExceeded;
import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.Task;
import dev.simloop.sync.Event;
import dev.simloop.TaskGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CancellationSnippetsTest {
    // snippet:slow-call
    static String slowCall() {
        Loop.sleep(Duration.ofSeconds(10));
        return "reply";
    }
    // end-snippet

    @Test
    void timeouts() {
        List<String> log = new ArrayList<>();
        SimResult<Object> r = Simulation.run(1, () -> {
            // snippet:timeouts
            Optional<String> reply = CancelScope.moveOnAfter(Duration.ofSeconds(2), () -> slowCall());
            // reply is empty, and exactly 2 s have passed on the loop clock

            try {
                CancelScope.failAfter(Duration.ofSeconds(2), () -> slowCall());
            } catch (DeadlineExceeded e) {
                log.add("gave up at " + Loop.nanoTime() / 1_000_000_000 + " s");   // 4 s
            }
            // end-snippet
            assertThat(reply).isEmpty();
            return null;
        });
        assertThat(r.failed()).as("%s", r).isFalse();
        assertThat(log).containsExactly("gave up at 4 s");
    }

    @Test
    void levelTriggered() {
        List<String> log = new ArrayList<>();
        SimResult<Object> r = Simulation.run(1, () -> {
            // snippet:level-triggered
            CancelScope.run(scope -> {
                scope.cancel();
                for (int attempt = 1; attempt <= 2; attempt++) {
                    try {
                        Loop.checkpoint();
                    } catch (Cancelled c) {
                        log.add("attempt " + attempt + ": " + c.reason());   // raised again every time
                    }
                }
                return null;
            });
            // end-snippet
            return null;
        });
        assertThat(r.failed()).isFalse();
        assertThat(log).containsExactly("attempt 1: " + CancelReason.EXPLICIT, "attempt 2: " + CancelReason.EXPLICIT);
    }

    @Test
    void shieldedCleanup() {
        List<String> log = new ArrayList<>();
        SimResult<Object> r = Simulation.run(1, () -> {
            // snippet:shielded-cleanup
            CancelScope.moveOnAfter(Duration.ofSeconds(1), () -> {
                try {
                    Loop.sleep(Duration.ofMinutes(1));
                } finally {
                    CancelScope.shielded(() -> {
                        Loop.sleep(Duration.ofMillis(500));   // blocking clean-up still runs
                        log.add("closed at " + Loop.nanoTime() / 1_000_000 + " ms");
                        return null;
                    });
                }
                return null;
            });
            // end-snippet
            return null;
        });
        assertThat(r.failed()).isFalse();
        assertThat(log).containsExactly("closed at 1500 ms");
    }

    @Test
    void movingDeadline() {
        SimResult<Long> r = Simulation.run(1, () -> {
            // snippet:moving-deadline
            CancelScope.run(scope -> {
                scope.setDeadline(Loop.nanoTime() + Duration.ofSeconds(1).toNanos());
                for (int i = 0; i < 5; i++) {
                    Loop.sleep(Duration.ofMillis(600));
                    // still alive: push the deadline out again (a watchdog)
                    scope.setDeadline(Loop.nanoTime() + Duration.ofSeconds(1).toNanos());
                }
                return null;
            });
            // end-snippet
            return Loop.nanoTime();
        });
        assertThat(r.value()).isEqualTo(Duration.ofMillis(3000).toNanos());
    }

    @Test
    void cancellingAGroup() {
        SimResult<Object> r = Simulation.run(1, () -> {
            // snippet:cancel-group
            Object result = TaskGroup.with(tg -> {
                tg.spawn("ticker", () -> {
                    while (true) {
                        Loop.sleep(Duration.ofSeconds(1));
                    }
                });
                Loop.sleep(Duration.ofSeconds(5));
                tg.cancel();          // the ticker gets Cancelled; the group ends normally
                Loop.checkpoint();    // the body is cancelled too: this raises, and with() returns null
                return "unreachable";
            });
            // end-snippet
            assertThat(result).isNull();
            return null;
        });
        assertThat(r.failed()).as("%s", r).isFalse();
        assertThat(r.virtualTime()).isEqualTo(Duration.ofSeconds(5));
    }

    /** The page's wake-beats-cancel snippet; the page says the rule holds in every mode, under every schedule. */
    private static Object wakeBeatsCancel(List<String> log) throws Exception {
        // snippet:wake-beats-cancel
        TaskGroup.with(tg -> {
            Event go = new Event();
            Task<Void> waiter = tg.spawn("waiter", () -> {
                go.await();                      // woken by set() before the cancel: returns normally
                log.add("await returned");
                Loop.checkpoint();               // the cancel is raised here
                log.add("not reached");
                return null;
            });
            Loop.waitAllTasksBlocked();          // the waiter is waiting now
            go.set();
            waiter.cancel();                     // in the same step, after the wake-up
            return null;
        });
        // log: [await returned]
        // end-snippet
        return null;
    }

    @Test
    void wakeBeatsCancelUnderEverySchedulerAndInRealMode() {
        List<Simulation.Builder> builders = new ArrayList<>(List.of(Simulation.builder().strategy(Strategy.fifo())));
        for (long seed = 0; seed < 20; seed++) {
            builders.add(Simulation.builder().seed(seed).strategy(Strategy.random()));
            builders.add(Simulation.builder().seed(seed).strategy(Strategy.pct(3)));
        }
        for (Simulation.Builder b : builders) {
            List<String> log = new ArrayList<>();
            SimResult<Object> r = b.run(() -> wakeBeatsCancel(log));
            assertThat(r.failed()).as("%s", r.failure()).isFalse();
            assertThat(log).as(r.replayLine()).containsExactly("await returned");
        }
        List<String> log = new ArrayList<>();
        Loop.run(() -> wakeBeatsCancel(log));
        assertThat(log).as("real mode").containsExactly("await returned");
    }
}
