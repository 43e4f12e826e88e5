package dev.simloop.docs.readme;

// snippet:readme-example
import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Task;
import dev.simloop.TaskGroup;
import java.time.Duration;

public class FetchBoth {
    static int fetch(int id) {                      // stands in for a call over the network
        Loop.sleep(Duration.ofMillis(10L * id));
        return id * 10;
    }

    static int fetchBoth() {
        return TaskGroup.with(tg -> {
            Task<Integer> a = tg.spawn("a", () -> fetch(1));
            Task<Integer> b = tg.spawn("b", () -> fetch(2));
            return a.join() + b.join();             // a failure in either cancels the other
        });
    }

    public static void main(String[] args) {
        // In production: a real clock (this takes about 20 ms).
        int real = Loop.run(FetchBoth::fetchBoth);

        // In a test: a virtual clock and a seeded, recorded interleaving (this takes microseconds).
        SimResult<Integer> sim = Simulation.run(42, FetchBoth::fetchBoth);
        System.out.println(real + " = " + sim.value() + " after " + sim.virtualTime());   // 30 = 30 after PT0.02S

        // Any run, failing or not, replays exactly from one line.
        SimResult<Integer> again = Simulation.builder().replay(sim.replayLine()).run(FetchBoth::fetchBoth);
        System.out.println("replayed " + sim.replayLine() + ": same run = "
                + again.traceDigest().equals(sim.traceDigest()));                // same run = true
    }
}
// end-snippet
