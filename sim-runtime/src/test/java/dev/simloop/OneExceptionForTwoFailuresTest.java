package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * One exception instance that ends two things: a {@link FailureHandler} that throws one constant
 * exception (or rethrows a failure two tasks share) for two failures, a resource whose opening and
 * whose clean-up throw the same one, two clean-ups that do. {@code Throwable.addSuppressed} refuses
 * an exception itself, so before, the group, the persistent group's shutdown and
 * {@code ResourceGroup}'s open and close threw {@code IllegalArgumentException: Self-suppression not
 * permitted} instead of that exception, and a persistent group's keeper stopped handing the failures
 * left to its handler: they were lost.
 */
class OneExceptionForTwoFailuresTest {

    /** @return the causes of {@code e}'s suppressed notes, by message, sorted */
    private static String notes(Throwable e) {
        return Arrays.stream(e.getSuppressed()).map(s -> s.getCause() == null ? "none" : s.getCause().getMessage())
                .collect(java.util.stream.Collectors.toCollection(TreeSet::new)).toString();
    }

    @Test
    void aSupervisorsHandlerThatThrowsOneExceptionForTwoFailuresHasItThrown() {
        List<String> seen = EveryStrategyAndRealLoop.values(() -> {
            IllegalStateException stop = new IllegalStateException("handler gives up");
            try {
                Supervisor.with((task, failure) -> {
                    throw stop;
                }, sup -> {
                    sup.spawn("a", () -> {
                        throw new IllegalArgumentException("a failed");
                    });
                    sup.spawn("b", () -> {
                        throw new IllegalArgumentException("b failed");
                    });
                    return null;
                });
                return "returned";
            } catch (RuntimeException e) {
                return (e == stop ? "threw the handler's exception" : "threw " + e) + ", notes on " + notes(e);
            }
        });
        assertThat(seen).hasSize(EveryStrategyAndRealLoop.RUNS)
                .containsOnly("threw the handler's exception, notes on [a failed, b failed]");
    }

    @Test
    void aBodysFailureThatTheHandlerRethrowsForATaskIsThrownOnce() {
        List<String> seen = EveryStrategyAndRealLoop.values(() -> {
            IllegalStateException shared = new IllegalStateException("shared failure");
            try {
                Supervisor.with((task, failure) -> {
                    throw (RuntimeException) failure;
                }, sup -> {
                    sup.spawn("a", () -> {
                        throw shared;
                    });
                    Loop.waitAllTasksBlocked(); // task a has failed
                    throw shared;
                });
                return "returned";
            } catch (RuntimeException e) {
                return e == shared ? "threw the shared failure" : "threw " + e;
            }
        });
        assertThat(seen).hasSize(EveryStrategyAndRealLoop.RUNS).containsOnly("threw the shared failure");
    }

    @Test
    void aPersistentGroupsHandlerThatThrowsOneExceptionIsGivenEveryFailureAndShutdownThrowsIt() {
        List<String> seen = EveryStrategyAndRealLoop.values(() -> {
            IllegalStateException stop = new IllegalStateException("handler gives up");
            List<String> handled = new ArrayList<>();
            PersistentTaskGroup g = PersistentTaskGroup.open("service", (task, failure) -> {
                handled.add(failure.getMessage());
                throw stop;
            });
            for (String name : List.of("a", "b", "c")) {
                g.spawn(name, () -> {
                    try {
                        Loop.sleep(Duration.ofSeconds(1));
                    } catch (Cancelled shutDown) {
                        throw new IllegalArgumentException(name + " failed while it shut down");
                    }
                });
            }
            Loop.waitAllTasksBlocked();
            String outcome;
            try {
                g.shutdown();
                outcome = "shutdown returned";
            } catch (RuntimeException e) {
                outcome = e == stop ? "shutdown threw the handler's exception" : "shutdown threw " + e;
            }
            return outcome + ", handled " + new TreeSet<>(handled) + " (" + handled.size() + ")";
        });
        assertThat(seen).hasSize(EveryStrategyAndRealLoop.RUNS).containsOnly("shutdown threw the handler's exception,"
                + " handled [a failed while it shut down, b failed while it shut down, c failed while it shut down] (3)");
    }

    @Test
    void anOpeningFailureThatTheCleanUpThrowsAgainIsThrownByOpen() {
        List<String> seen = EveryStrategyAndRealLoop.values(() -> {
            IllegalStateException down = new IllegalStateException("backend down");
            try {
                ResourceGroup.open(List.<ThrowingSupplier<AutoCloseable>>of(() -> () -> {
                    throw down; // closing the opened one meets the same outage
                }, () -> {
                    Loop.waitAllTasksBlocked(); // the first one has opened
                    throw down;
                }));
                return "opened";
            } catch (RuntimeException e) {
                return e == down ? "open threw the opening failure" : "open threw " + e;
            }
        });
        assertThat(seen).hasSize(EveryStrategyAndRealLoop.RUNS).containsOnly("open threw the opening failure");
    }

    @Test
    void twoCleanUpsThatThrowOneExceptionHaveItThrownByClose() {
        List<String> seen = EveryStrategyAndRealLoop.values(() -> {
            IllegalStateException down = new IllegalStateException("backend down");
            AutoCloseable failsToClose = () -> {
                throw down;
            };
            ResourceGroup<AutoCloseable> group = ResourceGroup.open(List.of(() -> failsToClose, () -> failsToClose));
            try {
                group.close();
                return "closed";
            } catch (RuntimeException e) {
                return e == down ? "close threw the closing failure" : "close threw " + e;
            }
        });
        assertThat(seen).hasSize(EveryStrategyAndRealLoop.RUNS).containsOnly("close threw the closing failure");
    }
}
