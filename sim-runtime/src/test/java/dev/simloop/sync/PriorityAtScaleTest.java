package dev.simloop.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.simloop.DeadlockDetected;
import dev.simloop.Loop;
import dev.simloop.PriorityPolicy;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.Task;
import dev.simloop.TaskGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Priority inheritance over long chains of waiting holders, and the reports of priority waits. */
class PriorityAtScaleTest {
    /** Long enough that a walk of the whole chain at each hand-over (quadratic) outlasts the hang guard. */
    private static final int CHAIN = 80_000;

    /**
     * Task i holds lock i and waits for lock i+1; the last holder waits for a gate. Before, every
     * hand-over walked the whole chain behind its lone waiter (and, under the policy, every step
     * walked it behind the lone ready task): 80,000 links took minutes, as if the run hung.
     *
     * @return what the last holder inherits from the first task's priority, then the order the chain unwound in
     */
    private static List<String> chain(boolean policy) {
        var fifo = Simulation.builder().strategy(Strategy.fifo());
        var b = policy ? fifo.priorityPolicy(PriorityPolicy.standard()) : fifo;
        SimResult<List<String>> r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> b.run(() -> {
            List<String> log = new ArrayList<>();
            PriorityLock[] locks = new PriorityLock[CHAIN];
            for (int i = 0; i < CHAIN; i++) {
                locks[i] = new PriorityLock();
            }
            Event gate = new Event();
            TaskGroup.with(tg -> {
                List<Task<?>> tasks = new ArrayList<>();
                for (int i = CHAIN - 1; i >= 0; i--) {
                    int k = i;
                    tasks.add(tg.spawn("t" + k, () -> {
                        try (var _ = locks[k].hold()) {
                            if (k == CHAIN - 1) {
                                gate.await();
                            } else {
                                try (var _ = locks[k + 1].hold()) {
                                    Loop.checkpoint();
                                }
                            }
                        }
                        if (k % 10_000 == 0) {
                            log.add("t" + k);
                        }
                    }));
                    // one link at a time, so that few tasks are ready at once
                    Sims.until(() -> k == CHAIN - 1 ? locks[k].isLocked() : locks[k + 1].waiting() == 1);
                }
                tasks.getLast().setPriority(-7); // t0, at the far end of the chain
                log.add("t" + (CHAIN - 1) + " inherits " + tasks.getFirst().effectivePriority());
                gate.set();
                return null;
            });
            return log;
        }));
        return r.value();
    }

    @Test
    void aChainOfEightyThousandWaitingHoldersUnwindsWithoutWalkingItAtEveryHandOver() {
        assertThat(chain(false)).containsExactly("t79999 inherits -7", "t70000", "t60000", "t50000", "t40000", "t30000", "t20000", "t10000", "t0");
    }

    @Test
    void underThePolicyAChainOfEightyThousandWaitingHoldersUnwindsWithoutWalkingItAtEveryStep() {
        assertThat(chain(true)).containsExactly("t79999 inherits -7", "t70000", "t60000", "t50000", "t40000", "t30000", "t20000", "t10000", "t0");
    }
    /**
     * A hundred thousand tasks queue on one PriorityLock with ten priorities; every thousandth is made
     * urgent while it waits. They are served by priority, FIFO among equals (they arrive in spawn
     * order), and the holder inherits the most urgent waiter's priority. Before, each hand-over looked
     * at every waiter: 100,000 took 116 s; with the queue's index, 0.46 s.
     */
    @Test
    void aHundredThousandWaitersAreServedByPriorityWithoutALookAtEachOneAtEveryHandOver() {
        assertServedByPriority(Simulation.builder().strategy(Strategy.fifo()), 100_000);
    }

    /**
     * The same under the priority policy, with fewer waiters: the policy looks at every ready task at
     * each step (it ages them), so spawning the crowd costs a step per task times the tasks ready.
     */
    @Test
    void underThePolicyWaitersAreServedByPriorityToo() {
        var b = Simulation.builder().strategy(Strategy.fifo()).priorityPolicy(PriorityPolicy.standard());
        assertServedByPriority(b, 10_000);
    }

    private static void assertServedByPriority(Simulation.Builder b, int waiters) {
        SimResult<int[]> r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> b.run(() -> {
            PriorityLock lock = new PriorityLock("crowded");
            int[] served = new int[waiters];
            int[] count = {0};
            int[] inherited = {0};
            TaskGroup.with(tg -> {
                lock.acquire();
                List<Task<?>> tasks = new ArrayList<>(waiters);
                for (int i = 0; i < waiters; i++) {
                    int k = i;
                    Task<?> t = tg.spawn(() -> {
                        try (var _ = lock.hold()) {
                            served[count[0]++] = k;
                        }
                    });
                    t.setPriority(k % 10);
                    tasks.add(t);
                }
                Sims.until(() -> lock.waiting() == waiters);
                for (int i = 0; i < waiters; i += 1_000) {
                    tasks.get(i + 7).setPriority(-1); // from priority 7, while it waits
                }
                inherited[0] = Loop.currentTask().effectivePriority();
                lock.release();
                return null;
            });
            assertThat(inherited[0]).isEqualTo(-1);
            return served;
        }));
        int[] expected = new int[waiters];
        int n = 0;
        for (int i = 7; i < waiters; i += 1_000) {
            expected[n++] = i;
        }
        for (int p = 0; p < 10; p++) {
            for (int i = p; i < waiters; i += 10) {
                if (p != 7 || i % 1_000 != 7) {
                    expected[n++] = i;
                }
            }
        }
        assertThat(r.value()).isEqualTo(expected);
    }

    /**
     * A condition's waiter while another task holds the condition's lock. Before, the line said the
     * lock was "held by task 't2'" and then "no task holds it", which read as a contradiction; the
     * "it" was the condition, which no task can hold. It now says who can end the wait: a task
     * holding the lock, which 't2' does now.
     */
    @Test
    void aConditionWaitWhileAnotherTaskHoldsTheLockNamesThatHolderAsTheOneWhoCanSignal() {
        for (boolean priority : new boolean[] {true, false}) {
            SimResult<?> r = Simulation.builder().seed(7).strategy(Strategy.fifo()).run(() -> TaskGroup.with(tg -> {
                Event never = new Event("never");
                if (priority) {
                    PriorityCondition ready = new PriorityCondition(new PriorityLock("q"), "ready");
                    tg.spawn("waiter", () -> {
                        try (var _ = ready.hold()) {
                            ready.await();
                        }
                    });
                    tg.spawn("t2", () -> {
                        try (var _ = ready.hold()) {
                            never.await(); // holds the lock, so it could signal, but waits forever
                        }
                    });
                } else {
                    Condition ready = new Condition(new Lock("q"), "ready");
                    tg.spawn("waiter", () -> {
                        try (var _ = ready.hold()) {
                            ready.await();
                        }
                    });
                    tg.spawn("t2", () -> {
                        try (var _ = ready.hold()) {
                            never.await();
                        }
                    });
                }
                return null;
            }));
            assertThat(r.failure()).isInstanceOf(DeadlockDetected.class);
            String kind = priority ? "PriorityCondition 'ready' of PriorityLock 'q'" : "Condition 'ready' of Lock 'q'";
            String lock = priority ? "PriorityLock 'q'" : "Lock 'q'";
            assertThat(r.failure().getMessage())
                    .contains("task 'waiter' waits for " + kind + " held by task 't2', 1 waiting for a signal;"
                            + " it needs a call to signal() or signalAll() from a task holding " + lock
                            + ", as task 't2' does now")
                    .doesNotContain("no task holds it: it needs a call to signal()");
        }
    }
}
