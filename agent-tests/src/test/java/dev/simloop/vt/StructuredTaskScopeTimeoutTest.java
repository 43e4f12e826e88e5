package dev.simloop.vt;

import static dev.simloop.vt.Sim.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Exploration;
import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.ThrowingSupplier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.StructuredTaskScope.Subtask;
import org.junit.jupiter.api.Test;

/**
 * {@code StructuredTaskScope.open(joiner, cf -> cf.withThreadFactory(Loop.threadFactory()).withTimeout(..))}
 * in a simulated task: the time-out is a loop timer, so the scope is cancelled at exactly the
 * virtual deadline, deterministically, and a time-out tied with the fork that would beat it is a
 * choice that exploration finds and its line replays. (A preview API in JDK 25: this module
 * compiles and runs with {@code --enable-preview}.)
 */
class StructuredTaskScopeTimeoutTest {
    /** A scope with a 5 s time-out, a fork that takes 1 s and one that takes {@code slowFork}. */
    static ThrowingSupplier<String> scope(Duration slowFork) {
        return () -> {
            try (var scope = StructuredTaskScope.open(Joiner.<String>allSuccessfulOrThrow(),
                    cf -> cf.withThreadFactory(Loop.threadFactory()).withTimeout(Duration.ofSeconds(5)))) {
                Subtask<String> fast = scope.fork(() -> {
                    Thread.sleep(1_000);
                    return "fast";
                });
                Subtask<String> slow = scope.fork(() -> {
                    Thread.sleep(slowFork);
                    return "slow";
                });
                try {
                    scope.join();
                    return at("joined " + fast.get() + " " + slow.get());
                } catch (StructuredTaskScope.TimeoutException e) {
                    return at("timed out, fast " + fast.state() + ", slow " + slow.state() + ", cancelled "
                            + scope.isCancelled());
                }
            }
        };
    }

    @Test
    void aScopeTimesOutAtExactlyItsVirtualTimeOutAndCancelsTheSlowFork() {
        SimResult<String> r = Sim.ok(scope(Duration.ofHours(1)));
        assertThat(r.value()).isEqualTo("timed out, fast SUCCESS, slow UNAVAILABLE, cancelled true@PT5S");
        assertThat(r.virtualTime()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aScopeWhoseForksFinishInTimeJoinsWhenTheLastOneEndsAndItsTimeOutNeverFires() {
        SimResult<String> r = Sim.ok(() -> {
            String joined = scope(Duration.ofSeconds(2)).get();
            Thread.sleep(Duration.ofSeconds(10)); // past the disarmed time-out: nothing happens at 5 s
            return joined + " then " + at("slept");
        });
        assertThat(r.value()).isEqualTo("joined fast slow@PT2S then slept@PT12S");
    }

    @Test
    void theSameSeedGivesTheSameRunAndTheDeterminismCheckPasses() {
        for (long seed = 1; seed <= 3; seed++) {
            SimResult<String> first = Simulation.run(seed, scope(Duration.ofMinutes(1)));
            SimResult<String> second = Simulation.run(seed, scope(Duration.ofMinutes(1)));
            assertThat(second.value()).isEqualTo(first.value())
                    .isEqualTo("timed out, fast SUCCESS, slow UNAVAILABLE, cancelled true@PT5S");
            assertThat(second.traceDigest()).isEqualTo(first.traceDigest());
        }
        assertThat(Simulation.builder().seed(9).checkDeterminism(true).run(scope(Duration.ofMinutes(1))).failure())
                .isNull();
    }

    @Test
    void aTimeOutTiedWithTheLastForkIsAChoiceThatSeedsExplore() {
        Set<String> outcomes = new TreeSet<>();
        List<Duration> times = new ArrayList<>();
        for (long seed = 0; seed < 64; seed++) {
            SimResult<String> r = Simulation.run(seed, scope(Duration.ofSeconds(5)));
            assertThat(r.failure()).isNull();
            outcomes.add(r.value());
            times.add(r.virtualTime());
        }
        assertThat(outcomes).containsExactly("joined fast slow@PT5S",
                "timed out, fast SUCCESS, slow UNAVAILABLE, cancelled true@PT5S");
        assertThat(times).containsOnly(Duration.ofSeconds(5));
    }

    @Test
    void anExplorationFindsTheTimeOutThatWinsTheTieAndItsLineReplaysIt() {
        ThrowingSupplier<String> mustJoin = () -> {
            String got = scope(Duration.ofSeconds(5)).get();
            if (!got.startsWith("joined")) {
                throw new AssertionError("the scope timed out although its last fork ended at its deadline");
            }
            return got;
        };
        Exploration.Report<String> report = Exploration.of(mustJoin).schedules(100).run();
        SimResult<String> failure = report.firstFailure().orElseThrow();
        assertThat(failure.failure()).hasMessage("the scope timed out although its last fork ended at its deadline");
        SimResult<String> replayed = Simulation.builder().replay(failure.replayLine()).run(mustJoin);
        assertThat(replayed.failure()).hasMessage(failure.failure().getMessage());
        assertThat(replayed.traceDigest()).isEqualTo(failure.traceDigest());
    }
}
