package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose tasks fill the heap ends with the {@code OutOfMemoryError}, and the JVM can go on.
 * Before, the driver thread died of it in its bookkeeping after the run, without telling the caller:
 * the caller waited for ever (an interrupt did not help, nor did SIGTERM), keeping the run's objects
 * reachable, and the watchdog died too.
 */
class OutOfMemoryInRunTest {

    /**
     * Where the error strikes decides whether the caller catches it (and a next run works) or, when
     * it struck the run's unwinding and its tasks' stacks keep the heap full, the JVM's main thread
     * dies of it too; either way the JVM ends, and says why.
     */
    @Test
    void aSimulationThatFillsTheHeapEnds(@TempDir Path dir) throws Exception {
        assertThat(runChild(dir, "simulation")).contains("OutOfMemoryError").doesNotContain("simulation: returned,"
                + " failure null");
    }

    /** As {@link #aSimulationThatFillsTheHeapEnds}, with a real loop. */
    @Test
    void aRealLoopThatFillsTheHeapEnds(@TempDir Path dir) throws Exception {
        assertThat(runChild(dir, "real")).contains("OutOfMemoryError").doesNotContain("real loop: returned");
    }

    /**
     * A bounded exploration whose pending runs would outgrow the heap stops when they hold a third of
     * it, in a 24 MB heap within seconds, saying so (docs/exploring.md), after the same schedule on
     * one thread and on two. Before, it filled the heap: it ended in an {@code OutOfMemoryError}
     * wherever that struck, or (one run in four on one thread in a 32 MB heap) wedged the JVM for
     * good, its task parked pinned to the driver for want of heap to save its stack.
     */
    @Test
    void aBoundedExplorationStopsBeforeItsRunsFillTheHeap(@TempDir Path dir) throws Exception {
        for (String search : List.of("bounded", "exhaustive")) {
            String onOne = runChild(dir, search + "-1", "-Xmx24m");
            assertThat(onOne).startsWith("bounded: threw " + (search.equals("bounded") ? "preemptionBounded(8)"
                    : "exhaustive(8)") + ": after ")
                    .contains(" schedules, the runs whose successors are still to come hold about ")
                    .contains(", a third of the heap (24 MB), so the search stops before they fill it; cap its"
                            + " schedules (Exploration.schedules(n), @SimulatedLoop(schedules = n), -Dsimloop.schedules),"
                            + " search a smaller bound, or give the JVM more heap (-Xmx); exploring.md, \"Preemption"
                            + " and delay bounding\", says what a search keeps")
                    .doesNotContain("OutOfMemoryError");
            assertThat(runChild(dir, search + "-2", "-Xmx24m")).as("on two threads").isEqualTo(onOne);
        }
    }

    /** @return what a child JVM with a 48 MB heap running {@link OutOfMemoryMain} {@code mode} printed; it must end */
    private static String runChild(Path dir, String mode) throws Exception {
        return runChild(dir, mode, "-Xmx48m");
    }

    private static String runChild(Path dir, String mode, String heap) throws Exception {
        Path out = dir.resolve(mode + ".txt");
        ProcessBuilder pb = new ProcessBuilder(List.of(System.getProperty("java.home") + File.separator + "bin"
                + File.separator + "java", heap, "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), OutOfMemoryMain.class.getName(), mode));
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.redirectErrorStream(true).redirectOutput(out.toFile());
        Process p = pb.start();
        boolean ended = p.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        String printed = Files.readString(out);
        assertThat(ended).as("the child JVM ended; it printed:%n%s", printed).isTrue();
        return printed;
    }

    /**
     * What a run made is garbage once its caller has the result: the idle driver keeps none of it.
     * Before, the driver's loop kept the last call (its program, its value) in a local while it
     * waited for the next work, up to its 30 s keep-alive, which also kept a full heap full.
     */
    @Test
    void theIdleDriverKeepsNothingOfTheLastRun() throws InterruptedException {
        java.lang.ref.WeakReference<byte[]> value = valueOfARun();
        for (int i = 0; i < 20 && value.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertThat(value.get()).as("the last run's value, after the caller dropped it").isNull();
    }

    private static java.lang.ref.WeakReference<byte[]> valueOfARun() {
        byte[] made = Simulation.run(1, () -> new byte[1 << 20]).value();
        return new java.lang.ref.WeakReference<>(made);
    }
}
