package dev.simloop.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.CancelScope;
import dev.simloop.EveryStrategyAndRealLoop;
import dev.simloop.Loop;
import dev.simloop.TaskGroup;
import dev.simloop.ThrowingRunnable;
import dev.simloop.ThrowingSupplier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A cancel ends a wait and takes the waiter out of its queue; when a shield hides that cancel again
 * before the waiter runs, the waiter does not raise and waits on. Whatever came meanwhile (a release,
 * a permit, a value, a close, room in a buffer) found no waiter and stayed with the primitive: the
 * waiter must take it then, not wait for a hand-over that already passed it by. Before, it parked
 * again on a free lock, a semaphore with a permit or a channel with a value, and the run ended in a
 * deadlock report, in a simulation and in a real loop alike.
 */
class HiddenCancelWakeTest {

    /**
     * The waiter runs {@code waits} until it is parked; the opener cancels an outer scope that a shield
     * hides, lifts the shield (the cancel reaches the parked waiter) and puts it back before the waiter
     * runs, then runs {@code frees}. @return the log: what the waiter noted, then what the opener noted
     */
    private static List<String> scenario(ThrowingRunnable waits, ThrowingRunnable frees, List<String> log) {
        CancelScope.run(outer -> CancelScope.run(inner -> {
            inner.setShielded(true);
            TaskGroup.with(g -> {
                g.spawn("waiter", () -> {
                    waits.run();
                    log.add("waiter done");
                });
                Loop.waitAllTasksBlocked(); // the waiter is parked in its wait
                outer.cancel();             // hidden by the shield
                inner.setShielded(false);   // the cancel ends the waiter's wait ...
                inner.setShielded(true);    // ... and is hidden again before the waiter runs
                frees.run();
                return null;
            });
            return null;
        }));
        return log;
    }

    private static List<String> everywhere(ThrowingSupplier<String> main) {
        return EveryStrategyAndRealLoop.values(main);
    }

    @Test
    void aLockReleasedWhileItsWaiterWasOutOfTheQueueIsTakenByIt() {
        for (String kind : List.of("Lock", "RLock", "PriorityLock")) {
            List<String> seen = everywhere(() -> {
                LockBase lock;
                ThrowingRunnable acquire;
                ThrowingRunnable release;
                if (kind.equals("Lock")) {
                    Lock l = new Lock("L");
                    lock = l;
                    acquire = l::acquire;
                    release = l::release;
                } else if (kind.equals("RLock")) {
                    RLock l = new RLock("L");
                    lock = l;
                    acquire = l::acquire;
                    release = l::release;
                } else {
                    PriorityLock l = new PriorityLock("L");
                    lock = l;
                    acquire = l::acquire;
                    release = l::release;
                }
                acquire.run();
                List<String> log = scenario(() -> {
                    acquire.run();
                    release.run();
                }, release, new ArrayList<>());
                return log + ", locked " + lock.isLocked() + ", waiting " + lock.waiting();
            });
            assertThat(seen).as(kind).hasSize(EveryStrategyAndRealLoop.RUNS).containsOnly("[waiter done], locked false, waiting 0");
        }
    }

    @Test
    void aPermitReleasedWhileItsWaiterWasOutOfTheQueueIsTakenByIt() {
        List<String> seen = everywhere(() -> {
            Semaphore s = new Semaphore(0, "S");
            List<String> log = scenario(s::acquire, s::release, new ArrayList<>());
            return log + ", permits " + s.availablePermits();
        });
        assertThat(seen).hasSize(EveryStrategyAndRealLoop.RUNS).containsOnly("[waiter done], permits 0");
    }

    @Test
    void valuesSentWhileTheReceiverWasOutOfTheQueueAreReceivedInOrder() {
        List<String> seen = everywhere(() -> {
            Channel<String> ch = new Channel<>(2, "C");
            List<String> log = new ArrayList<>();
            scenario(() -> log.add("received " + ch.receive()), () -> {
                ch.send("first");
                ch.send("second");
            }, log);
            return log + ", buffered " + ch.size();
        });
        assertThat(seen).hasSize(EveryStrategyAndRealLoop.RUNS).containsOnly("[received first, waiter done], buffered 1");
    }

    @Test
    void aCloseWhileTheReceiverWasOutOfTheQueueEndsItsWait() {
        List<String> seen = everywhere(() -> {
            Channel<String> ch = new Channel<>(1, "C");
            List<String> log = new ArrayList<>();
            scenario(() -> {
                try {
                    ch.receive();
                } catch (EndOfChannelException e) {
                    log.add("end of channel");
                }
            }, ch::close, log);
            return log.toString();
        });
        assertThat(seen).hasSize(EveryStrategyAndRealLoop.RUNS).containsOnly("[end of channel, waiter done]");
    }

    @Test
    void roomMadeWhileTheSenderWasOutOfTheQueueTakesItsValue() {
        List<String> seen = everywhere(() -> {
            Channel<String> ch = new Channel<>(1, "C");
            ch.send("first");
            List<String> log = scenario(() -> ch.send("second"), () -> receivesFirst(ch), new ArrayList<>());
            return log + ", then " + ch.receive() + ", buffered " + ch.size();
        });
        assertThat(seen).hasSize(EveryStrategyAndRealLoop.RUNS).containsOnly("[waiter done], then second, buffered 0");
    }

    private static void receivesFirst(Channel<String> ch) {
        assertThat(ch.receive()).isEqualTo("first");
    }

    @Test
    void aCloseWhileTheSenderWasOutOfTheQueueFailsItsSend() {
        List<String> seen = everywhere(() -> {
            Channel<String> ch = new Channel<>(1, "C");
            ch.send("first");
            List<String> log = new ArrayList<>();
            scenario(() -> {
                try {
                    ch.send("second");
                } catch (ChannelClosedException e) {
                    log.add(e.getMessage().replaceAll("task '[^']*'( \\(#\\d+\\))?", "the task"));
                }
            }, ch::close, log);
            return log.toString();
        });
        assertThat(seen).hasSize(EveryStrategyAndRealLoop.RUNS).containsOnly("[Channel.send: Channel 'C' was closed while the task waited to send;"
                + " the value was not delivered, waiter done]");
    }
}
