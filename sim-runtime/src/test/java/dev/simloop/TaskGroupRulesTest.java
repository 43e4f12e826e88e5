package dev.simloop;

import static dev.simloop.Modes.FOREVER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.simloop.sync.Event;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Issue 2, section 3: the task group rules, one (or more) tests per rule. */
class TaskGroupRulesTest {

    // ---- rule 1: a child failure cancels its siblings and the group's body, and wakes a sleeping body

    @ParameterizedTest
    @EnumSource(Modes.class)
    void rule1_childFailureCancelsSiblingsAndWakesSleepingBody(Modes mode) {
        List<String> log = Modes.log();
        long[] bodyWokeAt = {-1};
        long wallStart = System.nanoTime();
        Throwable thrown = catchThrowable(() -> mode.run(() -> TaskGroup.with(tg -> {
            tg.spawn("sibling", () -> {
                try {
                    Loop.sleep(FOREVER);
                    log.add("sibling slept through");
                } catch (Cancelled c) {
                    log.add("sibling cancelled: " + c.reason());
                    throw c;
                }
            });
            tg.spawn("failer", () -> {
                Loop.sleep(mode.unit);
                log.add("failer throws");
                throw new IllegalStateException("boom");
            });
            try {
                Loop.sleep(FOREVER);
                log.add("body slept through");
            } catch (Cancelled c) {
                bodyWokeAt[0] = Loop.nanoTime();
                log.add("body cancelled: " + c.reason());
                throw c;
            }
            return "unreachable";
        })));
        assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessage("boom");
        assertThat(log).first().isEqualTo("failer throws");
        assertThat(log).containsExactlyInAnyOrder("failer throws", "sibling cancelled: GROUP_FAILURE",
                "body cancelled: GROUP_FAILURE");
        if (mode.simulated()) {
            assertThat(bodyWokeAt[0]).isEqualTo(mode.unit.toNanos()); // woken at once, not after an hour
        } else {
            assertThat(Duration.ofNanos(System.nanoTime() - wallStart)).isLessThan(Duration.ofSeconds(20));
        }
    }

    @Test
    void rule1_childFailureWakesBodyBlockedOnAnEventAndGrandchildren() {
        for (long seed = 0; seed < 30; seed++) {
            List<String> log = Modes.log();
            SimResult<Object> r = Simulation.run(seed, () -> TaskGroup.with(tg -> {
                tg.spawn("parent", () -> TaskGroup.with(inner -> {
                    inner.spawn("grandchild", () -> {
                        try {
                            new Event().await();
                        } catch (Cancelled c) {
                            log.add("grandchild cancelled at " + Loop.nanoTime());
                            throw c;
                        }
                    });
                    return null;
                }));
                tg.spawn("failer", () -> {
                    Loop.sleep(Duration.ofMillis(5));
                    throw new UnsupportedOperationException("nope");
                });
                try {
                    new Event().await();
                } catch (Cancelled c) {
                    log.add("body cancelled at " + Loop.nanoTime());
                    throw c;
                }
                return null;
            }));
            assertThat(r.failure()).as("seed %d", seed).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessage("nope").hasNoSuppressedExceptions();
            assertThat(log).containsExactlyInAnyOrder("grandchild cancelled at 5000000", "body cancelled at 5000000");
            assertThat(r.virtualTime()).isEqualTo(Duration.ofMillis(5));
        }
    }

    @Test
    void rule1_bodyFailureCancelsChildren() {
        List<String> log = Modes.log();
        SimResult<Object> r = Simulation.run(1, () -> TaskGroup.with(tg -> {
            tg.spawn("child", () -> {
                try {
                    Loop.sleep(FOREVER);
                } catch (Cancelled c) {
                    log.add("child cancelled at " + Loop.nanoTime() + ": " + c.reason());
                    throw c;
                }
            });
            Loop.sleep(Duration.ofSeconds(2));
            throw new IllegalArgumentException("body broke");
        }));
        assertThat(r.failure()).isInstanceOf(IllegalArgumentException.class).hasMessage("body broke");
        assertThat(log).containsExactly("child cancelled at 2000000000: GROUP_FAILURE");
        assertThat(r.virtualTime()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void rule1_childFailureAfterTheBodyReturnedCancelsTheOtherChildren() {
        List<String> log = Modes.log();
        SimResult<Object> r = Simulation.run(2, () -> TaskGroup.with(tg -> {
            tg.spawn("sleeper", () -> {
                try {
                    Loop.sleep(FOREVER);
                } catch (Cancelled c) {
                    log.add("sleeper cancelled at " + Loop.nanoTime());
                    throw c;
                }
            });
            tg.spawn("failer", () -> {
                Loop.sleep(Duration.ofSeconds(4));
                throw new IllegalStateException("late failure");
            });
            return "body done"; // the group now waits for its children
        }));
        assertThat(r.failure()).isInstanceOf(IllegalStateException.class).hasMessage("late failure");
        assertThat(log).containsExactly("sleeper cancelled at 4000000000");
    }

    @Test
    void rule1_aBodyThatSwallowsTheCancelStillGetsTheChildFailure() {
        List<String> log = Modes.log();
        SimResult<Object> r = Simulation.run(2, () -> TaskGroup.with(tg -> {
            tg.spawn("failer", () -> {
                throw new IllegalStateException("child failed");
            });
            try {
                Loop.sleep(FOREVER);
            } catch (Cancelled swallowed) {
                log.add("body swallowed the cancel");
            }
            return "body value";
        }));
        assertThat(log).containsExactly("body swallowed the cancel");
        assertThat(r.failure()).isInstanceOf(IllegalStateException.class).hasMessage("child failed");
    }

    @Test
    void rule1_nestedGroupFailurePropagatesUnchangedAndCancelsTheOuterSiblings() {
        List<String> log = Modes.log();
        SimResult<Object> r = Simulation.run(2, () -> TaskGroup.with(outer -> {
            outer.spawn("outer-sibling", () -> {
                try {
                    Loop.sleep(FOREVER);
                } catch (Cancelled c) {
                    log.add("outer sibling cancelled: " + c.reason());
                    throw c;
                }
            });
            outer.spawn("middle", () -> TaskGroup.with(inner -> {
                inner.spawn("deep-failer", () -> {
                    Loop.sleep(Duration.ofSeconds(1));
                    throw new ArrayIndexOutOfBoundsException("deep");
                });
                return null;
            }));
            return null;
        }));
        assertThat(r.failure()).isExactlyInstanceOf(ArrayIndexOutOfBoundsException.class).hasMessage("deep");
        assertThat(log).containsExactly("outer sibling cancelled: GROUP_FAILURE");
    }

    @ParameterizedTest
    @EnumSource(Modes.class)
    void rule1_theRunStartsARootGroupThatWaitsForTasksSpawnedIntoIt(Modes mode) {
        List<String> log = Modes.log();
        String v = mode.run(() -> {
            TaskGroup.with(tg -> {
                tg.spawn("spawner", () -> {
                    Loop.rootGroup().spawn("orphan", () -> {
                        Loop.sleep(mode.units(2));
                        log.add("orphan done");
                    });
                });
                return null;
            });
            log.add("main returns");
            return "main value";
        });
        assertThat(v).isEqualTo("main value");
        assertThat(log).containsExactly("main returns", "orphan done"); // the run waited for the orphan
    }

    @Test
    void rule1_aFailureInTheRootGroupCancelsMain() {
        List<String> log = Modes.log();
        SimResult<Object> r = Simulation.run(1, () -> {
            Loop.rootGroup().spawn("bad", () -> {
                Loop.sleep(Duration.ofSeconds(1));
                throw new IllegalStateException("root child failed");
            });
            try {
                Loop.sleep(FOREVER);
            } catch (Cancelled c) {
                log.add("main cancelled at " + Loop.nanoTime());
                throw c;
            }
            return null;
        });
        assertThat(r.failure()).isInstanceOf(IllegalStateException.class).hasMessage("root child failed");
        assertThat(log).containsExactly("main cancelled at 1000000000");
    }

    // ---- rule 2: first failure unchanged if unchecked, checked wrapped, others suppressed, own Cancelled never reported

    @ParameterizedTest
    @EnumSource(Modes.class)
    void rule2_firstUncheckedFailureRethrownUnchangedOthersSuppressed(Modes mode) {
        AtomicReference<RuntimeException> first = new AtomicReference<>();
        Throwable thrown = catchThrowable(() -> mode.run(() -> TaskGroup.with(tg -> {
            tg.spawn("first", () -> {
                Loop.sleep(mode.unit);
                RuntimeException e = new IllegalStateException("first failure");
                first.set(e);
                throw e;
            });
            tg.spawn("second", () -> {
                try {
                    Loop.sleep(FOREVER);
                } catch (Cancelled c) {
                    // fails while handling the group's cancellation: a real failure, reported as suppressed
                    throw new IllegalArgumentException("second failure", c);
                }
            });
            tg.spawn("quietly-cancelled", () -> Loop.sleep(FOREVER));
            tg.spawn("done-early", () -> 7);
            Loop.sleep(FOREVER); // the body's own Cancelled is not reported either
            return null;
        })));
        assertThat(thrown).isSameAs(first.get());
        assertThat(thrown.getSuppressed()).hasSize(1);
        assertThat(thrown.getSuppressed()[0]).isInstanceOf(IllegalArgumentException.class).hasMessage("second failure");
        assertThat(thrown.getSuppressed()[0].getSuppressed()).isEmpty();
    }

    @Test
    void rule2_checkedFailureIsWrappedInTaskFailedException() {
        SimResult<Object> r = Simulation.run(3, () -> TaskGroup.with(tg -> {
            tg.spawn("io", () -> {
                Loop.sleep(Duration.ofSeconds(1));
                throw new IOException("disk gone");
            });
            Loop.sleep(FOREVER);
            return null;
        }));
        assertThat(r.failure()).isExactlyInstanceOf(TaskFailedException.class)
                .hasMessageContaining("'io'").hasMessageContaining("disk gone")
                .hasCauseExactlyInstanceOf(IOException.class);
        assertThat(r.failure().getCause()).hasMessage("disk gone");
    }

    @Test
    void rule2_checkedFailureOfTheBodyIsWrappedToo() {
        SimResult<Object> r = Simulation.run(3, () -> TaskGroup.with(tg -> {
            throw new Exception("checked in body");
        }));
        assertThat(r.failure()).isExactlyInstanceOf(TaskFailedException.class)
                .hasMessageContaining("'main'").hasRootCauseMessage("checked in body");
    }

    @Test
    void rule2_realModeRethrowsUncheckedUnchangedAndWrapsChecked() {
        IllegalStateException unchecked = new IllegalStateException("real failure");
        assertThatThrownBy(() -> Loop.run(() -> TaskGroup.with(tg -> {
            tg.spawn("x", () -> {
                throw unchecked;
            });
            return null;
        }))).isSameAs(unchecked);
        assertThatThrownBy(() -> Loop.run(() -> {
            throw new IOException("checked main");
        })).isExactlyInstanceOf(TaskFailedException.class).hasMessageContaining("'main'")
                .hasCauseExactlyInstanceOf(IOException.class);
    }

    @Test
    void rule2_errorsAreRethrownUnchanged() {
        AssertionError boom = new AssertionError("assertion in a task");
        SimResult<Object> r = Simulation.run(3, () -> TaskGroup.with(tg -> {
            tg.spawn("asserting", () -> {
                throw boom;
            });
            return null;
        }));
        assertThat(r.failure()).isSameAs(boom);
    }

    @Test
    void rule2_onlyCancellationsLeaveTheGroupCleanWhenItsOwnCancelCausedThem() {
        // A group cancelled by tg.cancel(): every child ends with Cancelled and nothing is reported.
        for (long seed = 0; seed < 20; seed++) {
            SimResult<String> r = Simulation.run(seed, () -> {
                TaskGroup.with(tg -> {
                    for (int i = 0; i < 5; i++) {
                        tg.spawn("c" + i, () -> Loop.sleep(FOREVER));
                    }
                    Loop.sleep(Duration.ofSeconds(1));
                    tg.cancel();
                    Loop.checkpoint();
                    return "not returned";
                });
                return "clean";
            });
            assertThat(r.value()).isEqualTo("clean");
            assertThat(r.virtualTime()).isEqualTo(Duration.ofSeconds(1));
        }
    }

    @Test
    void rule2_aCancelledThrownByHandThatNoScopeRaisedIsReported() {
        SimResult<Object> r = Simulation.run(3, () -> TaskGroup.with(tg -> {
            tg.spawn("liar", () -> {
                throw new Cancelled(CancelReason.EXPLICIT, "fake");
            });
            return null;
        }));
        assertThat(r.failure()).isInstanceOf(Cancelled.class).hasMessage("fake");
    }

    // ---- rule 3: cancelling a group reaches grandchildren; group.cancel() ends the group normally

    @ParameterizedTest
    @EnumSource(Modes.class)
    void rule3_cancellingAGroupReachesGrandchildrenAndEndsNormally(Modes mode) {
        List<String> log = Modes.log();
        long wallStart = System.nanoTime();
        Object[] withResult = {"unset"};
        String v = mode.run(() -> {
            withResult[0] = TaskGroup.with(tg -> {
                tg.spawn("child", () -> TaskGroup.with(inner -> {
                    inner.spawn("grandchild", () -> {
                        try {
                            Loop.sleep(FOREVER);
                        } catch (Cancelled c) {
                            log.add("grandchild cancelled: " + c.reason());
                            throw c;
                        }
                    });
                    inner.spawn("grandchild-waiting", () -> {
                        try {
                            new Event().await();
                        } catch (Cancelled c) {
                            log.add("grandchild-waiting cancelled");
                            throw c;
                        }
                    });
                    return null;
                }));
                Loop.sleep(mode.unit);
                tg.cancel();
                log.add("cancel called");
                Loop.sleep(FOREVER); // raises Cancelled at once
                return "unreachable";
            });
            return "after group at " + (mode.simulated() ? Loop.nanoTime() : "real");
        });
        assertThat(withResult[0]).isNull();
        assertThat(log).first().isEqualTo("cancel called");
        assertThat(log).containsExactlyInAnyOrder("cancel called", "grandchild cancelled: EXPLICIT",
                "grandchild-waiting cancelled");
        if (mode.simulated()) {
            assertThat(v).isEqualTo("after group at 1000000000");
        } else {
            assertThat(Duration.ofNanos(System.nanoTime() - wallStart)).isLessThan(Duration.ofSeconds(20));
        }
    }

    @Test
    void rule3_cancelWithoutACheckpointInTheBodyReturnsTheBodysValue() {
        SimResult<String> r = Simulation.run(5, () -> TaskGroup.with(tg -> {
            tg.spawn("child", () -> Loop.sleep(FOREVER));
            tg.cancel();
            return "body value";
        }));
        assertThat(r.value()).isEqualTo("body value");
        assertThat(r.virtualTime()).isZero();
    }

    @Test
    void rule3_groupCancelDoesNotCancelTheEnclosingTask() {
        SimResult<List<String>> r = Simulation.run(5, () -> {
            List<String> log = new ArrayList<>();
            TaskGroup.with(tg -> {
                tg.spawn("child", () -> Loop.sleep(FOREVER));
                tg.cancel();
                return null;
            });
            Loop.sleep(Duration.ofSeconds(3)); // not cancelled: the cancel was the group's
            log.add("slept at " + Loop.nanoTime());
            return log;
        });
        assertThat(r.value()).containsExactly("slept at 3000000000");
    }

    @Test
    void rule3_groupCancelledFromAChildEndsNormally() {
        SimResult<String> r = Simulation.run(3, () -> {
            Object v = TaskGroup.with(tg -> {
                tg.spawn("other", () -> Loop.sleep(FOREVER));
                tg.spawn("canceller", () -> {
                    Loop.sleep(Duration.ofSeconds(2));
                    tg.cancel();
                });
                Loop.sleep(FOREVER);
                return "unreachable";
            });
            return v + " at " + Loop.nanoTime();
        });
        assertThat(r.value()).isEqualTo("null at 2000000000");
    }

    @Test
    void rule3_cancellationFromAnEnclosingScopePassesThroughTheGroupUnreported() {
        SimResult<String> r = Simulation.run(3, () -> {
            AtomicReference<CancelScope> outer = new AtomicReference<>();
            Object v = CancelScope.run(s -> {
                outer.set(s);
                return TaskGroup.with(tg -> {
                    tg.spawn("child", () -> Loop.sleep(FOREVER));
                    tg.spawn("canceller", () -> {
                        Loop.sleep(Duration.ofSeconds(1));
                        s.cancel();
                    });
                    return "body returned";
                });
            });
            return v + ", outer caught " + outer.get().cancelledCaught() + " at " + Loop.nanoTime();
        });
        // the group is not itself cancelled: its children's Cancelled belongs to the outer scope, so (as in
        // trio) it leaves the group and the outer scope catches it
        assertThat(r.value()).isEqualTo("null, outer caught true at 1000000000");
    }

    // ---- rule 4: a task spawned into an already-cancelled group still runs up to its first checkpoint

    @Test
    void rule4_taskSpawnedIntoCancelledGroupRunsUpToItsFirstCheckpoint() {
        for (long seed = 0; seed < 20; seed++) {
            List<String> log = Modes.log();
            AtomicReference<Task<Void>> late = new AtomicReference<>();
            SimResult<Object> r = Simulation.run(seed, () -> TaskGroup.with(tg -> {
                tg.cancel();
                late.set(tg.spawn("late", () -> {
                    log.add("late runs");
                    try {
                        Loop.checkpoint();
                        log.add("late passed its checkpoint");
                    } catch (Cancelled c) {
                        log.add("late cancelled at first checkpoint");
                        throw c;
                    }
                }));
                return "body done";
            }));
            assertThat(r.value()).isEqualTo("body done");
            assertThat(log).containsExactly("late runs", "late cancelled at first checkpoint");
            assertThat(late.get().isDone()).isTrue();
            assertThat(late.get().isCancelled()).isTrue();
        }
    }

    @Test
    void rule4_taskSpawnedByASiblingIntoACancelledGroupAlsoRuns() {
        List<String> log = Modes.log();
        SimResult<Object> r = Simulation.run(9, () -> TaskGroup.with(tg -> {
            tg.spawn("spawner", () -> {
                try {
                    Loop.sleep(FOREVER);
                } finally {
                    // the group is cancelled here; the new task still starts
                    tg.spawn("from-finally", () -> {
                        log.add("from-finally runs at " + Loop.nanoTime());
                        Loop.sleep(FOREVER);
                        log.add("not reached");
                    });
                }
            });
            Loop.sleep(Duration.ofSeconds(2));
            tg.cancel();
            return null;
        }));
        assertThat(r.failed()).isFalse();
        assertThat(log).containsExactly("from-finally runs at 2000000000");
        assertThat(r.virtualTime()).isEqualTo(Duration.ofSeconds(2));
    }

    // ---- rule 5: spawn while the group waits; spawn after the group finished throws

    @ParameterizedTest
    @EnumSource(Modes.class)
    void rule5_spawnWhileGroupWaitsAndSpawnAfterFinishThrows(Modes mode) {
        List<String> log = Modes.log();
        AtomicReference<TaskGroup> group = new AtomicReference<>();
        Throwable afterFinish = mode.run(() -> {
            TaskGroup.with(tg -> {
                group.set(tg);
                tg.spawn("first", () -> {
                    Loop.sleep(mode.unit);
                    log.add("first spawns second");
                    tg.spawn("second", () -> {
                        Loop.sleep(mode.unit);
                        log.add("second done" + (mode.simulated() ? " at " + Loop.nanoTime() : ""));
                    });
                });
                log.add("body returns");
                return null; // the group now waits for 'first', which spawns 'second' meanwhile
            });
            log.add("group finished");
            return catchThrowable(() -> group.get().spawn("too-late", () -> log.add("must not run")));
        });
        String secondDone = mode.simulated() ? "second done at 2000000000" : "second done";
        assertThat(log).containsExactly("body returns", "first spawns second", secondDone, "group finished");
        assertThat(afterFinish).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("TaskGroup.spawn").hasMessageContaining("has finished");
    }

    @Test
    void rule5_spawnAfterFinishThrowsForStartToo() {
        SimResult<Throwable> r = Simulation.run(2, () -> {
            TaskGroup g = TaskGroup.with(tg -> tg);
            return catchThrowable(() -> g.start(status -> status.started()));
        });
        assertThat(r.value()).isInstanceOf(IllegalStateException.class).hasMessageContaining("TaskGroup.start")
                .hasMessageContaining("has finished");
    }

    // ---- rule 6: the start() handshake

    @ParameterizedTest
    @EnumSource(Modes.class)
    void rule6_startReturnsTheValueOnceTheChildCallsStarted(Modes mode) {
        List<String> log = Modes.log();
        String result = mode.run(() -> TaskGroup.with(tg -> {
            int port = tg.start("server", (TaskStatus<Integer> status) -> {
                log.add("server binding");
                Loop.sleep(mode.unit);
                status.started(8080);
                log.add("server serving");
                Loop.sleep(mode.units(2));
                log.add("server done");
            });
            log.add("start returned " + port + (mode.simulated() ? " at " + Loop.nanoTime() : ""));
            return "port " + port;
        }));
        assertThat(result).isEqualTo("port 8080");
        String returned = mode.simulated() ? "start returned 8080 at 1000000000" : "start returned 8080";
        assertThat(log).containsExactly("server binding", "server serving", returned, "server done");
    }

    @Test
    void rule6_failureBeforeStartedIsThrownFromStartAndNotByTheGroup() {
        SimResult<String> r = Simulation.run(4, () -> TaskGroup.with(tg -> {
            tg.spawn("bystander", () -> Loop.sleep(Duration.ofSeconds(5)));
            Throwable t = catchThrowable(() -> tg.start("broken", status -> {
                Loop.sleep(Duration.ofSeconds(1));
                throw new IllegalStateException("could not bind");
            }));
            assertThat(t).isInstanceOf(IllegalStateException.class).hasMessage("could not bind");
            return "caught at " + Loop.nanoTime() + ", group cancelled: " + tg.isCancelled();
        }));
        assertThat(r.value()).isEqualTo("caught at 1000000000, group cancelled: false");
        assertThat(r.virtualTime()).isEqualTo(Duration.ofSeconds(5)); // the bystander was not cancelled
    }

    @Test
    void rule6_checkedFailureBeforeStartedIsWrapped() {
        SimResult<Throwable> r = Simulation.run(4, () -> TaskGroup.with(tg -> catchThrowable(
                () -> tg.start("broken", status -> {
                    throw new IOException("no port");
                }))));
        assertThat(r.value()).isInstanceOf(TaskFailedException.class).hasCauseInstanceOf(IOException.class);
    }

    @Test
    void rule6_finishingWithoutStartedThrowsAClearMessage() {
        SimResult<Throwable> r = Simulation.run(4, () -> TaskGroup.with(tg -> catchThrowable(
                () -> tg.start("lazy", status -> Loop.sleep(Duration.ofSeconds(1))))));
        assertThat(r.value()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'lazy'").hasMessageContaining("without calling TaskStatus.started()");
    }

    @Test
    void rule6_callingStartedTwiceThrowsAClearMessage() {
        List<String> log = Modes.log();
        SimResult<Object> r = Simulation.run(4, () -> TaskGroup.with(tg -> {
            Object v = tg.start("twice", (TaskStatus<String> status) -> {
                status.started("one");
                status.started("two");
            });
            log.add("start returned " + v);
            return null;
        }));
        assertThat(log).containsExactly("start returned one");
        assertThat(r.failure()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("called twice").hasMessageContaining("'twice'");
    }

    @Test
    void rule6_cancellingTheCallerOfStartCancelsTheStartingTask() {
        List<String> log = Modes.log();
        SimResult<Object> r = Simulation.run(4, () -> TaskGroup.with(tg -> {
            Object v = CancelScope.moveOnAfter(Duration.ofSeconds(1), () -> tg.start("slow", status -> {
                try {
                    Loop.sleep(FOREVER);
                } catch (Cancelled c) {
                    log.add("slow cancelled at " + Loop.nanoTime());
                    throw c;
                }
                status.started();
            }));
            log.add("moved on: " + v);
            return null;
        }));
        assertThat(r.failed()).isFalse();
        assertThat(log).containsExactly("slow cancelled at 1000000000", "moved on: Optional.empty");
    }

    // ---- rule 7: join returns the value or rethrows; Task.cancel() cancels that task's own scope

    @ParameterizedTest
    @EnumSource(Modes.class)
    void rule7_joinReturnsTheValue(Modes mode) {
        String v = mode.run(() -> TaskGroup.with(tg -> {
            Task<Integer> a = tg.spawn("a", () -> {
                Loop.sleep(mode.unit);
                return 20;
            });
            Task<Integer> b = tg.spawn("b", () -> {
                Loop.sleep(mode.units(2));
                return 22;
            });
            int sum = a.join() + b.join();
            assertThat(a.isDone()).isTrue();
            assertThat(a.isCancelled()).isFalse();
            return sum + (mode.simulated() ? " at " + Loop.nanoTime() : "");
        }));
        assertThat(v).isEqualTo(mode.simulated() ? "42 at 2000000000" : "42");
    }

    @Test
    void rule7_aCancelledJoinLeavesTheJoinedTaskRunning() {
        SimResult<String> r = Simulation.run(4, () -> TaskGroup.with(tg -> {
            Task<String> slow = tg.spawn("slow", () -> {
                Loop.sleep(Duration.ofSeconds(5));
                return "slow value";
            });
            Optional<String> j = CancelScope.moveOnAfter(Duration.ofSeconds(1), slow::join);
            String first = "join timed out " + j.isEmpty() + " at " + Loop.nanoTime() + ", slow done " + slow.isDone();
            return first + "; then " + slow.join() + " at " + Loop.nanoTime();
        }));
        assertThat(r.value()).isEqualTo("join timed out true at 1000000000, slow done false; then slow value at 5000000000");
    }

    @Test
    void rule7_joinOfAFinishedTaskReturnsAtOnceButIsACheckpoint() {
        SimResult<List<String>> r = Simulation.run(4, () -> TaskGroup.with(tg -> {
            List<String> log = new ArrayList<>();
            Task<String> t = tg.spawn("quick", () -> "v");
            Loop.sleep(Duration.ofSeconds(1));
            log.add(t.join());
            CancelScope.run(s -> {
                s.cancel();
                try {
                    t.join();
                    log.add("join did not check");
                } catch (Cancelled c) {
                    log.add("join raised Cancelled");
                }
                return null;
            });
            return log;
        }));
        assertThat(r.value()).containsExactly("v", "join raised Cancelled");
    }

    @Test
    void rule7_joinRethrowsTheSameFailure() {
        AtomicReference<Throwable> joined = new AtomicReference<>();
        SimResult<Object> r = Simulation.run(4, () -> TaskGroup.with(tg -> {
            Task<Integer> t = tg.spawn("failing", () -> {
                Loop.sleep(Duration.ofSeconds(1));
                throw new ArithmeticException("divide by zero");
            });
            try {
                t.join();
            } catch (Throwable e) {
                joined.set(e);
                throw e;
            }
            return null;
        }));
        assertThat(joined.get()).isInstanceOf(ArithmeticException.class).hasMessage("divide by zero");
        assertThat(r.failure()).isSameAs(joined.get()).hasNoSuppressedExceptions(); // reported once
    }

    @Test
    void rule7_joinOfACheckedFailureThrowsTaskFailedException() {
        AtomicReference<Throwable> joined = new AtomicReference<>();
        Simulation.run(4, () -> TaskGroup.with(tg -> {
            Task<Integer> t = tg.spawn("io", () -> {
                throw new IOException("eof");
            });
            joined.set(catchThrowable(t::join));
            return null;
        }));
        assertThat(joined.get()).isInstanceOf(TaskFailedException.class).hasCauseInstanceOf(IOException.class);
    }

    @ParameterizedTest
    @EnumSource(Modes.class)
    void rule7_taskCancelCancelsOnlyThatTask(Modes mode) {
        List<String> log = Modes.log();
        String v = mode.run(() -> TaskGroup.with(tg -> {
            Task<String> victim = tg.spawn("victim", () -> {
                try {
                    Loop.sleep(FOREVER);
                    return "slept";
                } catch (Cancelled c) {
                    log.add("victim cancelled: " + c.reason());
                    throw c;
                }
            });
            Task<String> bystander = tg.spawn("bystander", () -> {
                Loop.sleep(mode.units(2));
                return "bystander ok";
            });
            Loop.sleep(mode.unit);
            victim.cancel();
            victim.cancel(); // harmless
            Throwable j = catchThrowable(victim::join);
            assertThat(j).isExactlyInstanceOf(TaskCancelledException.class).hasMessageContaining("'victim'")
                    .isNotInstanceOf(CancellationException.class);
            assertThat(victim.isCancelled()).isTrue();
            assertThat(victim.isDone()).isTrue();
            assertThat(tg.isCancelled()).isFalse();
            log.add("victim joined");
            return bystander.join();
        }));
        assertThat(v).isEqualTo("bystander ok");
        assertThat(log).containsExactly("victim cancelled: EXPLICIT", "victim joined");
    }

    @Test
    void rule7_taskCancelReachesTheTasksOwnChildren() {
        List<String> log = Modes.log();
        SimResult<Object> r = Simulation.run(6, () -> TaskGroup.with(tg -> {
            Task<Object> parent = tg.spawn("parent", () -> TaskGroup.with(inner -> {
                inner.spawn("kid", () -> {
                    try {
                        Loop.sleep(FOREVER);
                    } catch (Cancelled c) {
                        log.add("kid cancelled at " + Loop.nanoTime());
                        throw c;
                    }
                });
                return null;
            }));
            Loop.sleep(Duration.ofSeconds(1));
            parent.cancel();
            return null;
        }));
        assertThat(r.failed()).isFalse();
        assertThat(log).containsExactly("kid cancelled at 1000000000");
    }

    @Test
    void rule7_cancellingAFinishedTaskIsHarmless() {
        SimResult<String> r = Simulation.run(6, () -> TaskGroup.with(tg -> {
            Task<String> t = tg.spawn("done", () -> "value");
            Loop.sleep(Duration.ofSeconds(1));
            t.cancel();
            return t.join() + " " + t.isCancelled();
        }));
        assertThat(r.value()).isEqualTo("value false");
    }

    @Test
    void rule7_joinFromTheTaskItselfIsRejected() {
        SimResult<Object> r = Simulation.run(6, () -> TaskGroup.with(tg -> {
            AtomicReference<Task<Object>> self = new AtomicReference<>();
            Event ready = new Event();
            self.set(tg.spawn("selfish", () -> {
                ready.await();
                return self.get().join();
            }));
            ready.set();
            return null;
        }));
        assertThat(r.failure()).isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot join itself");
    }

    /**
     * Outside a loop, a join cannot wait: it gives a finished task's value (JoinFromOutsideTest has
     * the failures, the cancel, and the refusal of a task not finished).
     */
    @Test
    void rule7_joinFromOutsideALoopGivesAFinishedTasksValue() {
        AtomicReference<Task<String>> t = new AtomicReference<>();
        Simulation.run(1, () -> TaskGroup.with(tg -> {
            t.set(tg.spawn("x", () -> "x"));
            return null;
        }));
        assertThat(t.get().join()).isEqualTo("x");
    }

    /**
     * A Cancelled that no cancelled scope raised (here one the body throws itself) is a failure of the
     * body like any other: the group cancels its tasks at once and rethrows it, rather than waiting for
     * them as it would for the Cancelled of a cancel that reaches the group.
     */
    @Test
    void aStrayCancelledThrownByTheBodyCancelsTheTasksAndIsRethrown() {
        List<String> log = Simulation.run(11, () -> {
            List<String> l = new ArrayList<>();
            try {
                TaskGroup.with(tg -> {
                    tg.spawn("child", () -> {
                        try {
                            Loop.sleep(Duration.ofSeconds(5));
                            l.add("child slept 5s");
                        } catch (Cancelled c) {
                            l.add("child cancelled: " + c.reason());
                            throw c;
                        }
                    });
                    Loop.checkpoint();
                    throw new Cancelled(CancelReason.EXPLICIT, "not raised by any scope");
                });
            } catch (Cancelled c) {
                l.add("group threw '" + c.getMessage() + "' at " + Loop.nanoTime());
            }
            return l;
        }).value();
        assertThat(log).containsExactly("child cancelled: GROUP_FAILURE", "group threw 'not raised by any scope' at 0");
    }
}
