package dev.simloop.jqwik.internal;

import dev.simloop.TaskFailedException;
import dev.simloop.jqwik.Simulations;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.lifecycle.AroundTryHook;
import net.jqwik.api.lifecycle.Lifespan;
import net.jqwik.api.lifecycle.Store;
import net.jqwik.api.lifecycle.TryExecutionResult;
import net.jqwik.api.lifecycle.TryExecutor;
import net.jqwik.api.lifecycle.TryLifecycleContext;

/**
 * Keeps jqwik's shrinking on the failure it found when that failure is a
 * {@code Simulations.ScheduleFailure}. jqwik takes a smaller sample only if it fails the same way as
 * the first failing one: the same exception class, thrown from the same line of the property. Every
 * failing {@code Simulations.check} throws a {@code ScheduleFailure} from its own line, whatever the
 * run failed with, so without this a property whose program fails in two ways (several lost
 * updates, an assertion; and exactly one, an {@code IllegalStateException}) was shrunk from one
 * failure into the other, and reported a shrunk sample with another bug than its original one.
 *
 * <p>How: around every try, outside the other hooks (so that the result is the one jqwik sees), this
 * hook keeps the property's first failure, which is the failure jqwik shrinks from (its original
 * sample's). A later try that fails with a {@code ScheduleFailure} whose run failed with another
 * class than the first one's run (for a checked exception wrapped in {@code TaskFailedException},
 * the class the program threw) is reported to jqwik as invalid, as jqwik's own shrinker treats a
 * sample that fails another way. Registered for every jqwik run through {@code META-INF/services}
 * (and the module's {@code provides}); a try that passes costs nothing more.
 */
public final class ShrinkingKeepsTheFailure implements AroundTryHook, EngineWideHook {
    /** The key of the property's store of its first failure. */
    private static final String FIRST_FAILURE = ShrinkingKeepsTheFailure.class.getName() + ".firstFailure";

    /** Made by jqwik's service loader. */
    public ShrinkingKeepsTheFailure() {
    }

    /**
     * Outside {@link TryReplays} (-110): its reruns of a try, which replay a failure after the
     * property's tries, are no samples for jqwik and are not compared.
     */
    @Override
    public int aroundTryProximity() {
        return -120;
    }

    @Override
    public TryExecutionResult aroundTry(TryLifecycleContext context, TryExecutor aTry, List<Object> parameters) {
        TryExecutionResult result = aTry.execute(parameters);
        if (!result.isFalsified()) {
            return result;
        }
        // the store is the property's, also on the thread jqwik shrinks on
        AtomicReference<Optional<Throwable>> first = Store.<AtomicReference<Optional<Throwable>>>getOrCreate(
                FIRST_FAILURE, Lifespan.PROPERTY, AtomicReference::new).get();
        if (first.compareAndSet(null, result.throwable())) {
            return result; // the property's first failure: the one jqwik shrinks from
        }
        return sameWay(first.get(), result.throwable()) ? result : TryExecutionResult.invalid();
    }

    /**
     * @return whether a failure is the first one's for jqwik's shrinking: when both are a
     *     {@code ScheduleFailure}, whether their runs failed with the same class; otherwise jqwik
     *     tells (it compares the classes of the failures themselves)
     */
    private static boolean sameWay(Optional<Throwable> first, Optional<Throwable> later) {
        if (first.orElse(null) instanceof Simulations.ScheduleFailure a
                && later.orElse(null) instanceof Simulations.ScheduleFailure b) {
            return classes(a.getCause()).equals(classes(b.getCause()));
        }
        return true;
    }

    /** @return the class of a run's failure, followed by its cause's when it wraps a checked exception */
    private static List<Class<?>> classes(Throwable failure) {
        List<Class<?>> classes = new ArrayList<>();
        for (Throwable t = failure; t != null; t = t instanceof TaskFailedException ? t.getCause() : null) {
            classes.add(t.getClass());
        }
        return classes;
    }
}
