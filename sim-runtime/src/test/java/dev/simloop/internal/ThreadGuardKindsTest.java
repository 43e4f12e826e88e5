package dev.simloop.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The kind of thread a task created is told by the frames that created it; a library's frames
 * differ by version, so each version's must tell it (a simulated test runs with the user's JUnit,
 * not the one simloop builds with).
 */
class ThreadGuardKindsTest {
    private static final StackTraceElement USER = new StackTraceElement("com.example.OrdersTest", "ordersArrive",
            "OrdersTest.java", 42);

    private static StackTraceElement frame(String className, String method) {
        return new StackTraceElement(className, method, null, -1);
    }

    @Test
    void assertTimeoutPreemptivelysThreadIsToldByJUnit5sFramesAndJUnit6s() {
        StackTraceElement[] junit5 = {frame("java.lang.Thread", "<init>"),
            frame("org.junit.jupiter.api.AssertTimeoutPreemptively$TimeoutThreadFactory", "newThread"),
            frame("java.util.concurrent.ThreadPoolExecutor", "addWorker"),
            frame("org.junit.jupiter.api.AssertTimeoutPreemptively", "assertTimeoutPreemptively"), USER};
        StackTraceElement[] junit6 = {frame("java.lang.Thread", "<init>"),
            frame("org.junit.jupiter.api.timeout.PreemptiveTimeoutUtils$TimeoutThreadFactory", "newThread"),
            frame("java.util.concurrent.ThreadPoolExecutor", "addWorker"),
            frame("org.junit.jupiter.api.timeout.PreemptiveTimeoutUtils", "executeWithPreemptiveTimeout"),
            frame("org.junit.jupiter.api.Assertions", "assertTimeoutPreemptively"), USER};
        String junits = "the thread on which JUnit's assertTimeoutPreemptively runs the code it is given";
        assertThat(ThreadGuard.whatWasCreated(junit5)).isEqualTo(junits);
        assertThat(ThreadGuard.whatWasCreated(junit6)).isEqualTo(junits);
    }

    @Test
    void aPoolsWorkerAndAPlainThreadAreToldByTheJdksFrames() {
        StackTraceElement[] pool = {frame("java.lang.Thread", "<init>"),
            frame("java.util.concurrent.Executors$DefaultThreadFactory", "newThread"),
            frame("java.util.concurrent.ThreadPoolExecutor$Worker", "<init>"),
            frame("java.util.concurrent.ThreadPoolExecutor", "addWorker"), USER};
        assertThat(ThreadGuard.whatWasCreated(pool)).startsWith("a worker thread of a java.util.concurrent.ThreadPoolExecutor");
        assertThat(ThreadGuard.whatWasCreated(new StackTraceElement[] {frame("java.lang.Thread", "<init>"), USER}))
                .isEqualTo("a platform thread (new Thread, Thread.ofPlatform)");
    }

    @Test
    void awaitilitysPollingThreadIsToldByItsFramesAndPlacedAtTheUsersCall() {
        StackTraceElement[] awaitility = {frame("java.lang.Thread", "<init>"),
            frame("org.awaitility.core.ConditionFactory", "lambda$null$6"),
            frame("java.util.concurrent.ThreadPoolExecutor", "addWorker"),
            frame("org.awaitility.core.ConditionAwaiter", "await"),
            frame("org.awaitility.core.ConditionFactory", "until"), USER};
        assertThat(ThreadGuard.whatWasCreated(awaitility))
                .isEqualTo("the thread on which Awaitility evaluates the condition of an await() (its default)");
        assertThat(ThreadGuard.whereCreated(awaitility)).isEqualTo(USER.toString());
        assertThat(ThreadGuard.libraryNote(awaitility)).startsWith(" This wait is Awaitility's, between its polls of an"
                + " await()'s condition. Let the task poll the condition itself: await().pollInSameThread()");
        assertThat(ThreadGuard.libraryNote(new StackTraceElement[] {frame("java.lang.Thread", "sleep"), USER})).isEmpty();
    }

    /**
     * The failure places JUnit's thread where the test called assertTimeoutPreemptively, past JUnit's
     * own frames (which are not the JDK's, so they would read as the user's code), while the kind is
     * told by them.
     */
    @Test
    void assertTimeoutPreemptivelysThreadIsPlacedAtTheTestsCallNotInJUnit() {
        dev.simloop.SimResult<String> r = dev.simloop.Simulation.builder().run(() -> callsAssertTimeoutPreemptively());
        assertThat(r.failure()).isInstanceOf(dev.simloop.NondeterminismDetected.class)
                .hasMessageContaining("task 'main' created a thread the simulation does not own: the thread on which"
                        + " JUnit's assertTimeoutPreemptively runs the code it is given, at "
                        + ThreadGuardKindsTest.class.getName() + ".callsAssertTimeoutPreemptively(");
    }

    private static String callsAssertTimeoutPreemptively() {
        return org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(5), () -> "ran");
    }
}
