package dev.simloop.internal;

import dev.simloop.NondeterminismDetected;
import java.lang.reflect.Field;

/**
 * A {@code StructuredTaskScope} opened with a time-out ({@code cf.withTimeout(..)}) in a simulated
 * task without the simloop agent. JDK 25 arms that time-out with
 * {@code ForkJoinPool.commonPool().schedule(..)}: it would cancel the scope from the pool's
 * delay-scheduler thread at a real-time moment no seed decides. With the agent the call goes to a
 * loop timer instead (docs/virtual-time.md); without it the run fails at the scope's first fork,
 * naming the agent. The check is made at the fork, where the scope reaches our thread factory, and
 * not when the pool's timer thread is created (which {@link ThreadGuard} lets be), because that
 * thread is created once per JVM: the run must fail the same way whichever run comes first.
 *
 * <p>It reads two private fields of {@code java.util.concurrent} (the subtask's scope, the scope's
 * timer task), which the runtime opens to itself the way {@link Coroutine} exports
 * {@code jdk.internal.vm}; where that is refused, no check is made.
 */
final class ScopeTimeouts {
    private static final String SUBTASK = "java.util.concurrent.StructuredTaskScopeImpl$SubtaskImpl";
    /** The JDK method that arms the time-out: {@link ThreadGuard} lets the timer thread it starts be. */
    static final String SCHEDULE_TIMEOUT = "java.util.concurrent.StructuredTaskScopeImpl.scheduleTimeout";
    private static final Field SCOPE;
    private static final Field TIMER_TASK;

    static {
        Field scope = null;
        Field timer = null;
        try {
            JdkExports.openToRuntime("java.util.concurrent");
            Class<?> subtask = Class.forName(SUBTASK, false, null);
            scope = subtask.getDeclaredField("scope");
            scope.setAccessible(true);
            timer = scope.getType().getDeclaredField("timerTask");
            timer.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            scope = null; // another JDK, or opening refused: no check
            timer = null;
        }
        SCOPE = scope;
        TIMER_TASK = timer;
    }

    private ScopeTimeouts() {
    }

    /**
     * Fails the run of {@code me} when {@code body}, about to become a thread of our factory, is a
     * fork of a scope whose time-out runs on the real clock (no agent).
     *
     * @throws NondeterminismDetected when it does (the run is aborted too)
     */
    static void requireVirtualTimeOut(TaskImpl<?> me, Runnable body) {
        if (!me.loop.simulated || VirtualTime.agentPresent() || TIMER_TASK == null
                || !body.getClass().getName().equals(SUBTASK) || !hasTimeOut(body)) {
            return;
        }
        NondeterminismDetected failure = new NondeterminismDetected(me.quoted() + " forked a "
                + "java.util.concurrent.StructuredTaskScope opened with a time-out (withTimeout), at "
                + Frames.userFrame(Thread.currentThread().getStackTrace()) + " (step " + me.loop.steps() + "): the JDK "
                + "arms that time-out on the common pool's timer thread, which would cancel the scope at a real-time "
                + "moment no seed decides, so the run could not be replayed. Run the test JVM with the simloop agent "
                + "(artifact dev.simloop:simloop-agent, -javaagent:path/to/simloop-agent-<version>.jar; see "
                + "docs/virtual-time.md), which puts the scope's time-out on the virtual clock, or bound the scope "
                + "with CancelScope.failAfter / moveOnAfter instead of withTimeout.");
        me.loop.abort(failure);
        throw failure;
    }

    private static boolean hasTimeOut(Runnable subtask) {
        try {
            return TIMER_TASK.get(SCOPE.get(subtask)) != null;
        } catch (IllegalAccessException | RuntimeException e) {
            return false;
        }
    }
}
