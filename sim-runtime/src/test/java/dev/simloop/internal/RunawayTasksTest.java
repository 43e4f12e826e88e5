package dev.simloop.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** {@link RunawayTasks}: which tasks a report names as still running, and in which order. */
class RunawayTasksTest {
    /**
     * The latest first, in the order they ran away, whatever their threads' identity hash codes (a
     * weak map's order, which differs by JVM, was the message's before); at most three named; a task
     * whose thread has ended is left out.
     */
    @Test
    void theLatestRunawaysAreNamedFirstInTheOrderTheyRanAway() throws InterruptedException {
        CountDownLatch end = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                Thread t = Thread.ofPlatform().start(() -> {
                    try {
                        end.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                threads.add(t);
                RunawayTasks.add(new TaskImpl<>(null, i, "r" + i, null, (Object) null, null, null, t));
            }
            assertThat(RunawayTasks.stillRunning()).startsWith("'r4', 'r3', 'r2', …");
        } finally {
            end.countDown();
        }
        for (Thread t : threads) {
            t.join();
        }
        // (runaways of earlier tests in this JVM may still be listed, or may have ended meanwhile)
        assertThat(RunawayTasks.stillRunning()).doesNotContain("'r0'", "'r1'", "'r2'", "'r3'", "'r4'");
    }
}
