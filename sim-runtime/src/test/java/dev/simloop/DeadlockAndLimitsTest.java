package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simloop.sync.Event;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/** Issue 2, section 2: deadlock reports and the maxSteps / maxVirtualTime guards. */
class DeadlockAndLimitsTest {

    @Test
    void deadlockListsEveryBlockedTaskByNameAndWhatItWaitsOn() {
        SimResult<Object> r = Simulation.run(4, () -> TaskGroup.with(tg -> {
            Event never = new Event();
            Task<Void> waiter = tg.spawn("event-waiter", () -> never.await());
            tg.spawn("joiner", () -> waiter.join());
            tg.spawn("sleeper-then-waiter", () -> {
                Loop.sleep(Duration.ofSeconds(3));
                never.await();
            });
            tg.start("never-started", status -> never.await());
            return null;
        }));
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class);
        String m = r.failure().getMessage();
        assertThat(m).contains("every task is blocked and no timer is pending").contains("virtual time 3s")
                .contains("task 'event-waiter' waits for Event (not set")
                .contains("task 'joiner' waits for task 'event-waiter'")
                .contains("task 'sleeper-then-waiter' waits for Event (not set")
                .contains("task 'main' waits for task 'never-started' to call TaskStatus.started()")
                .contains("task 'never-started' waits for Event (not set");
        assertThat(r.virtualTime()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void deadlockOfAGroupWaitingForItsChildrenNamesTheGroup() {
        SimResult<Object> r = Simulation.run(4, () -> TaskGroup.with(tg -> {
            tg.spawn("child", () -> new Event().await());
            return null;
        }));
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class)
                .hasMessageContaining("task 'main' waits for its task group to finish (1 task still running)")
                .hasMessageContaining("task 'child' waits for Event");
    }

    @Test
    void lockOrderDeadlockOnJavaUtilConcurrentLocksIsReported() {
        ReentrantLock a = new ReentrantLock();
        ReentrantLock b = new ReentrantLock();
        SimResult<Object> r = Simulation.builder().seed(1).strategy(Strategy.fifo()).run(() -> TaskGroup.with(tg -> {
            tg.spawn("ab", () -> {
                a.lockInterruptibly();
                Loop.checkpoint();
                b.lockInterruptibly();
            });
            tg.spawn("ba", () -> {
                b.lockInterruptibly();
                Loop.checkpoint();
                a.lockInterruptibly();
            });
            return null;
        }));
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class)
                .hasMessageContaining("task 'ab' is parked outside simloop on java.util.concurrent.locks.ReentrantLock")
                .hasMessageContaining("task 'ba' is parked outside simloop on java.util.concurrent.locks.ReentrantLock")
                .hasMessageContaining("DeadlockAndLimitsTest");
    }

    @Test
    void realModeDeadlockIsReportedToo() {
        assertThatThrownBy(() -> Loop.run(() -> TaskGroup.with(tg -> {
            tg.spawn("stuck", () -> new Event().await());
            return null;
        }))).isInstanceOf(DeadlockDetected.class).hasMessageContaining("task 'stuck' waits for Event");
    }

    @Test
    void maxStepsStopsALivelockWithAMessageGivingTheLimitAndHowToRaiseIt() {
        SimResult<Object> r = Simulation.builder().seed(2).maxSteps(1_000).run(() -> TaskGroup.with(tg -> {
            for (int i = 0; i < 2; i++) {
                tg.spawn("spinner-" + i, () -> {
                    while (true) {
                        Loop.checkpoint();
                    }
                });
            }
            return null;
        }));
        assertThat(r.failure()).isInstanceOf(LimitExceeded.class).hasMessageContaining("maxSteps = 1000")
                .hasMessageContaining("Simulation.builder().maxSteps(n)");
        assertThat(r.steps()).isEqualTo(1_000);
    }

    /** Polls, with {@code poll} between its checks, for a flag that a task sets after a 5 ms sleep. */
    private static SimResult<Object> pollForASleepersFlag(Runnable poll) {
        return Simulation.builder().seed(2).maxSteps(1_000).run(() -> TaskGroup.with(tg -> {
            boolean[] set = new boolean[1];
            tg.spawn("setter", () -> {
                Loop.sleep(Duration.ofMillis(5));
                set[0] = true;
            });
            tg.spawn("poller", () -> {
                while (!set[0]) {
                    poll.run();
                }
            });
            return null;
        }));
    }

    private static final String FROZEN_CLOCK = "\nThe virtual clock moves only when no task is ready, and a task polled"
            + " all along: the next timer (at 0.005s) never came, so a poll that waits for a task's sleep or for a"
            + " time-out to end waits for ever, with Loop.spinWait() as with Loop.checkpoint(). Wait for what the poll"
            + " checks instead (an Event, a Condition, a Channel, Task.join), or sleep between polls (Loop.sleep), which"
            + " lets the clock move.";

    /**
     * A poll for what a sleeping task will do never ends in a simulation: the clock moves only when no
     * task is ready. The report advised Loop.spinWait(), which does not help there: now it says why the
     * poll spins and what does help, after the tasks (the first line is the same as before).
     */
    @Test
    void maxStepsWithATimerArmedSaysThatTheClockMovesOnlyWhenNoTaskIsReady() {
        for (boolean spinWait : new boolean[] {false, true}) {
            SimResult<Object> r = pollForASleepersFlag(spinWait ? Loop::spinWait : Loop::checkpoint);
            assertThat(r.failure()).isInstanceOf(LimitExceeded.class)
                    .hasMessageStartingWith("simulation stopped after 1000 steps (maxSteps = 1000) at virtual time 0s: a"
                            + " task may be spinning on checkpoints without making progress.")
                    .hasMessageContaining("task 'setter' waits for a sleep until 0.005s")
                    .hasMessageEndingWith(FROZEN_CLOCK);
            // the advice for a poller at plain checkpoints, which a run that spin-waits has taken already
            assertThat(r.failure().getMessage().contains("should yield with Loop.spinWait(), not Loop.checkpoint()"))
                    .as("spinWait %s", spinWait).isEqualTo(!spinWait);
        }
        SimResult<Object> sleeping = pollForASleepersFlag(() -> Loop.sleep(Duration.ofMillis(1)));
        assertThat(sleeping.failure()).as("sleeping between polls lets the clock move").isNull();
        assertThat(sleeping.virtualTime()).as("the poll after the flag's sleep ended, or the one after it")
                .isIn(Duration.ofMillis(5), Duration.ofMillis(6));
    }

    @Test
    void maxStepsWithNoTimerArmedSaysNothingOfTheClock() {
        SimResult<Object> r = Simulation.builder().seed(2).maxSteps(100).run(() -> {
            while (true) {
                Loop.checkpoint();
            }
        });
        assertThat(r.failure()).isInstanceOf(LimitExceeded.class).message().doesNotContain("virtual clock");
    }

    @Test
    void maxVirtualTimeStopsARunawayClock() {
        SimResult<Object> r = Simulation.builder().seed(2).maxVirtualTime(Duration.ofMinutes(1)).run(() -> {
            while (true) {
                Loop.sleep(Duration.ofSeconds(1));
            }
        });
        assertThat(r.failure()).isInstanceOf(LimitExceeded.class).hasMessageContaining("maxVirtualTime = 1m")
                .hasMessageContaining("Simulation.builder().maxVirtualTime(d)").hasMessageContaining("next timer is at 1m1s");
        assertThat(r.virtualTime()).isEqualTo(Duration.ofMinutes(1));
    }

    /**
     * A task that sleeps until it is cancelled ({@code Loop.sleep(ChronoUnit.FOREVER.getDuration())},
     * trio's {@code sleep_forever}), or a {@code Loop.taskTimeout} of forever, arms a timer at the end
     * of time. When every task then waits, the run is a deadlock that only names the timer: it said
     * "as in a deadlock" and named no task, so the lock cycle below, which without the sleeper is
     * reported with its tasks and lines, could not be found. The tasks are listed on lines of their
     * own (the first line stays the same whatever they wait for: shrinking compares failures by it).
     */
    @Test
    void aDeadlockBesideASleepUntilTheEndOfTimeStillNamesItsTasksAndCycle() {
        for (boolean sleeper : List.of(true, false)) {
            SimResult<Object> r = Simulation.run(1, () -> {
                ThrowingSupplier<Object> lockCycle = () -> TaskGroup.with(tg -> {
                    dev.simloop.sync.Lock a = new dev.simloop.sync.Lock("a");
                    dev.simloop.sync.Lock b = new dev.simloop.sync.Lock("b");
                    if (sleeper) {
                        tg.spawn("heartbeat", () -> Loop.sleep(java.time.temporal.ChronoUnit.FOREVER.getDuration()));
                    }
                    tg.spawn("ab", () -> {
                        a.acquire();
                        Loop.sleep(Duration.ofSeconds(1));
                        b.acquire();
                    });
                    tg.spawn("ba", () -> {
                        b.acquire();
                        Loop.sleep(Duration.ofSeconds(1));
                        a.acquire();
                    });
                    return null;
                });
                // without the sleeper, a task timeout of forever is the timer at the end of time
                return sleeper ? lockCycle.get() : Loop.taskTimeout(java.time.temporal.ChronoUnit.FOREVER.getDuration(), lockCycle);
            });
            assertThat(r.failure()).as("sleeper: %s", sleeper).isInstanceOf(LimitExceeded.class);
            String m = r.failure().getMessage();
            assertThat(m.lines().findFirst().orElseThrow()).isEqualTo("simulation stopped at virtual time 1s: every task"
                    + " waits, and the only timer left is at the end of time (a sleep or deadline that saturated to"
                    + " Long.MAX_VALUE nanoseconds), so nothing can happen any more, as in a deadlock.");
            assertThat(m).contains("\n1 wait-for cycle, then the other blocked tasks:\ncycle: 'ab' → 'ba' → 'ab'")
                    .contains("task 'ab' waits for Lock 'b' held by task 'ba'")
                    .contains("task 'ba' waits for Lock 'a' held by task 'ab'")
                    .contains("task 'main' waits for its task group to finish");
            if (sleeper) {
                assertThat(m).contains("task 'heartbeat' waits for a sleep until never");
            }
        }
    }

    @Test
    void maxVirtualTimeAllowsATimerExactlyAtTheLimit() {
        SimResult<Long> r = Simulation.builder().maxVirtualTime(Duration.ofSeconds(10)).run(() -> {
            Loop.sleep(Duration.ofSeconds(10));
            return Loop.nanoTime();
        });
        assertThat(r.value()).isEqualTo(10_000_000_000L);
    }

    @Test
    void limitsAreReportedThroughValueWithTheReplayLine() {
        SimResult<Object> r = Simulation.builder().maxSteps(10).run(() -> {
            while (true) {
                Loop.checkpoint();
            }
        });
        assertThatThrownBy(r::value).isInstanceOf(SimulationFailure.class).hasMessageContaining("replay:")
                .hasMessageContaining(r.replayLine()).hasCauseInstanceOf(LimitExceeded.class);
        assertThat(List.of(r.failure().getMessage())).allMatch(m -> m.contains("10 steps"));
    }

    /** A stop at maxSteps or maxVirtualTime repeats on replay; a limit on real time does not. */
    @Test
    void aStopAtMaxStepsOrMaxVirtualTimeRepeatsOnReplayAndOthersDoNot() {
        ThrowingSupplier<Object> spins = () -> {
            while (true) {
                Loop.checkpoint();
            }
        };
        ThrowingSupplier<Object> sleeps = () -> {
            Loop.sleep(Duration.ofSeconds(10));
            return null;
        };
        for (ThrowingSupplier<Object> program : List.of(spins, sleeps)) {
            SimResult<Object> r = Simulation.builder().seed(1).maxSteps(10).maxVirtualTime(Duration.ofSeconds(5))
                    .run(program);
            assertThat(r.failure()).isInstanceOf(LimitExceeded.class);
            assertThat(((LimitExceeded) r.failure()).repeatsOnReplay()).as(r.failure().getMessage()).isTrue();
            SimResult<Object> again = Simulation.builder().replay(r.replayLine()).maxSteps(10)
                    .maxVirtualTime(Duration.ofSeconds(5)).run(program);
            assertThat(again.failure()).hasMessage(r.failure().getMessage());
        }
        assertThat(new LimitExceeded("task 'main' ran 10s of real time without a checkpoint").repeatsOnReplay()).isFalse();
    }
}
