package dev.simloop.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Cancelled;
import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Task;
import dev.simloop.TaskGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * Across 1,000 seeds, with random waiters cancelled at random moments, no primitive loses a
 * permit, a value or a wake-up: a lost wake-up would leave a task blocked forever (the run then
 * fails with DeadlockDetected), a lost permit or lock shows in the final state, a lost or duplicated
 * value in the received multiset.
 */
class NoLostWakeupsPropertyTest {
    private static final int SEEDS = 1000;

    /** Cancels a random live task of {@code tasks} now and then, until {@code stop} is set. */
    private static void chaos(List<? extends Task<?>> tasks, Event stop, int maxCancels) {
        RandomGenerator rnd = Loop.random();
        int cancels = 0;
        while (!stop.isSet() && cancels < maxCancels) {
            for (int i = rnd.nextInt(4); i >= 0; i--) {
                Loop.checkpoint();
            }
            Task<?> victim = tasks.get(rnd.nextInt(tasks.size()));
            if (!victim.isDone()) {
                victim.cancel();
                cancels++;
            }
        }
    }

    private static SimResult<String> run(long seed) {
        return Simulation.run(seed, () -> {
            RandomGenerator rnd = Loop.random();
            // ---- Lock + Semaphore + Condition + Event: workers, some cancelled
            Lock lock = new Lock("L");
            Semaphore sem = Semaphore.bounded(2);
            Condition cond = new Condition(new Lock("C"));
            Event gate = new Event();
            int[] counter = {0};
            int[] inside = {0, 0};
            int[] criticalSections = {0};
            int[] signalled = {0};
            int[] workerCount = {0};
            TaskGroup.with(tg -> {
                List<Task<Void>> workers = new ArrayList<>();
                int n = 3 + rnd.nextInt(4);
                workerCount[0] = n;
                for (int i = 0; i < n; i++) {
                    workers.add(tg.spawn("w" + i, () -> {
                        gate.await();
                        for (int k = 0; k < 3; k++) {
                            try (var _ = sem.hold()) {
                                inside[0]++;
                                inside[1] = Math.max(inside[1], inside[0]);
                                try (var _ = lock.hold()) {
                                    int v = counter[0];
                                    Loop.checkpoint();
                                    counter[0] = v + 1;
                                    criticalSections[0]++;
                                } finally {
                                    inside[0]--;
                                }
                            }
                        }
                        try (var _ = cond.hold()) {
                            while (signalled[0] == 0) {
                                cond.await();
                            }
                        }
                    }));
                }
                Event stop = new Event();
                Task<Void> chaos = tg.spawn("chaos", () -> chaos(workers, stop, 2));
                Loop.checkpoint();
                gate.set();
                for (int i = 0; i < 10; i++) {
                    Loop.checkpoint();
                }
                try (var _ = cond.hold()) {
                    signalled[0] = 1;
                    cond.signalAll();
                }
                for (Task<Void> w : workers) {
                    try {
                        w.join();
                    } catch (dev.simloop.TaskCancelledException expected) {
                        // a cancelled worker
                    }
                }
                stop.set();
                chaos.join();
                return null;
            });
            assertThat(counter[0]).as("no lost update under the lock").isEqualTo(criticalSections[0]);
            assertThat(inside[1]).as("semaphore bound").isLessThanOrEqualTo(2);
            assertThat(sem.availablePermits()).as("no lost permit").isEqualTo(2);
            assertThat(sem.waiting()).isZero();
            assertThat(lock.isLocked()).isFalse();
            assertThat(lock.waiting()).isZero();
            assertThat(cond.waiting()).isZero();
            assertThat(cond.lock().isLocked()).isFalse();

            // ---- Channel: senders and receivers, some of each cancelled
            Channel<Integer> ch = new Channel<>(rnd.nextInt(3));
            List<Integer> sent = new ArrayList<>();
            List<Integer> received = new ArrayList<>();
            TaskGroup.with(tg -> {
                List<Task<Void>> receivers = new ArrayList<>();
                for (int r = 0; r < 3; r++) {
                    receivers.add(tg.spawn("r" + r, () -> {
                        try {
                            for (int v : ch) {
                                received.add(v);
                            }
                        } catch (Cancelled e) {
                            throw e;
                        }
                    }));
                }
                // one receiver is never cancelled, so every sent value has a taker
                tg.spawn("steady", () -> {
                    for (int v : ch) {
                        received.add(v);
                    }
                });
                List<Task<Void>> senders = new ArrayList<>();
                TaskGroup.with(sg -> {
                    for (int s = 0; s < 3; s++) {
                        int base = s * 100;
                        senders.add(sg.spawn("s" + s, () -> {
                            for (int i = 0; i < 5; i++) {
                                ch.send(base + i);
                                sent.add(base + i); // recorded only when send returned
                            }
                        }));
                    }
                    List<Task<Void>> victims = new ArrayList<>(senders);
                    victims.addAll(receivers);
                    Event stop = new Event();
                    sg.spawn("chaos", () -> chaos(victims, stop, 3));
                    for (Task<Void> s : senders) {
                        try {
                            s.join();
                        } catch (dev.simloop.TaskCancelledException expected) {
                            // a cancelled sender
                        }
                    }
                    stop.set();
                    return null;
                });
                ch.close();
                return null;
            });
            assertThat(received).as("every sent value received exactly once").containsExactlyInAnyOrderElementsOf(sent);
            return "ok " + criticalSections[0] + " " + sent.size() + " " + workerCount[0] * 3;
        });
    }

    @Test
    void noLostPermitValueOrWakeupWhenRandomWaitersAreCancelled() {
        int cancelledSomething = 0;
        int cancelledWorker = 0;
        long steps = 0;
        for (long seed = 0; seed < SEEDS; seed++) {
            SimResult<String> r = run(seed);
            if (r.failed()) {
                throw new AssertionError("seed " + seed + " failed; replay: " + r.replayLine(), r.failure());
            }
            String[] parts = r.value().split(" ");
            steps += r.steps();
            if (Integer.parseInt(parts[1]) < Integer.parseInt(parts[3])) {
                cancelledWorker++;
            }
            if (Integer.parseInt(parts[2]) < 15) {
                cancelledSomething++;
            }
        }
        System.out.println(SEEDS + " seeds, " + steps + " steps; runs with a cancelled sender: " + cancelledSomething
                + ", with a cancelled worker: " + cancelledWorker);
        // the chaos tasks did cancel senders and lock/semaphore workers in a good share of the runs
        assertThat(cancelledSomething).isGreaterThan(SEEDS / 10);
        assertThat(cancelledWorker).isGreaterThan(SEEDS / 10);
    }
}
