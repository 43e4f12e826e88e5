package dev.simloop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simloop.DeadlockDetected;
import dev.simloop.Exploration;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.bench.SctBenchPrograms.Bug;
import dev.simloop.bench.SctBenchPrograms.Program;
import dev.simloop.sync.BrokenResourceException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each ported SCTBench program is a working bug detector: a known schedule (the first failing one
 * a {@code pct(3)} exploration from seed 0 finds, pinned by its strategy text and seed) shows its
 * bug, and its fixed version, where there is one, fails in none of the schedules tried.
 */
@Timeout(120)
class SctBenchProgramsTest {
    private record Witness(String strategy, long seed, Class<? extends Throwable> shows) {
    }

    private static final Map<String, Witness> WITNESSES = new LinkedHashMap<>();

    private static void witness(String program, String strategy, long seed, Class<? extends Throwable> shows) {
        WITNESSES.put(program, new Witness(strategy, seed, shows));
    }

    static {
        witness("CS.account_bad", "pct(3,10)", 3, Bug.class);
        witness("CS.arithmetic_prog_bad", "pct(3)", 0, Bug.class);
        witness("CS.bluetooth_driver_bad", "pct(3,11)", 61, Bug.class);
        witness("CS.carter01_bad", "pct(3,16)", 3, DeadlockDetected.class);
        witness("CS.circular_buffer_bad", "pct(3,29)", 3, Bug.class);
        witness("CS.deadlock01_bad", "pct(3,10)", 3, DeadlockDetected.class);
        witness("CS.din_phil2_sat", "pct(3)", 0, Bug.class);
        witness("CS.din_phil3_sat", "pct(3)", 0, Bug.class);
        witness("CS.din_phil4_sat", "pct(3,40)", 1, Bug.class);
        witness("CS.din_phil5_sat", "pct(3,49)", 1, Bug.class);
        witness("CS.din_phil6_sat", "pct(3,60)", 1, Bug.class);
        witness("CS.din_phil7_sat", "pct(3,71)", 1, Bug.class);
        witness("CS.fsbench_bad", "pct(3)", 0, Bug.class);
        witness("CS.lazy01_bad", "pct(3)", 0, Bug.class);
        witness("CS.phase01_bad", "pct(3)", 0, BrokenResourceException.class);
        witness("CS.queue_bad", "pct(3)", 0, Bug.class);
        witness("CS.reorder_10_bad", "pct(3,40)", 509, Bug.class);
        witness("CS.reorder_20_bad", "pct(3,90)", 509, Bug.class);
        witness("CS.reorder_3_bad", "pct(3,12)", 10, Bug.class);
        witness("CS.reorder_4_bad", "pct(3,16)", 19, Bug.class);
        witness("CS.reorder_5_bad", "pct(3,20)", 91, Bug.class);
        witness("CS.stack_bad", "pct(3,29)", 1, Bug.class);
        witness("CS.sync01_bad", "pct(3)", 0, DeadlockDetected.class);
        witness("CS.sync02_bad", "pct(3)", 0, DeadlockDetected.class);
        witness("CS.token_ring_bad", "pct(3,14)", 14, Bug.class);
        witness("CS.twostage_100_bad", "pct(3,698)", 7333, Bug.class);
        witness("CS.twostage_bad", "pct(3,12)", 7, Bug.class);
        witness("CS.wronglock_3_bad", "pct(3,22)", 2, Bug.class);
        witness("CS.wronglock_bad", "pct(3,46)", 5, Bug.class);
    }

    @Test
    void theCsSetHasAllTwentyNinePrograms() {
        List<String> names = SctBenchPrograms.all().stream().map(Program::name).toList();
        assertEquals(29, names.size());
        assertEquals(List.copyOf(WITNESSES.keySet()), names);
    }

    @Test
    void everyBugShowsInItsKnownSchedule() {
        for (Program p : SctBenchPrograms.all()) {
            Witness w = WITNESSES.get(p.name());
            SimResult<Object> r = Simulation.builder().seed(w.seed()).strategy(Strategy.parse(w.strategy())).run(p.bad());
            assertTrue(r.failed(), p.name() + " passed its known failing schedule");
            assertEquals(w.shows(), r.failure().getClass(), p.name() + ": " + r.failure());
        }
    }

    @Test
    void everyFixedVersionPassesEverySchedule() {
        int withFix = 0;
        for (Program p : SctBenchPrograms.all()) {
            if (p.fixed() == null) {
                continue;
            }
            withFix++;
            for (Strategy s : List.of(Strategy.random(), Strategy.pct(3), Strategy.pos())) {
                Exploration.Report<Object> r = Exploration.of(p.fixed()).strategy(s).schedules(200).run();
                assertEquals(0, r.failingSchedules(), p.name() + " fixed, " + r);
            }
            Exploration.Report<Object> searched = Exploration.of(p.fixed()).exhaustive(2).schedules(500).run();
            assertEquals(0, searched.failingSchedules(), p.name() + " fixed, " + searched);
        }
        assertEquals(12, withFix, "account, arithmetic_prog, circular_buffer, din_phil2..7, fsbench, stack, sync01");
    }

    @Test
    void theTableNamesEveryProgramAndSearch() {
        String table = SctBench.table(List.of(SctBench.Search.parse("pct(3)"), SctBench.Search.parse("exhaustive(1)")), 3);
        assertTrue(table.startsWith("| program | threads | SCTBench steps | simloop steps (FIFO) | bug shows as | pct(3) |"
                + " exhaustive(1) |"), table);
        for (Program p : SctBenchPrograms.all()) {
            assertTrue(table.contains("| " + p.name() + " | " + p.sctThreads() + " | " + p.sctSteps() + " | "), p.name());
        }
    }
}
