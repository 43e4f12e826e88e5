package dev.simloop.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import dev.simloop.sync.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The JDK can hand a virtual thread's continuation to its scheduler more than once for one wake-up
 * (its stack read while it was runnable; a monitor's release reaching the JDK's unblocker thread
 * after the thread, let through by another submission, already got the monitor). Once one of them
 * has run, the others are stale: running one does nothing, since the thread is no longer runnable.
 * A stale one that arrives from a thread outside the loop while the task waits in simloop must not
 * be held as the task's wake-up: the task's real wake-up would then run nothing, and the task would
 * be lost (the run failed after {@code maxStepWallTime}, "waits outside simloop ... and nothing woke
 * it", about once in 500 runs of a task contending for a monitor with a thread outside).
 */
class StaleSubmissionTest {
    /**
     * A run of two tasks: a waiter parks on an event, a setter sets it. With {@code staleSubmission},
     * while the waiter is parked, a platform thread from before the run hands the waiter's
     * continuation to its scheduler, as the JDK's unblocker thread does with a stale duplicate.
     */
    private static SimResult<List<String>> run(boolean staleSubmission) throws InterruptedException {
        CountDownLatch submitted = new CountDownLatch(1);
        AtomicReference<Runnable> submission = new AtomicReference<>();
        Thread outside = Thread.ofPlatform().unstarted(() -> { // made before the run: a task may not create threads
            submission.get().run();
            submitted.countDown();
        });
        SimResult<List<String>> r = Simulation.builder().seed(7).strategy(Strategy.random())
                .maxStepWallTime(Duration.ofSeconds(2)).run(() -> {
                    List<String> log = new ArrayList<>();
                    Event go = new Event();
                    TaskGroup.with(g -> {
                        TaskImpl<?> waiter = (TaskImpl<?>) g.spawn(() -> {
                            go.await();
                            log.add("waiter woke at " + Loop.currentTask().name());
                        });
                        g.spawn(() -> {
                            while (waiter.blockedOn == null) {
                                Loop.checkpoint(); // until the waiter is parked in go.await()
                            }
                            Runnable continuation = waiter.continuation; // the thread is parked: not runnable
                            submission.set(() -> waiter.submit(continuation));
                            Loop.toThread(() -> { // in both runs, so that both take the same steps
                                if (!staleSubmission) {
                                    return false;
                                }
                                outside.start();
                                return submitted.await(10, TimeUnit.SECONDS);
                            });
                            log.add("setter sets");
                            go.set();
                        });
                        return null;
                    });
                    return log;
                });
        if (staleSubmission) {
            outside.join();
            assertThat(submitted.getCount()).as("the stale submission was made").isZero();
        }
        return r;
    }

    @Test
    @Timeout(30)
    void aStaleSubmissionFromOutsideWhileTheTaskWaitsInSimloopIsDroppedAndTheTaskStillWakes() throws Exception {
        SimResult<List<String>> plain = run(false);
        SimResult<List<String>> withStale = run(true);
        assertThat(plain.failure()).isNull();
        assertThat(withStale.failure()).as("the waiter must not be lost").isNull();
        assertThat(withStale.value()).containsExactly("setter sets", "waiter woke at task-1");
        // the stale submission leaves no trace in the run: the same steps, the same interleaving
        assertThat(withStale.value()).isEqualTo(plain.value());
        assertThat(withStale.steps()).isEqualTo(plain.steps());
        assertThat(withStale.replayLine()).isEqualTo(plain.replayLine());
    }

    @Test
    void onlyAnUnmountedThreadTheJdkMadeRunnableAndThatHasNotRunIsWaitingToRun() throws Exception {
        List<Runnable> submitted = new ArrayList<>();
        AtomicReference<Boolean> parkedOnce = new AtomicReference<>(false);
        Thread t = TaskThreads.newThread(submitted::add, "waiting-to-run", () -> {
            parkedOnce.set(true);
            LockSupport.park();
        });
        assertThat(VirtualThreads.waitingToRun(t)).as("not started").isFalse();
        t.start();
        assertThat(submitted).hasSize(1);
        submitted.removeFirst().run(); // runs until it parks
        assertThat(parkedOnce.get()).isTrue();
        assertThat(VirtualThreads.waitingToRun(t)).as("parked").isFalse();
        LockSupport.unpark(t); // the JDK makes it runnable and hands its continuation over
        assertThat(submitted).hasSize(1);
        assertThat(VirtualThreads.waitingToRun(t)).as("unparked, not yet run").isTrue();
        Runnable continuation = submitted.removeFirst();
        continuation.run(); // it returns from park and ends
        assertThat(VirtualThreads.waitingToRun(t)).as("ended").isFalse();
        continuation.run(); // a stale duplicate: does nothing
        assertThat(t.getState()).isEqualTo(Thread.State.TERMINATED);
        assertThat(VirtualThreads.waitingToRun(Thread.currentThread())).as("a platform thread: every submission counts")
                .isTrue();
    }
}
