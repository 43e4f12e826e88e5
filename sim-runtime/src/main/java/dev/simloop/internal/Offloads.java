package dev.simloop.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The platform threads that run {@code Loop.toThread} work: daemon, created on demand, reaped when idle. */
final class Offloads {
    private static final AtomicInteger COUNT = new AtomicInteger();

    static final ExecutorService POOL = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "simloop-offload-" + COUNT.incrementAndGet());
                t.setDaemon(true);
                return t;
            });

    private static final AtomicInteger CARRIERS = new AtomicInteger();

    /**
     * Carrier threads for virtual threads that inherited a task as their scheduler (see
     * {@link TaskImpl#execute}): they run off the loop, as they would on the JDK's default scheduler.
     */
    static final ExecutorService FOREIGN_CARRIERS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "simloop-foreign-carrier-" + CARRIERS.incrementAndGet());
                t.setDaemon(true);
                return t;
            });

    private Offloads() {
    }
}
