package dev.simloop.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The ready queue: FIFO order, removal at any index, growth, and the step stamps the priority policy uses. */
class ReadyQueueRingTest {
    private static TaskImpl<Object> task(int id) {
        return new TaskImpl<>(null, id, "t" + id, null, () -> null, null, null);
    }

    @Test
    void removingAtRandomIndexesMatchesAListAcrossGrowthAndWrapAround() {
        SplittableRandom rng = new SplittableRandom(3);
        ReadyQueue q = new ReadyQueue();
        List<TaskImpl<?>> model = new ArrayList<>();
        int next = 0;
        for (int op = 0; op < 5_000; op++) {
            if (model.isEmpty() || rng.nextInt(3) > 0) {
                TaskImpl<Object> t = task(next++ % 50);
                q.add(t);
                model.add(t);
            } else {
                int i = rng.nextInt(model.size());
                assertThat(q.removeAt(i)).isSameAs(model.remove(i));
            }
            assertThat(q.size()).isEqualTo(model.size());
        }
        for (int i = 0; i < model.size(); i++) {
            assertThat(q.get(i)).isSameAs(model.get(i));
        }
    }

    @Test
    void aTaskKnowsHowManyRemovalsItWaitedThrough() {
        ReadyQueue q = new ReadyQueue();
        TaskImpl<Object> a = task(0);
        TaskImpl<Object> b = task(1);
        q.add(a);
        q.add(b);
        q.removeAt(0);
        q.countRemoval(); // a fast-path step of the running task
        assertThat(q.waitedSteps(b)).isEqualTo(2);
        q.clear();
        assertThat(q.isEmpty()).isTrue();
    }
}
