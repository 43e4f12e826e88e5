package dev.simloop.vt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Exploration;
import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.TaskGroup;
import dev.simloop.ThrowingSupplier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/** Timed JDK waits on the virtual clock are seeded choices like any other: replayed, explored. */
class DeterminismTest {
    /** Workers that sleep random amounts, contend for a lock with time-outs and poll a queue with one. */
    static final ThrowingSupplier<String> BUSY = () -> {
        ReentrantLock lock = new ReentrantLock();
        LinkedBlockingQueue<Integer> queue = new LinkedBlockingQueue<>();
        ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
        TaskGroup.with(tg -> {
            for (int i = 0; i < 4; i++) {
                int id = i;
                tg.spawn("worker-" + id, () -> {
                    for (int round = 0; round < 3; round++) {
                        Thread.sleep(Loop.random().nextInt(5));
                        if (lock.tryLock(Loop.random().nextInt(3), TimeUnit.MILLISECONDS)) {
                            try {
                                Thread.sleep(2);
                                queue.offer(id);
                            } finally {
                                lock.unlock();
                            }
                        }
                        log.add(id + ":" + queue.poll(1, TimeUnit.MILLISECONDS) + "@" + System.nanoTime() % 1_000_000_000);
                    }
                });
            }
            return null;
        });
        return String.join(" ", log);
    };

    @Test
    void theSameSeedGivesTheSameRun() {
        for (long seed = 1; seed <= 5; seed++) {
            SimResult<String> first = Simulation.run(seed, BUSY);
            SimResult<String> second = Simulation.run(seed, BUSY);
            assertThat(first.failure()).isNull();
            assertThat(second.value()).isEqualTo(first.value());
            assertThat(second.traceDigest()).isEqualTo(first.traceDigest());
            assertThat(second.virtualTime()).isEqualTo(first.virtualTime());
        }
        SimResult<String> checked = Simulation.builder().seed(7).checkDeterminism(true).run(BUSY);
        assertThat(checked.failure()).isNull();
    }

    @Test
    void aRunReplaysFromItsLine() {
        SimResult<String> run = Simulation.run(3, BUSY);
        SimResult<String> replayed = Simulation.builder().replay(run.replayLine()).run(BUSY);
        assertThat(replayed.value()).isEqualTo(run.value());
        assertThat(replayed.traceDigest()).isEqualTo(run.traceDigest());
    }

    /** A poll that times out at the very instant another task's sleep ends and it offers. */
    static final ThrowingSupplier<String> TIE = () -> {
        LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
        return TaskGroup.with(tg -> {
            tg.spawn("producer", () -> {
                Thread.sleep(1_000);
                queue.offer("item");
            });
            return String.valueOf(queue.poll(1, TimeUnit.SECONDS));
        });
    };

    @Test
    void aTimeOutTiedWithTheWakeUpThatWouldEndItIsAChoiceThatSeedsExplore() {
        Set<String> outcomes = new TreeSet<>();
        List<Duration> times = new ArrayList<>();
        for (long seed = 0; seed < 64; seed++) {
            SimResult<String> r = Simulation.run(seed, TIE);
            outcomes.add(r.value());
            times.add(r.virtualTime());
        }
        assertThat(outcomes).containsExactly("item", "null");
        assertThat(times).containsOnly(Duration.ofSeconds(1));
    }

    @Test
    void anExplorationFindsTheTimeOutThatWinsTheTieAndItsLineReplaysIt() {
        ThrowingSupplier<String> mustGetTheItem = () -> {
            String got = TIE.get();
            if (!got.equals("item")) {
                throw new AssertionError("the poll timed out although the item was offered at its deadline");
            }
            return got;
        };
        Exploration.Report<String> report = Exploration.of(mustGetTheItem).schedules(100).run();
        SimResult<String> failure = report.firstFailure().orElseThrow();
        assertThat(failure.failure()).hasMessage("the poll timed out although the item was offered at its deadline");
        SimResult<String> replayed = Simulation.builder().replay(failure.replayLine()).run(mustGetTheItem);
        assertThat(replayed.failure()).hasMessage(failure.failure().getMessage());
        assertThat(replayed.traceDigest()).isEqualTo(failure.traceDigest());
    }
}
