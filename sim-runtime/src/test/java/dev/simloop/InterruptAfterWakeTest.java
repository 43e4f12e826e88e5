package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.sync.Event;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An interrupt that reaches a task after its simloop wait was already ended (the event set, then the
 * thread interrupted, before the waiter ran again) is kept, as the JDK keeps an interrupt that comes
 * after an unpark: the wait returns normally, the interrupt status stays set, and the task's next
 * java.util.concurrent wait throws InterruptedException. Before, the wait cleared it: a latch that
 * only the interrupt could end hung a real loop silently, and a StructuredTaskScope whose winning
 * fork interrupted a fork the clock had just woken never closed.
 */
class InterruptAfterWakeTest {
    private static String setThenInterrupt() throws InterruptedException {
        Event ev = new Event("ev");
        StringBuilder log = new StringBuilder();
        Thread waiter = Loop.threadFactory().newThread(() -> {
            ev.await();
            log.append("awaited, interrupted=").append(Thread.currentThread().isInterrupted());
            try {
                new CountDownLatch(1).await(); // only the interrupt ends this
                log.append("; latch returned");
            } catch (InterruptedException e) {
                log.append("; latch interrupted");
            }
        });
        Thread setter = Loop.threadFactory().newThread(() -> {
            Loop.checkpoint();
            ev.set();
            waiter.interrupt(); // in the same step as the set: the waiter has not run since
        });
        waiter.start();
        setter.start();
        waiter.join();
        setter.join();
        return log.toString();
    }

    @ParameterizedTest
    @EnumSource(Modes.class)
    void theInterruptOutlivesTheWakeUpAndEndsTheNextJdkWait(Modes mode) {
        assertThat(mode.run(InterruptAfterWakeTest::setThenInterrupt)).isEqualTo("awaited, interrupted=true; latch interrupted");
    }

    @org.junit.jupiter.api.Test
    void soUnderEverySeed() {
        for (long seed = 0; seed < 50; seed++) {
            SimResult<String> r = Simulation.run(seed, InterruptAfterWakeTest::setThenInterrupt);
            assertThat(r.failure()).as("seed %d", seed).isNull();
            assertThat(r.value()).as("seed %d", seed).endsWith("; latch interrupted");
        }
    }
}
