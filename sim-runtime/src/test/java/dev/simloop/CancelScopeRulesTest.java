package dev.simloop;

import static dev.simloop.Modes.FOREVER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.simloop.sync.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Issue 2, section 4: the cancel scope rules, one (or more) tests per rule. */
class CancelScopeRulesTest {
    private static final long SECOND = 1_000_000_000L;

    private static <T> T sim(ThrowingSupplier<T> main) {
        return Simulation.run(11, main).value();
    }

    // ---- rule 1: raised only at checkpoints, level-triggered, cancelling twice is harmless

    @Test
    void rule1_cancellationIsRaisedOnlyAtCheckpointsAndAgainAtEveryOne() {
        List<String> log = sim(() -> {
            List<String> l = new ArrayList<>();
            Event set = new Event();
            set.set();
            String v = CancelScope.run(s -> {
                s.cancel();
                l.add("still running after cancel");
                s.cancel(); // harmless
                for (int i = 0; i < 3; i++) {
                    try {
                        Loop.checkpoint();
                        l.add("checkpoint " + i + " passed");
                    } catch (Cancelled c) {
                        l.add("checkpoint " + i + " raised");
                    }
                }
                try {
                    Loop.sleep(Duration.ofSeconds(5));
                } catch (Cancelled c) {
                    l.add("sleep raised at " + Loop.nanoTime());
                }
                try {
                    Loop.sleep(Duration.ZERO);
                } catch (Cancelled c) {
                    l.add("sleep(0) raised");
                }
                try {
                    set.await();
                } catch (Cancelled c) {
                    l.add("await of a set event raised");
                }
                try {
                    Loop.toThread(() -> "work");
                } catch (Cancelled c) {
                    l.add("toThread raised");
                }
                try {
                    TaskGroup.with(tg -> {
                        tg.spawn("child", () -> l.add("child ran"));
                        Loop.checkpoint();
                        return null;
                    });
                } catch (Cancelled c) {
                    l.add("group body raised");
                }
                return "swallowed";
            });
            l.add("scope returned " + v);
            return l;
        });
        assertThat(log).containsExactly("still running after cancel", "checkpoint 0 raised", "checkpoint 1 raised",
                "checkpoint 2 raised", "sleep raised at 0", "sleep(0) raised", "await of a set event raised",
                "toThread raised", "child ran", "group body raised", "scope returned swallowed");
    }

    @ParameterizedTest
    @EnumSource(Modes.class)
    void rule1_cancelFromAnotherTaskArrivesAtTheNextCheckpoint(Modes mode) {
        List<String> log = Modes.log();
        mode.run(() -> TaskGroup.with(tg -> {
            AtomicReference<CancelScope> scope = new AtomicReference<>();
            Event opened = new Event();
            tg.spawn("worker", () -> CancelScope.run(s -> {
                scope.set(s);
                opened.set();
                try {
                    Loop.sleep(FOREVER);
                } catch (Cancelled c) {
                    log.add("worker cancelled");
                }
                try {
                    Loop.checkpoint();
                } catch (Cancelled c) {
                    log.add("worker cancelled again");
                    throw c;
                }
                return null;
            }));
            opened.await();
            Loop.sleep(mode.unit);
            log.add("canceller cancels");
            scope.get().cancel();
            log.add("canceller continues");
            scope.get().cancel();
            return null;
        }));
        assertThat(log).containsExactly("canceller cancels", "canceller continues", "worker cancelled",
                "worker cancelled again");
    }

    @ParameterizedTest
    @EnumSource(Modes.class)
    void rule1_cancelInterruptsATaskParkedInJavaUtilConcurrentAndThatIsNoFailure(Modes mode) {
        // decision 3: a cancel reaching a task parked in java.util.concurrent interrupts its thread; the
        // InterruptedException is that cancellation, so scopes catch it and groups do not report it
        List<String> log = Modes.log();
        String v = mode.run(() -> TaskGroup.with(tg -> {
            java.util.concurrent.BlockingQueue<String> q = new java.util.concurrent.LinkedBlockingQueue<>();
            AtomicReference<CancelScope> scope = new AtomicReference<>();
            Event opened = new Event();
            tg.spawn("scoped-taker", () -> {
                Object r = CancelScope.run(s -> {
                    scope.set(s);
                    opened.set();
                    return q.take();
                });
                log.add("scope returned " + r + ", caught " + scope.get().cancelledCaught());
            });
            Task<String> taker = tg.spawn("taker", () -> q.take());
            opened.await();
            Loop.sleep(mode.unit);
            scope.get().cancel();
            taker.cancel();
            Throwable j = catchThrowable(taker::join);
            log.add("join: " + j.getClass().getSimpleName() + ", cancelled " + taker.isCancelled());
            return "group ok";
        }));
        assertThat(v).isEqualTo("group ok");
        assertThat(log).containsExactlyInAnyOrder("scope returned null, caught true",
                "join: TaskCancelledException, cancelled true");
    }

    // ---- rule 2: cancelCalled vs cancelledCaught

    @Test
    void rule2_cancelledCaughtOnlyWhenTheScopeExitsByItsOwnCancelled() {
        List<String> log = sim(() -> {
            List<String> l = new ArrayList<>();
            AtomicReference<CancelScope> ref = new AtomicReference<>();
            Object v = CancelScope.run(s -> {
                ref.set(s);
                s.cancel();
                Loop.checkpoint();
                return "unreachable";
            });
            l.add("caught: value " + v + ", called " + ref.get().cancelCalled() + ", caught " + ref.get().cancelledCaught());
            return l;
        });
        assertThat(log).containsExactly("caught: value null, called true, caught true");
    }

    @Test
    void rule2_scopeCancelledAfterItsLastCheckpointIsCalledButNotCaught() {
        String v = sim(() -> {
            AtomicReference<CancelScope> ref = new AtomicReference<>();
            String r = CancelScope.run(s -> {
                ref.set(s);
                Loop.checkpoint();
                s.cancel();
                return "value";
            });
            return r + ", called " + ref.get().cancelCalled() + ", caught " + ref.get().cancelledCaught();
        });
        assertThat(v).isEqualTo("value, called true, caught false");
    }

    @Test
    void rule2_uncancelledScopeHasNeitherFlagWhenAnOuterScopeCatches() {
        String v = sim(() -> {
            AtomicReference<CancelScope> inner = new AtomicReference<>();
            AtomicReference<CancelScope> outer = new AtomicReference<>();
            CancelScope.run(o -> {
                outer.set(o);
                return CancelScope.run(i -> {
                    inner.set(i);
                    o.cancel();
                    Loop.checkpoint();
                    return "unreachable";
                });
            });
            return "inner " + inner.get().cancelCalled() + "/" + inner.get().cancelledCaught() + ", outer "
                    + outer.get().cancelCalled() + "/" + outer.get().cancelledCaught();
        });
        assertThat(v).isEqualTo("inner false/false, outer true/true");
    }

    @Test
    void rule2_aScopeWhoseBodySwallowsCancelledIsNotCaught() {
        String v = sim(() -> {
            AtomicReference<CancelScope> ref = new AtomicReference<>();
            String r = CancelScope.run(s -> {
                ref.set(s);
                s.cancel();
                try {
                    Loop.checkpoint();
                } catch (Cancelled swallowed) {
                    // bad practice, but the scope must not claim it caught anything
                }
                return "returned";
            });
            return r + " " + ref.get().cancelCalled() + "/" + ref.get().cancelledCaught();
        });
        assertThat(v).isEqualTo("returned true/false");
    }

    // ---- rule 3: of nested cancelled scopes, the outermost catches

    @Test
    void rule3_outermostCancelledScopeCatchesWhateverOrderTheyWereCancelledIn() {
        for (boolean innerFirst : new boolean[] {true, false}) {
            String v = sim(() -> {
                List<String> l = new ArrayList<>();
                AtomicReference<CancelScope> inner = new AtomicReference<>();
                AtomicReference<Cancelled> seen = new AtomicReference<>();
                Object outerResult = CancelScope.run(o -> {
                    CancelScope.run(i -> {
                        inner.set(i);
                        if (innerFirst) {
                            i.cancel();
                            o.setDeadline(Loop.nanoTime()); // deadline: a different reason than the inner's
                        } else {
                            o.setDeadline(Loop.nanoTime());
                            i.cancel();
                        }
                        try {
                            Loop.checkpoint();
                        } catch (Cancelled c) {
                            seen.set(c);
                            throw c;
                        }
                        return null;
                    });
                    l.add("outer body continued after the inner scope");
                    return "unreachable";
                });
                l.add("outer returned " + outerResult);
                l.add("inner caught " + inner.get().cancelledCaught());
                l.add("raised " + seen.get().reason());
                return String.join("; ", l);
            });
            assertThat(v).as("inner cancelled first: %s", innerFirst)
                    .isEqualTo("outer returned null; inner caught false; raised DEADLINE");
        }
    }

    @Test
    void rule3_outerCancelledGroupCatchesCancelledOfAnInnerCancelledScope() {
        String v = sim(() -> {
            AtomicReference<CancelScope> inner = new AtomicReference<>();
            Object r = TaskGroup.with(tg -> CancelScope.run(i -> {
                inner.set(i);
                i.cancel();
                tg.cancel();
                Loop.sleep(FOREVER);
                return "unreachable";
            }));
            return "group returned " + r + ", inner caught " + inner.get().cancelledCaught();
        });
        assertThat(v).isEqualTo("group returned null, inner caught false");
    }

    // ---- rule 4: shields

    @ParameterizedTest
    @EnumSource(Modes.class)
    void rule4_shieldBlocksOuterCancellation(Modes mode) {
        List<String> log = Modes.log();
        mode.run(() -> CancelScope.run(outer -> {
            outer.cancel();
            String v = CancelScope.shielded(() -> {
                Loop.sleep(mode.unit);
                Loop.checkpoint();
                return "shielded work done" + (mode.simulated() ? " at " + Loop.nanoTime() : "");
            });
            log.add(v);
            try {
                Loop.checkpoint();
            } catch (Cancelled c) {
                log.add("cancelled after the shield");
                throw c;
            }
            return null;
        }));
        assertThat(log).containsExactly(mode.simulated() ? "shielded work done at 1000000000" : "shielded work done",
                "cancelled after the shield");
    }

    @Test
    void rule4_shieldDoesNotBlockTheScopesOwnDeadlineOrCancel() {
        String v = sim(() -> CancelScope.run(outer -> {
            outer.cancel();
            AtomicReference<CancelScope> shieldScope = new AtomicReference<>();
            Object r = CancelScope.run(s -> {
                shieldScope.set(s);
                s.setShielded(true);
                s.setDeadline(Loop.nanoTime() + 3 * SECOND);
                Loop.sleep(FOREVER);
                return "unreachable";
            });
            String first = "deadline: " + r + " at " + Loop.nanoTime() + ", caught " + shieldScope.get().cancelledCaught();
            Object r2 = CancelScope.run(s -> {
                s.setShielded(true);
                s.cancel();
                Loop.checkpoint();
                return "unreachable";
            });
            return first + "; explicit: " + r2;
        }));
        assertThat(v).isEqualTo("deadline: null at 3000000000, caught true; explicit: null");
    }

    @Test
    void rule4_shieldCanBeSwitchedOnAndOffWhileRunning() {
        List<String> log = sim(() -> {
            List<String> l = new ArrayList<>();
            CancelScope.run(outer -> {
                outer.cancel();
                CancelScope.run(s -> {
                    assertThat(s.isShielded()).isFalse();
                    s.setShielded(true);
                    assertThat(s.isShielded()).isTrue();
                    Loop.sleep(Duration.ofSeconds(1));
                    l.add("slept shielded until " + Loop.nanoTime());
                    s.setShielded(false);
                    try {
                        Loop.checkpoint();
                    } catch (Cancelled c) {
                        l.add("unshielded: raised");
                    }
                    s.setShielded(true);
                    Loop.checkpoint();
                    l.add("shielded again: passed");
                    s.setShielded(false);
                    Loop.checkpoint();
                    return null;
                });
                l.add("unreachable");
                return null;
            });
            return l;
        });
        assertThat(log).containsExactly("slept shielded until 1000000000", "unshielded: raised", "shielded again: passed");
    }

    @ParameterizedTest
    @EnumSource(Modes.class)
    void rule4_switchingTheShieldOffInterruptsABlockedTaskAtOnce(Modes mode) {
        // after trio's test_cancel_shield_abort
        List<String> log = Modes.log();
        long[] cancelledAt = {-1};
        long wallStart = System.nanoTime();
        AtomicReference<CancelScope> outerRef = new AtomicReference<>();
        mode.run(() -> CancelScope.run(outer -> {
            outerRef.set(outer);
            CancelScope.run(shield -> {
                shield.setShielded(true);
                TaskGroup.with(tg -> {
                    outer.cancel();
                    tg.spawn("sleeper", () -> {
                        log.add("sleeping");
                        try {
                            Loop.sleep(FOREVER);
                        } catch (Cancelled c) {
                            cancelledAt[0] = Loop.nanoTime();
                            log.add("sleeper cancelled: " + c.reason());
                            throw c;
                        }
                    });
                    Loop.sleep(mode.unit); // shielded: completes; the sleeper blocks meanwhile
                    log.add("unshielding");
                    shield.setShielded(false);
                    // look without being cancelled ourselves: the sleeper must already be gone
                    CancelScope.shielded(() -> {
                        Loop.sleep(mode.unit);
                        log.add("after unshield");
                        return null;
                    });
                    return null;
                });
                Loop.checkpoint(); // no longer shielded: the outer cancel arrives here
                log.add("unreachable");
                return null;
            });
            return null;
        }));
        assertThat(log).containsExactly("sleeping", "unshielding", "sleeper cancelled: EXPLICIT", "after unshield");
        assertThat(outerRef.get().cancelledCaught()).isTrue();
        if (mode.simulated()) {
            assertThat(cancelledAt[0]).isEqualTo(SECOND);
        } else {
            assertThat(Duration.ofNanos(System.nanoTime() - wallStart)).isLessThan(Duration.ofSeconds(20));
        }
    }

    @Test
    void rule4_shieldingAnInnerScopeWhileTheOuterCancelPropagatesDoesNotStopIt() {
        // after trio's test_unshield_while_cancel_propagating
        String v = sim(() -> {
            AtomicReference<CancelScope> inner = new AtomicReference<>();
            AtomicReference<CancelScope> outer = new AtomicReference<>();
            CancelScope.run(o -> {
                outer.set(o);
                return CancelScope.run(i -> {
                    inner.set(i);
                    o.cancel();
                    try {
                        Loop.checkpoint();
                    } finally {
                        i.setShielded(true);
                    }
                    return "unreachable";
                });
            });
            return "outer caught " + outer.get().cancelledCaught() + ", inner caught " + inner.get().cancelledCaught();
        });
        assertThat(v).isEqualTo("outer caught true, inner caught false");
    }

    @Test
    void rule4_aShieldInsideATimeoutHidesItsDeadline() {
        String v = sim(() -> {
            Optional<String> o = CancelScope.moveOnAfter(Duration.ofSeconds(2), () -> CancelScope.shielded(() -> {
                Loop.sleep(Duration.ofSeconds(5)); // shield hides the outer deadline
                return "shielded sleep finished at " + Loop.nanoTime();
            }));
            return o.orElse("empty") + ", then " + Loop.nanoTime();
        });
        // the body returned a value and no checkpoint followed inside the timed-out scope
        assertThat(v).isEqualTo("shielded sleep finished at 5000000000, then 5000000000");
    }

    @Test
    void rule4_nestedShieldedScopeInsideACancelledScopeCatchesItsOwnCancel() {
        String v = sim(() -> CancelScope.run(outer -> {
            outer.cancel();
            AtomicReference<CancelScope> s = new AtomicReference<>();
            Object r = CancelScope.shielded(() -> CancelScope.run(inner -> {
                s.set(inner);
                inner.cancel();
                Loop.checkpoint();
                return "unreachable";
            }));
            return "inner returned " + r + ", caught " + s.get().cancelledCaught();
        }));
        assertThat(v).isEqualTo("inner returned null, caught true");
    }

    // ---- rule 5: deadlines move either way; checkpoints check the clock; cancelCalled never reverts

    @ParameterizedTest
    @EnumSource(Modes.class)
    void rule5_deadlineCanBeMovedLater(Modes mode) {
        // On the wall clock the task must move the deadline before the first one passes: a wide
        // margin there (with the first at 1 unit, a loaded machine once woke the half-unit sleep late)
        Duration first = mode.simulated() ? mode.unit : mode.units(25);
        Duration later = mode.simulated() ? mode.units(3) : mode.units(30);
        long[] end = {0};
        long wallStart = System.nanoTime();
        Object r = mode.run(() -> {
            long start = Loop.nanoTime();
            Object v = CancelScope.run(s -> {
                s.setDeadline(start + first.toNanos());
                Loop.sleep(mode.unit.dividedBy(2));
                s.setDeadline(start + later.toNanos());
                assertThat(s.deadline()).isEqualTo(start + later.toNanos());
                Loop.sleep(FOREVER);
                return "unreachable";
            });
            end[0] = Loop.nanoTime() - start;
            return v;
        });
        assertThat(r).isNull();
        if (mode.simulated()) {
            assertThat(end[0]).isEqualTo(3 * SECOND);
        } else {
            assertThat(end[0]).isGreaterThanOrEqualTo(later.toNanos() - 1_000_000);
            assertThat(Duration.ofNanos(System.nanoTime() - wallStart)).isLessThan(Duration.ofSeconds(20));
        }
    }

    @ParameterizedTest
    @EnumSource(Modes.class)
    void rule5_deadlineCanBeMovedEarlierByAnotherTask(Modes mode) {
        long[] end = {0};
        mode.run(() -> TaskGroup.with(tg -> {
            AtomicReference<CancelScope> ref = new AtomicReference<>();
            Event opened = new Event();
            long start = Loop.nanoTime();
            tg.spawn("worker", () -> CancelScope.run(s -> {
                s.setDeadline(start + FOREVER.toNanos());
                ref.set(s);
                opened.set();
                try {
                    Loop.sleep(FOREVER.multipliedBy(2));
                } finally {
                    end[0] = Loop.nanoTime() - start;
                }
                return null;
            }));
            opened.await();
            Loop.sleep(mode.unit);
            ref.get().setDeadline(start + mode.units(2).toNanos()); // earlier, but still in the future
            return null;
        }));
        if (mode.simulated()) {
            assertThat(end[0]).isEqualTo(2 * SECOND);
        } else {
            assertThat(end[0]).isBetween(mode.units(2).toNanos() - 1_000_000, Duration.ofSeconds(20).toNanos());
        }
    }

    @Test
    void rule5_deadlineMovedIntoThePastCancelsAtOnce() {
        String v = sim(() -> {
            Loop.sleep(Duration.ofSeconds(10));
            AtomicReference<CancelScope> ref = new AtomicReference<>();
            Object r = CancelScope.run(s -> {
                ref.set(s);
                s.setDeadline(5 * SECOND);
                assertThat(s.cancelCalled()).isTrue();
                Loop.checkpoint();
                return "unreachable";
            });
            return r + " at " + Loop.nanoTime() + " caught " + ref.get().cancelledCaught();
        });
        assertThat(v).isEqualTo("null at 10000000000 caught true");
    }

    @Test
    void rule5_removingTheDeadlineLetsTheBodyFinish() {
        String v = sim(() -> CancelScope.run(s -> {
            s.setDeadline(SECOND);
            s.setDeadline(Long.MAX_VALUE);
            Loop.sleep(Duration.ofSeconds(5));
            return "finished at " + Loop.nanoTime() + ", called " + s.cancelCalled();
        }));
        assertThat(v).isEqualTo("finished at 5000000000, called false");
    }

    @Test
    void rule5_checkpointChecksTheClockEvenWhenNothingSleeps() {
        // Real mode: burn wall time without any checkpoint, past the deadline; the very next
        // checkpoint must raise (not first run the other tasks and come back).
        List<String> log = Modes.log();
        Optional<String> r = Loop.run(() -> CancelScope.moveOnAfter(Duration.ofMillis(20), () -> {
            long until = System.nanoTime() + Duration.ofMillis(60).toNanos();
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            log.add("before checkpoint");
            Loop.checkpoint();
            log.add("after checkpoint");
            return "unreachable";
        }));
        assertThat(r).isEmpty();
        assertThat(log).containsExactly("before checkpoint");
    }

    @Test
    void rule5_checkpointAfterTheDeadlineInSimulationRaises() {
        // Virtual time passes only while everyone sleeps; after it has passed, a plain checkpoint
        // raises even though the task itself never slept past the deadline.
        List<String> log = Simulation.builder().strategy(Strategy.fifo()).run(() -> {
            List<String> l = new ArrayList<>();
            TaskGroup.with(tg -> {
                tg.spawn("clock-mover", () -> Loop.sleep(Duration.ofSeconds(2)));
                CancelScope.run(s -> {
                    s.setDeadline(SECOND);
                    try {
                        Loop.sleepUntil(SECOND);
                        l.add("woke at " + Loop.nanoTime());
                    } catch (Cancelled c) {
                        l.add("sleep cancelled at " + Loop.nanoTime());
                        throw c;
                    }
                    return null;
                });
                return null;
            });
            return l;
        }).value();
        // under FIFO the deadline wins a tie with a sleep ending at the same instant (other strategies
        // explore both orders: TimerTieTest)
        assertThat(log).containsExactly("sleep cancelled at 1000000000");
    }

    @Test
    void rule5_cancelCalledStaysTrue() {
        String v = sim(() -> {
            AtomicReference<CancelScope> ref = new AtomicReference<>();
            CancelScope.run(s -> {
                ref.set(s);
                s.setDeadline(SECOND);
                try {
                    Loop.sleep(FOREVER);
                } catch (Cancelled c) {
                    // stay in the scope and try to undo the cancel
                }
                s.setDeadline(Long.MAX_VALUE);
                s.setDeadline(FOREVER.toNanos());
                assertThat(s.cancelCalled()).isTrue();
                assertThat(s.deadline()).isEqualTo(FOREVER.toNanos());
                Loop.checkpoint(); // still cancelled: level-triggered
                return "unreachable";
            });
            return "called " + ref.get().cancelCalled() + ", caught " + ref.get().cancelledCaught() + ", at "
                    + Loop.nanoTime();
        });
        assertThat(v).isEqualTo("called true, caught true, at 1000000000");
    }

    // ---- rule 6: moveOnAfter / failAfter

    @ParameterizedTest
    @EnumSource(Modes.class)
    void rule6_moveOnAfterReturnsEmptyExactlyAtTheDeadline(Modes mode) {
        long[] elapsed = {0};
        Optional<String> r = mode.run(() -> {
            long start = Loop.nanoTime();
            Optional<String> o = CancelScope.moveOnAfter(mode.units(2), () -> {
                Loop.sleep(FOREVER);
                return "unreachable";
            });
            elapsed[0] = Loop.nanoTime() - start;
            return o;
        });
        assertThat(r).isEmpty();
        if (mode.simulated()) {
            assertThat(elapsed[0]).isEqualTo(2 * SECOND);
        } else {
            assertThat(elapsed[0]).isBetween(mode.units(2).toNanos() - 1_000_000, Duration.ofSeconds(20).toNanos());
        }
    }

    @Test
    void rule6_moveOnAfterReturnsTheValueWhenInTime() {
        String v = sim(() -> {
            Optional<String> o = CancelScope.moveOnAfter(Duration.ofSeconds(2), () -> {
                Loop.sleep(Duration.ofMillis(1999));
                return "in time";
            });
            return o.orElseThrow() + " at " + Loop.nanoTime();
        });
        assertThat(v).isEqualTo("in time at 1999000000");
    }

    @Test
    void rule6_moveOnAfterZeroGivesUpAtTheFirstCheckpoint() {
        String v = sim(() -> {
            List<String> l = new ArrayList<>();
            Optional<String> o = CancelScope.moveOnAfter(Duration.ZERO, () -> {
                l.add("ran");
                Loop.checkpoint();
                l.add("unreachable");
                return "x";
            });
            return l + " " + o.isPresent();
        });
        assertThat(v).isEqualTo("[ran] false");
    }

    @ParameterizedTest
    @EnumSource(Modes.class)
    void rule6_failAfterThrowsDeadlineExceededEvenWhenShielded(Modes mode) {
        long[] at = {0};
        Throwable t = catchThrowable(() -> mode.run(() -> CancelScope.run(outer -> {
            outer.cancel();
            return CancelScope.shielded(() -> {
                long start = Loop.nanoTime();
                try {
                    return CancelScope.failAfter(mode.unit, () -> {
                        Loop.sleep(FOREVER);
                        return "unreachable";
                    });
                } finally {
                    at[0] = Loop.nanoTime() - start;
                }
            });
        })));
        assertThat(t).isInstanceOf(DeadlineExceeded.class).hasMessageContaining("CancelScope.failAfter");
        if (mode.simulated()) {
            assertThat(t).hasMessageContaining("1s");
            assertThat(at[0]).isEqualTo(SECOND);
        } else {
            assertThat(at[0]).isGreaterThanOrEqualTo(mode.unit.toNanos() - 1_000_000);
        }
    }

    /**
     * The message says when the deadline passed, and when the work noticed if that was later: a real
     * loop's task that runs on without a checkpoint is late, and the message shows by how much.
     */
    @Test
    void rule6_deadlineExceededSaysWhenTheDeadlinePassedAndWhenTheWorkEnded() {
        Throwable simulated = Simulation.run(11, () -> CancelScope.failAfter(Duration.ofSeconds(1), () -> {
            Loop.sleep(Duration.ofSeconds(5));
            return "unreachable";
        })).failure();
        assertThat(simulated).isInstanceOf(DeadlineExceeded.class)
                .hasMessage("CancelScope.failAfter: the deadline of 1s passed at loop time 1s before the work finished");
        Throwable real = catchThrowable(() -> Loop.run(() -> TaskGroup.withTimeout(Duration.ofMillis(10), tg -> {
            long end = System.nanoTime() + 200_000_000L;
            while (System.nanoTime() < end) {
                Thread.onSpinWait(); // no checkpoint: the deadline passes unnoticed
            }
            Loop.checkpoint();
            return "unreachable";
        })));
        assertThat(real).isInstanceOf(DeadlineExceeded.class)
                .hasMessageMatching("TaskGroup\\.withTimeout: the deadline of 0\\.01s passed at loop time [0-9.]+s before the"
                        + " group finished \\(which ended at loop time [0-9.]+s\\)");
    }

    /**
     * A shielded part that outlasts the deadline: the deadline passed at 1s, the work noticed it only
     * at its next checkpoint, at 3s, and the message gives both times.
     */
    @Test
    void rule6_deadlineExceededAfterAShieldedOverrunSaysWhenTheDeadlinePassedAndWhenTheWorkEnded() {
        Throwable t = Simulation.run(11, () -> CancelScope.failAfter(Duration.ofSeconds(1), () -> {
            CancelScope.shielded(() -> {
                Loop.sleep(Duration.ofSeconds(3));
                return null;
            });
            Loop.checkpoint(); // the deadline's cancel is seen here
            return "unreachable";
        })).failure();
        assertThat(t).isInstanceOf(DeadlineExceeded.class).hasMessage("CancelScope.failAfter: the deadline of 1s"
                + " passed at loop time 1s before the work finished (which ended at loop time 3s)");
    }

    /**
     * As in trio's fail_after: only a Cancelled the scope caught makes it throw. Work that outlasts the
     * deadline inside a shield and returns without another checkpoint keeps its value.
     */
    @Test
    void rule6_failAfterReturnsTheValueWhenTheDeadlinePassedUnseen() {
        assertThat(sim(() -> CancelScope.failAfter(Duration.ofSeconds(1), () -> {
            CancelScope.shielded(() -> {
                Loop.sleep(Duration.ofSeconds(3));
                return null;
            });
            return "done at " + Loop.nanoTime(); // no checkpoint after the shield: the cancel is never raised
        }))).isEqualTo("done at 3000000000");
    }

    @Test
    void rule6_failAfterReturnsTheValueWhenInTime() {
        assertThat(sim(() -> CancelScope.failAfter(Duration.ofSeconds(1), () -> {
            Loop.sleep(Duration.ofMillis(999));
            return "ok at " + Loop.nanoTime();
        }))).isEqualTo("ok at 999000000");
    }

    @Test
    void rule6_ofTwoNestedExpiredTimeoutsOnlyTheOuterReports() {
        SimResult<Object> r = Simulation.run(1, () -> CancelScope.failAfter(Duration.ofSeconds(1), () ->
                CancelScope.failAfter(Duration.ofMillis(500), () -> {
                    CancelScope.shielded(() -> {
                        Loop.sleep(Duration.ofSeconds(2)); // both deadlines pass meanwhile
                        return null;
                    });
                    Loop.checkpoint();
                    return "unreachable";
                })));
        assertThat(r.failure()).isInstanceOf(DeadlineExceeded.class).hasMessageContaining("deadline of 1s")
                .hasMessageNotContaining("0.5s");
        assertThat(r.virtualTime()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void rule6_ofTwoNestedTimeoutsExpiringTogetherOnlyTheOuterReports() {
        String v = sim(() -> {
            List<String> l = new ArrayList<>();
            Optional<Object> outer = CancelScope.moveOnAfter(Duration.ofSeconds(1), () -> {
                Object inner = CancelScope.failAfter(Duration.ofSeconds(1), () -> {
                    Loop.sleep(FOREVER);
                    return "unreachable";
                });
                l.add("after inner: " + inner);
                return "unreachable";
            });
            l.add("outer " + outer.isPresent() + " at " + Loop.nanoTime());
            return String.join("; ", l);
        });
        assertThat(v).isEqualTo("outer false at 1000000000");
    }

    @Test
    void rule6_innerTimeoutAloneReportsNormally() {
        String v = sim(() -> CancelScope.failAfter(Duration.ofSeconds(10), () -> {
            Optional<String> inner = CancelScope.moveOnAfter(Duration.ofSeconds(1), () -> {
                Loop.sleep(FOREVER);
                return "x";
            });
            return "inner " + inner.isPresent() + " at " + Loop.nanoTime();
        }));
        assertThat(v).isEqualTo("inner false at 1000000000");
    }

    // ---- rule 7: cancel reasons; the first wins and appears in the message

    @Test
    void rule7_explicitCancelCarriesItsReason() {
        Cancelled c = sim(() -> CancelScope.run(s -> {
            s.cancel();
            return catchThrowableOfType(Loop::checkpoint);
        }));
        assertThat(c.reason()).isEqualTo(CancelReason.EXPLICIT);
        assertThat(c).hasMessageContaining("cancelled explicitly").hasMessageContaining("'main'");
    }

    @Test
    void rule7_deadlineCarriesItsReason() {
        Cancelled c = sim(() -> CancelScope.moveOnAfter(Duration.ofSeconds(1),
                () -> catchThrowableOfType(() -> Loop.sleep(FOREVER))).orElseThrow());
        assertThat(c.reason()).isEqualTo(CancelReason.DEADLINE);
        assertThat(c).hasMessageContaining("deadline passed");
    }

    @Test
    void rule7_groupFailureCarriesItsReason() {
        AtomicReference<Cancelled> seen = new AtomicReference<>();
        Simulation.run(1, () -> TaskGroup.with(tg -> {
            tg.spawn("victim", () -> {
                seen.set(catchThrowableOfType(() -> Loop.sleep(FOREVER)));
            });
            tg.spawn("failer", () -> {
                throw new IllegalStateException("x");
            });
            return null;
        }));
        assertThat(seen.get().reason()).isEqualTo(CancelReason.GROUP_FAILURE);
        assertThat(seen.get()).hasMessageContaining("task 'failer' in the group failed");
    }

    @Test
    void rule7_theFirstReasonWins() {
        List<CancelReason> reasons = sim(() -> {
            List<CancelReason> l = new ArrayList<>();
            CancelScope.run(s -> {
                s.setDeadline(Loop.nanoTime()); // deadline first
                s.cancel();                     // then explicit: ignored
                l.add(catchThrowableOfType(Loop::checkpoint).reason());
                return null;
            });
            CancelScope.run(s -> {
                s.setDeadline(Loop.nanoTime() + SECOND);
                s.cancel();                     // explicit first
                Loop.sleep(Duration.ofSeconds(2)); // the deadline passes too (if it were still armed)
                return null;
            });
            CancelScope.run(s -> {
                s.cancel();
                s.setDeadline(Loop.nanoTime());
                l.add(catchThrowableOfType(Loop::checkpoint).reason());
                return null;
            });
            return l;
        });
        assertThat(reasons).containsExactly(CancelReason.DEADLINE, CancelReason.EXPLICIT);
    }

    @Test
    void rule7_signalReasonIsDescribed() {
        assertThat(CancelReason.SIGNAL.description()).contains("signal");
        Cancelled c = new Cancelled(CancelReason.SIGNAL, "m");
        assertThat(c.reason()).isEqualTo(CancelReason.SIGNAL);
        // the delivery of SIGINT itself is covered in SignalTest
    }

    // ---- rule 8: bad input; 5,000 nested scopes

    @Test
    void rule8_negativeDurationsAreRejectedWithAClearMessage() {
        String v = sim(() -> {
            List<String> l = new ArrayList<>();
            Duration neg = Duration.ofMillis(-1);
            l.add(catchThrowable(() -> Loop.sleep(neg)).getMessage());
            l.add(catchThrowable(() -> CancelScope.moveOnAfter(neg, () -> "x")).getMessage());
            l.add(catchThrowable(() -> CancelScope.failAfter(neg, () -> "x")).getMessage());
            return String.join("\n", l);
        });
        assertThat(v.split("\n")).hasSize(3).allSatisfy(m -> assertThat(m).contains("must not be negative")
                .contains("PT-0.001S"));
        assertThat(v).contains("Loop.sleep").contains("CancelScope.moveOnAfter").contains("CancelScope.failAfter");
        assertThatThrownBy(() -> Simulation.builder().maxVirtualTime(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be negative");
        assertThatThrownBy(() -> Simulation.builder().maxSteps(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be positive");
    }

    @Test
    void rule8_negativeDurationsThrowIllegalArgumentException() {
        SimResult<Object> r = Simulation.run(1, () -> {
            Loop.sleep(Duration.ofNanos(-5));
            return null;
        });
        assertThat(r.failure()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rule8_shieldChangedFromATaskThatDidNotOpenTheScopeIsRejected() {
        SimResult<Object> r = Simulation.run(1, () -> TaskGroup.with(tg -> CancelScope.run(s -> {
            tg.spawn("intruder", () -> s.setShielded(true));
            Loop.sleep(Duration.ofSeconds(1));
            return null;
        })));
        assertThat(r.failure()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("CancelScope.setShielded").hasMessageContaining("'main'")
                .hasMessageContaining("'intruder'");
    }

    @Test
    void rule8_aScopeUsedFromAnotherLoopOrOutsideALoopIsRejected() {
        AtomicReference<CancelScope> leaked = new AtomicReference<>();
        Simulation.run(1, () -> CancelScope.run(s -> {
            leaked.set(s);
            return null;
        })).value();
        SimResult<Object> r = Simulation.run(2, () -> {
            leaked.get().cancel();
            return null;
        });
        assertThat(r.failure()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("CancelScope.cancel").hasMessageContaining("another loop");
        assertThatThrownBy(() -> leaked.get().setDeadline(0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("CancelScope.setDeadline");
    }

    @Test
    void rule8_fiveThousandNestedScopesWorkAndCancellingTheOutermostReachesTheBottom() {
        int depth = 5_000;
        List<String> log = Modes.log();
        SimResult<String> r = Simulation.run(3, () -> TaskGroup.with(tg -> {
            AtomicReference<CancelScope> outermost = new AtomicReference<>();
            Event ready = new Event();
            Task<Object> deep = tg.spawn("deep", () -> CancelScope.run(s -> {
                outermost.set(s);
                return nest(depth, ready, log);
            }));
            ready.await();
            Loop.sleep(Duration.ofSeconds(1));
            outermost.get().cancel();
            Object v = deep.join();
            return "deep returned " + v + ", outermost caught " + outermost.get().cancelledCaught() + " at "
                    + Loop.nanoTime();
        }));
        assertThat(r.value()).isEqualTo("deep returned null, outermost caught true at 1000000000");
        assertThat(log).containsExactly("bottom reached at depth " + depth, "bottom cancelled: EXPLICIT");
    }

    @Test
    void rule8_fiveThousandNestedScopesWithADeadlineAtTheTop() {
        int depth = 5_000;
        List<String> log = Modes.log();
        SimResult<Optional<Object>> r = Simulation.run(3, () -> CancelScope.moveOnAfter(Duration.ofSeconds(2),
                () -> nest(depth, new Event(), log)));
        assertThat(r.value()).isEmpty();
        assertThat(r.virtualTime()).isEqualTo(Duration.ofSeconds(2));
        assertThat(log).containsExactly("bottom reached at depth " + depth, "bottom cancelled: DEADLINE");
    }

    @Test
    void rule8_fiveThousandNestedScopesInRealMode() {
        List<String> log = Modes.log();
        Optional<Object> r = Loop.run(() -> CancelScope.moveOnAfter(Duration.ofMillis(30),
                () -> nest(5_000, new Event(), log)));
        assertThat(r).isEmpty();
        assertThat(log).containsExactly("bottom reached at depth 5000", "bottom cancelled: DEADLINE");
    }

    /** Few frames per level (see ARCHITECTURE: a parked task's stack must stay small). */
    private static Object nest(int n, Event ready, List<String> log) throws Exception {
        if (n == 0) {
            log.add("bottom reached at depth " + (5_000));
            ready.set();
            try {
                Loop.sleep(FOREVER);
            } catch (Cancelled c) {
                log.add("bottom cancelled: " + c.reason());
                throw c;
            }
            return "unreachable";
        }
        return CancelScope.run(s -> nest(n - 1, ready, log));
    }

    private static Cancelled catchThrowableOfType(org.assertj.core.api.ThrowableAssert.ThrowingCallable c) {
        Throwable t = catchThrowable(c);
        assertThat(t).isInstanceOf(Cancelled.class);
        return (Cancelled) t;
    }
}
