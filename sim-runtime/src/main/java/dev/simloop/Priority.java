package dev.simloop;

/**
 * Named task priorities (asynkit's {@code Priority}); lower is more urgent. Use them with
 * {@link Task#setPriority(Priority)}, or their {@link #value()} anywhere an {@code int} priority
 * is taken.
 */
public enum Priority {
    /** Urgent work: -10. */
    HIGH(-10),
    /** The default: 0. */
    NORMAL(0),
    /** Background work (housekeeping): 10. */
    LOW(10);

    private final int value;

    Priority(int value) {
        this.value = value;
    }

    /** @return the priority as a number; lower is more urgent */
    public int value() {
        return value;
    }
}
