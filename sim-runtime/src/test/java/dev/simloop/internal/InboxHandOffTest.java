package dev.simloop.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The inbox: actions posted from other threads run on the driver, in posting order, and wake it. */
class InboxHandOffTest {

    @Test
    void drainRunsEveryPostedActionInOrderAndClearsPending() {
        Inbox inbox = new Inbox();
        List<Integer> ran = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            inbox.post(() -> ran.add(n));
        }
        assertThat(inbox.isPending()).isTrue();
        inbox.drain();
        assertThat(ran).containsExactly(0, 1, 2, 3, 4);
        assertThat(inbox.isPending()).isFalse();
    }

    @Test
    @Timeout(30)
    void awaitReturnsWhenAnotherThreadPostsAndRunsWhatCame() throws InterruptedException {
        Inbox inbox = new Inbox();
        inbox.setDriver(Thread.currentThread());
        List<String> ran = new ArrayList<>();
        CountDownLatch waiting = new CountDownLatch(1);
        Thread poster = Thread.ofPlatform().start(() -> {
            try {
                waiting.await();
            } catch (InterruptedException e) {
                return;
            }
            inbox.post(() -> ran.add("from " + Thread.currentThread().getName()));
        });
        waiting.countDown();
        boolean arrived = inbox.await(Long.MAX_VALUE, () -> false);
        poster.join();
        assertThat(arrived).isTrue();
        assertThat(ran).containsExactly("from " + Thread.currentThread().getName()); // it runs on the driver
    }

    @Test
    void awaitGivesUpAtItsDeadlineOrWhenStopped() {
        Inbox inbox = new Inbox();
        inbox.setDriver(Thread.currentThread());
        assertThat(inbox.await(System.nanoTime() + 1_000_000, () -> false)).isFalse();
        assertThat(inbox.await(Long.MAX_VALUE, () -> true)).isFalse();
    }
}
