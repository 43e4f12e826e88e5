package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A {@link FailureHandler} that throws something other than a RuntimeException: an Error while
 * {@code shutdown()} waits, or a checked exception thrown sneakily (Lombok's {@code @SneakyThrows},
 * Kotlin). Before, an Error skipped the failures left to hand over and failed the loop past the
 * caller of {@code shutdown()}, and a checked one lost the tasks' failures and blamed task 'main'.
 */
class ThrowingFailureHandlersTest {

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> void sneakyThrow(Throwable t) throws E {
        throw (E) t;
    }

    @Test
    void anErrorOfThePersistentGroupsHandlerDuringShutdownGoesToShutdownsCallerAndEveryFailureIsHandedOver() {
        List<String> handled = new ArrayList<>();
        String seen = Simulation.run(1, () -> {
            PersistentTaskGroup g = PersistentTaskGroup.open("service", (t, f) -> {
                handled.add(t.name() + ": " + f.getMessage());
                throw new AssertionError("handler boom");
            });
            for (String name : List.of("w1", "w2")) {
                g.spawn(name, () -> {
                    try {
                        Loop.sleep(Duration.ofSeconds(1));
                    } catch (Cancelled shutDown) {
                        throw new IllegalStateException(name + " failed while it shut down");
                    }
                });
            }
            Loop.sleep(Duration.ofMillis(1));
            try {
                g.shutdown();
                return "shutdown returned";
            } catch (AssertionError e) {
                return "shutdown threw " + e.getMessage();
            }
        }).value();
        assertThat(seen).isEqualTo("shutdown threw handler boom");
        assertThat(handled).containsExactly("w1: w1 failed while it shut down", "w2: w2 failed while it shut down");
    }

    @Test
    void aCheckedExceptionThrownSneakilyByAHandlerIsTheHandlersWithTheTasksFailureAttached() {
        List<String> handled = new ArrayList<>();
        SimResult<String> r = Simulation.run(1, () -> Supervisor.with((t, f) -> {
            handled.add(t.name());
            sneakyThrow(new java.io.IOException("handler boom"));
        }, sup -> {
            sup.spawn("w", () -> {
                throw new IllegalStateException("task boom");
            });
            return "body done";
        }));
        assertThat(r.failure()).isInstanceOf(IllegalStateException.class).hasMessage("the FailureHandler threw the"
                + " checked exception java.io.IOException: handler boom while it handled the failure of task 'w'")
                .hasCauseInstanceOf(java.io.IOException.class);
        assertThat(r.failure().getSuppressed()).anySatisfy(s -> assertThat(s.getCause()).hasMessage("task boom"));
        assertThat(handled).containsExactly("w");
    }

    /** Before, the exploration ended with the predicate's exception alone: the schedule's failure and line were lost. */
    @Test
    void aFailWhenThatThrowsEndsTheExplorationWithTheFailureItJudgedAttached() {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> Exploration.of(() -> {
            throw new IllegalStateException("the real bug"); // no cause
        }).failWhen(e -> e.getCause().getMessage().contains("x")).schedules(5).run());
        assertThat(thrown).isInstanceOf(NullPointerException.class);
        assertThat(thrown.getSuppressed()).singleElement().satisfies(s -> {
            assertThat(s).hasMessageStartingWith("Exploration.failWhen threw this while it judged the failure of"
                    + " schedule index 0 (replay simloop:1:").hasCauseInstanceOf(IllegalStateException.class);
            assertThat(s.getCause()).hasMessage("the real bug");
        });
    }
}
