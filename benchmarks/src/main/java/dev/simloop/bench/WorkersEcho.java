package dev.simloop.bench;

import dev.simloop.Loop;
import dev.simloop.PersistentTaskGroup;
import dev.simloop.TaskGroup;
import dev.simloop.Workers;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The multi-worker echo server of docs/services.md under load, against a plain JDK server with a
 * virtual thread per connection, in the same run: {@code CONNECTIONS} loopback connections, each
 * pipelining {@code MESSAGES} 16-byte messages, the same clients for both. Prints messages per second
 * and how long shutting the server down took ({@code stop()} and {@code join()}; for the JDK server,
 * closing the listener and the executor). Not JMH: one whole server lifetime per round, best of
 * {@code ROUNDS}.
 *
 * <p>Run: {@code java --add-opens java.base/java.lang=ALL-UNNAMED -cp ... dev.simloop.bench.WorkersEcho [workers]}
 */
public final class WorkersEcho {
    static final int CONNECTIONS = 200;
    static final int MESSAGES = 1_000;
    static final int ROUNDS = 3;

    private WorkersEcho() {
    }

    public static void main(String[] args) throws Exception {
        int workers = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        double[] simloop = best(() -> simloopRound(workers));
        double[] jdk = best(WorkersEcho::jdkRound);
        System.out.printf(Locale.ROOT, "echo, %d connections x %d messages, best of %d rounds%n", CONNECTIONS, MESSAGES,
                ROUNDS);
        System.out.printf(Locale.ROOT, "  simloop Workers(%d):            %,10.0f messages/s, shutdown %6.1f ms%n", workers,
                simloop[0], simloop[1]);
        System.out.printf(Locale.ROOT, "  JDK, virtual thread per conn.: %,10.0f messages/s, shutdown %6.1f ms%n", jdk[0],
                jdk[1]);
        System.out.printf(Locale.ROOT, "  ratio (simloop / JDK): %.2f%n", simloop[0] / jdk[0]);
    }

    @FunctionalInterface
    interface Round {
        double[] run() throws Exception;
    }

    /** @return {messages per second, shutdown ms} of the round with the highest rate */
    private static double[] best(Round round) throws Exception {
        double[] best = {0, 0};
        for (int i = 0; i < ROUNDS; i++) {
            double[] r = round.run();
            if (r[0] > best[0]) {
                best = r;
            }
        }
        return best;
    }

    private static double[] simloopRound(int workers) throws Exception {
        int port = freePort();
        Workers.Handle h = Workers.start(workers, index -> {
            ServerSocketChannel listener = ServerSocketChannel.open();
            listener.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
            PersistentTaskGroup connections = PersistentTaskGroup.open("worker-" + index);
            connections.spawn("acceptor", () -> {
                for (int n = 0;; n++) {
                    SocketChannel c = listener.accept();
                    connections.spawn("conn-" + n, () -> echo(c));
                }
            });
            return () -> {
                connections.shutdown();
                listener.close();
            };
        });
        double rate = clients(port);
        long t0 = System.nanoTime();
        h.stop();
        h.join();
        return new double[] {rate, (System.nanoTime() - t0) / 1e6};
    }

    private static double[] jdkRound() throws Exception {
        ServerSocketChannel listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
        ExecutorService conns = Executors.newVirtualThreadPerTaskExecutor();
        Thread acceptor = Thread.ofVirtual().start(() -> {
            try {
                for (;;) {
                    SocketChannel c = listener.accept();
                    conns.submit(() -> {
                        echo(c);
                        return null;
                    });
                }
            } catch (IOException closed) {
                // the listener was closed: shutting down
            }
        });
        double rate = clients(port);
        long t0 = System.nanoTime();
        listener.close();
        acceptor.join();
        conns.shutdownNow();
        conns.close();
        return new double[] {rate, (System.nanoTime() - t0) / 1e6};
    }

    private static int freePort() throws IOException {
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            return ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
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

    /** @return messages echoed per second: every connection pipelines its messages (a writer and a reader task) */
    private static double clients(int port) {
        long t0 = System.nanoTime();
        long echoed = Loop.run(() -> {
            long[] count = {0};
            TaskGroup.with(tg -> {
                for (int i = 0; i < CONNECTIONS; i++) {
                    tg.spawn("client-" + i, () -> client(port, count));
                }
                return null;
            });
            return count[0];
        });
        if (echoed != (long) CONNECTIONS * MESSAGES) {
            throw new IllegalStateException("echoed " + echoed + " of " + (long) CONNECTIONS * MESSAGES);
        }
        return echoed / ((System.nanoTime() - t0) / 1e9);
    }

    private static void client(int port, long[] count) throws IOException {
        try (SocketChannel c = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            TaskGroup.with(tg -> {
                tg.spawn("writer", () -> {
                    byte[] message = "0123456789abcde\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                    for (int m = 0; m < MESSAGES; m++) {
                        ByteBuffer out = ByteBuffer.wrap(message);
                        while (out.hasRemaining()) {
                            c.write(out);
                        }
                    }
                });
                ByteBuffer in = ByteBuffer.allocate(16);
                for (int m = 0; m < MESSAGES; m++) {
                    in.clear();
                    while (in.hasRemaining()) {
                        if (c.read(in) < 0) {
                            throw new IOException("closed early at message " + m);
                        }
                    }
                    count[0]++;
                }
                return null;
            });
        }
    }
}
