package dev.simloop.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The ready queue on its own: FIFO order through removals at any index (either side shifts), growth
 * past its first ring and past one chunk into {@link ReadyChunks} and back, wrap-around, clearing,
 * PCT's most urgent task, and the removal count that measures how long a task has been ready. Slots
 * outside the live range are always empty (no task is kept reachable).
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

    /** Enough tasks for a queue of several chunks ({@link ReadyChunks#CHUNK} each). */
    private static final List<TaskImpl<Object>> MANY = new ArrayList<>();

    static {
        for (int i = 0; i < 6 * ReadyChunks.CHUNK; i++) {
            TaskImpl<Object> t = new TaskImpl<>(null, 1000 + i, "m" + i, null, () -> null, null, null);
            t.strategyPriority = (i * 7919L) % 20; // many ties on purpose: PCT breaks them by id, POS by place
            MANY.add(t);
        }
    }

    /** What the tasks of {@link #MANY} last operated on (POS's racing steps): a third of them, seven objects in runs. */
    private static final Object[] LAST_OBJECTS = {"a", "b", "c", "d", "e", "f", "g"};

    static {
        for (int i = 0; i < MANY.size(); i++) {
            MANY.get(i).lastObject = i % 3 == 0 ? LAST_OBJECTS[(i / 700) % 7] : null;
        }
    }

    /** visitTasksAt shows exactly the tasks whose last object is one of {@code objects}, in order, with their indexes. */
    private static void assertVisitsTasksAt(ReadyQueue q, List<TaskImpl<?>> ref, Object[] objects) {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < ref.size(); i++) {
            Object o = ref.get(i).lastObject;
            if (o == objects[0] || o == objects[1]) {
                expected.add(i + ":" + ref.get(i).name());
            }
        }
        List<String> visited = new ArrayList<>();
        q.visitTasksAt(objects, objects.length, (t, index) -> visited.add(index + ":" + t.name()));
        assertThat(visited).isEqualTo(expected);
    }

    @Test
    void aChunkWhoseTasksLastTouchedNoneOfTheObjectsIsPassedOver() {
        ReadyQueue q = new ReadyQueue();
        List<TaskImpl<?>> ref = new ArrayList<>();
        for (int k = 0; k < 3 * ReadyChunks.CHUNK; k++) { // in order: runs of 700 per object, so chunks note a few
            q.add(MANY.get(k));
            ref.add(MANY.get(k));
        }
        for (Object o : LAST_OBJECTS) {
            assertVisitsTasksAt(q, ref, new Object[] {o, o});
        }
        // a task that arrives in the middle is noted by its chunk
        TaskImpl<?> stray = MANY.get(5 * ReadyChunks.CHUNK);
        Object before = stray.lastObject;
        stray.lastObject = "z";
        stray.insertAt(300);
        q.add(stray);
        ref.add(300, stray);
        assertVisitsTasksAt(q, ref, new Object[] {"z", "a"});
        assertVisitsTasksAt(q, ref, new Object[] {"z", "z"});
        assertThat(q.removeAt(300)).isSameAs(ref.remove(300));
        assertVisitsTasksAt(q, ref, new Object[] {"z", "b"});
        stray.lastObject = before;

        // a task passed on to the front of the next chunk (a removal nearer the front) is noted there
        q = new ReadyQueue();
        ref.clear();
        for (int k = 0; k < 5 * ReadyChunks.CHUNK; k++) { // five full chunks
            q.add(MANY.get(k));
            ref.add(MANY.get(k));
        }
        TaskImpl<?> passed = MANY.get(5 * ReadyChunks.CHUNK + 1);
        Object was = passed.lastObject;
        passed.lastObject = "y";
        int lastOfSecond = 2 * ReadyChunks.CHUNK - 1;
        passed.insertAt(lastOfSecond); // the second chunk's last task now
        q.add(passed);
        ref.add(lastOfSecond, passed);
        assertVisitsTasksAt(q, ref, new Object[] {"y", "y"});
        int inThird = 2 * ReadyChunks.CHUNK + 10;
        assertThat(inThird).isLessThan(q.size() / 2);
        assertThat(q.removeAt(inThird)).isSameAs(ref.remove(inThird));
        assertVisitsTasksAt(q, ref, new Object[] {"y", "a"}); // the third chunk noted neither before
        passed.lastObject = was;
    }

    /** In chunks: every chunk slot outside a chunk's live range is null, and ring is not used. */
    private static void assertNoStaleChunkSlots(ReadyQueue q) throws ReflectiveOperationException {
        Field bigField = ReadyQueue.class.getDeclaredField("big");
        bigField.setAccessible(true);
        Object big = bigField.get(q);
        if (big == null) {
            assertNoStaleSlots(q);
            return;
        }
        Field ringField = ReadyQueue.class.getDeclaredField("ring");
        ringField.setAccessible(true);
        assertThat(ringField.get(q)).as("the ring while in chunks").isNull();
        Field chunksField = ReadyChunks.class.getDeclaredField("chunks");
        chunksField.setAccessible(true);
        int live = 0;
        for (Object chunk : (Object[]) chunksField.get(big)) {
            if (chunk == null) {
                continue;
            }
            Field tasksField = chunk.getClass().getDeclaredField("tasks");
            tasksField.setAccessible(true);
            for (Object o : (Object[]) tasksField.get(chunk)) {
                live += o == null ? 0 : 1;
            }
        }
        assertThat(live).as("non-empty chunk slots").isEqualTo(q.size());
    }

    /** The index PCT picks by brute force: the highest priority, ties to the lowest id. */
    private static int mostUrgentByScan(List<TaskImpl<?>> ref) {
        int best = 0;
        for (int i = 1; i < ref.size(); i++) {
            TaskImpl<?> t = ref.get(i);
            TaskImpl<?> b = ref.get(best);
            if (t.strategyPriority > b.strategyPriority || (t.strategyPriority == b.strategyPriority && t.id < b.id)) {
                best = i;
            }
        }
        return best;
    }

    /** PCT's ranking, by brute force above. */
    private static final ReadyQueue.Ranking URGENCY = new ReadyQueue.Ranking() {
        @Override
        public boolean unprepared(TaskImpl<?> t) {
            return false;
        }

        @Override
        public void prepare(TaskImpl<?> t) {
        }

        @Override
        public boolean beats(TaskImpl<?> a, TaskImpl<?> b) {
            return a.strategyPriority > b.strategyPriority || (a.strategyPriority == b.strategyPriority && a.id < b.id);
        }
    };

    /** POS's kind of ranking: the highest priority, ties to the first; -1 means none yet, drawn (0..19, many ties) when prepared. */
    private static ReadyQueue.Ranking firstHighest(List<TaskImpl<?>> preparedOrder, SplittableRandom draws) {
        return new ReadyQueue.Ranking() {
            @Override
            public boolean unprepared(TaskImpl<?> t) {
                return t.strategyPriority == -1;
            }

            @Override
            public void prepare(TaskImpl<?> t) {
                preparedOrder.add(t);
                t.strategyPriority = draws.nextInt(20);
            }

            @Override
            public boolean beats(TaskImpl<?> a, TaskImpl<?> b) {
                return a.strategyPriority > b.strategyPriority;
            }
        };
    }

    private static int firstHighestByScan(List<TaskImpl<?>> ref) {
        int best = 0;
        for (int i = 1; i < ref.size(); i++) {
            if (ref.get(i).strategyPriority > ref.get(best).strategyPriority) {
                best = i;
            }
        }
        return best;
    }

    @Test
    void aQueueInChunksAgreesWithAListUnderEveryOperation() throws Exception {
        for (long seed = 0; seed < 6; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            ReadyQueue q = new ReadyQueue();
            List<TaskImpl<?>> ref = new ArrayList<>();
            List<TaskImpl<?>> out = new ArrayList<>(MANY);
            boolean wasInChunks = false;
            int maxSize = 0;
            boolean posLike = seed % 2 == 1; // one strategy per run, as in a simulation
            List<TaskImpl<?>> prepared = new ArrayList<>();
            ReadyQueue.Ranking pos = firstHighest(prepared, new SplittableRandom(seed));
            for (int op = 0; op < 14_000; op++) {
                int kind = rnd.nextInt(100);
                // grow past several chunks, shrink, grow, then shrink back to one ring
                boolean growing = op < 4000 || (op >= 8000 && op < 10_000);
                if (ref.isEmpty() || (kind < (growing ? 70 : 15) && !out.isEmpty())) {
                    TaskImpl<?> t = out.remove(rnd.nextInt(out.size()));
                    if (rnd.nextInt(10) == 0) {
                        int at = rnd.nextInt(ref.size() + 3); // past the end means at the end
                        t.insertAt(at);
                        ref.add(Math.min(at, ref.size()), t);
                    } else {
                        ref.add(t);
                    }
                    q.add(t);
                } else if (kind < 75) {
                    int i = kind % 3 == 0 ? 0 : rnd.nextInt(ref.size()); // the head (FIFO), or anywhere (random)
                    TaskImpl<?> t = q.removeAt(i);
                    assertThat(t).isSameAs(ref.remove(i));
                    out.add(t);
                } else if (kind < 80) {
                    int i = rnd.nextInt(ref.size()); // an inline pick undone: the task goes back where it was
                    TaskImpl<?> t = q.removeAt(i);
                    q.putBack(t, i);
                } else if (!posLike && kind < 90) {
                    int i = mostUrgentByScan(ref);
                    assertThat(q.best(URGENCY)).as("seed %d op %d", seed, op).isEqualTo(i);
                    if (kind < 85) { // a PCT change point: the most urgent drops in place
                        ref.get(i).strategyPriority -= 500;
                        q.rankChanged(i);
                    }
                } else if (kind < 90) {
                    // POS: some tasks lose their priority in place (a racing step), the rest keep theirs
                    for (int k = 0; k < 3; k++) {
                        int i = rnd.nextInt(ref.size());
                        if (ref.get(i).strategyPriority != -1) {
                            ref.get(i).strategyPriority = -1;
                            q.rankChanged(i);
                        }
                    }
                    List<TaskImpl<?>> unprepared = new ArrayList<>();
                    for (TaskImpl<?> t : ref) {
                        if (t.strategyPriority == -1) {
                            unprepared.add(t);
                        }
                    }
                    prepared.clear();
                    int got = q.best(pos);
                    assertThat(prepared).as("prepared in queue order, seed %d op %d", seed, op).isEqualTo(unprepared);
                    assertThat(got).as("seed %d op %d", seed, op).isEqualTo(firstHighestByScan(ref));
                    if (kind < 87) { // the chosen task runs: it loses its priority and leaves
                        TaskImpl<?> t = q.removeAt(got);
                        assertThat(t).isSameAs(ref.remove(got));
                        t.strategyPriority = -1;
                        out.add(t);
                    }
                }
                wasInChunks |= q.size() > ReadyChunks.CHUNK;
                maxSize = Math.max(maxSize, q.size());
                assertThat(q.size()).isEqualTo(ref.size());
                if (!ref.isEmpty()) {
                    int i = rnd.nextInt(ref.size());
                    assertThat(q.get(i)).as("seed %d op %d index %d", seed, op, i).isSameAs(ref.get(i));
                }
                if (op % 100 == 0) {
                    assertVisitsTasksAt(q, ref, new Object[] {LAST_OBJECTS[rnd.nextInt(7)], LAST_OBJECTS[rnd.nextInt(7)]});
                }
                if (op % 500 == 0) {
                    assertThat(contents(q)).as("seed %d op %d", seed, op).isEqualTo(ref);
                    assertNoStaleChunkSlots(q);
                }
            }
            assertThat(wasInChunks).as("the queue went past one chunk").isTrue();
            assertThat(maxSize).as("to several chunks").isGreaterThan(2 * ReadyChunks.CHUNK);
            assertThat(q.size()).as("and came back under it").isLessThan(ReadyChunks.CHUNK);
            for (TaskImpl<?> t : MANY) {
                t.strategyPriority = (t.id * 7919L) % 20;
            }
        }
    }

    @Test
    void tiesInChunksGoToTheFirstInTheQueueAsTasksMoveBetweenChunks() {
        ReadyQueue q = new ReadyQueue();
        List<TaskImpl<?>> ref = new ArrayList<>();
        for (int k = 0; k < 5 * ReadyChunks.CHUNK + 10; k++) {
            TaskImpl<?> t = MANY.get(k);
            t.strategyPriority = 0;
            q.add(t);
            ref.add(t);
        }
        ReadyQueue.Ranking pos = firstHighest(new ArrayList<>(), new SplittableRandom(1));
        int b = 2 * ReadyChunks.CHUNK + 100; // in the third chunk
        ref.get(b).strategyPriority = 5;
        q.rankChanged(b);
        assertThat(q.best(pos)).isEqualTo(b);

        // a tie put into the middle of that chunk, before its best, is the first now
        TaskImpl<?> tie = MANY.get(5 * ReadyChunks.CHUNK + 20);
        tie.strategyPriority = 5;
        tie.insertAt(b - 50);
        q.add(tie);
        ref.add(b - 50, tie);
        assertThat(q.best(pos)).isEqualTo(b - 50).isEqualTo(firstHighestByScan(ref));

        // a tie appended after the best does not displace it
        TaskImpl<?> later = MANY.get(5 * ReadyChunks.CHUNK + 21);
        later.strategyPriority = 5;
        q.add(later);
        ref.add(later);
        assertThat(q.best(pos)).isEqualTo(firstHighestByScan(ref));

        // a tie that the chunk before passes on to this chunk's front is the first now: a removal
        // in the third chunk, nearer the front, makes each chunk before it pass its last task on
        assertThat(q.size()).isGreaterThan(5 * ReadyChunks.CHUNK);
        int lastOfSecond = 2 * ReadyChunks.CHUNK - 1;
        ref.get(lastOfSecond).strategyPriority = 5;
        q.rankChanged(lastOfSecond);
        assertThat(q.best(pos)).isEqualTo(lastOfSecond); // every chunk's best is known now
        int inThird = 2 * ReadyChunks.CHUNK + 400;
        assertThat(q.removeAt(inThird)).isSameAs(ref.remove(inThird));
        assertThat(q.best(pos)).isEqualTo(lastOfSecond).isEqualTo(firstHighestByScan(ref));
        ref.get(lastOfSecond).strategyPriority = 0;
        q.rankChanged(lastOfSecond);
        assertThat(q.best(pos)).isEqualTo(b - 50).isEqualTo(firstHighestByScan(ref));
        for (TaskImpl<?> t : MANY) {
            t.strategyPriority = (t.id * 7919L) % 20;
        }
    }

    @Test
    void aViewIsRefilledInTheGivenOrderAndStaysOneRing() throws Exception {
        ReadyQueue view = new ReadyQueue(false);
        TaskImpl<?>[] from = MANY.toArray(new TaskImpl<?>[0]);
        int[] every = new int[3 * ReadyChunks.CHUNK];
        for (int k = 0; k < every.length; k++) {
            every[k] = every.length - 1 - k; // reversed
        }
        view.refill(from, every, every.length);
        assertThat(view.size()).isEqualTo(every.length);
        assertThat(view.get(0)).isSameAs(MANY.get(every.length - 1));
        assertThat(view.get(every.length - 1)).isSameAs(MANY.get(0));
        assertNoStaleSlots(view); // one ring, however long
        view.refill(from, new int[] {5, 7}, 2);
        assertThat(contents(view)).containsExactly(MANY.get(5), MANY.get(7));
        assertNoStaleSlots(view);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ReadyQueue().refill(from, every, 1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not refilled");
    }

    @Test
    void aQueueInChunksClearsToAnEmptyRing() throws Exception {
        ReadyQueue q = new ReadyQueue();
        for (int k = 0; k < 3 * ReadyChunks.CHUNK; k++) {
            q.add(MANY.get(k));
        }
        q.clear();
        assertThat(q.size()).isZero();
        assertNoStaleSlots(q);
        q.add(MANY.get(5));
        assertThat(contents(q)).containsExactly(MANY.get(5));
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
