package dev.simloop.vt;

import static dev.simloop.vt.Sim.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.DeadlockDetected;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Task;
import dev.simloop.TaskGroup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@code LockSupport.parkNanos(long)} and {@code parkUntil(long)}, which take no blocker, leave the
 * thread's blocker as it is in the JDK: {@code LinkedTransferQueue} (and {@code SynchronousQueue},
 * which is one) set it with {@code setCurrentBlocker} and then park with {@code parkNanos(ns)}. Before,
 * the bridge's versions cleared it: the runtime then did not see the queue a timed poll waits on (a
 * poll of hours was not an untimed wait, as {@code LinkedBlockingQueue}'s is), {@code getBlocker}
 * read null, and a poll woken early with less than a microsecond left spun for ever on a clock that
 * stands still.
 */
class TimedParkKeepsTheBlockerTest {
    private static final List<Supplier<BlockingQueue<String>>> QUEUES = List.of(LinkedBlockingQueue::new,
            SynchronousQueue::new, LinkedTransferQueue::new);

    @Test
    void aTimedPollOfHoursThatNothingCanEndIsADeadlockForEveryQueue() {
        for (Supplier<BlockingQueue<String>> q : QUEUES) {
            BlockingQueue<String> queue = q.get();
            SimResult<String> r = Simulation.run(1, () -> at(queue.poll(2, TimeUnit.HOURS)));
            assertThat(r.failure()).as(queue.getClass().getSimpleName()).isInstanceOf(DeadlockDetected.class);
            assertThat(r.virtualTime()).isZero();
        }
    }

    @Test
    void aTaskInATimedPollShowsTheBlockerTheJdkSet() {
        for (Supplier<BlockingQueue<String>> q : QUEUES) {
            BlockingQueue<String> queue = q.get();
            SimResult<String> r = Sim.ok(() -> TaskGroup.with(tg -> {
                AtomicReference<Thread> poller = new AtomicReference<>();
                Task<String> p = tg.spawn("poller", () -> {
                    poller.set(Thread.currentThread());
                    return at(queue.poll(10, TimeUnit.SECONDS));
                });
                Thread.sleep(1_000);
                return (LockSupport.getBlocker(poller.get()) != null) + " " + p.join();
            }));
            assertThat(r.value()).as(queue.getClass().getSimpleName()).isEqualTo("true null@PT10S");
        }
    }

    @Test
    void aTimedPollWokenSpuriouslyJustBeforeItsDeadlineStillTimesOutAtIt() {
        for (Supplier<BlockingQueue<String>> q : QUEUES) {
            BlockingQueue<String> queue = q.get();
            SimResult<String> r = Simulation.builder().seed(1).maxStepWallTime(Duration.ofSeconds(5))
                    .run(() -> TaskGroup.with(tg -> {
                        AtomicReference<Thread> poller = new AtomicReference<>();
                        Task<String> p = tg.spawn("poller", () -> {
                            poller.set(Thread.currentThread());
                            return at(queue.poll(1_000_000, TimeUnit.NANOSECONDS));
                        });
                        Thread.sleep(0, 999_500);
                        LockSupport.unpark(poller.get()); // a spurious wake-up, which the JDK's waits allow for
                        return p.join();
                    }));
            assertThat(r.failure()).as(queue.getClass().getSimpleName()).isNull();
            assertThat(r.value()).isEqualTo("null@PT0.001S");
        }
    }
}
