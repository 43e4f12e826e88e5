package dev.simloop.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simloop.Simulation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The hand-off of work to driver threads: reuse, concurrency, failures, interrupts; and tasks finding themselves on them. */
class DriversTest {
    @Test
    void backToBackCallsFromOneCallerRunOnOneWarmDriver() {
        List<Thread> ran = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ran.add(Drivers.call(Thread::currentThread, t -> { }));
        }
        assertThat(ran.getFirst()).isInstanceOf(Drivers.DriverThread.class);
        assertThat(ran.getFirst().getName()).startsWith("simloop-driver-");
        // The driver is idle again before its caller hears the result, so the next call finds it. (At
        // most two: a thread left over from another test may take the idle driver once in between.)
        assertThat(ran.stream().distinct().count()).as("driver threads used by 20 back-to-back calls").isLessThanOrEqualTo(2);
    }

    @Test
    void callAllRunsEachWorkOnItsOwnDriverAtOnce() {
        CyclicBarrier both = new CyclicBarrier(2); // each work waits for the other: only concurrent works finish
        List<Thread> threads = Drivers.callAll(List.of(() -> meet(both), () -> meet(both)), t -> { }, (e, i) -> { });
        assertThat(threads).hasSize(2).doesNotHaveDuplicates();
        assertThat(threads).allSatisfy(t -> assertThat(t).isInstanceOf(Drivers.DriverThread.class));
    }

    private static Thread meet(CyclicBarrier barrier) throws Exception {
        barrier.await(60, TimeUnit.SECONDS);
        return Thread.currentThread();
    }

    @Test
    void aWorkFailureReachesTheCallerUnchangedOrWrappedWhenChecked() {
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        assertThatThrownBy(() -> Drivers.call(() -> {
            throw boom;
        }, t -> { })).isSameAs(boom);
        IOException io = new IOException("disk");
        assertThatThrownBy(() -> Drivers.call(() -> {
            throw io;
        }, t -> { })).isInstanceOf(IllegalStateException.class).hasCause(io);
    }

    @Test
    void callAllTellsEachFailureWithItsIndexAndThrowsTheFirstInOrder() {
        List<String> told = new ArrayList<>();
        RuntimeException second = new IllegalStateException("second");
        assertThatThrownBy(() -> Drivers.callAll(List.of(() -> 1, () -> {
            throw second;
        }), t -> { }, (e, i) -> {
            synchronized (told) {
                told.add(i + ":" + e.getMessage());
            }
        })).isSameAs(second);
        assertThat(told).containsExactly("1:second");
    }

    @Test
    void anInterruptedCallerTellsTheWorkAndStillGetsItsResultThenKeepsTheInterrupt() {
        CountDownLatch stop = new CountDownLatch(1);
        List<Thread> toldBy = new ArrayList<>();
        Thread.currentThread().interrupt();
        try {
            String r = Drivers.call(() -> stop.await(60, TimeUnit.SECONDS) ? "stopped" : "timed out", caller -> {
                toldBy.add(caller);
                stop.countDown();
            });
            assertThat(r).isEqualTo("stopped");
            assertThat(toldBy).containsExactly(Thread.currentThread());
            assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is kept for the caller").isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void aTaskFindsItselfThroughItsDriversLoopAndOtherThreadsFindNoTask() {
        assertThat(Current.orNull()).as("a test thread is no task").isNull();
        String seen = Simulation.run(1, () -> {
            TaskImpl<?> me = Current.orNull();
            Scheduler onCarrier = Drivers.loopOn(VirtualThreads.currentCarrier());
            return me.name() + "/" + (me.thread == Thread.currentThread()) + "/" + (onCarrier == me.loop())
                    + "/" + (Drivers.loopOn(Thread.currentThread()) == null);
        }).value();
        assertThat(seen).isEqualTo("main/true/true/true");
    }
}
