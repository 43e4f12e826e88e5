package dev.simloop.internal;

import dev.simloop.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * Explicit scheduling by the program itself (asynkit's scheduling helpers): eager starts, switches
 * to a task, interrupts that run their target at once, and positions in the ready queue.
 *
 * <p>The run loop asks {@link #forcedPick} before its strategy: a task that the program asked to
 * run next runs next, and that is not a choice (nothing is recorded, no strategy can undo it). Two
 * kinds of forced picks exist: the <em>target</em> of a switch, eager start or interrupt, and the
 * <em>return</em> of the task that started it (eager starts and interrupts only), which runs right
 * after the target's step ends. Returns nest as a stack, so an eager start inside an eager start
 * unwinds depth-first. A forced task that is no longer ready (the run is ending) is skipped.
 *
 * <p>Positions ({@code sleepInsert}, {@code reinsert}, a switch's {@code insertPos}) are places in
 * the ready queue, 0 being its head. The FIFO order of real mode and of {@code Strategy.fifo()}
 * follows them, and the priority policy among tasks of equal priority; an exploring strategy
 * chooses among all ready tasks whatever their place.
 *
 * <p>Driver-thread state only, like the rest of the loop.
 */
public final class Steering {
    /** The task to run at the next pick, or null. */
    private TaskImpl<?> target;
    /** Tasks to resume, innermost last, each right after the forced step that it started ends. */
    private final ArrayList<TaskImpl<?>> returns = new ArrayList<>();

    /**
     * @param ready the loop's ready queue
     * @return the task the program asked to run next, taken out of {@code ready}; null to let the strategy pick
     */
    TaskImpl<?> forcedPick(ReadyQueue ready) {
        TaskImpl<?> t = target;
        if (t != null) {
            target = null;
        } else if (!returns.isEmpty()) {
            t = returns.removeLast();
        }
        if (t == null || !t.inReady) {
            return null;
        }
        return ready.removeAt(ready.indexOf(t));
    }

    /** @return whether the next pick may be forced (a switch, eager start or interrupt is under way) */
    boolean pending() {
        return target != null || !returns.isEmpty();
    }

    /**
     * Runs {@code target} now: {@code me} yields, the target takes the next step, then {@code me}
     * (when {@code comeBack}) continues before any other task. Not a checkpoint for cancellation.
     *
     * @param me the calling task
     * @param target a ready task of the same loop
     * @param comeBack whether {@code me} runs right after the target's step (eager start, interrupt)
     */
    public static void runNow(TaskImpl<?> me, TaskImpl<?> target, boolean comeBack) {
        SyncRun.checkMayBlock(me); // another task would run inside Loop.runSync
        Steering s = me.loop.steering;
        s.target = target;
        if (comeBack) {
            s.returns.add(me);
        }
        me.loop.schedulePoint();
    }

    /** {@code Loop.switchTo}: see {@link dev.simloop.Loop#switchTo(Task, int)}. */
    public static void switchTo(String call, TaskImpl<?> me, TaskImpl<?> target, int insertPos) {
        SyncRun.checkMayBlock(me); // before anything moves: another task would run inside Loop.runSync
        requireReady(call, me, target);
        if (insertPos == 0) {
            reinsert(call, me, target, 0);
            sleepInsert(me, 0);
            return;
        }
        me.loop.ready.move(target, 0); // at the head, as asynkit does, so that insertPos counts from it
        me.insertAt(insertPos);
        runNow(me, target, false);
    }

    /** {@code Loop.sleepInsert}: a checkpoint after which {@code me} is at {@code pos} in the ready queue. */
    public static void sleepInsert(TaskImpl<?> me, int pos) {
        me.loop.checkCancelled(me);
        me.insertAt(pos);
        me.loop.schedulePoint();
        me.insertAt(-1); // not used when nothing else could run
    }

    /** {@code Loop.reinsert}: moves the ready task {@code t} to {@code pos}. */
    public static void reinsert(String call, TaskImpl<?> me, TaskImpl<?> t, int pos) {
        requireReady(call, me, t);
        me.loop.ready.move(t, pos);
    }

    static void requireReady(String call, TaskImpl<?> me, TaskImpl<?> t) {
        if (t.loop != me.loop) {
            throw t.loop.notThisLoop(call, t.toString(), me);
        }
        if (t == me) {
            throw new IllegalArgumentException(call + ": " + t + " is the calling task; pass another, ready task");
        }
        if (!t.inReady) {
            throw new IllegalStateException(call + ": " + t + " is not runnable (it is " + state(t)
                    + "); only a task waiting in the ready queue can be moved or switched to (check Task.isRunnable())");
        }
    }

    /** @return what {@code t} is doing, for messages */
    static String state(TaskImpl<?> t) {
        if (t.done) {
            return "done";
        }
        if (t.inReady) {
            return "ready";
        }
        if (t == t.loop.runningTask()) {
            return "running";
        }
        return t.blockedOn != null ? "blocked on " + t.blockedOn : "blocked outside simloop";
    }

    /** @return the ready tasks of {@code loop}, in queue order */
    public static List<Task<?>> runnable(Scheduler loop) {
        ReadyQueue ready = loop.ready;
        List<Task<?>> out = new ArrayList<>(ready.size());
        for (int i = 0; i < ready.size(); i++) {
            out.add(ready.get(i));
        }
        return java.util.Collections.unmodifiableList(out);
    }

    /** @return the unfinished tasks of {@code loop} that neither run nor are ready, in spawn order */
    public static List<Task<?>> blocked(Scheduler loop) {
        List<Task<?>> out = new ArrayList<>();
        for (TaskImpl<?> t = loop.liveHead(); t != null; t = t.liveNext) {
            if (isBlocked(t)) {
                out.add(t);
            }
        }
        return java.util.Collections.unmodifiableList(out);
    }

    static boolean isBlocked(TaskImpl<?> t) {
        return !t.done && !t.inReady && t != t.loop.runningTask();
    }
}
