package dev.simloop.internal;

import dev.simloop.LeakDetected;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The leak check of one run: resources (locks) a task finished holding, and tasks still alive when
 * a run ended normally (which should never happen). A run that otherwise succeeded fails with
 * {@link LeakDetected}; a failed run keeps its failure and gets the leak as a suppressed exception.
 */
final class LeakCheck {
    /** One leak found: its line, and whether it still holds at the run's end (null: it always does). */
    private record Leak(String line, BooleanSupplier stillLeaked) {
    }

    /** One per resource a task finished holding, in the order found; null while none (the usual case). */
    private List<Leak> leaks;

    /**
     * Records a leak, described by {@code what}, found at {@code when}. Rare, so it may build the message now.
     *
     * @param stillLeaked asked at the run's end, for a leak that a task may still put right before
     *     then; null when nothing can
     */
    void leaked(String what, String when, BooleanSupplier stillLeaked) {
        if (leaks == null) {
            leaks = new ArrayList<>(2);
        }
        leaks.add(new Leak(what + " (" + when + ")", stillLeaked));
    }

    /**
     * @param failure the run's failure, or null
     * @param aliveHead the first task still alive at the end, or null; only looked at when the run
     *     was not aborted (an aborted run's tasks are unwound, not leaked)
     * @param aborted whether the run was aborted
     * @param loop the run, for the step and virtual time in the messages (built only when there is a leak)
     * @return the run's failure with the leaks found
     */
    Throwable apply(Throwable failure, TaskImpl<?> aliveHead, boolean aborted, Scheduler loop) {
        if (leaks == null && (aliveHead == null || aborted)) {
            return failure; // the common case, without allocating
        }
        List<String> found = new ArrayList<>();
        if (leaks != null) {
            for (Leak l : leaks) {
                if (l.stillLeaked() == null || l.stillLeaked().getAsBoolean()) {
                    found.add(l.line());
                }
            }
        }
        if (!aborted) {
            String when = loop.when();
            for (TaskImpl<?> t = aliveHead; t != null; t = t.liveNext) {
                found.add(t.quoted() + " was still alive when the run ended (" + when + ")");
            }
        }
        if (found.isEmpty()) {
            return failure;
        }
        LeakDetected leak = new LeakDetected(found);
        if (failure == null) {
            return leak;
        }
        failure.addSuppressed(leak);
        return failure;
    }
}
