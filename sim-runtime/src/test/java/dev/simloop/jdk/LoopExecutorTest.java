package dev.simloop.jdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.simloop.CancelScope;
import dev.simloop.Cancelled;
import dev.simloop.DeadlockDetected;
import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.TaskGroup;
import dev.simloop.sync.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Issue 14, item 2: Loop.executor() and TaskGroup.executor(). */
class LoopExecutorTest {

    private static Callable<Integer> after(long seconds, int value) {
        return () -> {
            Loop.sleep(Duration.ofSeconds(seconds));
            return value;
        };
    }

    @Test
    void submitRunsTheWorkAsTasksAndGetWaitsInLoopTime() {
        SimResult<String> r = Simulation.run(1, () -> {
            ExecutorService ex = Loop.executor();
            Future<Integer> a = ex.submit(after(3, 1));
            Future<Integer> b = ex.submit(after(5, 2));
            int sum = a.get() + b.get();
            return sum + " at " + Loop.nanoTime() + ", in a task: " + ex.submit(() -> Loop.inLoop()).get();
        });
        assertThat(r.value()).isEqualTo("3 at 5000000000, in a task: true");
    }

    @Test
    void inRealModeACompletableFutureChainOnTheExecutorRunsAsTasks() {
        String v = Loop.run(() -> {
            ExecutorService ex = Loop.executor();
            java.util.concurrent.CompletableFuture<Integer> a = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> Loop.currentTask().name().startsWith("task-") ? 20 : 0, ex)
                    .thenApplyAsync(x -> x + 1, ex);
            java.util.concurrent.CompletableFuture<Integer> b = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> 21, ex);
            return a.thenCombine(b, (x, y) -> x + y).get() + " " + Loop.inLoop();
        });
        assertThat(v).isEqualTo("42 true");
    }

    @Test
    void theDeterminismCheckFindsOneRunPerSeedThroughExecutorsFuturesAndFactoryThreads() {
        SimResult<Integer> r = Simulation.builder().seed(3).checkDeterminism(true).run(() -> {
            ExecutorService ex = Loop.executor();
            int[] shared = {0};
            java.util.concurrent.CompletableFuture<Integer> chain = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> shared[0]++, ex).thenApplyAsync(x -> x + shared[0]++, ex);
            try (ExecutorService threads = java.util.concurrent.Executors.newThreadPerTaskExecutor(
                    Loop.threadFactory())) {
                threads.submit(() -> {
                    Thread.yield();
                    shared[0] += 10;
                });
            }
            return chain.join() * 100 + shared[0];
        });
        assertThat(r.failed()).as(String.valueOf(r.failure())).isFalse();
    }

    @Test
    void aSubmittedFailureStaysInItsFutureAndAnExecutedOneFailsTheGroup() {
        SimResult<Object> r = Simulation.run(1, () -> {
            ExecutorService ex = Loop.executor();
            Future<Object> f = ex.submit(() -> {
                throw new IllegalArgumentException("in the future");
            });
            assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(IllegalArgumentException.class).hasMessage("in the future");
            assertThat(f.state()).isEqualTo(Future.State.FAILED);
            return TaskGroup.with(tg -> {
                tg.executor().execute(() -> {
                    throw new IllegalStateException("executed");
                });
                Loop.sleep(Duration.ofSeconds(1));
                return "not reached";
            });
        });
        assertThat(r.failure()).isInstanceOf(IllegalStateException.class).hasMessage("executed");
        assertThat(r.virtualTime()).isEqualTo(Duration.ZERO);
    }

    @Test
    void invokeAllAndInvokeAnyRunEveryCallableAsATask() {
        SimResult<String> r = Simulation.run(1, () -> {
            ExecutorService ex = Loop.executor();
            List<Integer> all = new ArrayList<>();
            for (Future<Integer> f : ex.invokeAll(List.of(after(2, 1), after(1, 2), after(3, 3)))) {
                all.add(f.get());
            }
            long t1 = Loop.nanoTime();
            int any = ex.invokeAny(List.of(after(5, 10), after(4, 20)));
            return all + " at " + t1 + ", any " + any + " at " + Loop.nanoTime();
        });
        assertThat(r.value()).isEqualTo("[1, 2, 3] at 3000000000, any 20 at 7000000000");
        assertThat(r.virtualTime()).as("invokeAny cancelled the slower task").isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void aTimedInvokeAllTimesOutInLoopTimeAndCancelsWhatIsNotDone() {
        for (long seed = 1; seed <= 3; seed++) {
            SimResult<String> r = Simulation.run(seed, () -> {
                List<Future<Integer>> fs = Loop.executor().invokeAll(List.of(after(1, 1), after(10, 2)), 3,
                        TimeUnit.SECONDS);
                return fs.get(0).get() + ", " + fs.get(1).isCancelled() + " at " + Loop.nanoTime();
            });
            assertThat(r.value()).as("seed %s", seed).isEqualTo("1, true at 3000000000");
        }
    }

    /**
     * The JDK's timed invokeAny waits in a timed queue poll, on the real clock: a simulation failed
     * at that step as a timed wait outside simloop. It now counts loop time, as a timed get does.
     */
    @Test
    void aTimedInvokeAnyReturnsTheFirstValueOrTimesOutInLoopTimeAndCancelsTheRest() {
        for (long seed = 1; seed <= 3; seed++) {
            SimResult<String> r = Simulation.run(seed, () -> {
                ExecutorService ex = Loop.executor();
                int any = ex.invokeAny(List.of(after(5, 10), after(4, 20)), 6, TimeUnit.SECONDS);
                long t1 = Loop.nanoTime();
                try {
                    ex.invokeAny(List.of(after(10, 1), after(20, 2)), 3, TimeUnit.SECONDS);
                    return "no timeout";
                } catch (TimeoutException e) {
                    return "any " + any + " at " + t1 + "; " + e.getMessage() + " / " + Loop.nanoTime();
                }
            });
            assertThat(r.value()).as("seed %s: %s", seed, r.failure()).isEqualTo("any 20 at 4000000000; "
                    + "ExecutorService.invokeAny (Loop.executor()): no task had completed successfully after 3 seconds"
                    + " of loop time / 7000000000");
            assertThat(r.virtualTime()).as("the slower work was cancelled").isEqualTo(Duration.ofSeconds(7));
        }
        SimResult<Object> allFailed = Simulation.run(1, () -> Loop.executor().invokeAny(List.<Callable<Object>>of(() -> {
            Loop.sleep(Duration.ofSeconds(1));
            throw new IllegalStateException("no value");
        }), 5, TimeUnit.SECONDS));
        assertThat(allFailed.failure()).isInstanceOf(dev.simloop.TaskFailedException.class)
                .cause().isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(IllegalStateException.class).hasMessage("no value");
        assertThat(allFailed.virtualTime()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void inRealModeATimedInvokeAnyTimesOutAndCancelsTheWork() {
        String v = Loop.run(() -> {
            ExecutorService ex = Loop.executor();
            String first = ex.invokeAny(List.of(() -> "now", () -> {
                Loop.sleep(Duration.ofHours(1));
                return "later";
            }), 1, TimeUnit.HOURS);
            try {
                ex.invokeAny(List.of(() -> {
                    Loop.sleep(Duration.ofHours(1)); // cancelled: else the run would wait for it
                    return "never";
                }), 10, TimeUnit.MILLISECONDS);
                return "no timeout";
            } catch (TimeoutException e) {
                return first + ", then " + e.getMessage();
            }
        });
        assertThat(v).isEqualTo("now, then ExecutorService.invokeAny (Loop.executor()): no task had completed"
                + " successfully after 10 milliseconds of loop time");
    }

    /**
     * The caller's cancel reaches a Future.get() as {@link Cancelled}, a CancellationException, which
     * the JDK's invokeAll takes for a cancelled future's and swallows: invokeAll returned futures
     * still running, left their work running, and the scope that was cancelled went on as if its
     * deadline had not passed. The cancel is now raised there, and the work that is not done is
     * cancelled, as the JDK's invokeAll does when its caller is interrupted.
     */
    @Test
    void aCancelWhileInvokeAllWaitsIsRaisedAndCancelsTheWorkNotSwallowed() {
        SimResult<String> r = Simulation.run(1, () -> {
            ExecutorService ex = Loop.executor();
            List<String> log = new ArrayList<>();
            Optional<?> untimed = CancelScope.moveOnAfter(Duration.ofSeconds(1),
                    () -> ex.invokeAll(List.of(logged(log, after(5, 1)), logged(log, after(7, 2)))));
            Optional<?> timed = CancelScope.moveOnAfter(Duration.ofSeconds(1),
                    () -> ex.invokeAll(List.of(logged(log, after(5, 1)), logged(log, after(7, 2))), 1, TimeUnit.DAYS));
            ex.close();
            return untimed + " " + timed + " " + log + ", closed at " + Loop.nanoTime();
        });
        assertThat(r.value()).as("%s", r.failure()).isEqualTo("Optional.empty Optional.empty [cancelled at 1000000000,"
                + " cancelled at 1000000000, cancelled at 2000000000, cancelled at 2000000000], closed at 2000000000");
    }

    @Test
    void inRealModeACancelWhileInvokeAllWaitsIsRaisedAndCancelsTheWork() {
        String v = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Loop.run(() -> {
            ExecutorService ex = Loop.executor();
            Optional<List<String>> states = CancelScope.moveOnAfter(Duration.ofMillis(20), () -> ex.invokeAll(List.of(
                    () -> "now", () -> {
                        Loop.sleep(Duration.ofSeconds(5)); // cancelled: else the run would wait for it
                        return "later";
                    })).stream().map(f -> f.state().toString()).toList());
            ex.close();
            return states.toString();
        }));
        assertThat(v).isEqualTo("Optional.empty");
    }

    /**
     * The JDK's invokeAny waits in its completion queue, a JDK wait that the caller's cancel
     * interrupts: a cancelled caller got an InterruptedException, where invokeAll and the timed
     * invokeAny raise Cancelled, as the docs say of both. The cancel is now raised as Cancelled, and
     * the work is cancelled as before.
     */
    @Test
    void aCancelWhileInvokeAnyWaitsIsRaisedAsCancelledAndCancelsTheWork() {
        for (long seed = 1; seed <= 3; seed++) {
            SimResult<String> r = Simulation.run(seed, () -> {
                ExecutorService ex = Loop.executor();
                List<String> log = new ArrayList<>();
                Optional<Integer> v = CancelScope.moveOnAfter(Duration.ofSeconds(1), () -> {
                    try {
                        return ex.invokeAny(List.of(logged(log, after(5, 1)), logged(log, after(7, 2))));
                    } catch (Exception e) {
                        log.add("invokeAny threw " + e.getClass().getSimpleName() + " at " + Loop.nanoTime());
                        throw e;
                    }
                });
                ex.close();
                return v + " " + log + ", closed at " + Loop.nanoTime();
            });
            assertThat(r.value()).as("seed %s: %s", seed, r.failure()).isEqualTo("Optional.empty [invokeAny threw"
                    + " Cancelled at 1000000000, cancelled at 1000000000, cancelled at 1000000000],"
                    + " closed at 1000000000");
        }
    }

    @Test
    void inRealModeACancelWhileInvokeAnyWaitsIsRaisedAsCancelled() {
        String v = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Loop.run(() -> {
            ExecutorService ex = Loop.executor();
            List<String> thrown = new ArrayList<>();
            Optional<String> value = CancelScope.moveOnAfter(Duration.ofMillis(20), () -> {
                try {
                    return ex.invokeAny(List.of(() -> {
                        Loop.sleep(Duration.ofSeconds(5)); // cancelled: else the run would wait for it
                        return "later";
                    }));
                } catch (Exception e) {
                    thrown.add(e.getClass().getSimpleName());
                    throw e;
                }
            });
            ex.close();
            return value + " " + thrown;
        }));
        assertThat(v).isEqualTo("Optional.empty [Cancelled]");
    }

    /**
     * A Future.get() is a checkpoint, so the caller's cancel is raised there even when the future is
     * done; the JDK's invokeAny caught it as the work's failure. When the work ended at the instant
     * the caller's deadline passed, invokeAny threw an ExecutionException caused by the caller's
     * own Cancelled (on about half the seeds): neither the value nor the time-out.
     */
    @Test
    void invokeAnyWhoseWorkEndsAsTheCallersDeadlinePassesGivesTheValueOrTheTimeOutNeverAFailure() {
        for (long seed = 1; seed <= 30; seed++) {
            SimResult<String> r = Simulation.run(seed, () -> {
                ExecutorService ex = Loop.executor();
                Optional<Integer> untimed = CancelScope.moveOnAfter(Duration.ofSeconds(1),
                        () -> ex.invokeAny(List.of(after(1, 7))));
                String timed;
                try {
                    timed = String.valueOf(ex.invokeAny(List.of(after(1, 8)), 1, TimeUnit.SECONDS));
                } catch (TimeoutException e) {
                    timed = "timed out";
                }
                return untimed + ", " + timed;
            });
            assertThat(r.failure()).as("seed %s", seed).isNull();
            assertThat(r.value()).as("seed %s", seed)
                    .matches("(Optional\\[7\\]|Optional\\.empty), (8|timed out)");
        }
    }

    private static <T> Callable<T> logged(List<String> log, Callable<T> work) {
        return () -> {
            try {
                return work.call();
            } catch (Cancelled c) {
                log.add("cancelled at " + Loop.nanoTime());
                throw c;
            }
        };
    }

    @Test
    void aTimedGetTimesOutInLoopTime() {
        SimResult<String> r = Simulation.run(1, () -> {
            ExecutorService ex = Loop.executor();
            Future<Integer> f = ex.submit(after(10, 1));
            try {
                f.get(4, TimeUnit.SECONDS);
                return "no timeout";
            } catch (TimeoutException e) {
                return e.getMessage() + " / " + Loop.nanoTime() + " / then " + f.get() + " at " + Loop.nanoTime();
            }
        });
        assertThat(r.value()).isEqualTo("Future.get (Loop.executor()): not done after 4 seconds of loop time "
                + "/ 4000000000 / then 1 at 10000000000");
    }

    /**
     * A fixed pool's worker ignores the interrupt its cancel sends while the pool is not shut down,
     * so a failing group waits for it forever: the deadlock report keeps the group's failure.
     */
    @Test
    void aGroupFailingWhileItWaitsForAPoolWorkerKeepsItsFailureInTheDeadlockReport() {
        SimResult<Object> r = Simulation.run(1, () -> {
            ExecutorService pool = Executors.newFixedThreadPool(2, Loop.threadFactory());
            try {
                return TaskGroup.with(tg -> {
                    tg.spawn("failing", () -> {
                        Loop.sleep(Duration.ofMillis(100));
                        throw new IllegalStateException("the real failure");
                    });
                    return pool.submit(() -> {
                        Loop.sleep(Duration.ofSeconds(1));
                        return 1;
                    }).get();
                });
            } finally {
                pool.shutdown();
            }
        });
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class).hasMessageContaining("waits for its task group to"
                + " finish (1 task still running), failing with java.lang.IllegalStateException: the real failure"
                + " (rethrown once they end)");
        assertThat(r.failure().getSuppressed()).hasSize(1);
        assertThat(r.failure().getSuppressed()[0]).isInstanceOf(IllegalStateException.class)
                .hasMessage("the real failure");
    }

    @Test
    void anExecutorKeptPastItsGroupRejectsWorkAsTheExecutorContractSays() {
        SimResult<String> r = Simulation.run(1, () -> {
            ExecutorService[] kept = new ExecutorService[1];
            TaskGroup.with(tg -> {
                kept[0] = tg.executor();
                return null;
            });
            assertThatThrownBy(() -> kept[0].submit(after(1, 2))).isInstanceOf(RejectedExecutionException.class)
                    .hasMessage("ExecutorService.execute (TaskGroup.executor()): the task group the executor runs its"
                            + " work in has finished, so it takes no more work; keep the executor no longer than its"
                            + " group, or use the TaskGroup.executor() of a group that is still open");
            return "rejected";
        });
        assertThat(r.value()).isEqualTo("rejected");
    }

    @Test
    void shutdownRejectsNewWorkAndAwaitTerminationWaitsInLoopTime() {
        SimResult<String> r = Simulation.run(1, () -> {
            ExecutorService ex = Loop.executor();
            ex.submit(after(6, 1));
            ex.shutdown();
            assertThatThrownBy(() -> ex.submit(after(1, 2))).isInstanceOf(RejectedExecutionException.class)
                    .hasMessageStartingWith("ExecutorService.execute (Loop.executor()): the executor has been shut down");
            boolean early = ex.awaitTermination(2, TimeUnit.SECONDS);
            long t = Loop.nanoTime();
            boolean late = ex.awaitTermination(1, TimeUnit.DAYS);
            return early + " at " + t + ", " + late + " at " + Loop.nanoTime() + ", terminated " + ex.isTerminated();
        });
        assertThat(r.value()).isEqualTo("false at 2000000000, true at 6000000000, terminated true");
    }

    @Test
    void shutdownNowCancelsEveryRunningTask() {
        SimResult<String> r = Simulation.run(1, () -> {
            ExecutorService ex = Loop.executor();
            Future<Integer> f = ex.submit(after(100, 1));
            List<String> log = new ArrayList<>();
            ex.execute(() -> {
                try {
                    Loop.sleep(Duration.ofSeconds(100));
                } catch (Cancelled c) {
                    log.add("cancelled at " + Loop.nanoTime());
                    throw c;
                }
            });
            Loop.sleep(Duration.ofSeconds(1));
            List<Runnable> unstarted = ex.shutdownNow();
            ex.close();
            return log + " " + unstarted + " " + f.isCancelled() + " at " + Loop.nanoTime();
        });
        assertThat(r.value()).isEqualTo("[cancelled at 1000000000] [] true at 1000000000");
    }

    @Test
    void closeWaitsForEveryTask() {
        SimResult<Long> r = Simulation.run(1, () -> {
            try (ExecutorService ex = Loop.executor()) {
                ex.submit(after(7, 1));
                ex.execute(() -> Loop.sleep(Duration.ofSeconds(3)));
            }
            return Loop.nanoTime();
        });
        assertThat(r.value()).isEqualTo(7_000_000_000L);
    }

    private static final String CLOSE_FROM_OWN_TASK = "ExecutorService.close (Loop.executor()): the calling task"
            + " 'task-1' is one of this executor's own tasks, and close waits for every one of them to end, this one"
            + " too, so it could never return; call shutdown() there, and close the executor in the task that made it";

    /**
     * A close() from one of the executor's own tasks waits for that task to end: a simulation failed
     * with a deadlock whose report said the Event 'executor terminated' needed a call to set(), and
     * a real loop with other work going on hung without a word. The close is refused at once, before
     * anything changes.
     */
    @Test
    void aCloseFromOneOfTheExecutorsOwnTasksIsRefusedWhereItWouldWaitForItself() {
        SimResult<String> r = Simulation.run(1, () -> {
            ExecutorService ex = Loop.executor();
            Future<String> f = ex.submit(() -> {
                ex.close();
                return "closed";
            });
            String thrown = "";
            try {
                f.get();
            } catch (ExecutionException e) {
                thrown = e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage();
            }
            boolean shutAfterRefusal = ex.isShutdown();
            ex.close(); // from the task that made it: waits for its tasks as ever
            return thrown + " / shut down after the refusal: " + shutAfterRefusal + ", then: " + ex.isTerminated();
        });
        assertThat(r.value()).as("%s", r.failure()).isEqualTo("IllegalStateException: " + CLOSE_FROM_OWN_TASK
                + " / shut down after the refusal: false, then: true");
    }

    @Test
    void inRealModeACloseFromOneOfTheExecutorsOwnTasksIsRefusedWhileOtherWorkGoesOn() {
        String v = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Loop.run(() -> TaskGroup.with(tg -> {
            ExecutorService ex = Loop.executor(); // its first task is task-1
            Future<String> f = ex.submit(() -> {
                ex.close();
                return "closed";
            });
            AtomicBoolean stop = new AtomicBoolean();
            tg.spawn(() -> {
                while (!stop.get()) { // other work, so no deadlock would be seen
                    Loop.sleep(Duration.ofMillis(5));
                }
            });
            try {
                return f.get().toString();
            } catch (ExecutionException e) {
                return e.getCause().getMessage();
            } finally {
                stop.set(true);
                ex.close();
            }
        })));
        assertThat(v).isEqualTo(CLOSE_FROM_OWN_TASK);
    }

    @Test
    void aCancelledCloseCancelsTheTasksAndWaitsForThem() {
        SimResult<String> r = Simulation.run(1, () -> {
            List<String> log = new ArrayList<>();
            try {
                TaskGroup.withTimeout(Duration.ofSeconds(2), tg -> {
                    try (ExecutorService ex = Loop.executor()) {
                        ex.execute(() -> {
                            try {
                                Loop.sleep(Duration.ofSeconds(50));
                            } finally {
                                log.add("task ended at " + Loop.nanoTime());
                            }
                        });
                    } finally {
                        log.add("close ended at " + Loop.nanoTime());
                    }
                    return null;
                });
                return "not timed out";
            } catch (dev.simloop.DeadlineExceeded e) {
                return log.toString();
            }
        });
        assertThat(r.value()).isEqualTo("[task ended at 2000000000, close ended at 2000000000]");
    }

    @Test
    void futureCancelCancelsItsTask() {
        SimResult<String> r = Simulation.run(1, () -> {
            ExecutorService ex = Loop.executor();
            List<String> log = new ArrayList<>();
            Future<Integer> f = ex.submit(() -> {
                try {
                    Loop.sleep(Duration.ofSeconds(9));
                    return 1;
                } catch (Cancelled c) {
                    log.add("task cancelled at " + Loop.nanoTime());
                    throw c;
                }
            });
            Loop.sleep(Duration.ofSeconds(1));
            boolean cancelled = f.cancel(true);
            assertThatThrownBy(f::get).isInstanceOf(CancellationException.class).isNotInstanceOf(Cancelled.class)
                    .hasMessage("Future.get (Loop.executor()): the work was cancelled");
            ex.close();
            return cancelled + " " + f.state() + " " + log;
        });
        assertThat(r.value()).isEqualTo("true CANCELLED [task cancelled at 1000000000]");
    }

    @Test
    void nullArgumentsAreRejectedNamingTheCallAndTheArgument() {
        SimResult<List<String>> r = Simulation.run(1, () -> {
            ExecutorService ex = Loop.executor();
            List<String> messages = new ArrayList<>();
            List<Runnable> calls = List.of(
                    () -> ex.execute(null),
                    () -> ex.submit((Runnable) null),
                    () -> ex.submit((Callable<Integer>) null),
                    () -> ex.submit(null, 1),
                    () -> call(() -> ex.invokeAll(null)),
                    () -> call(() -> ex.invokeAll(java.util.Arrays.asList(after(1, 1), null))),
                    () -> call(() -> ex.invokeAny(null)),
                    () -> call(() -> ex.invokeAll(List.of(after(1, 1)), 1, null)),
                    () -> call(() -> ex.awaitTermination(1, null)),
                    () -> Loop.threadFactory().newThread(null));
            for (Runnable c : calls) {
                try {
                    c.run();
                    messages.add("no exception");
                } catch (NullPointerException e) {
                    messages.add(e.getMessage());
                }
            }
            return messages;
        });
        assertThat(r.value()).containsExactly(
                "ExecutorService.execute (Loop.executor()): command",
                "ExecutorService.submit (Loop.executor()): task",
                "ExecutorService.submit (Loop.executor()): task",
                "ExecutorService.submit (Loop.executor()): task",
                "ExecutorService.invokeAll (Loop.executor()): tasks",
                "ExecutorService.invokeAll (Loop.executor()): an element of tasks",
                "ExecutorService.invokeAny (Loop.executor()): tasks",
                "ExecutorService.invokeAll (Loop.executor()): unit",
                "ExecutorService.awaitTermination (Loop.executor()): unit",
                "ThreadFactory.newThread (Loop.threadFactory()): r");
    }

    /**
     * Inside Loop.runSync, where spawning and waiting are refused, the executor's calls were named
     * by the runtime's frames ("LoopExecutor.submit blocks", "LoopExecutor$TaskFuture.get blocks"),
     * classes the user never sees, and a refused close() had shut the executor down first. Each is
     * now named as the call the user made, and close() is refused before anything changes.
     */
    @Test
    void callsThatSpawnOrWaitInRunSyncAreRefusedNamingTheCallMade() {
        SimResult<List<String>> r = Simulation.run(1, () -> {
            ExecutorService ex = Loop.executor();
            Future<Integer> f = ex.submit(() -> 1);
            List<String> refused = new ArrayList<>();
            for (Callable<?> c : List.<Callable<?>>of(() -> ex.submit(() -> 1), () -> {
                ex.execute(() -> { });
                return null;
            }, f::get, () -> f.get(1, TimeUnit.SECONDS), () -> ex.invokeAll(List.of(() -> 1)),
                    () -> ex.invokeAny(List.of(() -> 1), 1, TimeUnit.SECONDS),
                    () -> ex.awaitTermination(1, TimeUnit.SECONDS), () -> {
                        ex.close();
                        return null;
                    }, () -> java.util.concurrent.CompletableFuture.supplyAsync(() -> 1, ex))) {
                try {
                    Loop.runSync(c::call);
                    refused.add("accepted");
                } catch (dev.simloop.SynchronousBlockingException e) {
                    refused.add(e.getMessage().substring(0, e.getMessage().indexOf(" blocks, but it was called inside"
                            + " Loop.runSync")));
                }
            }
            refused.add("shut down: " + ex.isShutdown());
            ex.close();
            refused.add("then " + f.get());
            return refused;
        });
        assertThat(r.value()).containsExactly("ExecutorService.submit (Loop.executor())",
                "ExecutorService.execute (Loop.executor())", "Future.get (Loop.executor())",
                "Future.get (Loop.executor())", "ExecutorService.invokeAll (Loop.executor())",
                "ExecutorService.invokeAny (Loop.executor())", "ExecutorService.awaitTermination (Loop.executor())",
                "ExecutorService.close (Loop.executor())", "ExecutorService.execute (Loop.executor())",
                "shut down: false", "then 1");
    }

    private static void call(Callable<?> c) {
        try {
            c.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /**
     * An awaitTermination of an executor that nothing shuts down can never return: the deadlock
     * report said it needed "a call to set()" of an Event 'executor terminated' that the user cannot
     * see. It names the termination and what starts it.
     */
    @Test
    void anAwaitTerminationWithoutAShutdownIsADeadlockThatNamesTheShutdownItWaitsFor() {
        SimResult<Object> r = Simulation.run(1, () -> {
            ExecutorService ex = Loop.executor();
            ex.submit(() -> 1).get();
            return ex.awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
        });
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class).hasMessageContaining("task 'main' waits for Event"
                + " 'the termination of the ExecutorService of Loop.executor(), which comes once it is shut down"
                + " (shutdown(), shutdownNow() or close(), which awaitTermination does not call) and its last task"
                + " has ended' (not set, 1 waiting)");
    }

    /**
     * ExecutorService.close() of a terminated executor is a no-op, and so are shutdown, shutdownNow
     * and awaitTermination: from outside the loop (the test after the run) they threw an
     * IllegalStateException ("must be called from a simloop task") although there was nothing to do.
     * So is an executor nobody shut down, once its run is over: no task of it runs and none can start,
     * which is all termination means. Before, its close() after the run threw that same exception,
     * and so did JUnit's close of an {@code @AutoClose} field that held it.
     */
    @Test
    void aTerminatedExecutorsCloseShutdownAndAwaitTerminationFromOutsideTheLoopDoNothing() throws Exception {
        ExecutorService[] kept = new ExecutorService[2];
        Simulation.run(1, () -> {
            kept[0] = Loop.executor();
            kept[0].submit(() -> 1).get();
            kept[0].close();
            kept[1] = Loop.executor();
            kept[1].submit(() -> 1).get();
            return null;
        }).value();
        ExecutorService ex = kept[0];
        ex.close();
        ex.shutdown();
        assertThat(ex.shutdownNow()).isEmpty();
        assertThat(ex.awaitTermination(1, TimeUnit.SECONDS)).isTrue();
        assertThat(ex.isShutdown()).isTrue();
        assertThat(ex.isTerminated()).isTrue();
        ExecutorService notShutDown = kept[1];
        assertThat(notShutDown.isShutdown()).isTrue();
        assertThat(notShutDown.isTerminated()).isTrue();
        notShutDown.close();
        notShutDown.shutdown();
        assertThat(notShutDown.shutdownNow()).isEmpty();
        assertThat(notShutDown.awaitTermination(0, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> notShutDown.submit(() -> 2)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("ExecutorService.submit (Loop.executor()) must be called from a simloop task");
        // a terminated executor of an earlier run, closed from a task of a later one: nothing to do either
        Simulation.run(2, () -> {
            ex.close();
            ex.shutdown();
            return ex.awaitTermination(0, TimeUnit.SECONDS);
        }).value();
    }

    /**
     * A task outside a group, handed the group's executor, that waits in awaitTermination while the
     * group finishes without a shutdown: the group's end terminates the executor, so the wait ends
     * there and returns true. Before, isTerminated() read true while the waiter slept on until its
     * time-out (here the day, at which it returned false).
     */
    @Test
    void anAwaitTerminationFromOutsideTheGroupEndsWhenTheGroupFinishes() {
        SimResult<String> r = Simulation.run(1, () -> {
            ExecutorService[] handed = new ExecutorService[1];
            Event ready = new Event();
            String[] seen = new String[1];
            TaskGroup.with(outer -> {
                outer.spawn("waiter", () -> {
                    ready.await();
                    boolean terminated = handed[0].awaitTermination(1, TimeUnit.DAYS);
                    seen[0] = terminated + " at " + Loop.nanoTime() + ", isTerminated " + handed[0].isTerminated();
                });
                TaskGroup.with(inner -> {
                    handed[0] = inner.executor();
                    handed[0].submit(after(3, 1));
                    ready.set();
                    return null;
                });
                return null;
            });
            return seen[0];
        });
        assertThat(r.value()).isEqualTo("true at 3000000000, isTerminated true");
    }

    @Test
    void aGetThatCanNeverReturnIsADeadlockThatNamesTheFuture() {
        SimResult<Object> r = Simulation.run(1, () -> {
            ExecutorService ex = Loop.executor();
            Future<?>[] other = new Future<?>[1];
            Future<Object> a = ex.submit(() -> other[0].get());
            other[0] = ex.submit(() -> a.get());
            return a.get();
        });
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class).hasMessageContaining(
                "task 'main' waits for Event 'future of task-1' (not set, 2 waiting)");
    }

    /** @return for each call, the message of the IllegalStateException it threw, or "accepted" */
    private static List<String> refusals(List<Callable<Object>> calls) throws Exception {
        List<String> messages = new ArrayList<>();
        for (Callable<Object> call : calls) {
            try {
                call.call();
                messages.add("accepted");
            } catch (IllegalStateException e) {
                messages.add(e.getMessage());
            }
        }
        return messages;
    }

    /** Misuse from outside the executor's loop names the call the user made, and the way out. */
    @Test
    void workFromOutsideItsLoopIsRefusedNamingTheCallMade() {
        ExecutorService ofA = Simulation.run(1, Loop::executor).value();
        assertThatThrownBy(() -> ofA.submit(() -> 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("ExecutorService.submit (Loop.executor()) must be called from a simloop task, but"
                        + " the calling thread");
        SimResult<List<String>> b = Simulation.run(2, () -> refusals(List.of(() -> ofA.submit(() -> 1),
                () -> ofA.invokeAll(List.of(() -> 1)), () -> {
                    ofA.execute(() -> { });
                    return null;
                })));
        String rest = ": this executor belongs to another loop than the calling task 'main', and a loop's executor"
                + " takes work from that loop's own tasks; use Loop.executor() of the loop that is to run the work, from"
                + " one of its tasks";
        assertThat(b.value()).containsExactly("ExecutorService.submit (Loop.executor())" + rest,
                "ExecutorService.invokeAll (Loop.executor())" + rest, "ExecutorService.execute (Loop.executor())" + rest);
        // shutting down or waiting for an executor whose run goes on (a real loop's, on a thread of its own)
        // too, each named as the call made; once a run is over, they have nothing to do (the test above)
        java.util.concurrent.CompletableFuture<ExecutorService> made = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<Void> end = new java.util.concurrent.CompletableFuture<>();
        Thread realLoop = Thread.ofPlatform().start(() -> Loop.run(() -> {
            made.complete(Loop.executor());
            return end.join();
        }));
        try {
            ExecutorService live = made.join();
            assertThatThrownBy(live::close).hasMessageStartingWith("ExecutorService.close (Loop.executor()) must be"
                    + " called from a simloop task");
            SimResult<List<String>> c = Simulation.run(3, () -> refusals(List.of(() -> {
                live.shutdown();
                return null;
            }, live::shutdownNow, () -> live.awaitTermination(1, java.util.concurrent.TimeUnit.SECONDS))));
            assertThat(c.value()).containsExactly("ExecutorService.shutdown (Loop.executor())" + rest,
                    "ExecutorService.shutdownNow (Loop.executor())" + rest,
                    "ExecutorService.awaitTermination (Loop.executor())" + rest);
            assertThat(live.isShutdown()).as("nothing accepted").isFalse();
        } finally {
            end.complete(null);
        }
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> realLoop.join());
    }

    private static final String OUTSIDE = " must be called from a simloop task, but the calling thread, thread '";

    /** What {@code call} threw on a platform thread of its own, named {@code name}: its message, else "accepted". */
    private static String onThread(String name, Callable<?> call) throws InterruptedException {
        AtomicReference<String> seen = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name(name).start(() -> {
            try {
                call.call();
                seen.set("accepted");
            } catch (Exception e) {
                seen.set(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        });
        t.join();
        return seen.get();
    }

    /**
     * A cancel from a thread outside the loop marked the future cancelled and only then failed in
     * Event.set, a call the user did not make: the task waiting in get() was never woken (a
     * deadlock), and the work's value was lost. It is refused before anything changes.
     */
    @Test
    void aFutureCancelFromAThreadOutsideTheLoopIsRefusedAndLeavesTheFutureAsItWas() {
        SimResult<String> r = Simulation.run(1, () -> {
            ExecutorService ex = Loop.executor();
            Event go = new Event("go");
            Future<Integer> f = ex.submit(() -> {
                go.await();
                return 7;
            });
            Future<Integer> waiter = ex.submit(() -> f.get());
            Loop.waitAllTasksBlocked(); // the waiter waits in f.get()
            String refused = Loop.toThread(() -> onThread("my-thread", () -> f.cancel(true)));
            String before = f.state() + " " + f.isDone() + " " + f.isCancelled();
            go.set();
            return refused + " | " + before + " | " + waiter.get() + " " + f.state();
        });
        assertThat(r.failure()).isNull();
        assertThat(r.value()).startsWith("IllegalStateException: Future.cancel (Loop.executor())" + OUTSIDE + "my-thread'")
                .contains("wake one of its tasks: complete a CompletableFuture, or count down a CountDownLatch, that the"
                        + " task waits on.")
                .endsWith(" | RUNNING false false | 7 SUCCESS");
    }

    /** The same under Loop.run, from a thread the test starts while the loop runs, and after the run. */
    @Test
    void inRealModeAFutureCancelFromAThreadOutsideTheLoopIsRefused() throws Exception {
        AtomicReference<Future<Integer>> kept = new AtomicReference<>();
        String v = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Loop.run(() -> {
            ExecutorService ex = Loop.executor();
            Event go = new Event("go");
            Future<Integer> f = ex.submit(() -> {
                go.await();
                return 7;
            });
            kept.set(f);
            String refused = Loop.toThread(() -> onThread("http-1", () -> f.cancel(false)));
            String before = f.state().toString();
            go.set();
            return refused + " | " + before + " | " + f.get() + " " + f.state();
        }));
        assertThat(v).startsWith("IllegalStateException: Future.cancel (Loop.executor())" + OUTSIDE + "http-1'")
                .endsWith(" | RUNNING | 7 SUCCESS");
        assertThat(onThread("after-the-run", () -> kept.get().cancel(true)))
                .startsWith("IllegalStateException: Future.cancel (Loop.executor())" + OUTSIDE + "after-the-run'");
        assertThat(kept.get().state()).isEqualTo(Future.State.SUCCESS);
        assertThat(kept.get().resultNow()).isEqualTo(7);
    }

    /**
     * The future's run() from a thread outside the loop ran the work there, kept its outcome and
     * then failed in Event.set: refused before the work runs.
     */
    @Test
    void aFutureRunFromAThreadOutsideTheLoopIsRefusedBeforeTheWorkRuns() {
        SimResult<String> r = Simulation.run(1, () -> {
            ExecutorService ex = Loop.executor();
            Event go = new Event("go");
            List<String> ran = new ArrayList<>();
            Future<Integer> f = ex.submit(() -> {
                ran.add(Thread.currentThread().getName());
                go.await();
                return 7;
            });
            Loop.waitAllTasksBlocked();
            String refused = Loop.toThread(() -> onThread("my-thread", () -> {
                ((RunnableFuture<Integer>) f).run();
                return null;
            }));
            String before = f.state() + " " + ran.size();
            go.set();
            return refused + " | " + before + " | " + f.get() + " " + f.state();
        });
        assertThat(r.value()).startsWith("IllegalStateException: Future.run (Loop.executor())" + OUTSIDE + "my-thread'")
                .endsWith(" | RUNNING 1 | 7 SUCCESS");
    }

    /** Run again (by a task calling run() itself) while its task runs it, the work ran twice at once. */
    @Test
    void aFuturesWorkRunsOnceEvenWhenATaskCallsRunWhileItRuns() {
        SimResult<String> r = Simulation.run(1, () -> {
            ExecutorService ex = Loop.executor();
            int[] runs = new int[1];
            Future<Integer> f = ex.submit(() -> {
                runs[0]++;
                Loop.sleep(Duration.ofSeconds(1));
                return runs[0];
            });
            Loop.waitAllTasksBlocked(); // the work is running, asleep
            ((RunnableFuture<Integer>) f).run(); // as FutureTask: a no-op, the work has started
            return f.get() + " " + runs[0] + " at " + Loop.nanoTime();
        });
        assertThat(r.value()).isEqualTo("1 1 at 1000000000");
    }

    /** A future kept from an earlier run, cancelled by a task of another loop: refused, naming the call. */
    @Test
    void aFutureCancelFromAnotherLoopIsRefusedAndLeavesTheFutureAsItWas() {
        Future<Integer> ofA = Simulation.run(1, () -> {
            Future<Integer> f = Loop.executor().submit(() -> 1);
            f.get();
            return f;
        }).value();
        SimResult<String> b = Simulation.run(2, () -> refusals(List.of(() -> ofA.cancel(true))).get(0));
        assertThat(b.value()).isEqualTo("Future.cancel (Loop.executor()): this future belongs to another loop, whose"
                + " run has ended, than the calling task 'main'; use it from its own loop's tasks only (keep no task,"
                + " group or scope of a run, in a static field or a test fixture, for later runs)");
        assertThat(ofA.state()).isEqualTo(Future.State.SUCCESS);
    }

    /**
     * Guards that a future's isDone, isCancelled and state may be polled from a thread outside the
     * loop, as Task.isDone: a plain read may be hoisted out of the polling loop once compiled.
     */
    @Test
    void aThreadOutsideTheLoopThatPollsAFuturesIsDoneSeesItEnd() throws Exception {
        AtomicReference<Future<?>> published = new AtomicReference<>();
        AtomicBoolean cancelledSeen = new AtomicBoolean();
        Thread poller = new Thread(() -> {
            Future<?> f;
            while ((f = published.get()) == null) {
                Thread.onSpinWait();
            }
            while (!f.isDone()) {
                // nothing in the loop's body: a read that is not an acquire is hoisted out of it
            }
            cancelledSeen.set(f.isCancelled() && f.state() == Future.State.CANCELLED);
        }, "future-poller");
        poller.setDaemon(true); // if the read regresses it spins for ever: do not keep the JVM alive
        poller.start();
        Loop.run(() -> {
            ExecutorService ex = Loop.executor();
            Future<Integer> f = ex.submit(() -> {
                Loop.sleep(Duration.ofSeconds(1)); // long enough for the poller's loop to be compiled
                return 1;
            });
            published.set(f);
            Loop.sleep(Duration.ofMillis(500));
            f.cancel(true);
            ex.close();
            return null;
        });
        poller.join(Duration.ofSeconds(20));
        assertThat(poller.isAlive()).as("the poller still spins: it never saw the future end").isFalse();
        assertThat(cancelledSeen).as("the cancel, written before the end, is seen with it").isTrue();
    }
}
