package dev.simloop.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The engine under every exploration: results committed in hand-out order whatever the workers do,
 * chunks that never run past a stop, and the window that bounds how far hand-out runs ahead.
 */
class OrderedRunsTest {
    /** Jobs 0 to {@code total - 1}; what ran and what was committed, in order. */
    private static final class Jobs {
        final int total;
        int next;
        final Set<Integer> ran = ConcurrentHashMap.newKeySet();
        final List<Integer> committed = new ArrayList<>();

        Jobs(int total) {
            this.total = total;
        }

        Integer take() {
            return next < total ? next++ : null;
        }

        OrderedRuns.Ending run(int workers, Function<Integer, Integer> body, IntPredicate mayStop, IntPredicate stopAt,
                BooleanSupplier stopHandOut) {
            OrderedRuns<Integer, Integer> runs = new OrderedRuns<>(workers, this::take, job -> {
                ran.add(job);
                return body.apply(job);
            }, mayStop::test, (job, result) -> {
                committed.add(result);
                return stopAt.test(result);
            }, stopHandOut);
            return runs.runOnDrivers(caller -> { });
        }
    }

    private static List<Integer> upTo(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    @Test
    void resultsAreCommittedInHandOutOrderWhicheverWorkerFinishesFirst() {
        for (int workers : new int[] {1, 2, 3}) {
            Jobs jobs = new Jobs(2_000);
            OrderedRuns.Ending ending = jobs.run(workers, job -> {
                if (job % 7 == 0) {
                    Thread.yield(); // let another worker overtake
                }
                return job;
            }, r -> false, r -> false, () -> false);
            assertThat(ending).isEqualTo(OrderedRuns.Ending.SOURCE_DONE);
            assertThat(jobs.committed).as("%d workers", workers).isEqualTo(upTo(2_000));
        }
    }

    @Test
    void aNullResultIsCommittedInItsPlaceLikeAnyOther() {
        // Explorer and the JUnit extension hand in null for a passing schedule whose result nothing reads
        int[] next = {0};
        List<Integer> jobs = new ArrayList<>();
        List<Integer> results = new ArrayList<>();
        List<Integer> askedToStopAt = java.util.Collections.synchronizedList(new ArrayList<>());
        OrderedRuns<Integer, Integer> runs = new OrderedRuns<>(2, () -> next[0] < 1_000 ? next[0]++ : null,
                job -> job % 3 == 0 ? job : null, r -> {
                    askedToStopAt.add(r);
                    return r != null && r == 999;
                }, (job, r) -> {
                    jobs.add(job);
                    results.add(r);
                    return r != null && r == 999;
                }, () -> false);
        assertThat(runs.runOnDrivers(caller -> { })).isEqualTo(OrderedRuns.Ending.STOPPED_BY_SINK);
        assertThat(jobs).isEqualTo(upTo(1_000));
        assertThat(results).isEqualTo(IntStream.range(0, 1_000).mapToObj(i -> i % 3 == 0 ? i : null).toList());
        assertThat(askedToStopAt).contains((Integer) null);
    }

    @Test
    void aWorkerTakesOneJobThenTwiceAsManyUpToAChunkAndOneAgainAfterTheSourceRanDry() {
        int[] next = {0};
        boolean[] ranDry = {false};
        List<Integer> committed = new ArrayList<>();
        List<Integer> chunkStarts = new ArrayList<>();
        OrderedRuns<Integer, Integer> runs = new OrderedRuns<>(1, () -> {
            if (next[0] == 21 && !ranDry[0]) {
                ranDry[0] = true; // nothing to hand out, once: a narrow supply
                return null;
            }
            return next[0] < 40 ? next[0]++ : null;
        }, job -> {
            if (committed.size() == job) {
                chunkStarts.add(job); // everything before it is committed: the first job of a chunk
            }
            return job;
        }, r -> false, (job, r) -> !committed.add(r), () -> false);
        assertThat(runs.runOnDrivers(caller -> { })).isEqualTo(OrderedRuns.Ending.SOURCE_DONE);
        assertThat(committed).isEqualTo(upTo(40));
        // chunks of 1, 2, 4, 8, then 6 (the source ran dry after job 20), then 1, 2, 4, 8 and the last 4
        assertThat(chunkStarts).containsExactly(0, 1, 3, 7, 15, 21, 22, 24, 28, 36);
    }

    @Test
    void aResultTheSinkMayStopAtIsCommittedBeforeItsWorkerRunsTheRestOfItsChunk() {
        Jobs jobs = new Jobs(100);
        OrderedRuns.Ending ending = jobs.run(1, job -> job, r -> r == 3, r -> r == 3, () -> false);
        assertThat(ending).isEqualTo(OrderedRuns.Ending.STOPPED_BY_SINK);
        assertThat(jobs.committed).isEqualTo(upTo(4));
        assertThat(jobs.ran).isEqualTo(Set.copyOf(upTo(4))); // job 4 is in the same chunk, and never runs
    }

    @Test
    void resultsAfterTheOneTheSinkStopsAtAreDroppedEvenWhenTheyRan() {
        Jobs jobs = new Jobs(100);
        // mayStop says no, so the chunk runs on after job 3, but nothing after it is committed
        OrderedRuns.Ending ending = jobs.run(1, job -> job, r -> false, r -> r == 3, () -> false);
        assertThat(ending).isEqualTo(OrderedRuns.Ending.STOPPED_BY_SINK);
        assertThat(jobs.committed).isEqualTo(upTo(4));
        // chunks of 1, 2 and 4 jobs: job 3 opens the third, which runs to its end
        assertThat(jobs.ran).isEqualTo(Set.copyOf(upTo(7)));
    }

    @Test
    void whenStopHandOutSaysStopTheChunksRestDoesNotRunAndTheCommitsAreAPrefix() {
        Jobs jobs = new Jobs(100);
        // chunks of 1, 2 and 4 jobs: the stop comes after job 3, the first of the third chunk
        OrderedRuns.Ending ending = jobs.run(1, job -> job, r -> false, r -> false, () -> jobs.ran.size() == 4);
        assertThat(ending).isEqualTo(OrderedRuns.Ending.HAND_OUT_STOPPED);
        assertThat(jobs.ran).isEqualTo(Set.copyOf(upTo(4)));
        assertThat(jobs.committed).isEqualTo(upTo(4));
    }

    @Test
    void onSeveralWorkersAStoppedHandOutStillCommitsAPrefixOfWhatRan() {
        for (int round = 0; round < 20; round++) {
            Jobs jobs = new Jobs(10_000);
            AtomicInteger asked = new AtomicInteger();
            OrderedRuns.Ending ending = jobs.run(3, job -> job, r -> false, r -> false,
                    () -> asked.incrementAndGet() > 500);
            assertThat(ending).isEqualTo(OrderedRuns.Ending.HAND_OUT_STOPPED);
            int n = jobs.committed.size();
            assertThat(jobs.committed).as("round %d", round).isEqualTo(upTo(n));
            assertThat(jobs.ran).containsAll(jobs.committed);
            assertThat(n).isLessThan(10_000);
        }
    }

    @Test
    void whileOneJobIsStuckTheOthersRunAtMostOneWindowAhead() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch windowRan = new CountDownLatch(1);
        int window = 2 * OrderedRuns.WINDOW_PER_WORKER;
        Jobs jobs = new Jobs(4 * window);
        AtomicInteger beyondWhileStuck = new AtomicInteger(-1);
        Thread runner = new Thread(() -> jobs.run(2, job -> {
            if (job == 0) {
                await(release);
            } else if (release.getCount() > 0) {
                if (job >= window) {
                    beyondWhileStuck.set(job);
                }
                if (job == window - 1) {
                    windowRan.countDown(); // the last job the window lets out before job 0 is committed
                }
            }
            return job;
        }, r -> false, r -> false, () -> false));
        runner.start();
        // the other worker runs every job of the window while job 0 is stuck, then waits for its commit
        assertThat(windowRan.await(60, TimeUnit.SECONDS)).isTrue();
        release.countDown();
        runner.join(60_000);
        assertThat(beyondWhileStuck).hasValue(-1);
        assertThat(jobs.committed).isEqualTo(upTo(4 * window));
    }

    @Test
    void aWorkerWithNothingLeftToTakeEndsAtOnceWhenTheSourceIsExhaustedAndTheLastHandInEndsTheRuns()
            throws Exception {
        int[] next = {0};
        OrderedRuns.Source<Integer> source = new OrderedRuns.Source<>() {
            @Override
            public Integer take() {
                return next[0] < 10 ? next[0]++ : null;
            }

            @Override
            public boolean exhausted() {
                return next[0] == 10;
            }
        };
        CountDownLatch firstJobStarted = new CountDownLatch(1);
        CountDownLatch secondWorkerEnded = new CountDownLatch(1);
        boolean[] endedWhileFirstJobRan = {false};
        List<Integer> committed = new ArrayList<>();
        OrderedRuns<Integer, Integer> runs = new OrderedRuns<>(2, source, job -> {
            if (job == 0) {
                firstJobStarted.countDown();
                try {
                    // before exhausted(), the other worker waited for this job's commit: a deadlock, cut short here
                    endedWhileFirstJobRan[0] = secondWorkerEnded.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            return job;
        }, r -> false, (job, r) -> !committed.add(r), () -> false);
        List<java.util.concurrent.Callable<Void>> bodies = runs.workers();
        Thread first = new Thread(() -> call(bodies.get(0))); // takes job 0 alone (a first chunk is one job) and holds it
        first.start();
        assertThat(firstJobStarted.await(60, TimeUnit.SECONDS)).isTrue();
        Thread second = new Thread(() -> call(bodies.get(1))); // runs jobs 1 to 9, whose commits wait for job 0
        second.start();
        second.join(60_000);
        assertThat(second.isAlive()).as("the second worker ended with its results uncommitted").isFalse();
        assertThat(runs.ending()).as("nothing has ended the runs yet: job 0 is out").isNull();
        secondWorkerEnded.countDown();
        first.join(60_000);
        assertThat(endedWhileFirstJobRan[0]).isTrue();
        assertThat(runs.ending()).isEqualTo(OrderedRuns.Ending.SOURCE_DONE);
        assertThat(committed).isEqualTo(upTo(10));
    }

    private static void call(java.util.concurrent.Callable<Void> body) {
        try {
            body.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
