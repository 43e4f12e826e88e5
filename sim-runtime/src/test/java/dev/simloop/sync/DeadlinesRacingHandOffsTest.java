package dev.simloop.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.CancelScope;
import dev.simloop.Cancelled;
import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.TaskGroup;
import dev.simloop.ThrowingSupplier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * Across 1,000 seeds, {@code moveOnAfter} deadlines of 0 to 3 ms race the hand-offs of sleepers that
 * release after 0 to 3 ms, so a deadline often fires at the very instant a permit, a lock, a value or
 * a signal is handed to the waiter. Whichever comes first wins, and nothing is lost or granted twice:
 * the permits and the lock are all back at the end, every value a send reported sent is received
 * exactly once, and a condition waiter holds the lock however its wait ends. {@link
 * NoLostWakeupsPropertyTest} does the same for cancels from another task.
 */
class DeadlinesRacingHandOffsTest {
    private static final int SEEDS = 1000;

    private static Duration upTo3ms(RandomGenerator rnd) {
        return Duration.ofMillis(rnd.nextInt(4));
    }

    /** Runs {@code program} on every seed; @return in how many runs a deadline cut a wait short */
    private static int runsWithATimeOut(ThrowingSupplier<Integer> program) {
        int timedOut = 0;
        for (long seed = 0; seed < SEEDS; seed++) {
            SimResult<Integer> r = Simulation.run(seed, program);
            if (r.failed()) {
                throw new AssertionError("seed " + seed + " failed; replay: " + r.replayLine(), r.failure());
            }
            if (r.value() > 0) {
                timedOut++;
            }
        }
        return timedOut;
    }

    @Test
    void aSemaphoreAndAnRLockGetEveryPermitAndHoldBack() {
        int timedOut = runsWithATimeOut(() -> {
            RandomGenerator rnd = Loop.random();
            Semaphore sem = Semaphore.bounded(2, "pool");
            RLock lock = new RLock("R");
            int[] inside = {0, 0}; // in the pool now, most ever
            int[] timeOuts = {0};
            TaskGroup.with(tg -> {
                for (int i = 0; i < 5; i++) {
                    tg.spawn("w" + i, () -> {
                        for (int k = 0; k < 3; k++) {
                            boolean done = CancelScope.moveOnAfter(upTo3ms(rnd), () -> {
                                try (var _ = sem.hold()) {
                                    inside[1] = Math.max(inside[1], ++inside[0]);
                                    try (var _ = lock.hold(); var _ = lock.hold()) {
                                        assertThat(lock.holdCount()).isEqualTo(2);
                                        Loop.sleep(upTo3ms(rnd));
                                    } finally {
                                        inside[0]--;
                                    }
                                }
                                return true;
                            }).isPresent();
                            timeOuts[0] += done ? 0 : 1;
                        }
                    });
                }
                return null;
            });
            assertThat(inside[1]).as("most in the pool at once").isLessThanOrEqualTo(2);
            assertThat(sem.availablePermits()).as("no permit lost or granted twice").isEqualTo(2);
            assertThat(lock.isLocked()).as(lock.toString()).isFalse();
            assertThat(lock.holdCount()).isZero();
            return timeOuts[0];
        });
        assertThat(timedOut).as("runs in which a deadline fired").isGreaterThan(SEEDS / 10);
    }

    @Test
    void aChannelDeliversEveryValueItReportedSentExactlyOnce() {
        int timedOut = runsWithATimeOut(() -> {
            RandomGenerator rnd = Loop.random();
            Channel<Integer> ch = new Channel<>(rnd.nextInt(2), "ch");
            List<Integer> sent = new ArrayList<>();
            List<Integer> received = new ArrayList<>();
            int[] timeOuts = {0};
            TaskGroup.with(tg -> {
                for (int r = 0; r < 2; r++) {
                    tg.spawn("impatient" + r, () -> {
                        try {
                            while (true) {
                                Integer v = CancelScope.moveOnAfter(upTo3ms(rnd), ch::receive).orElse(null);
                                if (v == null) {
                                    timeOuts[0]++;
                                    Loop.sleep(upTo3ms(rnd));
                                } else {
                                    received.add(v);
                                }
                            }
                        } catch (EndOfChannelException end) {
                            // closed and drained
                        }
                    });
                }
                TaskGroup.with(senders -> {
                    for (int s = 0; s < 3; s++) {
                        int first = s * 100;
                        senders.spawn("s" + s, () -> {
                            for (int i = first; i < first + 4; i++) {
                                int v = i;
                                boolean done = CancelScope.moveOnAfter(upTo3ms(rnd), () -> {
                                    ch.send(v);
                                    sent.add(v); // only once send returned
                                    return true;
                                }).isPresent();
                                timeOuts[0] += done ? 0 : 1;
                            }
                        });
                    }
                    return null;
                });
                ch.close();
                return null;
            });
            assertThat(received).as("every value sent, received once").containsExactlyInAnyOrderElementsOf(sent);
            return timeOuts[0];
        });
        assertThat(timedOut).as("runs in which a deadline fired").isGreaterThan(SEEDS / 10);
    }

    @Test
    void aConditionWaiterHoldsTheLockHoweverItsWaitEnds() {
        int timedOut = runsWithATimeOut(() -> {
            RandomGenerator rnd = Loop.random();
            Condition cond = new Condition(new Lock("C"), "items");
            int[] items = {0};
            int[] taken = {0};
            int[] timeOuts = {0};
            TaskGroup.with(tg -> {
                for (int c = 0; c < 3; c++) {
                    tg.spawn("consumer" + c, () -> {
                        for (int k = 0; k < 3; k++) {
                            boolean done = CancelScope.moveOnAfter(upTo3ms(rnd), () -> {
                                try (var _ = cond.hold()) {
                                    try {
                                        while (items[0] == 0) {
                                            cond.await();
                                        }
                                    } catch (Cancelled e) {
                                        assertThat(cond.lock().owner()).as("owner as Cancelled is raised")
                                                .isSameAs(Loop.currentTask());
                                        throw e;
                                    }
                                    items[0]--;
                                    taken[0]++;
                                }
                                return true;
                            }).isPresent();
                            timeOuts[0] += done ? 0 : 1;
                        }
                    });
                }
                tg.spawn("producer", () -> {
                    for (int i = 0; i < 6; i++) {
                        Loop.sleep(upTo3ms(rnd));
                        try (var _ = cond.hold()) {
                            items[0]++;
                            cond.signal();
                        }
                    }
                });
                return null;
            });
            assertThat(items[0] + taken[0]).as("items left and taken").isEqualTo(6);
            assertThat(cond.lock().isLocked()).isFalse();
            assertThat(cond.waiting()).isZero();
            return timeOuts[0];
        });
        assertThat(timedOut).as("runs in which a deadline fired").isGreaterThan(SEEDS / 10);
    }
}
