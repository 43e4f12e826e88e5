package dev.simloop;

import dev.simloop.internal.Current;
import dev.simloop.internal.LoopStopper;
import dev.simloop.internal.Scheduler;
import dev.simloop.sync.Event;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;

/**
 * Multi-worker servers (aiotools' {@code start_server} with {@code num_workers}): {@code n} workers,
 * each set up by {@link WorkerBody#start(int)}, run until termination, then closed gracefully.
 *
 * <pre>{@code
 * Workers.run(4, index -> {
 *     ServerSocketChannel server = ServerSocketChannel.open();
 *     server.setOption(StandardSocketOptions.SO_REUSEPORT, true);   // every worker binds the same port
 *     server.bind(new InetSocketAddress(8888));
 *     PersistentTaskGroup conns = PersistentTaskGroup.open("conns-" + index);
 *     conns.spawn("acceptor", () -> { for (;;) { SocketChannel c = server.accept(); conns.spawn(null, () -> echo(c)); } });
 *     return () -> { conns.shutdown(); server.close(); };
 * });
 * }</pre>
 *
 * <p>Where the workers run: called outside any loop, each worker gets its own real-mode loop on its
 * own driver thread, so {@code n} workers use {@code n} cores. Called from a loop task (in
 * particular in a simulation) the workers are {@code n} task trees of that loop, named
 * {@code worker-i}: in a simulation they share one virtual clock and one schedule, so start-up and
 * shutdown races are explored and replayed like any other.
 *
 * <p>Termination: SIGINT or SIGTERM (real loops), {@link Handle#stop()}, an interrupt of the thread
 * waiting in {@link #run} or {@link Handle#join()} (real loops: it keeps its interrupt status), in a
 * loop a cancel of the caller of {@link #run} or an exception thrown into it ({@code Loop.taskTimeout},
 * {@link Task#interrupt}), or any worker failing (its {@code start} or its loop). Then each worker's
 * waiting ends and what its {@code start} returned is closed, shielded from cancellation; the
 * failures are thrown by {@link Handle#join()} (and {@link #run}), the first with the others suppressed.
 */
public final class Workers {
    private Workers() {
    }

    /** Sets up one worker. */
    @FunctionalInterface
    public interface WorkerBody {
        /**
         * Sets up worker {@code index} in its loop (open a server socket, spawn acceptors into a
         * {@link PersistentTaskGroup}, ...); runs in a task of that loop. A task it spawns into its
         * current group ({@link TaskGroup#current()}) is the worker's: termination cancels it, in a
         * loop as outside one (where that group is the root group of the worker's own loop). One it
         * spawns into {@link Loop#rootGroup()} is the loop's: in a loop, the caller's, so it outlives
         * the workers.
         *
         * @param index the worker's number, 0 to n-1
         * @return what to close when the worker terminates (graceful tear-down)
         * @throws Exception any failure, which terminates every worker
         */
        AutoCloseable start(int index) throws Exception;
    }

    /** Running workers: stop them, wait for them. */
    public static final class Handle {
        private final Runnable stop;
        private final Joiner joiner;
        /** The task that runs the workers in a loop; null for real-mode workers. */
        private final Task<?> inLoop;

        private Handle(Runnable stop, Joiner joiner, Task<?> inLoop) {
            this.stop = stop;
            this.joiner = joiner;
            this.inLoop = inLoop;
        }

        /**
         * Asks every worker to terminate; returns at once. Idempotent. For workers in a loop, call
         * it from a task of that loop; for real-mode workers, from any thread.
         */
        public void stop() {
            stop.run();
        }

        /**
         * Waits until every worker has terminated and closed.
         *
         * @throws RuntimeException the first worker failure, the others suppressed
         * @throws IllegalStateException when called from a task of one of the real-mode workers' own
         *     loops, which would wait for itself (call {@link #stop()} there instead)
         */
        public void join() {
            joiner.join();
        }
    }

    private interface Joiner {
        void join();
    }

    /**
     * Starts {@code n} workers, waits until termination (a signal, or a failure; in a loop, also a
     * cancel of the caller or an exception thrown into it), and returns when all have closed.
     *
     * @param n the number of workers, at least 1
     * @param body sets up each worker
     * @throws RuntimeException the first worker failure, the others suppressed; in a loop, what
     *     was thrown into the caller (a closing failure suppressed), or the caller's {@link Cancelled}
     *     (a closing failure thrown instead, the cancel suppressed)
     */
    public static void run(int n, WorkerBody body) {
        Objects.requireNonNull(body, "Workers.run: body");
        Handle workers = start0("Workers.run", n, body);
        try {
            workers.join();
        } catch (RuntimeException | Error e) {
            if (!Loop.inLoop()) {
                throw e; // real-mode workers: join ends only once every worker has, and throws their failure
            }
            // In a loop the caller's cancel, or an exception thrown into its wait (a Loop.taskTimeout
            // that passed, Task.interrupt), is its only way to stop them (it has no handle): they
            // terminate and close, shielded, before it goes on. A failure of theirs that e is not
            // comes with it: a closing failure before a Cancelled, which a scope would otherwise catch
            workers.stop();
            throw Failures.rethrow(Failures.keepFirst(e, InLoop.joinShielded(workers)));
        }
    }

    /**
     * Starts {@code n} workers and returns once every {@code start} has returned (or one failed).
     *
     * @param n the number of workers, at least 1
     * @param body sets up each worker
     * @return the handle to stop and join them
     * @throws RuntimeException when a worker's start failed (after stopping and joining the others)
     * @throws Cancelled when, in a loop, the caller was cancelled while the workers started (after
     *     the ones that had started closed; a closing failure is thrown instead, the cancel suppressed);
     *     likewise what was thrown into the caller then (a {@code Loop.taskTimeout} that passed), a
     *     closing failure suppressed
     */
    public static Handle start(int n, WorkerBody body) {
        Objects.requireNonNull(body, "Workers.start: body");
        return start0("Workers.start", n, body);
    }

    private static Handle start0(String call, int n, WorkerBody body) {
        if (n < 1) {
            throw new IllegalArgumentException(call + ": the number of workers must be at least 1, but was " + n);
        }
        return Loop.inLoop() ? InLoop.start(n, body) : RealLoops.start(call, n, body);
    }

    /** Waits for termination in a worker, then closes what its start returned, shielded. */
    private static void serve(AutoCloseable resource, ThrowingRunnable awaitTermination) throws Exception {
        try {
            awaitTermination.run();
        } finally {
            if (resource != null) {
                CancelScope.shielded(() -> {
                    resource.close();
                    return null;
                });
            }
        }
    }

    /** The workers as task trees of the calling task's loop. */
    private static final class InLoop {
        static Handle start(int n, WorkerBody body) {
            // named for deadlock reports, which otherwise ask for a set() of an Event the caller cannot see
            Event stop = new Event("the stop signal of Workers.start (Handle.stop() sets it)");
            Event allStarted = new Event("the start signal of Workers.start (its last worker's start sets it)");
            int[] started = {0};
            // bubble(false): the failure goes to whoever joins the handle (or is logged), not to the root group
            Task<Object> workers = TaskGroup.root("Workers.start").spawn(TaskOptions.named("workers").bubble(false), () -> TaskGroup.with(tg -> {
                for (int i = 0; i < n; i++) {
                    int index = i;
                    // the worker's own group: what start spawns into its current group is the worker's, and
                    // termination cancels it (the body too, but the close is shielded), as the stop of a
                    // worker's own loop cancels its root group outside a loop; else it ran on, and join waited
                    tg.spawn("worker-" + index, () -> TaskGroup.with(worker -> {
                        AutoCloseable resource = body.start(index);
                        if (++started[0] == n) {
                            allStarted.set();
                        }
                        serve(resource, () -> {
                            try {
                                stop.await();
                            } finally {
                                worker.cancel();
                            }
                        });
                        return null;
                    }));
                }
                return null;
            }));
            Scheduler loop = Current.task("Workers.start").loop();
            Handle h = new Handle(() -> {
                callerOf(loop, "Workers.Handle.stop"); // named here: the user called no Event.set
                stop.set();
            }, () -> {
                callerOf(loop, "Workers.Handle.join"); // named here: the user called no Task.join
                workers.join();
            }, workers);
            try { // wait until all have started or the workers have ended (a start failed)
                TaskGroup.with(wait -> {
                    wait.spawn(TaskOptions.named("workers-started").master(true), allStarted::await);
                    wait.spawn(TaskOptions.named("workers-ended").master(true), () -> {
                        try {
                            workers.join();
                        } catch (RuntimeException endedEarly) {
                            if (endedEarly instanceof Cancelled) {
                                throw endedEarly;
                            }
                            // the workers ended (a start failed): thrown below, by join
                        }
                    });
                    return null;
                });
            } catch (RuntimeException | Error e) {
                // the caller gave up while the workers started (cancelled, or an exception thrown into
                // its wait: a Loop.taskTimeout that passed): those that had started terminate and
                // close, shielded, before it goes on (nothing outlives the call, as in run); a closing
                // failure goes before a Cancelled, which a scope would otherwise catch with it
                workers.cancel();
                throw Failures.rethrow(Failures.keepFirst(e, joinShielded(h)));
            }
            if (workers.isDone()) {
                workers.join(); // a start failed: throw it
            }
            return h;
        }

        /**
         * Refuses, naming {@code call}, a caller that is no task of {@code loop}, the workers' loop:
         * from a task of another loop (a later run) a stop set an event no task of that loop would
         * ever see again, and did nothing, without a word.
         */
        private static void callerOf(Scheduler loop, String call) {
            dev.simloop.internal.TaskImpl<?> me = Current.task(call);
            if (me.loop() != loop) {
                throw loop.notThisLoop(call, "this handle's workers", me);
            }
        }

        /**
         * Waits, shielded, until the workers of {@code h} have ended (after a stop or a cancel).
         *
         * <p>An exception thrown into this wait (a second {@code Task.interrupt}, a {@code Loop.taskTimeout}
         * that passes meanwhile), which the shield does not keep out, does not end it: the workers still
         * close, and nothing outlives the call; it comes back suppressed. What unwinds an aborted run passes.
         *
         * @return their failure, or null: also when the cancel of their task (the root group's, a
         *     signal's) ended them, which is the caller's cancel too and no failure of theirs; with
         *     what was thrown into the wait suppressed (or that alone)
         */
        static Throwable joinShielded(Handle h) {
            return CancelScope.shielded(() -> {
                Throwable thrownIn = null;
                while (true) {
                    try {
                        h.join();
                        return thrownIn;
                    } catch (dev.simloop.internal.TaskAbandoned e) {
                        throw e; // the run has ended: unwind (a wait again would throw it at once, for ever)
                    } catch (RuntimeException | Error e) {
                        if (!h.inLoop.isDone()) {
                            thrownIn = Failures.keepFirst(thrownIn, e); // the workers still close: wait on
                        } else if (e instanceof TaskCancelledException) {
                            return thrownIn; // ended by the cancel
                        } else {
                            return Failures.keepFirst(e, thrownIn);
                        }
                    }
                }
            });
        }
    }

    /** Each worker on its own real-mode loop, on its own thread. */
    private static final class RealLoops {
        static Handle start(String call, int n, WorkerBody body) {
            Scheduler[] loops = new Scheduler[n];
            // A stop sticks: a worker whose loop registers after it (an interrupt while the workers
            // start, a failure of an early one) stops its own loop, or nobody would ever stop it
            boolean[] stopped = {false};
            Throwable[] failures = new Throwable[n];
            CountDownLatch startedOrEnded = new CountDownLatch(n);
            Thread[] threads = new Thread[n];
            Runnable stopAll = () -> {
                synchronized (loops) {
                    stopped[0] = true;
                    for (Scheduler l : loops) {
                        if (l != null) {
                            LoopStopper.stop(l);
                        }
                    }
                }
            };
            for (int i = 0; i < n; i++) {
                int index = i;
                threads[i] = new Thread(() -> {
                    boolean[] counted = {false};
                    try {
                        Loop.run("worker-" + index, null, () -> { // named as a worker in a loop is
                            synchronized (loops) {
                                loops[index] = LoopStopper.loopOf(call);
                                if (stopped[0]) {
                                    LoopStopper.stop(loops[index]);
                                }
                            }
                            AutoCloseable resource = body.start(index);
                            counted[0] = true;
                            startedOrEnded.countDown();
                            serve(resource, () -> Loop.sleep(Duration.ofDays(365_000)));
                            return null;
                        });
                    } catch (Throwable e) {
                        failures[index] = e;
                        stopAll.run();
                    } finally {
                        synchronized (loops) {
                            loops[index] = null;
                        }
                        if (!counted[0]) {
                            startedOrEnded.countDown();
                        }
                    }
                }, "simloop-worker-" + i);
                threads[i].start();
            }
            Joiner joiner = () -> {
                refuseAWorkersOwnTask(loops);
                for (Thread t : threads) {
                    joinStoppingOnInterrupt(t, stopAll);
                }
                throwFailures(failures);
            };
            try {
                startedOrEnded.await();
            } catch (InterruptedException e) {
                stopAll.run();
                IllegalStateException interrupted = new IllegalStateException(call + ": interrupted while the workers"
                        + " started", e);
                try {
                    joiner.join();
                } catch (RuntimeException | Error failed) { // a worker's failure (a close that threw) goes first
                    failed.addSuppressed(interrupted);
                    throw failed;
                } finally {
                    // the await took the interrupt, so the joins saw none: the caller keeps it, as Loop.run's does
                    Thread.currentThread().interrupt();
                }
                throw interrupted;
            }
            for (Throwable f : failures) { // set before the latch counted down, so visible here
                if (f != null) {
                    stopAll.run(); // a worker failed while starting: stop the rest and throw
                    joiner.join();
                }
            }
            return new Handle(stopAll, joiner, null);
        }

        /**
         * A join from a task of one of the workers' own loops would wait for that loop to end, which
         * waits for the joining task: for ever, and a signal would not end it (the join takes the
         * interrupt for a stop and waits again).
         */
        private static void refuseAWorkersOwnTask(Scheduler[] loops) {
            dev.simloop.internal.TaskImpl<?> me = Current.orNull();
            if (me == null) {
                return;
            }
            synchronized (loops) {
                for (int i = 0; i < loops.length; i++) {
                    if (loops[i] == me.loop()) {
                        throw new IllegalStateException("Workers.Handle.join: task '" + me.name() + "' runs in the loop"
                                + " of worker-" + i + ", which would wait for its own loop to end, for ever; call stop()"
                                + " there (it returns at once) and join from outside the workers, as the thread that"
                                + " started them");
                    }
                }
            }
        }

        /**
         * Waits for a worker's thread. An interrupt of the waiting thread is a request to terminate,
         * as a signal is (and as it ends {@code Loop.run}): every worker stops and closes, and this
         * still waits for that, so that nothing outlives the call; the interrupt status is kept.
         */
        private static void joinStoppingOnInterrupt(Thread t, Runnable stopAll) {
            boolean interrupted = false;
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    stopAll.run();
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        private static void throwFailures(Throwable[] failures) {
            Throwable first = null;
            // A handle may be joined again, from any thread: each failure is suppressed once, not
            // once more on every join (and one thrown by two workers is not suppressed in itself)
            synchronized (failures) {
                for (Throwable f : failures) {
                    if (f == null) {
                        continue;
                    }
                    if (first == null) {
                        first = f;
                    } else if (f != first && !List.of(first.getSuppressed()).contains(f)) {
                        first.addSuppressed(f);
                    }
                }
            }
            if (first == null) {
                return;
            }
            if (first instanceof RuntimeException e) {
                throw e;
            }
            throw (Error) first;
        }
    }
}
