package dev.simloop.steering;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.CancelReason;
import dev.simloop.Cancelled;
import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Task;
import dev.simloop.TaskGroup;
import dev.simloop.TaskTimeoutException;
import dev.simloop.ThrowingSupplier;
import dev.simloop.sync.Lock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An exception thrown into a task (Task.interrupt, Loop.taskTimeout) while it waits where a cancel
 * does not end the wait: at the end of {@code TaskGroup.with}, for its tasks; in
 * {@code TaskGroup.start}, for the task to call started(); parked in java.util.concurrent. Before,
 * the exception stayed pending there: the group's tasks ran on for as long as they liked and the
 * exception then bypassed every handler around the group; start cancelled its task "explicitly" and
 * threw that task's TaskCancelledException instead; and a {@code taskTimeout} around such a wait
 * was dropped as its work returned, late and without a word.
 * Each case runs under 200 seeds and on a real loop.
 */
class ThrownIntoWaitsTest {
    private static final int SEEDS = 200;

    static final class Boom extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Boom(String m) {
            super(m);
        }
    }

    private static long ms() {
        return Loop.nanoTime() / 1_000_000;
    }

    /** Runs {@code program} under every seed and returns the distinct values (a failed run fails the test). */
    private static <T> List<T> everySeed(ThrowingSupplier<T> program) {
        List<T> distinct = new ArrayList<>();
        for (long seed = 0; seed < SEEDS; seed++) {
            SimResult<T> r = Simulation.run(seed, program);
            T v = r.value();
            if (!distinct.contains(v)) {
                distinct.add(v);
            }
        }
        return distinct;
    }

    /**
     * Spawns a task named {@code name} that runs what {@code waiting} makes of the log (a wait where a
     * cancel does not end it), and interrupts it at 10 ms.
     *
     * @param from where the interrupt comes out, as the task's catch logs it
     */
    private static List<String> interruptedAt10Ms(String name, String from,
            java.util.function.Function<List<String>, ThrowingSupplier<String>> waiting) {
        List<String> log = new ArrayList<>();
        TaskGroup.with(outer -> {
            ThrowingSupplier<String> work = waiting.apply(log);
            Task<String> target = outer.spawn(name, () -> {
                try {
                    return work.get();
                } catch (Boom e) {
                    log.add(name + " caught " + e.getMessage() + " from " + from);
                    return "handled";
                }
            });
            Loop.sleep(Duration.ofMillis(10));
            target.interrupt(new Boom("stop"));
            log.add(name + " returned " + target.join());
            return null;
        });
        return log;
    }

    /** Sleeps an hour; logs {@code who} and the reason when a cancel ends the sleep. */
    private static void sleepAnHour(List<String> log, String who) {
        try {
            Loop.sleep(Duration.ofHours(1));
        } catch (Cancelled c) {
            log.add(who + " cancelled: " + c.reason());
            throw c;
        }
    }

    /** A task waits at the end of its group for a child that sleeps an hour; it is interrupted at 10 ms. */
    private static List<String> interruptAGroupsWaitingBody() {
        return interruptedAt10Ms("target", "its group", log -> () -> TaskGroup.with(tg -> {
            tg.spawn("child", () -> sleepAnHour(log, "child"));
            return "body's value";
        }));
    }

    @Test
    void anExceptionThrownIntoAGroupsWaitingBodyCancelsTheTasksAndLeavesTheGroup() {
        assertThat(everySeed(() -> String.join(", ", interruptAGroupsWaitingBody()) + " at " + ms() + " ms"))
                .containsExactly("child cancelled: GROUP_FAILURE, target caught stop from its group, "
                        + "target returned handled at 10 ms");
        assertThat(Loop.run(ThrownIntoWaitsTest::interruptAGroupsWaitingBody)).containsExactly(
                "child cancelled: GROUP_FAILURE", "target caught stop from its group", "target returned handled");
    }

    /** A task timeout around a group whose task sleeps an hour. */
    private static String taskTimeoutAroundAGroup() {
        List<String> log = new ArrayList<>();
        try {
            return Loop.taskTimeout(Duration.ofMillis(10), () -> TaskGroup.with(tg -> {
                tg.spawn("child", () -> sleepAnHour(log, "child"));
                return "no timeout";
            }));
        } catch (TaskTimeoutException e) {
            return log + " " + e.getMessage();
        }
    }

    @Test
    void aTaskTimeoutEndsTheGroupItsWorkWaitsFor() {
        assertThat(everySeed(() -> taskTimeoutAroundAGroup() + " at " + ms() + " ms")).containsExactly(
                "[child cancelled: GROUP_FAILURE] Loop.taskTimeout: task 'main' ran past its timeout of 0.01s at 10 ms");
        assertThat(Loop.run(ThrownIntoWaitsTest::taskTimeoutAroundAGroup))
                .isEqualTo("[child cancelled: GROUP_FAILURE] Loop.taskTimeout: task 'main' ran past its timeout of 0.01s");
    }

    /** The caller of start is interrupted at 10 ms, while the task it starts sleeps before it calls started(). */
    private static List<String> interruptTheCallerOfStart() {
        return interruptedAt10Ms("caller", "start", log -> () -> TaskGroup.with(tg -> tg.start("service", status -> {
            sleepAnHour(log, "service");
            status.started("up");
        })));
    }

    @Test
    void anExceptionThrownIntoTheCallerOfStartCancelsTheTaskAndLeavesStart() {
        assertThat(everySeed(() -> String.join(", ", interruptTheCallerOfStart()) + " at " + ms() + " ms"))
                .containsExactly("service cancelled: GROUP_FAILURE, caller caught stop from start, "
                        + "caller returned handled at 10 ms");
        assertThat(Loop.run(ThrownIntoWaitsTest::interruptTheCallerOfStart)).containsExactly(
                "service cancelled: GROUP_FAILURE", "caller caught stop from start", "caller returned handled");
    }

    /** A task timeout of 10 ms around a start whose task calls started() after an hour. */
    private static String taskTimeoutAroundStart() {
        return TaskGroup.with(tg -> {
            try {
                return Loop.taskTimeout(Duration.ofMillis(10), () -> tg.start("service", status -> {
                    Loop.sleep(Duration.ofHours(1));
                    status.started("up");
                }));
            } catch (TaskTimeoutException e) {
                return e.getMessage();
            }
        });
    }

    @Test
    void aTaskTimeoutAroundStartIsRaisedByStart() {
        assertThat(everySeed(() -> taskTimeoutAroundStart() + " at " + ms() + " ms"))
                .containsExactly("Loop.taskTimeout: task 'main' ran past its timeout of 0.01s at 10 ms");
        assertThat(Loop.run(ThrownIntoWaitsTest::taskTimeoutAroundStart))
                .isEqualTo("Loop.taskTimeout: task 'main' ran past its timeout of 0.01s");
    }

    /** A task timeout of 10 ms around a CountDownLatch that another task counts down at 100 ms. */
    private static String taskTimeoutAroundAJdkWait() {
        CountDownLatch latch = new CountDownLatch(1);
        return TaskGroup.with(tg -> {
            tg.spawn("counter", () -> {
                Loop.sleep(Duration.ofMillis(100));
                latch.countDown();
            });
            try {
                return Loop.taskTimeout(Duration.ofMillis(10), () -> {
                    latch.await(); // parked in java.util.concurrent: the exception cannot be raised here
                    return "no timeout";
                });
            } catch (TaskTimeoutException e) {
                return e.getMessage() + ", raised as the wait ended";
            }
        });
    }

    @Test
    void aTaskTimeoutThatPassesWhileTheWorkWaitsInTheJdkIsRaisedWhenTheWaitEnds() {
        assertThat(everySeed(() -> taskTimeoutAroundAJdkWait() + " at " + ms() + " ms")).containsExactly(
                "Loop.taskTimeout: task 'main' ran past its timeout of 0.01s, raised as the wait ended at 100 ms");
        assertThat(Loop.run(ThrownIntoWaitsTest::taskTimeoutAroundAJdkWait))
                .isEqualTo("Loop.taskTimeout: task 'main' ran past its timeout of 0.01s, raised as the wait ended");
    }

    /**
     * A zero timeout fires while the work yields inside an acquire that has taken the lock: the work
     * was not waiting any more, it returns and the timeout is dropped, as Loop.taskTimeout promises
     * for a timeout that passes after the work's last checkpoint.
     */
    @ParameterizedTest(name = "simulated={0}")
    @ValueSource(booleans = {false, true})
    void aTaskTimeoutThatPassesAfterTheLastWaitEndedIsDropped(boolean simulated) {
        String r = BothModes.run(simulated, () -> TaskGroup.with(tg -> {
            Lock lock = new Lock("l");
            tg.spawn("other", () -> { Loop.checkpoint(); }); // ready: the acquire's schedule point yields to it
            String v = Loop.taskTimeout(Duration.ZERO, () -> {
                lock.acquire();
                return "acquired";
            });
            Loop.checkpoint(); // nothing is pending after taskTimeout
            String held = lock.owner() == Loop.currentTask() ? ", held" : ", not held";
            lock.release();
            return v + held;
        }));
        assertThat(r).isEqualTo("acquired, held");
    }
}
