package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Issue 2, section 2: in real mode, wake-ups from the JDK's I/O poller enter through the inbox. */
class RealIoTest {

    @Test
    void aTaskBlockedInASocketReadIsWokenWhenDataArrives() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                Socket accepted = server.accept()) {
            long t0 = System.nanoTime();
            String v = Loop.run(() -> TaskGroup.with(tg -> {
                Task<Integer> reader = tg.spawn("reader", () -> {
                    InputStream in = accepted.getInputStream();
                    return in.read();
                });
                tg.spawn("writer", () -> {
                    Loop.sleep(Duration.ofMillis(50)); // the reader is blocked in read() by now
                    Loop.toThread(() -> {
                        OutputStream out = client.getOutputStream();
                        out.write(42);
                        out.flush();
                        return null;
                    });
                });
                return "read " + reader.join();
            }));
            assertThat(v).isEqualTo("read 42");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
        }
    }
}
