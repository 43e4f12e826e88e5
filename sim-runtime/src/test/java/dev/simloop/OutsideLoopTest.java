package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.simloop.sync.Event;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Issue 2 / ARCHITECTURE: loop APIs called outside a loop throw IllegalStateException naming the call. */
class OutsideLoopTest {

    private static Map<String, ThrowingCallable> calls() {
        Map<String, ThrowingCallable> m = new LinkedHashMap<>();
        m.put("Loop.sleep", () -> Loop.sleep(Duration.ofSeconds(1)));
        m.put("Loop.sleepUntil", () -> Loop.sleepUntil(5));
        m.put("Loop.nanoTime", Loop::nanoTime);
        m.put("Loop.clock", Loop::clock);
        m.put("Loop.checkpoint", Loop::checkpoint);
        m.put("Loop.currentTask", Loop::currentTask);
        m.put("Loop.isSimulated", Loop::isSimulated);
        m.put("Loop.rootGroup", Loop::rootGroup);
        m.put("Loop.random", Loop::random);
        m.put("Loop.toThread", () -> Loop.toThread(() -> 1));
        m.put("TaskGroup.with", () -> TaskGroup.with(tg -> null));
        m.put("CancelScope.run", () -> CancelScope.run(s -> null));
        m.put("CancelScope.moveOnAfter", () -> CancelScope.moveOnAfter(Duration.ofSeconds(1), () -> null));
        m.put("CancelScope.failAfter", () -> CancelScope.failAfter(Duration.ofSeconds(1), () -> null));
        m.put("CancelScope.shielded", () -> CancelScope.shielded(() -> null));
        m.put("Event.set", () -> new Event().set());
        m.put("Event.await", () -> new Event().await());
        return m;
    }

    /**
     * Guards that {@link Task#isDone()} and {@link Task#isCancelled()} may be polled from a thread
     * outside the loop (as {@code Future.isDone}): with a plain read, the JIT hoisted the read of a
     * spin loop out of it once compiled, and the thread polled for ever (3 runs of 3 while the task
     * slept 0.5 s).
     */
    @Test
    void aThreadOutsideTheLoopThatPollsIsDoneSeesTheTaskEnd() throws Exception {
        AtomicReference<Task<?>> published = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean cancelledSeen = new java.util.concurrent.atomic.AtomicBoolean();
        Thread poller = new Thread(() -> {
            Task<?> t;
            while ((t = published.get()) == null) {
                Thread.onSpinWait();
            }
            while (!t.isDone()) {
                // nothing in the loop's body: a read that is not an acquire is hoisted out of it
            }
            cancelledSeen.set(t.isCancelled());
        }, "isDone-poller");
        poller.setDaemon(true); // if the read regresses it spins for ever: do not keep the JVM alive
        poller.start();
        Loop.run(() -> TaskGroup.with(tg -> {
            Task<Integer> t = tg.spawn(() -> {
                Loop.sleep(Duration.ofSeconds(1)); // long enough for the poller's loop to be compiled
                return 1;
            });
            published.set(t);
            Loop.sleep(Duration.ofMillis(500));
            t.cancel();
            return null;
        }));
        poller.join(Duration.ofSeconds(20));
        assertThat(poller.isAlive()).as("the poller still spins: it never saw the task end").isFalse();
        assertThat(cancelledSeen).as("the cancel, written before the end, is seen with it").isTrue();
    }

    @Test
    void everyLoopCallOutsideALoopThrowsIllegalStateExceptionNamingTheCall() {
        assertThat(Loop.inLoop()).isFalse();
        calls().forEach((name, call) -> assertThatThrownBy(call).as(name)
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith(name)
                .hasMessageContaining("must be called from a simloop task"));
    }

    @Test
    void everyLoopCallFromAPlatformThreadStartedByATaskThrowsToo() throws Exception {
        Map<String, Throwable> seen = new LinkedHashMap<>();
        Simulation.run(1, () -> {
            assertThat(Loop.inLoop()).isTrue();
            return Loop.toThread(() -> {
                calls().forEach((name, call) -> seen.put(name, catchThrowable(call)));
                seen.put("inLoop=" + Loop.inLoop(), null);
                return null;
            });
        }).value();
        assertThat(seen).containsKey("inLoop=false");
        calls().keySet().forEach(name -> assertThat(seen.get(name)).as(name)
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith(name));
    }

    @Test
    void groupAndTaskHandlesUsedOutsideTheirLoopAreRejected() {
        AtomicReference<TaskGroup> group = new AtomicReference<>();
        AtomicReference<Task<String>> task = new AtomicReference<>();
        Simulation.run(1, () -> TaskGroup.with(tg -> {
            group.set(tg);
            task.set(tg.spawn("t", () -> "v"));
            return null;
        })).value();
        assertThatThrownBy(() -> group.get().spawn(() -> 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("TaskGroup.spawn");
        assertThatThrownBy(() -> group.get().cancel()).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("TaskGroup.cancel");
        assertThatThrownBy(() -> task.get().cancel()).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Task.cancel");
        // from a task of another loop
        SimResult<Object> r = Simulation.run(2, () -> task.get().join());
        assertThat(r.failure()).isInstanceOf(IllegalStateException.class).hasMessageContaining("Task.join")
                .hasMessageContaining("another loop");
        SimResult<Object> r2 = Simulation.run(2, () -> group.get().spawn(() -> 1));
        assertThat(r2.failure()).isInstanceOf(IllegalStateException.class).hasMessageContaining("TaskGroup.spawn")
                .hasMessageContaining("another loop");
    }

    @Test
    void aTasksPriorityIsSetOnlyFromATaskOfItsLoop() throws Exception {
        AtomicReference<Task<?>> task = new AtomicReference<>();
        // from a platform thread while the real loop runs (the task's priority is the scheduler's state)
        String during = Loop.run(() -> TaskGroup.with(tg -> {
            Task<?> t = tg.spawn("t", () -> Loop.sleep(Duration.ofMillis(1)));
            task.set(t);
            Throwable offloaded = Loop.toThread(() -> catchThrowable(() -> t.setPriority(5)));
            return (offloaded == null ? "no exception" : offloaded.getClass().getSimpleName() + ": " + offloaded.getMessage())
                    + " / priority " + t.priority();
        }));
        assertThat(during).startsWith("IllegalStateException: Task.setPriority must be called from a simloop task")
                .endsWith(" / priority 0");
        // from a thread outside, after the run
        assertThatThrownBy(() -> task.get().setPriority(Priority.HIGH)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Task.setPriority must be called from a simloop task");
        // from a task of another loop
        SimResult<Object> r = Simulation.run(2, () -> {
            task.get().setPriority(3);
            return null;
        });
        assertThat(r.failure()).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Task.setPriority: task 't' belongs to another loop, whose run has ended,");
        assertThat(task.get().priority()).isZero();
    }

    /**
     * The effective priority is walked through the loop's locks, and the walk marks each task it
     * visits in the scheduler's own state of that task (made at first use): from a platform thread
     * while the real loop runs, or from a task of another loop, it wrote that state unsynchronized,
     * racing with the driver (a task's state made twice keeps one: the joiners or the priority the
     * driver had just put in the other were lost). It is refused as {@link Task#setPriority} is,
     * until the task has finished: a finished task holds no lock, so its own priority is the answer.
     */
    @Test
    void aTasksEffectivePriorityIsReadOnlyFromATaskOfItsLoopUntilItFinishes() {
        AtomicReference<Task<?>> holder = new AtomicReference<>();
        String during = Loop.run(() -> TaskGroup.with(tg -> {
            dev.simloop.sync.PriorityLock lock = new dev.simloop.sync.PriorityLock("p");
            Event done = new Event("done");
            Task<?> h = tg.spawn("holder", () -> {
                lock.acquire();
                done.await();
                lock.release();
            });
            holder.set(h);
            tg.spawn("waiter", () -> {
                Loop.currentTask().setPriority(-5);
                lock.acquire(); // waits for the holder, which inherits -5
                lock.release();
            });
            while (lock.waiting() == 0) {
                Loop.checkpoint();
            }
            Throwable offloaded = Loop.toThread(() -> catchThrowable(h::effectivePriority));
            Throwable otherLoop = Loop.toThread(() -> Loop.run(() -> catchThrowable(h::effectivePriority)));
            String inLoop = "in the loop " + h.effectivePriority();
            done.set();
            return describe(offloaded) + " / " + describe(otherLoop) + " / " + inLoop;
        }));
        String[] seen = during.split(" / ");
        assertThat(seen[0]).startsWith("IllegalStateException: Task.effectivePriority must be called from a simloop task,"
                + " but it was called from work offloaded with Loop.toThread");
        assertThat(seen[1]).startsWith("IllegalStateException: Task.effectivePriority: task 'holder' belongs to another"
                + " loop than the calling task 'main'; use it from its own loop's tasks only");
        assertThat(seen[2]).isEqualTo("in the loop -5");
        // finished, the task holds nothing: its own priority, read from anywhere
        assertThat(holder.get().effectivePriority()).isZero();
    }

    /** @return {@code t} as its class and message, or "no exception" */
    private static String describe(Throwable t) {
        return t == null ? "no exception" : t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    @Test
    void aLoopCannotBeStartedInsideALoopTask() {
        SimResult<Object> r = Simulation.run(1, () -> Simulation.run(2, () -> 1));
        assertThat(r.failure()).isInstanceOf(IllegalStateException.class).hasMessageContaining("Simulation.run")
                .hasMessageContaining("'main'");
        SimResult<Object> r2 = Simulation.run(1, () -> Loop.run(() -> 1));
        assertThat(r2.failure()).isInstanceOf(IllegalStateException.class).hasMessageContaining("Loop.run");
    }

    @Test
    void currentTaskAndThreadAreTheTasksOwn() {
        String v = Simulation.run(1, () -> TaskGroup.with(tg -> {
            Task<String> t = tg.spawn("named", () -> Loop.currentTask().name() + " on " + Thread.currentThread().getName()
                    + " virtual " + Thread.currentThread().isVirtual());
            return t.join() + "; main is " + Loop.currentTask().name() + ", simulated " + Loop.isSimulated();
        })).value();
        assertThat(v).isEqualTo("named on named virtual true; main is main, simulated true");
    }

    @Test
    void theMessageSaysWhatTheCallingThreadIsNeverAnEmptyName() throws Exception {
        Thread.currentThread().getName(); // the test runner's thread, e.g. 'main'
        Throwable fromHere = catchThrowable(() -> Loop.sleep(Duration.ofSeconds(1)));
        assertThat(fromHere).hasMessageStartingWith("Loop.sleep must be called from a simloop task, but the calling "
                + "thread, thread '" + Thread.currentThread().getName() + "', is not a task of any loop.");
        AtomicReference<Throwable> fromVirtual = new AtomicReference<>();
        Thread.ofVirtual().start(() -> fromVirtual.set(catchThrowable(() -> Loop.sleep(Duration.ofSeconds(1))))).join();
        assertThat(fromVirtual.get()).hasMessageStartingWith("Loop.sleep must be called from a simloop task, but the "
                + "calling thread, a virtual thread that is not a simloop task (VirtualThread[#")
                .hasMessageContaining("Threads a task starts itself (Thread.ofVirtual, executors, StructuredTaskScope "
                        + "forks) are not tasks: create them with Loop.threadFactory(), pass Loop.executor() to code "
                        + "that takes an executor, or spawn tasks with TaskGroup.spawn.")
                .hasMessageNotContaining("thread ''");
    }
}
