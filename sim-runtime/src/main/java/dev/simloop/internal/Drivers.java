package dev.simloop.internal;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The loops' driver threads. A mounted task runs on its driver's stack, so drivers are platform
 * threads with a large stack (deeply nested scopes need it); they are pooled so that running many
 * short simulations does not create a thread each time.
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

    /** A pooled driver thread. */
    static final class DriverThread extends Thread {
        DriverThread(Runnable r, String name) {
            super(null, r, name, STACK_BYTES);
        }
    }

    /** @return whether the calling thread is a driver thread (then loops may run inline on it) */
    public static boolean onDriverThread() {
        return Thread.currentThread() instanceof DriverThread;
    }

    /**
     * Runs {@code work} on a driver thread and returns its result. If the caller is interrupted
     * while waiting, {@code onInterrupt} is told (to stop the loop) and the wait goes on until the
     * loop has ended, so no task outlives the call.
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
        Future<T> f = POOL.submit(work);
        boolean interrupted = false;
        try {
            for (;;) {
                try {
                    return f.get();
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
