package dev.simloop.vt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The agent's jar given to {@code -javaagent} and also resolved on the module path (a launcher that
 * adds {@code ALL-MODULE-PATH}): the JVM does not start, with a message that says why and what to
 * do, instead of rewritten code failing later with an {@code IllegalAccessError} that names no
 * flag. On the module path but not resolved, it is harmless. So does an option the agent does not take.
 */
class AgentOnModulePathTest {

    /** What the child JVMs run. */
    public static final class Hello {
        private Hello() {
        }

        public static void main(String[] args) {
            System.out.println("hello from main");
        }
    }

    private static String agentJar() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-javaagent:")).map(a -> a.substring("-javaagent:".length()))
                .findFirst().orElseThrow();
    }

    private static String run(List<String> flags) throws Exception {
        return run("", flags);
    }

    /** @param options what follows the agent jar in {@code -javaagent}: empty, or {@code =} and its options */
    private static String run(String options, List<String> flags) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        cmd.add("-Xshare:off");
        cmd.add("-javaagent:" + agentJar() + options);
        cmd.addAll(flags);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Hello.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
        return "exit " + p.exitValue() + "\n" + out;
    }

    @Test
    void anAgentJarResolvedOnTheModulePathStopsTheJvmSayingWhy() throws Exception {
        String resolved = run(List.of("-p", agentJar(), "--add-modules", "dev.simloop.agent"));
        assertThat(resolved).doesNotStartWith("exit 0").doesNotContain("hello from main")
                .contains("simloop-agent's jar is also on the module path, resolved as module dev.simloop.agent"
                        + " (--add-modules dev.simloop.agent or ALL-MODULE-PATH): code the agent rewrites would call"
                        + " that module's copy of its bridge, which the runtime does not see. Give the jar to"
                        + " -javaagent only and leave it off the module path");

        String unresolved = run(List.of("-p", agentJar()));
        assertThat(unresolved).startsWith("exit 0").contains("hello from main");
    }

    /**
     * Guards that an option the agent does not take, or a verbose flag it would read as false, stops
     * the JVM saying so, instead of being ignored unseen.
     */
    @Test
    void anOptionTheAgentDoesNotTakeStopsTheJvmSayingWhy() throws Exception {
        String option = run("=verbose", List.of());
        assertThat(option).doesNotStartWith("exit 0").doesNotContain("hello from main")
                .contains("java.lang.IllegalArgumentException: simloop-agent takes no options, but was given 'verbose'"
                        + " (after the '=' of -javaagent:simloop-agent.jar=verbose): give the jar alone;"
                        + " -Dsimloop.agent.verbose=true prints a line per class it rewrites\n");

        String verbose = run(List.of("-Dsimloop.agent.verbose=yes"));
        assertThat(verbose).doesNotStartWith("exit 0").doesNotContain("hello from main")
                .contains("java.lang.IllegalArgumentException: -Dsimloop.agent.verbose=yes: write true or false\n");

        assertThat(run(List.of("-Dsimloop.agent.verbose=false"))).startsWith("exit 0").contains("hello from main");
    }
}
