package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tasks of one simulation contending for a Java monitor. The JVM resumes a virtual thread blocked
 * entering a monitor from a thread of its own, and whether a release wakes a waiter at once depends
 * on its compiled code: a monitor held across a simloop wait cannot be replayed. Such runs used to
 * end with whatever came first (a deadlock report, a foreign wake-up); now, when a waiter is still
 * blocked once the loop is idle, they fail saying what to use instead. A monitor released before
 * the loop goes idle still works as before.
 */
class MonitorHandOffTest {

    /** {@code n} tasks, each entering {@code monitor} and checkpointing inside it. */
    private static ThrowingSupplier<List<String>> contend(Object monitor, int n) {
        return () -> {
            List<String> log = Collections.synchronizedList(new ArrayList<>());
            TaskGroup.with(tg -> {
                for (int i = 0; i < n; i++) {
                    int id = i;
                    tg.spawn("t" + i, () -> {
                        synchronized (monitor) {
                            log.add("in " + id);
                            Loop.checkpoint();
                            log.add("out " + id);
                        }
                    });
                }
                return null;
            });
            return log;
        };
    }

    @Test
    void aMonitorReleasedBeforeTheLoopIsIdleHandsOnAndReplays() {
        // FIFO: t0 enters and checkpoints, t1 blocks entering, t0 leaves (the JVM releases t1), and
        // the loop, idle, resumes t1
        Object monitor = new Object();
        SimResult<List<String>> r = Simulation.builder().strategy(Strategy.fifo()).run(contend(monitor, 2));
        assertThat(r.failed()).as("%s", r.failure()).isFalse();
        assertThat(r.value()).containsExactly("in 0", "out 0", "in 1", "out 1");
        SimResult<List<String>> again = Simulation.builder().replay(r.replayLine()).run(contend(monitor, 2));
        assertThat(again.value()).isEqualTo(r.value());
        assertThat(again.traceDigest()).isEqualTo(r.traceDigest());
    }

    @Test
    void aMonitorHeldAcrossASleepFailsTheRunSayingWhatToUseInstead() {
        Object monitor = new Object();
        ThrowingSupplier<Object> program = () -> TaskGroup.with(tg -> {
            for (String name : List.of("a", "b")) {
                tg.spawn(name, () -> {
                    synchronized (monitor) {
                        Loop.sleep(Duration.ofMillis(10));
                    }
                });
            }
            return null;
        });
        for (long seed = 0; seed < 3; seed++) {
            SimResult<Object> r = Simulation.run(seed, program);
            assertThat(r.failure()).as("seed %d", seed).isInstanceOf(NondeterminismDetected.class)
                    .hasMessageContaining("waits to enter a monitor (synchronized, at dev.simloop.MonitorHandOffTest.lambda$")
                    .hasMessageContaining("virtual time 0s")
                    .hasMessageContaining("a task of this simulation holds it across a wait")
                    .hasMessageContaining("Hold a dev.simloop.sync.Lock across waits instead of a monitor");
        }
    }

    @Test
    void aSecondWaiterThatOnlyTheFirstCouldReleaseFailsTheRunWithTheSameAdvice() {
        // three tasks: when the holder leaves, one waiter is released; if the other still waits
        // when the loop goes idle, it waits for a task that holds the monitor across a wait. Which
        // schedules get there can depend on the JVM's own hand-off (hence no replay comparison)
        int failed = 0;
        for (long seed = 0; seed < 6; seed++) {
            SimResult<List<String>> r = Simulation.run(seed, contend(new Object(), 3));
            if (r.failed()) {
                failed++;
                assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                        .hasMessageContaining("a task of this simulation holds it across a wait")
                        .hasMessageContaining("Hold a dev.simloop.sync.Lock across waits instead of a monitor");
            } else {
                assertThat(r.value()).hasSize(6);
            }
        }
        assertThat(failed).isPositive();
    }

    @Test
    void objectWaitInATaskFailsTheRunNamingTheLineAndTheAlternative() {
        Object monitor = new Object();
        boolean[] ready = {false};
        SimResult<Object> r = Simulation.builder().strategy(Strategy.fifo()).run(() -> TaskGroup.with(tg -> {
            tg.spawn("waiter", () -> {
                synchronized (monitor) {
                    while (!ready[0]) {
                        monitor.wait();
                    }
                }
            });
            tg.spawn("notifier", () -> {
                synchronized (monitor) {
                    ready[0] = true;
                    monitor.notifyAll();
                }
            });
            return null;
        }));
        assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageStartingWith("task 'waiter' called Object.wait at step 2 (dev.simloop.MonitorHandOffTest.lambda$")
                .hasMessageContaining("Use dev.simloop.sync.Condition or Event instead");
    }

    /**
     * Joining a thread that is not a task waits on that thread's monitor: the report said "called
     * Object.wait", where the user wrote Thread.join. It names the join now, and what to do instead.
     */
    @Test
    void joiningAThreadThatIsNotATaskFailsTheRunNamingTheJoin() throws InterruptedException {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread outside = new Thread(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "outside");
        outside.start();
        try {
            SimResult<Object> r = Simulation.builder().strategy(Strategy.fifo()).run(() -> TaskGroup.with(tg -> {
                tg.spawn("joiner", () -> outside.join());
                return null;
            }));
            assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                    .hasMessageStartingWith("task 'joiner' called Thread.join at step 2 (dev.simloop.MonitorHandOffTest.lambda$")
                    .hasMessageEndingWith(") on a thread that is not a task of the simulation: the join waits on that"
                            + " thread's monitor (Object.wait), which the JVM resumes from a thread of its own, at a moment"
                            + " a simulation cannot choose or replay. Run that thread's work with Loop.toThread (and wait"
                            + " for its result), or as a task (Loop.threadFactory(), TaskGroup.spawn), and join that.");
        } finally {
            release.countDown();
            outside.join();
        }
    }

    /**
     * Two tasks that take two monitors in opposite orders: the JVM does not say who holds a monitor
     * a virtual thread waits for, so the run fails as a monitor held across a wait; the message says
     * that the other task waits to enter a monitor too, so that it may be this deadlock.
     */
    @Test
    void aDeadlockOfMonitorsNamesTheOtherTaskWaitingToEnterOne() {
        Object a = new Object();
        Object b = new Object();
        ThrowingSupplier<String> oppositeOrders = () -> {
            TaskGroup.with(g -> {
                g.spawn("ab", () -> {
                    synchronized (a) {
                        Thread.yield();
                        synchronized (b) {
                            Loop.checkpoint();
                        }
                    }
                });
                g.spawn("ba", () -> {
                    synchronized (b) {
                        Thread.yield();
                        synchronized (a) {
                            Loop.checkpoint();
                        }
                    }
                });
                return null;
            });
            return "done";
        };
        Throwable found = null;
        for (long seed = 0; seed < 20 && found == null; seed++) {
            found = Simulation.builder().seed(seed).strategy(Strategy.random()).run(oppositeOrders).failure();
        }
        assertThat(found).isInstanceOf(NondeterminismDetected.class)
                .hasMessageContaining("or it is a deadlock of monitors taken in opposite orders: task '")
                .hasMessageContaining("waits to enter one too");
    }

    /** Before, the later run was told that one of its own tasks held the monitor, which it could not. */
    @Test
    void aMonitorHeldByATaskThatAnEarlierRunStoppedWithoutIsBlamedOnThatTask() throws InterruptedException {
        Object monitor = new Object();
        java.util.concurrent.atomic.AtomicBoolean release = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);
        SimResult<Object> first = Simulation.builder().maxStepWallTime(Duration.ofMillis(200)).run(() -> TaskGroup.with(tg -> {
            tg.spawn("spinner", () -> {
                synchronized (monitor) {
                    while (!release.get()) {
                        Thread.onSpinWait(); // no checkpoint: the run stops without this task
                    }
                }
                released.countDown();
            });
            return null;
        }));
        try {
            assertThat(first.failure()).isInstanceOf(LimitExceeded.class).hasMessageContaining("task 'spinner'");
            SimResult<Object> later = Simulation.run(1, () -> {
                synchronized (monitor) {
                    return "entered";
                }
            });
            assertThat(later.failure()).isInstanceOf(NondeterminismDetected.class)
                    .hasMessageContaining("task 'main' waits to enter a monitor")
                    .hasMessageContaining(", so a task of this simulation holds it across a wait (a checkpoint, sleep or"
                            + " simloop lock inside synchronized), or a task that an earlier run in this JVM stopped"
                            + " without, when it ran for maxStepWallTime without a checkpoint, holds it still.")
                    .hasMessageContaining(" Hold a dev.simloop.sync.Lock across waits instead of a monitor.\nIn this"
                            + " JVM, tasks that earlier runs stopped without are still running: 'spinner'")
                    .hasMessageEndingWith(", with what they held then, which a replay of this run does not meet.");
            // the latest runaway first; a test that ran before this one in the JVM may have left others
            // still unwinding after it, listed after it
        } finally {
            release.set(true);
        }
        assertThat(released.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        // once that task has ended, the monitor is free
        assertThat(Simulation.run(1, () -> {
            synchronized (monitor) {
                return "entered";
            }
        }).value()).isEqualTo("entered");
    }

    /**
     * A monitor the caller of the run holds: the task waits for ever. The JVM does not say which
     * monitor a virtual thread waits for, but it does say which ones a platform thread holds; the
     * report names them on a line of its own (identity hashes differ by JVM).
     */
    @Test
    void aMonitorTheCallerOfTheRunHoldsIsNamedOnALineOfItsOwn() {
        Object monitor = new Object();
        String caller = Thread.currentThread().getName();
        SimResult<Integer> r;
        synchronized (monitor) {
            r = Simulation.run(1, () -> {
                synchronized (monitor) {
                    return 1;
                }
            });
        }
        assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class);
        String[] lines = r.failure().getMessage().split("\n");
        assertThat(lines[0]).startsWith("task 'main' waits to enter a monitor (synchronized, at dev.simloop."
                + "MonitorHandOffTest.lambda$").doesNotContain("@" + Integer.toHexString(System.identityHashCode(monitor)));
        assertThat(lines).anySatisfy(line -> assertThat(line).matches(java.util.regex.Pattern.quote("The thread that"
                + " waits for this run, '" + caller + "', holds the monitor of java.lang.Object@"
                + Integer.toHexString(System.identityHashCode(monitor)) + " (locked at dev.simloop.MonitorHandOffTest."
                + "aMonitorTheCallerOfTheRunHoldsIsNamedOnALineOfItsOwn(MonitorHandOffTest.java:") + "\\d+"
                + java.util.regex.Pattern.quote(")): if the task waits for it, it waits for ever, since that thread lets"
                + " go only after the run. Leave the synchronized block before the run starts, or take the monitor"
                + " inside it.")));
        assertThat(Simulation.run(1, () -> {
            synchronized (monitor) {
                return 1;
            }
        }).value()).as("released before the run: it runs").isEqualTo(1);
    }
}
