package dev.simloop.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

/**
 * {@link Threads#servesTheJvm}: which threads that wake a task from outside may have started during a
 * run without the run's code having started them, so that their wake-up is not blamed on a library the
 * task called (the "started after the run began" message of {@code NondeterminismDetected}).
 */
class ThreadsTest {
    @Test
    void aWorkerOfTheCommonPoolServesTheJvm() throws Exception {
        Thread worker = ForkJoinPool.commonPool().submit(Thread::currentThread).get();
        assertThat(Threads.servesTheJvm(worker)).as(Threads.describe(worker)).isTrue();
        assertThat(Threads.describe(worker)).startsWith("a worker of ForkJoinPool.commonPool() ");
    }

    @Test
    void theJdksOwnThreadsServeTheJvmByTheirNames() {
        for (String name : new String[] {"VirtualThread-unparker", "Read-Poller", "SubPoller-1"}) {
            Thread t = Thread.ofPlatform().name(name).unstarted(() -> { });
            assertThat(Threads.servesTheJvm(t)).as(name).isTrue();
            assertThat(Threads.describe(t)).isEqualTo("the JDK's own thread '" + name + "'");
        }
    }

    @Test
    void aThreadOfALibraryOrAPoolOfItsOwnDoesNot() throws Exception {
        Thread library = Thread.ofPlatform().name("library-worker").unstarted(() -> { });
        assertThat(Threads.servesTheJvm(library)).isFalse();
        ForkJoinPool own = new ForkJoinPool(1);
        try {
            Thread worker = own.submit(Thread::currentThread).get();
            assertThat(Threads.servesTheJvm(worker)).isFalse();
            assertThat(Threads.describe(worker)).startsWith("a worker of a ForkJoinPool, thread '");
        } finally {
            own.shutdownNow();
        }
    }
}
