package dev.simloop.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.DeadlockDetected;
import dev.simloop.LimitExceeded;
import dev.simloop.Loop;
import dev.simloop.NondeterminismDetected;
import dev.simloop.Schedule;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.sync.Event;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SimulationSnippetsTest {
    // snippet:work
    static int work() {
        Loop.sleep(Duration.ofMillis(Loop.random().nextInt(100)));
        return 1;
    }
    // end-snippet

    @Test
    void builder() {
        // snippet:builder
        SimResult<Integer> r = Simulation.builder()
                .seed(2024)
                .strategy(Strategy.fifo())              // production order; Strategy.random() explores
                .maxSteps(100_000)                      // livelock guard
                .maxVirtualTime(Duration.ofDays(1))     // runaway-time guard
                .run(() -> work());
        // end-snippet
        assertThat(r.value()).isEqualTo(1);
        assertThat(r.seed()).isEqualTo(2024);
        assertThat(Schedule.parse(r.replayLine()).strategy()).isEqualTo("fifo");
    }

    @Test
    void replayLine() {
        SimResult<Integer> r = Simulation.run(5, SimulationSnippetsTest::work);
        // snippet:replay-line
        Schedule s = Schedule.parse(r.replayLine());   // throws IllegalArgumentException on a damaged line
        System.out.println(s.strategy() + " seed " + s.seed() + ", " + s.steps() + " steps, choices " + s.choices());
        SimResult<Integer> same = Simulation.builder().replay(r.replayLine()).run(() -> work());
        // same.traceDigest(), same.virtualTime() and same.failure() equal r's
        // end-snippet
        assertThat(same.traceDigest()).isEqualTo(r.traceDigest());
        assertThat(same.virtualTime()).isEqualTo(r.virtualTime());
    }

    @Test
    void deadlock() {
        // snippet:deadlock
        SimResult<Object> r = Simulation.run(1, () -> {
            Event never = new Event();
            never.await();
            return null;
        });
        // r.failure() is a DeadlockDetected:
        //   deadlock: every task is blocked and no timer is pending (virtual time 0s, step 1). Blocked tasks:
        //     task 'main' waits for Event (not set, 1 waiting); no task holds it: it needs a call to set(), at App.lambda$main$0(App.java:12)
        // end-snippet
        assertThat(r.failure()).isInstanceOf(DeadlockDetected.class).hasMessageMatching("(?s).*\\. Blocked tasks:\n"
                + "  task 'main' waits for Event \\(not set, 1 waiting\\); no task holds it: it needs a call to set\\(\\), at "
                + java.util.regex.Pattern.quote(SimulationSnippetsTest.class.getName() + ".lambda$deadlock$")
                + "\\d+\\(SimulationSnippetsTest\\.java:\\d+\\)");
    }

    @Test
    void foreignWakeup() {
        // snippet:thread-sleep
        SimResult<Object> r = Simulation.run(1, () -> {
            Thread.sleep(10);            // real time, woken by a JDK thread: not replayable
            return null;
        });
        // r.failure() is a NondeterminismDetected naming task 'main' and the line of the sleep;
        // use Loop.sleep(...) instead, or Loop.toThread(...) for real blocking work.
        // end-snippet
        assertThat(r.failure()).isInstanceOf(NondeterminismDetected.class)
                .hasMessageContaining("task 'main' made a timed wait outside simloop");
    }

    @Test
    void runawayTask() throws InterruptedException {
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        // snippet:runaway
        SimResult<Object> r = Simulation.builder().maxStepWallTime(Duration.ofMillis(200)).run(() -> {
            while (!stop.get()) {
                Thread.onSpinWait();         // no checkpoint: no other task runs, no seed decides anything
            }
            Loop.checkpoint();
            return null;
        });
        // r.failure() is a LimitExceeded: "task 'main' ran for 0.2s of real time without reaching a checkpoint ..."
        // end-snippet
        stop.set(true); // the task's thread reaches its checkpoint and unwinds
        assertThat(r.failure()).isInstanceOf(LimitExceeded.class)
                .hasMessageStartingWith("task 'main' ran for ")
                .hasMessageContaining("of real time without reaching a checkpoint");
    }

    @Test
    void limits() {
        SimResult<Object> r = Simulation.builder().maxSteps(1_000).run(() -> {
            while (true) {
                Loop.checkpoint();
            }
        });
        assertThat(r.failure()).isInstanceOf(LimitExceeded.class).hasMessageContaining("maxSteps = 1000");
    }

    @Test
    void offload() {
        SimResult<Integer> r = Simulation.run(1, () -> {
            // snippet:to-thread
            int length = Loop.toThread(() -> java.nio.file.Files.readString(java.nio.file.Path.of("pom.xml")).length());
            // end-snippet
            return length;
        });
        assertThat(r.value()).isGreaterThan(100);
        assertThat(r.virtualTime()).isEqualTo(Duration.ZERO);
    }
}
