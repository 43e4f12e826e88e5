package dev.simloop.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The ready queue on its own: FIFO order through removals at any index (either side shifts), growth
 * past its first ring, wrap-around, clearing, and the removal count that measures how long a task
 * has been ready. Slots outside the live range are always empty (no task is kept reachable).
 */
class ReadyQueueTest {
    private static final List<TaskImpl<Object>> TASKS = new ArrayList<>();

    static {
        for (int i = 0; i < 80; i++) {
            TASKS.add(new TaskImpl<>(null, i, "t" + i, null, () -> null, null, null));
        }
    }

    private static List<TaskImpl<?>> contents(ReadyQueue q) {
        List<TaskImpl<?>> out = new ArrayList<>();
        for (int i = 0; i < q.size(); i++) {
            out.add(q.get(i));
        }
        return out;
    }

    /** Every slot of the ring outside [head, head + size) is null. */
    private static void assertNoStaleSlots(ReadyQueue q) throws ReflectiveOperationException {
        Field ringField = ReadyQueue.class.getDeclaredField("ring");
        Field headField = ReadyQueue.class.getDeclaredField("head");
        ringField.setAccessible(true);
        headField.setAccessible(true);
        Object[] ring = (Object[]) ringField.get(q);
        int head = (int) headField.get(q);
        int live = 0;
        for (Object o : ring) {
            if (o != null) {
                live++;
            }
        }
        assertThat(live).as("non-empty slots").isEqualTo(q.size());
        for (int k = 0; k < q.size(); k++) {
            assertThat(ring[(head + k) & (ring.length - 1)]).isSameAs(q.get(k));
        }
    }

    @Test
    void removalsAtAnyIndexKeepTheOthersInOrderOnTheShorterSide() throws Exception {
        for (int n = 1; n <= 9; n++) {
            for (int i = 0; i < n; i++) {
                ReadyQueue q = new ReadyQueue();
                List<TaskImpl<?>> ref = new ArrayList<>();
                for (int k = 0; k < n; k++) {
                    q.add(TASKS.get(k));
                    ref.add(TASKS.get(k));
                }
                assertThat(q.removeAt(i)).isSameAs(ref.remove(i));
                assertThat(contents(q)).as("n=%d, removed %d", n, i).isEqualTo(ref);
                assertNoStaleSlots(q);
            }
        }
    }

    @Test
    void randomAddsAndRemovalsAgreeWithAListThroughWrapAroundAndGrowth() throws Exception {
        for (long seed = 0; seed < 30; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            ReadyQueue q = new ReadyQueue();
            List<TaskImpl<?>> ref = new ArrayList<>();
            int next = 0;
            for (int op = 0; op < 300; op++) {
                if (ref.isEmpty() || (rnd.nextInt(5) < 3 && ref.size() < TASKS.size())) {
                    TaskImpl<Object> t = TASKS.get(next++ % TASKS.size());
                    if (ref.contains(t)) {
                        continue;
                    }
                    q.add(t);
                    ref.add(t);
                } else {
                    int i = rnd.nextInt(ref.size());
                    assertThat(q.removeAt(i)).isSameAs(ref.remove(i));
                }
                assertThat(q.size()).isEqualTo(ref.size());
                assertThat(q.isEmpty()).isEqualTo(ref.isEmpty());
                assertThat(contents(q)).as("seed %d op %d", seed, op).isEqualTo(ref);
                assertNoStaleSlots(q);
            }
        }
    }

    @Test
    void growsWhenFullAndKeepsFifoOrderAcrossTheWrap() throws Exception {
        ReadyQueue q = new ReadyQueue();
        for (int k = 0; k < 10; k++) {
            q.add(TASKS.get(k));
        }
        for (int k = 0; k < 10; k++) {
            q.removeAt(0); // head moves to 10
        }
        List<TaskImpl<?>> ref = new ArrayList<>();
        for (int k = 0; k < 40; k++) { // wraps, then fills, then grows twice
            q.add(TASKS.get(k));
            ref.add(TASKS.get(k));
        }
        assertThat(contents(q)).isEqualTo(ref);
        assertNoStaleSlots(q);
        assertThat(q.toString()).startsWith("[task 't0', task 't1', ").endsWith("task 't39']");
    }

    @Test
    void clearEmptiesEverySlotAndTheQueueWorksAfterwards() throws Exception {
        ReadyQueue q = new ReadyQueue();
        for (int k = 0; k < 12; k++) {
            q.add(TASKS.get(k));
        }
        q.removeAt(0);
        q.removeAt(0);
        q.removeAt(0); // head is 3: clear must empty the wrapped range
        for (int k = 12; k < 18; k++) {
            q.add(TASKS.get(k));
        }
        q.clear();
        assertThat(q.size()).isZero();
        assertThat(q.isEmpty()).isTrue();
        assertNoStaleSlots(q);
        q.add(TASKS.get(40));
        q.add(TASKS.get(41));
        assertThat(contents(q)).containsExactly(TASKS.get(40), TASKS.get(41));
        assertThat(q.toString()).isEqualTo("[task 't40', task 't41']");
    }

    @Test
    void waitedStepsCountsTheRemovalsSinceATaskWasAdded() {
        ReadyQueue q = new ReadyQueue();
        TaskImpl<Object> a = TASKS.get(0);
        TaskImpl<Object> b = TASKS.get(1);
        TaskImpl<Object> c = TASKS.get(2);
        q.add(a);
        q.add(b);
        assertThat(q.waitedSteps(a)).isZero();
        q.removeAt(0); // a
        assertThat(q.waitedSteps(b)).isEqualTo(1);
        q.countRemoval(); // a step of a task that ran again without the queue
        q.countRemoval();
        assertThat(q.waitedSteps(b)).isEqualTo(3);
        q.add(c);
        assertThat(q.waitedSteps(c)).isZero();
        q.removeAt(1);
        assertThat(q.waitedSteps(b)).isEqualTo(4);
    }

    @Test
    void aQueueThatDoesNotStampLeavesTheTasksReadyStampAlone() {
        TaskImpl<Object> t = new TaskImpl<>(null, 99, "stamped", null, () -> null, null, null);
        ReadyQueue loopQueue = new ReadyQueue();
        loopQueue.countRemoval();
        loopQueue.countRemoval();
        loopQueue.add(t);
        assertThat(t.readyStamp).isEqualTo(2);
        ReadyQueue view = new ReadyQueue(false);
        view.add(t);
        assertThat(t.readyStamp).isEqualTo(2);
    }
}
