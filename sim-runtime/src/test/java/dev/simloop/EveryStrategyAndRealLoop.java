package dev.simloop;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one program under each strategy with several seeds, then twice in a real loop, for tests of
 * rules that must hold however the tasks interleave, in both modes.
 */
public final class EveryStrategyAndRealLoop {
    private static final List<Strategy> STRATEGIES = List.of(Strategy.fifo(), Strategy.random(), Strategy.pct(3),
            Strategy.pos(), Strategy.nonPreemptive(), Strategy.spawnerFirst());

    /** How many values {@link #values} returns: six strategies, six seeds each, and two real runs. */
    public static final int RUNS = 38;

    private EveryStrategyAndRealLoop() {
    }

    /**
     * @return every value {@code main} gave, a simulation's failure as {@code failed: <failure>}; a real
     *     loop that does not end in 20 s fails the test
     */
    public static List<String> values(ThrowingSupplier<String> main) {
        List<String> seen = new ArrayList<>();
        for (Strategy s : STRATEGIES) {
            for (long seed = 0; seed < 6; seed++) {
                SimResult<String> r = Simulation.builder().seed(seed).strategy(s).run(main);
                seen.add(r.failed() ? "failed: " + r.failure() : r.value());
            }
        }
        for (int i = 0; i < 2; i++) {
            seen.add(assertTimeoutPreemptively(Duration.ofSeconds(20), () -> Loop.run(main), "a real loop hung"));
        }
        return seen;
    }
}
