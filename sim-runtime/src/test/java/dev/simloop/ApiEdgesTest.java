package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Small API edges: value objects' equality and text, the smallest accepted arguments, and what a scope rethrows. */
class ApiEdgesTest {
    private static <T> T fifo(ThrowingSupplier<T> main) {
        SimResult<T> r = Simulation.builder().strategy(Strategy.fifo()).run(main);
        assertThat(r.failure()).isNull();
        return r.value();
    }

    @Test
    void strategiesAreEqualByTheirTextForm() {
        assertThat(Strategy.pct(2)).isEqualTo(Strategy.parse("pct(2)")).hasSameHashCodeAs(Strategy.parse("pct(2)"));
        assertThat(Strategy.pct(2, 10)).isEqualTo(Strategy.parse("pct(2,10)"));
        assertThat(Strategy.pct(2)).isNotEqualTo(Strategy.pct(3)).isNotEqualTo(Strategy.pct(2, 10)).isNotEqualTo("pct(2)");
        assertThat(Strategy.fifo()).isEqualTo(Strategy.fifo()).isNotEqualTo(Strategy.random());
        assertThat(Strategy.pos().hashCode()).isEqualTo("pos".hashCode());
    }

    @Test
    void priorityPoliciesAcceptABoostAfterOneStepAndShowTheirSetting() {
        PriorityPolicy one = PriorityPolicy.boostAfter(1);
        assertThat(one.toString()).isEqualTo("PriorityPolicy[boostAfterSteps=1]");
        assertThat(one).isEqualTo(PriorityPolicy.boostAfter(1)).hasSameHashCodeAs(PriorityPolicy.boostAfter(1))
                .isNotEqualTo(PriorityPolicy.boostAfter(2));
        assertThat(PriorityPolicy.boostAfter(7).hashCode()).isNotEqualTo(PriorityPolicy.boostAfter(8).hashCode());
        assertThatThrownBy(() -> PriorityPolicy.boostAfter(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("PriorityPolicy.boostAfter: steps must be at least 1, but was 0");
        assertThat(PriorityPolicy.standard().toString()).contains(Integer.toString(PriorityPolicy.DEFAULT_BOOST_AFTER_STEPS));
        // and a replay line carrying the smallest setting reads back
        SimResult<String> r = Simulation.builder().priorityPolicy(one).run(() -> "x");
        assertThat(Schedule.parse(r.replayLine()).priorityPolicy()).contains(one);
        PriorityPolicy largest = PriorityPolicy.boostAfter(Integer.MAX_VALUE);
        String line = Simulation.builder().priorityPolicy(largest).run(() -> "x").replayLine();
        assertThat(line).contains("+priority(2147483647):");
        assertThat(Schedule.parse(line).priorityPolicy()).contains(largest);
    }

    @Test
    void aScopeShowsItsState() {
        List<String> seen = fifo(() -> {
            List<String> l = new ArrayList<>();
            CancelScope.run(s -> {
                l.add(s.toString());
                s.setDeadline(Loop.nanoTime() + Duration.ofSeconds(1).toNanos());
                l.add(s.toString());
                s.setShielded(true);
                s.cancel();
                l.add(s.toString());
                return null;
            });
            return l;
        });
        assertThat(seen).containsExactly("CancelScope[active]", "CancelScope[active, deadline 1s]",
                "CancelScope[cancel called, shielded, deadline 1s]");
    }

    @Test
    void aScopeRethrowsUncheckedFailuresAsTheyAreAndWrapsCheckedOnes() {
        IllegalStateException unchecked = new IllegalStateException("as is");
        List<Throwable> thrown = fifo(() -> {
            List<Throwable> l = new ArrayList<>();
            l.add(catchThrowable(() -> CancelScope.run(s -> {
                throw unchecked;
            })));
            l.add(catchThrowable(() -> CancelScope.run(s -> {
                throw new IOException("checked");
            })));
            l.add(catchThrowable(() -> CancelScope.run(s -> {
                throw new AssertionError("an error");
            })));
            return l;
        });
        assertThat(thrown.get(0)).isSameAs(unchecked);
        assertThat(thrown.get(1)).isInstanceOf(TaskFailedException.class).hasCauseInstanceOf(IOException.class);
        assertThat(thrown.get(2)).isInstanceOf(AssertionError.class).hasMessage("an error");
    }

    @Test
    void aGroupSaysWhetherItIsCancelledAndItsRunnableTasksJoinToNull() {
        List<String> seen = fifo(() -> {
            List<String> l = new ArrayList<>();
            TaskGroup.with(tg -> {
                Task<Void> t = tg.spawn(() -> {
                    l.add("ran");
                });
                l.add("joined " + t.join());
                l.add("cancelled " + tg.isCancelled());
                tg.cancel();
                l.add("cancelled " + tg.isCancelled());
                return null;
            });
            return l;
        });
        assertThat(seen).containsExactly("ran", "joined null", "cancelled false", "cancelled true");
    }

    @Test
    void startReturnsTheStartedValueAndACancelledCallerStartsNothing() {
        List<String> seen = fifo(() -> {
            List<String> l = new ArrayList<>();
            TaskGroup.with(tg -> {
                String v = tg.start((TaskStatus<String> status) -> status.started("ready"));
                l.add("started " + v);
                CancelScope.run(s -> {
                    s.cancel();
                    Throwable t = catchThrowable(() -> tg.start(status -> {
                        l.add("the child ran");
                        status.started();
                    }));
                    l.add(t.getClass().getSimpleName());
                    return null;
                });
                return null;
            });
            return l;
        });
        assertThat(seen).containsExactly("started ready", "Cancelled");
    }

    @Test
    void underAPriorityPolicyTwentyReadyTasksRunMostUrgentFirst() {
        // more ready tasks than the policy's first scratch arrays hold
        String order = Simulation.builder().priorityPolicy(PriorityPolicy.standard()).run(() -> {
            StringBuilder sb = new StringBuilder();
            TaskGroup.with(tg -> {
                for (int i = 0; i < 20; i++) {
                    int p = (i * 7) % 20;
                    tg.spawn(() -> {
                        sb.append(p).append(' ');
                    }).setPriority(p);
                }
                return null;
            });
            return sb.toString().trim();
        }).value();
        assertThat(order).isEqualTo("0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19");
    }
}
