package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The JVM counts thread ids over all its threads, so a task's {@code threadId()} depends on the runs
 * before it and no replay line repeats it. checkDeterminism's second run gets ids set apart from the
 * first run's by a prime over 64, so a program whose steps depend on {@code threadId() % n} takes
 * other steps in it, for every n up to 64, whatever number of threads a run makes. Before, the offset
 * was the number of threads the first run made: a run that made two gave {@code % 2} one value in
 * both runs, and the check passed (so did 3 threads for {@code % 3}, 4 for {@code % 4}).
 */
class ThreadIdsInDeterminismCheckTest {

    /** Spawns {@code tasks} tasks, then takes {@code threadId() % modulus} more steps. */
    private static SimResult<?> checked(int tasks, int modulus) {
        return Simulation.builder().seed(1).checkDeterminism(true).run(() -> {
            TaskGroup.with(g -> {
                for (int i = 0; i < tasks; i++) {
                    g.spawn(() -> { });
                }
                return null;
            });
            for (long i = Thread.currentThread().threadId() % modulus; i > 0; i--) {
                Loop.checkpoint();
            }
            return null;
        });
    }

    @Test
    void aProgramWhoseStepsDependOnItsThreadIdFailsTheCheckWhateverTheThreadsARunMakes() {
        for (int tasks = 0; tasks <= 4; tasks++) {
            for (int modulus : new int[] {2, 3, 4, 5, 8, 16, 64}) {
                assertThat(checked(tasks, modulus).failure())
                        .as("%d tasks, threadId() %% %d", tasks, modulus)
                        .isInstanceOf(NondeterminismDetected.class);
            }
        }
    }

    @Test
    void aProgramThatDoesNotLookAtThreadIdsPassesTheCheck() {
        SimResult<?> r = Simulation.builder().seed(1).checkDeterminism(true).run(() -> TaskGroup.with(g -> {
            g.spawn(() -> Loop.checkpoint());
            g.spawn(() -> Loop.checkpoint());
            return null;
        }));
        assertThat(r.failure()).isNull();
    }
}
