package dev.simloop;

import dev.simloop.internal.CancelScopeTree;
import dev.simloop.internal.Current;
import dev.simloop.internal.Nanos;
import dev.simloop.internal.RunHashes;
import dev.simloop.internal.Scheduler;
import dev.simloop.internal.TaskImpl;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A level-triggered cancel scope (after trio). Cancelling a scope makes every checkpoint inside it
 * raise {@link Cancelled} until the scope exits, where the scope catches it: {@link #run} then
 * returns null. Scopes nest; when several enclosing scopes are cancelled, the outermost one
 * catches. A shielded scope hides cancellation of the scopes outside it (never its own deadline).
 *
 * <pre>{@code
 * Optional<Reply> reply = CancelScope.moveOnAfter(Duration.ofSeconds(2), () -> client.call());
 * CancelScope.shielded(() -> { connection.closeGracefully(); return null; });
 * }</pre>
 *
 * <p>Mutators ({@link #cancel}, {@link #setDeadline}, {@link #setShielded}) must be called from a
 * task of the loop the scope belongs to; {@link #setShielded} only from the task that opened the
 * scope.
 */
public final class CancelScope {
    /** This object's hash code once taken, 0 before: set only through HASH ({@code RunHashes}). */
    private int hash;
    private static final VarHandle HASH = RunHashes.slot(MethodHandles.lookup());

    private final CancelScopeTree.Node node;
    private final Scheduler loop;

    private CancelScope(CancelScopeTree.Node node, Scheduler loop) {
        this.node = node;
        this.loop = loop;
    }

    /**
     * Runs {@code body} inside a new scope in the calling task.
     *
     * @param body receives the scope, to cancel it or set its deadline
     * @param <T> the result type
     * @return the body's value, or null when the scope caught its own cancellation
     */
    public static <T> T run(ThrowingFunction<CancelScope, T> body) {
        Objects.requireNonNull(body, "CancelScope.run: body");
        return open("CancelScope.run", Long.MAX_VALUE, false).runBody(body);
    }

    /**
     * Runs {@code fn} with a deadline {@code timeout} from now; gives up at the deadline.
     *
     * @param timeout how long to allow; zero gives up at the first checkpoint
     * @param fn the work
     * @param <T> the result type
     * @return the value, or empty when the deadline cancelled {@code fn} (or {@code fn} returned null)
     * @throws IllegalArgumentException when {@code timeout} is negative
     */
    public static <T> Optional<T> moveOnAfter(Duration timeout, ThrowingSupplier<T> fn) {
        Objects.requireNonNull(fn, "CancelScope.moveOnAfter: fn");
        CancelScope s = open("CancelScope.moveOnAfter", deadlineAfter("CancelScope.moveOnAfter", timeout), false);
        return Optional.ofNullable(s.runBody(x -> fn.get()));
    }

    /**
     * Runs {@code fn} with a deadline {@code timeout} from now; throws when the deadline cancels it.
     * Only the scope's own deadline counts: if an enclosing scope is cancelled too, the
     * {@link Cancelled} goes to the outermost one instead. A shield around this call does not stop
     * its deadline.
     *
     * @param timeout how long to allow
     * @param fn the work
     * @param <T> the result type
     * @return the value
     * @throws DeadlineExceeded when the deadline cancelled {@code fn}
     * @throws IllegalArgumentException when {@code timeout} is negative
     */
    public static <T> T failAfter(Duration timeout, ThrowingSupplier<T> fn) {
        Objects.requireNonNull(fn, "CancelScope.failAfter: fn");
        CancelScope s = open("CancelScope.failAfter", deadlineAfter("CancelScope.failAfter", timeout), false);
        T value = s.runBody(x -> fn.get());
        if (s.cancelledCaught()) {
            throw new DeadlineExceeded(deadlinePassed("CancelScope.failAfter", timeout.toNanos(), s.deadline(),
                    s.loop.now(), "the work"));
        }
        return value;
    }

    /**
     * The message of a {@link DeadlineExceeded}: when the deadline passed, and when the work noticed,
     * if later (a real loop's task that ran on without a checkpoint, or ignored an interrupt).
     */
    static String deadlinePassed(String call, long timeoutNanos, long deadline, long now, String what) {
        return call + ": the deadline of " + Nanos.format(timeoutNanos) + " passed at loop time "
                + Nanos.format(Math.min(deadline, now)) + " before " + what + " finished"
                + (now > deadline ? " (which ended at loop time " + Nanos.format(now) + ")" : "");
    }

    /**
     * Runs {@code fn} in a shielded scope: cancellation of enclosing scopes does not reach it
     * (use it for clean-up that must block, such as closing a connection gracefully).
     *
     * @param fn the work
     * @param <T> the result type
     * @return the value
     */
    public static <T> T shielded(ThrowingSupplier<T> fn) {
        Objects.requireNonNull(fn, "CancelScope.shielded: fn");
        return open("CancelScope.shielded", Long.MAX_VALUE, true).runBody(x -> fn.get());
    }

    private static CancelScope open(String call, long deadline, boolean shield) {
        TaskImpl<?> me = Current.task(call);
        CancelScopeTree.Node n = CancelScopeTree.enter(me, "cancel scope");
        CancelScope s = new CancelScope(n, me.loop());
        if (shield) {
            CancelScopeTree.setShielded(s.loop, n, true);
        }
        if (deadline != Long.MAX_VALUE) {
            CancelScopeTree.setDeadline(s.loop, n, deadline);
        }
        return s;
    }

    private static long deadlineAfter(String call, Duration timeout) {
        if (timeout == null) {
            throw new NullPointerException(call + ": timeout"); // the message built only when thrown: a hot path
        }
        if (timeout.isNegative()) {
            throw new IllegalArgumentException(call + ": the timeout must not be negative, but was " + timeout);
        }
        long now = Current.task(call).loop().now();
        long nanos = saturatedNanos(timeout);
        return nanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos;
    }

    static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    private <T> T runBody(ThrowingFunction<CancelScope, T> body) {
        TaskImpl<?> me = node.owner();
        T result;
        try {
            result = body.apply(this);
        } catch (Throwable thrown) {
            Throwable e = CancelScopeTree.leaving(loop, me, thrown);
            CancelScopeTree.exit(loop, me, node);
            if (e instanceof Cancelled && CancelScopeTree.catches(node)) {
                markCaught();
                return null;
            }
            throw unchecked(me, e);
        }
        CancelScopeTree.exit(loop, me, node);
        return result;
    }

    private void markCaught() {
        CancelScopeTree.markCaught(node);
    }

    private static RuntimeException unchecked(TaskImpl<?> me, Throwable e) {
        if (e instanceof RuntimeException r) {
            return r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        return new TaskFailedException(me.name(), e);
    }

    /** Cancels the scope: every checkpoint inside it raises {@link Cancelled} until it exits. Idempotent. */
    public void cancel() {
        requireLoop("CancelScope.cancel");
        CancelScopeTree.cancelByUser(loop, node);
    }

    /** @return whether cancellation was requested (explicitly or by the deadline); never reverts */
    public boolean cancelCalled() {
        return node.cancelCalled();
    }

    /** @return whether the scope exited because of its own cancellation */
    public boolean cancelledCaught() {
        return node.cancelledCaught();
    }

    /** @return the deadline in loop-clock nanos ({@link Loop#nanoTime()}), {@link Long#MAX_VALUE} when none */
    public long deadline() {
        return node.deadline();
    }

    /**
     * Moves the deadline, either way, while the scope runs. A deadline at or before now cancels at
     * once; {@link Long#MAX_VALUE} removes it. Once the scope is cancelled, the new deadline is
     * recorded ({@link #deadline()} returns it) but changes nothing: a cancel is not taken back.
     *
     * @param nanos the deadline on the loop clock
     */
    public void setDeadline(long nanos) {
        requireLoop("CancelScope.setDeadline");
        CancelScopeTree.setDeadline(loop, node, nanos);
    }

    /** @return whether the scope hides cancellation of enclosing scopes */
    public boolean isShielded() {
        return node.isShielded();
    }

    /**
     * Switches the shield. Turning it off while a task inside is blocked delivers a pending outer
     * cancellation to it at once.
     *
     * @param shield the new state
     * @throws IllegalStateException when called from a task other than the one that opened the scope
     */
    public void setShielded(boolean shield) {
        TaskImpl<?> me = requireLoop("CancelScope.setShielded");
        if (me != node.owner()) {
            throw new IllegalStateException("CancelScope.setShielded: the scope was opened by task '"
                    + node.owner().name() + "' and only that task may change its shield, but task '" + me.name()
                    + "' called it");
        }
        CancelScopeTree.setShielded(loop, node, shield);
    }

    private TaskImpl<?> requireLoop(String call) {
        TaskImpl<?> me = Current.task(call);
        if (me.loop() != loop) {
            throw loop.notThisLoop(call, "the scope", me);
        }
        return me;
    }

    @Override
    public String toString() {
        return "CancelScope[" + (node.cancelCalled() ? "cancel called" : "active")
                + (node.isShielded() ? ", shielded" : "")
                + (node.deadline() == Long.MAX_VALUE ? "" : ", deadline " + Nanos.format(node.deadline()))
                + "]";
    }

    /** The same in every replay of a simulation (simulation.md, "Nondeterminism"); equality stays identity. */
    @Override
    public int hashCode() {
        return RunHashes.of(this, HASH);
    }
}
