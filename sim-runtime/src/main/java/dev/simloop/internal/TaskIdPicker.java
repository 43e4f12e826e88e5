package dev.simloop.internal;

/**
 * Follows a schedule written as the tasks to run, by id, rather than as positions in the ready
 * queue: the k-th choice runs the task whose id is the k-th entry, wherever it stands among the
 * ready ones. Shrinking edits schedules in this form ({@code Shrinker} moves a task's steps earlier
 * to drop a preemption), because a task's id means the same task after an edit, where a position
 * in the ready queue soon means another. A choice whose task is not ready, every choice past the
 * end, and a timer choice where a task choice was written (or the reverse) are the fallback
 * picker's. A negative entry {@code -(i + 1)} is index {@code i} among tied timers.
 */
public final class TaskIdPicker extends WrappingPicker {
    private final int[] ids;

    /**
     * @param ids per choice, the id of the task to run, or {@code -(i + 1)} for tied timer {@code i}
     * @param fallback decides what the ids do not
     */
    public TaskIdPicker(int[] ids, Picker fallback) {
        super(fallback);
        this.ids = ids.clone();
    }

    @Override
    public int pick(ReadyQueue ready, int k) {
        return pick(ready, k, -1);
    }

    @Override
    public int pick(ReadyQueue ready, int k, int continuing) {
        if (k < ids.length && ids[k] >= 0) {
            for (int i = 0; i < ready.size(); i++) {
                if (ready.get(i).id == ids[k]) {
                    return i;
                }
            }
        }
        return inner.pick(ready, k, continuing);
    }

    @Override
    public int pickTimer(int options, int k) {
        if (k < ids.length && ids[k] < 0 && -ids[k] - 1 < options) {
            return -ids[k] - 1;
        }
        return inner.pickTimer(options, k);
    }
}
