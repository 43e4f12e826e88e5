package dev.simloop.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Loop;
import dev.simloop.TaskGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The same primitives on a real loop (wall clock, production FIFO order). */
class RealLoopTest {
    @Test
    void lockFairnessAndChannelOnARealLoop() {
        List<String> log = Loop.run(() -> {
            List<String> l = new ArrayList<>();
            Lock lock = new Lock();
            Channel<String> ch = new Channel<>(1);
            lock.acquire();
            TaskGroup.with(tg -> {
                tg.spawn("collector", () -> {
                    for (String v : ch) {
                        l.add(v);
                    }
                });
                TaskGroup.with(senders -> {
                    for (String n : List.of("a", "b", "c")) {
                        senders.spawn(n, () -> {
                            for (int round = 0; round < 2; round++) {
                                try (var _ = lock.hold()) {
                                    Loop.sleep(Duration.ofMillis(1));
                                    ch.send(n);
                                }
                            }
                        });
                    }
                    Sims.until(() -> lock.waiting() == 3);
                    lock.release();
                    return null;
                });
                ch.close();
                return null;
            });
            return l;
        });
        assertThat(log).containsExactly("a", "b", "c", "a", "b", "c");
    }
}
