package dev.simloop.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Loop;
import dev.simloop.SimResult;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.Task;
import dev.simloop.TaskGroup;
import dev.simloop.ThrowingSupplier;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An operation that has taken effect keeps its outcome when an exception is thrown into its task
 * while the task yields at the operation's last schedule point (Task.throwIn's contract: "a wait
 * that was already satisfied keeps its outcome, and the exception is raised at the target's next
 * checkpoint"). Before, acquire, receive, send and hold threw after they had taken the permit, the
 * value or the lock, which was then lost to everyone.
 *
 * <p>Each case: task A does the operation and then checkpoints until the exception arrives; task B
 * waits until A's operation has taken effect, then throws into A. Under FIFO, B runs exactly while
 * A yields inside the operation (before the operation returned): the case the fix is for, asserted.
 * Under 40 random seeds and on a real loop, B throws in wherever A is; the resource must be whole
 * after the run in every one.
 */
class ThrownInAfterTakingTest {
    /** How B throws into A. */
    enum Delivery {
        THROW_IN((a, e) -> a.throwIn(e)),
        INTERRUPT((a, e) -> a.interrupt(e));

        final BiConsumer<Task<?>, RuntimeException> into;

        Delivery(BiConsumer<Task<?>, RuntimeException> into) {
            this.into = into;
        }
    }

    /** What a case records: A's log, and whether B threw in before A's operation had returned. */
    record Outcome(List<String> log, boolean deliveredInsideOperation, String after) {
    }

    /**
     * Runs the case: A does {@code operation} (which logs when it returns) and checkpoints until an
     * exception comes; B throws in once {@code tookEffect} holds; {@code after} describes the
     * resource when both are done.
     */
    private static ThrowingSupplier<Outcome> scenario(Delivery how, ThrowingSupplier<String> operation,
            Runnable cleanUp, BooleanSupplier tookEffect, ThrowingSupplier<String> after) {
        return () -> {
            List<String> log = new ArrayList<>();
            boolean[] inside = new boolean[1];
            TaskGroup.with(tg -> {
                Task<Void> a = tg.spawn("A", () -> {
                    log.add(operation.get());
                    try {
                        for (;;) {
                            Loop.checkpoint();
                        }
                    } catch (IllegalArgumentException e) {
                        log.add("raised at a later checkpoint: " + e.getMessage());
                    } finally {
                        cleanUp.run();
                    }
                });
                tg.spawn("B", () -> {
                    Sims.until(tookEffect);
                    inside[0] = log.isEmpty();
                    how.into.accept(a, new IllegalArgumentException("boom"));
                });
                return null;
            });
            return new Outcome(log, inside[0], after.get());
        };
    }

    private static void check(ThrowingSupplier<Outcome> program, String returned, String after) {
        Outcome fifo = Simulation.builder().strategy(Strategy.fifo()).run(program).value();
        assertThat(fifo.deliveredInsideOperation()).as("under FIFO, B throws in while A yields inside the operation").isTrue();
        List<Outcome> all = new ArrayList<>(List.of(fifo, Loop.run(program)));
        LongStream.range(0, 40).forEach(seed -> {
            SimResult<Outcome> r = Simulation.run(seed, program);
            assertThat(r.failure()).as("seed %d", seed).isNull();
            all.add(r.value());
        });
        for (Outcome o : all) {
            assertThat(o.log()).containsExactly(returned, "raised at a later checkpoint: boom");
            assertThat(o.after()).isEqualTo(after);
        }
    }

    /** The operation kept its outcome, and the body then ended with no checkpoint: the exception is raised at its end. */
    @ParameterizedTest
    @EnumSource(Delivery.class)
    void anExceptionPendingWhenTheBodyEndsFailsTheTask(Delivery how) {
        SimResult<String> r = Simulation.builder().strategy(Strategy.fifo()).run(() -> {
            Semaphore sem = new Semaphore(1, "S");
            TaskGroup.with(tg -> {
                Task<Void> a = tg.spawn("A", () -> {
                    sem.acquire(); // yields inside, B throws in, and A returns with no checkpoint after it
                });
                tg.spawn("B", () -> {
                    Sims.until(() -> sem.availablePermits() == 0);
                    how.into.accept(a, new IllegalArgumentException("stop A"));
                });
                return null;
            });
            return "not failed";
        });
        assertThat(r.failure()).isInstanceOf(IllegalArgumentException.class).hasMessage("stop A");
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void anAcquiredPermitIsKept(Delivery how) {
        check(() -> {
            Semaphore sem = new Semaphore(1, "S");
            return scenario(how, () -> {
                sem.acquire();
                return "acquired";
            }, sem::release, () -> sem.availablePermits() == 0, () -> "permits " + sem.availablePermits()).get();
        }, "acquired", "permits 1");
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void aReceivedValueIsKept(Delivery how) {
        check(() -> {
            Channel<String> ch = new Channel<>(1, "C");
            ch.send("v1");
            return scenario(how, () -> "received " + ch.receive(), () -> { }, () -> ch.size() == 0,
                    () -> "buffered " + ch.size()).get();
        }, "received v1", "buffered 0");
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void aSentValueIsSentOnce(Delivery how) {
        check(() -> {
            Channel<String> ch = new Channel<>(1, "C");
            return scenario(how, () -> {
                ch.send("v1");
                return "sent";
            }, () -> { }, () -> ch.size() == 1, () -> "buffered " + ch.size() + ": " + ch.receive()).get();
        }, "sent", "buffered 1: v1");
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void aTakenLockIsHeldAndReleased(Delivery how) {
        check(() -> {
            Lock lock = new Lock("L");
            Held[] held = new Held[1];
            return scenario(how, () -> {
                held[0] = lock.hold();
                return "holds " + lock.owner().name();
            }, () -> held[0].close(), () -> lock.owner() != null, () -> "owner " + lock.owner() + ", " + lock).get();
        }, "holds A", "owner null, Lock 'L' (free)");
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void aReentrantHoldIsCounted(Delivery how) {
        check(() -> {
            RLock lock = new RLock("R");
            return scenario(how, () -> {
                lock.acquire();
                lock.acquire();
                return "hold count " + lock.holdCount();
            }, () -> {
                lock.release();
                lock.release();
            }, () -> lock.holdCount() == 2, () -> "owner " + lock.owner()).get();
        }, "hold count 2", "owner null");
    }
}
