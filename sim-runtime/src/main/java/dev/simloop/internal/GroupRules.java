package dev.simloop.internal;

import dev.simloop.CancelReason;
import dev.simloop.FailureHandler;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a group does with its children beyond a plain task group's rules (every child awaited, every
 * failure cancels the group and is rethrown): traio's spawn options (bubble, master, awaited),
 * aiotools' supervision (no child's failure bubbles) and a handler for the failures that do not
 * bubble. A plain group has no rules object, so it pays nothing for them.
 *
 * <p>Nothing is lost: a failure that does not bubble stays in its task ({@code join()} rethrows it);
 * if no one joined the task by the group's end it goes to the handler then, or at once when the
 * group hands failures on as they happen (a persistent group).
 */
public final class GroupRules {
    /** How one child was spawned (traio's flags). */
    public record ChildOptions(boolean bubble, boolean master, boolean awaited) {
    }

    /** The default handler: the task logger at WARNING (pinned in a simulation's task: {@link TaskLog#call}). */
    public static final FailureHandler LOGGING = (task, failure) -> TaskLog.call(() -> System.getLogger(TaskLog.NAME)
            .log(System.Logger.Level.WARNING, "task " + describe(task) + " failed and no one joined it", failure));

    /**
     * Of the failures no one joined by a group's end, how many the default handler logs one by one,
     * each with its stack trace; the rest are counted in one more record, by kind, so that a
     * supervisor whose 80,000 tasks fail alike logs 21 records rather than 80,000 traces. A handler
     * of the user's own gets every one.
     */
    static final int LOGGED_ONE_BY_ONE = 20;

    private boolean supervise;
    private FailureHandler handler = LOGGING;
    /**
     * Hand failures on as they happen (a persistent group), to the task waiting in
     * {@link #awaitFailure}, instead of to the handler at the group's end.
     */
    private boolean immediate;
    /** Failing tasks not yet taken by {@link #awaitFailure}, in order. */
    private final ArrayDeque<TaskImpl<?>> handOff = new ArrayDeque<>();
    private final WaitQueue failureWaiter = new WaitQueue();
    /** What the waiting task waits for, as deadlock reports say it. */
    private final Object waitingForFailures = new Object() {
        @Override
        public String toString() {
            return "a task of its persistent task group to fail (or the group to shut down)";
        }
    };
    /** The options of children spawned with some; removed when the child finishes. */
    private final Map<TaskImpl<?>, ChildOptions> options = new IdentityHashMap<>();
    /** Children running that the group does not wait for (awaited = false). */
    private int background;
    /** Failures that did not bubble, in the order they happened (their tasks). */
    private final List<TaskImpl<?>> kept = new ArrayList<>(2);

    GroupRules() {
    }

    private static String describe(dev.simloop.Task<?> task) {
        return task instanceof TaskImpl<?> t ? "'" + TaskLog.path(t) + "'" : "'" + task.name() + "'";
    }

    /** No child's failure bubbles (aiotools' Supervisor). */
    public void supervise() {
        supervise = true;
    }

    /** @param h receives the failures no one joined (at the group's end) */
    public void handler(FailureHandler h) {
        handler = h;
    }

    /** Failures are handed on as they happen, through {@link #awaitFailure}, not at the group's end. */
    public void handOnAtOnce() {
        immediate = true;
    }

    /**
     * Waits until a task of the group has failed (a checkpoint), and returns it.
     *
     * @return the failed task; its failure is {@link TaskImpl#failure()}
     */
    public TaskImpl<?> awaitFailure() {
        TaskImpl<?> me = Current.task("PersistentTaskGroup");
        me.loop.checkCancelled(me);
        while (handOff.isEmpty()) {
            failureWaiter.park(me, waitingForFailures);
        }
        return handOff.poll();
    }

    /** @return the next failed task not yet taken, or null */
    public TaskImpl<?> pollFailure() {
        return handOff.poll();
    }

    /** @return the failures that did not bubble, so far, in order */
    public List<Throwable> failures() {
        List<Throwable> out = new ArrayList<>(kept.size());
        for (TaskImpl<?> t : kept) {
            out.add(t.failure());
        }
        return java.util.Collections.unmodifiableList(out);
    }

    void adopt(TaskImpl<?> t, ChildOptions o) {
        options.put(t, o);
        if (!o.awaited()) {
            background++;
        }
    }

    int background() {
        return background;
    }

    /** @return whether {@code t}'s failure cancels the group and is rethrown by it */
    boolean bubbles(TaskImpl<?> t) {
        ChildOptions o = options.get(t);
        return !supervise && (o == null || o.bubble());
    }

    /** {@code t} failed and its failure does not bubble: keep it, or hand it on at once. */
    void keep(TaskImpl<?> t) {
        if (immediate) {
            handOff.add(t);
            failureWaiter.unparkFirst();
        } else {
            kept.add(t);
        }
    }

    /** {@code t} finished (after its failure was handled): a master ends the group. */
    void ended(GroupImpl g, TaskImpl<?> t) {
        ChildOptions o = options.remove(t);
        if (o == null) {
            return;
        }
        if (!o.awaited()) {
            background--;
        }
        if (o.master()) {
            CancelScopeTree.cancel(g.loop, g.scope, CancelReason.EXPLICIT);
        }
    }

    /** The body and every awaited child are done: cancel the background children, in spawn order. */
    void cancelBackground(GroupImpl g) {
        for (TaskImpl<?> t = g.loop.liveHead(); t != null; t = t.liveNext) {
            ChildOptions o = t.group == g ? options.get(t) : null;
            if (o != null && !o.awaited()) {
                t.cancel0();
            }
        }
    }

    /**
     * Hands {@code t}'s failure to {@code handler}. What the handler throws carries that failure
     * along (as the cause of a suppressed note), else a bug in the handler would hide the task's.
     *
     * @throws RuntimeException what the handler threw
     * @throws Error what the handler threw
     */
    public static void handOver(FailureHandler handler, TaskImpl<?> t) {
        try {
            handler.handle(t, t.failure());
        } catch (Throwable thrown) {
            Throwable e = thrown instanceof RuntimeException || thrown instanceof Error ? thrown
                    // a checked exception thrown sneakily (Lombok's @SneakyThrows, Kotlin): the handler's, not a task's
                    : new IllegalStateException("the FailureHandler threw the checked exception " + SafeText.brief(thrown)
                            + " while it handled the failure of task '" + t.name() + "'", thrown);
            if (e != t.failure()) {
                e.addSuppressed(new IllegalStateException("the FailureHandler threw this while it handled the failure"
                        + " of task '" + t.name() + "', attached as this exception's cause", t.failure()));
            }
            if (e instanceof Error error) {
                throw error;
            }
            throw (RuntimeException) e;
        }
    }

    /**
     * The group has ended: hands the kept failures no one joined to the handler.
     *
     * @return what the handler threw, to be rethrown by the group; null when nothing
     */
    List<Throwable> groupEnded() {
        List<Throwable> thrown = null;
        int handled = 0;
        FailureCounts rest = null;
        for (TaskImpl<?> t : kept) {
            if (t.joined) {
                continue;
            }
            if (handler == LOGGING && handled == LOGGED_ONE_BY_ONE) {
                rest = rest == null ? new FailureCounts() : rest;
                rest.add(t);
                continue;
            }
            handled++;
            try {
                handOver(handler, t);
            } catch (RuntimeException | Error e) {
                if (thrown == null) {
                    thrown = new ArrayList<>(1);
                }
                thrown.add(e);
            }
        }
        if (rest != null) {
            String message = rest.message();
            TaskLog.call(() -> System.getLogger(TaskLog.NAME).log(System.Logger.Level.WARNING, message));
        }
        return thrown;
    }

    /** The default handler's failures past {@link #LOGGED_ONE_BY_ONE}, counted by exception class, in order of first sight. */
    private static final class FailureCounts {
        /** Shown by name, each with its first task; the rest of the kinds are counted together. */
        private static final int KINDS_SHOWN = 5;

        /** The failures of one exception class: how many, and the task of the first. */
        private static final class Kind {
            final TaskImpl<?> first;
            int count;

            Kind(TaskImpl<?> first) {
                this.first = first;
            }
        }

        private final Map<Class<?>, Kind> kinds = new java.util.LinkedHashMap<>();
        private int total;

        void add(TaskImpl<?> t) {
            kinds.computeIfAbsent(t.failure().getClass(), k -> new Kind(t)).count++;
            total++;
        }

        String message() {
            StringBuilder sb = new StringBuilder().append(total).append(total == 1 ? " more task" : " more tasks")
                    .append(" failed and no one joined them (the first ").append(LOGGED_ONE_BY_ONE)
                    .append(" were logged one by one, above; each failure stays in its task, which join() rethrows, and"
                            + " a Supervisor given a FailureHandler hands it every one):");
            int shown = 0;
            int others = 0;
            for (Map.Entry<Class<?>, Kind> e : kinds.entrySet()) {
                Kind k = e.getValue();
                if (shown == KINDS_SHOWN) {
                    others += k.count;
                    continue;
                }
                sb.append(shown == 0 ? " " : "; ").append(k.count).append(" × ").append(e.getKey().getName())
                        .append(" (first: task ").append(describe(k.first)).append(": ")
                        .append(SafeText.message(k.first.failure())).append(')');
                shown++;
            }
            if (others > 0) {
                sb.append("; ").append(others).append(" of ").append(kinds.size() - KINDS_SHOWN).append(" other kinds");
            }
            return sb.toString();
        }
    }
}
