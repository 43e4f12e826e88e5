package dev.simloop.internal;

/**
 * Thrown to the caller of a simulation whose task ran away (see {@link Watchdog}): carries the
 * run's outcome as far as it got, with its {@code LimitExceeded} failure. Entry points turn it into
 * their own result; users never see it.
 */
public final class Runaway extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient RunOutcome outcome;

    Runaway(RunOutcome outcome) {
        super(outcome.failure().getMessage(), outcome.failure(), false, false);
        this.outcome = outcome;
    }

    /** @return the run as far as it got; its failure is the {@code LimitExceeded} */
    public RunOutcome outcome() {
        return outcome;
    }
}
