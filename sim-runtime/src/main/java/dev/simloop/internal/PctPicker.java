package dev.simloop.internal;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Probabilistic Concurrency Testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010).
 * Every task gets a random priority when it is spawned, all above {@code depth}; the most urgent
 * (highest) ready task runs. At {@code depth - 1} change points, drawn uniformly among the first
 * {@code expectedChoices} choice points, the task that would run drops to priority
 * {@code depth - 1 - i}, below every initial priority. A bug of depth {@code d} among {@code n}
 * tasks in {@code k} steps is then found with probability at least {@code 1/(n·k^(d-1))} per run.
 *
 * <p>Change points count choice points (steps with more than one ready task), the only places
 * where the order can differ.
 *
 * <p>A task that calls {@code Loop.spinWait()} drops below every priority given so far, as the
 * PCT paper does on a yield: it waits for another task, and as the most urgent one it would be
 * chosen again and again and spin until the step limit ends the run. Each spin-wait lowers its
 * task below the previous one, so several spinners take turns. A spinner waits as if blocked until
 * the state it polls may have changed: once a step ends other than in a spin-wait, every spinner
 * gets its priority back. Else a spinner could never run between two steps of a task it waits for
 * (see the producer's intermediate value), a race of depth 2 that PCT would never find. A program
 * that never spin-waits gets exactly the schedules it got before.
 */
public final class PctPicker implements Picker {
    /** PCT's order: the higher priority runs, ties to the task spawned first (ids are unique, so one task is the most urgent). */
    private static final ReadyQueue.Ranking URGENCY = new ReadyQueue.Ranking() {
        @Override
        public boolean unprepared(TaskImpl<?> t) {
            return false; // a priority is given at spawn
        }

        @Override
        public void prepare(TaskImpl<?> t) {
        }

        @Override
        public boolean beats(TaskImpl<?> a, TaskImpl<?> b) {
            return a.strategyPriority > b.strategyPriority
                    || (a.strategyPriority == b.strategyPriority && a.id < b.id);
        }
    };

    private final SplittableRandom rng;
    private final int depth;
    /** Sorted choice indexes at which the priority of the chosen task drops. */
    private final int[] changePoints;
    /** The priority the next spin-waiting task drops to: below every change-point priority, falling. */
    private long spinFloor;
    /** The tasks that spin-waited since a step last ended otherwise, and the priorities they had. */
    private final java.util.ArrayList<TaskImpl<?>> spinners = new java.util.ArrayList<>();
    private long[] spinnersPriorities = new long[4];
    /** Whether the last step ended in a spin-wait: the state the spinners poll is as it was. */
    private boolean lastStepSpun;

    /**
     * @param seed the run's seed
     * @param depth the bug depth searched for, at least 1
     * @param expectedChoices how many choice points the change points are spread over
     */
    public PctPicker(long seed, int depth, int expectedChoices) {
        this.rng = new SplittableRandom(seed);
        this.depth = depth;
        int k = Math.max(1, expectedChoices);
        changePoints = new int[depth - 1];
        for (int i = 0; i < changePoints.length; i++) {
            changePoints[i] = rng.nextInt(k);
        }
        Arrays.sort(changePoints);
    }

    @Override
    public void onSpawn(TaskImpl<?> t) {
        // Random initial priorities above every change-point priority; ties are broken by spawn order.
        t.strategyPriority = depth + (rng.nextLong() >>> 2);
    }

    @Override
    public int pick(ReadyQueue ready, int choiceIndex) {
        if (!lastStepSpun && !spinners.isEmpty()) {
            spinnersBack(ready);
        }
        lastStepSpun = false;
        int best = ready.best(URGENCY);
        for (int i = 0; i < changePoints.length; i++) {
            if (changePoints[i] == choiceIndex) {
                TaskImpl<?> chosen = ready.get(best);
                // min: a task that spin-waited sits lower still, and a change point never raises one
                chosen.strategyPriority = Math.min(chosen.strategyPriority, depth - 1 - i);
                int spinner = spinners.indexOf(chosen);
                if (spinner >= 0) { // the priority it gets back is the lowered one
                    spinnersPriorities[spinner] = Math.min(spinnersPriorities[spinner], depth - 1 - i);
                }
                ready.rankChanged(best);
                best = ready.best(URGENCY);
            }
        }
        return best;
    }

    @Override
    public void spinWaited(TaskImpl<?> t) {
        // a spinner not yet given its priority back sits at or below 0, where no other priority is
        // (change points give 1 and up, spawns depth and up): the list need not be searched
        if (t.strategyPriority > 0) {
            if (spinners.size() == spinnersPriorities.length) {
                spinnersPriorities = Arrays.copyOf(spinnersPriorities, spinners.size() * 2);
            }
            spinnersPriorities[spinners.size()] = t.strategyPriority;
            spinners.add(t);
        }
        t.strategyPriority = spinFloor--;
        lastStepSpun = true;
    }

    /** A step ended other than in a spin-wait, so what the spinners poll may have changed: their priorities come back. */
    private void spinnersBack(ReadyQueue ready) {
        for (int i = 0; i < spinners.size(); i++) {
            TaskImpl<?> t = spinners.get(i);
            t.strategyPriority = spinnersPriorities[i];
            int at = t.inReady ? ready.indexOf(t) : -1;
            if (at >= 0) {
                ready.rankChanged(at);
            }
        }
        spinners.clear();
    }

    /**
     * Tied timers carry no task priority (a deadline concerns a whole scope), so their order (and
     * whether ready tasks run between them) is drawn uniformly; such choices still count as choice
     * points for the change points.
     */
    @Override
    public int pickTimer(int options, int choiceIndex) {
        return rng.nextInt(options);
    }
}
