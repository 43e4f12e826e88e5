package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** An exploration's count of distinct interleavings, past the point where it becomes an estimate. */
class ExplorationDistinctCountTest {
    @Test
    void pastTheExactLimitTheReportSaysAboutAndStaysCloseToTheSchedulesRun() {
        int schedules = 300_000; // past the 262,144 counted exactly; three tasks of 12 steps: nearly all distinct
        Exploration.Report<Integer> r = Exploration.of(() -> {
            int[] c = {0};
            TaskGroup.with(g -> {
                for (int t = 0; t < 3; t++) {
                    g.spawn(() -> {
                        for (int i = 0; i < 12; i++) {
                            c[0]++;
                            Loop.checkpoint();
                        }
                    });
                }
                return null;
            });
            return c[0];
        }).strategy(Strategy.random()).seed(11).schedules(schedules).run();
        assertThat(r.schedulesRun()).isEqualTo(schedules);
        assertThat(r.distinctDigests()).isBetween((int) (schedules * 0.95), schedules);
        assertThat(r.toString()).contains("300000 schedules (about " + r.distinctDigests() + " distinct)");
    }

    /** A schedule that runs away (a step over its wall-time limit) was explored too: it counts among the distinct ones. */
    @Test
    void aScheduleThatRanAwayIsCountedAmongTheDistinct() throws InterruptedException {
        java.util.concurrent.atomic.AtomicReference<Thread> runaway = new java.util.concurrent.atomic.AtomicReference<>();
        Exploration.Report<Integer> r = Exploration.of(() -> {
            runaway.set(Thread.currentThread());
            long end = System.nanoTime() + 500_000_000L; // spins past the limit: no checkpoint
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            return 0;
        }).strategy(Strategy.random()).seed(3).schedules(1).maxStepWallTime(java.time.Duration.ofMillis(50)).run();
        runaway.get().join(java.time.Duration.ofSeconds(30)); // it spins on after the report: not beside the next test's runs
        assertThat(runaway.get().isAlive()).isFalse();
        assertThat(r.schedulesRun()).isEqualTo(1);
        assertThat(r.failingSchedules()).isEqualTo(1);
        assertThat(r.distinctDigests()).isEqualTo(1);
    }
}
