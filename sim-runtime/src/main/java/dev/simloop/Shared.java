package dev.simloop;

import dev.simloop.internal.Current;
import dev.simloop.internal.RunHashes;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A shared field whose every access from a task is a checkpoint: code that models threads which
 * may be preempted at any access (a port of a multi-threaded program, a model of shared memory)
 * keeps its fields in {@code Shared}s, and every read and write becomes a point where a simulation
 * can switch tasks. Each access reports this object ({@link Loop#checkpoint(Object)}), so partial
 * order sampling ({@link Strategy#pos()}) knows which steps race: two accesses to the same
 * {@code Shared} conflict, accesses to different ones are independent.
 *
 * <pre>{@code
 * Shared<Integer> balance = Shared.of(100);
 * g.spawn(() -> balance.set(balance.get() - 30));   // two checkpoints: a lost update can happen
 * g.spawn(() -> balance.update(b -> b + 50));       // one checkpoint, then read-modify-write at once
 * }</pre>
 *
 * <p>The checkpoint comes first, then the access, so the value read is the one current when the
 * task resumes. Outside a task (set-up before a run, assertions after it) an access is a plain
 * field access. Like everything a loop's tasks share, a {@code Shared} is not thread-safe: it
 * belongs to one loop.
 *
 * @param <T> the value type
 */
public final class Shared<T> {
    /** This object's hash code once taken, 0 before: set only through HASH ({@code RunHashes}). */
    private int hash;
    private static final VarHandle HASH = RunHashes.slot(MethodHandles.lookup());

    private T value;

    private Shared(T value) {
        this.value = value;
    }

    /**
     * @param initial the first value; may be null
     * @param <T> the value type
     * @return a shared field holding {@code initial}
     */
    public static <T> Shared<T> of(T initial) {
        return new Shared<>(initial);
    }

    /**
     * A checkpoint, then a read.
     *
     * @return the value when the calling task resumes
     */
    public T get() {
        access();
        return value;
    }

    /**
     * A checkpoint, then a write.
     *
     * @param newValue the new value; may be null
     */
    public void set(T newValue) {
        access();
        value = newValue;
    }

    /**
     * A checkpoint, then a read-modify-write with no checkpoint inside it (as an atomic update):
     * {@code update(v -> v + 1)} never loses an increment, {@code set(get() + 1)} can.
     *
     * @param f computes the new value from the current one; it must not reach a checkpoint
     * @return the new value
     * @throws NullPointerException when {@code f} is null
     * @throws IllegalStateException when {@code f} makes a blocking call (a checkpoint, a sleep, a
     *     wait, an access to a {@code Shared}, a spawn: what {@link Loop#runSync} refuses), so that no
     *     other task can write the field between the read and the write
     */
    public T update(UnaryOperator<T> f) {
        Objects.requireNonNull(f, "Shared.update: f");
        if (Current.orNull() == null) {
            value = f.apply(value);
            return value;
        }
        Loop.checkpoint(this);
        T old = value;
        try {
            value = Loop.runSync(() -> f.apply(old)); // no step may end inside it
        } catch (SynchronousBlockingException e) {
            throw new IllegalStateException("Shared.update: the update function made a blocking call (the cause says"
                    + " which), so the update would not be atomic: another task could write the field between its read"
                    + " and its write. Compute the new value without waiting, and wait before or after the update", e);
        }
        return value;
    }

    private void access() {
        if (Current.orNull() != null) {
            Loop.checkpoint(this);
        }
    }

    /** @return {@code Shared[value]}; reading it this way is no checkpoint */
    @Override
    public String toString() {
        return "Shared[" + value + "]";
    }

    /** The same in every replay of a simulation (simulation.md, "Nondeterminism"); equality stays identity. */
    @Override
    public int hashCode() {
        return RunHashes.of(this, HASH);
    }
}
