package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A checked failure whose text cannot be had (its {@code toString()} or {@code getMessage()} throws,
 * as a lazily formatted message with a null field does) is wrapped in {@link TaskFailedException}
 * like any other. Before, the wrapper's message printed it with that {@code toString()}, which threw
 * in the failing task's end: the task never finished, so a child's failure became a
 * {@link DeadlockDetected} of the group waiting for it, and main's became the
 * {@code toString()}'s own exception, with the failure lost.
 */
class UnprintableCheckedFailureTest {
    /** A checked failure whose toString() and getMessage() both throw. */
    static final class Unprintable extends Exception {
        private static final long serialVersionUID = 1L;

        @Override
        public String getMessage() {
            throw new IllegalStateException("getMessage boom");
        }

        @Override
        public String toString() {
            throw new IllegalStateException("toString boom");
        }
    }

    private static final String TEXT = Unprintable.class.getName() + " (its toString() threw java.lang.IllegalStateException)";

    @Test
    @Timeout(30)
    void mainsUnprintableCheckedFailureIsWrappedWithItsClassNamed() {
        Unprintable u = new Unprintable();
        Throwable t = catchThrowable(() -> Loop.run(() -> {
            throw u;
        }));
        assertThat(t).isInstanceOf(TaskFailedException.class).hasCause(u)
                .hasMessage("checked exception thrown in task 'main': " + TEXT);
    }

    @Test
    @Timeout(30)
    void aChildsUnprintableCheckedFailureFailsTheGroupInsteadOfADeadlock() {
        Unprintable u = new Unprintable();
        Throwable t = catchThrowable(() -> Loop.run(() -> TaskGroup.with(tg -> {
            tg.spawn("c", () -> {
                throw u;
            });
            Loop.sleep(Duration.ofSeconds(20)); // cancelled by the child's failure
            return "unreached";
        })));
        assertThat(t).isInstanceOf(TaskFailedException.class).hasCause(u)
                .hasMessage("checked exception thrown in task 'c': " + TEXT);
    }

    @Test
    @Timeout(30)
    void anUnprintableChildFailureBesideMainsIsKeptAsSuppressed() {
        Unprintable u = new Unprintable();
        Throwable t = catchThrowable(() -> Loop.run(() -> {
            Loop.rootGroup().spawn("c", () -> {
                throw u;
            });
            throw new IllegalArgumentException("main failed");
        }));
        assertThat(t).isInstanceOf(IllegalArgumentException.class).hasMessage("main failed");
        assertThat(t.getSuppressed()).singleElement().isInstanceOf(TaskFailedException.class)
                .satisfies(s -> assertThat(s.getCause()).isSameAs(u));
    }

    @Test
    void aNonBubblingTasksUnprintableFailureStaysInItsTask() {
        Unprintable u = new Unprintable();
        SimResult<Object> r = Simulation.builder().strategy(Strategy.fifo()).run(() -> {
            Task<Void> quiet = Loop.rootGroup().spawn(TaskOptions.named("quiet").bubble(false), () -> {
                throw u;
            });
            Throwable joined = catchThrowable(quiet::join);
            assertThat(joined).isInstanceOf(TaskFailedException.class).hasCause(u);
            return "main done";
        });
        assertThat(r.value()).isEqualTo("main done");
    }

    /** A failure whose toString() and getMessage() throw an Error (an assertion in a message built from state). */
    static final class AssertsInItsMessage extends RuntimeException {
        private static final long serialVersionUID = 1L;

        @Override
        public String getMessage() {
            throw new AssertionError("getMessage asserts");
        }

        @Override
        public String toString() {
            throw new AssertionError("toString asserts");
        }
    }

    /**
     * Shrinking a failure whose text throws an Error, as it says how the shrunk run failed, named its
     * class; before, only an exception, a LinkageError or a stack overflow was caught there, and the
     * AssertionError escaped the shrinking in place of its result.
     */
    @Test
    void aFailureWhoseTextThrowsAnErrorIsShrunkAndNamedByItsClass() {
        Exploration.Report<?> report = Exploration.of(() -> {
            int[] counter = {0};
            TaskGroup.with(tg -> {
                for (int i = 0; i < 2; i++) {
                    tg.spawn(() -> {
                        int read = counter[0];
                        Loop.checkpoint();
                        counter[0] = read + 1;
                    });
                }
                return null;
            });
            if (counter[0] != 2) {
                throw new AssertsInItsMessage();
            }
            return null;
        }).strategy(Strategy.random()).schedules(200).run();
        SimResult<?> shrunk = report.shrunkFailure().orElseThrow();
        assertThat(shrunk.failure()).isInstanceOf(AssertsInItsMessage.class);
        assertThat(dev.simloop.internal.SafeText.of(shrunk.failure()))
                .isEqualTo(AssertsInItsMessage.class.getName() + " (its toString() threw java.lang.AssertionError)");
    }
}
