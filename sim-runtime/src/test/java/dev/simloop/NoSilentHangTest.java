package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Trust issue, item 3: whatever a program does, a simulated run ends with a result, a failure
 * or a limit, and says which. A task that never reaches a checkpoint is reported after
 * {@code maxStepWallTime} with its name and stack; a wait for offloaded work that never returns
 * likewise; on a real loop, a slow step is logged.
 */
class NoSilentHangTest {

    /** Spins without a checkpoint until {@code stop} is set, then reaches one (where an abandoned run unwinds). */
    private static void spinUntil(AtomicBoolean stop, AtomicReference<Thread> thread) {
        thread.set(Thread.currentThread());
        while (!stop.get()) {
            Thread.onSpinWait();
        }
        Loop.checkpoint();
    }

    private static void awaitTermination(Thread t) throws InterruptedException {
        t.join(Duration.ofSeconds(30));
        assertThat(t.getState()).as("the runaway task unwinds once it reaches a checkpoint")
                .isEqualTo(Thread.State.TERMINATED);
    }

    @Test
    @Timeout(60)
    void aTaskThatNeverReachesACheckpointFailsTheRunWithItsNameAndStack() throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Thread> thread = new AtomicReference<>();
        SimResult<Object> r = Simulation.builder().seed(1).maxStepWallTime(Duration.ofMillis(300))
                .run(() -> TaskGroup.with(tg -> {
                    tg.spawn("spinner", () -> spinUntil(stop, thread));
                    return null;
                }));
        try {
            assertThat(r.failure()).isInstanceOf(LimitExceeded.class)
                    .hasMessageStartingWith("task 'spinner' ran for ")
                    .hasMessageContaining("without reaching a checkpoint (maxStepWallTime = 0.3s, step ")
                    .hasMessageContaining("The task's thread cannot be stopped")
                    .hasMessageContaining("at dev.simloop.NoSilentHangTest.spinUntil(NoSilentHangTest.java:");
            assertThat(r.failure().getStackTrace()[0].toString()).contains("NoSilentHangTest.spinUntil")
                    .as("the exception carries the task's own stack");
            assertThat(r.replayLine()).startsWith("simloop:1:random:1:");
        } finally {
            stop.set(true);
        }
        awaitTermination(thread.get());
    }

    @Test
    @Timeout(60)
    void anExplorationEndsWithTheRunawayScheduleAsItsFailure() throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Thread> thread = new AtomicReference<>();
        int[] runs = {0};
        Exploration.Report<Object> report = Exploration.of(() -> {
            if (runs[0]++ == 3) {
                spinUntil(stop, thread);
            }
            Loop.checkpoint();
            return null;
        }).schedules(100).maxStepWallTime(Duration.ofMillis(300)).run();
        try {
            assertThat(report.stopReason()).isEqualTo(Exploration.StopReason.FAILURE_FOUND);
            assertThat(report.firstFailureIndex()).isEqualTo(3);
            assertThat(report.schedulesRun()).isEqualTo(4);
            assertThat(report.firstFailure().orElseThrow().failure()).isInstanceOf(LimitExceeded.class)
                    .hasMessageStartingWith("task 'main' ran for ");
            assertThat(report.firstFailure().orElseThrow().seed()).isEqualTo(3);
        } finally {
            stop.set(true);
        }
        awaitTermination(thread.get());
    }

    @Test
    @Timeout(60)
    void offloadedWorkThatDoesNotReturnFailsTheSimulationNamingTheCaller() {
        CountDownLatch release = new CountDownLatch(1);
        try {
            SimResult<Object> r = Simulation.builder().seed(1).maxStepWallTime(Duration.ofMillis(200))
                    .run(() -> TaskGroup.with(tg -> {
                        tg.spawn("offloader", () -> Loop.toThread(() -> {
                            release.await();
                            return null;
                        }));
                        return null;
                    }));
            assertThat(r.failure()).isInstanceOf(LimitExceeded.class)
                    .hasMessageStartingWith("the simulation waited 0.2s of real time for work offloaded with "
                            + "Loop.toThread that has not returned (task 'offloader' at dev.simloop.NoSilentHangTest.")
                    .hasMessageContaining("maxStepWallTime");
        } finally {
            release.countDown();
        }
    }

    /**
     * A real loop whose tasks deadlock in simloop while a {@code Loop.toThread} call that its caller
     * stopped waiting for (a cancel) is still out, as a blocking call with no time-out stays out,
     * reports the deadlock at once: that call's return wakes no task. Before, the loop waited for
     * the call without a word, for as long as it ran (for ever here, where it waits for the test:
     * the time-out below failed the test).
     */
    @Test
    void aRealLoopReportsADeadlockWithoutWaitingForOffloadedWorkItsCallerAbandoned() {
        CountDownLatch release = new CountDownLatch(1);
        try {
            Throwable failure = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(5),
                    () -> org.assertj.core.api.Assertions.catchThrowable(() -> Loop.run(() -> TaskGroup.with(tg -> {
                        AtomicReference<CancelScope> scope = new AtomicReference<>();
                        tg.spawn("offloader", () -> CancelScope.run(s -> {
                            scope.set(s);
                            return Loop.toThread(() -> {
                                release.await(); // a blocking call that outlives the run
                                return null;
                            });
                        }));
                        Loop.waitAllTasksBlocked(); // the offloader waits for its call
                        scope.get().cancel(); // it stops waiting (its scope catches the cancel); the call runs on
                        spawnLockOrderDeadlock(tg);
                        return null;
                    }))), "the real loop waited for the abandoned offloaded call instead of reporting the deadlock");
            assertThat(failure).isInstanceOf(DeadlockDetected.class)
                    .hasMessageStartingWith("deadlock: every task is blocked in simloop")
                    .hasMessageContaining("1 wait-for cycle");
        } finally {
            release.countDown();
        }
    }

    /** Spawns tasks 'a' and 'b', which take locks x and y in opposite orders: a wait-for cycle. */
    private static void spawnLockOrderDeadlock(TaskGroup tg) {
        dev.simloop.sync.Lock x = new dev.simloop.sync.Lock("x");
        dev.simloop.sync.Lock y = new dev.simloop.sync.Lock("y");
        tg.spawn("a", () -> {
            x.acquire();
            Loop.checkpoint();
            y.acquire();
        });
        tg.spawn("b", () -> {
            y.acquire();
            Loop.checkpoint();
            x.acquire();
        });
    }

    /**
     * A {@code Loop.toThread} call that returned, its caller still waiting, is no longer out: a
     * real loop whose tasks then deadlock reports it. (Counting its return as that of an abandoned
     * call left the loop waiting for work that was not out, without a word.)
     */
    @Test
    void aRealLoopReportsADeadlockAfterOffloadedWorkReturnedToItsCaller() {
        Throwable failure = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> org.assertj.core.api.Assertions.catchThrowable(() -> Loop.run(() -> TaskGroup.with(tg -> {
                    assertThat(Loop.toThread(() -> "offloaded")).isEqualTo("offloaded");
                    spawnLockOrderDeadlock(tg);
                    return null;
                }))), "the real loop waited for offloaded work that had returned instead of reporting the deadlock");
        assertThat(failure).isInstanceOf(DeadlockDetected.class).hasMessageContaining("1 wait-for cycle");
    }

    /**
     * Once an abandoned {@code Loop.toThread} call has returned, it is neither out nor abandoned: a
     * real loop waits for the next calls its tasks wait for, as for any. (Still counting the
     * returned call as abandoned, the loop took a later call for one nobody waits for and reported
     * its caller deadlocked.) The first call returns once the abandoned one's thread idles in the
     * pool again, so the abandoned call's return reached the loop before the first's; each later
     * call returns only once its caller waits for it, so the loop mostly goes idle with it out.
     * What this asserts holds however the threads interleave; only how surely it catches such a
     * miscount depends on that.
     */
    @Test
    void aRealLoopWaitsForOffloadedWorkAfterAnAbandonedCallReturned() {
        List<String> returned = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> Loop.run(() -> {
                    AtomicReference<Thread> abandonedOn = returnedAbandonedCall();
                    List<String> values = new java.util.ArrayList<>();
                    values.add(Loop.toThread(() -> {
                        awaitIdleInPool(abandonedOn);
                        return "first";
                    }));
                    Thread caller = Thread.currentThread();
                    for (int i = 0; i < 3; i++) {
                        values.add(Loop.toThread(() -> {
                            awaitWaiting(caller);
                            return "later";
                        }));
                    }
                    return values;
                }), "the real loop never returned");
        assertThat(returned).containsExactly("first", "later", "later", "later");
    }

    /**
     * Makes a {@code Loop.toThread} call, abandons it (a cancel of its caller's scope) and lets its
     * work return.
     *
     * @return where the abandoned work notes the thread it runs on, once it runs
     */
    private static AtomicReference<Thread> returnedAbandonedCall() {
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        TaskGroup.with(tg -> {
            AtomicReference<CancelScope> scope = new AtomicReference<>();
            tg.spawn("offloader", () -> CancelScope.run(s -> {
                scope.set(s);
                return Loop.toThread(() -> {
                    ranOn.set(Thread.currentThread());
                    release.await();
                    return null;
                });
            }));
            Loop.waitAllTasksBlocked(); // the offloader waits for its call
            scope.get().cancel(); // it stops waiting; the call runs on
            return null;
        });
        release.countDown();
        return ranOn;
    }

    /**
     * Returns once the pool thread noted in {@code ranOn} has handed its work's end to the loop: it
     * then waits, timed, for its next work, or has ended (an idle pool thread ends after a while).
     * On that very thread, it has.
     */
    private static void awaitIdleInPool(AtomicReference<Thread> ranOn) {
        Thread poolThread;
        while ((poolThread = ranOn.get()) == null || Thread.currentThread() != poolThread && !idleInPool(poolThread)) {
            Thread.onSpinWait();
        }
    }

    private static boolean idleInPool(Thread poolThread) {
        Thread.State state = poolThread.getState();
        return state == Thread.State.TIMED_WAITING || state == Thread.State.TERMINATED;
    }

    /** Returns once {@code task}'s thread waits (for the offloaded call this runs for) or has ended. */
    private static void awaitWaiting(Thread task) {
        while (task.getState() == Thread.State.RUNNABLE) {
            Thread.onSpinWait();
        }
    }

    @Test
    @Timeout(60)
    void onARealLoopASlowStepIsLoggedWithTheTaskAndItsStack() {
        List<String> messages;
        try (CapturedWarnings warnings = new CapturedWarnings()) {
            Loop.run(() -> TaskGroup.with(tg -> {
                tg.spawn("slow", () -> {
                    long until = System.nanoTime() + Duration.ofMillis(600).toNanos();
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait(); // no checkpoint: the loop is held
                    }
                });
                return null;
            }));
            messages = warnings.messages();
        }
        // on a busy machine, the root's first step (a cold JVM's first spawn) may be slow too
        assertThat(messages).filteredOn(m -> !m.startsWith("task 'main' has held the loop")).singleElement().asString()
                .startsWith("task 'slow' has held the loop for at least ")
                .contains("Offload CPU-heavy or blocking work with Loop.toThread")
                .contains("at dev.simloop.NoSilentHangTest.lambda$");
    }

    /** Sleeps in its static initializer, where the JVM pins the task that first uses it. */
    static final class SleepsInItsInitializer {
        static final long AT = sleepASecond();
    }

    /** @return the loop clock after a second's sleep: for the static initializers of the classes above and below */
    private static long sleepASecond() {
        Loop.sleep(Duration.ofSeconds(1));
        return Loop.nanoTime();
    }

    /**
     * Before, the report called such a wait "a CPU loop, or a call that blocks its thread". And the
     * task then waited for the rest of the JVM: pinned in the initializer, its sleep held the driver
     * that would fire its timer, and every later report in the JVM named it among the runaways (which
     * made MonitorHandOffTest fail whenever this test ran first). Then the watchdog interrupted such a
     * wait as it reported it, after maxStepWallTime. Now it reports it at its first look at the task
     * (the thread parked pinned in a wait of the loop's, which nothing else can end), with no limit to
     * wait for: here well within the test's time-out, though the limit is longer. The task's wait
     * ends with an IllegalStateException, so the task unwinds and the class fails to initialize.
     */
    @Test
    @Timeout(15)
    void aWaitInAStaticInitializerIsReportedAtOnceAndEndedSoTheTaskUnwinds() throws InterruptedException {
        AtomicReference<Thread> thread = new AtomicReference<>();
        SimResult<Long> r = Simulation.builder().maxStepWallTime(Duration.ofSeconds(20))
                .run(() -> {
                    thread.set(Thread.currentThread());
                    return SleepsInItsInitializer.AT;
                });
        assertThat(r.failure()).isInstanceOf(LimitExceeded.class).hasMessageStartingWith("task 'main' waits pinned to"
                + " the loop's driver thread (step 1, virtual time 0s): it waits inside the static initializer of"
                + " dev.simloop.NoSilentHangTest$SleepsInItsInitializer, where the JVM pins the task to the driver: the"
                + " wait cannot give the driver back, so no other task runs and no timer fires that could end it. Move"
                + " the wait (a sleep, a lock, a wait for another task) out of the static initializer, into code the"
                + " task calls. The run stops here, and simloop ends the task's wait with an IllegalStateException so"
                + " that it unwinds out of the initializer: unless the initializer catches it, that class's"
                + " initialization then fails, and later uses of the class in this JVM throw NoClassDefFoundError."
                + " The task is at:\n\tat ");
        awaitTermination(thread.get());
        SimResult<Long> later = Simulation.builder().run(() -> SleepsInItsInitializer.AT);
        assertThat(later.failure()).as("a later use of the class fails at once, not for ever")
                .isInstanceOf(NoClassDefFoundError.class)
                .cause().hasMessageContaining("java.lang.IllegalStateException: task 'main' cannot wait here, pinned"
                        + " to its loop's driver thread: it waits inside the static initializer of"
                        + " dev.simloop.NoSilentHangTest$SleepsInItsInitializer");
    }

    /** Sleeps in its static initializer, first used by a task of a real loop (a class initializes once per JVM). */
    static final class SleepsInItsInitializerOnARealLoop {
        static final long AT = sleepASecond();
    }

    /**
     * On a real loop the same wait hung the loop for ever: the driver that would fire the sleep's
     * timer is the thread the task is pinned to, and the only sign was a slow-step warning that
     * advised offloading CPU work. Now the task fails with the reason, and the loop goes on: the
     * group's failure cancels the other task, and Loop.run ends with the failure.
     */
    @Test
    @Timeout(15)
    void aWaitInAStaticInitializerFailsItsTaskOnARealLoopInsteadOfHangingTheLoop() {
        List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
        Throwable failure;
        try (CapturedWarnings warnings = new CapturedWarnings()) {
            failure = catchThrowable(() -> Loop.run(() -> TaskGroup.with(g -> {
                g.spawn("initializes", () -> SleepsInItsInitializerOnARealLoop.AT);
                g.spawn("other", () -> {
                    try {
                        Loop.sleep(Duration.ofHours(1));
                    } finally {
                        log.add("other unwound");
                    }
                    return null;
                });
                return null;
            })));
            assertThat(warnings.messages()).filteredOn(m -> m.startsWith("task 'initializes' waits pinned")).singleElement()
                    .asString().contains("it waits inside the static initializer of"
                            + " dev.simloop.NoSilentHangTest$SleepsInItsInitializerOnARealLoop, where the JVM pins the task"
                            + " to the driver", "simloop ends the wait with an IllegalStateException");
        }
        assertThat(failure).isInstanceOf(ExceptionInInitializerError.class).cause()
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("task 'initializes' cannot wait here, pinned to its loop's driver thread: it waits inside the"
                        + " static initializer of dev.simloop.NoSilentHangTest$SleepsInItsInitializerOnARealLoop, where"
                        + " the JVM pins the task to the driver: the wait cannot give the driver back, so no other task"
                        + " runs and no timer fires that could end it. Move the wait (a sleep, a lock, a wait for another"
                        + " task) out of the static initializer, into code the task calls. simloop ended the wait with"
                        + " this exception, since nothing else could have ended it.");
        assertThat(log).as("the group's failure cancelled the other task: the loop ran again").containsExactly("other unwound");
    }

    /** What {@link #sleepUntilItSticks} caught, for the classes below: one list per class. */
    private static final List<String> CAUGHT_ON_A_REAL_LOOP = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static final List<String> CAUGHT_IN_A_SIMULATION = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * Sleeps in a static initializer, catches the IllegalStateException that ends a pinned wait and
     * sleeps again, three times in all: @return how many sleeps were ended, and {@code caught} has what each said
     */
    private static int sleepUntilItSticks(List<String> caught) {
        for (int i = 0; i < 3; i++) {
            try {
                Loop.sleep(Duration.ofMillis(5));
                return i;
            } catch (IllegalStateException e) {
                caught.add(e.getMessage().substring(0, e.getMessage().indexOf(':')));
            }
        }
        return 3;
    }

    /** Catches the end of its pinned sleep and sleeps again: first used by a task of a real loop. */
    static final class SleepsAgainInItsInitializerOnARealLoop {
        static final int ENDED = sleepUntilItSticks(CAUGHT_ON_A_REAL_LOOP);
    }

    /** Catches the end of its pinned sleep and sleeps again: first used by a simulation's task. */
    static final class SleepsAgainInItsInitializerInASimulation {
        static final int ENDED = sleepUntilItSticks(CAUGHT_IN_A_SIMULATION);
    }

    /**
     * Before, the watchdog ended one pinned wait per step: an initializer that caught the exception
     * and waited again was pinned again, and held the real loop for ever after a warning that said
     * its wait had been ended. Now every such wait is ended, and the step's first one warned of.
     */
    @Test
    @Timeout(value = 15, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a regression fails, not hangs, the build
    void anInitializerThatCatchesTheEndOfItsPinnedWaitAndWaitsAgainIsEndedAgainOnARealLoop() {
        Object value;
        try (CapturedWarnings warnings = new CapturedWarnings()) {
            value = Loop.run(() -> TaskGroup.with(g -> g.spawn("initializes",
                    () -> SleepsAgainInItsInitializerOnARealLoop.ENDED).join()));
            assertThat(warnings.messages()).filteredOn(m -> m.startsWith("task 'initializes' waits pinned")).hasSize(1);
        }
        assertThat(value).as("all three sleeps were ended; the class initialized").isEqualTo(3);
        assertThat(CAUGHT_ON_A_REAL_LOOP).containsExactly("task 'initializes' cannot wait here, pinned to its loop's driver"
                + " thread", "task 'initializes' cannot wait here, pinned to its loop's driver thread",
                "task 'initializes' cannot wait here, pinned to its loop's driver thread");
    }

    /**
     * In a simulation the first such wait failed the run, but the task's next wait held its driver
     * for ever, and the class's initialization with it: a later use of the class, from any thread,
     * waited for ever. Now the task's later waits end too, the initializer returns, and the class
     * is initialized for its later users.
     */
    @Test
    @Timeout(value = 45, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void anInitializerThatCatchesTheEndOfItsPinnedWaitAndWaitsAgainIsEndedAgainInASimulation() throws InterruptedException {
        AtomicReference<Thread> thread = new AtomicReference<>();
        SimResult<Integer> r = Simulation.builder().maxStepWallTime(Duration.ofSeconds(20)).run(() -> {
            thread.set(Thread.currentThread());
            return SleepsAgainInItsInitializerInASimulation.ENDED;
        });
        assertThat(r.failure()).isInstanceOf(LimitExceeded.class).hasMessageStartingWith("task 'main' waits pinned to"
                + " the loop's driver thread (step 1, virtual time 0s): it waits inside the static initializer of"
                + " dev.simloop.NoSilentHangTest$SleepsAgainInItsInitializerInASimulation");
        awaitTermination(thread.get());
        assertThat(SleepsAgainInItsInitializerInASimulation.ENDED).isEqualTo(3);
        assertThat(CAUGHT_IN_A_SIMULATION).hasSize(3)
                .containsOnly("task 'main' cannot wait here, pinned to its loop's driver thread");
    }

    /** What the child of {@link RunsAGroupInItsInitializer}'s group did (outside the class, which fails to initialize). */
    private static final List<String> GROUP_CHILD_RAN = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Runs a task group in its static initializer, first used by a task of a real loop. */
    static final class RunsAGroupInItsInitializer {
        static final int VALUE = TaskGroup.with(g -> {
            g.spawn(() -> GROUP_CHILD_RAN.add("child"));
            return 7;
        });
    }

    /**
     * A group's wait for its tasks is one that cancellation cannot end, and inside a static
     * initializer its tasks can never run: the driver they need is the thread the waiting task is
     * pinned to. Such a real loop hung for ever. Now the run fails with the reason, and its tasks
     * unwind: the group's child, which never ran, does not run.
     */
    @Test
    @Timeout(15)
    void aTaskGroupInsideAStaticInitializerFailsARealLoopInsteadOfHangingIt() {
        Throwable failure;
        try (CapturedWarnings warnings = new CapturedWarnings()) {
            failure = catchThrowable(() -> Loop.run(() -> TaskGroup.with(g -> {
                g.spawn("initializes", () -> RunsAGroupInItsInitializer.VALUE);
                return null;
            })));
            assertThat(warnings.messages()).filteredOn(m -> m.startsWith("task 'initializes' waits pinned")).singleElement()
                    .asString().contains("a wait that cancellation cannot end (a task group's wait for its tasks, a lock"
                            + " taken back after a condition's wait) fails the whole run with it instead");
        }
        assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessageStartingWith("task 'initializes' cannot"
                + " wait here, pinned to its loop's driver thread: it waits inside the static initializer of"
                + " dev.simloop.NoSilentHangTest$RunsAGroupInItsInitializer, where the JVM pins the task to the driver");
        assertThat(GROUP_CHILD_RAN).as("the group's child, which could never run").isEmpty();
    }

    /** Runs a task group in its static initializer, first used by a simulation's task. */
    static final class RunsAGroupInItsInitializerInASimulation {
        static final int VALUE = TaskGroup.with(g -> {
            g.spawn(() -> GROUP_CHILD_RAN.add("simulated child"));
            return 7;
        });
    }

    /**
     * In a simulation, the same group's wait was reported, but the task stayed in it for the rest of
     * the JVM, holding its driver thread. It now unwinds.
     */
    @Test
    @Timeout(15)
    void aTaskGroupInsideAStaticInitializerIsReportedAndItsTaskUnwindsInASimulation() throws InterruptedException {
        AtomicReference<Thread> thread = new AtomicReference<>();
        SimResult<Integer> r = Simulation.run(1, () -> {
            thread.set(Thread.currentThread());
            return RunsAGroupInItsInitializerInASimulation.VALUE;
        });
        assertThat(r.failure()).isInstanceOf(LimitExceeded.class).hasMessageStartingWith("task 'main' waits pinned to"
                + " the loop's driver thread (step 1, virtual time 0s): it waits inside the static initializer of"
                + " dev.simloop.NoSilentHangTest$RunsAGroupInItsInitializerInASimulation");
        awaitTermination(thread.get());
        assertThat(GROUP_CHILD_RAN).doesNotContain("simulated child");
    }

    /**
     * Runs a simulation from its own static initializer, whose task calls back into the class: the
     * JVM holds that call until the initializer returns, which it does only after the run.
     */
    static final class SimulatesInItsInitializer {
        static final SimResult<Integer> RESULT = Simulation.builder().seed(1).maxStepWallTime(Duration.ofMillis(300))
                .run(SimulatesInItsInitializer::seven);

        static int seven() {
            return 7;
        }
    }

    /** Before, the report called the task's wait "a CPU loop, or a call that blocks its thread", its stack silent on why. */
    @Test
    @Timeout(60)
    void aRunStartedFromAStaticInitializerThatItsTaskWaitsForIsNamedAsSuch() {
        SimResult<Integer> r = SimulatesInItsInitializer.RESULT;
        String c = "dev.simloop.NoSilentHangTest$SimulatesInItsInitializer";
        assertThat(r.failure()).isInstanceOf(LimitExceeded.class).hasMessageStartingWith("task 'main' ran for ")
                .hasMessageContaining("): the simulation was started from the static initializer of " + c + " (at " + c
                        + ".<clinit>(NoSilentHangTest.java:")
                .hasMessageContaining("the JVM holds any other thread that uses " + c + " (calls its methods or lambdas,"
                        + " reads its static fields): most likely the task waits there. Start the simulation outside"
                        + " static initializers (from main, a test method, or a method that the initializer's users"
                        + " call)")
                .hasMessageNotContaining("which no simulation can schedule around");
        assertThat(SimulatesInItsInitializer.seven()).as("the class initialized after the run failed").isEqualTo(7);
    }

    /** A task that keeps catching its cancel and going on: the group waits for it for ever, its failure unreported. */
    private static Object stubbornAndFailing(int catches) {
        return TaskGroup.with(tg -> {
            tg.spawn("stubborn", () -> {
                for (int caught = 0; ; ) {
                    try {
                        Loop.sleep(Duration.ofMillis(10));
                    } catch (Cancelled c) {
                        if (++caught == catches) {
                            throw c;
                        }
                    }
                }
            });
            tg.spawn("failer", () -> {
                Loop.sleep(Duration.ofMillis(15));
                throw new IllegalStateException("the real bug");
            });
            return null;
        });
    }

    private static final String SWALLOWED = "task 'stubborn' keeps catching the Cancelled of a cancelled scope and going"
            + " on (raised %d times in a row: cancelled: task 'failer' in the group failed (task group opened by task 'main')),"
            + " so it never ends, and its task group, which waits for it, never rethrows its failure:"
            + " java.lang.IllegalStateException: the real bug. A cancelled task must let Cancelled propagate: where it"
            + " catches Throwable, Exception or RuntimeException around a checkpoint, rethrow Cancelled (or catch only"
            + " what it handles).";

    /** Before, the run spun to maxSteps and advised raising it; the task and the group's failure were only suppressed. */
    @Test
    void aSimulationStoppedAtMaxStepsNamesTheTaskThatSwallowsItsCancelAndTheGroupsFailure() {
        SimResult<Object> r = Simulation.builder().seed(1).strategy(Strategy.fifo()).maxSteps(30_000)
                .run(() -> stubbornAndFailing(Integer.MAX_VALUE));
        assertThat(r.failure()).isInstanceOf(LimitExceeded.class);
        String message = r.failure().getMessage();
        java.util.regex.Matcher raised = java.util.regex.Pattern.compile("raised (\\d+) times").matcher(message);
        assertThat(raised.find()).as(message).isTrue();
        assertThat(Long.parseLong(raised.group(1))).isBetween(29_000L, 30_000L);
        assertThat(message).isEqualTo("simulation stopped after 30000 steps (maxSteps = 30000) at virtual time 0.015s: "
                + String.format(java.util.Locale.ROOT, SWALLOWED, Long.parseLong(raised.group(1))));
    }

    /** Before, a real loop spun for ever without a word, the group's failure never reported. */
    @Test
    @Timeout(60)
    void aRealLoopWarnsOnceOfATaskThatSwallowsItsCancel() {
        List<String> messages;
        Throwable thrown;
        try (CapturedWarnings warnings = new CapturedWarnings()) {
            thrown = org.assertj.core.api.Assertions.catchThrowable(() -> Loop.run(() -> stubbornAndFailing(15_000)));
            messages = warnings.withoutSlowSteps();
        }
        assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessage("the real bug");
        // 15,000 cancels raised without a yield are one long step: on a busy machine also a slow one
        assertThat(messages).containsExactly(String.format(java.util.Locale.ROOT, SWALLOWED, 10_000));
    }

    /**
     * Runs {@code main} in a real loop with a 0.3 s idle warning; a thread outside runs {@code wake} once
     * the warning is logged (or after 30 s). @return main's value, then the warnings logged
     */
    private static List<Object> runUntilWarnedThenWoken(ThrowingSupplier<?> main, Runnable wake) throws InterruptedException {
        Object v;
        try (CapturedWarnings captured = new CapturedWarnings()) {
            Thread outside = new Thread(() -> {
                long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (captured.withoutSlowSteps().isEmpty() && System.nanoTime() < until) {
                    java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
                }
                wake.run();
            });
            System.setProperty("simloop.idleWarning", "PT0.3S");
            try {
                outside.start();
                v = Loop.run(main);
            } finally {
                System.clearProperty("simloop.idleWarning");
                outside.join();
            }
            return java.util.Arrays.asList(v, captured.withoutSlowSteps());
        }
    }

    /**
     * A real loop whose every task waits in java.util.concurrent cannot know whether a thread outside
     * will wake one, so it waits; but after -Dsimloop.idleWarning it logs every task's wait once, so
     * that a deadlock in JDK locks does not hang a service without a word. Here a thread outside does
     * wake the task, once it has seen the warning, and the run ends normally.
     */
    @Test
    @Timeout(60)
    void onARealLoopWhoseTasksAllWaitOutsideSimloopTheIdleSpellIsLoggedOnce() throws InterruptedException {
        CountDownLatch latch = new CountDownLatch(1);
        List<Object> r = runUntilWarnedThenWoken(() -> TaskGroup.with(tg -> {
            tg.spawn("waiter", () -> latch.await());
            return "woken from outside";
        }), latch::countDown);
        assertThat(r.get(0)).isEqualTo("woken from outside");
        assertThat((List<?>) r.get(1)).singleElement().asString()
                .startsWith("a real loop has been idle for 0.3s (step ")
                .contains("every task waits, some outside simloop, and no timer or offloaded call is pending. Unless"
                        + " a thread outside the loop will wake one of them, this is a deadlock.")
                .contains("task 'waiter'").contains("CountDownLatch").doesNotContain("its scope is cancelled");
    }

    /**
     * A real loop reads -Dsimloop.idleWarning at every idle spell, and logged a value that is not an
     * ISO-8601 duration ("10s", as -Dsimloop.timeLimit takes it) at each one: a service whose tasks
     * wait in JDK queues logged the same warning for every hand-off. It is logged once.
     */
    @Test
    @Timeout(60)
    void aBadIdleWarningIsLoggedOnceNotAtEveryIdleSpell() throws InterruptedException {
        java.util.concurrent.SynchronousQueue<Integer> handOff = new java.util.concurrent.SynchronousQueue<>();
        Object v;
        List<String> warnings;
        try (CapturedWarnings captured = new CapturedWarnings()) {
            Thread outside = new Thread(() -> {
                long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                // the first idle spell has read the property once it is logged (so one read at least)
                while (captured.withoutSlowSteps().isEmpty() && System.nanoTime() < until) {
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
                }
                for (int i = 1; i <= 5; i++) {
                    // offer hands over only to a task waiting in take(): each hand-off ends an idle spell
                    long handOffBy = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                    while (!handOff.offer(i) && System.nanoTime() < handOffBy) {
                        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
                    }
                }
            });
            System.setProperty("simloop.idleWarning", "10s");
            try {
                outside.start();
                v = Loop.run(() -> {
                    int sum = 0;
                    for (int i = 0; i < 5; i++) {
                        sum += handOff.take();
                    }
                    return sum;
                });
            } finally {
                System.clearProperty("simloop.idleWarning");
                outside.join();
            }
            warnings = captured.withoutSlowSteps();
        }
        assertThat(v).isEqualTo(15);
        assertThat(warnings).containsExactly("-Dsimloop.idleWarning=10s is not an ISO-8601 duration (write it like"
                + " PT0.1S for 100 ms, or PT2S); using the default, 10 s");
    }

    /**
     * Before, a server waiting in accept() was warned of as a likely deadlock after every quiet
     * spell: a task parked in network I/O is woken by the JDK's poller when a client comes.
     */
    @Test
    @Timeout(60)
    void aRealLoopWhoseTaskWaitsInAcceptIsAnIdleServerAndIsNotWarnedOf() throws Exception {
        try (java.nio.channels.ServerSocketChannel server = java.nio.channels.ServerSocketChannel.open()
                .bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
                CapturedWarnings captured = new CapturedWarnings()) {
            Thread client = new Thread(() -> {
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(1500).toNanos()); // five idle spells
                try (java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open(server.getLocalAddress())) {
                    c.isConnected();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            System.setProperty("simloop.idleWarning", "PT0.3S");
            Object v;
            try {
                client.start();
                v = Loop.run(() -> TaskGroup.with(tg -> tg.spawn("acceptor", () -> {
                    try (java.nio.channels.SocketChannel accepted = server.accept()) {
                        return accepted.isOpen() ? "accepted" : "closed";
                    }
                }).join()));
            } finally {
                System.clearProperty("simloop.idleWarning");
                client.join();
            }
            assertThat(v).isEqualTo("accepted");
            assertThat(captured.withoutSlowSteps()).isEmpty();
        }
    }

    /** An acceptor waiting in accept() does not hide handlers deadlocked on JDK locks: the cycle is warned of. */
    @Test
    @Timeout(60)
    void anIdleServerWhoseHandlersDeadlockOnJdkLocksIsStillWarnedOfWithTheCycle() throws Exception {
        try (java.nio.channels.ServerSocketChannel server = java.nio.channels.ServerSocketChannel.open()
                .bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0))) {
            java.util.concurrent.locks.ReentrantLock a = new java.util.concurrent.locks.ReentrantLock();
            java.util.concurrent.locks.ReentrantLock b = new java.util.concurrent.locks.ReentrantLock();
            List<Thread> handlers = new java.util.concurrent.CopyOnWriteArrayList<>();
            CountDownLatch bothHold = new CountDownLatch(2);
            List<Object> r = runUntilWarnedThenWoken(() -> TaskGroup.with(tg -> {
                tg.spawn("acceptor", () -> {
                    try (java.nio.channels.SocketChannel c = server.accept()) {
                        return c.isOpen();
                    }
                });
                tg.spawn("h1", () -> inOpposedOrder(a, b, bothHold, handlers));
                tg.spawn("h2", () -> inOpposedOrder(b, a, bothHold, handlers));
                return "ended";
            }), () -> {
                handlers.forEach(Thread::interrupt); // a cancel of each handler: its lockInterruptibly() ends
                try (java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open(server.getLocalAddress())) {
                    c.isConnected();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(r.get(0)).isEqualTo("ended");
            assertThat((List<?>) r.get(1)).singleElement().asString().contains("cycle: 'h1' → 'h2' → 'h1'")
                    .contains("held by task 'h2'").contains("held by task 'h1'");
        }
    }

    private static void inOpposedOrder(java.util.concurrent.locks.ReentrantLock first,
            java.util.concurrent.locks.ReentrantLock second, CountDownLatch bothHold, List<Thread> handlers)
            throws InterruptedException {
        handlers.add(Thread.currentThread());
        first.lockInterruptibly();
        try {
            bothHold.countDown();
            bothHold.await();
            second.lockInterruptibly();
            second.unlock();
        } finally {
            first.unlock();
        }
    }

    /** A task that a deadline cancelled but whose JDK wait ignores the interrupt: the warning says why it still waits. */
    @Test
    @Timeout(60)
    void theIdleWarningSaysATaskIsCancelledButItsWaitDoesNotEnd() throws InterruptedException {
        java.util.concurrent.CompletableFuture<String> value = new java.util.concurrent.CompletableFuture<>();
        List<Object> r = runUntilWarnedThenWoken(() -> CancelScope.moveOnAfter(Duration.ofMillis(50), () -> value.join()),
                () -> value.complete("late"));
        assertThat(r.get(0)).as("the body returned: no checkpoint raised the cancel").isEqualTo(java.util.Optional.of("late"));
        assertThat((List<?>) r.get(1)).singleElement().asString().contains("task 'main' is parked outside simloop on "
                + "java.util.concurrent.CompletableFuture").endsWith("; its scope is cancelled, but this wait does not"
                + " end on the interrupt a cancel sends (an uninterruptible wait such as CompletableFuture.join, or code"
                + " that caught InterruptedException and waited again); where a cancel must end the wait, wait with get()"
                + " or lockInterruptibly()");
    }
}
