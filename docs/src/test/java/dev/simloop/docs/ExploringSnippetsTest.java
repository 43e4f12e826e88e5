package dev.simloop.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Exploration;
import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Shrinking;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.TaskGroup;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExploringSnippetsTest {
    // snippet:loads-of-one-key
    /** A check-then-act race on a cache: two tasks may both miss and both load. */
    static int loadsOfOneKey() {
        List<String> cache = new ArrayList<>();
        int[] loads = {0};
        TaskGroup.with(tg -> {
            for (int i = 0; i < 2; i++) {
                tg.spawn(() -> {
                    Loop.checkpoint();
                    if (!cache.contains("k")) {
                        Loop.checkpoint();          // the load is a blocking call
                        loads[0]++;
                        cache.add("k");
                    }
                });
            }
            return null;
        });
        if (loads[0] != 1) {
            throw new AssertionError("loaded " + loads[0] + " times");
        }
        return loads[0];
    }
    // end-snippet

    @Test
    void explore() {
        // snippet:explore
        Exploration.Report<Integer> report = Exploration.of(() -> loadsOfOneKey())
                .strategy(Strategy.pct(2))      // or Strategy.random(), Strategy.pos()
                .schedules(1_000)
                .run();
        System.out.println(report);             // pct(2): 2 schedules (2 distinct), 1 failing, ... replay simloop:1:pct(2,3):1:...
        SimResult<Integer> failing = report.firstFailure().orElseThrow();
        SimResult<Integer> again = Simulation.builder().replay(failing.replayLine()).run(() -> loadsOfOneKey());
        // end-snippet
        assertThat(failing.failure()).hasMessage("loaded 2 times");
        assertThat(again.traceDigest()).isEqualTo(failing.traceDigest());
        assertThat(again.failure()).hasMessage("loaded 2 times");
    }

    @Test
    void traceAFailure(@TempDir java.nio.file.Path dir) throws Exception {
        SimResult<Integer> failing = Exploration.of(ExploringSnippetsTest::loadsOfOneKey).schedules(1_000).run()
                .firstFailure().orElseThrow();
        java.nio.file.Path file = dir.resolve("race.json"); // JUnit deletes dir: nothing is left in /tmp
        // snippet:trace
        SimResult<Integer> traced = Simulation.builder().replay(failing.replayLine()).trace(true)
                .run(() -> loadsOfOneKey());
        System.out.println(traced.traceTable(40).orElseThrow());      // one column per task
        java.nio.file.Files.writeString(file, traced.chromeTraceJson().orElseThrow());   // open in Perfetto
        traced.writeHtmlReport(file.resolveSibling("run.html"));     // open in any browser, offline
        // end-snippet
        assertThat(java.nio.file.Files.readString(file.resolveSibling("run.html"))).startsWith("<!DOCTYPE html>")
                .contains("simloop:1:");
        assertThat(traced.traceDigest()).isEqualTo(failing.traceDigest());
        assertThat(traced.traceTable(40).orElseThrow()).contains("| task-1").contains("| task-2").contains("fail");
        assertThat(java.nio.file.Files.readString(file)).startsWith("{").contains("\"thread_name\"");
    }

    @Test
    void countAll() {
        // snippet:count-all
        Exploration.Report<Integer> all = Exploration.of(() -> loadsOfOneKey())
                .strategy(Strategy.random())
                .seed(1_000)                    // schedule i runs with seed 1_000 + i
                .schedules(500)
                .stopAtFirstFailure(false)
                .run();
        double failingShare = all.failingSchedules() / (double) all.schedulesRun();
        int interleavings = all.distinctDigests();
        // end-snippet
        assertThat(all.schedulesRun()).isEqualTo(500);
        assertThat(failingShare).isBetween(0.01, 0.99);
        assertThat(interleavings).isGreaterThan(1).isLessThanOrEqualTo(500);
    }

    // snippet:flaky-database-program
    /** loadsOfOneKey whose database times out now and then: an IllegalStateException, not the bug hunted. */
    static int loadsOfOneKeyFromAFlakyDatabase() {
        List<String> cache = new ArrayList<>();
        int[] loads = {0};
        TaskGroup.with(tg -> {
            for (int i = 0; i < 2; i++) {
                tg.spawn(() -> {
                    Loop.checkpoint();
                    if (!cache.contains("k")) {
                        Loop.checkpoint();
                        if (Loop.random().nextInt(4) == 0) {
                            throw new IllegalStateException("database timeout");
                        }
                        loads[0]++;
                        cache.add("k");
                    }
                });
            }
            return null;
        });
        if (loads[0] != 1) {
            throw new AssertionError("loaded " + loads[0] + " times");
        }
        return loads[0];
    }
    // end-snippet

    @Test
    void stopAndSteer() {
        // snippet:stop-and-steer
        Exploration.Report<Integer> report = Exploration.of(() -> loadsOfOneKeyFromAFlakyDatabase())
                .strategy(Strategy.random())
                .schedules(1_000_000)
                .timeLimit(java.time.Duration.ofSeconds(10))   // or as many as 10 seconds allow
                .failWhen(e -> e instanceof AssertionError)    // hunt the race; count the timeouts
                .run();
        Exploration.StopReason why = report.stopReason();      // FAILURE_FOUND, at schedule 13
        java.util.Map<String, Integer> others = report.otherFailures();   // {java.lang.IllegalStateException=4}
        // end-snippet
        assertThat(why).isEqualTo(Exploration.StopReason.FAILURE_FOUND);
        assertThat(report.firstFailureIndex()).isEqualTo(13);
        assertThat(report.firstFailure().orElseThrow().failure()).isInstanceOf(AssertionError.class)
                .hasMessage("loaded 2 times");
        assertThat(others).isEqualTo(java.util.Map.of("java.lang.IllegalStateException", 4));
        assertThat(report.failingSchedules()).isEqualTo(1);
        assertThat(report.toString()).startsWith("random: 14 schedules (10 distinct), 1 failing (other failures: 4 "
                + "java.lang.IllegalStateException), ").contains(" schedules/s; stopped at the first failure; first "
                + "failure at schedule index 13; shrunk to ")
                .contains("; replay simloop:1:random:13:").endsWith("; failure: java.lang.AssertionError: loaded 2 times");
    }

    // snippet:exhaustive-programs
    /** Two increments with a checkpoint between read and write; the second starts a step later, so FIFO passes. */
    static int twoIncrements() {
        int[] counter = {0};
        TaskGroup.with(tg -> {
            for (int t = 0; t < 2; t++) {
                int delay = t;
                tg.spawn(() -> {
                    for (int i = 0; i < delay; i++) {
                        Loop.checkpoint();
                    }
                    int read = counter[0];
                    Loop.checkpoint();
                    counter[0] = read + 1;
                });
            }
            return null;
        });
        if (counter[0] != 2) {
            throw new AssertionError("lost update: " + counter[0]);
        }
        return counter[0];
    }

    /** loadsOfOneKey with the check and the load under one lock: correct in every schedule. */
    static int loadsOfOneKeyLocked() {
        List<String> cache = new ArrayList<>();
        int[] loads = {0};
        dev.simloop.sync.Lock lock = new dev.simloop.sync.Lock("cache");
        TaskGroup.with(tg -> {
            for (int i = 0; i < 2; i++) {
                tg.spawn(() -> {
                    Loop.checkpoint();
                    lock.acquire();
                    try {
                        if (!cache.contains("k")) {
                            Loop.checkpoint();
                            loads[0]++;
                            cache.add("k");
                        }
                    } finally {
                        lock.release();
                    }
                });
            }
            return null;
        });
        if (loads[0] != 1) {
            throw new AssertionError("loaded " + loads[0] + " times");
        }
        return loads[0];
    }
    // end-snippet

    // snippet:shared-program
    /** Three tasks each add one to a shared balance, reading and writing it as two accesses. */
    static int sharedDeposits() {
        dev.simloop.Shared<Integer> balance = dev.simloop.Shared.of(0);
        TaskGroup.with(tg -> {
            for (int t = 0; t < 3; t++) {
                tg.spawn(() -> balance.set(balance.get() + 1));
            }
            return null;
        });
        if (balance.get() != 3) {
            throw new AssertionError("lost deposit: balance " + balance.get());
        }
        return balance.get();
    }
    // end-snippet

    @Test
    void preemptionBounded() {
        // snippet:preemption-bounded
        Exploration.Report<Integer> none = Exploration.of(() -> sharedDeposits())
                .preemptionBounded(0)           // every schedule without preemptions
                .run();
        System.out.println(none);               // preemptionBounded(0): 6 schedules (6 distinct), all within the bound, 0 failing, ...
        Exploration.Report<Integer> one = Exploration.of(() -> sharedDeposits())
                .preemptionBounded(1)           // ... then every schedule with one
                .run();
        SimResult<Integer> failing = one.firstFailure().orElseThrow();
        System.out.println(failing.preemptions());   // 1: a deposit read, then another task ran before its write
        // end-snippet
        assertThat(none.exhausted()).isTrue();
        assertThat(none.failingSchedules()).isZero();
        assertThat(none.toString()).startsWith("preemptionBounded(0): 6 schedules (6 distinct), all within the bound, 0 failing");
        assertThat(failing.preemptions()).isEqualTo(1);
        assertThat(failing.failure()).hasMessageStartingWith("lost deposit");
        assertThat(Exploration.of(ExploringSnippetsTest::sharedDeposits).delayBounded(1).run().firstFailure())
                .isPresent();
    }

    @Test
    void shrinking() {
        // snippet:shrinking
        Exploration.Report<Integer> report = Exploration.of(() -> sharedDeposits())
                .strategy(Strategy.random())
                .schedules(1_000)
                .run();
        SimResult<Integer> found = report.firstFailure().orElseThrow();
        SimResult<Integer> shrunk = report.shrunkFailure().orElseThrow();
        System.out.println(found.preemptions() + " -> " + shrunk.preemptions());   // 5 -> 1
        System.out.println(report);             // ...; shrunk to 1 preemption: replay simloop:1:nonpreemptive:...; as found, 5 preemptions; replay simloop:1:random:...
        // end-snippet
        assertThat(shrunk.preemptions()).isEqualTo(1);
        assertThat(found.preemptions()).isEqualTo(5);
        assertThat(shrunk.failure()).hasMessageStartingWith("lost deposit");
        assertThat(report.toString()).contains("; shrunk to 1 preemption: replay simloop:1:nonpreemptive:")
                .contains("; as found, 5 preemptions; replay simloop:1:random:");
        assertThat(Simulation.builder().replay(shrunk.replayLine()).run(ExploringSnippetsTest::sharedDeposits).failure())
                .hasMessage(shrunk.failure().getMessage());
    }

    @Test
    void shrinkingWithARunnerOfYourOwn() {
        SimResult<Integer> failed = Simulation.builder().seed(3).strategy(Strategy.random())
                .run(ExploringSnippetsTest::sharedDeposits);
        for (long seed = 4; !failed.failed() || failed.preemptions() < 2; seed++) {
            failed = Simulation.builder().seed(seed).strategy(Strategy.random()).run(ExploringSnippetsTest::sharedDeposits);
        }
        // snippet:shrinking-runner
        SimResult<?> shrunk = Shrinking.shrink(failed,
                b -> b.maxSteps(100_000).run(() -> sharedDeposits()));   // the limits your runs use
        System.out.println(failed.preemptions() + " -> " + shrunk.preemptions() + ": " + shrunk.replayLine());
        // end-snippet
        assertThat(shrunk.preemptions()).isEqualTo(1);
        assertThat(Shrinking.sameWay(shrunk.failure(), failed.failure())).isTrue();
    }

    @Test
    void exhaustive() {
        // snippet:exhaustive
        Exploration.Report<Integer> buggy = Exploration.of(() -> twoIncrements())
                .exhaustive(2)                  // every schedule with at most 2 departures from FIFO order
                .run();
        // FIFO (schedule 0) passes; buggy.firstFailure() has 1 departure, as few as a failure can
        Exploration.Report<Integer> fixed = Exploration.of(() -> loadsOfOneKeyLocked())
                .exhaustive(2)
                .run();
        System.out.println(fixed);              // exhaustive(2): 13 schedules (13 distinct), all within the bound, 0 failing, ...
        // fixed.exhausted() && fixed.failingSchedules() == 0: no schedule within the bound fails
        // end-snippet
        assertThat(buggy.firstFailureIndex()).isPositive();
        assertThat(dev.simloop.Schedule.parse(buggy.firstFailure().orElseThrow().replayLine()).departures()).isEqualTo(1);
        assertThat(fixed.exhausted()).isTrue();
        assertThat(fixed.failingSchedules()).isZero();
        assertThat(fixed.toString()).startsWith("exhaustive(2): " + fixed.schedulesRun() + " schedules ("
                + fixed.schedulesRun() + " distinct), all within the bound, 0 failing");
        assertThat(fixed.schedulesRun()).isEqualTo(13);
    }

    // snippet:timer-tie-program
    /** A call that takes exactly as long as its timeout: its sleep and the deadline end together. */
    static String callOfItsTimeoutsLength() {
        return dev.simloop.CancelScope.moveOnAfter(java.time.Duration.ofSeconds(1), () -> {
            Loop.sleep(java.time.Duration.ofSeconds(1));
            return "answered";
        }).orElse("timed out");
    }
    // end-snippet

    @Test
    void timerTies() {
        // snippet:timer-tie
        String underFifo = Simulation.builder().strategy(Strategy.fifo())
                .run(() -> callOfItsTimeoutsLength()).value();                     // "timed out": deadlines first
        java.util.Set<String> outcomes = new java.util.HashSet<>();
        for (long seed = 0; seed < 20; seed++) {
            outcomes.add(Simulation.run(seed, () -> callOfItsTimeoutsLength()).value());
        }                                                                          // both "answered" and "timed out"
        // end-snippet
        assertThat(underFifo).isEqualTo("timed out");
        assertThat(outcomes).containsExactlyInAnyOrder("answered", "timed out");
    }

    // snippet:timer-tie-worker-program
    /** A worker answers at the very instant the caller's timeout expires. */
    static String answerAtTheTimeout() {
        dev.simloop.sync.Event answered = new dev.simloop.sync.Event();
        return TaskGroup.with(tg -> {
            tg.spawn("worker", () -> {
                Loop.sleep(java.time.Duration.ofSeconds(1));
                answered.set();
            });
            return dev.simloop.CancelScope.moveOnAfter(java.time.Duration.ofSeconds(1), () -> {
                answered.await();
                return "answered";
            }).orElse("timed out");
        });
    }
    // end-snippet

    @Test
    void timerTieWithAnotherTask() {
        // snippet:timer-tie-worker
        // the deadline, armed first, fires first under FIFO: "timed out"
        String deadlineFirst = Simulation.builder().strategy(Strategy.fifo())
                .run(() -> answerAtTheTimeout()).value();
        // choice 1: the worker's wake-up fires first; choice 1: the worker runs before the deadline fires
        String workerFirst = Simulation.builder().followChoices(dev.simloop.Schedule.of(1, 1)).strategy(Strategy.fifo())
                .run(() -> answerAtTheTimeout()).value();                                // "answered"
        // end-snippet
        assertThat(deadlineFirst).isEqualTo("timed out");
        assertThat(workerFirst).isEqualTo("answered");
        java.util.Set<String> outcomes = new java.util.HashSet<>();
        for (long seed = 0; seed < 40; seed++) {
            outcomes.add(Simulation.run(seed, ExploringSnippetsTest::answerAtTheTimeout).value());
        }
        assertThat(outcomes).containsExactlyInAnyOrder("answered", "timed out");
    }

    // snippet:check-determinism-program
    static int runs;

    /** Depends on a static counter: each run is different. */
    static int leaksStateBetweenRuns() {
        int workers = 2 + runs++;
        TaskGroup.with(tg -> {
            for (int i = 0; i < workers; i++) {
                tg.spawn("worker-" + i, () -> Loop.checkpoint());
            }
            return null;
        });
        return workers;
    }
    // end-snippet

    @Test
    void checkDeterminism() {
        // snippet:check-determinism
        SimResult<Integer> r = Simulation.builder().seed(3).checkDeterminism(true)
                .run(() -> leaksStateBetweenRuns());
        System.out.println(r.failure().getMessage());
        // nondeterminism detected at step 2 (task 'worker-2'): in the first run task 'worker-0' ran at
        // this step, in this run task 'worker-2' did. Something outside the simulation decides the run: ...
        // end-snippet
        assertThat(r.failure()).isInstanceOf(dev.simloop.NondeterminismDetected.class)
                .hasMessageStartingWith("nondeterminism detected at step 2 (task 'worker-2'): in the first run task "
                        + "'worker-0' ran at this step, in this run task 'worker-2' did.");
    }

    @Test
    void lenientReplay() {
        SimResult<Integer> failing = Exploration.of(ExploringSnippetsTest::loadsOfOneKey).schedules(1_000).run()
                .firstFailure().orElseThrow();
        String line = failing.replayLine();
        // snippet:lenient-replay
        SimResult<Integer> exact = Simulation.builder().replay(line)
                .run(() -> loadsOfOneKeyAfterAnEdit());   // fails: ReplayDiverged, "the program or its inputs changed ..."
        SimResult<Integer> lenient = Simulation.builder().replay(line).lenientReplay(true)
                .run(() -> loadsOfOneKeyAfterAnEdit());   // follows the line while it fits
        // end-snippet
        assertThat(exact.failure()).isInstanceOf(dev.simloop.ReplayDiverged.class)
                .hasMessageStartingWith("the program or its inputs changed since this line was recorded: replay diverged at step 7 (virtual time 0s), choice 5: the recorded schedule "
                        + "has only 5 choices but the run needs more");
        assertThat(lenient.failure()).isNotInstanceOf(dev.simloop.NondeterminismDetected.class);
    }

    // snippet:lenient-replay-program
    /** The same race after an edit that added a checkpoint before the load. */
    static int loadsOfOneKeyAfterAnEdit() {
        List<String> cache = new ArrayList<>();
        int[] loads = {0};
        TaskGroup.with(tg -> {
            for (int i = 0; i < 2; i++) {
                tg.spawn(() -> {
                    Loop.checkpoint();
                    if (!cache.contains("k")) {
                        Loop.checkpoint();
                        Loop.checkpoint();          // new in this version
                        loads[0]++;
                        cache.add("k");
                    }
                });
            }
            return null;
        });
        if (loads[0] != 1) {
            throw new AssertionError("loaded " + loads[0] + " times");
        }
        return loads[0];
    }
    // end-snippet

    // snippet:spin-wait-program
    /** A consumer polls a plain field that a producer sets after some work. */
    static int pollForAValue() {
        int[] slot = {0};
        return TaskGroup.with(tg -> {
            tg.spawn("producer", () -> {
                for (int i = 0; i < 5; i++) {
                    Loop.checkpoint();          // the work
                }
                slot[0] = 42;
            });
            while (slot[0] == 0) {
                Loop.spinWait();                // "I wait for another task", not Loop.checkpoint()
            }
            return slot[0];
        });
    }
    // end-snippet

    @Test
    void spinWait() {
        // snippet:spin-wait
        Exploration.Report<Integer> report = Exploration.of(() -> pollForAValue())
                .strategy(Strategy.pct(3))
                .schedules(1_000)
                .maxSteps(10_000)
                .run();                         // no schedule fails: the poller never starves the producer
        // end-snippet
        assertThat(report.failingSchedules()).as(report.toString()).isZero();
        assertThat(report.schedulesRun()).isEqualTo(1_000);
        // the same loop with Loop.checkpoint(): PCT keeps choosing the poller until the step limit
        Exploration.Report<Integer> plain = Exploration.of(() -> {
            int[] slot = {0};
            return TaskGroup.with(tg -> {
                tg.spawn("producer", () -> {
                    for (int i = 0; i < 5; i++) {
                        Loop.checkpoint();
                    }
                    slot[0] = 42;
                });
                while (slot[0] == 0) {
                    Loop.checkpoint();
                }
                return slot[0];
            });
        }).strategy(Strategy.pct(1)).schedules(100).maxSteps(10_000).stopAtFirstFailure(false).run();
        assertThat(plain.failingSchedules()).as(plain.toString()).isPositive();
        assertThat(plain.firstFailure().orElseThrow().failure()).isInstanceOf(dev.simloop.LimitExceeded.class);
    }
}
