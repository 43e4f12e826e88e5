package dev.simloop.vt;

import static dev.simloop.vt.Sim.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.CancelScope;
import dev.simloop.LimitExceeded;
import dev.simloop.NondeterminismDetected;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Task;
import dev.simloop.TaskCancelledException;
import dev.simloop.TaskGroup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A timed JDK wait on the virtual clock ends at a cancel as an untimed one does, and leaves nothing armed. */
class CancellationTest {
    @Test
    void aDeadlineEndsAnHourLongThreadSleep() {
        SimResult<String> r = Sim.ok(() -> at(CancelScope.moveOnAfter(Duration.ofSeconds(2), () -> {
            Thread.sleep(Duration.ofHours(1));
            return "slept";
        })));
        assertThat(r.value()).isEqualTo("Optional.empty@PT2S");
        assertThat(r.virtualTime()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aCancelledTaskLeavesItsTimedPollAtTheCancel() {
        SimResult<List<String>> r = Sim.ok(() -> TaskGroup.with(tg -> {
            Task<String> poller = tg.spawn("poller",
                    () -> String.valueOf(new LinkedBlockingQueue<String>().poll(1, TimeUnit.HOURS)));
            Thread.sleep(1_500);
            poller.cancel();
            String outcome;
            try {
                outcome = poller.join();
            } catch (TaskCancelledException e) {
                outcome = "cancelled";
            }
            return List.of(at(outcome), "cancelled=" + poller.isCancelled());
        }));
        assertThat(r.value()).containsExactly("cancelled@PT1.5S", "cancelled=true");
        // the poll's hour-long time-out was disarmed: nothing moved the clock past the cancel
        assertThat(r.virtualTime()).isEqualTo(Duration.ofMillis(1_500));
    }

    @Test
    void aRunThatEndsWhileTasksSleepTheJdkWayUnwindsThem() {
        AtomicInteger unwound = new AtomicInteger();
        SimResult<Object> r = Simulation.builder().seed(1).maxVirtualTime(Duration.ofMinutes(1)).run(() -> {
            TaskGroup.with(tg -> {
                for (int i = 0; i < 3; i++) {
                    tg.spawn("sleeper-" + i, () -> {
                        try {
                            while (true) {
                                try {
                                    Thread.sleep(Duration.ofSeconds(45)); // swallows interrupts: only the run's end stops it
                                } catch (InterruptedException ignored) {
                                    // keeps sleeping
                                }
                            }
                        } finally {
                            unwound.incrementAndGet();
                        }
                    });
                }
                return null;
            });
            return null;
        });
        assertThat(r.failure()).isInstanceOf(LimitExceeded.class);
        assertThat(unwound).hasValue(3);
    }

    @Test
    void objectWaitWithATimeOutStillFailsTheRunNamingWhy() {
        SimResult<Object> r = Simulation.run(1, () -> {
            Object monitor = new Object();
            synchronized (monitor) {
                monitor.wait(100);
            }
            return null;
        });
        assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageStartingWith("task 'main' made a timed wait outside simloop at step 1 (")
                .hasMessageEndingWith("The simloop agent is present, but this wait is not one it puts on the virtual "
                        + "clock (Object.wait with a time-out: the JVM resumes the waiter from a thread of its own; "
                        + "wait on a ReentrantLock's Condition or a dev.simloop.sync.Condition) (see "
                        + "docs/virtual-time.md for what it rewrites).");
    }

    /**
     * With the agent present, the timed-wait failure no longer says that sleeps, parks and timed
     * locks use the real clock; a timed join of a thread the simulation does not own says that such
     * a join is not supported, and what to use.
     */
    @Test
    void aTimedJoinOfAThreadThatIsNotATaskSaysItIsNotSupportedAndWhatToUse() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Thread outsider = Thread.ofPlatform().start(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            for (boolean duration : new boolean[] {false, true}) {
                SimResult<Object> r = Simulation.run(1, () -> {
                    if (duration) {
                        outsider.join(Duration.ofMillis(100));
                    } else {
                        outsider.join(100);
                    }
                    return null;
                });
                assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                        .hasMessageStartingWith("task 'main' made a timed wait outside simloop at step 1 (")
                        .hasMessageContaining("Thread.join with a time-out of a thread that is not a task of the "
                                + "simulation")
                        .hasMessageContaining("is not supported")
                        .hasMessageContaining("Loop.toThread")
                        .hasMessageNotContaining("use the real clock")
                        .hasMessageNotContaining("Condition");
            }
        } finally {
            release.countDown();
            outsider.join();
        }
    }

    @Test
    void aSleepCalledThroughReflectionOrAMethodHandleSaysSuchCallsAreNotRewritten() throws Exception {
        java.lang.reflect.Method sleep = Thread.class.getMethod("sleep", long.class);
        java.lang.invoke.MethodHandle handle = java.lang.invoke.MethodHandles.lookup().findStatic(Thread.class, "sleep",
                java.lang.invoke.MethodType.methodType(void.class, long.class));
        List<dev.simloop.ThrowingSupplier<Object>> calls = List.of(() -> sleep.invoke(null, 100L), () -> {
            try {
                handle.invokeExact(100L);
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
            return null;
        });
        List<String> says = List.of("this call was made through reflection (Method.invoke), which it does not rewrite",
                // a method handle's frames are hidden from stack traces: the general text, which names both
                "a call made through reflection (Method.invoke) or a MethodHandle is not rewritten either");
        for (int i = 0; i < calls.size(); i++) {
            SimResult<Object> r = Simulation.run(1, calls.get(i));
            assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                    .hasMessageStartingWith("task 'main' made a timed wait outside simloop at step 1 (")
                    .hasMessageContaining(says.get(i))
                    .hasMessageNotContaining("use the real clock");
        }
    }

    /** Sleeps, as a method reference can stand for Thread.sleep. */
    interface Pause {
        void pause(long millis) throws InterruptedException;
    }

    /** A serializable method reference: left as it is, so its sleep is not rewritten (documented). */
    private static final Pause NOT_REWRITTEN = (Pause & java.io.Serializable) Thread::sleep;

    /** Stands in for a {@code @SimulatedLoop} test method, which JUnit invokes through {@code Method.invoke}. */
    public static Object pauseReflectively() throws Exception {
        NOT_REWRITTEN.pause(100);
        return null;
    }

    /**
     * A wait the agent does not rewrite, made by a method that was itself invoked reflectively (as
     * JUnit invokes every {@code @SimulatedLoop} test method): the sleep was called directly, so the
     * message must not say it was made through reflection. Before, any Method.invoke frame anywhere
     * below the sleep made it say so.
     */
    @Test
    void aWaitThatIsNotRewrittenInAMethodInvokedReflectivelyIsNotBlamedOnReflection() throws Exception {
        java.lang.reflect.Method test = CancellationTest.class.getMethod("pauseReflectively");
        SimResult<Object> r = Simulation.run(1, () -> test.invoke(null));
        assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageStartingWith("task 'main' made a timed wait outside simloop at step 1 (")
                .hasMessageContaining("this wait is not one it puts on the virtual clock (see docs/virtual-time.md")
                .hasMessageNotContaining("this call was made through reflection");
    }
}
