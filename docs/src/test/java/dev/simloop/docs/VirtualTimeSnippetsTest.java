package dev.simloop.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.TaskGroup;
import dev.simloop.junit.SimulatedLoop;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Subtask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The snippets of docs/virtual-time.md. They need the simloop agent, so this class runs in its
 * own surefire execution, in a JVM started with {@code -javaagent} (docs/pom.xml).
 */
class VirtualTimeSnippetsTest {
    @Test
    void anHourOfThreadSleep() {
        // snippet:vt-sleep
        SimResult<Duration> r = Simulation.run(1, () -> {
            long start = System.nanoTime();
            Thread.sleep(Duration.ofHours(1));                   // JDK code, unchanged
            return Duration.ofNanos(System.nanoTime() - start);
        });
        System.out.println(r.value() + " at " + r.virtualTime());   // PT1H at PT1H, in well under a millisecond
        // end-snippet
        assertEquals(Duration.ofHours(1), r.value());
        assertEquals(Duration.ofHours(1), r.virtualTime());
    }

    // snippet:vt-junit
    @Test
    @SimulatedLoop(schedules = 100)
    void aSlowReplyTimesOut() throws Exception {
        BlockingQueue<String> replies = new LinkedBlockingQueue<>();
        CompletableFuture<String> answer = new CompletableFuture<>();
        long start = System.nanoTime();
        TaskGroup.with(tg -> {
            tg.spawn("slow server", () -> {
                Thread.sleep(3_000);
                replies.put("late");
                answer.complete("late");
            });
            assertNull(replies.poll(2, TimeUnit.SECONDS));                        // null at exactly 2 s
            assertThrows(TimeoutException.class, () -> answer.get(500, TimeUnit.MILLISECONDS));   // at 2.5 s
            assertEquals("late", replies.poll(1, TimeUnit.MINUTES));              // at 3 s
            return null;
        });
        assertEquals(Duration.ofSeconds(3), Duration.ofNanos(System.nanoTime() - start));
        assertEquals(Instant.parse("2025-01-01T00:00:03Z"), Instant.now());       // the virtual wall clock
    }
    // end-snippet

    // snippet:vt-scope-timeout
    @Test
    @SimulatedLoop(schedules = 20)
    void aQuoteThatTakesTooLongTimesOut() throws InterruptedException {
        try (var scope = StructuredTaskScope.open(StructuredTaskScope.Joiner.<Integer>allSuccessfulOrThrow(),
                cf -> cf.withThreadFactory(Loop.threadFactory()).withTimeout(Duration.ofSeconds(5)))) {
            Subtask<Integer> price = scope.fork(() -> {
                Thread.sleep(1_000);
                return 100;
            });
            Subtask<Integer> tax = scope.fork(() -> {
                Thread.sleep(Duration.ofMinutes(1));                      // too slow
                return 20;
            });
            assertThrows(StructuredTaskScope.TimeoutException.class, scope::join);   // at exactly 5 s
            assertEquals(Subtask.State.SUCCESS, price.state());
            assertEquals(Subtask.State.UNAVAILABLE, tax.state());          // cancelled by the time-out
        }
        assertEquals(Duration.ofSeconds(5), Duration.ofNanos(Loop.nanoTime()));
    }
    // end-snippet
}
