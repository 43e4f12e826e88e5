package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A runtime call from a thread that is no task says what that thread is: a JUnit lifecycle method,
 * a worker of the common pool or of another fork-join pool, a JDK thread, a named or unnamed virtual
 * thread (with the hint to spawn tasks instead), or a plain named thread.
 */
class NotInATaskMessagesTest {
    private static final String NOT_A_TASK = "Loop.sleep must be called from a simloop task, but the calling thread, ";
    private static final String RUN_IT_INSIDE = ", is not a task of any loop. Run the code inside Loop.run(...) or "
            + "Simulation.run(...), or in a task they spawn.";
    private static final String VIRTUAL_HINT = " Threads a task starts itself (Thread.ofVirtual, executors, "
            + "StructuredTaskScope forks) are not tasks: create them with Loop.threadFactory(), pass Loop.executor() "
            + "to code that takes an executor, or spawn tasks with TaskGroup.spawn.";

    private static final String OUTSIDE_HINT = " To reach a real loop from a thread of its own (a callback, a client"
            + " library's thread), wake one of its tasks: complete a CompletableFuture, or count down a"
            + " CountDownLatch, that the task waits on.";

    private String fromBeforeEach;

    /** The message of the exception a Loop call outside any task throws. */
    private static String message() {
        try {
            Loop.sleep(Duration.ZERO);
            return "no exception";
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    private static String onThread(Thread.Builder builder) throws InterruptedException {
        AtomicReference<String> m = new AtomicReference<>();
        Thread t = builder.start(() -> m.set(message()));
        t.join();
        return m.get();
    }

    @BeforeEach
    void callFromALifecycleMethod() {
        fromBeforeEach = message();
    }

    @Test
    void aLifecycleMethodIsNamedAndToldThatItRunsOutsideTheRun() {
        assertThat(fromBeforeEach).startsWith("Loop.sleep must be called from a simloop task, but it was called from "
                + "@BeforeEach method NotInATaskMessagesTest.callFromALifecycleMethod, which JUnit runs outside the "
                + "simulated run (on thread '")
                .endsWith("Only the test method runs as the simulation's root task under @SimulatedLoop: move the call "
                        + "into the test method, or into a task it spawns.");
    }

    @Test
    void aCallFromAJUnitTestMethodIsToldToAnnotateItWithSimulatedLoop() {
        assertThat(message()).contains(RUN_IT_INSIDE + " From the @Test method"
                + " NotInATaskMessagesTest.aCallFromAJUnitTestMethodIsToldToAnnotateItWithSimulatedLoop, which runs on no"
                + " loop: annotate it with @SimulatedLoop (dev.simloop:simloop-junit), which runs it as a simulation's"
                + " root task.").endsWith(OUTSIDE_HINT);
    }

    @Test
    void aPlainThreadIsNamedWithoutTheVirtualThreadHint() throws Exception {
        assertThat(onThread(Thread.ofPlatform().name("worker-7"))).isEqualTo(NOT_A_TASK + "thread 'worker-7'" + RUN_IT_INSIDE + OUTSIDE_HINT);
    }

    @Test
    void theJdksOwnThreadsAreSaidToBeTheJdks() throws Exception {
        assertThat(onThread(Thread.ofPlatform().name("Read-Poller")))
                .isEqualTo(NOT_A_TASK + "the JDK's own thread 'Read-Poller'" + RUN_IT_INSIDE + OUTSIDE_HINT);
        assertThat(onThread(Thread.ofPlatform().name("SubPoller-3")))
                .isEqualTo(NOT_A_TASK + "the JDK's own thread 'SubPoller-3'" + RUN_IT_INSIDE + OUTSIDE_HINT);
        assertThat(onThread(Thread.ofPlatform().name("VirtualThread-unparker")))
                .isEqualTo(NOT_A_TASK + "the JDK's own thread 'VirtualThread-unparker'" + RUN_IT_INSIDE + OUTSIDE_HINT);
    }

    @Test
    void virtualThreadsAreSaidToBeNoTasksWithTheHintToSpawnTasks() throws Exception {
        assertThat(onThread(Thread.ofVirtual().name("vt-x"))).isEqualTo(NOT_A_TASK
                + "a virtual thread that is not a simloop task (thread 'vt-x')" + RUN_IT_INSIDE + VIRTUAL_HINT + OUTSIDE_HINT);
        assertThat(onThread(Thread.ofVirtual())).startsWith(NOT_A_TASK
                + "a virtual thread that is not a simloop task (VirtualThread[#").endsWith(RUN_IT_INSIDE + VIRTUAL_HINT + OUTSIDE_HINT);
    }

    /** Before, the message named TaskGroup.spawn, a call the user did not make. */
    @Test
    void aSpawnIntoAPersistentTaskGroupFromAThreadOutsideNamesThatCall() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        Object v = Loop.run(() -> {
            PersistentTaskGroup g = PersistentTaskGroup.open("conns");
            Loop.toThread(() -> {
                Thread http = Thread.ofPlatform().name("my-http-thread").start(() -> {
                    try {
                        g.spawn("handler", () -> "handled");
                        seen.set("no exception");
                    } catch (IllegalStateException e) {
                        seen.set(e.getMessage());
                    }
                });
                http.join();
                return null;
            });
            g.shutdown();
            return "done";
        });
        assertThat(v).isEqualTo("done");
        assertThat(seen.get()).isEqualTo("PersistentTaskGroup.spawn must be called from a simloop task, but the calling"
                + " thread, thread 'my-http-thread'" + RUN_IT_INSIDE + OUTSIDE_HINT);
    }

    /**
     * A parallel stream's parts run on fork-join workers, outside the loop, even when a task runs
     * the stream: the message said to run the code inside Loop.run or Simulation.run, where it was.
     */
    @Test
    void aParallelStreamsPartOnAWorkerIsSaidToBeOneWithWhatToDoInstead() throws Exception {
        ForkJoinPool pool = new ForkJoinPool(2); // a stream run by its worker runs on its workers alone
        try {
            java.util.List<String> fromWorkers = pool.submit(() -> java.util.stream.IntStream.range(0, 64).parallel()
                    .mapToObj(i -> message()).distinct().toList()).get();
            assertThat(fromWorkers).isNotEmpty().allSatisfy(m -> assertThat(m).startsWith("Loop.sleep must be called from"
                    + " a simloop task, but it was called from part of a parallel stream, which runs on a worker of a"
                    + " ForkJoinPool, thread 'ForkJoinPool-").endsWith(", outside the loop (the thread that runs the"
                    + " stream takes only some of its parts). Keep simloop calls out of parallel streams: use a sequential"
                    + " stream, or spawn a task for each part of the work (TaskGroup.spawn)."));
        } finally {
            pool.shutdown();
        }
        assertThat(java.util.stream.Stream.of(1).map(i -> message()).toList()).as("a sequential stream on a plain thread")
                .singleElement().asString().startsWith(NOT_A_TASK + "thread '");
    }

    @Test
    void forkJoinWorkersSayWhichPool() throws Exception {
        String common = CompletableFuture.supplyAsync(NotInATaskMessagesTest::message).get();
        assertThat(common).startsWith(NOT_A_TASK + "a worker of ForkJoinPool.commonPool() (where CompletableFuture's "
                + "async methods run by default), thread 'ForkJoinPool.commonPool-worker-").endsWith(RUN_IT_INSIDE + OUTSIDE_HINT);
        ForkJoinPool pool = new ForkJoinPool(1);
        try {
            String other = pool.submit(NotInATaskMessagesTest::message).get();
            assertThat(other).startsWith(NOT_A_TASK + "a worker of a ForkJoinPool, thread 'ForkJoinPool-")
                    .endsWith(RUN_IT_INSIDE + OUTSIDE_HINT);
        } finally {
            pool.shutdown();
        }
    }
}
