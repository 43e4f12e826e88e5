package dev.simloop.sync;

import dev.simloop.internal.HeldResource;
import dev.simloop.internal.Current;
import dev.simloop.internal.Scheduler;
import dev.simloop.internal.LiveTaskIndex;
import dev.simloop.internal.TaskImpl;
import dev.simloop.internal.WaitQueue;
import dev.simloop.internal.WaitTarget;
import java.util.List;

/**
 * The one implementation behind {@link Lock}, {@link RLock} and {@link PriorityLock}: an owned lock
 * that is handed straight to the next waiter on release (so a releaser that acquires again queues
 * behind the waiters: fairness), optionally re-entrant, optionally serving waiters by effective
 * priority and lending them to the holder (priority inheritance). Its {@code hold()} handle is the
 * {@link LockBase}'s one {@link LockHandle}, not this object: a {@link HeldResource} has public
 * methods that only the loop may call.
 */
final class LockCore extends HeldResource implements WaitTarget {
    // Invariants: holder == null implies waiters is empty (release hands over directly);
    // holds > 0 exactly when holder != null; broken != null implies holder == null and no waiters.
    private final String kind;
    private final String name;
    private final boolean reentrant;
    private final boolean priority;
    /** The call name used when the {@link Held} handle is closed; built once, so closing does not allocate. */
    private final String releaseCall;
    final WaitQueue waiters;
    private int holds;
    /**
     * The loop this lock was last acquired in: a hint that spares the thread-local lookup of the
     * calling task ({@link Current#task(String, Scheduler)}); never trusted beyond that.
     */
    private Scheduler lastLoop;
    /** Why the lock is broken (its holder finished while holding it); null while usable. */
    private String broken;
    /** The conditions of this lock that have waiters, whom a break must wake too; null until the first wait. */
    private List<ConditionCore> conditions;

    LockCore(String kind, String name, boolean reentrant, boolean priority) {
        this.kind = kind;
        this.name = name;
        this.reentrant = reentrant;
        this.priority = priority;
        this.waiters = new WaitQueue(priority);
        this.releaseCall = kind + ".release";
    }

    void acquire(String call) {
        TaskImpl<?> me = Current.task(call, lastLoop);
        Scheduler loop = me.loop();
        lastLoop = loop;
        if (holder() == me) {
            if (!reentrant) {
                throw notReentrant(call, me);
            }
            loop.checkCancelled(me);
            holds++;
            loop.schedulePoint(this);
            return;
        }
        loop.checkCancelled(me);
        checkBroken(call);
        if (holder() == null) {
            takeFree(me);
            loop.schedulePoint(this);
            return;
        }
        while (holder() != me) {
            if (holder().loop() != loop) {
                // also when a task of another run took the lock while this one was out of the queue (below)
                throw dev.simloop.internal.ForeignLoop.shared(kindAndName(), holder(), "is held by");
            }
            waiters.park(me, this);
            checkBroken(call);
            if (holder() == null) {
                // A cancel woke it, out of the queue, and a shield hid the cancel by the time it ran; the
                // release meanwhile found no waiter (the lock is free only while nobody waits): take it.
                takeFree(me);
            }
        }
    }

    /**
     * The holder asked again for a lock that is not re-entrant. RLock is the way out for a Lock; for
     * a PriorityLock it is not (an RLock has no priority inheritance), so that message says so.
     */
    private IllegalStateException notReentrant(String call, TaskImpl<?> me) {
        String advice = priority
                ? "release it before acquiring it again; an RLock is re-entrant but has no priority inheritance"
                : "use RLock to acquire a lock again while holding it";
        return new IllegalStateException(call + ": " + me + " already holds " + describe() + ", and a " + kind
                + " is not re-entrant (" + advice + ")");
    }

    boolean tryAcquire(String call) {
        TaskImpl<?> me = Current.task(call);
        if (holder() == me) {
            if (!reentrant) {
                throw notReentrant(call, me);
            }
            holds++;
            return true;
        }
        checkBroken(call);
        if (holder() != null) {
            if (holder().loop() != me.loop()) {
                throw dev.simloop.internal.ForeignLoop.shared(kindAndName(), holder(), "is held by");
            }
            return false;
        }
        takeFree(me);
        return true;
    }

    /**
     * Makes {@code me} the holder of the free lock, once; refused while a task of another run waits on
     * one of its conditions, as a wait beside another run's waiter is (the lock would break at the end
     * of {@code me}'s run holding it, or be signalled, and wake that task from a thread its run does not own).
     */
    private void takeFree(TaskImpl<?> me) {
        if (conditions != null) {
            for (int i = 0; i < conditions.size(); i++) {
                conditions.get(i).requireSameRun();
            }
        }
        holdOnce(me);
    }

    /** Makes {@code t} the holder of the free lock, once (not re-entered). */
    private void holdOnce(TaskImpl<?> t) {
        holds = 1;
        giveTo(t);
    }

    void release(String call) {
        TaskImpl<?> me = Current.task(call, lastLoop);
        requireHolder(me, call);
        if (--holds > 0) {
            return;
        }
        takeBack();
        me.loop().touched(this);
        handOver(me.loop());
    }

    /** Gives the lock to the next waiter, if any. The lock must be free. */
    private void handOver(Scheduler loop) {
        TaskImpl<?> next = waiters.toServe();
        if (next != null) {
            holdOnce(next);
            waiters.unpark(next, WaitQueue.UNPARKED);
        }
    }

    void requireHolder(TaskImpl<?> me, String call) {
        TaskImpl<?> h = holder();
        if (h != null && h != me && h.loop() != me.loop()) {
            // Held in another run: "task 'main' does not hold it, which is held by task 'main'" would
            // name two runs' roots alike and hide the sharing, which acquire reports as such.
            throw dev.simloop.internal.ForeignLoop.shared(call + ": " + kindAndName(), h, "is held by");
        }
        if (h == null && broken != null) {
            // Nobody can hold it now: the usual advice (a release once too often, hold the lock around the
            // call) would blame this task for the break. Typically the task waited on a condition of the lock,
            // whose await threw for the break, and its finally (or try-with-resources) releases.
            throw new BrokenResourceException(call + ": " + broken + ", so " + me + " does not hold it (no task"
                    + " can hold it again)");
        }
        if (h != me) {
            throw new IllegalStateException(call + ": " + me + " does not hold " + kindAndName() + ", "
                    + (h == null ? "which is not held by any task" : "which is held by " + h) + "; " + fixFor(call));
        }
    }

    /** @return what to do instead of {@code call} by a task that does not hold the lock */
    private String fixFor(String call) {
        if (call.equals(releaseCall)) {
            return "release only a hold this task took, once (closing one hold() handle twice, or a release"
                    + " after the try-with-resources block already released it, releases once too often)";
        }
        return "hold the lock around it: try (var _ = condition.hold()) { ... }";
    }

    /** For {@link ConditionCore}: releases completely; returns the hold count to restore. */
    int releaseAll(TaskImpl<?> me) {
        int n = holds;
        holds = 0;
        takeBack();
        me.loop().touched(this);
        handOver(me.loop());
        return n;
    }

    /**
     * For {@link ConditionCore}: acquires again, without checkpoint or cancellation (the task must
     * end up holding the lock whatever happens to its scope).
     */
    void reacquire(TaskImpl<?> me, int n, String call) {
        Scheduler loop = me.loop();
        checkBroken(call);
        if (holder() == null) {
            giveTo(me);
        } else {
            if (holder().loop() != loop) {
                // as acquire refuses it: else the task would wait for one its run does not run (and a
                // release there would hand it the lock from that run's thread)
                throw dev.simloop.internal.ForeignLoop.shared(kindAndName(), holder(), "is held by");
            }
            while (holder() != me) {
                waiters.parkUncancellably(me, this);
                checkBroken(call);
            }
        }
        holds = n;
    }

    private void checkBroken(String call) {
        if (broken != null) {
            throw new BrokenResourceException(call + ": " + broken);
        }
    }

    @Override
    protected void holderFinished(TaskImpl<?> finished) {
        holds = 0;
        broken = kindAndName() + " is broken: its owner task '" + finished.name() + "' "
                + (finished.unwound() ? "still held it when its run ended (stopped or failed) and unwound it"
                        : "finished without releasing it");
        waiters.unparkAll();
        if (conditions != null) {
            // a condition's waiter would wait for a signal that needs the lock, which nobody can hold
            // now: woken, it re-acquires the lock as after a signal, and that throws BrokenResourceException
            conditions.forEach(ConditionCore::lockBroke);
        }
    }

    /** A task waits on condition {@code c} of this lock: {@link #holderFinished} must wake it. */
    void conditionWaiting(ConditionCore c) {
        if (conditions == null) {
            conditions = new java.util.ArrayList<>(1);
        }
        if (!conditions.contains(c)) { // a lock has a few conditions
            conditions.add(c);
        }
    }

    /** Nobody waits on condition {@code c} of this lock any more. */
    void conditionIdle(ConditionCore c) {
        conditions.remove(c);
    }

    @Override
    protected String resourceName() {
        return kindAndName();
    }

    /** A waiter waits for the holder to release (the toString names it). */
    @Override
    public void addWaitedFor(TaskImpl<?> waiter, LiveTaskIndex live, List<TaskImpl<?>> out) {
        TaskImpl<?> h = holder();
        if (h != null) {
            out.add(h);
        }
    }

    @Override
    protected WaitQueue inheritanceWaiters() {
        return priority ? waiters : null;
    }

    /** What closing the lock's {@link Held} handle does: one {@link #release}. */
    void releaseByHandle() {
        release(releaseCall);
    }

    boolean isBroken() {
        return broken != null;
    }

    int holds() {
        return holds;
    }

    int waiting() {
        return waiters.size();
    }

    String kindAndName() {
        return name == null ? kind : kind + " '" + name + "'";
    }

    String describe() {
        return kindAndName();
    }

    @Override
    public String traceDetail() {
        TaskImpl<?> h = holder();
        return kindAndName() + ".acquire" + (h == null ? "" : " \u2190 held by " + dev.simloop.internal.Trace.label(h));
    }

    @Override
    public String toString() {
        TaskImpl<?> h = holder();
        StringBuilder sb = new StringBuilder(kindAndName());
        if (broken != null) {
            sb.append(" (broken)");
        } else if (h == null) {
            sb.append(" (free)");
        } else {
            sb.append(" held by ").append(h);
            if (holds > 1) {
                sb.append(" ").append(holds).append(" times");
            }
            if (!waiters.isEmpty()) {
                sb.append(" (").append(waiters.size()).append(" waiting)");
            }
        }
        return sb.toString();
    }
}
