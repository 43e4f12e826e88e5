package dev.simloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code CompletableFuture.orTimeout} and {@code completeOnTimeout} without the agent: the first in a
 * JVM starts the common pool's delay scheduler, and the run fails at that step naming the agent (in
 * a fresh JVM, since the scheduler is started once per JVM).
 */
class TimeOutWithoutTheAgentTest {
    /** The child: a simulation whose main task waits on a future with a time-out. */
    public static final class Child {
        private Child() {
        }

        public static void main(String[] args) throws Exception {
            if (args.length > 0 && args[0].equals("warm")) {
                // the delay scheduler started before the simulation, as by earlier code in the JVM
                new CompletableFuture<Integer>().completeOnTimeout(1, 1, TimeUnit.MILLISECONDS).get();
            }
            SimResult<Integer> r = Simulation.run(1, () -> new CompletableFuture<Integer>()
                    .completeOnTimeout(7, 3, TimeUnit.SECONDS).get());
            System.out.println(r.failed() ? r.failure().getClass().getSimpleName() + ": " + r.failure().getMessage()
                    : "value " + r.value());
        }
    }

    private static String child(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), Child.class.getName()));
        cmd.addAll(List.of(args));
        return ChildJvms.run(cmd);
    }

    @Test
    void aTimeOutOnAnAlreadyStartedSchedulerFailsTheRunWhenItFiresNamingTheAgent() throws Exception {
        assertThat(child("warm")).contains("NondeterminismDetected: task 'main', waiting outside simloop since step")
                .contains("was woken by thread 'ForkJoinPool.commonPool-delayScheduler'")
                .contains("a time-out of CompletableFuture.orTimeout, completeOnTimeout or delayedExecutor, which ran"
                        + " on the real clock. Run with the simloop agent (-javaagent:simloop-agent.jar, see"
                        + " virtual-time.md)");
    }

    @Test
    void theFirstTimeOutInAJvmFailsTheRunNamingTheAgent() throws Exception {
        String out = child();
        assertThat(out).contains("NondeterminismDetected: task 'main' created a thread the simulation does not own:"
                + " the common pool's delay scheduler, which CompletableFuture.orTimeout and completeOnTimeout start,"
                + " at ").contains("Run with the simloop agent (-javaagent:simloop-agent.jar, see virtual-time.md), which"
                + " puts these time-outs on the loop's clock; or wait with a time-out of simloop's:"
                + " CancelScope.failAfter(d, () -> future.get()), or moveOnAfter.");
    }
}
