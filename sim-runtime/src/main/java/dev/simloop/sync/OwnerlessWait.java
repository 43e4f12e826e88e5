package dev.simloop.sync;

import dev.simloop.internal.LiveTaskIndex;
import dev.simloop.internal.TaskImpl;
import dev.simloop.internal.WaitTarget;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a task blocked on a primitive that no task owns (an {@link Event}, a {@link Semaphore}, one
 * side of a {@link Channel}) is recorded as waiting on: no edge in the wait-for graph, and a
 * deadlock report that says which call would end the wait. It reads as the primitive itself
 * everywhere else (traces). One per primitive (per direction), made with it.
 */
final class OwnerlessWait implements WaitTarget {
    private final Object primitive;
    private final String call;
    private final Supplier<String> state;
    private final String needs;
    /** What a report adds for the waiting task after {@link #needs}: {@code ""} or {@code "; ..."}. */
    private final Function<TaskImpl<?>, String> more;

    /**
     * @param primitive the primitive, whose {@code toString()} describes its state
     * @param call the waiting call as a trace shows it after the primitive's label, e.g. {@code "acquire"}
     * @param state the primitive's state in a few words, e.g. {@code "permits=0"}
     * @param needs the call that ends the wait, e.g. {@code "a call to set()"}
     */
    OwnerlessWait(Object primitive, String call, Supplier<String> state, String needs) {
        this(primitive, call, state, needs, waiter -> "");
    }

    /**
     * @param more what a deadlock report adds for a waiting task after what it needs: {@code ""}, or
     *     {@code "; "} and a fact that bears on whether the call will come (who made it last, say)
     */
    OwnerlessWait(Object primitive, String call, Supplier<String> state, String needs, Function<TaskImpl<?>, String> more) {
        this.primitive = primitive;
        this.call = call;
        this.state = state;
        this.needs = needs;
        this.more = more;
    }

    /** @return e.g. {@code Semaphore 'pool'.acquire(permits=0)}: the call, its object and what it found */
    @Override
    public String traceDetail() {
        return call + "(" + state.get() + ")";
    }

    @Override
    public void addWaitedFor(TaskImpl<?> waiter, LiveTaskIndex live, List<TaskImpl<?>> out) {
        // no owner: any task could end the wait
    }

    @Override
    public String describeWait(TaskImpl<?> waiter, List<TaskImpl<?>> waitedFor) {
        return primitive + "; no task holds it: it needs " + needs + more.apply(waiter);
    }

    @Override
    public Object primitive() {
        return primitive;
    }

    @Override
    public String toString() {
        return primitive.toString();
    }
}
