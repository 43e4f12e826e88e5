package dev.simloop.steering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simloop.Loop;
import dev.simloop.Priority;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.SynchronousBlockingException;
import dev.simloop.Task;
import dev.simloop.TaskGroup;
import dev.simloop.sync.Channel;
import dev.simloop.sync.Event;
import dev.simloop.sync.Lock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** switchTo, sleepInsert, reinsert, runnableTasks, blockedTasks, isBlocked, isRunnable; runSync; Priority. */
class SchedulingHelpersTest {
    private static List<String> threeWorkers(java.util.function.Consumer<List<Task<?>>> steer) {
        List<String> log = new ArrayList<>();
        TaskGroup.with(tg -> {
            List<Task<?>> ts = new ArrayList<>();
            for (String n : List.of("a", "b", "c")) {
                ts.add(tg.spawn(n, () -> log.add(n)));
            }
            steer.accept(ts);
            log.add("main");
            return null;
        });
        return log;
    }

    @ParameterizedTest(name = "simulated={0}")
    @ValueSource(booleans = {false, true})
    void switchToRunsTheTargetNextEvenUnderAnExploringStrategy(boolean simulated) {
        List<String> log = BothModes.run(simulated, () -> threeWorkers(ts -> Loop.switchTo(ts.get(2))));
        assertThat(log.get(0)).isEqualTo("c");
    }

    @Test
    void inFifoOrderPositionsPlaceTheCaller() {
        assertThat(Loop.run(() -> threeWorkers(ts -> Loop.switchTo(ts.get(2), 1)))).containsExactly("c", "main", "a", "b");
        assertThat(Loop.run(() -> threeWorkers(ts -> Loop.switchTo(ts.get(2), 0)))).containsExactly("main", "c", "a", "b");
        assertThat(Loop.run(() -> threeWorkers(ts -> Loop.sleepInsert(1)))).containsExactly("a", "main", "b", "c");
        assertThat(Loop.run(() -> threeWorkers(ts -> {
            Loop.reinsert(ts.get(1), 0);
            Loop.checkpoint();
        }))).containsExactly("b", "a", "c", "main");
    }

    /** A Task the user made (a wrapper, a test double) is refused by name, not with a ClassCastException. */
    @Test
    void aTaskSimloopDidNotSpawnIsRefusedByName() {
        Task<?> fake = (Task<?>) java.lang.reflect.Proxy.newProxyInstance(Task.class.getClassLoader(),
                new Class<?>[] {Task.class}, (proxy, m, args) -> m.getName().equals("toString") ? "a fake task" : null);
        List<String> seen = Loop.run(() -> {
            List<String> messages = new ArrayList<>();
            for (Runnable call : List.<Runnable>of(() -> Loop.switchTo(fake), () -> Loop.switchTo(fake, 1),
                    () -> Loop.reinsert(fake, 0))) {
                try {
                    call.run();
                } catch (IllegalArgumentException e) {
                    messages.add(e.getMessage().replaceAll("\\(a [^)]*\\)", "(a CLASS)"));
                }
            }
            return messages;
        });
        String rest = ": a fake task (a CLASS) is not a task that simloop spawned; pass the Task that TaskGroup.spawn or"
                + " start, or Loop.currentTask(), returned";
        assertThat(seen).containsExactly("Loop.switchTo" + rest, "Loop.switchTo" + rest, "Loop.reinsert" + rest);
    }

    /** The caller is running, so not runnable, yet it is refused as an argument (IllegalArgumentException, as Loop's Javadoc says). */
    @Test
    void theCallerIsRefusedAsItsOwnTarget() {
        List<String> seen = Loop.run(() -> {
            List<String> messages = new ArrayList<>();
            Task<?> me = Loop.currentTask();
            for (Runnable call : List.<Runnable>of(() -> Loop.switchTo(me), () -> Loop.switchTo(me, 1),
                    () -> Loop.reinsert(me, 0))) {
                try {
                    call.run();
                    messages.add("no exception");
                } catch (IllegalArgumentException e) {
                    messages.add(e.getMessage());
                }
            }
            return messages;
        });
        String rest = ": task 'main' is the calling task; pass another, ready task";
        assertThat(seen).containsExactly("Loop.switchTo" + rest, "Loop.switchTo" + rest, "Loop.reinsert" + rest);
    }

    @Test
    void switchingToATaskThatIsNotRunnableNamesWhatItIsDoing() {
        String m = Loop.run(() -> TaskGroup.with(tg -> {
            Event e = new Event();
            Task<Void> t = tg.spawn("waiter", e::await);
            Loop.checkpoint();
            try {
                Loop.switchTo(t);
                return "switched";
            } catch (IllegalStateException ex) {
                return ex.getMessage();
            } finally {
                e.set();
            }
        }));
        assertThat(m).startsWith("Loop.switchTo: task 'waiter' is not runnable (it is blocked on ")
                .endsWith("); only a task waiting in the ready queue can be moved or switched to (check Task.isRunnable())");
    }

    /** asynkit's identity: every unfinished task is exactly one of runnable, blocked, current, over many schedules. */
    @Test
    void everyUnfinishedTaskIsRunnableBlockedOrCurrentExactlyOnce() {
        for (long seed = 0; seed < 60; seed++) {
            int checked = Simulation.builder().seed(seed).strategy(Strategy.random()).run(() -> {
                List<Task<?>> all = new ArrayList<>(List.of(Loop.currentTask())); // every task of the run
                Lock lock = new Lock();
                Channel<Integer> ch = new Channel<>(1);
                int[] checks = {0};
                Runnable check = () -> {
                    Set<Task<?>> live = new HashSet<>();
                    for (Task<?> t : all) {
                        if (!t.isDone()) {
                            live.add(t);
                        }
                    }
                    List<Task<?>> runnable = Loop.runnableTasks();
                    List<Task<?>> blocked = Loop.blockedTasks();
                    Set<Task<?>> union = new HashSet<>(runnable);
                    union.addAll(blocked);
                    union.add(Loop.currentTask());
                    assertThat(runnable.size() + blocked.size() + 1).isEqualTo(union.size()); // disjoint
                    assertThat(union).isEqualTo(live);
                    runnable.forEach(t -> assertThat(t.isRunnable() && !t.isBlocked()).isTrue());
                    blocked.forEach(t -> assertThat(t.isBlocked() && !t.isRunnable()).isTrue());
                    checks[0]++;
                };
                TaskGroup.with(tg -> {
                    for (int i = 0; i < 4; i++) {
                        int id = i;
                        all.add(tg.spawn("w" + i, () -> {
                            check.run();
                            lock.acquire();
                            Loop.sleep(Duration.ofMillis(id));
                            lock.release();
                            check.run();
                            if (id % 2 == 0) {
                                ch.send(id);
                            } else {
                                ch.receive();
                            }
                            check.run();
                        }));
                    }
                    check.run();
                    return null;
                });
                return checks[0];
            }).value();
            assertThat(checked).isEqualTo(13);
        }
    }

    @Test
    void runSyncRunsNonBlockingCodeAndNamesTheFirstBlockingCall() {
        Event e = new Event();
        Lock lock = new Lock();
        String ok = Loop.runSync(() -> {
            boolean got = lock.tryAcquire();
            lock.release();
            Channel<String> ch = new Channel<>(1);
            ch.trySend("v");
            return e.isSet() + " " + got + " " + ch.tryReceive();
        });
        assertThat(ok).isEqualTo("false true v");
        SynchronousBlockingException sleep = org.junit.jupiter.api.Assertions.assertThrows(
                SynchronousBlockingException.class, () -> Loop.runSync(() -> {
                    Loop.sleep(Duration.ofMillis(1));
                    return null;
                }));
        assertThat(sleep.getMessage()).startsWith("Loop.sleep blocks, but it was called inside Loop.runSync");
        assertThat(sleep.getStackTrace()).anyMatch(f -> f.getClassName().equals(SchedulingHelpersTest.class.getName()));
        String inTask = Loop.run(() -> {
            try {
                return "no failure " + Loop.runSync(() -> TaskGroup.with(tg -> tg.spawn(() -> 1)).join());
            } catch (SynchronousBlockingException ex) {
                return ex.getMessage().substring(0, ex.getMessage().indexOf(" blocks")) + " / after: "
                        + Loop.runSync(() -> "fine");
            }
        });
        assertThat(inTask).isEqualTo("TaskGroup.spawn / after: fine");
        assertThatThrownBy(() -> Loop.runSync(() -> {
            lock.acquire();
            return null;
        })).isInstanceOf(SynchronousBlockingException.class).hasMessageStartingWith("Lock.acquire blocks");
    }

    /**
     * Inside Loop.runSync nothing else runs: switching to another task, or interrupting one (which
     * runs it at once), is refused as a blocking call is, before anything moves, naming the call.
     * Before, both ran the other task, and a Shared.update around them lost the other's write.
     */
    @Test
    void runSyncRefusesWhatWouldRunAnotherTaskNamingTheCall() {
        List<String> log = Simulation.builder().seed(1).strategy(Strategy.fifo()).run(() -> {
            List<String> l = new ArrayList<>();
            TaskGroup.with(tg -> {
                Event never = new Event();
                Task<Void> other = tg.spawn("other", () -> {
                    l.add("other ran");
                    never.await();
                });
                Loop.checkpoint(); // other runs up to its wait
                Task<Void> ready = tg.spawn("ready", () -> {
                    l.add("ready ran");
                });
                for (Runnable call : List.<Runnable>of(() -> Loop.switchTo(ready), () -> Loop.switchTo(ready, 1),
                        () -> other.interrupt(new IllegalStateException("in")), () -> ready.join())) {
                    try {
                        Loop.runSync(() -> {
                            call.run();
                            return null;
                        });
                        l.add("accepted");
                    } catch (SynchronousBlockingException e) {
                        l.add(e.getMessage().substring(0, e.getMessage().indexOf(" blocks")));
                    }
                }
                tg.cancel();
                return null;
            });
            return l;
        }).value();
        assertThat(log).containsExactly("other ran", "Loop.switchTo", "Loop.switchTo", "Task.interrupt", "Task.join",
                "ready ran");
    }

    @Test
    void priorityNamesAreAsynkitsValues() {
        assertThat(List.of(Priority.HIGH.value(), Priority.NORMAL.value(), Priority.LOW.value())).containsExactly(-10, 0, 10);
        int p = Loop.run(() -> {
            Loop.currentTask().setPriority(Priority.LOW);
            return Loop.currentTask().priority();
        });
        assertThat(p).isEqualTo(10);
    }

    /** A service call that needs the root group, in Loop.runSync outside a loop, is the blocking call it is. */
    @Test
    void serviceCallsInRunSyncOutsideALoopAreBlockingCalls() {
        for (java.util.concurrent.Callable<Object> call : List.<java.util.concurrent.Callable<Object>>of(
                () -> Loop.runSync(() -> dev.simloop.PersistentTaskGroup.open("svc")),
                () -> Loop.runSync(() -> dev.simloop.Workers.start(1, index -> null)))) {
            assertThatThrownBy(call::call).isInstanceOf(SynchronousBlockingException.class)
                    .hasMessageContaining("blocks, but it was called inside Loop.runSync");
        }
    }

    /**
     * Loop.runSync outside a loop runs fn in the bare root task of a loop made for it, in no task
     * group: a call that needs the current group said "TaskGroup.current: the loop's root group is
     * not open yet", naming a call the user of Loop.executor() did not make, and no way out.
     */
    @Test
    void callsThatNeedTheCurrentGroupInRunSyncOutsideALoopNameThemselvesAndTheFix() {
        for (String call : List.of("TaskGroup.current", "Loop.executor")) {
            assertThatThrownBy(() -> Loop.runSync(() -> call.equals("Loop.executor") ? Loop.executor() : TaskGroup.current()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage(call + ": task 'main' runs in Loop.runSync called outside any loop, where no task group"
                            + " is open; call it from code that Loop.run or Simulation.run runs (Loop.runSync inside"
                            + " their tasks has the task's groups)");
        }
    }
}
