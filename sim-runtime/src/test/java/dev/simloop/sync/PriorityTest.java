package dev.simloop.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Loop;
import dev.simloop.PriorityPolicy;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.Task;
import dev.simloop.TaskGroup;
import dev.simloop.ThrowingSupplier;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class PriorityTest {
    /** A lock as the inversion scenario uses it: a PriorityLock or a plain Lock. */
    private interface AnyLock {
        void acquire();

        void release();

        boolean isLocked();
    }

    /**
     * The priority-inversion scenario of issue 3: low-priority L holds the lock; high-priority H
     * waits for it; three medium-priority tasks only checkpoint in a loop.
     */
    private static ThrowingSupplier<List<String>> inversion(Supplier<AnyLock> newLock) {
        return () -> {
            List<String> log = new ArrayList<>();
            AnyLock lock = newLock.get();
            Loop.currentTask().setPriority(-100); // main sets the scene before anyone else runs
            TaskGroup.with(tg -> {
                tg.spawn("L", () -> {
                    Loop.currentTask().setPriority(10);
                    lock.acquire();
                    log.add("L holds");
                    for (int i = 0; i < 5; i++) {
                        Loop.checkpoint();
                    }
                    log.add("L releases");
                    lock.release();
                    log.add("L done");
                });
                Sims.until(lock::isLocked);
                for (int m = 1; m <= 3; m++) {
                    String name = "M" + m;
                    tg.spawn(name, () -> {
                        for (int i = 0; i < 20; i++) {
                            Loop.checkpoint();
                        }
                        log.add(name + " done");
                    });
                }
                tg.spawn("H", () -> {
                    Loop.currentTask().setPriority(-10);
                    log.add("H waits");
                    lock.acquire();
                    log.add("H acquired");
                    lock.release();
                });
                return null;
            });
            return log;
        };
    }

    private static AnyLock priorityLock() {
        PriorityLock l = new PriorityLock("P");
        return new AnyLock() {
            public void acquire() {
                l.acquire();
            }

            public void release() {
                l.release();
            }

            public boolean isLocked() {
                return l.isLocked();
            }
        };
    }

    private static AnyLock plainLock() {
        Lock l = new Lock("P");
        return new AnyLock() {
            public void acquire() {
                l.acquire();
            }

            public void release() {
                l.release();
            }

            public boolean isLocked() {
                return l.isLocked();
            }
        };
    }

    @Test
    void withPriorityLockTheHolderInheritsHsPriorityAndReleasesBeforeAnyMediumTaskFinishes() {
        List<String> log = Simulation.builder().strategy(Strategy.fifo()).priorityPolicy(PriorityPolicy.standard())
                .run(inversion(PriorityTest::priorityLock)).value();
        // L takes the lock and yields inside acquire (a checkpoint), so H queues before L logs "L holds";
        // from then on L runs with H's priority, ahead of every medium task. Release is not a checkpoint,
        // so L finishes its step ("L done") before H, which now holds the lock, runs.
        assertThat(log).containsExactly("H waits", "L holds", "L releases", "L done", "H acquired", "M1 done",
                "M2 done", "M3 done");
    }

    @Test
    void withAPlainLockTheMediumTasksFinishFirst() {
        List<String> log = Simulation.builder().strategy(Strategy.fifo()).priorityPolicy(PriorityPolicy.standard())
                .run(inversion(PriorityTest::plainLock)).value();
        // L keeps its own low priority: every medium task finishes before L may continue
        assertThat(log).containsExactly("H waits", "M1 done", "M2 done", "M3 done", "L holds", "L releases",
                "L done", "H acquired");
    }

    @Test
    void inversionOutcomeHoldsForEveryExploredScheduleAndInARealLoop() {
        for (long seed = 0; seed < 50; seed++) {
            SimResult<List<String>> inherit = Simulation.builder().seed(seed).priorityPolicy(PriorityPolicy.standard())
                    .run(inversion(PriorityTest::priorityLock));
            assertThat(inherit.value().subList(0, 5)).containsExactly("H waits", "L holds", "L releases", "L done",
                    "H acquired");
            SimResult<List<String>> plain = Simulation.builder().seed(seed).priorityPolicy(PriorityPolicy.standard())
                    .run(inversion(PriorityTest::plainLock));
            assertThat(plain.value().subList(0, 4)).containsExactlyInAnyOrder("H waits", "M1 done", "M2 done", "M3 done");
            assertThat(plain.value().subList(4, 8)).containsExactly("L holds", "L releases", "L done", "H acquired");
            // the line records the policy, so the replay alone runs under it again, exactly
            assertThat(inherit.replayLine()).matches("simloop:1:random\\+priority\\(1000\\):.*");
            SimResult<List<String>> again = Simulation.builder().replay(inherit.replayLine())
                    .run(inversion(PriorityTest::priorityLock));
            assertThat(again.traceDigest()).isEqualTo(inherit.traceDigest());
            assertThat(again.value()).isEqualTo(inherit.value());
        }
        List<String> real = Loop.run(PriorityPolicy.standard(), inversion(PriorityTest::priorityLock));
        assertThat(real).containsExactly("H waits", "L holds", "L releases", "L done", "H acquired", "M1 done",
                "M2 done", "M3 done");
    }

    @Test
    void withoutThePolicyPrioritiesDoNotReorderTheReadyQueue() {
        List<String> log = Simulation.builder().strategy(Strategy.fifo()).run(inversion(PriorityTest::priorityLock))
                .value();
        // plain FIFO round-robin: L's five checkpoints finish long before the mediums' twenty
        assertThat(log).containsExactly("L holds", "H waits", "L releases", "L done", "H acquired", "M1 done",
                "M2 done", "M3 done");
    }

    @Test
    void effectivePriorityIsInheritedTransitivelyAndDropsWhenWaitersLeave() {
        List<Integer> seen = Sims.fifo(() -> {
            List<Integer> out = new ArrayList<>();
            PriorityLock p1 = new PriorityLock("p1");
            PriorityLock p2 = new PriorityLock("p2");
            Lock plain = new Lock("plain");
            TaskGroup.with(tg -> {
                Task<Void> a = tg.spawn("a", () -> {
                    Loop.currentTask().setPriority(10);
                    p1.acquire();
                    plain.acquire();
                    Loop.sleep(java.time.Duration.ofSeconds(1));
                    plain.release();
                    p1.release();
                });
                Sims.until(() -> plain.isLocked());
                Task<Void> b = tg.spawn("b", () -> {
                    Loop.currentTask().setPriority(5);
                    p2.acquire();
                    p1.acquire(); // waits for a
                    p1.release();
                    p2.release();
                });
                Sims.until(() -> p1.waiting() == 1);
                out.add(a.effectivePriority()); // 5 from b
                Task<Void> c = tg.spawn("c", () -> {
                    Loop.currentTask().setPriority(-3);
                    p2.acquire(); // waits for b, which waits for a
                    p2.release();
                });
                Task<Void> d = tg.spawn("d", () -> {
                    Loop.currentTask().setPriority(-50);
                    plain.acquire(); // a plain lock lends no priority
                    plain.release();
                });
                Sims.until(() -> p2.waiting() == 1 && plain.waiting() == 1);
                out.add(a.effectivePriority()); // -3 from c through b
                out.add(b.effectivePriority());
                out.add(c.effectivePriority());
                c.cancel();
                Sims.until(c::isDone);
                out.add(a.effectivePriority()); // back to 5
                b.setPriority(1);
                out.add(a.effectivePriority()); // follows b's own change
                out.add(a.priority());
                return null;
            });
            return out;
        });
        assertThat(seen).containsExactly(5, -3, -3, -3, 5, 1, 10);
    }

    @Test
    void priorityLockServesWaitersByPriorityFifoAmongEquals() {
        List<String> log = Sims.fifo(() -> {
            List<String> l = new ArrayList<>();
            PriorityLock lock = new PriorityLock();
            lock.acquire();
            TaskGroup.with(tg -> {
                int[] prios = {3, 1, 3, -2, 1};
                for (int i = 0; i < prios.length; i++) {
                    int p = prios[i];
                    String name = "p" + p + "#" + i;
                    tg.spawn(name, () -> {
                        Loop.currentTask().setPriority(p);
                        try (var _ = lock.hold()) {
                            l.add(name);
                        }
                    });
                }
                Sims.until(() -> lock.waiting() == 5);
                lock.release();
                return null;
            });
            return l;
        });
        assertThat(log).containsExactly("p-2#3", "p1#1", "p1#4", "p3#0", "p3#2");
    }

    @Test
    void thePolicyRunsTheMostUrgentReadyTaskFirstFifoAmongEquals() {
        List<String> log = Simulation.builder().strategy(Strategy.fifo()).priorityPolicy(PriorityPolicy.standard())
                .run(() -> {
                    List<String> l = new ArrayList<>();
                    Loop.currentTask().setPriority(-100);
                    TaskGroup.with(tg -> {
                        int[] prios = {2, 0, 2, -1, 0};
                        for (int i = 0; i < prios.length; i++) {
                            int p = prios[i];
                            String name = "p" + p + "#" + i;
                            tg.spawn(name, () -> {
                                Loop.currentTask().setPriority(p);
                                Loop.checkpoint(); // re-queued with its own priority
                                l.add(name);
                            });
                        }
                        return null;
                    });
                    return l;
                }).value();
        assertThat(log).containsExactly("p-1#3", "p0#1", "p0#4", "p2#0", "p2#2");
    }

    /** A low-priority and a default-priority task, each logging its name after a checkpoint. */
    private static String lowAndHigh() {
        StringBuilder sb = new StringBuilder();
        TaskGroup.with(tg -> {
            tg.spawn("low", () -> {
                Loop.currentTask().setPriority(1);
                Loop.checkpoint();
                sb.append("low ");
            });
            tg.spawn("high", () -> {
                Loop.checkpoint();
                sb.append("high ");
            });
            return null;
        });
        return sb.toString().trim();
    }

    @Test
    void exploringStrategiesChooseOnlyAmongTheMostUrgent() {
        int lowFirstWithout = 0;
        for (long seed = 0; seed < 100; seed++) {
            ThrowingSupplier<String> race = PriorityTest::lowAndHigh;
            String with = Simulation.builder().seed(seed).priorityPolicy(PriorityPolicy.standard()).run(race).value();
            assertThat(with).isEqualTo("high low");
            if (Simulation.run(seed, race).value().equals("low high")) {
                lowFirstWithout++;
            }
        }
        assertThat(lowFirstWithout).isGreaterThan(10); // without the policy, both orders are explored
    }

    /** @return the replay line of the first seed whose run, without a policy, runs 'low' before 'high' */
    private static String lineOfARunWithoutPolicyThatRunsLowFirst(ThrowingSupplier<String> race) {
        for (long seed = 0; ; seed++) {
            SimResult<String> r = Simulation.run(seed, race);
            if (r.value().equals("low high")) {
                return r.replayLine();
            }
        }
    }

    @Test
    void aReplayRunsUnderTheRecordedPolicyUnlessToldOtherwise() {
        ThrowingSupplier<String> race = PriorityTest::lowAndHigh;
        // a schedule that, without the policy, runs low first
        String withoutPolicyLowFirst = lineOfARunWithoutPolicyThatRunsLowFirst(race);
        // the same choices under boostAfter(7): the policy ran high first, and the line says so
        SimResult<String> withPolicy = Simulation.builder().followChoices(dev.simloop.Schedule.parse(withoutPolicyLowFirst))
                .priorityPolicy(PriorityPolicy.boostAfter(7)).run(race);
        assertThat(withPolicy.value()).isEqualTo("high low");
        assertThat(dev.simloop.Schedule.parse(withPolicy.replayLine()).priorityPolicy())
                .hasValueSatisfying(p -> assertThat(p.boostAfterSteps()).isEqualTo(7));
        assertThat(Simulation.builder().replay(withPolicy.replayLine()).run(race).value()).isEqualTo("high low");
        // a later priorityPolicy(null) overrides the line: without the policy both tasks are
        // candidates where the line recorded none, so the strict replay stops there
        SimResult<String> overridden = Simulation.builder().replay(withPolicy.replayLine()).priorityPolicy(null).run(race);
        assertThat(overridden.failure()).isInstanceOf(dev.simloop.NondeterminismDetected.class)
                .hasMessageContaining("replay diverged at step 3").hasMessageContaining("[task 'high', task 'low']");
    }

    /**
     * A strict replay under another policy than its line's parts from the line because of the
     * policy: the failure says so and how to replay exactly, not that the program changed.
     */
    @Test
    void aReplayUnderAnotherPolicyThanItsLineNamesThePolicyAsTheCause() {
        ThrowingSupplier<String> race = PriorityTest::lowAndHigh;
        String withoutPolicyLowFirst = lineOfARunWithoutPolicyThatRunsLowFirst(race);
        String withPolicy = Simulation.builder().followChoices(dev.simloop.Schedule.parse(withoutPolicyLowFirst))
                .priorityPolicy(PriorityPolicy.boostAfter(7)).run(race).replayLine();

        SimResult<String> policyDropped = Simulation.builder().replay(withPolicy).priorityPolicy(null).run(race);
        assertThat(policyDropped.failure()).isInstanceOf(dev.simloop.ReplayDiverged.class)
                .hasMessageStartingWith("the replay runs without a priority policy, but its line was recorded with"
                        + " priority(7) (a line's choices index the candidates its policy allowed), so the run parted"
                        + " from the line; the program need not have changed. Replay it exactly under the line's own policy:"
                        + " drop the priorityPolicy(..) call after replay(line) (in @SimulatedLoop, priorityPolicy = true adds the"
                        + " standard policy to a line recorded without one). Where it parted:"
                        + " replay diverged at step 3")
                .hasMessageContaining("[task 'high', task 'low']")
                .hasMessageNotContaining("the program or its inputs changed");

        SimResult<String> policyAdded = Simulation.builder().replay(withoutPolicyLowFirst)
                .priorityPolicy(PriorityPolicy.standard()).run(race);
        assertThat(policyAdded.failure()).isInstanceOf(dev.simloop.ReplayDiverged.class)
                .hasMessageStartingWith("the replay runs with priority(1000), but its line was recorded without a"
                        + " priority policy (a line's choices index the candidates its policy allowed), so the run parted"
                        + " from the line;")
                .hasMessageNotContaining("the program or its inputs changed");
        // the line's own policy, given again, is no override: the replay is exact
        assertThat(Simulation.builder().replay(withPolicy).priorityPolicy(PriorityPolicy.boostAfter(7)).run(race)
                .replayLine()).isEqualTo(withPolicy);
    }

    /**
     * Moving a ready task in the queue ({@code Loop.reinsert}) does not run it, so its boost count
     * goes on: a busy task that moved the background to the back at every step kept it from ever
     * being boosted, since each move restarted its count, and it ran only once the busy task was done.
     */
    @Test
    void aTaskMovedInTheReadyQueueKeepsItsBoostCount() {
        List<String> log = Simulation.builder().strategy(Strategy.fifo()).priorityPolicy(PriorityPolicy.boostAfter(3))
                .run(() -> {
                    List<String> l = new ArrayList<>();
                    TaskGroup.with(tg -> {
                        dev.simloop.Task<?> background = tg.spawn("background", () -> {
                            Loop.currentTask().setPriority(10);
                            Loop.checkpoint();
                            l.add("background");
                        });
                        tg.spawn("busy", () -> {
                            Loop.currentTask().setPriority(-10);
                            for (int i = 0; i < 30; i++) {
                                if (background.isRunnable()) {
                                    Loop.reinsert(background, Integer.MAX_VALUE);
                                }
                                Loop.checkpoint();
                                l.add("busy " + i);
                            }
                        });
                        return null;
                    });
                    return l;
                }).value();
        assertThat(log).hasSize(31);
        assertThat(log.indexOf("background")).as("position of background in %s", log).isEqualTo(2);
    }

    @Test
    void boostingRunsAStarvedTaskAfterTheConfiguredSteps() {
        for (int boost : new int[] {3, 10}) {
            List<String> log = Simulation.builder().strategy(Strategy.fifo()).priorityPolicy(PriorityPolicy.boostAfter(boost))
                    .run(() -> {
                        List<String> l = new ArrayList<>();
                        TaskGroup.with(tg -> {
                            tg.spawn("background", () -> {
                                Loop.currentTask().setPriority(10);
                                Loop.checkpoint();
                                l.add("background");
                            });
                            tg.spawn("busy", () -> {
                                Loop.currentTask().setPriority(-10);
                                for (int i = 0; i < 30; i++) {
                                    Loop.checkpoint();
                                    l.add("busy " + i);
                                }
                            });
                            return null;
                        });
                        return l;
                    }).value();
            int at = log.indexOf("background");
            assertThat(log).hasSize(31);
            // background is passed over at most `boost` steps, then runs between two busy steps
            assertThat(at).as("position of background with boost %d in %s", boost, log).isEqualTo(boost - 1);
            List<String> noBoost = Simulation.builder().strategy(Strategy.fifo())
                    .priorityPolicy(PriorityPolicy.standard()).run(() -> {
                        List<String> l = new ArrayList<>();
                        TaskGroup.with(tg -> {
                            tg.spawn("background", () -> {
                                Loop.currentTask().setPriority(10);
                                Loop.checkpoint();
                                l.add("background");
                            });
                            tg.spawn("busy", () -> {
                                Loop.currentTask().setPriority(-10);
                                for (int i = 0; i < 30; i++) {
                                    Loop.checkpoint();
                                    l.add("busy " + i);
                                }
                            });
                            return null;
                        });
                        return l;
                    }).value();
            assertThat(noBoost.getLast()).isEqualTo("background");
        }
    }

    /**
     * Boosting counts only ready tasks (priority.md, "Boosting"): a low-priority waiter of a
     * PriorityLock waits while two urgent tasks take the lock in turns, even under a policy that
     * boosts after 10 steps, and gets it only when one of them stops queuing.
     */
    @Test
    void aLowPriorityLockWaiterWaitsWhileUrgentTasksKeepQueuingBoostingCountsOnlyReadyTasks() {
        List<String> log = Simulation.builder().strategy(Strategy.fifo()).priorityPolicy(PriorityPolicy.boostAfter(10))
                .run(() -> {
                    List<String> l = new ArrayList<>();
                    PriorityLock lock = new PriorityLock("l");
                    TaskGroup.with(tg -> {
                        for (int h = 0; h < 2; h++) {
                            String name = "H" + h;
                            int rounds = 200 * (h + 1);
                            tg.spawn(name, () -> {
                                Loop.currentTask().setPriority(dev.simloop.Priority.HIGH);
                                for (int i = 0; i < rounds; i++) {
                                    try (var _ = lock.hold()) {
                                        Loop.checkpoint();
                                    }
                                }
                                l.add(name + " done");
                            });
                        }
                        tg.spawn("L", () -> {
                            Loop.currentTask().setPriority(dev.simloop.Priority.LOW);
                            try (var _ = lock.hold()) {
                                l.add("L has the lock");
                            }
                        });
                        return null;
                    });
                    return l;
                }).value();
        assertThat(log).containsExactly("H0 done", "L has the lock", "H1 done");
    }

    /** A spawned task starts at priority 0 whatever its spawner's priority (priority.md). */
    @Test
    void aSpawnedTaskStartsAtTheDefaultPriorityNotItsSpawners() {
        List<Integer> seen = Sims.fifo(() -> {
            Loop.currentTask().setPriority(dev.simloop.Priority.HIGH);
            return TaskGroup.with(tg -> {
                Task<Integer> child = tg.spawn("child", () -> Loop.currentTask().priority());
                return List.of(Loop.currentTask().priority(), child.join());
            });
        });
        assertThat(seen).containsExactly(-10, 0);
    }

    /**
     * A walk marks the tasks it visits with a JVM-wide epoch. An int epoch came round again after 2^32
     * walks (under a minute of walking), and a task whose mark it met was skipped as visited: its
     * holder lost the priority it inherits. A mark 2^32 walks old is no match now.
     */
    @Test
    void aMarkLeftByAWalkTwoToTheThirtyTwoWalksAgoIsNotTakenForThisWalks() throws Exception {
        java.lang.reflect.Field f = Class.forName("dev.simloop.internal.Priorities").getDeclaredField("EPOCH");
        f.setAccessible(true);
        java.util.concurrent.atomic.AtomicLong epoch = (java.util.concurrent.atomic.AtomicLong) f.get(null);
        List<Integer> seen = Sims.fifo(() -> {
            List<Integer> out = new ArrayList<>();
            PriorityLock lock = new PriorityLock("p");
            TaskGroup.with(tg -> {
                Task<Void> holder = tg.spawn("holder", () -> {
                    Loop.currentTask().setPriority(10);
                    lock.acquire();
                    Loop.sleep(java.time.Duration.ofSeconds(1));
                    lock.release();
                });
                Sims.until(lock::isLocked);
                tg.spawn("waiter", () -> {
                    Loop.currentTask().setPriority(-3);
                    lock.acquire();
                    lock.release();
                });
                Sims.until(() -> lock.waiting() == 1);
                out.add(holder.effectivePriority()); // the walk marks the waiter with this epoch
                long marked = epoch.get();
                epoch.set(marked + (1L << 32) - 1); // the next walk's epoch is 2^32 past that mark
                out.add(holder.effectivePriority());
                return null;
            });
            return out;
        });
        assertThat(seen).containsExactly(-3, -3);
    }
}
