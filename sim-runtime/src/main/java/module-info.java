/**
 * simloop's runtime: the loop, tasks, task groups, cancel scopes, clocks, the simulator and its
 * strategies ({@code dev.simloop}), and the synchronization primitives ({@code dev.simloop.sync}).
 * The implementation, {@code dev.simloop.internal}, is exported only to the JUnit extension.
 *
 * <p>Tasks are virtual threads on a loop-owned executor, which the runtime reaches by reflection
 * into {@code java.lang}: on the module path run with
 * {@code --add-opens java.base/java.lang=dev.simloop.runtime} (on the class path,
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED}).
 */
@SuppressWarnings("module") // the JUnit extension, the target of a qualified export, is built after this module
module dev.simloop.runtime {
    // sun.misc.Signal (reached through method handles): SIGINT and SIGTERM cancel real-mode loops.
    requires jdk.unsupported;
    // The thread MXBean: which monitors the thread waiting for a run holds, for a report on a task
    // that waits to enter one (internal.LockOwners); optional, a report goes without it.
    requires static java.management;

    exports dev.simloop;
    exports dev.simloop.sync;
    // The JUnit extension explores a test's schedules on several threads with the runtime's own
    // engine (OrderedRuns); no one else sees the implementation.
    exports dev.simloop.internal to dev.simloop.junit;
}
