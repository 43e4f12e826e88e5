package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Issue 2, section 2: wake-ups from threads the simulation does not own fail the run, naming the task. */
class NondeterminismTest {

    @Test
    void threadSleepInATaskIsDetected() {
        AtomicReference<Thread> thread = new AtomicReference<>();
        SimResult<Object> r = Simulation.run(1, () -> TaskGroup.with(tg -> {
            tg.spawn("sleepy", () -> {
                thread.set(Thread.currentThread());
                Thread.sleep(20);
            });
            return null;
        }));
        assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class).hasMessageContaining("task 'sleepy'")
                .hasMessageContaining("Thread.sleep").hasMessageContaining("Loop.sleep");
        assertThat(thread.get().getState()).isEqualTo(Thread.State.TERMINATED);
    }

    @Test
    void withoutTheAgentATimedWaitSaysHowToAddIt() {
        SimResult<Object> r = Simulation.run(1, () -> {
            Thread.sleep(Duration.ofSeconds(1));
            return null;
        });
        assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class).hasMessageEndingWith("Or keep the code as "
                + "it is and run the test JVM with the simloop agent (artifact dev.simloop:simloop-agent), which runs "
                + "Thread.sleep, LockSupport.parkNanos, the timed java.util.concurrent waits and System.nanoTime / "
                + "currentTimeMillis / Instant.now on the virtual clock inside simulated tasks: java "
                + "-javaagent:path/to/simloop-agent-<version>.jar ..., or under Maven the surefire plugin's "
                + "<argLine>-javaagent:${settings.localRepository}/dev/simloop/simloop-agent/<version>/"
                + "simloop-agent-<version>.jar --add-opens java.base/java.lang=ALL-UNNAMED</argLine> with the "
                + "artifact as a test dependency (if JaCoCo or another plugin sets the property argLine, write "
                + "@{argLine} in front and declare an empty <argLine></argLine> in <properties>: docs/setup.md) "
                + "(docs/virtual-time.md).");
    }

    @Test
    void aSleepSoShortThatItsTimeOutFiresWhileItParksIsReportedEveryTime() {
        // the JDK's time-out can resubmit the task before its park has finished; that must still be
        // the timed wait it is (it once continued the step as if a thread outside had woken it)
        for (int i = 0; i < 500; i++) {
            SimResult<Object> r = Simulation.run(1, () -> {
                Thread.sleep(Duration.ofNanos(1_000));
                return null;
            });
            assertThat(r.failure()).as("run %d", i).isInstanceOf(NondeterminismDetected.class)
                    .hasMessageStartingWith("task 'main' made a timed wait outside simloop at step 1 (");
        }
    }

    @Test
    void timedFutureWaitIsDetected() {
        SimResult<Object> r = Simulation.run(1, () -> TaskGroup.with(tg -> {
            tg.spawn("impatient", () -> new CompletableFuture<String>().get(50, TimeUnit.MILLISECONDS));
            return null;
        }));
        assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class).hasMessageContaining("task 'impatient'");
    }

    /**
     * The common pool's work, waited for with a time-out and without the agent: the value at the
     * instant it was asked for, whether the pool was done before the {@code get} (no park) or after
     * it (a timed park on the real clock, which the loop waits out in place). Before, the second case
     * failed as a timed wait outside simloop, so one seed flipped between the value and that failure
     * by how quick the pool was.
     */
    @Test
    void aTimedGetOfTheCommonPoolsWorkGivesItsValueWhetherThePoolIsQuickerOrNot() {
        List<String> outcomes = new ArrayList<>();
        for (long realWorkMillis : new long[] {0, 0, 5, 5, 20}) {
            SimResult<String> r = Simulation.run(7, () -> TaskGroup.with(tg -> {
                tg.spawn("ticker", () -> Loop.sleep(Duration.ofMillis(3)));
                int v = CompletableFuture.supplyAsync(() -> spinFor(realWorkMillis)).get(10, TimeUnit.SECONDS);
                return v + "@" + Loop.nanoTime();
            }));
            outcomes.add(r.failed() ? r.failure().toString() : r.value() + " " + r.traceDigest());
        }
        assertThat(outcomes).containsOnly(outcomes.get(0)).first().asString().startsWith("42@0 ");
    }

    /** A time-out shorter than the pool's work, in real time, ends the wait on the real clock: the run fails saying so. */
    @Test
    void aTimedGetWhoseTimeOutRunsOutBeforeTheCommonPoolsWorkFails() {
        SimResult<Integer> r = Simulation.run(7, () -> CompletableFuture.supplyAsync(() -> spinFor(300))
                .get(5, TimeUnit.MILLISECONDS));
        assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageStartingWith("task 'main' made a timed wait outside simloop at step 1 (")
                .hasMessageContaining("): nothing the simulation waits for in place (the common pool's work) completed "
                        + "the future it waits on within its time-out; Thread.sleep, LockSupport.parkNanos");
    }

    /**
     * Without the agent, a timed {@code Object.wait} and a timed join of a platform thread fail the run
     * saying that the agent would not help either (it covers neither), and what to use instead: they
     * did advise adding it.
     */
    @Test
    void aTimedObjectWaitOrJoinOfAPlatformThreadDoesNotAdviseTheAgentThatWouldNotHelp() throws Exception {
        SimResult<Object> waited = Simulation.run(1, () -> {
            Object monitor = new Object();
            synchronized (monitor) {
                monitor.wait(100);
            }
            return null;
        });
        assertThat(waited.failure()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageStartingWith("task 'main' made a timed wait outside simloop at step 1 (")
                .hasMessageEndingWith("The simloop agent would not help either: this wait is not one it puts on the"
                        + " virtual clock (Object.wait with a time-out: the JVM resumes the waiter from a thread of its"
                        + " own; wait on a ReentrantLock's Condition or a dev.simloop.sync.Condition) (see"
                        + " docs/virtual-time.md for what it rewrites).")
                .hasMessageNotContaining("-javaagent");

        CountDownLatch release = new CountDownLatch(1);
        Thread outsider = Thread.ofPlatform().start(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            SimResult<Object> joined = Simulation.run(1, () -> {
                outsider.join(100);
                return null;
            });
            assertThat(joined.failure()).isInstanceOf(NondeterminismDetected.class)
                    .hasMessageStartingWith("task 'main' made a timed wait outside simloop at step 1 (")
                    .hasMessageContaining("The simloop agent would not help either: this wait is Thread.join with a"
                            + " time-out of a thread that is not a task of the simulation")
                    .hasMessageContaining("Run that work with Loop.toThread").hasMessageNotContaining("-javaagent");
        } finally {
            release.countDown();
            outsider.join();
        }
    }

    /** @return 42, after spinning for {@code millis} of real time (on the common pool, where no clock is virtual) */
    private static int spinFor(long millis) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        return 42;
    }

    @Test
    void futureCompletedByAForeignPlatformThreadIsDetected() throws Exception {
        CompletableFuture<String> cf = new CompletableFuture<>();
        AtomicBoolean completed = new AtomicBoolean();
        AtomicReference<Thread> waiterThread = new AtomicReference<>();
        Thread completer = new Thread(() -> {
            // complete it only once the task is really parked in get()
            awaitParkSeenByTheLoop(waiterThread);
            cf.complete("from outside");
            completed.set(true);
        }, "foreign-completer");
        completer.setDaemon(true);
        // no step limit: spinUntil bounds the wait in wall time, however slow the foreign thread is
        SimResult<Object> r = Simulation.builder().seed(1).maxSteps(Long.MAX_VALUE).run(() -> TaskGroup.with(tg -> {
            tg.spawn("waiter", () -> {
                waiterThread.set(Thread.currentThread());
                return cf.get();
            });
            // keep the loop busy (and not deadlocked) until the foreign wake-up has happened
            tg.spawn("busy", () -> spinUntil(completed));
            completer.start();
            return null;
        }));
        completer.join(10_000);
        assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class).hasMessageContaining("task 'waiter'")
                .hasMessageContaining("woken by thread 'foreign-completer'")
                .hasMessageContaining("Run the work as tasks: pass Loop.executor() instead of the executor (or "
                        + "ForkJoinPool.commonPool(), CompletableFuture's default), create threads and thread-per-task "
                        + "executors with Loop.threadFactory()");
        assertThat(waiterThread.get().getState()).isEqualTo(Thread.State.TERMINATED);
    }

    /**
     * A latch, a condition or a queue that a thread outside signals is an event, as a future is: held
     * until the loop is idle, the wake-up would let the task go on before the clock moves or after,
     * depending on when that thread acted (a task ticking on Loop.sleep saw the waiter resume at 9 to
     * 29 ms of virtual time, one seed, eight runs). The run fails at the idle moment, naming both.
     */
    @Test
    void aLatchCountedDownByAThreadOutsideWhileTheClockMovesIsDetected() throws Exception {
        CountDownLatch latch = new CountDownLatch(1);
        AtomicBoolean counted = new AtomicBoolean();
        AtomicReference<Thread> waiterThread = new AtomicReference<>();
        Thread counter = new Thread(() -> {
            awaitParkSeenByTheLoop(waiterThread);
            latch.countDown();
            counted.set(true);
        }, "latch-counter");
        counter.setDaemon(true);
        SimResult<Object> r = Simulation.builder().seed(1).maxSteps(Long.MAX_VALUE).run(() -> TaskGroup.with(tg -> {
            tg.spawn("waiter", () -> {
                waiterThread.set(Thread.currentThread());
                latch.await();
            });
            tg.spawn("ticker", () -> tickUntil(counted)); // a timer pending at every idle moment
            counter.start();
            return null;
        }));
        counter.join(10_000);
        assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageStartingWith("task 'waiter', waiting outside simloop since step ")
                .hasMessageContaining(" on java.util.concurrent.CountDownLatch$Sync at dev.simloop.NondeterminismTest.")
                .hasMessageContaining(", was woken by thread 'latch-counter', which the simulation does not own, "
                        + "while the run had other work to do (a timer pending; step ")
                .hasMessageContaining("the task goes on now or after the clock moves, depending on when that thread "
                        + "acted, so the run could not be replayed. Count the latch down, signal the condition, fill or "
                        + "drain the queue from a task");
        assertThat(waiterThread.get().getState()).isEqualTo(Thread.State.TERMINATED);
    }

    /** Process.waitFor waits on a condition that the JDK's process reaper signals: the failure says so and what to do. */
    @Test
    void processWaitForWhileTheClockMovesIsDetectedAndPointsAtToThread() throws Exception {
        AtomicReference<Process> process = new AtomicReference<>();
        SimResult<Object> r = Simulation.builder().seed(1).maxSteps(Long.MAX_VALUE).run(() -> TaskGroup.with(tg -> {
            AtomicBoolean exited = new AtomicBoolean();
            tg.spawn("waiter", () -> {
                // a JVM that prints its version takes tens of milliseconds: it exits after the wait has begun
                process.set(new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-version")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
                int code = process.get().waitFor();
                exited.set(true);
                return code;
            });
            tg.spawn("ticker", () -> tickUntil(exited));
            return null;
        }));
        process.get().waitFor(10, TimeUnit.SECONDS);
        assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageStartingWith("task 'waiter', waiting outside simloop since step ")
                .hasMessageContaining(" on java.util.concurrent.locks.AbstractQueuedSynchronizer$ConditionObject at "
                        + "dev.simloop.NondeterminismTest.")
                .hasMessageContaining(", was woken by thread 'process reaper")
                .hasMessageContaining("(the JDK's thread that sees a process end: Process.waitFor waits on a condition "
                        + "it signals), while the run had other work to do (a timer pending; step ")
                .hasMessageEndingWith("Wait for a process in Loop.toThread: Loop.toThread(() -> process.waitFor()) runs "
                        + "the wait on a thread of the loop's own, and nothing else runs until it is back.");
    }

    /**
     * The same latch, when nothing else in the run can happen (no task ready, no timer pending): the
     * task can only go on once the thread outside acts, whenever that is, so the run is one run and
     * passes, as before.
     */
    @Test
    void aLatchCountedDownByAThreadOutsideWhenNothingElseCanHappenStillPasses() throws Exception {
        for (int run = 0; run < 3; run++) {
            CountDownLatch latch = new CountDownLatch(1);
            AtomicReference<Thread> waiterThread = new AtomicReference<>();
            Thread counter = new Thread(() -> {
                while (waiterThread.get() == null || waiterThread.get().getState() != Thread.State.WAITING) {
                    Thread.onSpinWait();
                }
                latch.countDown();
            }, "latch-counter");
            counter.setDaemon(true);
            counter.start();
            SimResult<String> r = Simulation.run(1, () -> TaskGroup.with(tg -> {
                Task<String> waiter = tg.spawn("waiter", () -> {
                    waiterThread.set(Thread.currentThread());
                    latch.await();
                    return "counted at " + Loop.nanoTime();
                });
                return waiter.join();
            }));
            counter.join(10_000);
            assertThat(r.value()).as("run %d", run).isEqualTo("counted at 0");
        }
    }

    /**
     * A library that a task calls may start threads of its own that do not inherit thread locals
     * (java.net.http.HttpClient's do), which the simulation does not see start. When one of them
     * completes what the task waits for, the report said the thread "existed before the simulation":
     * now it says the thread started during the run, and what to do with such a library.
     */
    @Test
    void aWakeUpFromAThreadStartedDuringTheRunSaysSoAndNamesLibraries() {
        AtomicReference<Thread> caller = new AtomicReference<>();
        AtomicBoolean replied = new AtomicBoolean();
        SimResult<Object> r = Simulation.builder().seed(1).maxSteps(Long.MAX_VALUE).run(() -> TaskGroup.with(tg -> {
            tg.spawn("main", () -> {
                caller.set(Thread.currentThread());
                CompletableFuture<String> reply = new CompletableFuture<>();
                Thread.ofPlatform().name("library-worker").inheritInheritableThreadLocals(false).daemon().start(() -> {
                    awaitParkSeenByTheLoop(caller); // the task waits for the reply while the run has other work
                    reply.complete("reply");
                    replied.set(true);
                });
                return reply.join();
            });
            tg.spawn("busy", () -> spinUntil(replied));
            return null;
        }));
        assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageStartingWith("task 'main', waiting outside simloop since step ")
                .hasMessageEndingWith(", was woken by thread 'library-worker', which the simulation does not own, and which"
                        + " was started after the run began. Likely cause: a library the task called that makes threads of"
                        + " its own (a client such as java.net.http.HttpClient, an executor made inside it): the simulation"
                        + " sees a thread that a task starts only when the thread inherits thread locals, and this one did"
                        + " not. When its work finishes, relative to the simulation's steps, depends on the JVM, so the run"
                        + " could not be replayed. Make such a client before the run and call it with Loop.toThread"
                        + " (Loop.toThread(() -> client.send(request, handler))), or give the library Loop.executor() or"
                        + " Loop.threadFactory() where it takes one.");
    }

    /**
     * A future that a thread outside completes, when nothing else in the run can happen: the task
     * can only go on once the thread acts, whenever that is, so its step waits for it in place and the
     * run passes. Before, a run passed when the thread was quicker than the task's wait and failed
     * with NondeterminismDetected when it was not (a lone process.onExit().join(): the first run of a
     * JVM passed, later ones failed), as a lone latch's run already did not.
     */
    @Test
    void aFutureCompletedByAThreadOutsideWhenNothingElseCanHappenPassesInOneStep() throws Exception {
        List<String> runs = new ArrayList<>();
        for (int run = 0; run < 3; run++) {
            CompletableFuture<String> cf = new CompletableFuture<>();
            AtomicReference<Thread> waiterThread = new AtomicReference<>();
            boolean before = run == 0; // once completed before the wait begins, then after it has begun
            Thread completer = new Thread(() -> {
                while (!before && (waiterThread.get() == null || waiterThread.get().getState() != Thread.State.WAITING)) {
                    Thread.onSpinWait();
                }
                cf.complete("from outside");
            }, "foreign-completer");
            completer.setDaemon(true);
            if (before) {
                completer.start();
                completer.join();
            } else {
                completer.start();
            }
            SimResult<String> r = Simulation.run(1, () -> {
                waiterThread.set(Thread.currentThread());
                return cf.get() + " at " + Loop.nanoTime();
            });
            completer.join(10_000);
            runs.add(r.value() + ", " + r.steps() + " steps, digest " + r.traceDigest());
        }
        assertThat(runs.get(0)).startsWith("from outside at 0, ");
        assertThat(runs).as("the same run whether the future was complete before the wait or after").containsOnly(runs.get(0));
    }

    /** The case that showed it: a process's onExit future, completed by the JDK's reaper and the common pool. */
    @Test
    void aLoneProcessOnExitJoinPassesInEveryRunOfAJvm() {
        String java = ProcessHandle.current().info().command().orElseThrow();
        for (int run = 0; run < 3; run++) {
            SimResult<Integer> r = Simulation.run(run, () -> new ProcessBuilder(java, "-version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().onExit().join().exitValue());
            assertThat(r.failure()).as("run %d", run).isNull();
            assertThat(r.value()).as("run %d", run).isZero();
        }
    }

    /**
     * A lone task waiting for a latch that a thread outside counts down took one step or two, by
     * timing: one when the count came before the park or during it, two when it came after the step
     * had ended. Its digest and step count then differed between runs of one seed (a determinism
     * check could fail on it). With nothing else to do, the step now waits for the outside in place.
     */
    @Test
    void aLoneTaskWaitingForALatchFromOutsideHasTheSameStepsWhenEverTheCountComes() throws Exception {
        java.util.Set<String> runs = new java.util.TreeSet<>();
        for (long delayMillis : new long[] {-1, 0, 2, 30}) {
            CountDownLatch latch = new CountDownLatch(1);
            if (delayMillis < 0) {
                latch.countDown(); // before the task waits: no park at all
            }
            Thread counter = Thread.ofPlatform().name("latch-counter").daemon().unstarted(() -> {
                try {
                    Thread.sleep(delayMillis);
                } catch (InterruptedException e) {
                    return;
                }
                latch.countDown();
            });
            SimResult<String> r = Simulation.run(1, () -> {
                if (delayMillis >= 0) {
                    counter.start();
                }
                latch.await();
                return "counted at " + Loop.nanoTime();
            });
            counter.join(10_000);
            runs.add(r.value() + ", " + r.steps() + " steps, digest " + r.traceDigest());
        }
        assertThat(runs).hasSize(1).singleElement().asString().startsWith("counted at 0, 1 steps, digest ");
    }

    @Test
    void realSocketIoWokenByTheJdkPollerIsDetected() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                Socket accepted = server.accept()) {
            AtomicBoolean sent = new AtomicBoolean();
            AtomicReference<Thread> reader = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                awaitParkSeenByTheLoop(reader);
                try {
                    client.getOutputStream().write(42);
                    client.getOutputStream().flush();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                sent.set(true);
            }, "socket-writer");
            writer.setDaemon(true);
            writer.start();
            SimResult<Object> r = Simulation.builder().seed(1).maxSteps(Long.MAX_VALUE).run(() -> TaskGroup.with(tg -> {
                tg.spawn("reader", () -> {
                    reader.set(Thread.currentThread());
                    return accepted.getInputStream().read();
                });
                tg.spawn("busy", () -> spinUntil(sent));
                return null;
            }));
            writer.join(10_000);
            assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class).hasMessageContaining("task 'reader'")
                    .hasMessageContaining("blocking I/O");
            assertThat(reader.get().getState()).isEqualTo(Thread.State.TERMINATED);
        }
    }

    @Test
    void blockingSocketReadInASimulationIsReportedNamingTheTask() throws Exception {
        // A read that no data will ever end: the run must not hang, and the report names the task and
        // where it blocked: the JDK's I/O poller (a thread the simulation does not own) is the only
        // thing that could end the wait, either when the read starts it or after maxStepWallTime.
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                Socket accepted = server.accept()) {
            AtomicReference<Thread> reader = new AtomicReference<>();
            SimResult<Object> r = Simulation.builder().seed(1).maxStepWallTime(Duration.ofMillis(200))
                    .run(() -> TaskGroup.with(tg -> {
                        tg.spawn("reader", () -> {
                            reader.set(Thread.currentThread());
                            InputStream in = accepted.getInputStream();
                            return in.read();
                        });
                        return null;
                    }));
            assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                    .hasMessageStartingWith("task 'reader' ")
                    .hasMessageContaining("NondeterminismTest");
            assertThat(reader.get().getState()).isEqualTo(Thread.State.TERMINATED); // unwound by the end of the run
            assertThat(client.isConnected()).isTrue();
        }
    }

    @Test
    void anUntimedWaitThatNothingInTheSimulationCanEndFailsNamingTheTaskWhatItWaitsOnAndTheLine() {
        CompletableFuture<String> never = new CompletableFuture<>();
        for (int run = 0; run < 3; run++) {
            SimResult<Object> r = Simulation.builder().seed(1).maxStepWallTime(Duration.ofMillis(100))
                    .run(() -> TaskGroup.with(tg -> {
                        tg.spawn("stuck", () -> never.get());
                        return null;
                    }));
            assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                    .hasMessageStartingWith("task 'stuck' waits outside simloop on a java.util.concurrent."
                            + "CompletableFuture (java.util.concurrent.CompletableFuture$Signaller) at "
                            + "dev.simloop.NondeterminismTest.")
                    .hasMessageContaining("and nothing woke it: every task of the simulation is waiting, no timer "
                            + "is pending, and no thread outside woke it within 0.1s (maxStepWallTime; step 2, "
                            + "virtual time 0s)")
                    .hasMessageContaining("Run the work as tasks: pass Loop.executor() instead of an executor the "
                            + "simulation does not own (Executors.newFixedThreadPool, ForkJoinPool.commonPool(), "
                            + "CompletableFuture's default pool), create threads with Loop.threadFactory()");
        }
    }

    /**
     * A wait deaf to interrupts ({@code join()}) goes on after its scope's cancel interrupted it, and
     * nothing else will end it: the failure says so and names the waits a cancel ends, since the
     * author expected the cancel to end this one.
     */
    @Test
    void aJoinThatLetsItsScopesCancelBeSaysSoAndNamesTheWaitsACancelEnds() {
        SimResult<Object> r = Simulation.builder().seed(1).maxStepWallTime(Duration.ofMillis(100))
                .run(() -> CancelScope.moveOnAfter(Duration.ofSeconds(1), () -> new CompletableFuture<String>().join()));
        assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageStartingWith("task 'main' waits outside simloop on a java.util.concurrent.CompletableFuture")
                .hasMessageContaining("virtual time 1s). The task is inside a cancelled scope (cancelled: deadline"
                        + " passed (cancel scope opened by task 'main')), whose interrupt this wait let be, as"
                        + " CompletableFuture.join() and Lock.lock() do: where a cancel must end the wait, wait with"
                        + " get() or lockInterruptibly().");
    }

    /**
     * Two tasks that complete each other's futures after waiting on them wait in a cycle that simloop
     * cannot see through a future: the failure names both waits and says what a cycle is and what to
     * use instead; one task alone on a future gets no such note.
     */
    @Test
    void tasksWaitingOnEachOthersFuturesAreNamedWithTheCycleTheyMayBe() {
        SimResult<Object> r = Simulation.builder().seed(1).maxStepWallTime(Duration.ofMillis(100)).run(() -> {
            CompletableFuture<Integer> a = new CompletableFuture<>();
            CompletableFuture<Integer> b = new CompletableFuture<>();
            return TaskGroup.with(g -> {
                g.spawn("A", () -> a.complete(b.get() + 1));
                g.spawn("B", () -> b.complete(a.join() + 1));
                return null;
            });
        });
        assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageStartingWith("task 'A' waits outside simloop on a java.util.concurrent.CompletableFuture")
                .hasMessageContaining("(maxStepWallTime; step 3, virtual time 0s). So does task 'B' at"
                        + " dev.simloop.NondeterminismTest.")
                .hasMessageContaining(". If these tasks complete the futures they wait on for each other, they wait in"
                        + " a cycle: a deadlock that simloop cannot see through a future, since it cannot know who will"
                        + " complete one. Complete a future before waiting on another, or wait with Task.join or a"
                        + " dev.simloop.sync primitive (Event, Channel), whose waits simloop follows: it reports a cycle"
                        + " of them at once, as DeadlockDetected. It waits for work outside the simulation");

        SimResult<Object> alone = Simulation.builder().seed(1).maxStepWallTime(Duration.ofMillis(100))
                .run(() -> new CompletableFuture<String>().get());
        assertThat(alone.failure()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageStartingWith("task 'main' waits outside simloop on a java.util.concurrent.CompletableFuture")
                .hasMessageNotContaining("cycle");
    }

    @Test
    void realModeAcceptsForeignWakeUps() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        String v = Loop.run(() -> TaskGroup.with(tg -> {
            Task<String> t = tg.spawn("waiter", () -> cf.get());
            Thread th = new Thread(() -> cf.complete("done"));
            th.start();
            return t.join();
        }));
        assertThat(v).isEqualTo("done");
    }

    /** Checkpoints made by the busy task of the current test. */
    private static final java.util.concurrent.atomic.AtomicLong BUSY_STEPS = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Waits until {@code task} is parked and the loop has run two more steps of the busy task since:
     * the loop has then seen the park as a wait for data (not a lock another thread let go at once).
     */
    private static void awaitParkSeenByTheLoop(AtomicReference<Thread> task) {
        while (task.get() == null || task.get().getState() != Thread.State.WAITING) {
            if (task.get() != null && task.get().getState() == Thread.State.TERMINATED) {
                return; // the run failed before the task parked (the JDK's I/O poller started in it)
            }
            Thread.onSpinWait();
        }
        long seen = BUSY_STEPS.get();
        long giveUp = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (BUSY_STEPS.get() < seen + 2 && task.get().getState() != Thread.State.TERMINATED
                && System.nanoTime() < giveUp) {
            Thread.onSpinWait();
        }
    }

    /**
     * As {@link #spinUntil}, on the clock: sleeps a millisecond at a time, so the loop is idle with a
     * timer pending between its steps; gives up after 20 s of wall time.
     */
    private static void tickUntil(AtomicBoolean flag) {
        long giveUp = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < giveUp) {
            Loop.sleep(Duration.ofMillis(1));
            BUSY_STEPS.incrementAndGet();
        }
        throw new AssertionError("the foreign wake-up was not detected (foreign thread acted: " + flag.get() + ")");
    }

    /**
     * Keeps the loop busy (so it cannot declare a deadlock) until the foreign wake-up has failed the
     * run, which unwinds this task at its next checkpoint; gives up after 20 s of wall time.
     */
    private static void spinUntil(AtomicBoolean flag) {
        long giveUp = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < giveUp) {
            Loop.checkpoint();
            BUSY_STEPS.incrementAndGet();
        }
        throw new AssertionError("the foreign wake-up was not detected (foreign thread acted: " + flag.get() + ")");
    }
}
