package dev.simloop.sync;

import dev.simloop.internal.Current;
import dev.simloop.internal.RunHashes;
import dev.simloop.internal.RunMark;
import dev.simloop.internal.Scheduler;
import dev.simloop.internal.TaskImpl;
import dev.simloop.internal.WaitQueue;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * A bounded FIFO channel between tasks. {@link #send} waits while the buffer is full; capacity 0
 * makes every send a rendezvous with a receiver. A receiver that is already waiting owns the next
 * value sent: it is handed over directly, so another task cannot take it first. Any number of tasks
 * may send and receive on the same channel; values are delivered once each, in send order, and
 * waiting senders and receivers are served first come, first served.
 *
 * <p><b>Closing.</b> {@link #close()} ends sending: later sends, and sends still waiting for room,
 * throw {@link ChannelClosedException} (their value is not delivered). Receivers first drain
 * every buffered value, then get {@link EndOfChannelException}. With several senders, close the
 * channel once all of them are done, e.g. after the {@link dev.simloop.TaskGroup} that runs them
 * returns. A receiver loop ends at the end of the channel when written as
 *
 * <pre>{@code
 * for (String v : channel) {   // each step is a receive(); the loop ends when closed and drained
 *     handle(v);
 * }
 * }</pre>
 *
 * <p>{@code send} and {@code receive} are checkpoints; a send or receive that is cancelled while
 * waiting leaves the channel as if it had never been called (the value is not sent; no value is
 * taken). Values must not be null.
 *
 * @param <T> the type of the values
 */
public final class Channel<T> implements Iterable<T> {
    /** This object's hash code once taken, 0 before: set only through HASH ({@code RunHashes}). */
    private int hash;
    private static final VarHandle HASH = RunHashes.slot(MethodHandles.lookup());

    private static final Object TAKEN = new Object();
    private static final Object CLOSED = new Object();
    // Invariants: receivers waiting implies the buffer is empty and no sender waits;
    // senders waiting implies the buffer is full.
    private final int capacity;
    private final ArrayDeque<T> buffer;
    private final WaitQueue senders = new WaitQueue();
    private final WaitQueue receivers = new WaitQueue();
    /** What blocked senders and receivers wait on, for deadlock reports. */
    private final OwnerlessWait sendWait;
    private final OwnerlessWait receiveWait;
    private final String label;
    /** Whether it was given a name, which its messages then use: the stages of a pipeline tell apart. */
    private final boolean named;
    private boolean closed;
    /** The run whose tasks used it last ({@link RunMark}: a simulation does not go on from another run's values or close). */
    private RunMark run;
    /** The task that received a value last: a deadlock report on a blocked sender names it (a consumer that has finished is why no receive() comes). */
    private final LastCall lastReceive = new LastCall();

    /**
     * Creates an open channel.
     *
     * @param capacity how many values it buffers; 0 for a rendezvous channel
     */
    public Channel(int capacity) {
        this(capacity, null);
    }

    /**
     * Creates an open channel with a name for traces and deadlock reports.
     *
     * @param capacity how many values it buffers; 0 for a rendezvous channel
     * @param name the name, or null
     */
    public Channel(int capacity, String name) {
        if (capacity < 0) {
            throw new IllegalArgumentException("Channel: capacity must not be negative, but was " + capacity);
        }
        this.capacity = capacity;
        this.buffer = new ArrayDeque<>(Math.min(capacity, 64));
        this.label = Names.label("Channel", name);
        this.named = name != null;
        this.sendWait = new OwnerlessWait(this, label + ".send", () -> "buffered=" + buffer.size() + "/" + capacity,
                "a call to receive() or close()", this::lastReceived);
        this.receiveWait = new OwnerlessWait(this, label + ".receive", () -> "buffered=0", "a call to send() or close()");
    }

    /**
     * Sends {@code value}: hands it to the longest-waiting receiver, or buffers it, or waits for
     * room. A checkpoint.
     *
     * @param value the value; not null
     * @throws ChannelClosedException when the channel is closed, or closed while this send waits
     * @throws dev.simloop.Cancelled when the caller's scope is cancelled; the value is then not sent
     */
    public void send(T value) {
        Objects.requireNonNull(value, "Channel.send: value");
        TaskImpl<?> me = Current.task("Channel.send");
        enter(me);
        Scheduler loop = me.loop();
        loop.checkCancelled(me);
        if (closed) {
            throw new ChannelClosedException("Channel.send: " + me + " sent on " + closedOne());
        }
        if (offer(value)) {
            loop.schedulePoint(this);
            return;
        }
        Object reply;
        while ((reply = senders.park(me, sendWait, value)) == WaitQueue.NOT_UNPARKED) {
            // A cancel woke it, out of the queue, and a shield hid the cancel by the time it ran: the value is
            // not taken, and what happened meanwhile (a close, a receiver, room in the buffer) passed it by.
            if (closed) {
                reply = CLOSED;
                break;
            }
            if (offer(value)) { // room only while no sender waits: none is passed
                return;
            }
        }
        if (reply == CLOSED) {
            throw new ChannelClosedException("Channel.send: " + (named ? label : "the channel") + " was closed while " + me
                    + " waited to send; the value was not delivered");
        }
    }

    /**
     * Sends {@code value} if that needs no waiting. Not a checkpoint.
     *
     * @param value the value; not null
     * @return whether it was sent (false when the buffer is full and no receiver waits)
     * @throws ChannelClosedException when the channel is closed
     */
    public boolean trySend(T value) {
        Objects.requireNonNull(value, "Channel.trySend: value");
        TaskImpl<?> me = Current.task("Channel.trySend");
        enter(me);
        if (closed) {
            throw new ChannelClosedException("Channel.trySend: " + me + " sent on " + closedOne());
        }
        return offer(value);
    }

    /** Hands {@code value} to the longest-waiting receiver, else buffers it: @return whether either could */
    private boolean offer(T value) {
        if (receivers.unparkFirst(value) != null) {
            return true;
        }
        if (buffer.size() < capacity) {
            buffer.add(value);
            return true;
        }
        return false;
    }

    /**
     * Receives the next value, waiting for one. A checkpoint.
     *
     * @return the value
     * @throws EndOfChannelException when the channel is closed and every value has been received
     * @throws dev.simloop.Cancelled when the caller's scope is cancelled; no value is taken then
     */
    public T receive() {
        return receive("Channel.receive");
    }

    /** As {@link #receive()}; its messages name {@code call}, the API call the user made (an iterator's). */
    private T receive(String call) {
        TaskImpl<?> me = Current.task(call);
        enter(me);
        Scheduler loop = me.loop();
        loop.checkCancelled(me);
        T v = poll(loop);
        if (v != null) {
            lastReceive.note(me);
            loop.schedulePoint(this);
            return v;
        }
        if (closed) {
            throw endOfChannel(call);
        }
        Object reply;
        while ((reply = receivers.park(me, receiveWait)) == WaitQueue.NOT_UNPARKED) {
            // A cancel woke it, out of the queue, and a shield hid the cancel by the time it ran: a value sent
            // meanwhile went to the buffer (values wait there only while no receiver does), or a close came.
            T came = poll(loop);
            if (came != null) {
                lastReceive.note(me);
                return came;
            }
            if (closed) {
                reply = CLOSED;
                break;
            }
        }
        if (reply == CLOSED) {
            throw endOfChannel(call);
        }
        @SuppressWarnings("unchecked") // any reply but CLOSED is the value a sender passed to send(T)
        T value = (T) reply;
        lastReceive.note(me);
        return value;
    }

    /**
     * Receives a value if one is ready now. Not a checkpoint.
     *
     * @return the value, or null when none is ready
     * @throws EndOfChannelException when the channel is closed and every value has been received
     */
    public T tryReceive() {
        TaskImpl<?> me = Current.task("Channel.tryReceive");
        enter(me);
        T v = poll(me.loop());
        if (v == null && closed) {
            throw endOfChannel("Channel.tryReceive");
        }
        if (v != null) {
            lastReceive.note(me);
        }
        return v;
    }

    /**
     * @return for a deadlock report on {@code waiter}, a sender: which task received last in its run,
     *     and when (if that task has finished, no receive() will come from it); empty when none did
     */
    private String lastReceived(TaskImpl<?> waiter) {
        String last = lastReceive.in(waiter);
        return last == null ? "" : "; the last value was received by " + last;
    }

    /** Takes a buffered value or one from a waiting sender, refilling the buffer from the senders. */
    private T poll(Scheduler loop) {
        senders.requireSameRun();
        receivers.requireSameRun(); // a task of another run waits to receive: a null would hide the sharing
        T v = buffer.poll();
        TaskImpl<?> s = senders.peek();
        if (s != null) {
            @SuppressWarnings("unchecked") // a waiting sender carries the value it passed to send(T)
            T sent = (T) senders.carried(s);
            senders.unpark(s, TAKEN);
            if (v == null) {
                return sent; // rendezvous
            }
            buffer.add(sent);
        }
        return v;
    }

    private void enter(TaskImpl<?> me) {
        run = RunMark.enter(run, me, buffer.isEmpty() && !closed, this);
    }

    /** For a query: outside a task (set-up, assertions after a run) there is no run to protect. */
    private void enterIfInTask() {
        TaskImpl<?> me = Current.orNull();
        if (me != null) {
            enter(me); // values or a close another run left would steer this run
        }
    }

    private EndOfChannelException endOfChannel(String call) {
        return new EndOfChannelException(call + ": " + (named ? label : "the channel")
                + " is closed and every value has been received");
    }

    /** @return how a send's message names the closed channel: by its name when it has one */
    private String closedOne() {
        return named ? label + ", which is closed" : "a closed channel";
    }

    /**
     * Closes the channel for sending. Idempotent; not a checkpoint. Waiting receivers get
     * {@link EndOfChannelException} (nothing is buffered when receivers wait); waiting senders get
     * {@link ChannelClosedException}; buffered values stay receivable.
     */
    public void close() {
        TaskImpl<?> me = Current.task("Channel.close");
        enter(me);
        me.loop().touched(this);
        if (closed) {
            return;
        }
        receivers.requireSameRun();
        senders.requireSameRun();
        closed = true;
        receivers.unparkAll(CLOSED);
        senders.unparkAll(CLOSED);
    }

    /**
     * Whether {@link #close()} was called. Read by a task, it is a use of the channel like
     * {@link #receive()}: a simulation does not read a close another run left either.
     *
     * @return whether {@link #close()} was called
     */
    public boolean isClosed() {
        enterIfInTask();
        return closed;
    }

    /** @return the capacity given at construction */
    public int capacity() {
        return capacity;
    }

    /**
     * How many values are buffered. Read by a task, it is a use of the channel like
     * {@link #receive()}: a simulation does not read values another run left either.
     *
     * @return how many values are buffered
     */
    public int size() {
        enterIfInTask();
        return buffer.size();
    }

    /**
     * Iterates by receiving: {@code hasNext()} waits for the next value (a checkpoint) and returns
     * false at the end of the channel; the values go to whichever receiver takes them, so several
     * tasks may iterate one channel to share its values.
     *
     * @return an iterator over the values still to be received
     */
    @Override
    public Iterator<T> iterator() {
        return new Iterator<>() {
            private T next;
            private boolean ended;

            @Override
            public boolean hasNext() {
                return fetch("Iterator.hasNext (Channel.iterator())");
            }

            /** Receives the next value unless one is held or the channel ended; messages name {@code call}. */
            private boolean fetch(String call) {
                if (next != null) {
                    return true;
                }
                if (ended) {
                    return false;
                }
                try {
                    next = receive(call);
                    return true;
                } catch (EndOfChannelException e) {
                    ended = true;
                    return false;
                }
            }

            @Override
            public T next() {
                if (!fetch("Iterator.next (Channel.iterator())")) {
                    throw new NoSuchElementException("Iterator.next (Channel.iterator()): " + label
                            + " is closed and drained; hasNext() returns false then");
                }
                T v = next;
                next = null;
                return v;
            }
        };
    }

    @Override
    public String toString() {
        return label + " (capacity " + capacity + ", " + buffer.size() + " buffered"
                + (senders.isEmpty() ? "" : ", " + senders.size() + " waiting to send")
                + (receivers.isEmpty() ? "" : ", " + receivers.size() + " waiting to receive")
                + (closed ? ", closed" : "") + ")";
    }

    /** The same in every replay of a simulation (simulation.md, "Nondeterminism"); equality stays identity. */
    @Override
    public int hashCode() {
        return RunHashes.of(this, HASH);
    }
}
