package dev.simloop.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * A body that suspends itself and is resumed by whoever drives it, on the driver's own thread: the
 * JDK's one-shot delimited continuation ({@code jdk.internal.vm.Continuation}, the mechanism under
 * virtual threads), nested inside the calling thread's own. This is what {@code Monitor} and
 * {@code Generator} are made of.
 *
 * <p>Why a nested continuation and not a thread of its own: resuming the body is a plain call, so
 * no other task can run in between and it costs one continuation switch each way; the body runs
 * on the calling task's thread, so it is that task to simloop (its checkpoints, waits, thread
 * locals, stack traces) — a wait inside the body parks the whole task, body and driver, and the
 * loop resumes both; and it works on any thread, so outside a loop too.
 *
 * <p>The package {@code jdk.internal.vm} is exported to the runtime at start-up through
 * {@code java.lang.Module}, which the one JVM flag simloop needs ({@code --add-opens java.base/java.lang})
 * makes reachable. Each coroutine has its own scope, so a body that drives another coroutine can
 * still suspend itself from inside it.
 */
public final class Coroutine {
    private static final MethodHandle NEW_SCOPE;
    private static final MethodHandle NEW;
    private static final MethodHandle RUN;
    private static final MethodHandle YIELD;
    private static final MethodHandle IS_DONE;
    private static final RuntimeException UNAVAILABLE;

    static {
        MethodHandle newScope = null;
        MethodHandle make = null;
        MethodHandle run = null;
        MethodHandle yield = null;
        MethodHandle isDone = null;
        RuntimeException problem = null;
        try {
            JdkExports.toRuntime("jdk.internal.vm");
            Class<?> scope = Class.forName("jdk.internal.vm.ContinuationScope");
            Class<?> cont = Class.forName("jdk.internal.vm.Continuation");
            MethodHandles.Lookup l = MethodHandles.lookup();
            newScope = l.findConstructor(scope, MethodType.methodType(void.class, String.class))
                    .asType(MethodType.methodType(Object.class, String.class));
            make = l.findConstructor(cont, MethodType.methodType(void.class, scope, Runnable.class))
                    .asType(MethodType.methodType(Object.class, Object.class, Runnable.class));
            run = l.findVirtual(cont, "run", MethodType.methodType(void.class))
                    .asType(MethodType.methodType(void.class, Object.class));
            yield = l.findStatic(cont, "yield", MethodType.methodType(boolean.class, scope))
                    .asType(MethodType.methodType(boolean.class, Object.class));
            isDone = l.findVirtual(cont, "isDone", MethodType.methodType(boolean.class))
                    .asType(MethodType.methodType(boolean.class, Object.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            problem = new IllegalStateException("Monitor and Generator need the JDK's continuations, which simloop "
                    + "reaches through java.lang: run the JVM with " + VirtualThreads.FLAG + " (" + e + ")", e);
        }
        NEW_SCOPE = newScope;
        NEW = make;
        RUN = run;
        YIELD = yield;
        IS_DONE = isDone;
        UNAVAILABLE = problem;
    }

    private final Object scope;
    private final Object continuation;

    /**
     * @param name names the scope (seen in JDK diagnostics)
     * @param body what runs at the first {@link #resume()}; it must not throw
     */
    public Coroutine(String name, Runnable body) {
        if (UNAVAILABLE != null) {
            throw UNAVAILABLE;
        }
        try {
            this.scope = NEW_SCOPE.invokeExact(name);
            this.continuation = NEW.invokeExact(scope, body);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** Runs the body until it {@link #suspend(String) suspend}s or ends. Must not be called from inside the body itself. */
    public void resume() {
        try {
            RUN.invokeExact(continuation);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /**
     * Suspends the body of this coroutine (called from inside it, maybe from a coroutine it drives):
     * {@link #resume()} returns to its caller.
     *
     * @param call the API call, for the message when the JDK cannot suspend here
     */
    public void suspend(String call) {
        boolean yielded;
        try {
            yielded = (boolean) YIELD.invokeExact(scope);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(call + ": the body cannot be suspended here (" + e.getMessage()
                    + "): it is inside a native frame or a critical section; call it outside that", e);
        } catch (Throwable e) {
            throw rethrow(e);
        }
        if (!yielded) {
            throw new IllegalStateException(call + ": the body could not be suspended (the JDK reports it pinned)");
        }
    }

    /** @return whether the body has ended */
    public boolean isDone() {
        try {
            return (boolean) IS_DONE.invokeExact(continuation);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    private static RuntimeException rethrow(Throwable e) {
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        throw new IllegalStateException(e);
    }
}
