package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Shared and Loop.checkpoint(Object): every access is a checkpoint; update is one atomic step. */
class SharedTest {
    static int increments(boolean atomic) {
        Shared<Integer> counter = Shared.of(0);
        TaskGroup.with(g -> {
            for (int t = 0; t < 2; t++) {
                g.spawn(() -> {
                    if (atomic) {
                        counter.update(v -> v + 1);
                    } else {
                        counter.set(counter.get() + 1);
                    }
                });
            }
            return null;
        });
        int result = counter.get();
        if (result != 2) {
            throw new AssertionError("lost update: " + result);
        }
        return result;
    }

    @Test
    void getThenSetLosesAnUpdateWithOnePreemptionAndUpdateNeverDoes() {
        Exploration.Report<Integer> racy = Exploration.of(() -> increments(false)).preemptionBounded(1).run();
        assertThat(racy.firstFailure().orElseThrow().failure()).hasMessage("lost update: 1");
        assertThat(racy.firstFailure().orElseThrow().preemptions()).isEqualTo(1);
        Exploration.Report<Integer> atomic = Exploration.of(() -> increments(true)).preemptionBounded(3).run();
        assertThat(atomic.failingSchedules()).isZero();
        assertThat(atomic.exhausted()).isTrue();
    }

    @Test
    void everyAccessInATaskIsAStepAndOutsideATaskAPlainAccess() {
        Shared<String> s = Shared.of("a");
        assertThat(s.get()).isEqualTo("a");
        s.set("b");
        assertThat(s.update(v -> v + "c")).isEqualTo("bc");
        assertThat(s).hasToString("Shared[bc]");
        long without = Simulation.builder().strategy(Strategy.fifo()).run(() -> null).steps();
        SimResult<Object> r = Simulation.builder().strategy(Strategy.fifo()).run(() -> {
            s.get();
            s.set("d");
            s.update(v -> v + "e");
            Loop.checkpoint(s);
            return null;
        });
        assertThat(r.steps() - without).as("four checkpoints, each a step of its own").isEqualTo(4);
        assertThat(s.get()).isEqualTo("de");
    }

    @Test
    void aCancelledTaskRaisesAtAnAccess() {
        Shared<Integer> s = Shared.of(1);
        List<String> log = new java.util.ArrayList<>();
        Simulation.builder().strategy(Strategy.fifo()).run(() -> {
            CancelScope.run(scope -> {
                scope.cancel();
                s.set(2);
                log.add("not reached");
                return null;
            });
            log.add("value " + s.get());
            return null;
        }).value();
        assertThat(log).containsExactly("value 1");
    }

    /** An update whose function blocks would not be atomic: refused, naming the blocking call in its cause. */
    @Test
    void anUpdateWhoseFunctionBlocksIsRefused() {
        SimResult<Integer> r = Simulation.run(1, () -> {
            Shared<Integer> s = Shared.of(0);
            return s.update(x -> {
                Loop.sleep(java.time.Duration.ofMillis(1));
                return x + 1;
            });
        });
        assertThat(r.failure()).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Shared.update: the update function made a blocking call (the cause says which),"
                        + " so the update would not be atomic")
                .cause().isInstanceOf(SynchronousBlockingException.class).hasMessageStartingWith("Loop.sleep blocks");
        assertThat(Simulation.run(1, () -> Shared.of(41).update(x -> x + 1)).value()).isEqualTo(42);
    }
}
