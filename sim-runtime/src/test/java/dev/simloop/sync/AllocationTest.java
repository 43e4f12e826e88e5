package dev.simloop.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** Issue 3: acquire/release of an uncontended lock does not allocate on the hot path. */
class AllocationTest {
    private static final com.sun.management.ThreadMXBean MX =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /**
     * The run's driver thread, the carrier of the task that measures: a task runs mounted on it, so its
     * allocations are counted there. Only this run's: another test's run may still end on another
     * driver as this one measures (unwinding a runaway task), and summing every driver's counted that
     * run's allocations too.
     */
    private static long[] driverIds;

    /** @return the carrier thread of the calling virtual thread ({@code Thread.currentCarrierThread}, package-private) */
    private static Thread carrier() {
        try {
            return (Thread) java.lang.invoke.MethodHandles.privateLookupIn(Thread.class, java.lang.invoke.MethodHandles.lookup())
                    .findStatic(Thread.class, "currentCarrierThread", java.lang.invoke.MethodType.methodType(Thread.class))
                    .invoke();
        } catch (Throwable e) {
            throw new AssertionError("needs --add-opens java.base/java.lang=ALL-UNNAMED, as the build gives", e);
        }
    }

    /**
     * Bytes allocated so far by the run's driver thread. A task is a virtual thread, for which
     * getCurrentThreadAllocatedBytes() answers -1; its allocations land in its carrier, the driver.
     */
    private static long allocated() {
        long sum = 0;
        for (long b : MX.getThreadAllocatedBytes(driverIds)) {
            sum += Math.max(0, b);
        }
        return sum;
    }

    @Test
    void uncontendedAcquireAndReleaseDoNotAllocate() {
        long[] bytes = Sims.fifo(() -> {
            Lock lock = new Lock();
            RLock rlock = new RLock();
            PriorityLock plock = new PriorityLock();
            Semaphore sem = new Semaphore(1);
            long[] out = new long[6];
            driverIds = new long[] {carrier().threadId()};
            for (int round = 0; round < 2; round++) { // round 0 warms up (JIT, first-use allocations)
                long t0 = allocated();
                for (int i = 0; i < 10_000; i++) {
                    lock.acquire();
                    lock.release();
                }
                long t1 = allocated();
                for (int i = 0; i < 10_000; i++) {
                    try (var _ = lock.hold()) {
                        rlock.acquire();
                        rlock.acquire();
                        rlock.release();
                        rlock.release();
                    }
                }
                long t2 = allocated();
                for (int i = 0; i < 10_000; i++) {
                    try (var _ = plock.hold()) {
                        sem.acquire();
                        sem.release();
                    }
                }
                long t3 = allocated();
                for (int i = 0; i < 10_000; i++) {
                    if (lock.tryAcquire()) {
                        lock.release();
                    }
                    if (sem.tryAcquire()) {
                        sem.release();
                    }
                }
                long t4 = allocated();
                for (int i = 0; i < 10_000; i++) {
                    dev.simloop.Loop.checkpoint();
                }
                long t5 = allocated();
                out[0] = t1 - t0;
                out[1] = t2 - t1;
                out[2] = t3 - t2;
                out[3] = t4 - t3;
                out[4] = t5 - t4;
                out[5] = t0;
            }
            return out;
        });
        System.out.println("allocated bytes per 10,000 iterations: acquire+release " + bytes[0] + ", hold+RLock "
                + bytes[1] + ", PriorityLock hold+Semaphore " + bytes[2] + ", tryAcquire+release " + bytes[3]
                + ", bare checkpoints " + bytes[4] + " (counter " + bytes[5] + ")");
        assertThat(bytes[5]).as("allocation counter of the driver thread").isPositive();
        // 10,000 iterations: anything per-call would be >= 160,000 bytes; allow TLAB-refill noise
        assertThat(bytes[0]).as("Lock acquire+release").isLessThan(2_000);
        assertThat(bytes[1]).as("Lock.hold + RLock re-entry").isLessThan(2_000);
        assertThat(bytes[2]).as("PriorityLock.hold + Semaphore").isLessThan(2_000);
        assertThat(bytes[3]).as("tryAcquire + release").isLessThan(2_000);
    }

    /**
     * Whether the JVM runs ZGC or Shenandoah: under them the JDK's own freeze of a virtual thread
     * allocates a new stack chunk at every switch (about 330 bytes; measured on JDK 25 with two bare
     * virtual threads yielding on one carrier: 20,000 yields took 6.4-6.7 MB, against 0.48 MB under
     * G1), which would hide what this test looks for, simloop's own allocations per step.
     */
    private static boolean collectorAllocatesPerSwitch() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .anyMatch(gc -> gc.getName().startsWith("ZGC") || gc.getName().startsWith("Shenandoah"));
    }

    @Test
    void schedulingStepsUnderThePriorityPolicyDoNotAllocate() {
        assumeFalse(collectorAllocatesPerSwitch(),
                "ZGC and Shenandoah allocate a stack chunk at each virtual-thread switch; run this test under G1,"
                        + " Parallel or Serial GC to measure simloop's own allocations");
        long bytes = dev.simloop.Simulation.builder().strategy(dev.simloop.Strategy.random())
                .priorityPolicy(dev.simloop.PriorityPolicy.boostAfter(7)).run(() -> {
                    PriorityLock lock = new PriorityLock();
                    long[] out = new long[1];
                    dev.simloop.TaskGroup.with(tg -> {
                        for (int k = 0; k < 3; k++) {
                            int p = k;
                            tg.spawn(() -> {
                                dev.simloop.Loop.currentTask().setPriority(p);
                                for (int i = 0; i < 30_000; i++) {
                                    dev.simloop.Loop.checkpoint();
                                }
                            });
                        }
                        driverIds = new long[] {carrier().threadId()};
                        for (int round = 0; round < 2; round++) {
                            long t0 = allocated();
                            for (int i = 0; i < 10_000; i++) {
                                try (var _ = lock.hold()) { // the holder's effective priority is computed each step
                                    dev.simloop.Loop.checkpoint();
                                }
                            }
                            out[0] = allocated() - t0;
                        }
                        return null;
                    });
                    return out[0];
                }).value();
        System.out.println("allocated bytes for 10,000 policy-scheduled rounds of 4 tasks: " + bytes);
        assertThat(bytes).isLessThan(20_000);
    }
}
