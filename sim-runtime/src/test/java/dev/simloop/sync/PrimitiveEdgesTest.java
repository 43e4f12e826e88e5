package dev.simloop.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.simloop.CancelScope;
import dev.simloop.Cancelled;
import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Edges of the primitives: the try-calls of a channel (a waiting receiver, a full buffer, a closed
 * channel), a cancelled receive or re-entrant acquire that takes nothing, a broken lock refusing
 * tryAcquire, and a condition that wakes every waiter.
 */
class PrimitiveEdgesTest {
    private static <T> T fifoWithoutLeakCheck(dev.simloop.ThrowingSupplier<T> body) {
        SimResult<T> r = Simulation.builder().strategy(Strategy.fifo()).checkLeaks(false).run(body);
        assertThat(r.failure()).isNull();
        return r.value();
    }

    @Test
    void trySendHandsToAWaitingReceiverBuffersWhileThereIsRoomAndThenRefuses() {
        List<String> log = Sims.fifo(() -> {
            List<String> l = new ArrayList<>();
            Channel<String> c = new Channel<>(1);
            l.add("capacity " + c.capacity() + ", closed " + c.isClosed());
            TaskGroup.with(tg -> {
                tg.spawn("receiver", () -> {
                    l.add("received " + c.receive());
                });
                Sims.until(() -> c.toString().contains("1 waiting to receive"));
                l.add("to the receiver: " + c.trySend("direct") + ", buffered " + c.size());
                return null;
            });
            l.add("into the buffer: " + c.trySend("one") + ", buffered " + c.size());
            l.add("full: " + c.trySend("two") + ", buffered " + c.size());
            l.add("try-received " + c.tryReceive());
            l.add("empty: " + c.tryReceive());
            c.close();
            l.add("closed " + c.isClosed());
            l.add("after close: " + catchThrowable(c::tryReceive).getClass().getSimpleName());
            l.add("send after close: " + catchThrowable(() -> c.trySend("x")).getMessage());
            return l;
        });
        assertThat(log).containsExactly("capacity 1, closed false", "to the receiver: true, buffered 0",
                "received direct", "into the buffer: true, buffered 1", "full: false, buffered 1", "try-received one",
                "empty: null", "closed true", "after close: EndOfChannelException",
                "send after close: Channel.trySend: task 'main' sent on a closed channel");
    }

    @Test
    void sendingToAWaitingReceiverIsACheckpoint() {
        List<String> log = Sims.fifo(() -> {
            List<String> l = new ArrayList<>();
            Channel<String> c = new Channel<>(0);
            TaskGroup.with(tg -> {
                tg.spawn("receiver", () -> {
                    l.add("received " + c.receive());
                });
                tg.spawn("sender", () -> {
                    Sims.until(() -> c.toString().contains("1 waiting to receive"));
                    l.add("sending");
                    c.send("v");
                    l.add("sent");
                });
                return null;
            });
            return l;
        });
        assertThat(log).containsExactly("sending", "received v", "sent");
    }

    @Test
    void aCancelledReceiveTakesNoBufferedValue() {
        List<String> log = Sims.fifo(() -> {
            List<String> l = new ArrayList<>();
            Channel<String> c = new Channel<>(2);
            c.send("kept");
            CancelScope.run(s -> {
                s.cancel();
                l.add("receive: " + catchThrowable(c::receive).getClass().getSimpleName());
                return null;
            });
            l.add("still buffered " + c.size() + ": " + c.receive());
            return l;
        });
        assertThat(log).containsExactly("receive: Cancelled", "still buffered 1: kept");
    }

    @Test
    void aCancelledReentrantAcquireAddsNoHold() {
        List<String> log = Sims.fifo(() -> {
            List<String> l = new ArrayList<>();
            RLock lock = new RLock();
            lock.acquire();
            CancelScope.run(s -> {
                s.cancel();
                Throwable t = catchThrowable(lock::acquire);
                l.add((t instanceof Cancelled ? "cancelled" : String.valueOf(t)) + ", holds " + lock.holdCount());
                return null;
            });
            lock.release();
            l.add("locked " + lock.isLocked());
            return l;
        });
        assertThat(log).containsExactly("cancelled, holds 1", "locked false");
    }

    @Test
    void aBrokenLockRefusesTryAcquireAndReportsItself() {
        String r = fifoWithoutLeakCheck(() -> {
            Lock lock = new Lock("db");
            TaskGroup.with(tg -> {
                tg.spawn("careless", () -> {
                    lock.acquire();
                });
                return null;
            });
            Throwable t = catchThrowable(lock::tryAcquire);
            return t.getClass().getSimpleName() + ": " + t.getMessage() + " | broken " + lock.isBroken() + " | " + lock;
        });
        assertThat(r).isEqualTo("BrokenResourceException: Lock.tryAcquire: Lock 'db' is broken: its owner task "
                + "'careless' finished without releasing it | broken true | Lock 'db' (broken)");
        assertThat(fifoWithoutLeakCheck(() -> new Lock().isBroken())).isFalse();
    }

    @Test
    void signalAllWakesEveryWaiterInOrderAndReportsNoneWhenNoneWait() {
        List<String> log = Sims.fifo(() -> {
            List<String> l = new ArrayList<>();
            Condition cond = new Condition();
            TaskGroup.with(tg -> {
                for (String n : List.of("w1", "w2", "w3")) {
                    tg.spawn(n, () -> {
                        try (var _ = cond.hold()) {
                            cond.await();
                            l.add(n + " woken");
                        }
                    });
                }
                Sims.until(() -> cond.waiting() == 3);
                try (var _ = cond.hold()) {
                    cond.signalAll();
                    l.add("signalled, waiting " + cond.waiting());
                }
                return null;
            });
            try (var _ = cond.hold()) {
                cond.signalAll(); // nobody waits: nothing happens
            }
            l.add("waiting " + cond.waiting());
            return l;
        });
        assertThat(log).containsExactly("signalled, waiting 0", "w1 woken", "w2 woken", "w3 woken", "waiting 0");
    }

    @Test
    void aLockUsedInARunRefusesCallsFromOutsideAnyTaskAfterwards() {
        Lock lock = new Lock();
        RLock rlock = new RLock();
        Sims.fifo(() -> {
            lock.acquire();
            lock.release();
            rlock.acquire();
            rlock.release();
            return null;
        });
        assertThat(catchThrowable(lock::acquire)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Lock.acquire must be called from a simloop task, but the calling thread, ");
        assertThat(catchThrowable(rlock::release)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("RLock.release must be called from a simloop task, but the calling thread, ");
    }
}
