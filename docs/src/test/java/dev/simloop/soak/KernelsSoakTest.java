package dev.simloop.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.simloop.Loop;
import dev.simloop.Task;
import dev.simloop.TaskGroup;
import dev.simloop.junit.SimulatedLoop;
import dev.simloop.sync.Channel;
import dev.simloop.sync.Lock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The project's own kernels, correct versions, for time-budgeted soak runs: {@code mvn -Psoak -pl docs
 * -am verify} explores each for {@code -Dsoak.time} (default ten minutes) on {@code -Dsoak.parallelism}
 * threads, with {@code -Dsimloop.schedules} as the cap (see docs/scale-out.md). Outside that profile
 * these tests are not run; each is a plain explored test of 1,000 schedules.
 */
@SimulatedLoop(schedules = 1000)
class KernelsSoakTest {
    /** Two deposits under a lock: the demo's account, fixed. */
    @Test
    void depositsUnderALockAddUp() {
        int[] balance = {0};
        Lock lock = new Lock("account");
        TaskGroup.with(tg -> {
            for (int amount : new int[] {100, 50, 25}) {
                tg.spawn("deposit-" + amount, () -> {
                    Loop.sleep(Duration.ofMillis(Loop.random().nextInt(10)));
                    lock.acquire();
                    try {
                        int read = balance[0];
                        Loop.sleep(Duration.ofMillis(2));
                        balance[0] = read + amount;
                    } finally {
                        lock.release();
                    }
                });
            }
            return null;
        });
        assertEquals(175, balance[0]);
    }

    /** Producers and a consumer over a bounded channel: nothing lost, nothing twice, in order per producer. */
    @Test
    void aBoundedChannelDeliversEveryItemOnce() {
        Channel<String> channel = new Channel<>(2);
        List<String> received = TaskGroup.with(tg -> {
            Task<List<String>> consumer = tg.spawn("consumer", () -> {
                List<String> got = new ArrayList<>();
                for (String item : channel) {
                    got.add(item);
                }
                return got;
            });
            TaskGroup.with(producers -> {
                for (String p : new String[] {"p", "q"}) {
                    producers.spawn(p, () -> {
                        for (int i = 0; i < 4; i++) {
                            channel.send(p + i);
                            Loop.checkpoint();
                        }
                    });
                }
                return null;
            });
            channel.close();
            return consumer.join();
        });
        assertEquals(8, received.size());
        assertEquals(List.of("p0", "p1", "p2", "p3"), received.stream().filter(s -> s.startsWith("p")).toList());
        assertEquals(List.of("q0", "q1", "q2", "q3"), received.stream().filter(s -> s.startsWith("q")).toList());
    }

    /** The README's fetchBoth: both results, at the virtual time of the slower fetch. */
    @Test
    void fetchBothReturnsBothAfterTheSlowerFetch() {
        int sum = TaskGroup.with(tg -> {
            Task<Integer> a = tg.spawn("a", () -> {
                Loop.sleep(Duration.ofMillis(10));
                return 10;
            });
            Task<Integer> b = tg.spawn("b", () -> {
                Loop.sleep(Duration.ofMillis(20));
                return 20;
            });
            return a.join() + b.join();
        });
        assertEquals(30, sum);
        assertEquals(Duration.ofMillis(20).toNanos(), Loop.nanoTime());
    }
}
