package dev.simloop.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Cancelled;
import dev.simloop.Loop;
import dev.simloop.PriorityPolicy;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.Task;
import dev.simloop.TaskGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Who a {@link PriorityLock} serves, checked against its definition at every hand-over: the waiter
 * with the most urgent effective priority, the longest-waiting among equals. The waiters change
 * priority while they wait, leave by cancellation, and some hold priority locks that others wait on,
 * so they inherit (transitively) while they wait. The releaser works out the answer from the public
 * {@link Task#effectivePriority()} of every waiter; the lock's own choice must be the same.
 */
class PriorityServiceOrderTest {
    private static final int TASKS = 40;

    /** The model of one run: who waits for the lock, in arrival order. */
    private static final class Model {
        final List<Task<?>> tasks = new ArrayList<>();
        final List<Integer> waiting = new ArrayList<>();
        int expected = -1;
        int handOvers;

        /** The releaser's answer: the waiter to be served next, or -1. */
        int mostUrgentWaiter() {
            int best = -1;
            int bestPriority = Integer.MAX_VALUE;
            for (int k : waiting) { // in arrival order: the first of equals wins
                int p = tasks.get(k).effectivePriority();
                if (p < bestPriority) {
                    best = k;
                    bestPriority = p;
                }
            }
            return best;
        }

        void release(PriorityLock lock) {
            expected = mostUrgentWaiter();
            lock.release();
        }
    }

    private static int run(long seed, boolean policy) {
        var b = Simulation.builder().seed(seed).strategy(Strategy.random());
        var builder = policy ? b.priorityPolicy(PriorityPolicy.boostAfter(7)) : b;
        return builder.run(() -> {
            SplittableRandom random = new SplittableRandom(seed);
            PriorityLock lock = new PriorityLock("served");
            PriorityLock[] side = new PriorityLock[TASKS];
            int[] sideWaitFor = new int[TASKS];
            int[] priority = new int[TASKS];
            for (int k = 0; k < TASKS; k++) {
                side[k] = new PriorityLock("side" + k);
                // a third hold their side lock while they wait; a third of the others wait on an earlier one first
                sideWaitFor[k] = k > 0 && random.nextInt(3) == 0 ? random.nextInt(k) : -1;
                priority[k] = random.nextInt(-3, 6);
            }
            Model m = new Model();
            TaskGroup.with(tg -> {
                lock.acquire();
                for (int i = 0; i < TASKS; i++) {
                    int k = i;
                    boolean holdsSide = k % 3 == 0;
                    m.tasks.add(tg.spawn("t" + k, () -> {
                        Loop.currentTask().setPriority(priority[k]);
                        if (holdsSide) {
                            side[k].acquire();
                        }
                        if (sideWaitFor[k] >= 0) {
                            side[sideWaitFor[k]].acquire(); // lends its priority to that side lock's holder
                            side[sideWaitFor[k]].release();
                        }
                        if (!lock.isLocked()) {
                            m.expected = k; // takes it at once
                        }
                        m.waiting.add(k); // it parks in the same step: nothing runs in between
                        try {
                            lock.acquire();
                        } catch (Cancelled c) {
                            if (holdsSide) {
                                side[k].release();
                            }
                            throw c;
                        }
                        assertThat(k).as("served after hand-over " + m.handOvers).isEqualTo(m.expected);
                        m.waiting.remove(Integer.valueOf(k));
                        m.handOvers++;
                        Loop.checkpoint();
                        m.release(lock);
                        if (holdsSide) {
                            side[k].release();
                        }
                    }));
                }
                for (int round = 0; round < 3 * TASKS; round++) {
                    Loop.checkpoint();
                    if (!m.waiting.isEmpty() && random.nextInt(4) == 0) {
                        int k = m.waiting.get(random.nextInt(m.waiting.size()));
                        m.tasks.get(k).setPriority(random.nextInt(-3, 6)); // while it waits
                    }
                }
                for (int i = 0; i < 3 && !m.waiting.isEmpty(); i++) {
                    int k = m.waiting.remove(random.nextInt(m.waiting.size()));
                    m.tasks.get(k).cancel(); // leaves the queue now
                }
                m.release(lock);
                return null;
            });
            return m.handOvers;
        }).value();
    }

    @Test
    void everyHandOverServesTheMostUrgentWaiterTheLongestWaitingAmongEquals() {
        int handOvers = 0;
        for (long seed = 1; seed <= 60; seed++) {
            handOvers += run(seed, seed % 2 == 0);
        }
        // Every task is served but the cancelled ones (a cancel can land before a task queues).
        assertThat(handOvers).isBetween(60 * (TASKS - 3), 60 * TASKS);
    }
}
