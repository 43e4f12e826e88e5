package dev.simloop.internal;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After each test of this module (registered for every test class through
 * {@code META-INF/services} and {@code junit-platform.properties}' extension autodetection): no
 * driver thread may still run a simulation the test started. A run that returned to its caller while
 * its driver went on (a task that ran away and was left behind, an unwinding that never ends) takes a
 * core from every later test's runs and, in one case, added 7 MB to the allocations another test
 * measured. A test that lets a task run away waits for the task's thread to end; the driver then
 * finishes its call within moments, so this waits up to {@link #GRACE_MILLIS} for that, and fails
 * the test, naming the driver, the task it runs and where, when one is still busy.
 */
public final class DriversLeftIdle implements AfterEachCallback {
    /** How long a driver may take to finish its call after the test: far more than a let-go runaway needs. */
    static final long GRACE_MILLIS = 10_000;

    @Override
    public void afterEach(ExtensionContext context) {
        long deadline = System.nanoTime() + GRACE_MILLIS * 1_000_000;
        for (;;) {
            java.util.List<Drivers.DriverThread> busy = Drivers.ALL.stream()
                    .filter(d -> d != Thread.currentThread() && Drivers.busy(d)).toList();
            if (busy.isEmpty()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(busy.stream().map(DriversLeftIdle::describe).collect(
                        java.util.stream.Collectors.joining("; ", "a simulation of this test still runs on a driver "
                                + GRACE_MILLIS + " ms after the test ended (a run that returned while its driver went"
                                + " on, a runaway task not waited for): ", "")));
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    private static String describe(Drivers.DriverThread d) {
        StringBuilder s = new StringBuilder(d.getName());
        Scheduler loop = d.loop;
        TaskImpl<?> task = loop == null ? null : loop.runningTask();
        StackTraceElement[] at = task == null ? new StackTraceElement[0] : task.thread.getStackTrace();
        if (task != null) {
            s.append(", running ").append(task.quoted());
            if (loop.isKilling()) {
                s.append(" of an aborted run, which it has not let unwind");
            }
        }
        if (at.length == 0) {
            at = d.getStackTrace(); // no task, or the JDK could not take its stack as it ran: the driver's
        }
        s.append(", at:");
        for (StackTraceElement e : at) {
            s.append("\n\tat ").append(e);
        }
        return s.toString();
    }
}
