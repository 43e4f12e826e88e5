package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.sync.Event;
import dev.simloop.sync.Lock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A run in which thousands of tasks are ready at once (one {@code Event.set} wakes 3,000): the
 * ready queue then holds them in chunks rather than one ring (internal {@code ReadyChunks}), PCT
 * and POS find their pick through each chunk's own best, the priority policy reads the queue in
 * one copy, and nothing of the run may change. The digests below were recorded with the single
 * ring, before the chunks existed, so every strategy must still make exactly the choices it made
 * then (and so replay every line recorded then).
 */
class LargeReadyQueueTest {
    private static final int TASKS = 3_000;

    /** 3,000 tasks wait for one event, then race on a counter; every fifth takes a lock. */
    static int program() {
        Event e = new Event();
        Lock lock = new Lock();
        int[] count = new int[1];
        TaskGroup.with(g -> {
            for (int i = 0; i < TASKS; i++) {
                int id = i;
                g.spawn(() -> {
                    if (id % 3 == 0) {
                        Loop.checkpoint();
                    }
                    e.await();
                    Loop.checkpoint();
                    int v = count[0];
                    Loop.checkpoint();
                    count[0] = v + 1;
                    if (id % 5 == 0) {
                        lock.acquire();
                        try {
                            Loop.checkpoint();
                        } finally {
                            lock.release();
                        }
                    }
                });
                if (i % 700 == 0) {
                    Loop.checkpoint();
                }
            }
            Loop.sleep(Duration.ofSeconds(1));
            e.set();
            return null;
        });
        return count[0];
    }

    private static void assertRun(String strategy, int value, int preemptions, String digest) {
        SimResult<Integer> r = Simulation.builder().seed(1).strategy(Strategy.parse(strategy)).run(LargeReadyQueueTest::program);
        assertThat(r.value()).as(strategy).isEqualTo(value);
        assertThat(r.steps()).as(strategy).isEqualTo(14_208);
        assertThat(r.preemptions()).as(strategy).isEqualTo(preemptions);
        assertThat(r.traceDigest()).as(strategy).isEqualTo(digest);
    }

    @Test
    void randomPicksAnywhereInAQueueOfThousandsAsItDidInOneRing() {
        assertRun("random", 15, 7005, "8070d0fd6c814965");
    }

    @Test
    void pctFindsTheSameMostUrgentTaskThroughTheChunks() {
        assertRun("pct(3)", 3000, 5, "1cdde436344d6339");
    }

    @Test
    void posAndSpawnerFirstAndFifoMakeTheSameChoices() {
        assertRun("pos", 16, 2947, "f0c31285516935d1");
        assertRun("spawnerfirst", 8, 6997, "5dbe326208a27284");
        assertRun("fifo", 1, 7006, "e2630a04bc32e6a8");
    }

    @Test
    void withThePriorityPolicyItsViewOfTheCandidatesGivesTheSameChoices() {
        record Golden(String strategy, int value, int preemptions, String digest) {
        }
        for (Golden g : java.util.List.of(new Golden("random", 9, 1599, "53f24acadfaff513"),
                new Golden("pct(3)", 297, 8, "07376e307867b762"), new Golden("pos", 13, 1221, "3bc010604dd36716"),
                new Golden("fifo", 1, 2004, "4a6a758ec90d3b20"))) {
            SimResult<Integer> r = Simulation.builder().seed(1).strategy(Strategy.parse(g.strategy()))
                    .priorityPolicy(PriorityPolicy.standard()).run(LargeReadyQueueTest::program);
            assertThat(r.value()).as(g.strategy()).isEqualTo(g.value());
            assertThat(r.steps()).as(g.strategy()).isEqualTo(14_208);
            assertThat(r.preemptions()).as(g.strategy()).isEqualTo(g.preemptions());
            assertThat(r.traceDigest()).as(g.strategy()).isEqualTo(g.digest());
        }
    }

    @Test
    void aLargeRunReplaysFromItsLine() {
        SimResult<Integer> first = Simulation.builder().seed(2).run(LargeReadyQueueTest::program);
        SimResult<Integer> again = Simulation.builder().replay(first.replayLine()).run(LargeReadyQueueTest::program);
        assertThat(again.traceDigest()).isEqualTo(first.traceDigest()).isEqualTo("a5182c85a9abacf9");
        assertThat(again.value()).isEqualTo(first.value());
    }
}
