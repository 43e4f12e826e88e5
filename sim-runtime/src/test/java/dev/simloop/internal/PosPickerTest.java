package dev.simloop.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Issue 4: POS draws fresh priorities for exactly the ready tasks racing with the step that ran. */
class PosPickerTest {
    private static TaskImpl<Object> task(int id, String name) {
        return new TaskImpl<>(null, id, name, null, () -> null, null, null);
    }

    @Test
    void aStepOnAnObjectRedrawsTheReadyTasksPendingAtThatObjectOnly() {
        Object lock = new Object();
        Object otherLock = new Object();
        int checked = 0;
        for (long seed = 0; seed < 200; seed++) {
            PosPicker pos = new PosPicker(seed);
            TaskImpl<Object> runner = task(0, "runner");
            TaskImpl<Object> atLock = task(1, "at-lock");
            TaskImpl<Object> atOther = task(2, "at-other-lock");
            TaskImpl<Object> atCheckpoint = task(3, "at-checkpoint");
            ReadyQueue ready = new ReadyQueue();
            for (TaskImpl<Object> t : java.util.List.of(runner, atLock, atOther, atCheckpoint)) {
                pos.onSpawn(t);
                ready.add(t);
            }
            atLock.lastObject = lock;
            atOther.lastObject = otherLock;
            atCheckpoint.lastObject = null;
            int first = pos.pick(ready, 0);
            if (ready.get(first) != runner) {
                continue; // this seed ran another task first; the scenario needs the runner to go first
            }
            ready.removeAt(first);
            long lockPriority = atLock.strategyPriority;
            long otherPriority = atOther.strategyPriority;
            long checkpointPriority = atCheckpoint.strategyPriority;
            // the runner's step operates on the lock and yields there
            pos.touched(lock);
            runner.lastObject = lock;
            ready.add(runner);
            if (ready.get(pos.pick(ready, 1)) == atLock) {
                continue; // picked, so its priority is reset anyway: no evidence either way
            }
            assertThat(atOther.strategyPriority).as("seed %d", seed).isIn(otherPriority, PosPickerTest.undrawn());
            assertThat(atCheckpoint.strategyPriority).as("seed %d", seed).isIn(checkpointPriority, undrawn());
            assertThat(atLock.strategyPriority).as("seed %d: the racing task draws again", seed)
                    .isNotEqualTo(lockPriority).isNotEqualTo(undrawn());
            checked++;
        }
        assertThat(checked).isGreaterThan(20);
    }

    /** The value a task that was just picked holds (it draws at its next pick). */
    private static long undrawn() {
        return Long.MIN_VALUE;
    }

    @Test
    void withoutTouchesNoReadyTaskDrawsAgain() {
        PosPicker pos = new PosPicker(5);
        TaskImpl<Object> a = task(0, "a");
        TaskImpl<Object> b = task(1, "b");
        TaskImpl<Object> c = task(2, "c");
        ReadyQueue ready = new ReadyQueue();
        for (TaskImpl<Object> t : java.util.List.of(a, b, c)) {
            pos.onSpawn(t);
            t.lastObject = "same object";
            ready.add(t);
        }
        TaskImpl<?> ran = ready.removeAt(pos.pick(ready, 0));
        long[] before = {a.strategyPriority, b.strategyPriority, c.strategyPriority};
        ready.add(ran);
        pos.pick(ready, 1);
        long[] after = {a.strategyPriority, b.strategyPriority, c.strategyPriority};
        for (int i = 0; i < 3; i++) {
            TaskImpl<?> t = i == 0 ? a : i == 1 ? b : c;
            if (t != ran && after[i] != Long.MIN_VALUE) {
                assertThat(after[i]).isEqualTo(before[i]);
            }
        }
    }
}
