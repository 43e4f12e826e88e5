package dev.simloop.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.simloop.Cancelled;
import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Task;
import dev.simloop.TaskGroup;
import dev.simloop.sync.Event;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskGroupSnippetsTest {
    @Test
    void spawnAndJoin() {
        SimResult<Integer> r = Simulation.run(1, () -> {
            // snippet:spawn-join
            int sum = TaskGroup.with(tg -> {
                Task<Integer> a = tg.spawn("a", () -> { Loop.sleep(Duration.ofSeconds(1)); return 1; });
                Task<Integer> b = tg.spawn("b", () -> { Loop.sleep(Duration.ofSeconds(2)); return 2; });
                return a.join() + b.join();
            });
            // here both tasks are done, and 2 s of loop time have passed
            // end-snippet
            assertThat(Loop.nanoTime()).isEqualTo(Duration.ofSeconds(2).toNanos());
            return sum;
        });
        assertThat(r.value()).isEqualTo(3);
    }

    @Test
    void tasksInAThreadDump(@TempDir Path dir) {
        Path file = dir.resolve("threads.json");
        SimResult<String> r = Simulation.run(1, () -> TaskGroup.with(tg -> {
            Event ready = new Event();
            tg.spawn("consumer", () -> ready.await());
            Loop.checkpoint(); // the consumer runs up to its wait
            // snippet:thread-dump
            // the JDK's thread dump, taken off the loop: the tasks are under "simloop tasks"
            Loop.toThread(() -> {
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                        .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
                return null;
            });
            // end-snippet
            ready.set();
            return Files.readString(file);
        }));
        assertThat(r.failure()).isNull();
        String json = r.value();
        int container = json.indexOf("\"container\": \"simloop tasks");
        assertThat(container).as(json).isNotNegative();
        assertThat(json.indexOf("\"name\": \"consumer\"", container)).isGreaterThan(container);
    }

    @Test
    void failureCancelsSiblings() {
        List<String> log = new ArrayList<>();
        SimResult<Object> r = Simulation.run(1, () -> {
            // snippet:failure-cancels
            try {
                TaskGroup.with(tg -> {
                    tg.spawn("slow", () -> {
                        try {
                            Loop.sleep(Duration.ofHours(1));
                        } catch (Cancelled c) {
                            log.add("slow cancelled at " + Loop.nanoTime() + " ns");
                            throw c;                       // always let Cancelled propagate
                        }
                    });
                    tg.spawn("broken", () -> {
                        Loop.sleep(Duration.ofSeconds(1));
                        throw new IllegalStateException("disk full");
                    });
                    return null;
                });
            } catch (IllegalStateException e) {
                log.add("group failed: " + e.getMessage());   // the first failure, unchanged
            }
            // end-snippet
            return null;
        });
        assertThat(r.failed()).isFalse();
        assertThat(log).containsExactly("slow cancelled at 1000000000 ns", "group failed: disk full");
    }

    @Test
    void startHandshake() {
        SimResult<Integer> r = Simulation.run(1, () -> {
            // snippet:start-handshake
            return TaskGroup.with(tg -> {
                int port = tg.start("server", status -> {
                    int bound = 8080;                    // e.g. bind a socket first
                    status.started(bound);               // start(...) returns this value
                    Loop.sleep(Duration.ofMinutes(5));   // ...then serve
                });
                tg.cancel();                             // stop the server; the group ends normally
                return port;
            });
            // end-snippet
        });
        // The body reached no checkpoint after tg.cancel(), so it finished normally with its value.
        assertThat(r.value()).isEqualTo(8080);
    }

    @Test
    void startReturnsValueBeforeCancel() {
        SimResult<Integer> r = Simulation.run(1, () -> {
            int[] seen = {0};
            TaskGroup.with(tg -> {
                seen[0] = tg.start("server", status -> {
                    status.started(8080);
                    Loop.sleep(Duration.ofMinutes(5));
                });
                tg.cancel();
                return null;
            });
            return seen[0];
        });
        assertThat(r.value()).isEqualTo(8080);
        assertThat(r.virtualTime()).isEqualTo(Duration.ZERO);
    }

    @Test
    void rootGroupOutlivesSpawner() {
        SimResult<String> r = Simulation.run(1, () -> {
            Event done = new Event();
            // snippet:root-group
            TaskGroup.with(tg -> {
                // a background job that may outlive this group: the loop waits for it at the end
                Loop.rootGroup().spawn("flusher", () -> { Loop.sleep(Duration.ofSeconds(3)); done.set(); });
                return null;
            });
            // end-snippet
            assertThat(done.isSet()).isFalse();
            done.await();
            return "flushed at " + Loop.nanoTime();
        });
        assertThat(r.value()).isEqualTo("flushed at 3000000000");
    }

    @Test
    void spawnAfterFinishIsRejected() {
        SimResult<Object> r = Simulation.run(1, () -> {
            TaskGroup[] keep = new TaskGroup[1];
            TaskGroup.with(tg -> keep[0] = tg);
            assertThatThrownBy(() -> keep[0].spawn(() -> 1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("has finished");
            return null;
        });
        assertThat(r.failed()).as("%s", r).isFalse();
    }
}
