package dev.simloop.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.CancelScope;
import dev.simloop.Cancelled;
import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.Task;
import dev.simloop.TaskGroup;
import dev.simloop.ThrowingRunnable;
import dev.simloop.ThrowingSupplier;
import dev.simloop.sync.Event;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a parked task keeps (issue 15: a parked task's bytes, measured by the benchmarks'
 * {@code ParkedTasks}): a simulated task parked on an {@link Event} has no inheritable thread-local
 * map on its thread (the thread guard's is lent for steps only, {@link GuardMap}) and no
 * {@link TaskExtras} and no cancel scope of its own; a task that sleeps, that gave an inheritable
 * thread-local a value, or that opened a scope, has what that needs; a started task keeps no
 * reference to its body (the running code holds what it uses). Thread names stay
 * {@code task-N}, and a cancel reaches tasks in spawn order whether they have a scope or not.
 */
class ParkedTaskFootprintTest {
    private static final InheritableThreadLocal<String> USER = new InheritableThreadLocal<>();

    private static Object inheritableMap(Thread t) throws ReflectiveOperationException {
        VarHandle h = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup())
                .findVarHandle(Thread.class, "inheritableThreadLocals", Class.forName("java.lang.ThreadLocal$ThreadLocalMap"));
        return h.get(t);
    }

    private static Object field(Task<?> t, String name) throws ReflectiveOperationException {
        var f = TaskImpl.class.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(t);
    }

    /** For each of three tasks parked on one event (plain, after a sleep, after setting a value): map?, extras?, name. */
    private static List<String> parkedState() throws ReflectiveOperationException {
        List<String> out = new ArrayList<>();
        Event e = new Event();
        TaskGroup.with(g -> {
            List<Task<?>> tasks = List.of(
                    g.spawn(e::await),
                    g.spawn(() -> {
                        Loop.sleep(Duration.ofMillis(10));
                        e.await();
                    }),
                    g.spawn(() -> {
                        USER.set("mine");
                        e.await();
                        assertThat(USER.get()).isEqualTo("mine");
                    }));
            Loop.sleep(Duration.ofMillis(20)); // all three are parked on e now (timers fire in deadline order)
            for (Task<?> t : tasks) {
                out.add(t.name() + " thread " + ((TaskImpl<?>) t).thread.getName() + ": map "
                        + (inheritableMap(((TaskImpl<?>) t).thread) != null) + ", extras " + (field(t, "extras") != null) + ", body " + (field(t, "body") != null)
                        + ", scope " + (((TaskImpl<?>) t).root() != null));
            }
            e.set();
            return null;
        });
        return out;
    }

    @Test
    void aTaskParkedInASimulationCarriesNoInheritableMapAndNoExtras() {
        SimResult<List<String>> r = Simulation.builder().seed(7).strategy(Strategy.fifo())
                .run(ParkedTaskFootprintTest::parkedState);
        assertThat(r.failure()).isNull();
        assertThat(r.value()).containsExactly(
                "task-1 thread task-1: map false, extras false, body false, scope false",
                "task-2 thread task-2: map false, extras true, body false, scope false",
                "task-3 thread task-3: map true, extras false, body false, scope false");
    }

    @Test
    void inARealLoopNoTaskGetsAGuardMapAtAll() {
        assertThat(Loop.run(ParkedTaskFootprintTest::parkedState)).containsExactly(
                "task-1 thread task-1: map false, extras false, body false, scope false",
                "task-2 thread task-2: map false, extras true, body false, scope false",
                "task-3 thread task-3: map true, extras false, body false, scope false");
    }

    private static void waitOn(Event e) {
        e.await();
    }

    /**
     * Every frame between the user's wait and the JDK's park is copied into each parked stack: the
     * wait path has no frames beyond the primitive, its queue and the scheduler's block, and a
     * runnable body runs right above the task's own entry (no wrapper).
     */
    @Test
    void aParkedTasksStackHasOnlyTheWaitsOwnFramesBetweenTheUserAndTheJdk() {
        SimResult<List<String>> r = Simulation.builder().seed(5).strategy(Strategy.fifo()).run(() -> {
            Event e = new Event();
            return TaskGroup.with(g -> {
                Task<Void> t = g.spawn(() -> waitOn(e));
                Loop.checkpoint(); // it parks on e
                List<String> frames = new ArrayList<>();
                for (StackTraceElement f : Frames.stackOf((TaskImpl<?>) t)) {
                    if (f.getClassName().startsWith("dev.simloop.") && !f.getMethodName().startsWith("lambda$")) {
                        frames.add(f.getClassName().substring("dev.simloop.".length()) + "." + f.getMethodName());
                    } else if (f.getClassName().equals("java.util.concurrent.locks.LockSupport") && frames.isEmpty()) {
                        frames.add("LockSupport." + f.getMethodName());
                    }
                }
                e.set();
                return frames;
            });
        });
        assertThat(r.failure()).isNull();
        assertThat(r.value()).containsExactly("LockSupport.park", "internal.Scheduler.block", "internal.WaitQueue.park",
                "sync.Event.await", "internal.ParkedTaskFootprintTest.waitOn", "internal.TaskImpl.runBody",
                "internal.TaskImpl$Route.run");
    }

    /** A body that is both kinds: spawned as a runnable, its {@code run} is what runs, and the task's value is null. */
    private static final class Both implements ThrowingRunnable, ThrowingSupplier<String> {
        final List<String> calls = new ArrayList<>();

        @Override
        public void run() {
            calls.add("run");
        }

        @Override
        public String get() {
            calls.add("get");
            return "from get";
        }
    }

    @Test
    void aRunnableBodyThatIsAlsoASupplierRunsAsTheRunnableItWasSpawnedAs() {
        SimResult<String> r = Simulation.builder().seed(1).strategy(Strategy.fifo()).run(() -> TaskGroup.with(g -> {
            Both asRunnable = new Both();
            Both asSupplier = new Both();
            Task<Void> a = g.spawn((ThrowingRunnable) asRunnable);
            Task<String> b = g.spawn((ThrowingSupplier<String>) asSupplier);
            return a.join() + " " + asRunnable.calls + ", " + b.join() + " " + asSupplier.calls;
        }));
        assertThat(r.failure()).isNull();
        assertThat(r.value()).isEqualTo("null [run], from get [get]");
    }

    /** Parks until cancelled, then records its name. */
    private static void parkUntilCancelled(Event never, List<String> order, String name) {
        try {
            never.await();
        } catch (Cancelled c) {
            order.add(name);
            throw c;
        }
    }

    @Test
    void aGroupCancelReachesTasksWithAndWithoutScopesOfTheirOwnInSpawnOrder() {
        SimResult<List<String>> r = Simulation.builder().seed(3).strategy(Strategy.fifo()).run(() -> {
            List<String> order = new ArrayList<>();
            List<String> scopes = new ArrayList<>();
            Event never = new Event();
            TaskGroup.with(g -> {
                g.spawn(() -> parkUntilCancelled(never, order, "bare-1"));
                g.spawn(() -> {
                    Loop.checkpoint(); // its scope is made after bare-2 was spawned, and takes its place before it
                    CancelScope.run(s -> {
                        parkUntilCancelled(never, order, "in-a-scope");
                        return null;
                    });
                });
                Task<?> cancelledAlone = g.spawn(() -> parkUntilCancelled(never, order, "cancelled-alone"));
                g.spawn(() -> parkUntilCancelled(never, order, "bare-2"));
                Loop.checkpoint(); // three park, one yields
                scopes.add("before cancel: " + (((TaskImpl<?>) cancelledAlone).root() != null));
                cancelledAlone.cancel();
                scopes.add("after cancel: " + (((TaskImpl<?>) cancelledAlone).root() != null));
                Loop.checkpoint(); // it ends first; the fourth parks in its scope
                g.cancel();
                return null;
            });
            order.addAll(scopes);
            return order;
        });
        assertThat(r.failure()).isNull();
        assertThat(r.value()).containsExactly("cancelled-alone", "bare-1", "in-a-scope", "bare-2",
                "before cancel: false", "after cancel: true");
    }

    /** @return the inheritable map the root task of a simulation runs with, after {@code before} ran in the same run */
    private static Object rootsMap(ThrowingRunnable before) throws ReflectiveOperationException {
        return Simulation.builder().seed(1).strategy(Strategy.fifo()).run(() -> {
            TaskGroup.with(g -> {
                g.spawn(before);
                return null;
            });
            return inheritableMap(Thread.currentThread());
        }).value();
    }

    @Test
    void theGuardsMapIsKeptForTheNextSimulationOnTheDriverUnlessATaskGaveItValues() throws Exception {
        ThrowingRunnable nothing = () -> { };
        Object first = rootsMap(nothing);
        Object second = rootsMap(nothing); // the same caller: the same driver, which kept the map
        assertThat(first).isNotNull();
        assertThat(second).isSameAs(first);
        // a task that sets a value in its last step makes the map its own: it is never lent again,
        // so the root, mounted after it, runs with a new one, which the next simulation gets
        Object afterAValue = rootsMap(() -> USER.set("the setter's"));
        assertThat(afterAValue).isNotNull().isNotSameAs(first);
        assertThat(rootsMap(nothing)).isSameAs(afterAValue);
        assertThat(Simulation.builder().seed(1).run(USER::get).value()).isNull();
    }
}
