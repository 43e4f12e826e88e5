package dev.simloop;

import java.util.concurrent.CancellationException;

/**
 * Raised at a checkpoint inside a cancelled {@link CancelScope}. Cancellation is level-triggered:
 * every later checkpoint inside that scope raises it again until the scope exits, and the scope
 * that was cancelled catches it on the way out.
 *
 * <p>Do not swallow it: let it propagate to the scope that owns it. Catching it to run clean-up is
 * fine as long as it is rethrown; clean-up that must block should run in
 * {@link CancelScope#shielded(ThrowingSupplier)}.
 */
public class Cancelled extends CancellationException {
    private static final long serialVersionUID = 1L;

    /** The reason of the scope whose cancellation raised this; never null. */
    private final CancelReason reason;

    /**
     * A weak reference to the scope that raised this, when simloop raised it: set by the runtime
     * (internal.CancelScopeTree), so that this exception, wrapped in a JDK future's failure, is
     * recognised as that scope's cancel when it leaves the scope. Weak, so that a kept failure keeps
     * no run alive.
     */
    private transient Object raisedBy;

    /**
     * Creates a cancellation signal.
     *
     * @param reason why the scope was cancelled
     * @param message the full message
     */
    public Cancelled(CancelReason reason, String message) {
        super(message);
        this.reason = java.util.Objects.requireNonNull(reason, "Cancelled: reason");
    }

    /** @return why the scope that raised this was cancelled */
    public CancelReason reason() {
        return reason;
    }
}
