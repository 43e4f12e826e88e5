package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A replay line made on one machine must replay on another: CI shard 7, a laptop, a JVM with other
 * flags. This runs {@link DigestsMain}'s battery (every primitive, timers, cancel scopes, JDK locks
 * and futures, priorities; every strategy over a range of seeds; explorations on one and two
 * threads) in this JVM and in child JVMs that differ in what a runtime could come to depend on
 * by accident: identity hash codes (all the same with {@code -XX:hashCode=2}, sequential with
 * {@code 3}), the interpreter instead of the JIT, another garbage collector and heap, compact object
 * headers, another default locale (Turkish, whose lower case of {@code I} is not {@code i}; Arabic,
 * whose digits are not ASCII) and charset, and a one-CPU container whose JVM compiles with C1 only
 * (as IDEs and some build tools start test JVMs) and collects with ZGC. Every run must give the same digest, replay line,
 * virtual time, steps, outcome and failure message in all of them. Before, a deadlock report that
 * counted more than 999 tasks it left out wrote the count in the JVM's locale ({@code 1.080},
 * {@code ١٬٠٨٠}).
 */
class CrossJvmDeterminismTest {
    private static final List<String> HERE = DigestsMain.battery();

    @ParameterizedTest
    @ValueSource(strings = {
        "-XX:+UnlockExperimentalVMOptions -XX:hashCode=2",
        "-XX:+UnlockExperimentalVMOptions -XX:hashCode=3 -Xint",
        "-XX:+UseSerialGC -Xmx96m -XX:+UseCompactObjectHeaders",
        "-Duser.language=tr -Duser.country=TR -Dfile.encoding=ISO-8859-1 -Dstdout.encoding=UTF-8",
        "-Duser.language=ar -Duser.country=SA -Dstdout.encoding=UTF-8",
        "-XX:ActiveProcessorCount=1 -XX:TieredStopAtLevel=1 -XX:+UseZGC",
    })
    void everyRunOfTheBatteryIsTheSameInAJvmWithOtherFlags(String flags) throws Exception {
        List<String> args = new ArrayList<>(List.of(flags.split(" ")));
        args.addAll(List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                DigestsMain.class.getName()));
        String out = ChildJvms.run(args);
        assertThat(out).as(out).contains("END");
        List<String> there = out.lines().filter(l -> l.startsWith("RUN ")).map(l -> l.substring(4)).toList();
        assertThat(there).as("the battery's runs in a JVM with " + flags).containsExactlyElementsOf(HERE);
    }

    /**
     * The same battery run from six threads at once, four platform and two virtual (a parallel test
     * engine, a user's own executor), on drivers that the runs share in turn: every run is as in one
     * thread alone, so no run sees another's state (caches shared by the runs, a strategy's tables,
     * the drivers' reuse).
     */
    @org.junit.jupiter.api.Test
    void everyRunOfTheBatteryIsTheSameWhenSixThreadsRunItAtOnce() throws Exception {
        List<java.util.concurrent.Callable<List<String>>> callers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            callers.add(DigestsMain::battery);
        }
        List<java.util.concurrent.Future<List<String>>> platform;
        List<java.util.concurrent.Future<List<String>>> virtual;
        try (var p = java.util.concurrent.Executors.newFixedThreadPool(4);
                var v = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            platform = callers.subList(0, 4).stream().map(p::submit).toList();
            virtual = callers.subList(4, 6).stream().map(v::submit).toList();
            for (var f : platform) {
                assertThat(f.get(2, java.util.concurrent.TimeUnit.MINUTES)).containsExactlyElementsOf(HERE);
            }
            for (var f : virtual) {
                assertThat(f.get(2, java.util.concurrent.TimeUnit.MINUTES)).containsExactlyElementsOf(HERE);
            }
        }
    }

    /** The battery is worth comparing: its runs differ by seed and strategy, and some fail. */
    @org.junit.jupiter.api.Test
    void theBatteryRunsDifferentSchedulesAndFindsFailures() {
        assertThat(HERE).hasSize(DigestsMain.programs().size() * DigestsMain.STRATEGIES.size() * DigestsMain.SEEDS + 3);
        assertThat(HERE).anyMatch(l -> l.startsWith("bigCycle ") && l.contains(" … 1,080 more tasks of this cycle … "));
        assertThat(HERE.stream().map(l -> l.split(" ")[3]).distinct().count()).as("distinct digests")
                .isGreaterThan(HERE.size() / 3);
        assertThat(HERE).anyMatch(l -> l.startsWith("lostUpdate ") && l.endsWith(" IllegalStateException"))
                .anyMatch(l -> l.startsWith("lockOrder ") && l.endsWith(" DeadlockDetected"))
                .anyMatch(l -> l.startsWith("timeouts ") && l.endsWith(" ok"));
        assertThat(HERE.get(HERE.size() - 1)).startsWith("exploration parallelism=2 ")
                .doesNotContain("first=-1");
        assertThat(HERE.get(HERE.size() - 1).substring("exploration parallelism=2".length()))
                .isEqualTo(HERE.get(HERE.size() - 2).substring("exploration parallelism=1".length()));
    }
}
