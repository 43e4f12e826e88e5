package dev.simloop;

import java.util.Objects;

/**
 * How {@link TaskGroup#spawn(TaskOptions, ThrowingSupplier)} runs a task (traio's spawn flags). Immutable:
 * each setter returns a new value.
 *
 * <pre>{@code
 * tg.spawn(TaskOptions.named("heartbeat").awaited(false), () -> beatForever());
 * tg.spawn(TaskOptions.named("main-job").master(true), () -> work());
 * }</pre>
 *
 * <ul>
 *   <li>{@link #bubble(boolean) bubble} (default true): the task's failure cancels the group and is
 *       rethrown by it. False: the failure cancels nothing and stays in the {@link Task} ({@code join()}
 *       rethrows it); if no one joined the task by the group's end it is logged at WARNING
 *       ({@link FailureHandler#logging()}).
 *   <li>{@link #master(boolean) master} (default false): when the task finishes, the group is cancelled and
 *       ends normally ({@link TaskGroup#with} returns null, unless the body returned first: then its
 *       value); a master that fails and bubbles fails the group.
 *   <li>{@link #awaited(boolean) awaited} (default true). False: a background task the group does not
 *       wait for: when the body and every awaited task are done, it is cancelled (and then waited for).
 * </ul>
 * The flags combine: {@code bubble(false).master(true)} ends the group normally when the task ends,
 * even with a failure, which is not rethrown (unjoined, it is logged at WARNING as above).
 */
public final class TaskOptions {
    private static final TaskOptions DEFAULTS = new TaskOptions(null, true, false, true);

    private final String name;
    private final boolean bubble;
    private final boolean master;
    private final boolean awaited;

    private TaskOptions(String name, boolean bubble, boolean master, boolean awaited) {
        this.name = name;
        this.bubble = bubble;
        this.master = master;
        this.awaited = awaited;
    }

    /** @return the default options: no name ({@code task-N}), bubbling, not master, awaited */
    public static TaskOptions defaults() {
        return DEFAULTS;
    }

    /**
     * The default options with a name.
     *
     * @param name the task's name
     * @return the options
     */
    public static TaskOptions named(String name) {
        Objects.requireNonNull(name, "TaskOptions.named: name");
        return new TaskOptions(name, true, false, true);
    }

    /**
     * @param on whether the task's failure cancels the group and is rethrown by it
     * @return these options with {@code bubble} set
     */
    public TaskOptions bubble(boolean on) {
        return new TaskOptions(name, on, master, awaited);
    }

    /**
     * @param on whether the group is cancelled (and ends normally) when the task finishes
     * @return these options with {@code master} set
     */
    public TaskOptions master(boolean on) {
        return new TaskOptions(name, bubble, on, awaited);
    }

    /**
     * @param on whether the group waits for the task; false cancels it once the awaited work is done
     * @return these options with {@code awaited} set
     */
    public TaskOptions awaited(boolean on) {
        return new TaskOptions(name, bubble, master, on);
    }

    /** @return the task's name, or null for {@code task-N} */
    public String name() {
        return name;
    }

    /** @return whether the task's failure bubbles to its group */
    public boolean isBubble() {
        return bubble;
    }

    /** @return whether the task is the group's master */
    public boolean isMaster() {
        return master;
    }

    /** @return whether the group waits for the task */
    public boolean isAwaited() {
        return awaited;
    }

    /** Options are equal when all four settings are: a value, as its {@code with} methods make it. */
    @Override
    public boolean equals(Object o) {
        return o instanceof TaskOptions t && java.util.Objects.equals(name, t.name) && bubble == t.bubble
                && master == t.master && awaited == t.awaited;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(name, bubble, master, awaited);
    }

    @Override
    public String toString() {
        return "TaskOptions[name=" + name + ", bubble=" + bubble + ", master=" + master + ", awaited=" + awaited + "]";
    }
}
