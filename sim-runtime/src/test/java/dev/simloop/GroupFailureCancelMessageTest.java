package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The {@link Cancelled} a group's failure raises in its tasks says what failed: a task (named), the
 * group's body, or an exception thrown into the group's owner or into the caller of {@code start}.
 * Before, every one of them read "a task in the group failed", though no task had failed when the
 * body threw or the owner was interrupted. Each case runs simulated and on a real loop.
 */
class GroupFailureCancelMessageTest {

    static final class Boom extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Boom(String m) {
            super(m);
        }
    }

    /** Sleeps an hour; logs the message of the Cancelled that ends the sleep. */
    private static void sleepAnHour(List<String> log) {
        try {
            Loop.sleep(Duration.ofHours(1));
        } catch (Cancelled c) {
            log.add(c.reason() + " " + c.getMessage());
            throw c;
        }
    }

    /** Runs {@code program} (given the log) simulated and on a real loop; returns both logs. */
    private static List<List<String>> bothModes(Function<List<String>, ThrowingSupplier<?>> program) {
        List<String> simulated = new ArrayList<>();
        List<String> real = new ArrayList<>();
        catchThrowable(() -> Simulation.run(3, program.apply(simulated)).value());
        catchThrowable(() -> Loop.run(program.apply(real)));
        return List.of(simulated, real);
    }

    @Test
    void aFailedTaskIsNamed() {
        assertThat(bothModes(log -> () -> TaskGroup.with(tg -> {
            tg.spawn("victim", () -> sleepAnHour(log));
            tg.spawn("failer", () -> {
                Loop.sleep(Duration.ofMillis(1));
                throw new Boom("task");
            });
            return null;
        }))).containsOnly(List.of("GROUP_FAILURE cancelled: task 'failer' in the group failed"
                + " (task group opened by task 'main')"));
    }

    @Test
    void aFailedBodyIsNotCalledAFailedTask() {
        assertThat(bothModes(log -> () -> TaskGroup.with(tg -> {
            tg.spawn("victim", () -> sleepAnHour(log));
            Loop.sleep(Duration.ofMillis(1));
            throw new Boom("body");
        }))).containsOnly(List.of("GROUP_FAILURE cancelled: the group's body failed (task group opened by task 'main')"));
    }

    @Test
    void anExceptionThrownIntoTheOwnerIsNotCalledAFailedTask() {
        assertThat(bothModes(log -> () -> TaskGroup.with(outer -> {
            Task<Object> owner = outer.spawn("owner", () -> TaskGroup.with(tg -> {
                tg.spawn("victim", () -> sleepAnHour(log));
                return null;
            }));
            Loop.sleep(Duration.ofMillis(1));
            owner.interrupt(new Boom("stop"));
            return null;
        }))).containsOnly(List.of("GROUP_FAILURE cancelled: an exception was thrown into task 'owner', which waits"
                + " for the group's tasks (task group opened by task 'owner')"));
    }

    @Test
    void anExceptionThrownIntoTheCallerOfStartIsNotCalledAFailedTask() {
        assertThat(bothModes(log -> () -> TaskGroup.with(outer -> {
            Task<Object> caller = outer.spawn("caller", () -> TaskGroup.with(tg -> tg.start("service", status -> {
                sleepAnHour(log);
                status.started(null);
            })));
            Loop.sleep(Duration.ofMillis(1));
            caller.interrupt(new Boom("stop"));
            return null;
        }))).containsOnly(List.of("GROUP_FAILURE cancelled: an exception was thrown into task 'caller', which waits"
                + " for task 'service' to call TaskStatus.started() (the handshake of TaskGroup.start opened by task 'service')"));
    }
}
