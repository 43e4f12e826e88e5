package dev.simloop.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.DeadlineExceeded;
import dev.simloop.Loop;
import dev.simloop.PersistentTaskGroup;
import dev.simloop.ResourceGroup;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Supervisor;
import dev.simloop.Task;
import dev.simloop.TaskGroup;
import dev.simloop.TaskOptions;
import dev.simloop.Timer;
import dev.simloop.Workers;
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
import java.util.ResourceBundle;
import org.junit.jupiter.api.Test;

/** The snippets of docs/services.md and the traio options of docs/task-groups.md. */
class ServicesSnippetsTest {

    @Test
    void supervisor() {
        List<String> log = new ArrayList<>();
        SimResult<Object> r = Simulation.run(1, () -> {
            // snippet:supervisor
            Supervisor.with((task, failure) -> log.add(task.name() + " failed: " + failure.getMessage()), sup -> {
                sup.spawn("flaky", () -> { throw new IllegalStateException("timeout talking to B"); });
                Task<String> steady = sup.spawn("steady", () -> { Loop.sleep(Duration.ofSeconds(1)); return "done"; });
                log.add("steady: " + steady.join());             // not cancelled by flaky's failure
                return null;
            });
            // log: [steady: done, flaky failed: timeout talking to B]
            // end-snippet
            return null;
        });
        assertThat(r.failed()).isFalse();
        assertThat(log).containsExactly("steady: done", "flaky failed: timeout talking to B");
    }

    // snippet:persistent-group
    final class Server implements AutoCloseable {
        private final PersistentTaskGroup requests = PersistentTaskGroup.open("requests",
                (task, failure) -> log.add(task.name() + " failed: " + failure.getMessage()));

        void handle(int id) {
            requests.spawn("request-" + id, () -> serve(id));   // a failure never stops the server
        }

        @Override
        public void close() {
            requests.shutdown();                               // cancels what still runs, and waits
        }
    }
    // end-snippet

    final List<String> log = new ArrayList<>();

    void serve(int id) {
        if (id == 2) {
            throw new IllegalArgumentException("bad request");
        }
        Loop.sleep(Duration.ofSeconds(id));
        log.add("served " + id);
    }

    @Test
    void persistentGroup() {
        SimResult<Object> r = Simulation.run(1, () -> {
            try (Server server = new Server()) {
                for (int id = 1; id <= 3; id++) {
                    server.handle(id);
                }
                Loop.sleep(Duration.ofSeconds(2));
            }
            return null;
        });
        assertThat(r.failed()).isFalse();
        assertThat(log).containsExactly("request-2 failed: bad request", "served 1");
    }

    @Test
    void timer() {
        List<Long> ticks = new ArrayList<>();
        SimResult<Object> r = Simulation.run(1, () -> TaskGroup.with(tg -> {
            // snippet:timer
            Task<Void> timer = tg.spawnTimer("stats", Duration.ofSeconds(10), Timer.DelayPolicy.ACCUMULATE,
                    () -> ticks.add(Loop.nanoTime() / 1_000_000_000));
            Loop.sleep(Duration.ofSeconds(35));
            timer.cancel();                                     // ticks at 0, 10, 20 and 30 s
            // end-snippet
            return null;
        }));
        assertThat(r.failed()).isFalse();
        assertThat(ticks).containsExactly(0L, 10L, 20L, 30L);
    }

    // snippet:resource-group-connection
    record Connection(String host) implements AutoCloseable {
        static Connection open(String host) {
            Loop.sleep(Duration.ofMillis(100));    // stands in for connecting over the network
            return new Connection(host);
        }

        @Override
        public void close() {
        }
    }
    // end-snippet

    @Test
    void resourceGroup() {
        SimResult<List<String>> r = Simulation.run(1, () -> {
            List<String> hosts = new ArrayList<>();
            // snippet:resource-group
            try (ResourceGroup<Connection> conns = ResourceGroup.open(List.of(
                    () -> Connection.open("db-1"), () -> Connection.open("db-2"), () -> Connection.open("db-3")))) {
                for (Connection c : conns.values()) {          // opened concurrently: 100 ms, not 300
                    hosts.add(c.host());
                }
            }                                                   // closed concurrently
            // end-snippet
            assertThat(Loop.nanoTime()).isEqualTo(100_000_000L);
            return hosts;
        });
        assertThat(r.value()).containsExactly("db-1", "db-2", "db-3");
    }

    // snippet:echo-server
    static AutoCloseable startEchoWorker(int index, int port) throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open();
        listener.setOption(StandardSocketOptions.SO_REUSEPORT, true);  // every worker listens on the port
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        PersistentTaskGroup connections = PersistentTaskGroup.open("worker-" + index);
        connections.spawn("acceptor", () -> {
            for (int n = 0;; n++) {
                SocketChannel c = listener.accept();                    // blocks this task, not the loop
                connections.spawn("conn-" + n, () -> echo(c));
            }
        });
        return () -> {                                                  // on termination, shielded
            connections.shutdown();
            listener.close();
        };
    }

    static void echo(SocketChannel c) throws IOException {
        try (c) {
            ByteBuffer buf = ByteBuffer.allocate(8192);
            while (c.read(buf) >= 0) {
                buf.flip();
                while (buf.hasRemaining()) {
                    c.write(buf);
                }
                buf.clear();
            }
        }
    }
    // end-snippet

    @Test
    void echoServer() throws Exception {
        int port;
        Workers.Handle workers;
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            port = ((InetSocketAddress) probe.getLocalAddress()).getPort();
            int p = port;
            // snippet:echo-workers
            workers = Workers.start(2, index -> startEchoWorker(index, p));  // returns once all have started
            // ... later, or on SIGINT/SIGTERM with Workers.run(2, ...):
            // workers.stop(); workers.join();
            // end-snippet
        }
        try {
            String reply = Loop.run(() -> {
                try (SocketChannel c = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
                    c.write(ByteBuffer.wrap("hello\n".getBytes(StandardCharsets.US_ASCII)));
                    ByteBuffer in = ByteBuffer.allocate(6);
                    while (in.hasRemaining() && c.read(in) >= 0) {
                        // read the whole echo
                    }
                    return new String(in.array(), StandardCharsets.US_ASCII);
                }
            });
            assertThat(reply).isEqualTo("hello\n");
        } finally {
            workers.stop();
            workers.join();
        }
    }

    @Test
    void taskOptions() {
        List<String> log = new ArrayList<>();
        SimResult<Object> r = Simulation.run(1, () -> {
            // snippet:task-options
            TaskGroup.with(tg -> {
                tg.spawn(TaskOptions.named("heartbeat").awaited(false), () -> {
                    for (;;) {                                   // cancelled once the job is done
                        Loop.sleep(Duration.ofSeconds(1));
                        log.add("beat");
                    }
                });
                tg.spawn(TaskOptions.named("metrics").bubble(false), () -> {
                    throw new IOException("metrics down");       // logged at WARNING, cancels nothing
                });
                tg.spawn("job", () -> Loop.sleep(Duration.ofMillis(2500)));
                return null;
            });
            // log: [beat, beat]
            // end-snippet
            return null;
        });
        assertThat(r.failed()).isFalse();
        assertThat(log).containsExactly("beat", "beat");
    }

    @Test
    void masterAndTimeout() {
        SimResult<String> r = Simulation.run(1, () -> {
            // snippet:master-timeout
            Object v = TaskGroup.with(tg -> {
                tg.spawn(TaskOptions.named("main-job").master(true), () -> Loop.sleep(Duration.ofSeconds(1)));
                Loop.sleep(Duration.ofHours(1));                 // cancelled when main-job ends
                return "unreached";
            });                                                  // v == null, at 1 s
            try {
                TaskGroup.withTimeout(Duration.ofSeconds(2), tg -> {
                    tg.spawn("slow", () -> Loop.sleep(Duration.ofSeconds(10)));
                    TaskGroup.current().spawn("also-in-tg", () -> Loop.sleep(Duration.ofSeconds(10)));
                    return null;
                });
            } catch (DeadlineExceeded e) {
                // at 3 s: both tasks were cancelled by the group's deadline
            }
            // end-snippet
            return v + " at " + Loop.nanoTime();
        });
        assertThat(r.value()).isEqualTo("null at 3000000000");
    }

    // snippet:stand-in-logger
    /** The stand-in for a logging library's logger (SLF4J's {@code Logger} would take its place). */
    interface StandInLogger {
        void debug(String message);

        void warn(String message, Throwable t);
    }

    static final List<String> STAND_IN = new ArrayList<>();

    static StandInLogger standInLogger(String name) {
        return new StandInLogger() {
            @Override
            public void debug(String message) {
                STAND_IN.add("debug " + name + ": " + message);
            }

            @Override
            public void warn(String message, Throwable t) {
                STAND_IN.add("warn " + name + ": " + message + " " + t);
            }
        };
    }
    // end-snippet

    // snippet:logger-finder
    // Registered in META-INF/services/java.lang.System$LoggerFinder (or `provides` in module-info).
    public static final class ForwardingLoggerFinder extends System.LoggerFinder {
        @Override
        public System.Logger getLogger(String name, Module module) {
            StandInLogger target = standInLogger(name);     // e.g. org.slf4j.LoggerFactory.getLogger(name)
            return new System.Logger() {
                @Override
                public String getName() {
                    return name;
                }

                @Override
                public boolean isLoggable(Level level) {
                    return true;                             // ask the target: target.isDebugEnabled() ...
                }

                @Override
                public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
                    if (level.getSeverity() >= Level.WARNING.getSeverity()) {
                        target.warn(msg, thrown);
                    } else {
                        target.debug(msg);
                    }
                }

                @Override
                public void log(Level level, ResourceBundle bundle, String format, Object... params) {
                    log(level, bundle, params == null || params.length == 0 ? format
                            : java.text.MessageFormat.format(format, params), (Throwable) null);
                }
            };
        }
    }
    // end-snippet

    @Test
    void loggerFinderForwards() {
        STAND_IN.clear();
        System.Logger tasks = new ForwardingLoggerFinder().getLogger("dev.simloop.tasks", Loop.class.getModule());
        tasks.log(System.Logger.Level.DEBUG, "main/server/conn-3 spawned: by main");
        tasks.log(System.Logger.Level.WARNING, "task 'main/x' failed and no one joined it", new IllegalStateException("boom"));
        assertThat(STAND_IN).containsExactly("debug dev.simloop.tasks: main/server/conn-3 spawned: by main",
                "warn dev.simloop.tasks: task 'main/x' failed and no one joined it java.lang.IllegalStateException: boom");
    }
}
