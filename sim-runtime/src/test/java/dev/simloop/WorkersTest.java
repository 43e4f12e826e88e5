package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Issue 17, item 5: aiotools' start_server with num_workers (seed 001, "Async Server"). */
class WorkersTest {
    /**
     * A run that ends in a deadlock while its task waits in Workers.run for its workers to close (a
     * close that waits for ever, after an interrupt stopped them): the task unwinds. Workers.run took
     * what unwinds an aborted run for an exception thrown into its wait and waited for them again,
     * which threw at once, for ever: the task spun on the driver, the run returned only
     * maxStepWallTime later with a LimitExceeded saying the task did not end while the run unwound it,
     * and the driver spun on after the run had returned.
     */
    @Test
    void aRunAbortedWhileWorkersCloseUnwindsTheCallerOfRun() {
        List<String> unwound = new java.util.concurrent.CopyOnWriteArrayList<>();
        SimResult<Object> r = Simulation.run(1, () -> TaskGroup.with(tg -> {
            dev.simloop.sync.Event started = new dev.simloop.sync.Event();
            Task<Void> server = tg.spawn("server", () -> {
                try {
                    Workers.run(1, index -> {
                        started.set();
                        return () -> new dev.simloop.sync.Event().await(); // a close that never ends
                    });
                } finally {
                    unwound.add("server");
                }
            });
            started.await();
            server.interrupt(new IllegalStateException("stop"));
            return null;
        }));
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class);
        assertThat(r.failure().getSuppressed()).isEmpty();
        assertThat(unwound).containsExactly("server");
    }

    @Test
    @DisplayName("seed 001 start_server: in a simulation the workers are task trees of one run; stop closes each, deterministically")
    void simulatedWorkersStartAndStop() {
        ThrowingSupplier<String> program = () -> {
            StringBuilder log = new StringBuilder();
            Workers.Handle h = Workers.start(3, index -> {
                Loop.sleep(Duration.ofMillis(10L * (3 - index))); // start-up takes time
                log.append("started ").append(index).append(" at ").append(Loop.nanoTime() / 1_000_000).append("ms; ");
                return () -> {
                    Loop.sleep(Duration.ofMillis(5)); // graceful close takes time, shielded
                    log.append("closed ").append(index).append("; ");
                };
            });
            log.append("all started at ").append(Loop.nanoTime() / 1_000_000).append("ms; ");
            Loop.sleep(Duration.ofSeconds(1));
            h.stop();
            h.join();
            log.append("joined at ").append(Loop.nanoTime() / 1_000_000).append("ms");
            return log.toString();
        };
        for (long seed = 0; seed < 5; seed++) {
            SimResult<String> r = Simulation.builder().seed(seed).checkDeterminism(true).run(program);
            assertThat(r.failed()).as("%s", r.failure()).isFalse();
            assertThat(r.value()).startsWith("started 2 at 10ms; started 1 at 20ms; started 0 at 30ms; all started at 30ms; ")
                    .endsWith("joined at 1035ms").contains("closed 0; ", "closed 1; ", "closed 2; ");
        }
    }

    @Test
    @DisplayName("seed 001 start_server: a failing worker stops the others and its failure is thrown, the rest suppressed")
    void aFailingWorkerStopsTheOthers() {
        SimResult<String> r = Simulation.run(4, () -> {
            List<String> closed = new java.util.ArrayList<>();
            try {
                Workers.run(3, index -> {
                    if (index == 1) {
                        Loop.sleep(Duration.ofSeconds(1));
                        throw new IOException("port in use");
                    }
                    return () -> closed.add("closed " + index + " at " + Loop.nanoTime());
                });
                return "unreachable";
            } catch (TaskFailedException e) {
                return e.getCause().getMessage() + "; " + closed.stream().sorted().toList();
            }
        });
        assertThat(r.value()).isEqualTo("port in use; [closed 0 at 1000000000, closed 2 at 1000000000]");
    }

    @Test
    @DisplayName("seed 001 start_server: a real-mode worker that fails to start stops the others; start throws")
    void realModeStartFailure() {
        AtomicInteger started = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        assertThatThrownBy(() -> Workers.start(3, index -> {
            if (index == 2) {
                throw new IllegalStateException("worker 2 cannot start");
            }
            started.incrementAndGet();
            return closed::incrementAndGet;
        })).isInstanceOf(IllegalStateException.class).hasMessage("worker 2 cannot start");
        // Workers start in parallel, so how many got going before worker 2 failed is up to the OS;
        // what must hold is that each one that did was closed, exactly once.
        assertThat(closed.get()).as("every worker that started was closed once").isEqualTo(started.get());
        assertThat(started.get()).isBetween(0, 2);
        assertThat(workerThreads()).isEmpty();
    }

    @Test
    @DisplayName("each worker's task is named worker-i, in a simulation and on its own real loop alike")
    void workersAreNamedAfterTheirIndexInBothModes() throws Exception {
        ThrowingSupplier<List<String>> names = () -> {
            String[] seen = new String[2];
            Workers.Handle h = Workers.start(2, index -> {
                seen[index] = Loop.currentTask().name() + " on " + Thread.currentThread().getName();
                return () -> { };
            });
            h.stop();
            h.join();
            return List.of(seen);
        };
        List<String> expected = List.of("worker-0 on worker-0", "worker-1 on worker-1");
        assertThat(Simulation.run(1, names).value()).isEqualTo(expected);
        // outside any loop each worker is the root task of a loop of its own; it was named 'main'
        assertThat(names.get()).isEqualTo(expected);
    }

    @Test
    @DisplayName("seed 001 start_server: 4 real workers echo 200 connections x 1,000 messages; stop() closes everything")
    void realEchoServer() throws Exception {
        EchoServer server = new EchoServer();
        Workers.Handle h = server.start(4);
        try {
            EchoClients.Result r = EchoClients.run(server.port, 200, 1_000);
            assertThat(r.echoed()).as("every message echoed, byte for byte").isEqualTo(200L * 1_000);
            assertThat(r.mismatches()).isZero();
        } finally {
            h.stop();
            h.join();
        }
        assertThat(server.accepted.get()).isEqualTo(200);
        assertThat(server.closed.get()).as("every connection closed").isEqualTo(200);
        assertThat(server.listenersClosed.get()).isEqualTo(4);
        assertThat(workerThreads()).as("no thread left").isEmpty();
    }

    static List<Thread> workerThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("simloop-worker-"))
                .toList();
    }

    /** The echo server of docs/services.md: SO_REUSEPORT listeners, acceptors in a PersistentTaskGroup. */
    static final class EchoServer {
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        final AtomicInteger listenersClosed = new AtomicInteger();
        int port;

        Workers.Handle start(int workers) throws IOException {
            try (ServerSocketChannel probe = ServerSocketChannel.open()) { // picks a free port for all workers
                probe.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
                port = ((InetSocketAddress) probe.getLocalAddress()).getPort();
                return Workers.start(workers, this::startWorker); // the probe closes before any client connects
            }
        }

        AutoCloseable startWorker(int index) throws IOException {
            ServerSocketChannel listener = ServerSocketChannel.open();
            listener.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
            PersistentTaskGroup connections = PersistentTaskGroup.open("worker-" + index);
            connections.spawn("acceptor", () -> {
                for (int n = 0;; n++) {
                    SocketChannel c = listener.accept();
                    accepted.incrementAndGet();
                    connections.spawn("conn-" + n, () -> echo(c));
                }
            });
            return () -> {
                connections.shutdown();
                listener.close();
                listenersClosed.incrementAndGet();
            };
        }

        void echo(SocketChannel c) throws IOException {
            try (c) {
                ByteBuffer buf = ByteBuffer.allocate(8192);
                while (c.read(buf) >= 0) {
                    buf.flip();
                    while (buf.hasRemaining()) {
                        c.write(buf);
                    }
                    buf.clear();
                }
            } finally {
                closed.incrementAndGet();
            }
        }
    }

    /** Clients on one real loop: per connection a writer and a reader task, so messages are pipelined. */
    static final class EchoClients {
        record Result(long echoed, long mismatches) {
        }

        static Result run(int port, int connections, int messages) {
            return Loop.run(() -> {
                long[] echoed = {0};
                long[] mismatches = {0};
                TaskGroup.with(tg -> {
                    for (int i = 0; i < connections; i++) {
                        int conn = i;
                        tg.spawn("client-" + conn, () -> client(port, conn, messages, echoed, mismatches));
                    }
                    return null;
                });
                return new Result(echoed[0], mismatches[0]);
            });
        }

        private static void client(int port, int conn, int messages, long[] echoed, long[] mismatches) throws IOException {
            try (SocketChannel c = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
                TaskGroup.with(tg -> {
                    tg.spawn("writer-" + conn, () -> {
                        for (int m = 0; m < messages; m++) {
                            ByteBuffer out = ByteBuffer.wrap(message(conn, m));
                            while (out.hasRemaining()) {
                                c.write(out);
                            }
                        }
                    });
                    ByteBuffer in = ByteBuffer.allocate(16);
                    for (int m = 0; m < messages; m++) {
                        in.clear();
                        while (in.hasRemaining()) {
                            if (c.read(in) < 0) {
                                throw new IOException("connection " + conn + " closed early at message " + m);
                            }
                        }
                        if (java.util.Arrays.equals(in.array(), message(conn, m))) {
                            echoed[0]++;
                        } else {
                            mismatches[0]++;
                        }
                    }
                    return null;
                });
            }
        }

        /** 16 bytes: "cCCCCmMMMMMMMMM\n". */
        static byte[] message(int conn, int m) {
            return String.format("c%04dm%09d%n", conn, m).substring(0, 15).concat("\n").getBytes(StandardCharsets.US_ASCII);
        }
    }

    /**
     * A handle of workers in a loop, used from a task of a later run: stop() returned as if it had
     * stopped them (it set an event of the ended run, which nothing would see), and join() named
     * Task.join. Both are refused, naming the call made and the ended run.
     */
    @Test
    void aHandleUsedFromATaskOfALaterRunIsRefusedNamingTheCallMade() {
        Workers.Handle[] kept = new Workers.Handle[1];
        Simulation.run(1, () -> {
            kept[0] = Workers.start(1, index -> () -> { });
            kept[0].stop();
            kept[0].join();
            return null;
        }).value();
        SimResult<List<String>> r = Simulation.run(2, () -> List.of(
                catchThrowable(kept[0]::stop).getMessage(), catchThrowable(kept[0]::join).getMessage()));
        String rest = ": this handle's workers belongs to another loop, whose run has ended, than the calling task"
                + " 'main'; use it from its own loop's tasks only (keep no task, group or scope of a run, in a static"
                + " field or a test fixture, for later runs)";
        assertThat(r.value()).containsExactly("Workers.Handle.stop" + rest, "Workers.Handle.join" + rest);
    }

    /**
     * Workers.run in a loop, an exception thrown into it (Task.interrupt): the workers close,
     * shielded, before it goes on. A second exception thrown in while they closed, which the shield
     * does not keep out, ended that wait: run threw at once and the workers closed after it. It
     * waits on now, and throws the first exception with the second suppressed.
     */
    @Test
    void aSecondExceptionThrownInWhileTheWorkersCloseDoesNotCutTheirCloseShort() {
        List<String> log = new java.util.ArrayList<>();
        Simulation.run(1, () -> TaskGroup.with(tg -> {
            Task<Void> caller = tg.spawn("caller", () -> {
                try {
                    Workers.run(2, index -> () -> {
                        Loop.sleep(Duration.ofSeconds(1));
                        log.add("worker-" + index + " closed at " + Loop.nanoTime() / 1_000_000 + " ms");
                    });
                } catch (IllegalStateException e) {
                    log.add("run threw '" + e.getMessage() + "' at " + Loop.nanoTime() / 1_000_000 + " ms,"
                            + " suppressed " + java.util.Arrays.stream(e.getSuppressed()).map(Throwable::getMessage).toList());
                }
            });
            Loop.sleep(Duration.ofMillis(100));
            caller.interrupt(new IllegalStateException("first"));
            Loop.sleep(Duration.ofMillis(100));
            caller.interrupt(new IllegalStateException("second"));
            return null;
        })).value();
        assertThat(log.subList(0, 2)).containsExactlyInAnyOrder("worker-0 closed at 1100 ms", "worker-1 closed at 1100 ms");
        assertThat(log.subList(2, log.size())).containsExactly("run threw 'first' at 1100 ms, suppressed [second]");
    }

    /** Workers never stopped: the deadlock report names what would stop them, not an Event nobody can reach. */
    @Test
    void workersNeverStoppedAreReportedAsWaitingForHandleStop() {
        SimResult<String> r = Simulation.run(1, () -> {
            Workers.Handle h = Workers.start(1, index -> () -> { });
            h.join(); // without h.stop()
            return "joined";
        });
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class).hasMessageContaining("task 'worker-0' waits for"
                + " Event 'the stop signal of Workers.start (Handle.stop() sets it)' (not set, 1 waiting)");
    }

    /** A handle of workers in a loop, used from outside it, names the call made (it named Event.set and Task.join). */
    @Test
    void aHandleUsedFromOutsideItsLoopNamesTheCallMadeAndStillStopsTheWorkersFromATask() {
        SimResult<List<String>> r = Simulation.run(1, () -> {
            List<String> log = new java.util.ArrayList<>();
            Workers.Handle h = Workers.start(1, index -> () -> log.add("closed at " + Loop.nanoTime()));
            for (Runnable call : List.<Runnable>of(h::stop, h::join)) {
                try {
                    Loop.toThread(() -> {
                        call.run();
                        return null;
                    });
                } catch (IllegalStateException e) {
                    log.add(e.getMessage().substring(0, e.getMessage().indexOf(" must be called from a simloop task")));
                }
            }
            Loop.sleep(Duration.ofSeconds(1));
            h.stop();
            h.join();
            log.add("joined at " + Loop.nanoTime());
            return log;
        });
        assertThat(r.failure()).isNull();
        assertThat(r.value()).containsExactly("Workers.Handle.stop", "Workers.Handle.join", "closed at 1000000000",
                "joined at 1000000000");
    }

    /**
     * A real-mode handle joined from a task of one of its own workers waited for that worker's loop,
     * which waited for the joining task: a hang that a signal could not end either (the join took its
     * interrupt for a stop and waited again). It is refused, naming the way out; stop() there works.
     */
    @Test
    void aRealModeHandleJoinedFromATaskOfItsOwnWorkerIsRefusedAndStopStillWorksThere() {
        List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicReference<Workers.Handle> handle = new AtomicReference<>();
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> { // a hang guard: the join used to wait for ever
            handle.set(Workers.start(2, index -> {
                if (index == 0) {
                    Loop.rootGroup().spawn("admin", () -> { // e.g. a shutdown command served by worker 0
                        Loop.toThread(() -> {
                            started.await();
                            return null;
                        });
                        try {
                            handle.get().join();
                        } catch (IllegalStateException e) {
                            log.add(e.getMessage());
                        }
                        handle.get().stop();
                    });
                }
                return () -> log.add("closed worker " + index);
            }));
            started.countDown();
            handle.get().join();
        });
        assertThat(log).hasSize(3).first().isEqualTo("Workers.Handle.join: task 'admin' runs in the loop of worker-0,"
                + " which would wait for its own loop to end, for ever; call stop() there (it returns at once) and join"
                + " from outside the workers, as the thread that started them");
        assertThat(log).contains("closed worker 0", "closed worker 1");
        assertThat(workerThreads()).isEmpty();
    }

    @Test
    void aRealModeHandleJoinedTwiceThrowsTheSameFailureWithEachOtherSuppressedOnce() {
        Workers.Handle h = Workers.start(2, index -> () -> {
            throw new IllegalStateException("close " + index);
        });
        h.stop();
        Throwable first = catchThrowable(h::join);
        Throwable second = catchThrowable(h::join);
        assertThat(second).isSameAs(first).isInstanceOf(IllegalStateException.class).hasMessage("close 0");
        assertThat(List.of(second.getSuppressed())).extracting(Throwable::getMessage).containsExactly("close 1");
    }

    /**
     * Guards that an interrupt of the thread waiting for serving real-mode workers ({@code Workers.run},
     * {@code Handle.join}) terminates them as a signal would, as it ends {@code Loop.run}: the waits
     * were uninterruptible, so a {@code Future.cancel(true)} or an executor's {@code shutdownNow} left
     * the caller and the workers running for ever.
     */
    @Test
    void anInterruptOfTheThreadWaitingForServingWorkersStopsAndClosesThem() {
        for (String call : List.of("Workers.run", "Handle.join")) {
            AtomicInteger closed = new AtomicInteger();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> { // a hang guard: they used to serve for ever
                Thread caller = new Thread(() -> {
                    thrown.set(catchThrowable(() -> {
                        if (call.equals("Workers.run")) {
                            Workers.run(2, index -> closed::incrementAndGet);
                        } else {
                            Workers.start(2, index -> closed::incrementAndGet).join();
                        }
                    }));
                    interruptedAfter.set(Thread.currentThread().isInterrupted());
                }, "waiting caller");
                caller.start();
                while (caller.isAlive() && java.util.Arrays.stream(caller.getStackTrace())
                        .noneMatch(f -> f.getMethodName().equals("joinStoppingOnInterrupt"))) {
                    Thread.sleep(10); // until the workers serve and the caller waits for them
                }
                caller.interrupt();
                caller.join();
            }, call);
            assertThat(thrown.get()).as(call + ": terminated as by a signal, it returns").isNull();
            assertThat(interruptedAfter.get()).as(call + ": the interrupt status is kept").isTrue();
            assertThat(closed.get()).as(call + ": both workers closed").isEqualTo(2);
            assertThat(workerThreads()).as(call).isEmpty();
        }
    }

    @Test
    void realWorkersStartedFromAnInterruptedThreadAreStoppedAndClosedNotLeftRunning() {
        for (String call : List.of("Workers.start", "Workers.run")) {
            AtomicInteger started = new AtomicInteger();
            AtomicInteger closed = new AtomicInteger();
            Workers.WorkerBody body = index -> {
                started.incrementAndGet();
                return closed::incrementAndGet;
            };
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> { // a hang guard: the workers used to run on for ever
                Thread caller = new Thread(() -> {
                    Thread.currentThread().interrupt(); // a Future.cancel(true) that came before the call
                    thrown.set(catchThrowable(() -> {
                        if (call.equals("Workers.start")) {
                            Workers.start(2, body);
                        } else {
                            Workers.run(2, body);
                        }
                    }));
                    interruptedAfter.set(Thread.currentThread().isInterrupted());
                }, "interrupted caller");
                caller.start();
                caller.join();
            }, call);
            assertThat(thrown.get()).as(call).isInstanceOf(IllegalStateException.class)
                    .hasMessage(call + ": interrupted while the workers started");
            assertThat(interruptedAfter.get()).as(call + ": the interrupt status is set again").isTrue();
            // whether a worker's start ran before the stop reached its loop is up to the OS; each that did was closed
            assertThat(closed.get()).as(call + ": every worker that started was closed once").isEqualTo(started.get());
            assertThat(workerThreads()).as(call).isEmpty();
        }
    }

    /**
     * An interrupt while the workers start, and a worker whose close then fails: the caller gets that
     * failure, with the interrupt suppressed by it, and keeps its interrupt status. Before, the
     * failure was thrown before the status was set again, and the caller (a service thread stopped
     * by shutdownNow()) no longer saw that it was interrupted.
     */
    @Test
    void anInterruptWhileWorkersStartIsKeptWhenAWorkersCloseFails() {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
        java.util.concurrent.CountDownLatch firstStarted = new java.util.concurrent.CountDownLatch(1);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            Thread caller = new Thread(() -> {
                thrown.set(catchThrowable(() -> Workers.start(2, index -> {
                    if (index == 1) {
                        Loop.sleep(Duration.ofHours(1)); // never done starting: the caller waits, and is interrupted
                    } else {
                        firstStarted.countDown();
                    }
                    return () -> {
                        throw new java.io.IOException("close " + index);
                    };
                })));
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            }, "interrupted caller");
            caller.start();
            firstStarted.await(); // interrupted before its await or in it, the caller stops the workers alike
            caller.interrupt();
            caller.join();
        });
        assertThat(thrown.get()).isInstanceOf(TaskFailedException.class).hasRootCauseMessage("close 0");
        assertThat(thrown.get().getSuppressed()).extracting(Throwable::getMessage)
                .contains("Workers.start: interrupted while the workers started");
        assertThat(interruptedAfter.get()).as("the interrupt status is set again").isTrue();
        assertThat(workerThreads()).isEmpty();
    }

    /**
     * A task that a worker's {@code start} spawns into its current group (a ticker, an acceptor
     * spawned with {@code TaskGroup.current()}) belongs to the worker: termination cancels it, as
     * the stop of a worker's own loop does outside a loop. In a loop (a simulation, or a
     * {@code Loop.run}) it used to run on after {@code stop()}, so {@code join()} waited for it: an
     * hour of virtual time in a simulation, for ever on a real loop.
     */
    @ParameterizedTest
    @EnumSource(Modes.class)
    void tasksThatStartSpawnsEndWhenTheWorkersTerminateInALoopAsOutsideOne(Modes mode) {
        List<String> log = Modes.log();
        List<String> outside = Modes.log();
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> { // a hang guard: the real join used to wait for ever
            mode.run(() -> {
                Workers.Handle h = Workers.start(2, index -> tickerAndClose(index, log));
                Loop.sleep(mode.unit);
                h.stop();
                h.join();
                log.add("joined" + (mode.simulated() ? " at " + Loop.nanoTime() / 1_000_000 + "ms" : ""));
                return null;
            });
            Workers.Handle h = Workers.start(2, index -> tickerAndClose(index, outside)); // outside a loop
            Thread.sleep(mode.unit.toMillis());
            h.stop();
            h.join();
        });
        assertThat(outside).containsExactlyInAnyOrder("ticker-0 ended", "ticker-1 ended", "closed 0", "closed 1");
        assertThat(log.subList(0, 4)).containsExactlyInAnyOrder("ticker-0 ended", "ticker-1 ended", "closed 0", "closed 1");
        assertThat(log.get(4)).isEqualTo(mode.simulated() ? "joined at 1000ms" : "joined");
    }

    /**
     * A task that {@code start} spawns into {@code Loop.rootGroup()} is the loop's, not the worker's:
     * in a loop that is the caller's loop, which the workers do not own, so termination leaves it
     * running and the run waits for it (services.md). Outside a loop, the root group is the worker's
     * own loop's, which termination ends.
     */
    @Test
    void aTaskThatStartSpawnsIntoTheRootGroupOfALoopOutlivesTheWorkers() {
        SimResult<List<String>> r = Simulation.run(1, () -> {
            List<String> log = new ArrayList<>();
            Workers.Handle h = Workers.start(1, index -> {
                Loop.rootGroup().spawn("the loop's", () -> {
                    Loop.sleep(Duration.ofHours(1));
                    log.add("the loop's task ended at " + Loop.nanoTime() / 3_600_000_000_000L + "h");
                });
                return () -> log.add("closed");
            });
            h.stop();
            h.join();
            log.add("joined at " + Loop.nanoTime() + "ns");
            return log;
        });
        assertThat(r.failure()).isNull();
        assertThat(r.value()).containsExactly("closed", "joined at 0ns", "the loop's task ended at 1h");
        assertThat(r.virtualTime()).isEqualTo(Duration.ofHours(1));
    }

    private static AutoCloseable tickerAndClose(int index, List<String> log) {
        TaskGroup.current().spawn("ticker-" + index, () -> {
            try {
                Loop.sleep(Modes.FOREVER);
            } finally {
                log.add("ticker-" + index + " ended");
            }
        });
        return () -> log.add("closed " + index);
    }
}
