package dev.simloop.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Shared;
import dev.simloop.TaskGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: a {@link Shared} reports every access, so POS redraws the priority of a task pending
 * at an access to the same field as the step that ran (a conflict), and leaves alone a task
 * pending at another field (independent).
 */
class SharedRacesUnderPosTest {
    /** Watches a POS picker: which ready tasks drew again at each pick, and whether they should have. */
    private static final class Watched implements Picker {
        private final PosPicker pos;
        private final List<Object> touched = new ArrayList<>();
        final List<String> wrong = new ArrayList<>();
        int conflictsRedrawn;
        int independentKept;

        Watched(long seed) {
            pos = new PosPicker(seed);
        }

        @Override
        public int pick(ReadyQueue ready, int choiceIndex) {
            Map<TaskImpl<?>, Long> before = new IdentityHashMap<>();
            for (int i = 0; i < ready.size(); i++) {
                before.put(ready.get(i), ready.get(i).strategyPriority);
            }
            int picked = pos.pick(ready, choiceIndex);
            for (int i = 0; i < ready.size(); i++) {
                TaskImpl<?> t = ready.get(i);
                if (i != picked && before.get(t) != Long.MIN_VALUE && t.lastObject instanceof Shared<?>) {
                    boolean redrawn = t.strategyPriority != before.get(t);
                    boolean conflicts = touched.stream().anyMatch(o -> o == t.lastObject);
                    if (redrawn != conflicts) {
                        wrong.add(t.name() + " at pick " + choiceIndex + ": redrawn " + redrawn);
                    }
                    conflictsRedrawn += redrawn ? 1 : 0;
                    independentKept += !redrawn && !touched.isEmpty() ? 1 : 0;
                }
            }
            touched.clear();
            return picked;
        }

        @Override
        public int pickTimer(int options, int choiceIndex) {
            return pos.pickTimer(options, choiceIndex);
        }

        @Override
        public void onSpawn(TaskImpl<?> t) {
            pos.onSpawn(t);
        }

        @Override
        public boolean tracksObjects() {
            return true;
        }

        @Override
        public void touched(Object object) {
            touched.add(object);
            pos.touched(object);
        }
    }

    /** Tasks x1 and x2 increment field x, task y increments field y, each three times with get and set. */
    private static Object program() {
        Shared<Integer> x = Shared.of(0);
        Shared<Integer> y = Shared.of(0);
        TaskGroup.with(g -> {
            for (Shared<Integer> field : List.of(x, x, y)) {
                g.spawn(() -> {
                    for (int i = 0; i < 3; i++) {
                        field.set(field.get() + 1);
                    }
                });
            }
            return null;
        });
        return null;
    }

    @Test
    void posRedrawsTasksAtTheSameSharedFieldAndKeepsTasksAtAnother() {
        int conflicts = 0;
        int independent = 0;
        for (long seed = 0; seed < 20; seed++) {
            Watched picker = new Watched(seed);
            Scheduler loop = Scheduler.simulated(picker, seed, 10_000, Duration.ofDays(1));
            RunOutcome o = Drivers.call(() -> loop.run(SharedRacesUnderPosTest::program), caller -> loop.requestStop());
            assertThat(o.failure()).isNull();
            assertThat(picker.wrong).as("seed %d", seed).isEmpty();
            conflicts += picker.conflictsRedrawn;
            independent += picker.independentKept;
        }
        assertThat(conflicts).as("tasks pending at the field the step accessed drew again").isPositive();
        assertThat(independent).as("tasks pending at the other field kept their priority").isPositive();
    }

    @Test
    void aPlainCheckpointTouchesNothingSoNothingDrawsAgain() {
        Watched picker = new Watched(3);
        Scheduler loop = Scheduler.simulated(picker, 3, 10_000, Duration.ofDays(1));
        Drivers.call(() -> loop.run(() -> TaskGroup.with(g -> {
            for (int t = 0; t < 3; t++) {
                g.spawn(() -> {
                    for (int i = 0; i < 3; i++) {
                        dev.simloop.Loop.checkpoint();
                    }
                });
            }
            return null;
        })), caller -> loop.requestStop());
        assertThat(picker.conflictsRedrawn).isZero();
        assertThat(picker.wrong).isEmpty();
    }
}
