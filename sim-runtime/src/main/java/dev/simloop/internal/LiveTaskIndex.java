package dev.simloop.internal;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The unfinished tasks of a run, indexed in one walk while a deadlock report is built (see
 * {@link WaitTarget#addWaitedFor}): each task's place in spawn order, and each task group's
 * unfinished children, which the group's owner waits for. One walk for the whole report, so a run
 * that ends with ten thousand nested groups, each owner waiting for its own, costs one walk and not
 * one per owner (10⁸ visits).
 */
public final class LiveTaskIndex {
    private final List<TaskImpl<?>> tasks = new ArrayList<>();
    private final Map<TaskImpl<?>, Integer> index = new IdentityHashMap<>();
    private final Map<GroupImpl, List<TaskImpl<?>>> children = new IdentityHashMap<>();
    /** Each unfinished task by its thread, for the holders of JDK locks ({@link #ofThread}); null until asked. */
    private Map<Thread, TaskImpl<?>> byThread;

    /** @param liveHead the first live task of the run (then {@code liveNext}, in spawn order) */
    LiveTaskIndex(TaskImpl<?> liveHead) {
        for (TaskImpl<?> t = liveHead; t != null; t = t.liveNext) {
            index.put(t, tasks.size());
            tasks.add(t);
            if (t.group != null) {
                children.computeIfAbsent(t.group, g -> new ArrayList<>()).add(t);
            }
        }
    }

    /** @return how many tasks are unfinished */
    int size() {
        return tasks.size();
    }

    /** @return the {@code i}-th unfinished task in spawn order */
    TaskImpl<?> task(int i) {
        return tasks.get(i);
    }

    /** @return {@code t}'s place in spawn order among the unfinished tasks, or -1 when it has finished */
    int indexOf(TaskImpl<?> t) {
        Integer i = index.get(t);
        return i == null ? -1 : i;
    }

    /**
     * @return the unfinished task whose thread is {@code thread}, or null (a thread of no task, or
     *     of a finished one); the map behind it is made at the first call
     */
    TaskImpl<?> ofThread(Thread thread) {
        if (byThread == null) {
            byThread = new IdentityHashMap<>();
            for (TaskImpl<?> t : tasks) {
                byThread.put(t.thread, t);
            }
        }
        return byThread.get(thread);
    }

    /** @return the unfinished children of {@code g}, in spawn order */
    public List<TaskImpl<?>> childrenOf(GroupImpl g) {
        return children.getOrDefault(g, List.of());
    }
}
