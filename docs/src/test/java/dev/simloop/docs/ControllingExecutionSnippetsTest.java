package dev.simloop.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Generator;
import dev.simloop.Loop;
import dev.simloop.Monitor;
import dev.simloop.OobData;
import dev.simloop.Simulation;
import dev.simloop.SynchronousBlockingException;
import dev.simloop.Task;
import dev.simloop.TaskGroup;
import dev.simloop.TaskTimeoutException;
import dev.simloop.sync.Lock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The snippets of docs/controlling-execution.md, each run and checked in both modes. */
class ControllingExecutionSnippetsTest {
    private static List<Object> eager() {
        // snippet:eager
        List<Object> log = new ArrayList<>();
        TaskGroup.with(tg -> {
            log.add("a");
            Task<Void> request = tg.spawnEager("request", () -> {
                log.add(1);
                Loop.sleep(Duration.ofMillis(200)); // some long I/O
                log.add(2);
            });
            log.add("b");
            Loop.sleep(Duration.ofMillis(100)); // some other I/O
            log.add("c");
            request.join();
            return null;
        });
        // log is [a, 1, b, c, 2]; with tg.spawn it would be [a, b, 1, c, 2]
        // end-snippet
        return log;
    }

    @Test
    void eagerStartsRunTheChildFirst() {
        assertThat(Loop.run(ControllingExecutionSnippetsTest::eager)).containsExactly("a", 1, "b", "c", 2);
        assertThat(Simulation.run(3, ControllingExecutionSnippetsTest::eager).value()).containsExactly("a", 1, "b", "c", 2);
    }

    // snippet:run-sync
    static final Lock CACHE_LOCK = new Lock();

    static String cachedOrNull(String key) {
        if (!CACHE_LOCK.tryAcquire()) { // non-blocking: fine in runSync
            return null;
        }
        try {
            return "value of " + key;
        } finally {
            CACHE_LOCK.release();
        }
    }

    static String slow(String key) {
        Loop.sleep(Duration.ofSeconds(1)); // blocking
        return key;
    }

    static void callers() {
        String v = Loop.runSync(() -> cachedOrNull("k")); // "value of k", no loop needed
        try {
            Loop.runSync(() -> slow("k"));
        } catch (SynchronousBlockingException e) {
            // "Loop.sleep blocks, but it was called inside Loop.runSync, ..." thrown from slow()
        }
    }
    // end-snippet

    @Test
    void runSyncRunsCodeThatNeverBlocks() {
        callers();
        assertThat(Loop.runSync(() -> cachedOrNull("k"))).isEqualTo("value of k");
        try {
            Loop.runSync(() -> slow("k"));
            throw new AssertionError("no exception");
        } catch (SynchronousBlockingException e) {
            assertThat(e.getMessage()).startsWith("Loop.sleep blocks, but it was called inside Loop.runSync");
            assertThat(e.getStackTrace()).anyMatch(f -> f.getMethodName().equals("slow"));
        }
    }

    /** A buffer the parser reads from and the caller fills. */
    // snippet:monitor-buffer
    static final class Buffer {
        private final StringBuilder data = new StringBuilder();

        void fill(String s) {
            data.append(s);
        }

        String readline() {                   // up to and with the next newline, or what there is
            int nl = data.indexOf("\n");
            int end = nl < 0 ? data.length() : nl + 1;
            String line = data.substring(0, end);
            data.delete(0, end);
            return line;
        }
    }
    // end-snippet

    // snippet:monitor
    static String readline(Monitor<Object, Object> m, Buffer buffer) {
        String line = buffer.readline();
        while (!line.endsWith("\n")) {
            m.oob(null); // ask the caller for more data; the parser's state waits here
            line += buffer.readline();
        }
        return line;
    }

    static String manager(Buffer buffer, List<String> reads) {
        Monitor<Object, Object> m = new Monitor<>();
        Monitor.Run<Object, Object, String> parser = m.start(() -> readline(m, buffer));
        int next = 0;
        while (true) {
            try {
                return parser.await();
            } catch (OobData more) {
                buffer.fill(reads.get(next++)); // real code would read from a socket here
            }
        }
    }
    // end-snippet

    @Test
    void theMonitorParser() {
        List<String> reads = List.of("hel", "lo\n");
        assertThat(Loop.run(() -> manager(new Buffer(), reads))).isEqualTo("hello\n");
        assertThat(Simulation.run(1, () -> manager(new Buffer(), reads)).value()).isEqualTo("hello\n");
        assertThat(manager(new Buffer(), reads)).isEqualTo("hello\n"); // outside any loop
    }

    private static List<Integer> generator() {
        // snippet:generator
        List<Integer> values = new ArrayList<>();
        try (Generator<Integer> numbers = Generator.of(g -> {
            g.yield(1); // the body yields...
            TaskGroup.with(tg -> tg.spawn("helper", () -> {
                g.yield(2); // ...and so can a task it hands g to
            }).join());
        })) {
            for (int n : numbers) {
                values.add(n);
            }
        }
        // values is [1, 2]
        // end-snippet
        return values;
    }

    @Test
    void generatorsYieldFromTheBodyAndFromHelpers() {
        assertThat(Loop.run(ControllingExecutionSnippetsTest::generator)).containsExactly(1, 2);
        assertThat(Simulation.run(5, ControllingExecutionSnippetsTest::generator).value()).containsExactly(1, 2);
    }

    private static List<String> switching() {
        // snippet:switch
        List<String> log = new ArrayList<>();
        TaskGroup.with(tg -> {
            Task<Boolean> a = tg.spawn("a", () -> log.add("a"));
            Task<Boolean> b = tg.spawn("b", () -> log.add("b"));
            log.add("runnable: " + Loop.runnableTasks().size());
            Loop.switchTo(b, 1); // b runs now, even in a simulation; then, in FIFO order, this task
            log.add("main");
            return null;
        });
        // FIFO order (Loop.run): [runnable: 2, b, main, a]
        // end-snippet
        return log;
    }

    @Test
    void switchToRunsTheTargetNext() {
        assertThat(Loop.run(ControllingExecutionSnippetsTest::switching)).containsExactly("runnable: 2", "b", "main", "a");
        for (long seed = 0; seed < 10; seed++) {
            assertThat(Simulation.run(seed, ControllingExecutionSnippetsTest::switching).value().get(1)).isEqualTo("b");
        }
    }

    // snippet:interrupt-exception
    static final class Shutdown extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Shutdown() {
            super("shut down");
        }
    }
    // end-snippet

    private static List<String> interrupting() {
        // snippet:interrupt
        List<String> log = new ArrayList<>();
        TaskGroup.with(tg -> {
            Task<Void> worker = tg.spawn("worker", () -> {
                try {
                    Loop.sleep(Duration.ofHours(1));
                } catch (Shutdown e) {
                    log.add("worker: " + e.getMessage());
                }
            });
            while (!worker.isBlocked()) {
                Loop.checkpoint();
            }
            worker.interrupt(new Shutdown()); // the worker runs now and takes it at its sleep
            log.add("worker done: " + worker.isDone());
            return null;
        });
        // log is [worker: shut down, worker done: true]
        // end-snippet
        return log;
    }

    @Test
    void interruptRunsTheTargetAtOnce() {
        assertThat(Loop.run(ControllingExecutionSnippetsTest::interrupting))
                .containsExactly("worker: shut down", "worker done: true");
        assertThat(Simulation.run(2, ControllingExecutionSnippetsTest::interrupting).value())
                .containsExactly("worker: shut down", "worker done: true");
    }

    private static String timeout() {
        // snippet:task-timeout
        try {
            return Loop.taskTimeout(Duration.ofSeconds(2), () -> {
                Loop.sleep(Duration.ofSeconds(5));
                return "finished";
            });
        } catch (TaskTimeoutException e) {
            return "timed out at " + Duration.ofNanos(Loop.nanoTime()); // PT2S in a simulation
        }
        // end-snippet
    }

    @Test
    void taskTimeoutRaisesItsOwnException() {
        assertThat(Simulation.run(1, ControllingExecutionSnippetsTest::timeout).value()).isEqualTo("timed out at PT2S");
    }
}
