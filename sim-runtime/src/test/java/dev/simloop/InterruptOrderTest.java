package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

/**
 * JDK code interrupts several threads in an order of its own, which differs between runs of one
 * seed: a pool's close walks its workers in a HashSet of identity-hashed objects. The tasks it
 * interrupts become ready in spawn order at the end of the step, so the seed decides the run.
 */
class InterruptOrderTest {
    /** A fixed pool of tasks, closed: it interrupts its idle workers in its HashSet's order. */
    private static List<String> poolClosed() throws Exception {
        List<String> ended = Collections.synchronizedList(new ArrayList<>());
        ThreadFactory tasks = r -> Loop.threadFactory().newThread(() -> {
            r.run();
            ended.add(Thread.currentThread().getName());
        });
        ExecutorService pool = Executors.newFixedThreadPool(4, tasks);
        List<Future<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            fs.add(pool.submit(() -> 1));
        }
        for (Future<Integer> f : fs) {
            f.get();
        }
        pool.close();
        return ended;
    }

    /** Tasks of a thread-per-task executor blocked in a latch, then shutdownNow: it interrupts them in a set's order. */
    private static List<String> shutDownNow() throws Exception {
        List<String> interrupted = Collections.synchronizedList(new ArrayList<>());
        ExecutorService ex = Executors.newThreadPerTaskExecutor(Loop.threadFactory());
        for (int i = 0; i < 4; i++) {
            int k = i;
            ex.submit(() -> {
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    interrupted.add("t" + k);
                }
                return null;
            });
        }
        Loop.sleep(Duration.ofMillis(10));
        ex.shutdownNow();
        ex.close();
        return interrupted;
    }

    private static Set<String> runsOfOneSeed(ThrowingSupplier<List<String>> program) {
        Set<String> runs = new TreeSet<>();
        for (int i = 0; i < 12; i++) {
            SimResult<List<String>> r = Simulation.run(1, program);
            assertThat(r.failed()).as("%s", r.failure()).isFalse();
            runs.add(r.value() + " " + r.replayLine() + " " + r.traceDigest());
        }
        return runs;
    }

    @Test
    void aPoolThatClosesMakesOneRunPerSeed() {
        assertThat(runsOfOneSeed(InterruptOrderTest::poolClosed)).hasSize(1);
    }

    @Test
    void anExecutorShutDownNowMakesOneRunPerSeedAndItsLineReplaysIt() {
        Set<String> runs = runsOfOneSeed(InterruptOrderTest::shutDownNow);
        assertThat(runs).hasSize(1);
        String[] run = runs.iterator().next().split(" (?=simloop:)|(?<=[0-9a-f]{8}) ");
        SimResult<List<String>> replayed = Simulation.builder().replay(run[1]).run(InterruptOrderTest::shutDownNow);
        assertThat(replayed.value() + " " + replayed.replayLine() + " " + replayed.traceDigest())
                .isEqualTo(runs.iterator().next());
    }
}
