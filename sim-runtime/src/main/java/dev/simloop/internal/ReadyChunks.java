package dev.simloop.internal;

/**
 * The ready queue's order once it holds more than one chunk of tasks ({@link ReadyQueue} keeps up
 * to {@link #CHUNK} in one ring and hands over to this beyond): a sequence in rings of
 * {@link #CHUNK} tasks each, so that taking a task out of the middle, or putting one in, moves at
 * most one chunk's worth of tasks and one task per chunk, instead of half the queue: a strategy
 * that picks anywhere in the queue ({@code random}, a replay) no longer makes a run quadratic in
 * the tasks ready at once (docs/benchmarks.md, "Many tasks ready at once"). Every index means what
 * it meant in the single ring, so no choice, digest or replay line changes.
 *
 * <p>A strategy that ranks the ready tasks (PCT, POS: {@link ReadyQueue.Ranking}) finds its pick
 * through each chunk's own best task, kept up as tasks come and go, so it looks at one task per
 * chunk plus the chunks whose best is not known. POS's search for the tasks whose next step races
 * with the last one ({@link #visitTasksAt}) passes over the chunks whose tasks last operated on
 * none of the objects touched.
 *
 * <p>Invariants: every chunk but the first and the last is full; no chunk is empty. The {@code k}-th
 * task of chunk {@code c} is {@code c.tasks[(c.head + k) & MASK]}. A chunk's known best is the
 * first of its tasks that no later one {@linkplain ReadyQueue.Ranking#beats beats}, and then
 * none of its tasks is {@linkplain ReadyQueue.Ranking#unprepared unprepared}. Driver thread only.
 */
final class ReadyChunks {
    /** Tasks per chunk; a power of two. The ready queue's ring grows to this before it hands over. */
    static final int CHUNK = 1024;
    private static final int MASK = CHUNK - 1;
    /** Distinct last objects a chunk notes before it counts as having many. */
    private static final int OBJECTS = 4;

    /** One ring of up to {@link #CHUNK} tasks. */
    private final class Chunk {
        final TaskImpl<?>[] tasks;
        int head;
        int size;
        /**
         * The chunk's best task by {@link #ranking}, or null when not known: found by a scan when a
         * ranking strategy first asks, then kept up as tasks come and go; forgotten when it leaves,
         * when a task arrives unprepared, or when a task's rank changes in place.
         */
        TaskImpl<?> best;
        /**
         * The objects its tasks last operated on ({@link TaskImpl#lastObject}), up to
         * {@link #OBJECTS}, for {@link ReadyChunks#visitTasksAt}: noted as tasks arrive, not
         * forgotten as they leave (a chunk is then scanned once for nothing and noted again);
         * {@code manyObjects} when there were more, or when not known.
         */
        final Object[] objects = new Object[OBJECTS];
        int objectCount;
        boolean manyObjects;

        Chunk(TaskImpl<?>[] tasks, int head, int size) {
            this.tasks = tasks;
            this.head = head;
            this.size = size;
        }

        TaskImpl<?> get(int k) {
            return tasks[(head + k) & MASK];
        }

        void addLast(TaskImpl<?> t) {
            tasks[(head + size++) & MASK] = t;
            noteObject(t);
            if (best != null && (ranking.unprepared(t) || ranking.beats(t, best))) {
                best = ranking.unprepared(t) ? null : t; // a later equal does not displace the first
            }
        }

        void addFirst(TaskImpl<?> t) {
            head = (head - 1) & MASK;
            tasks[head] = t;
            size++;
            noteObject(t);
            if (best != null && (ranking.unprepared(t) || !ranking.beats(best, t))) {
                best = ranking.unprepared(t) ? null : t; // an earlier equal is the first now
            }
        }

        TaskImpl<?> removeLast() {
            return left(dropLastSlot());
        }

        TaskImpl<?> removeFirst() {
            return left(dropFirstSlot());
        }

        /** Takes out the {@code k}-th task, shifting the shorter side. */
        TaskImpl<?> removeAt(int k) {
            TaskImpl<?> t = get(k);
            if (k < size - 1 - k) {
                for (int j = k; j > 0; j--) {
                    tasks[(head + j) & MASK] = tasks[(head + j - 1) & MASK];
                }
                dropFirstSlot();
            } else {
                for (int j = k; j < size - 1; j++) {
                    tasks[(head + j) & MASK] = tasks[(head + j + 1) & MASK];
                }
                dropLastSlot();
            }
            return left(t);
        }

        /** Puts {@code t} at {@code k} (0..size), shifting those from {@code k} on; the chunk is not full. */
        void insertAt(int k, TaskImpl<?> t) {
            TaskImpl<?> known = best;
            addLast(t);
            for (int j = size - 1; j > k; j--) {
                tasks[(head + j) & MASK] = tasks[(head + j - 1) & MASK];
            }
            tasks[(head + k) & MASK] = t;
            if (known != null && best == known && !ranking.beats(known, t)) {
                best = null; // an equal in the middle: which one is first is found again
            }
        }

        /**
         * @return the chunk's best task, found now if it was not known (preparing, in order, every
         *     task that needs it)
         */
        TaskImpl<?> findBest() {
            TaskImpl<?> b = best;
            if (b == null) {
                for (int k = 0; k < size; k++) {
                    TaskImpl<?> t = get(k);
                    if (ranking.takesOver(t, b)) {
                        b = t;
                    }
                }
                best = b;
            }
            return b;
        }

        /** @return the offset of {@code t}, which is in this chunk */
        int offsetOf(TaskImpl<?> t) {
            for (int k = 0; k < size; k++) {
                if (get(k) == t) {
                    return k;
                }
            }
            throw new IllegalStateException("simloop internal error: " + t + " is not in the ready queue's chunk that names it");
        }

        private void noteObject(TaskImpl<?> t) {
            Object o = t.lastObject;
            if (o == null || manyObjects) {
                return;
            }
            for (int k = 0; k < objectCount; k++) {
                if (objects[k] == o) {
                    return;
                }
            }
            if (objectCount == OBJECTS) {
                manyObjects = true;
            } else {
                objects[objectCount++] = o;
            }
        }

        /** @return whether a task of this chunk may have last operated on one of {@code among[0..n)} */
        boolean mayHaveObject(Object[] among, int n) {
            if (manyObjects) {
                return true;
            }
            for (int k = 0; k < objectCount; k++) {
                for (int j = 0; j < n; j++) {
                    if (objects[k] == among[j]) {
                        return true;
                    }
                }
            }
            return false;
        }

        private TaskImpl<?> left(TaskImpl<?> t) {
            if (t == best) {
                best = null;
            }
            return t;
        }

        private TaskImpl<?> dropLastSlot() {
            int at = (head + --size) & MASK;
            TaskImpl<?> t = tasks[at];
            tasks[at] = null;
            return t;
        }

        private TaskImpl<?> dropFirstSlot() {
            TaskImpl<?> t = tasks[head];
            tasks[head] = null;
            head = (head + 1) & MASK;
            size--;
            return t;
        }
    }

    /** The chunks in order: chunks[first] to chunks[first + count - 1]. */
    private Chunk[] chunks = new Chunk[8];
    private int first;
    private int count;
    private int size;
    /** The ranking whose best each chunk keeps, or null before a ranking strategy first asks. */
    private ReadyQueue.Ranking ranking;
    /** The chunk {@link #get} read last, and the index of its first task; null after any change. */
    private Chunk lastRead;
    private int lastReadStart;

    /** Takes over a full ring of {@link #CHUNK} tasks whose first task is at {@code head}. */
    ReadyChunks(TaskImpl<?>[] ring, int head) {
        chunks[0] = new Chunk(ring, head, CHUNK);
        chunks[0].manyObjects = true; // not known: noted at its first scan
        count = 1;
        size = CHUNK;
    }

    int size() {
        return size;
    }

    /** @return whether one chunk is left, which the ready queue takes back as its ring */
    boolean oneChunkLeft() {
        return count == 1;
    }

    /** @return the ring of the one chunk left, and (through {@link #onlyHead}) where it starts */
    TaskImpl<?>[] onlyRing() {
        return chunks[first].tasks;
    }

    int onlyHead() {
        return chunks[first].head;
    }

    /**
     * @return the {@code i}-th task; a walk over the queue in either direction (the priority
     *     policy's narrowing, a search for a task from the tail) finds each next one in the chunk it
     *     read last
     */
    TaskImpl<?> get(int i) {
        Chunk c = lastRead;
        int k = i - lastReadStart;
        if (c == null || k < 0 || k >= c.size) {
            int p = chunkOf(i);
            c = lastRead = chunks[p];
            lastReadStart = i - offsetIn(p, i);
            k = i - lastReadStart;
        }
        return c.get(k);
    }

    void addLast(TaskImpl<?> t) {
        lastRead = null;
        Chunk last = chunks[first + count - 1];
        if (last.size == CHUNK) {
            last = appendChunk();
        }
        last.addLast(t);
        size++;
    }

    /** Takes out the {@code i}-th task; the chunks between it and the nearer end each pass one task on. */
    TaskImpl<?> removeAt(int i) {
        lastRead = null;
        int c = chunkOf(i);
        TaskImpl<?> t = chunks[c].removeAt(offsetIn(c, i));
        if (i < size - 1 - i) {
            for (int p = c - 1; p >= first; p--) {
                chunks[p + 1].addFirst(chunks[p].removeLast());
            }
        } else {
            int last = first + count - 1;
            for (int p = c + 1; p <= last; p++) {
                chunks[p - 1].addLast(chunks[p].removeFirst());
            }
        }
        size--;
        dropEmptyEnds();
        return t;
    }

    /** Puts {@code t} at index {@code i} (0..size); a full chunk passes its last task on towards the tail. */
    void insertAt(int i, TaskImpl<?> t) {
        lastRead = null;
        if (i == size) {
            addLast(t);
            return;
        }
        int c = chunkOf(i);
        int k = offsetIn(c, i);
        TaskImpl<?> carry = t;
        for (int p = c; ; p++) {
            Chunk chunk = chunks[p];
            if (chunk.size < CHUNK) {
                chunk.insertAt(k, carry);
                break;
            }
            TaskImpl<?> out = chunk.removeLast();
            chunk.insertAt(k, carry);
            carry = out;
            k = 0;
            if (p == first + count - 1) {
                appendChunk().addLast(carry);
                break;
            }
        }
        size++;
    }

    /**
     * @return the index of the first task that no later one beats by {@code r}: the best of the
     *     chunks' own, so a pick looks at one task per chunk and scans only the chunks whose best is
     *     not known (in index order, so the tasks that need preparing are prepared in index order)
     */
    int best(ReadyQueue.Ranking r) {
        if (ranking != r) {
            ranking = r;
            for (int p = first; p < first + count; p++) {
                chunks[p].best = null;
            }
        }
        int bestChunk = first;
        TaskImpl<?> best = chunks[first].findBest();
        for (int p = first + 1; p < first + count; p++) {
            TaskImpl<?> b = chunks[p].findBest();
            if (r.beats(b, best)) {
                best = b;
                bestChunk = p;
            }
        }
        int start = bestChunk == first ? 0 : chunks[first].size + (bestChunk - first - 1) * CHUNK;
        return start + chunks[bestChunk].offsetOf(best);
    }

    /** The rank of the {@code i}-th task changed where it stands: its chunk's best must be found again. */
    void rankChanged(int i) {
        chunks[chunkOf(i)].best = null;
    }

    /**
     * Shows {@code visitor}, in index order, every task whose last object is one of {@code
     * objects[0..n)}; a chunk whose noted objects are none of them is passed over, and a chunk
     * scanned notes its objects afresh.
     */
    void visitTasksAt(Object[] objects, int n, ReadyQueue.Visitor visitor) {
        int i = 0;
        for (int p = first; p < first + count; p++) {
            Chunk c = chunks[p];
            if (c.mayHaveObject(objects, n)) {
                c.objectCount = 0;
                c.manyObjects = false;
                for (int k = 0; k < c.size; k++) {
                    TaskImpl<?> t = c.get(k);
                    c.noteObject(t);
                    if (ReadyQueue.isOneOf(t.lastObject, objects, n)) {
                        visitor.visit(t, i + k);
                    }
                }
            }
            i += c.size;
        }
    }

    /** Copies every task, in order, into {@code into} (long enough) from index 0. */
    void copyTo(TaskImpl<?>[] into) {
        int i = 0;
        for (int p = first; p < first + count; p++) {
            Chunk c = chunks[p];
            int fromHead = Math.min(c.size, CHUNK - c.head);
            System.arraycopy(c.tasks, c.head, into, i, fromHead);
            System.arraycopy(c.tasks, 0, into, i + fromHead, c.size - fromHead);
            i += c.size;
        }
    }

    /** Empties every chunk, so that no task stays reachable. */
    void clear() {
        lastRead = null;
        for (int p = first; p < first + count; p++) {
            java.util.Arrays.fill(chunks[p].tasks, null);
            chunks[p] = null;
        }
        first = count = size = 0;
    }

    private int chunkOf(int i) {
        int size0 = chunks[first].size;
        return i < size0 ? first : first + 1 + (i - size0) / CHUNK;
    }

    private int offsetIn(int c, int i) {
        int size0 = chunks[first].size;
        return c == first ? i : (i - size0) & MASK;
    }

    private Chunk appendChunk() {
        if (first + count == chunks.length) {
            if (first > 0) {
                System.arraycopy(chunks, first, chunks, 0, count);
                java.util.Arrays.fill(chunks, count, first + count, null);
                first = 0;
            } else {
                chunks = java.util.Arrays.copyOf(chunks, chunks.length * 2);
            }
        }
        Chunk c = new Chunk(new TaskImpl<?>[CHUNK], 0, 0);
        chunks[first + count++] = c;
        return c;
    }

    private void dropEmptyEnds() {
        if (count > 1 && chunks[first].size == 0) {
            chunks[first++] = null;
            count--;
        }
        if (count > 1 && chunks[first + count - 1].size == 0) {
            chunks[first + --count] = null;
        }
    }
}
