package dev.simloop.internal;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The loops' driver threads. A mounted task runs on its driver's stack, so drivers are platform
 * threads with a large stack (deeply nested scopes need it); they are pooled so that running many
 * short simulations does not create a thread each time.
 *
 * <p>A caller waits for its driver's work in {@link #call}. Normally the work's end releases it;
 * when a task of a simulation runs away (no checkpoint for {@code maxStepWallTime}), the
 * {@link Watchdog} releases it instead ({@link Call#rescue}), since a thread cannot be stopped: the
 * caller gets the failure, and the driver goes on until the task reaches a checkpoint.
 */
public final class Drivers {
    /** Stack size of a driver thread; tasks run mounted on it. */
    static final long STACK_BYTES = 256L * 1024 * 1024;
    private static final AtomicInteger COUNT = new AtomicInteger();

    private static final ExecutorService POOL = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new DriverThread(r, "simloop-driver-" + COUNT.incrementAndGet());
                t.setDaemon(true);
                return t;
            });

    private Drivers() {
    }

    /** A pooled driver thread; knows the call it runs, for the watchdog. */
    static final class DriverThread extends Thread {
        /** The outermost {@link #call} running on this thread, or null between calls. */
        Call<?> call;

        DriverThread(Runnable r, String name) {
            super(null, r, name, STACK_BYTES, false);
        }
    }

    /** One caller's wait for work on a driver: completed by the work, or rescued by the watchdog. */
    static final class Call<T> {
        final CompletableFuture<T> result = new CompletableFuture<>();

        /** Releases the waiting caller with {@code failure}; the driver's own result is then dropped. */
        void rescue(RuntimeException failure) {
            result.completeExceptionally(failure);
        }
    }

    /** @return whether the calling thread is a driver thread (then loops may run inline on it) */
    public static boolean onDriverThread() {
        return Thread.currentThread() instanceof DriverThread;
    }

    /** @return the outermost call running on the calling driver thread, or null */
    static Call<?> currentCall() {
        return Thread.currentThread() instanceof DriverThread d ? d.call : null;
    }

    /**
     * Runs {@code work} on a driver thread and returns its result. If the caller is interrupted
     * while waiting, {@code onInterrupt} is told (to stop the loop) and the wait goes on until the
     * loop has ended, so no task outlives the call, unless the watchdog rescues the caller from a
     * runaway task (see the class comment).
     *
     * @param work the work
     * @param onInterrupt told when the caller is interrupted
     * @param <T> the result type
     * @return the work's result
     */
    public static <T> T call(Callable<T> work, Consumer<Thread> onInterrupt) {
        if (onDriverThread()) {
            try {
                return work.call();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return await(start(work), onInterrupt);
    }

    /**
     * Runs several works at once, each on its own driver thread, and returns their results in
     * order: a parallel exploration's workers. A work that fails, or whose caller the watchdog
     * rescues from a runaway task, is reported to {@code onFailure} (with the work's index) at once (from the thread that
     * sees it), so the caller can stop the others, which the wait goes on for; then the first
     * failure, in the works' order, is thrown.
     *
     * @param works the works
     * @param onInterrupt told when the caller is interrupted (each time it is, while waiting)
     * @param onFailure told of each work's failure when it happens
     * @param <T> the result type
     * @return the works' results, in order
     */
    public static <T> java.util.List<T> callAll(java.util.List<? extends Callable<T>> works,
            Consumer<Thread> onInterrupt, java.util.function.ObjIntConsumer<Throwable> onFailure) {
        java.util.List<Call<T>> calls = new java.util.ArrayList<>(works.size());
        for (Callable<T> work : works) {
            Call<T> call = start(work);
            int index = calls.size();
            call.result.whenComplete((value, failure) -> {
                if (failure != null) {
                    onFailure.accept(failure, index);
                }
            });
            calls.add(call);
        }
        java.util.List<T> results = new java.util.ArrayList<>(calls.size());
        RuntimeException firstFailure = null;
        for (Call<T> call : calls) {
            try {
                results.add(await(call, onInterrupt));
            } catch (RuntimeException e) {
                firstFailure = firstFailure == null ? e : firstFailure;
            }
        }
        if (firstFailure != null) {
            throw firstFailure;
        }
        return results;
    }

    /** Starts {@code work} on a pooled driver thread. */
    private static <T> Call<T> start(Callable<T> work) {
        Call<T> call = new Call<>();
        POOL.execute(() -> {
            DriverThread self = (DriverThread) Thread.currentThread();
            self.call = call;
            try {
                call.result.complete(work.call());
            } catch (Throwable e) {
                call.result.completeExceptionally(e);
            } finally {
                self.call = null;
            }
        });
        return call;
    }

    private static <T> T await(Call<T> call, Consumer<Thread> onInterrupt) {
        boolean interrupted = false;
        try {
            for (;;) {
                try {
                    return call.result.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                    onInterrupt.accept(Thread.currentThread());
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof RuntimeException r) {
                        throw r;
                    }
                    if (c instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(c);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
