package dev.simloop.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Task;
import dev.simloop.TaskGroup;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReadmeSnippetsTest {
    static int fetch(int id) {
        Loop.sleep(Duration.ofMillis(10L * id));
        return id * 10;
    }

    // snippet:readme-example
    static int fetchBoth() {
        return TaskGroup.with(tg -> {
            Task<Integer> a = tg.spawn("a", () -> fetch(1));
            Task<Integer> b = tg.spawn("b", () -> fetch(2));
            return a.join() + b.join();   // a failure in either cancels the other
        });
    }

    static void example() {
        // In production: a real clock.
        int real = Loop.run(ReadmeSnippetsTest::fetchBoth);

        // In a test: a virtual clock and a seeded, recorded interleaving.
        SimResult<Integer> sim = Simulation.run(42, ReadmeSnippetsTest::fetchBoth);
        System.out.println(sim.value() + " after " + sim.virtualTime());   // 30 after PT0.02S

        // Any run, failing or not, replays exactly from one line.
        String line = sim.replayLine();
        SimResult<Integer> again = Simulation.builder().replay(line).run(ReadmeSnippetsTest::fetchBoth);
        assert again.traceDigest().equals(sim.traceDigest());
    }
    // end-snippet

    @Test
    void readmeExampleRunsAsDescribed() {
        example();
        SimResult<Integer> sim = Simulation.run(42, ReadmeSnippetsTest::fetchBoth);
        assertThat(sim.value()).isEqualTo(30);
        assertThat(sim.virtualTime()).isEqualTo(Duration.ofMillis(20));
        SimResult<Integer> again = Simulation.builder().replay(sim.replayLine()).run(ReadmeSnippetsTest::fetchBoth);
        assertThat(again.traceDigest()).isEqualTo(sim.traceDigest());
        assertThat(Loop.run(ReadmeSnippetsTest::fetchBoth)).isEqualTo(30);
    }
}
