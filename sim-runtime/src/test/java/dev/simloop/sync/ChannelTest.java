package dev.simloop.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.CancelScope;
import dev.simloop.Cancelled;
import dev.simloop.Loop;
import dev.simloop.Task;
import dev.simloop.TaskGroup;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelTest {
    /** Rule 6: capacity 0 is a rendezvous: a send completes only when a receiver takes the value. */
    @Test
    void capacityZeroIsARendezvous() {
        List<String> log = Sims.fifo(() -> {
            List<String> l = new ArrayList<>();
            Channel<String> ch = new Channel<>(0);
            TaskGroup.with(tg -> {
                tg.spawn("sender", () -> {
                    l.add("send x");
                    ch.send("x");
                    l.add("sent x");
                });
                for (int i = 0; i < 3; i++) {
                    Loop.checkpoint();
                }
                l.add("receiving");
                l.add("got " + ch.receive());
                return null;
            });
            return l;
        });
        // the receive hands the value over and wakes the sender, then checkpoints: the sender goes first
        assertThat(log).containsExactly("send x", "receiving", "sent x", "got x");
    }

    /** Rule 6: a receiver already waiting owns the next value; a later receiver cannot take it. */
    @Test
    void aWaitingReceiverOwnsTheNextValue() {
        List<String> log = Sims.fifo(() -> {
            List<String> l = new ArrayList<>();
            Channel<Integer> ch = new Channel<>(5);
            TaskGroup.with(tg -> {
                tg.spawn("r1", () -> l.add("r1 got " + ch.receive()));
                Loop.checkpoint();
                ch.trySend(1); // not a checkpoint: r1 has not run yet, but the value is already its
                l.add("after send: buffered " + ch.size() + ", tryReceive " + ch.tryReceive());
                ch.send(2);
                return null;
            });
            l.add("left " + ch.tryReceive());
            return l;
        });
        assertThat(log).containsExactly("after send: buffered 0, tryReceive null", "r1 got 1", "left 2");
    }

    @Test
    void boundedSendWaitsForRoomAndValuesKeepOrder() {
        List<String> log = Sims.fifo(() -> {
            List<String> l = new ArrayList<>();
            Channel<Integer> ch = new Channel<>(2);
            TaskGroup.with(tg -> {
                tg.spawn("producer", () -> {
                    for (int i = 1; i <= 4; i++) {
                        ch.send(i);
                        l.add("sent " + i + " (buffered " + ch.size() + ")");
                    }
                    ch.close();
                });
                Sims.until(() -> ch.size() == 2);
                Loop.checkpoint();
                for (int v : ch) {
                    l.add("got " + v);
                }
                return null;
            });
            return l;
        });
        // each receive moves the waiting sender's value into the buffer, wakes it and checkpoints
        assertThat(log).containsExactly("sent 1 (buffered 1)", "sent 2 (buffered 2)", "sent 3 (buffered 2)", "got 1",
                "sent 4 (buffered 2)", "got 2", "got 3", "got 4");
    }

    @Test
    void closeDrainsThenEndsReceiversAndRejectsSenders() {
        List<String> log = Sims.fifo(() -> {
            List<String> l = new ArrayList<>();
            Channel<String> ch = new Channel<>(3);
            ch.send("a");
            ch.send("b");
            ch.close();
            ch.close(); // idempotent
            try {
                ch.send("c");
            } catch (ChannelClosedException e) {
                l.add("send: " + e.getMessage());
            }
            l.add(ch.receive());
            l.add(ch.receive());
            try {
                ch.receive();
            } catch (EndOfChannelException e) {
                l.add("receive: " + e.getMessage());
            }
            return l;
        });
        assertThat(log).containsExactly("send: Channel.send: task 'main' sent on a closed channel", "a", "b",
                "receive: Channel.receive: the channel is closed and every value has been received");
    }

    @Test
    void closeWakesWaitingReceiversAndSenders() {
        List<String> log = Sims.fifo(() -> {
            List<String> l = new ArrayList<>();
            Channel<String> in = new Channel<>(0);
            Channel<String> out = new Channel<>(0);
            TaskGroup.with(tg -> {
                tg.spawn("receiver", () -> {
                    try {
                        in.receive();
                    } catch (EndOfChannelException e) {
                        l.add("receiver: end of channel");
                    }
                });
                tg.spawn("sender", () -> {
                    try {
                        out.send("lost");
                    } catch (ChannelClosedException e) {
                        l.add("sender: " + e.getMessage());
                    }
                });
                Loop.checkpoint();
                in.close();
                out.close();
                return null;
            });
            return l;
        });
        assertThat(log).containsExactly("receiver: end of channel",
                "sender: Channel.send: the channel was closed while task 'sender' waited to send; the value was not delivered");
    }

    @Test
    void cancelledSendAndReceiveLeaveTheChannelUsable() {
        List<String> log = Sims.fifo(() -> {
            List<String> l = new ArrayList<>();
            Channel<String> ch = new Channel<>(0);
            TaskGroup.with(tg -> {
                Task<Void> s = tg.spawn("sender", () -> ch.send("never"));
                Loop.checkpoint();
                s.cancel();
                Loop.checkpoint();
                l.add("sender cancelled " + s.isCancelled());
                Task<String> r = tg.spawn("r1", () -> ch.receive());
                tg.spawn("r2", () -> l.add("r2 got " + ch.receive()));
                Loop.checkpoint();
                r.cancel();
                Loop.checkpoint();
                l.add("r1 cancelled " + r.isCancelled());
                ch.send("v");
                return null;
            });
            return l;
        });
        assertThat(log).containsExactly("sender cancelled true", "r1 cancelled true", "r2 got v");
    }

    @Test
    void severalSendersAndReceiversDeliverEveryValueOnce() {
        for (long seed = 0; seed < 30; seed++) {
            List<Integer> got = Sims.random(seed, () -> {
                Channel<Integer> ch = new Channel<>(1);
                List<Integer> all = new ArrayList<>();
                TaskGroup.with(outer -> {
                    for (int r = 0; r < 3; r++) {
                        outer.spawn("r" + r, () -> {
                            for (int v : ch) {
                                all.add(v);
                            }
                        });
                    }
                    TaskGroup.with(senders -> {
                        for (int s = 0; s < 3; s++) {
                            int base = s * 100;
                            senders.spawn("s" + s, () -> {
                                for (int i = 0; i < 5; i++) {
                                    ch.send(base + i);
                                }
                            });
                        }
                        return null;
                    });
                    ch.close(); // every sender is done
                    return null;
                });
                return all;
            });
            assertThat(got).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 100, 101, 102, 103, 104, 200, 201, 202, 203, 204);
        }
    }

    @Test
    void tryReceiveOnAClosedDrainedChannelNamesTryReceive() {
        Throwable t = Sims.fifo(() -> {
            Channel<String> ch = new Channel<>(1);
            ch.close();
            return org.assertj.core.api.Assertions.catchThrowable(ch::tryReceive);
        });
        org.assertj.core.api.Assertions.assertThat(t).isInstanceOf(EndOfChannelException.class)
                .hasMessage("Channel.tryReceive: the channel is closed and every value has been received");
    }

    /** A closed channel still gives out what it buffered: tryReceive drains it, then reports the end. */
    @Test
    void tryReceiveDrainsAClosedChannelBeforeReportingItsEnd() {
        List<String> log = Sims.fifo(() -> {
            List<String> l = new ArrayList<>();
            Channel<String> ch = new Channel<>(2);
            ch.send("a");
            ch.send("b");
            ch.close();
            for (int i = 0; i < 3; i++) {
                try {
                    l.add("got " + ch.tryReceive());
                } catch (EndOfChannelException e) {
                    l.add(e.getMessage());
                }
            }
            return l;
        });
        assertThat(log).containsExactly("got a", "got b",
                "Channel.tryReceive: the channel is closed and every value has been received");
    }

    /** send is a checkpoint first: in a cancelled scope it raises Cancelled even on a closed channel. */
    @Test
    void sendInACancelledScopeRaisesCancelledEvenOnAClosedChannel() {
        String r = Sims.fifo(() -> {
            Channel<String> ch = new Channel<>(1);
            ch.close();
            return CancelScope.run(s -> {
                s.cancel();
                try {
                    ch.send("x");
                    return "sent";
                } catch (ChannelClosedException e) {
                    return "ChannelClosedException: " + e.getMessage();
                } catch (Cancelled e) {
                    return "Cancelled: " + e.reason();
                }
            });
        });
        assertThat(r).isEqualTo("Cancelled: EXPLICIT");
    }

    /**
     * A named channel's closed-channel messages name it: in a pipeline of channels, "sent on a closed
     * channel" or "the channel is closed" did not say which stage had ended.
     */
    @Test
    void aNamedChannelsClosedMessagesNameIt() {
        List<String> v = Sims.fifo(() -> {
            List<String> l = new ArrayList<>();
            Channel<String> jobs = new Channel<>(0, "jobs");
            TaskGroup.with(tg -> {
                tg.spawn("sender", () -> {
                    try {
                        jobs.send("a");
                    } catch (ChannelClosedException e) {
                        l.add(e.getMessage());
                    }
                });
                Loop.waitAllTasksBlocked();
                jobs.close();
                return null;
            });
            l.add(org.assertj.core.api.Assertions.catchThrowable(() -> jobs.send("b")).getMessage());
            l.add(org.assertj.core.api.Assertions.catchThrowable(() -> jobs.trySend("b")).getMessage());
            l.add(org.assertj.core.api.Assertions.catchThrowable(jobs::receive).getMessage());
            l.add(org.assertj.core.api.Assertions.catchThrowable(jobs::tryReceive).getMessage());
            return l;
        });
        assertThat(v).containsExactly(
                "Channel.send: Channel 'jobs' was closed while task 'sender' waited to send; the value was not delivered",
                "Channel.send: task 'main' sent on Channel 'jobs', which is closed",
                "Channel.trySend: task 'main' sent on Channel 'jobs', which is closed",
                "Channel.receive: Channel 'jobs' is closed and every value has been received",
                "Channel.tryReceive: Channel 'jobs' is closed and every value has been received");
    }
}
