package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A task group whose many children fail: the first failure is raised, the rest suppressed once each. */
class ManyChildFailuresTest {
    @Test
    void twentyThousandFailuresAreTheFirstAndItsSuppressedInOrder() {
        // Each new failure was compared with every earlier one: 80,000 failing children took 9.5 s.
        int children = 20_000;
        SimResult<Object> r = Simulation.builder().seed(1).strategy(Strategy.fifo()).run(() -> TaskGroup.with(g -> {
            for (int i = 0; i < children; i++) {
                int k = i;
                g.spawn(() -> {
                    // no checkpoint first: the first failure cancels the group, and a child that then
                    // yields at a checkpoint is cancelled there; each runs up to its first one
                    throw new IllegalStateException("child " + k);
                });
            }
            return null;
        }));
        assertThat(r.failure()).isInstanceOf(IllegalStateException.class).hasMessage("child 0");
        Throwable[] suppressed = r.failure().getSuppressed();
        assertThat(suppressed).hasSize(children - 1);
        assertThat(suppressed[0]).hasMessage("child 1");
        assertThat(suppressed[children - 2]).hasMessage("child " + (children - 1));
    }

    @Test
    void oneExceptionThrownByManyChildrenCountsOncePastTheFirstEight() {
        // Twenty children, the odd ones all throwing one shared instance: 10 distinct + 1 shared.
        IllegalStateException shared = new IllegalStateException("shared");
        SimResult<Object> r = Simulation.builder().seed(1).strategy(Strategy.fifo()).run(() -> TaskGroup.with(g -> {
            for (int i = 0; i < 20; i++) {
                int k = i;
                g.spawn(() -> {
                    throw k % 2 == 1 ? shared : new IllegalStateException("child " + k);
                });
            }
            return null;
        }));
        assertThat(r.failure()).hasMessage("child 0");
        assertThat(Arrays.stream(r.failure().getSuppressed()).map(Throwable::getMessage)).containsExactly(
                "shared", "child 2", "child 4", "child 6", "child 8", "child 10", "child 12", "child 14", "child 16",
                "child 18");
    }
}
