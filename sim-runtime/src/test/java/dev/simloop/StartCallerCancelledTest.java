package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The caller of {@code TaskGroup.start} cancelled while it waits for the handshake: the task it
 * starts is cancelled, and the caller waits until that task has ended (its clean-up included) before
 * its own cancellation leaves {@code start}.
 */
class StartCallerCancelledTest {
    private static final Duration SECOND = Duration.ofSeconds(1);

    private static List<String> callerCancelledWhileTheTaskCleansUp() {
        List<String> log = new ArrayList<>();
        TaskGroup.with(tg -> {
            Optional<Object> v = CancelScope.moveOnAfter(SECOND, () -> tg.start("slow", status -> {
                try {
                    Loop.sleep(Duration.ofDays(1));
                } catch (Cancelled c) {
                    log.add("slow cancelled at " + Loop.nanoTime());
                    CancelScope.shielded(() -> {
                        Loop.sleep(Duration.ofSeconds(5));
                        return null;
                    });
                    log.add("slow cleaned up at " + Loop.nanoTime());
                    throw c;
                }
                status.started("never");
            }));
            log.add("caller moved on with " + v + " at " + Loop.nanoTime());
            return null;
        });
        return log;
    }

    @Test
    void theCallerWaitsForTheCancelledTaskToEndThenItsOwnScopeCatches() {
        for (Strategy s : List.of(Strategy.fifo(), Strategy.random(), Strategy.pct(2), Strategy.pos())) {
            for (long seed = 0; seed < 5; seed++) {
                SimResult<List<String>> r = Simulation.builder().strategy(s).seed(seed)
                        .run(StartCallerCancelledTest::callerCancelledWhileTheTaskCleansUp);
                assertThat(r.failure()).as("%s seed %d", s, seed).isNull();
                assertThat(r.value()).as("%s seed %d", s, seed).containsExactly("slow cancelled at 1000000000",
                        "slow cleaned up at 6000000000", "caller moved on with Optional.empty at 6000000000");
            }
        }
    }

    @Test
    void aCallerCancelledFromAnotherTaskCancelsTheStartingTaskToo() {
        SimResult<List<String>> r = Simulation.builder().strategy(Strategy.fifo()).run(() -> {
            List<String> log = new ArrayList<>();
            TaskGroup.with(tg -> {
                Task<Void> caller = tg.spawn("caller", () -> {
                    try {
                        tg.start("child", status -> {
                            try {
                                Loop.sleep(Duration.ofDays(1));
                            } finally {
                                log.add("child ended at " + Loop.nanoTime());
                            }
                        });
                    } catch (Cancelled c) {
                        log.add("caller: " + c.getMessage() + " at " + Loop.nanoTime());
                        throw c;
                    }
                });
                Loop.sleep(SECOND);
                caller.cancel();
                return null;
            });
            return log;
        });
        assertThat(r.failure()).isNull();
        assertThat(r.value()).containsExactly("child ended at 1000000000",
                "caller: cancelled: " + CancelReason.EXPLICIT.description() + " (task 'caller', by task 'main') at "
                        + "1000000000");
        assertThat(r.virtualTime()).isEqualTo(SECOND);
    }

    /**
     * A task that handles the caller's cancel and calls {@code started} anyway leaves the caller's
     * cancellation behind, as trio moves it into the group: {@code start} returns its value, and the
     * task serves on in the group (before, it died at its next checkpoint, unreported). The cancel
     * it saw carried the caller's reason, the deadline's.
     */
    @Test
    void aTaskThatCallsStartedAfterTheCallersCancelGoesOnInTheGroup() {
        for (Strategy s : List.of(Strategy.fifo(), Strategy.random(), Strategy.pct(2), Strategy.pos())) {
            for (long seed = 0; seed < 5; seed++) {
                SimResult<List<String>> r = Simulation.builder().strategy(s).seed(seed).run(() -> {
                    List<String> log = new ArrayList<>();
                    TaskGroup.with(tg -> {
                        Optional<Integer> v = CancelScope.moveOnAfter(SECOND, () -> tg.start("server", status -> {
                            try {
                                Loop.sleep(Duration.ofSeconds(2));
                            } catch (Cancelled c) {
                                log.add("server saw " + c.reason() + " at " + Loop.nanoTime());
                            }
                            status.started(7);
                            Loop.sleep(SECOND);
                            log.add("server served at " + Loop.nanoTime());
                        }));
                        log.add("start gave " + v + " at " + Loop.nanoTime());
                        return null;
                    });
                    return log;
                });
                assertThat(r.failure()).as("%s seed %d", s, seed).isNull();
                assertThat(r.value()).as("%s seed %d", s, seed).containsExactly(
                        "server saw " + CancelReason.DEADLINE + " at 1000000000",
                        "start gave Optional[7] at 1000000000", "server served at 2000000000");
            }
        }
    }
    /**
     * A task that fails while it handles the cancel its caller passed on (a catch that throws, a
     * close() that fails) before it called started(): start threw the caller's Cancelled instead,
     * which the caller's scope caught, and since the group does not report a failure before
     * started, the failure was lost and the run passed. As trio's start, it throws the failure.
     */
    @ParameterizedTest
    @EnumSource(Modes.class)
    @SuppressWarnings("try") // a resource that exists to be closed
    void aTaskThatFailsWhileHandlingTheCallersCancelFailsStart(Modes mode) {
        assertThatThrownBy(() -> mode.run(() -> CancelScope.moveOnAfter(mode.unit, () -> TaskGroup.with(tg ->
                tg.start("server", status -> {
                    try {
                        Loop.sleep(Modes.FOREVER);
                    } catch (Cancelled c) {
                        throw new IllegalStateException("server failed while stopping");
                    }
                    status.started(1);
                })))))
                .isInstanceOf(IllegalStateException.class).hasMessage("server failed while stopping");

        assertThatThrownBy(() -> mode.run(() -> CancelScope.moveOnAfter(mode.unit, () -> TaskGroup.with(tg ->
                tg.start("server", status -> {
                    try (AutoCloseable conn = () -> {
                        throw new IOException("close failed");
                    }) {
                        Loop.sleep(Modes.FOREVER);
                    }
                    status.started(1);
                })))))
                .isInstanceOf(TaskFailedException.class).hasRootCauseMessage("close failed");
    }

    /** The same when the cancel is the group's own: the group's body that called start fails with it. */
    @ParameterizedTest
    @EnumSource(Modes.class)
    void aTaskThatFailsWhileHandlingItsGroupsCancelFailsStart(Modes mode) {
        assertThatThrownBy(() -> mode.run(() -> TaskGroup.with(tg -> {
            tg.spawn("canceller", () -> {
                Loop.sleep(mode.unit);
                tg.cancel();
            });
            return tg.start("server", status -> {
                try {
                    Loop.sleep(Modes.FOREVER);
                } catch (Cancelled c) {
                    throw new IllegalStateException("server failed on the group's cancel");
                }
                status.started(1);
            });
        }))).isInstanceOf(IllegalStateException.class).hasMessage("server failed on the group's cancel");
    }

    /** A task that handles the cancel and ends without started() still leaves start with the caller's cancel. */
    @Test
    void aTaskThatEndsWithoutStartedAfterTheCallersCancelLeavesTheCancel() {
        SimResult<Optional<Object>> r = Simulation.run(1, () -> CancelScope.moveOnAfter(SECOND, () -> TaskGroup.with(tg ->
                tg.start("server", status -> {
                    try {
                        Loop.sleep(Modes.FOREVER);
                    } catch (Cancelled c) {
                        return; // ends without started: the caller's cancel is what start raises
                    }
                    status.started(1);
                }))));
        assertThat(r.failure()).isNull();
        assertThat(r.value()).isEmpty();
    }
}
