package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.simloop.sync.Event;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Trust issue, items 7 and 8: a cancelled checkpoint still lets the others run,
 * {@code Loop.checkpointIfCancelled} does not, an interrupt of a task cancels it, and a task
 * cancelled while blocked in JDK I/O ends with {@code Cancelled}.
 */
class CancellationCornersTest {

    /** A task that catches Cancelled around a sleep in a cancelled scope, {@code n} times. */
    private static int catchCancelledInALoop(int n) {
        int caught = 0;
        for (int i = 0; i < n; i++) {
            try {
                Loop.sleep(Duration.ofMillis(1));
            } catch (Cancelled e) {
                caught++;
            }
        }
        return caught;
    }

    @Test
    void aCancelledCheckpointLetsTheOtherTasksRunOnARealLoop() {
        List<String> log = new ArrayList<>();
        Loop.run(() -> TaskGroup.with(tg -> {
            tg.spawn("sibling", () -> {
                for (int i = 0; i < 3; i++) {
                    log.add("sibling " + i);
                    Loop.checkpoint();
                }
            });
            CancelScope.run(scope -> {
                scope.cancel();
                log.add("caught " + catchCancelledInALoop(5));
                return null;
            });
            return null;
        }));
        // the sibling ran while main kept hitting cancelled checkpoints, not only after them
        assertThat(log.indexOf("sibling 2")).isLessThan(log.indexOf("caught 5"));
    }

    @Test
    void everyCancelledCheckpointIsAStepSoTheStepLimitStopsACatchingLoop() {
        SimResult<Integer> r = Simulation.builder().seed(1).maxSteps(1000).run(() -> CancelScope.run(scope -> {
            scope.cancel();
            return catchCancelledInALoop(200_000);
        }));
        assertThat(r.failure()).isInstanceOf(LimitExceeded.class).hasMessageContaining("maxSteps = 1000");
        SimResult<Integer> few = Simulation.builder().seed(1).run(() -> CancelScope.run(scope -> {
            scope.cancel();
            return catchCancelledInALoop(10);
        }));
        assertThat(few.value()).isEqualTo(10);
        assertThat(few.steps()).isGreaterThanOrEqualTo(11);
    }

    @Test
    void checkpointIfCancelledRaisesWithoutLettingOthersRunAndIsANoOpOtherwise() {
        List<String> log = new ArrayList<>();
        SimResult<Object> r = Simulation.builder().strategy(Strategy.fifo()).run(() -> TaskGroup.with(tg -> {
            tg.spawn("sibling", () -> log.add("sibling ran"));
            Loop.checkpointIfCancelled(); // not cancelled: returns at once, the sibling has not run
            log.add("main after the no-op");
            Throwable t = CancelScope.run(scope -> {
                scope.cancel();
                return catchThrowable(Loop::checkpointIfCancelled);
            });
            log.add("main caught " + t.getClass().getSimpleName() + ", reason " + ((Cancelled) t).reason());
            return null;
        }));
        assertThat(r.failed()).as("%s", r.failure()).isFalse();
        assertThat(log).containsExactly("main after the no-op", "main caught Cancelled, reason EXPLICIT", "sibling ran");
    }

    @Test
    void interruptingASleepingTaskCancelsItAndTheGroupEndsNormally() {
        for (Modes mode : Modes.values()) {
            List<String> log = new ArrayList<>();
            String v = mode.run(() -> {
                java.util.concurrent.atomic.AtomicReference<Thread> thread = new java.util.concurrent.atomic.AtomicReference<>();
                Task<?> sleeper = TaskGroup.with(tg -> {
                    Task<Void> t = tg.spawn("sleeper", () -> {
                        thread.set(Thread.currentThread());
                        try {
                            Loop.sleep(Duration.ofHours(1));
                        } catch (Cancelled e) {
                            log.add("sleeper cancelled: " + e.reason());
                            throw e;
                        }
                        log.add("sleeper woke normally");
                        return null;
                    });
                    while (thread.get() == null || !log.isEmpty()) {
                        Loop.checkpoint(); // until the sleeper is asleep
                    }
                    thread.get().interrupt();
                    return t;
                });
                return "group done at " + Loop.nanoTime() + ", sleeper cancelled " + sleeper.isCancelled();
            });
            assertThat(log).as("%s", mode).containsExactly("sleeper cancelled: INTERRUPTED");
            assertThat(v).as("%s", mode).startsWith("group done at ").endsWith(", sleeper cancelled true");
        }
        SimResult<String> sim = Simulation.run(1, () -> TaskGroup.with(tg -> {
            java.util.concurrent.atomic.AtomicReference<Thread> thread = new java.util.concurrent.atomic.AtomicReference<>();
            tg.spawn("sleeper", () -> {
                thread.set(Thread.currentThread());
                Loop.sleep(Duration.ofHours(1));
            });
            while (thread.get() == null) {
                Loop.checkpoint(); // until the sleeper is asleep
            }
            thread.get().interrupt();
            return "interrupted at " + Loop.nanoTime();
        }));
        assertThat(sim.value()).isEqualTo("interrupted at 0");
        assertThat(sim.virtualTime()).isEqualTo(Duration.ZERO); // the hour-long sleep ended with the cancel
    }

    @Test
    void aTaskThatInterruptsItselfIsCancelledAtItsNextWaitUnlessShielded() {
        SimResult<List<String>> r = Simulation.run(1, () -> {
            List<String> log = new ArrayList<>();
            TaskGroup.with(tg -> {
                tg.spawn("self", () -> {
                    Thread.currentThread().interrupt();
                    CancelScope.shielded(() -> {
                        Loop.sleep(Duration.ofSeconds(1)); // the shield hides the cancel: the sleep completes
                        log.add("shielded sleep done at " + Loop.nanoTime());
                        return null;
                    });
                    try {
                        new Event().await();
                    } catch (Cancelled e) {
                        log.add("cancelled: " + e.reason());
                    }
                });
                return null;
            });
            return log;
        });
        assertThat(r.value()).containsExactly("shielded sleep done at 1000000000", "cancelled: INTERRUPTED");
    }

    @Test
    @Timeout(60)
    void cancellingATaskBlockedInSocketAcceptEndsItAsCancelledAndTheGroupNormally() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            AtomicInteger accepted = new AtomicInteger();
            String v = Loop.run(() -> TaskGroup.with(tg -> {
                Task<Void> acceptor = tg.spawn("acceptor", () -> {
                    try (Socket _ = server.accept()) {
                        accepted.incrementAndGet();
                    }
                    return null;
                });
                Loop.sleep(Duration.ofMillis(50)); // the acceptor is blocked in accept by now
                acceptor.cancel();
                Throwable joined = catchThrowable(acceptor::join);
                return "acceptor cancelled " + acceptor.isCancelled() + ", join threw "
                        + (joined == null ? "nothing" : joined.getClass().getSimpleName());
            }));
            assertThat(v).isEqualTo("acceptor cancelled true, join threw TaskCancelledException");
            assertThat(accepted).hasValue(0);
        }
    }

    @Test
    @Timeout(60)
    void moveOnAfterAroundABlockingAcceptReturnsEmpty() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Optional<Socket> s = Loop.run(() -> CancelScope.moveOnAfter(Duration.ofMillis(50), server::accept));
            assertThat(s).isEmpty();
        }
    }

    @Test
    @Timeout(60)
    void cancellingAGroupOfTasksBlockedInSocketReadsEndsTheGroupNormally() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            List<Socket> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                clients.add(new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort()));
            }
            CountDownLatch reading = new CountDownLatch(3);
            String v = Loop.run(() -> TaskGroup.with(outer -> {
                TaskGroup.with(tg -> {
                    for (int i = 0; i < 3; i++) {
                        Socket conn = server.accept();
                        tg.spawn("reader-" + i, () -> {
                            reading.countDown();
                            return conn.getInputStream().read();
                        });
                    }
                    Loop.sleep(Duration.ofMillis(50));
                    tg.cancel();
                    return null;
                });
                return "group ended normally, " + reading.getCount() + " readers not started";
            }));
            assertThat(v).isEqualTo("group ended normally, 0 readers not started");
            for (Socket c : clients) {
                c.close();
            }
        }
    }
}
